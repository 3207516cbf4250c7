"""An outcome asked back and confirmed: "So we're cutting the shop from the demo build, right?" —
"Right." The question, less its tag, is the decision; the yes is more evidence for it."""

from __future__ import annotations

import re

from minutes.summarize.candidates.promise import commitment_cue
from minutes.summarize.candidates.scan import ANSWER_NO, FILLER, Candidate, Scan, rx
from minutes.summarize.candidates.told import reported

_CONFIRM_ASKED = rx(
    rf"^{FILLER}(?:so\s+)?(?:we're|we are|we'll|we will|that's)\s+"
    r"(?!(?:not sure|still|waiting|thinking|talking|discussing|meeting|on track|good|fine|all|happy|okay|ok"
    r"|done|finished|here|there)\b)(?P<x>\w.+?),?"
    r"\s+(?:right|yeah|yes|correct|agreed|okay|ok|aye|then|yeah\?)\s*\?$"
)
"""An outcome put back to the room for a yes: "So we're cutting the shop from the demo build, right?" """
_CONFIRMS = rx(
    rf"^{FILLER}(?:right|yeah|yep|yes|correct|exactly|agreed|aye|that's right|absolutely|definitely)\b"
    r"(?!,? but\b)"
)


def confirmed(scan: Scan, i: int) -> Candidate | None:
    """An outcome asked back ("…, right?") and confirmed by another speaker ("right")."""
    utts = scan.utterances
    if i == 0 or utts[i - 1].speaker == utts[i].speaker or not scan.sentences[i] or not scan.sentences[i - 1]:
        return None
    k = len(scan.sentences[i - 1]) - 1
    asked = _CONFIRM_ASKED.match(scan.sentences[i - 1][k])
    first = scan.sentences[i][0]
    if (
        asked is None
        or (i - 1, k) in scan.used
        or not _CONFIRMS.match(first)
        or ANSWER_NO.search(first)
        or commitment_cue(asked.group("x"))
        or reported(scan, i - 1, asked.group(0), "")
    ):
        return None
    scan.used.update({(i - 1, k), (i, 0)})
    text = re.sub(r",?\s+\w+\s*\?$", ".", asked.group(0))
    return scan.item("decision", i - 1, text, "decision:confirmed", also=[i])
