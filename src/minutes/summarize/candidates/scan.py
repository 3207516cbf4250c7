"""What every candidate rule shares: the candidate type, the scan of a meeting, speech-act helpers.

A meeting is scanned sentence by sentence; ``Scan.used`` records the sentences a rule has
already turned into a candidate, so a later rule does not take them again. Due dates are read
from the item's own clause first, then from the rest of what the same speaker said in that turn
("I'll make the sheet. Tomorrow."), and "by then" takes the date said just before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from minutes.summarize.dates import DateMention, find_dates, without_dates
from minutes.summarize.text import content_words
from minutes.types import Utterance

F = re.IGNORECASE


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, F)


HEDGES = r"if|unless|whether|could|would|might|maybe|perhaps|we'd"
"""Words that leave a sentence conditional or unsure ("if the strikes go on", "we could move the
rack", "maybe three", "we'd go with Harbour"): what it says is not settled. The readers of decisions
and proposals each add the words their own context needs (:mod:`.plain`, :mod:`.decisions`,
:mod:`minutes.summarize.proposals`)."""
FILLER = r"(?:(?:uh|um|oh|well|so|and|also|okay|ok|alright|right|hmm|then|great|good|cool)[,.!]?\s+)*"
_PUT_RIGHT = rx(
    r"^\W*(?:no|sorry|actually|wait|or rather|make (?:that|it))[,.!]?\s+"
    r"(?:(?:no|sorry|actually|make it)[,.!]?\s+)*"
    r"(?P<when>\w.*)"
)
"""A date corrected in the next breath: "by Thursday. No, Friday", "the 12th, sorry, the 13th"."""
_TAG = rx(r",\s*(?:okay|ok|right|yeah|alright|all right|yes|no)\s*\?$")
# a period said by itself is no deadline ("next week" is not Monday) unless a deadline word leads it
_VAGUE = rx(r"^(?:on |for |in )?(?:the )?(?:next week|next month)$")
_THEN = rx(r"\b(?:by|before|until|till) then\b")
_RETRACT = rx(
    r"^\W*(?:(?:oh|um|uh|hmm)\W+)?(?:actually,? no|no,? wait|wait,? no|on second thought|scratch that"
    r"|forget (?:that|it|i said that)|never ?mind|nah)\b"
)
_DAY_ALONE = rx(
    r"^\W*(?:(?:um|uh|er|erm|oh|so|fine|okay|ok|yes|yeah|sure|right)\W+)*the \w+(?:st|nd|rd|th)\W*$"
)
"""A day of the month said alone ("The twentieth."), a date only as the answer to "when?"."""
ANSWER_NO = rx(
    r"\b(?:not sure|don't know|no idea|depends|i think|i guess|probably|maybe|might|may|could|no\b|didn't"
    r"|haven't|question|interesting|good point|hmm|still|not our call|being discussed|not decided)"
)
"""Words of an answer that is no yes: "not sure", "depends", "no", "I think"…"""
LAUGH = rx(r"^\W*(?:ha(?:ha)*|heh|lol|\(?laughs?\)?|\[laughter\]|very funny|nice try)\b")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible minute item, before any model has looked at it.

    ``utterance`` and ``evidence`` hold ``Utterance.index`` values; ``speaker`` is who said the
    triggering sentence and ``owner`` (actions only) the speaker label of who committed.
    ``due`` is a deadline for an action and the date a decision names, with ``due_text`` the words.
    """

    kind: str  # "action" | "decision" | "question"
    utterance: int
    speaker: str
    text: str
    owner: str | None = None
    due: date | None = None
    due_text: str | None = None
    evidence: tuple[int, ...] = ()
    cue: str = ""


def clause_before(s: str, end: int) -> str:
    return re.split(r"[,;:]|\bbut\b|\band\b", s[:end])[-1]


def is_question(s: str) -> bool:
    return s.rstrip().endswith("?") and not _TAG.search(s)


@dataclass
class Scan:
    """A meeting being read: its utterances, their sentences, and the sentences already taken."""

    utterances: Sequence[Utterance]
    sentences: list[list[str]]
    meeting_date: date
    labels_by_name: dict[str, str]
    used: set[tuple[int, int]]

    @cached_property
    def lines_saying(self) -> Counter[str]:
        """For each content word, how many utterances of the meeting say it."""
        return Counter(w for u in self.utterances for w in content_words(u.text))

    def item(
        self,
        kind: str,
        i: int,
        text: str,
        cue: str,
        *,
        owner: str | None = None,
        also: Sequence[int] = (),
        due_from: Sequence[str] | None = None,
    ) -> Candidate:
        """A candidate said in utterance ``i`` (evidence: it and the utterances ``also``).

        The due date comes from ``due_from`` (texts in order of preference), else from ``text``.
        """
        u = self.utterances[i]
        evidence = {u.index, *(self.utterances[j].index for j in also)}
        due, due_text = self.due(*(due_from if due_from is not None else [text]))
        return Candidate(kind, u.index, u.speaker, text, owner, due, due_text, tuple(sorted(evidence)), cue)

    def dates(self, text: str) -> list[DateMention]:
        """The date mentions of ``text``, less a bare "next week" (a period, not a deadline)."""
        return [m for m in find_dates(text, self.meeting_date) if not _VAGUE.match(m.text)]

    def due(self, *texts: str) -> tuple[date | None, str | None]:
        """The first deadline of the first text that names one, else its first date; a date put
        right at once wins ("Out by Thursday. No, Friday, I'm in Leeds Thursday.")."""
        for n, text in enumerate(texts):
            mentions = self.dates(text)
            if mentions:
                best = next((m for m in mentions if m.deadline), mentions[0])
                rest = text[best.end :]
                if n + 1 < len(texts) and not rest.strip(" .,!?"):
                    rest = f"{rest} {texts[n + 1]}"
                fixed = _PUT_RIGHT.match(rest)
                if fixed is not None:
                    again = self.dates(fixed.group("when"))
                    if again and again[0].start == 0:
                        return again[0].date, again[0].text
                return best.date, best.text
        return None, None

    def rest_of_turn(self, i: int, k: int, start: int = 0) -> list[str]:
        """Sentence ``k`` of utterance ``i`` from ``start`` on, then the turn's later sentences."""
        sents = self.sentences[i]
        return [sents[k][start:], *sents[k + 1 :]] if k < len(sents) else []

    def date_before(self, i: int, k: int = 0) -> str:
        """The last sentence naming a date before sentence ``k`` of utterance ``i`` ("before then"):
        earlier in the same turn ("The window closes on Friday. I'll submit it before then."), else
        in the two utterances before it."""
        for s in reversed(self.sentences[i][:k]):
            if self.due(s)[0] is not None:
                return s
        for j in range(i - 1, max(-1, i - 3), -1):
            for s in reversed(self.sentences[j]):
                if self.due(s)[0] is not None:
                    return s
        return ""

    def due_texts(self, i: int, k: int, start: int = 0) -> list[str]:
        """Where to read the due date of an item said at sentence ``k`` of utterance ``i``."""
        texts = self.rest_of_turn(i, k, start)
        if any(_THEN.search(t) for t in texts):
            return [t for t in texts if self.due(t)[0] is not None and not _THEN.search(t)] + [
                self.date_before(i, k)
            ]
        return [" ".join(texts[:1]), *texts[1:]]

    def follow_up(self, i: int, speakers: set[str]) -> str:
        """A short dated line of the item's people right after utterance ``i``: "By Friday?" — "Yep.".
        Two lines on, only the speaker of ``i`` ("By when?" — "Saturday."); and only a short reply,
        not a date in a turn about something else ("Oh, by the way, I emailed the lender about the
        courier dates. They're coming on the second.")."""
        for j in range(i + 1, min(i + 3, len(self.utterances))):
            who = self.utterances[j].speaker
            if who not in speakers or (j == i + 2 and who != self.utterances[i].speaker):
                return ""
            said = self.utterances[j].text
            if len(said.split()) > 12 and not said.rstrip().endswith("?"):
                continue  # a long turn, not a question of when ("… for the tenth?")
            for s in self.sentences[j][:2]:
                if _DAY_ALONE.match(s):
                    s = re.sub(r"\bthe\b", "by the", s, count=1, flags=F)  # "When's it due?" — "The 20th."
                if self.dates(s) and len(content_words(without_dates(s, self.meeting_date))) <= 1:
                    return s  # a date and little else: "Yep, Friday.", "By the ninth?"
        return ""

    def addressee(self, sentence: str, speaker: str) -> str | None:
        for name, label in self.labels_by_name.items():
            if label != speaker and re.search(rf"\b{re.escape(name)}\b", sentence, F):
                return label
        return None

    def taken(self, i: int) -> bool:
        """Some sentence of utterance ``i`` is already part of an item."""
        return any((i, k) in self.used for k in range(len(self.sentences[i])))

    def retracted(self, i: int, k: int) -> bool:
        """The speaker takes sentence ``k`` of utterance ``i`` back later in the turn ("Actually, no …")."""
        return any(_RETRACT.match(x) for x in self.sentences[i][k + 1 :])

    def laughed_off(self, i: int) -> bool:
        """The next speaker laughs: what utterance ``i`` offered was a joke."""
        nxt = self.utterances[i + 1] if i + 1 < len(self.utterances) else None
        return nxt is not None and nxt.speaker != self.utterances[i].speaker and bool(LAUGH.match(nxt.text))


def labels_by_name(names: Mapping[str, str] | None) -> dict[str, str]:
    """Lowercased full, first and last names → speaker label; a part two people share is dropped
    ("Councillor" of "Councillor Byrne" and "Councillor Lowe")."""
    owners: dict[str, set[str]] = {}
    full: dict[str, str] = {}
    for label, name in (names or {}).items():
        parts = name.split()
        full.setdefault(name.lower(), label)
        for key in {parts[0], parts[-1]} if len(parts) > 1 else set():
            owners.setdefault(key.lower(), set()).add(label)
    parts_ = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1 and k not in full}
    return {**full, **parts_}
