"""How the person asked answers a request or an offer: yes, no, passed on, or said again.

A yes is "sure", "will do", "aye", "on it", a commitment of the answerer's own ("I'll …"), or the
day said with a yes ("Thursday's fine."); an open call ("can someone …?") needs a volunteer ("me",
"I can"). A no ("can't", "swamped", "I'd love to, but") ends the named person's request, and so
does handing it to someone else. The answerer's later words on the same task ("Yeah I can do that.
I'll have it by Friday.") belong to the request's item, not a new one. The requests and offers
themselves are read in :mod:`.requests`.
"""

from __future__ import annotations

from minutes.summarize.candidates.promise import commitment_cue
from minutes.summarize.candidates.scan import FILLER, Scan, is_question, rx
from minutes.summarize.date_words import WEEKDAY_WORDS
from minutes.summarize.text import content_words

_WHEN_SAID = (
    r"(?:tonight|today|tomorrow(?: \w+)?|this (?:afternoon|evening|week)|first thing(?: tomorrow)?"
    rf"|end of (?:the day|the week|next week|the month|play)|{WEEKDAY_WORDS}"
    r"|next week|the \w+(?:th|st|nd|rd))"
)
ACCEPT = rx(
    rf"^{FILLER}(?:yes|yeah|yep|yup|aye|sure|okay|ok|will do|no problem|no worries|of course|absolutely"
    r"|definitely|got it|on it|sounds good|can do|happy to|i can|i will|i'll|i'm on it|consider it done"
    r"|alright|all right|fine|me|we can|we will|we'll|leave it with me|sure thing|you got it|you bet"
    r"|give me (?:until|till)|understood|noted|righto|right you are|copy that|mm-?hm+|mhm|uh-huh)\b"
    # the reply names when, then says yes: "Tonight, yeah, when I'm home.", "Thursday's fine."
    rf"|^{FILLER}(?:by |on )?{_WHEN_SAID}(?:(?:'s|\s+is)\s+fine|[.,…!\s]+(?:yeah|yes|yep|sure|fine|no problem"
    r"|can do|will do|that's fine|works)\b)",
)
_BACKCHANNEL = rx(rf"^\W*(?:mm+|hmm+|mm-?hm+|mhm|uh-huh|oh|ah|right|okay|ok|{_WHEN_SAID})\W*$")
"""A first sentence that only says "I'm listening", or when: the yes may come in the next ("Mm. Yep.",
"Thursday... yeah, Thursday's fine.")."""
_VOLUNTEER = rx(rf"^{FILLER}(?:me|i can|i will|i'll|i'm on it|i'd be happy to|happy to)\b")
_REFUSE = rx(
    r"\b(?:can't|cannot|won't|will not|not sure|don't think|no time|unfortunately|probably not|no need"
    r"|already|rather not|prefer not|not able|unable|i could,? but|i'd rather|i would rather|nobody's"
    r"|nobody is|no one's|no one is|slammed|swamped|underwater|snowed under|maxed out|at capacity"
    r"|i'd love to,?(?: \w+,?)? but|i would love to,?(?: \w+,?)? but|i'm afraid (?:i|we) can't)\b"
    r"|^(?:\W*(?:hmm|um|uh|er|well|oh|ah|actually|sorry|honestly|frankly|look|sadly)\W+)*"
    r"(?:no\b(?! problem| worries)"
    r"|not (?:this|today|now|me|really)\b)",
)
_YES = rx(
    rf"^{FILLER}(?:yes|yeah|yep|sure|please(?! don't| do not| no\b| not\b)|go ahead|absolutely|definitely"
    r"|of course|that would"
    r"|that'd|it would|would you|that's fine|fine|great idea|good idea|do it|why not)\b",
)


def _acceptance(scan: Scan, j: int, *, open_call: bool) -> int | None:
    """The last sentence of utterance ``j`` that accepts a request, or None.

    "Sure. I'll fix it by Friday." accepts with both sentences, so the commitment is not found
    again on its own.
    """
    accepted: int | None = None
    for k, s in enumerate(scan.sentences[j][:2]):
        if is_question(s) or _REFUSE.search(s) or (j, k) in scan.used or scan.retracted(j, k):
            break  # "I can do the graphic. Oh — actually no, wait …" takes nothing on
        if commitment_cue(s):
            return k
        first = k == 0 or (k == 1 and _BACKCHANNEL.match(scan.sentences[j][0]) is not None)
        if first and (_VOLUNTEER if open_call else ACCEPT).match(s):
            accepted = k
    return accepted


def answer(scan: Scan, i: int, target: str | None, open_call: bool) -> tuple[int, int] | bool | None:
    """The acceptance (utterance, sentence) of a request; False when the named person declines."""
    utts = scan.utterances
    refused = False
    for j in range(i + 1, min(i + 4, len(utts))):
        if utts[j].speaker == utts[i].speaker or target not in (None, utts[j].speaker):
            continue
        # after a "no", only a real volunteer takes it: "Okay." from the chair is no yes
        k2 = _acceptance(scan, j, open_call=open_call or refused)
        if k2 is not None:
            return j, k2
        said_no = any(_REFUSE.search(x) for x in scan.sentences[j][:2])
        if target is not None and said_no:
            return False
        refused = refused or said_no
        if target is not None and scan.addressee(utts[j].text, utts[j].speaker) not in (
            None,
            utts[i].speaker,
        ):
            return False  # "Actually, Ms Lund knows them better." — passed on to someone else
    return None


def answered_before(scan: Scan, i: int, target: str | None) -> bool:
    """The named person's reply right after was already taken as their yes to the same task, asked
    a line before as an open call."""
    utts = scan.utterances
    return any(utts[x].speaker == target and scan.taken(x) for x in range(i + 1, min(i + 3, len(utts))))


_BACK = rx(r"\b(?:it|that|them|this|those|one)\b")


def said_again(scan: Scan, j: int, k2: int, task: str) -> set[tuple[int, int]]:
    """The acceptor's later words on the same task, in the same turn or their next one two lines
    on: "Yeah I can do that. I'll have it by Friday.", "Sure. When's the review?" — "The 20th." —
    "Okay, I'll have it to you before then." They date the request's item, not a new one."""
    utts = scan.utterances
    turns = [(j, k2 + 1)]
    if j + 2 < len(utts) and utts[j + 2].speaker == utts[j].speaker != utts[j + 1].speaker:
        turns.append((j + 2, 0))
    words = content_words(task)
    bare = len(content_words(scan.sentences[j][k2])) <= 1  # "Yeah, I'm on it." says only yes
    out: set[tuple[int, int]] = set()
    for t, start in turns:
        for k in range(start, len(scan.sentences[t])):
            said = scan.sentences[t][k]
            cue = commitment_cue(said)
            if not cue:
                continue
            after = said[said.lower().find(cue) + len(cue) :]
            if _BACK.search(after) or content_words(said) & words or (bare and (t, k) == (j, k2 + 1)):
                out.add((t, k))
    return out


def said_yes(scan: Scan, j: int) -> bool:
    first = scan.sentences[j][0] if scan.sentences[j] else ""
    return bool(_YES.match(first)) and not _REFUSE.search(scan.utterances[j].text)
