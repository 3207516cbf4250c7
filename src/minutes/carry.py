"""A person's edits carried onto a re-run's new output: corrected lines, speaker names, done ticks.

A re-run (``process --force``, changed options, ``batch --force``, the worker) replaces the machine's
transcript and minutes. What a person typed on the old ones is not lost silently: each edit goes onto
the new output where it still fits, and the rest are counted and kept, listed on the meeting.
These are pure functions over plain data; :mod:`minutes.db.kept_edits` stores what they decide, in
the transaction that stores the new output.

**Lines.** A correction is kept as the line's span, the machine's words there and the person's. It
fits the new transcript where the new words within :data:`SLACK` seconds of that span, whoever they
are attributed to, say nearly the same (:data:`MIN_SIMILARITY` of the words, compared without case
and punctuation). Those words then read as the person wrote them; the rest of their lines stays the
machine's. A correction whose words now fall on two lines is split between them where the new line
break falls between words the person left as they were; two corrections on one new line both apply.

**Names** follow their speaker by time: a name given to a label goes to the new label whose lines
overlap that label's lines most (the same label first, when it still holds at least
:data:`MIN_SHARED_TALK` of them), never to a label another old speaker holds more of.

**Done ticks** follow an action item with the same owner and text (ignoring case and spacing).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import accumulate

from minutes.types import MinuteItem, Utterance, Word

SLACK = 1.0
"""Seconds around a corrected line's span where its words are looked for in a new transcript."""

MIN_SIMILARITY = 0.75
"""How alike the old and new machine words must be (difflib's ratio on words) to carry a correction."""

MIN_SHARED_TALK = 0.5
"""Share of the shorter talk time two speakers' lines must overlap for a name to pass between them."""

# Scripts written without spaces between words: each character is a token.
_UNSPACED = (
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")

_Ops = Sequence[tuple[str, int, int, int, int]]


@dataclass(frozen=True, slots=True)
class LineEdit:
    """A person's correction of a transcript line: where it was, what the machine wrote, what they wrote."""

    start: float
    end: float
    machine: str
    text: str


@dataclass(frozen=True, slots=True)
class CarriedLines:
    """Where corrections went: new line index → (its corrected text, the corrections on it), and the
    positions of the corrections (in the order given) that fit nowhere."""

    lines: dict[int, tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    left: tuple[int, ...] = ()


def respell(words: Sequence[Word], text: str) -> tuple[Word, ...]:
    """A corrected line's word timings: each recognised word takes the new spelling when the line has
    as many words as were recognised; otherwise they no longer match the text and are dropped (the
    exports then time the line by its text)."""
    tokens = text.split()
    spoken = [w for w in words if w.text.strip()]
    if len(spoken) != len(tokens):
        return ()
    return tuple(
        Word(w.start, w.end, w.text[: len(w.text) - len(w.text.lstrip())] + t, w.probability)
        for w, t in zip(spoken, tokens, strict=True)
    )


# Tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    line: int  # position of its line among the new utterances
    begin: int  # character offsets in the line's text
    end: int
    key: str
    at: float | None  # middle of its recognised word; None: not known


def _key(token: str) -> str:
    """A word as compared: no case, no punctuation (a token of punctuation alone stays itself)."""
    return "".join(c for c in token.casefold() if c.isalnum()) or token


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text)]


def _keys(text: str) -> list[str]:
    return [_key(m.group()) for m in _TOKEN.finditer(text)]


def _line_tokens(line: int, u: Utterance) -> list[_Token]:
    """The tokens of a new line, each timed by the recognised word it is part of (when they line up)."""
    spans = _spans(u.text)
    words: list[tuple[int, int, float]] = []
    cursor = 0
    for w in u.words:
        piece = w.text.strip()
        if not piece:
            continue
        found = u.text.find(piece, cursor)
        if found < 0:
            words = []
            break
        words.append((found, found + len(piece), (w.start + w.end) / 2))
        cursor = found + len(piece)
    out = []
    i = 0
    for begin, end in spans:
        while i < len(words) and words[i][1] <= begin:
            i += 1
        at = words[i][2] if i < len(words) and words[i][0] <= begin else None
        out.append(_Token(line, begin, end, _key(u.text[begin:end]), at if words else None))
    return out


class _Timeline:
    """Spans sorted by start, for "which of them overlap this stretch" in logarithmic time."""

    def __init__(self, spans: Sequence[tuple[float, float]]) -> None:
        self.order = sorted(range(len(spans)), key=lambda i: spans[i])
        self.spans = [spans[i] for i in self.order]
        self.reach = list(accumulate((e for _, e in self.spans), max))

    def overlapping(self, start: float, end: float) -> list[int]:
        """Positions (in the order given) of the spans that share a moment with [start, end]."""
        out = []
        for k in range(bisect_right(self.reach, start - 1e-9), len(self.spans)):
            s, e = self.spans[k]
            if s > end:
                break
            if e >= start:
                out.append(self.order[k])
        return out


# Lines ---------------------------------------------------------------------------------------


def carry_lines(edits: Sequence[LineEdit], utterances: Sequence[Utterance]) -> CarriedLines:
    """Put each correction (earlier ones first) on the new lines where its words still are."""
    timeline = _Timeline([(u.start, u.end) for u in utterances])
    tokens: dict[int, list[_Token]] = {}
    claimed: set[tuple[int, int]] = set()
    changes: dict[int, list[tuple[int, int, str, int]]] = {}
    left: list[int] = []
    for n, edit in enumerate(edits):
        lo, hi = edit.start - SLACK, edit.end + SLACK
        near = []
        for line in sorted(timeline.overlapping(lo, hi), key=lambda i: (utterances[i].start, i)):
            if line not in tokens:
                tokens[line] = _line_tokens(line, utterances[line])
            near += [t for t in tokens[line] if t.at is None or lo <= t.at <= hi]
        placed = _place(edit, near)
        covered = {
            (t.line, t.begin)
            for first, last, _ in placed or ()
            for t in tokens[first.line]
            if first.begin <= t.begin <= last.begin
        }
        if placed is None or covered & claimed:
            left.append(n)
            continue
        claimed |= covered
        for first, last, part in placed:
            changes.setdefault(first.line, []).append((first.begin, last.end, part, n))
    lines = {}
    for line, parts in changes.items():
        text = utterances[line].text
        for begin, end, part, _ in sorted(parts, reverse=True):
            text = text[:begin] + part + text[end:]
        lines[utterances[line].index] = (text.strip(), tuple(sorted(n for *_, n in parts)))
    return CarriedLines(lines=lines, left=tuple(left))


def _place(edit: LineEdit, near: list[_Token]) -> list[tuple[_Token, _Token, str]] | None:
    """Where on the new lines a correction goes: (first token, last token, the person's words there)
    for each line it touches, or ``None`` if its words are not there or it cannot be split cleanly."""
    machine = _keys(edit.machine)
    if not machine or not near:
        return None
    found = SequenceMatcher(None, machine, [t.key for t in near], autojunk=False).get_opcodes()
    equal = [op for op in found if op[0] == "equal"]
    if not equal:
        return None
    lo, hi = equal[0][3], equal[-1][4]
    # Words the machine now hears differently at either end still belong to the corrected stretch.
    lead = min(equal[0][1], lo)
    while lead and near[lo - lead].line != near[lo].line:
        lead -= 1
    trail = min(len(machine) - equal[-1][2], len(near) - hi)
    while trail and near[hi + trail - 1].line != near[hi - 1].line:
        trail -= 1
    lo, hi = lo - lead, hi + trail
    matched = sum(i2 - i1 for _, i1, i2, _, _ in equal)
    if 2 * matched / (len(machine) + hi - lo) < MIN_SIMILARITY:
        return None
    person = _spans(edit.text)
    if not person:
        return None
    edited = SequenceMatcher(None, machine, _keys(edit.text), autojunk=False).get_opcodes()
    cuts = [0]
    for p in range(lo + 1, hi):
        if near[p].line != near[p - 1].line:
            at_machine = _through(found, p, backwards=True)
            at_person = None if at_machine is None else _through(edited, at_machine, backwards=False)
            if at_person is None or at_person <= cuts[-1] or at_person >= len(person):
                return None  # the new line break falls inside words the person changed
            cuts.append(at_person)
    cuts.append(len(person))
    firsts = [lo] + [p for p in range(lo + 1, hi) if near[p].line != near[p - 1].line]
    lasts = [p - 1 for p in firsts[1:]] + [hi - 1]
    return [
        (near[a], near[b], edit.text[person[c0][0] : person[c1 - 1][1]])
        for a, b, c0, c1 in zip(firsts, lasts, cuts[:-1], cuts[1:], strict=True)
    ]


def _through(ops: _Ops, pos: int, *, backwards: bool) -> int | None:
    """Where a cut before token ``pos`` of one side of an alignment falls on the other side
    (``backwards``: from the second sequence to the first), or ``None`` if inside a changed stretch."""
    end = 0
    for tag, i1, i2, j1, j2 in ops:
        s1, s2, t1, t2 = (j1, j2, i1, i2) if backwards else (i1, i2, j1, j2)
        end = t2
        if s1 == s2:
            continue
        if pos == s1:
            return t1
        if s1 < pos < s2:
            return t1 + (pos - s1) if tag == "equal" or s2 - s1 == t2 - t1 else None
    return end


# Names ---------------------------------------------------------------------------------------


def carry_names(
    before: Sequence[Utterance], names: Mapping[str, str], after: Sequence[Utterance], labels: Collection[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Names given to the old labels, moved to the new ``labels``: (new label → name, old label →
    name that found no speaker). Every old speaker takes part, named or not, so a name never goes to
    a new label that is more another speaker's."""
    if not names:
        return {}, {}
    talk_old, talk_new = _talk(before), _talk(after)
    shared = _shared_talk(before, after)
    taken: dict[str, str] = {}  # new label → old label

    def enough(old: str, new: str) -> bool:
        least = min(talk_old.get(old, 0.0), talk_new.get(new, 0.0))
        return least <= 0.0 or shared.get((old, new), 0.0) >= MIN_SHARED_TALK * least

    olds = sorted(set(talk_old) | set(names))
    for old in olds:  # the same label, when it still holds the same speaker (or time cannot tell)
        if old in labels and enough(old, old):
            taken[old] = old
    for (old, new), seconds in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
        if (
            seconds > 0
            and old not in taken.values()
            and new not in taken
            and new in labels
            and enough(old, new)
        ):
            taken[new] = old
    carried = {new: names[old] for new, old in taken.items() if old in names}
    placed = set(taken.values())
    return carried, {old: name for old, name in names.items() if old not in placed}


def _talk(utterances: Sequence[Utterance]) -> dict[str, float]:
    talk: dict[str, float] = {}
    for u in utterances:
        talk[u.speaker] = talk.get(u.speaker, 0.0) + max(0.0, u.end - u.start)
    return talk


def _shared_talk(before: Sequence[Utterance], after: Sequence[Utterance]) -> dict[tuple[str, str], float]:
    """Seconds each (old label, new label) pair's lines overlap."""
    timeline = _Timeline([(u.start, u.end) for u in after])
    shared: dict[tuple[str, str], float] = {}
    for u in before:
        for i in timeline.overlapping(u.start, u.end):
            v = after[i]
            seconds = min(u.end, v.end) - max(u.start, v.start)
            if seconds > 0:
                shared[(u.speaker, v.speaker)] = shared.get((u.speaker, v.speaker), 0.0) + seconds
    return shared


# Done ticks ----------------------------------------------------------------------------------


def carry_done(
    done: Sequence[tuple[str | None, str]], items: Sequence[MinuteItem]
) -> tuple[dict[int, int], tuple[int, ...]]:
    """Action items a person ticked done, as (owner, text), matched to the new ``items``: (new item
    position → position in ``done``, positions in ``done`` that match no new item). An item matches
    with the same owner and text (ignoring case and spacing); the same text with another owner is
    another commitment."""
    free: dict[tuple[str, str], list[int]] = {}
    for position, item in enumerate(items):
        if item.kind == "action":
            free.setdefault((_plain(item.owner or ""), _plain(item.text)), []).append(position)
    matched: dict[int, int] = {}
    left = []
    for n, (owner, text) in enumerate(done):
        same = free.get((_plain(owner or ""), _plain(text)))
        if same:
            matched[same.pop(0)] = n
        else:
            left.append(n)
    return matched, tuple(left)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()
