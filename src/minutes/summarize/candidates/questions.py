"""Open questions: asked and left open.

A sentence ending in "?" (not small talk, not meeting mechanics, not an accepted request, offer
or agreed proposal) followed within two utterances by a deferral ("not sure", "let's come back
to that", "TBD") or by no other speaker at all.
"""

from __future__ import annotations

from dataclasses import replace

from minutes.summarize.candidates.scan import Candidate, Scan, is_question, rx
from minutes.summarize.text import content_words

_DEFER = rx(
    r"\b(?:not sure|i don't know|i do not know|don't know yet|no idea|come back to|we'll see"
    r"|(?:discuss|decide|talk about|look at|revisit|pick (?:it|this|that) up)(?: \w+){0,3} next week"
    r"|to be decided|tbd|(?:discuss|talk about|revisit|decide)(?: \w+){0,2} later"
    r"|take (?:it|this|that) offline|park (?:it|this|that)|parking lot|good question|need to check"
    r"|have to check|get back to you|not yet"
    r"|haven't decided|open question|unclear|depends)\b",
)
_SMALL_TALK = rx(
    r"^(?:how are you|how're you|how's it going|how is it going|how are things|how have you been"
    r"|how was (?:your|the) \w+|what's up|can (?:you|everyone|everybody) (?:hear|see)|am i on mute"
    r"|are you there|are we (?:good|ready|all here)|is everyone here|shall we (?:start|begin|get started)"
    r"|any (?:other )?questions|anything else|any other business|who's next|does that make sense"
    r"|is that clear|make sense|you know|did you have a good)\b|\b(?:hear me|see my screen|on mute)\b",
)


def questions(scan: Scan) -> list[Candidate]:
    """Questions deferred or left without another speaker's answer."""
    out: list[Candidate] = []
    utts = scan.utterances
    for i, u in enumerate(utts):
        for k, s in enumerate(scan.sentences[i]):
            if (i, k) in scan.used or not is_question(s) or _SMALL_TALK.search(s.lstrip(" ,")):
                continue
            if len(content_words(s)) < 2:
                continue  # "Right?", "Why not?"
            nxt = utts[i + 1 : i + 3]
            if any(_DEFER.search(x.text) for x in nxt):
                cue = "question:deferred"
            elif all(x.speaker == u.speaker for x in nxt):
                cue = "question:unanswered"
            else:
                continue
            out.append(replace(scan.item("question", i, s, cue), due=None, due_text=None))
    return out
