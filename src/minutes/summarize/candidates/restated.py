"""An outcome restated: the chair says back what the room just agreed, and that is the decision.

In spoken meetings most decisions are not announced ("we've decided …"): an option is put ("Seven?",
"We could do first and third Saturday?", "Move it to best case."), others agree or name it
("Eight.", "First and third works for me."), and the one who leads says it back with an
acknowledgement: "Okay, eight o'clock, everyone, not seven.", "Okay. Fifth. After school, in my
room.", "June second. Okay. Done.", "Go on then, a fiver for under twelves.".

A sentence is such a restatement when

- it is acknowledged: it opens with "okay", "right", "so", "go on then" …, or an acknowledgement is
  a sentence of its own just before or after it in the same turn ("Okay. Best case."), or it
  closes with "then";
- what it says past the acknowledgement is short (at most :data:`MOST_WORDS` words), not a
  question, not a commitment of the speaker's ("I'll …"), not hedged ("maybe", "if", "or", "I
  think" …), not the next item ("Okay, next, the budget.", or a question right after it);
- it says back what was put in the last :data:`WINDOW` turns: a word or number of another
  speaker's turn, or of the speaker's own proposal when another speaker agreed to it in between
  ("Yeah.", "Mm-hmm.", "Fine by me."); not a word the meeting says all the time (its topic,
  :data:`TOPIC_LINES`).

Not restatements: an acknowledgement alone ("Okay. Good."), a summary of news ("Okay, so it
shipped Tuesday.": past tense), an answer to another speaker's question ("How many?" — "Okay, um.
Forty."), someone called on ("Okay, thanks. Ife."), what was decided before the meeting.
"""

from __future__ import annotations

import re

from minutes.summarize.candidates.promise import commitment_cue
from minutes.summarize.candidates.requests import asks
from minutes.summarize.candidates.scan import Scan, is_question, rx
from minutes.summarize.dates import without_dates
from minutes.summarize.text import TENS, UNITS, content_words

WINDOW = 4
MOST_WORDS = 16
TOPIC_LINES = 20
"""A word said in more lines of the meeting than this is its topic ("remote", "button" in a design
meeting): two short lines near each other share it by chance, and saying it is no outcome said back.
Real meetings of an hour (tests/data/meetings-real, tune and dev): 17 false decisions fewer, none
true lost; the generated meetings, 11 to 30 lines, never reach it."""
CUE = "decision:restated"
"""The cue of a decision found this way (the summarizer keeps it whatever its judge says)."""

_ACK_WORDS = (
    r"okay|ok|right|alright|all right|so|then|fine|good|great|yeah|yes|yep|go on then|go on|done|lovely"
    r"|do that|do it"
    r"|perfect|agreed|sorted|cool|um|uh|well|and"
)
_ACK_ONLY = rx(rf"^\W*(?:(?:{_ACK_WORDS})\W*)+$")
_ACK_LEAD = rx(
    r"^\W*(?:(?:um|uh|mm)\W+)*(?:okay|ok|right|alright|all right|fine|go on then|go on|then yeah|then yes)\b"
    r"[,.!]?\s*"
    r"(?:(?:so|then|yeah|and|um|uh)\b[,.!]?\s*)*"
)
_THEN_END = rx(r"(?<!till )(?<!until )(?<!by )(?<!since )(?<!before )(?<!after )\bthen\s*[.!]*$|,\s*then\b")
_HEDGED = rx(
    r"\b(?:maybe|perhaps|might|could|should|would|if|unless|whether|i think|i guess|probably|not sure|or"
    r"|we'll see|let's see|depends|hopefully|for now|still|i mean|assume|suppose|reckon|can't|cannot"
    r"|don't|doesn't|won't|not ours|forget|check with|find out|not here|punt\w*|park|offline|later"
    r"|another time|next time|propos\w*|suggest\w*|i'd like|i would like|i want|we need"
    # the meeting's own course: "we'll move on now to …", "we are going to come onto …", "we're recording"
    r"|move on|moving on|come (?:on)?to|go on to|recording)\b"
)
_NEXT = rx(
    r"^\W*(?:(?:um|uh|er|erm|so|and)\W+)*(?:next|moving on|item|any other|anything else|thanks|thank you"
    r"|over to|back to|on to|now|let's"
    r"|let me|who|what|where|when|how|why|and finally|last thing|one more|one thing|two things"
    r"|a couple of things|quickly|first of all|first thing|that's|it's|this is|there's|there are|which"
    r"|no|not|nope|oh|ah|so|(?:bad|good|some|more|great) news|sorry)\b"
)
_TOLD = rx(
    r"\b(?:was|were|had|did|went|came|already|ago|yesterday|said|says|told|wanting)\b"
    r"|\b(?:they|we|i|you)'ve\b"
    r"|(?<!'s )(?<!is )(?<!be )(?<!are )(?<!get )(?<!got )(?<!till )(?<!until )(?<!once )(?<!when )"
    r"\b(?!(?:need|speed|feed|seed|bed|red|shed|hundred|indeed)\b)\w{2,}ed\b"
)
_CUT_OFF = rx(r"(?:\.\.\.|…|--|—)\s*$")
_NAME_ONLY = re.compile(r"^[A-Z][\w'-]+[.!]?$")
_YES = rx(
    r"^\W*(?:yes|yeah|yep|sure|fine|mm-hmm|mm|works|that works|agreed|go on|i like|i love|sounds|definitely"
    r"|absolutely|ok|okay|fair|happy with|no objection|makes sense|suits)\b"
)


def restated(scan: Scan, i: int, k: int) -> tuple[int, ...]:
    """The utterances (positions) whose outcome sentence ``k`` of utterance ``i`` says back, the lines
    that put or agreed it; empty when it says back no outcome the room just agreed."""
    sents = scan.sentences[i]
    s = sents[k]
    if is_question(s) or commitment_cue(s) or _ACK_ONLY.match(s):
        return ()
    around = [*sents[max(0, k - 1) : k], *sents[k + 1 : k + 2]]
    if not (_ACK_LEAD.match(s) or _THEN_END.search(s) or any(_ACK_ONLY.match(x) for x in around)):
        return ()
    body = _ACK_LEAD.sub("", s, count=1)
    if len(body.split()) > MOST_WORDS or _HEDGED.search(body) or _NEXT.match(body) or _TOLD.search(body):
        return ()
    if _CUT_OFF.search(body) or _answers(scan, i):
        return ()
    if k > 0 and _TOLD.search(sents[k - 1]):  # "So they've come back wanting four pages. Four pages."
        return ()
    if moves_on(scan, i, k) and not _ACK_ONLY.match(sents[k + 1]):  # "June second. Okay. Done."
        return ()
    said = content_words(re.sub(_THEN_END, "", body))
    if not said or (_NAME_ONLY.match(body.strip()) and not any(c.isdigit() for w in said for c in w)):
        return ()  # "Okafor." calls on someone; "Fifth." names a day
    if _only_a_number(scan, i, body):
        return ()  # "Two or three?" — "Okay, two.": a score or a count given, not an outcome
    speaker = scan.utterances[i].speaker
    window = range(max(0, i - WINDOW), i)
    utts = scan.utterances
    if not content_words(without_dates(f"on {body}", scan.meeting_date)) and any(
        utts[j].speaker == speaker and (commitment_cue(utts[j].text) or _took_on(scan, j)) for j in window
    ):
        # "Could you take the report?" — "Yeah. When's it needed?" — "The 14th." — "Fine, the 14th."
        return ()
    said = {w for w in said if scan.lines_saying[w] <= TOPIC_LINES}  # not the meeting's own topic
    others = [j for j in window if utts[j].speaker != speaker and said & content_words(utts[j].text)]
    if others:
        return tuple(others)
    own = [j for j in window if utts[j].speaker == speaker and said & content_words(utts[j].text)]
    agreed = [j for j in window if utts[j].speaker != speaker and _YES.match(utts[j].text)]
    return tuple(sorted({*own, *agreed})) if own and agreed else ()


def _only_a_number(scan: Scan, i: int, body: str) -> bool:
    """The outcome said back is a bare number ("Two.", "Okay, a one.") and nothing else the speaker
    says in the turn names what it counts ("We counter at forty-five. Forty-five." does; "June
    second." is a date, not a bare number)."""
    if not _NUMBERS_ONLY.match(body) or not content_words(without_dates(f"on {body}", scan.meeting_date)):
        return False
    rest = " ".join(x for x in scan.sentences[i] if x.strip() != body.strip())
    return not (content_words(rest) - content_words(" ".join(_NUMBER_WORDS.findall(rest))))


_NUMBER_NAMES = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))  # "seventeen" before "seven"
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_NAMES}|hundred|thousand|point|half)"
_NUMBERS_ONLY = rx(rf"^\W*(?:(?:a|an|and|or|then|yeah|okay|so)\W+)*(?:{_NUMBER}(?:[\s,-]+|\W*$))+\W*$")
_NUMBER_WORDS = rx(rf"\b{_NUMBER}\b|\b(?:a|an|and|or|then|yeah|okay|so|i think)\b")


def _took_on(scan: Scan, j: int) -> bool:
    """Utterance ``j`` says yes to a task asked of its speaker just before ("Could you …?" — "Yeah.")."""
    utts = scan.utterances
    return (
        j > 0
        and utts[j - 1].speaker != utts[j].speaker
        and asks(utts[j - 1].text)
        and bool(_YES.match(utts[j].text))
    )


def _answers(scan: Scan, i: int) -> bool:
    """Utterance ``i`` answers another speaker's open question ("How many?" — "Forty people.")."""
    if i == 0 or scan.utterances[i - 1].speaker == scan.utterances[i].speaker:
        return False
    before = scan.sentences[i - 1]
    return bool(before) and bool(_WH.match(before[-1]))


_NEXT_ITEM = rx(r"^\W*(?:item|next|moving on|on to|now|over to|right|okay|so)\b")
_WH = rx(r"^\W*(?:what|where|who|which|how|when|why|is|are|does|do|did|has|have)\b.*\?\s*$")


def moves_on(scan: Scan, i: int, k: int) -> bool:
    """ "April, then. Item three, the verges." / "The venue, then. What have we got?": the next item
    opened after sentence ``k`` of utterance ``i``, not an outcome."""
    after = scan.sentences[i][k + 1 : k + 2]
    return bool(after) and bool(_NEXT_ITEM.match(after[0]) or _WH.match(after[0]))
