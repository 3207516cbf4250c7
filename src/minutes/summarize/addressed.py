"""Whose name is whose, heard in the meeting: "Thanks Alice." answers Alice; "Bob, can you …?" asks Bob.

When nobody has named the speakers, the labels (``SPEAKER_01``) still hear their names: a
speaker thanked by name at the start of a turn is most likely the one who just spoke, and one
asked something by name is most likely the one who answers. The summary check uses this to
tell that "Alice will update the guide" is not about the speaker who committed to it; nothing
shown to a reader is named from it. Only an unambiguous pairing is kept: a name heard for two
speakers, or a speaker heard as two names, gives nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from minutes.summarize.summary_facts import NOT_PEOPLE
from minutes.summarize.text import split_sentences
from minutes.types import Utterance

_NAME = r"(?P<name>[A-Z][a-z]+)"
_THANKS = re.compile(rf"^(?i:thanks|thank you),?\s+{_NAME}\s*[.,!]")
_CALL_START = re.compile(rf"^(?:(?i:ok|okay|so|and|now|right|alright),?\s+)?{_NAME},\s+\w")
_CALL_END = re.compile(rf",\s*{_NAME}\s*[?!.]*$")
_ASKING = re.compile(r"\?$|\b(?:can|could|would|will) you\b|\bplease\b", re.IGNORECASE)


def heard_names(utterances: Sequence[Utterance], names: Mapping[str, str]) -> dict[str, str]:
    """Speaker label → the name others call them by, for labels ``names`` leaves unnamed."""
    votes: Counter[tuple[str, str]] = Counter()
    for i, u in enumerate(utterances):
        for k, sentence in enumerate(split_sentences(u.text)):
            thanks = _THANKS.match(sentence) if k == 0 else None
            if thanks and i > 0 and utterances[i - 1].speaker != u.speaker:
                votes[(thanks.group("name"), utterances[i - 1].speaker)] += 1
                continue
            call = _CALL_START.match(sentence) or _CALL_END.search(sentence)
            if call and _ASKING.search(sentence):
                answer = next((x for x in utterances[i + 1 : i + 3] if x.speaker != u.speaker), None)
                if answer is not None:
                    votes[(call.group("name").capitalize(), answer.speaker)] += 1
    known = {w.lower() for n in names.values() if n for w in n.split()}
    pairs = {
        (name, label)
        for name, label in votes
        if name.lower() not in NOT_PEOPLE | known and not names.get(label)
    }
    by_name = Counter(name for name, _ in pairs)
    by_label = Counter(label for _, label in pairs)
    return {label: name for name, label in pairs if by_name[name] == 1 and by_label[label] == 1}
