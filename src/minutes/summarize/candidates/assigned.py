"""Work handed out by name anywhere in a sentence: "In the meantime, the Industrial Designer over here
is gonna work on the look and feel, and the Marketing Expert is going to work on the evaluation."

A chair closing a meeting often gives each person present their next task in one breath, naming them
(or their role, where the speakers are known by role) in the third person: one action per person
named, owned by them, the task what follows the name's "will" / "is going to". Only a task verb
counts ("work on", "look into", "prepare", "send" …), so "Tom will love it" or "the designer is
going to be annoyed" are no assignment; a name not among the speakers, or the speaker's own, gives
nothing; a hedge or a question before it ("maybe", "if", "I think") or a past ("was going to") too.
"""

from __future__ import annotations

import re

from minutes.summarize.candidates.scan import Candidate, Scan, is_question, rx

_TASK_VERBS = (
    r"work(?:ing)? on|do(?:ing)? (?:the|a|some|our|his|her|their)|look(?:ing)? (?:at|into)|handl(?:e|ing)"
    r"|take care of|prepar(?:e|ing)|writ(?:e|ing)|draft(?:ing)?|build(?:ing)?|mak(?:e|ing)|send(?:ing)?"
    r"|check(?:ing)?|put(?:ting)? together|sort(?:ing)? out|organi[sz](?:e|ing)|design(?:ing)?"
    r"|present(?:ing)?|research(?:ing)?|investigat(?:e|ing)|find(?:ing)? out|bring(?:ing)?|book(?:ing)?"
    r"|call(?:ing)?|contact(?:ing)?|email(?:ing)?|chas(?:e|ing)|updat(?:e|ing)|test(?:ing)?|review(?:ing)?"
)
_ASSIGNED = re.compile(
    r"(?:(?:^|[,;]\s*|\band\s+|\bso\s+|\bthen\s+)(?:(?i:the)\s+)?|\b(?i:the)\s+)"
    r"(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})(?:\s+(?i:over here|here|there|himself|herself))?"
    r"\s+(?i:will|'ll|is going to|is gonna|'s going to|'s gonna|can|is to)\s+(?:(?i:also|then|just)\s+)?"
    rf"(?P<task>(?i:{_TASK_VERBS})\b[^,;]*?)(?=\s*(?:[,;.!?]|\band\s+(?:(?i:the)\s+)?[A-Z]|$))"
)
_HEDGED = rx(r"\b(?:maybe|perhaps|if|whether|i think|i guess|i suppose|was|were|would|could|should|might)\b")


def assigned(scan: Scan) -> list[Candidate]:
    """Each person named with a task after a "will" or "is going to" (module docstring)."""
    out: list[Candidate] = []
    for i, u in enumerate(scan.utterances):
        for k, s in enumerate(scan.sentences[i]):
            if (i, k) in scan.used or is_question(s):
                continue
            for m in _ASSIGNED.finditer(s):
                owner = _speaker(scan, m.group("name"))
                if owner is None or owner == u.speaker or _HEDGED.search(s[: m.start("name")]):
                    continue
                reply = _reply(scan, i, owner)
                if reply is None:
                    continue
                task = m.group("task").strip()
                text = task[:1].upper() + task[1:]
                out.append(
                    scan.item("action", i, text, "request:assigned by name", owner=owner, also=[reply])
                )
    return out


def _reply(scan: Scan, i: int, owner: str) -> int | None:
    """The named person's yes within three lines ("Mm-hmm.", "Cool.", "Sure"): without it the task is
    only talked about ("I'll draft it, and Yusuf will do the layout")."""
    for j in range(i + 1, min(i + 4, len(scan.utterances))):
        if scan.utterances[j].speaker == owner:
            return j if _ACKNOWLEDGED.match(scan.utterances[j].text) else None
    return None


_ACKNOWLEDGED = rx(
    r"^\W*(?:mm+(?:-?hmm)?|uh-huh|yeah|yes|yep|sure|ok|okay|cool|fine|right|alright|all right|will do"
    r"|no problem|great|got it|sounds good|good)\b(?!\W+(?:but|no|i can't|i cannot)\b)"
)


def _speaker(scan: Scan, name: str) -> str | None:
    """The label of the speaker ``name`` calls: the whole name, or its first one or two words ("the
    User Interface Designer" is "User Interface")."""
    words = name.split()
    for n in range(len(words), 0, -1):
        label = scan.labels_by_name.get(" ".join(words[:n]).lower())
        if label is not None:
            return label
    return None
