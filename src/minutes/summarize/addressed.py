"""Whose name is whose, heard in the meeting: "Thanks Alice." answers Alice; "Bob, can you …?" asks Bob.

When nobody has named the speakers, the labels (``SPEAKER_01``) still hear their names: a
speaker thanked by name at the start of a turn is most likely the one who just spoke, and one
asked something by name is most likely the one who answers. The summary check uses this to
tell that "Alice will update the guide" is not about the speaker who committed to it; nothing
shown to a reader is named from it; the same pairs, with the lines they were heard on
(:func:`heard`), are offered to a person as name suggestions (docs/voices.md). Only an unambiguous
pairing is kept: a name heard for two speakers, or a speaker heard as two names, gives nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from minutes.summarize.summary_facts import NOT_PEOPLE
from minutes.summarize.text import split_sentences
from minutes.types import Utterance

# A title before a name is said but not kept: "Thank you, Mr Gallagher." hears Gallagher.
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Councillor|Chair|Judge|Sister|Nurse)\.?\s+)?"
# a name: a word with a capital first letter (checked in code: Python's re has no Unicode classes),
# accents and one hyphen allowed ("Noémie", "Søren", "Jae-won")
_NAME = rf"{_TITLE}(?P<name>[^\W\d_][^\W\d_']*(?:-[^\W\d_]+)?)"
_THANKS = re.compile(rf"^(?i:thanks|thank you|noted|cheers),?\s+{_NAME}\s*[.,!]")
_CALL_START = re.compile(rf"^(?:(?i:ok|okay|so|and|now|right|alright),?\s+)?{_NAME},\s+\w")
_CALL_END = re.compile(rf",\s*{_NAME}\s*[?!.]*$")
# Words said like a name that name nobody: "Order, please.", "Everyone, can you…?", "Chef, …".
_NOT_VOCATIVES = frozenset(
    {
        "order",
        "everyone",
        "everybody",
        "folks",
        "guys",
        "team",
        "all",
        "sir",
        "madam",
        "chef",
        "boss",
        "friends",
        # roles said as a form of address: "Thank you, Chair."
        "chair",
        "chairman",
        "chairwoman",
        "chairperson",
        "president",
        "secretary",
        "treasurer",
        "captain",
        "coach",
        "doctor",
        "officer",
        "councillor",
    }
)
_ASKING = re.compile(r"\?$|\b(?:can|could|would|will) you\b|\bplease\b", re.IGNORECASE)


def _capital(m: re.Match[str]) -> bool:
    return m.group("name")[:1].isupper()


@dataclass(frozen=True, slots=True)
class Heard:
    """The name others called a speaker by, and the lines (utterance indexes) they did it on."""

    name: str
    lines: tuple[int, ...]


def heard_names(utterances: Sequence[Utterance], names: Mapping[str, str]) -> dict[str, str]:
    """Speaker label → the name others call them by, for labels ``names`` leaves unnamed."""
    return {label: h.name for label, h in heard(utterances, names).items()}


def heard(
    utterances: Sequence[Utterance], names: Mapping[str, str], *, refused: Collection[tuple[str, str]] = ()
) -> dict[str, Heard]:
    """Speaker label → the name others call them by and where, for labels ``names`` leaves unnamed;
    ``refused`` (label, name) pairs a person said are wrong are left out before pairing."""
    votes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, u in enumerate(utterances):
        for k, sentence in enumerate(split_sentences(u.text)):
            thanks = _THANKS.match(sentence) if k == 0 else None
            if thanks and not _capital(thanks):
                thanks = None
            if thanks and i > 0 and utterances[i - 1].speaker != u.speaker:
                votes[(thanks.group("name"), utterances[i - 1].speaker)].append(u.index)
                continue
            call = _CALL_START.match(sentence) or _CALL_END.search(sentence)
            if call and _capital(call) and _ASKING.search(sentence):
                answer = next((x for x in utterances[i + 1 : i + 3] if x.speaker != u.speaker), None)
                if answer is not None:
                    votes[(call.group("name").capitalize(), answer.speaker)].append(u.index)
    known = {w.lower() for n in names.values() if n for w in n.split()}
    pairs = {
        (name, label)
        for name, label in votes
        if name.lower() not in NOT_PEOPLE | _NOT_VOCATIVES | known
        and not names.get(label)
        and (label, name) not in refused
    }
    by_name = Counter(name for name, _ in pairs)
    by_label = Counter(label for _, label in pairs)
    return {
        label: Heard(name, tuple(sorted(set(votes[(name, label)]))))
        for name, label in pairs
        if by_name[name] == 1 and by_label[label] == 1
    }
