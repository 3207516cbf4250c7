"""Decisions and action items against the ones people noted: matched one to one, then scored.

A predicted item and a reference item of the same kind are a candidate pair when at least half of
the reference's content words (stemmed, no stop words) occur in the item's text or in the words
it cites: the model phrases items its own way, the cited words are what was said. When the
reference gives a ``time``, the item's evidence must be within :data:`TIME_WINDOW` seconds of
it. Pairs are matched greedily, best overlap first, one to one. For action items the owner is
right when the names agree (case-insensitive; "Priya" matches "Priya Shah"), the due date when the
ISO dates are equal (both absent counts as equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from minutes.evaluation.references import ReferenceItem
from minutes.summarize.text import content_words
from minutes.types import MeetingDoc

MIN_OVERLAP = 0.5
TIME_WINDOW = 60.0


@dataclass(frozen=True, slots=True)
class Predicted:
    kind: str
    text: str
    cited: str  # the words of the utterances it cites
    owner: str | None
    due: str | None
    time: float | None


@dataclass(frozen=True, slots=True)
class ItemScore:
    """Precision and recall of one kind of item; owner and due-date accuracy over matched pairs."""

    kind: str
    reference: int
    predicted: int
    matched: int
    owner_right: int = 0
    due_right: int = 0
    strict: int = 0  # matched with owner and due date right (actions; = matched for decisions)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else 1.0

    def to_dict(self) -> dict[str, float | int | str]:
        return {
            "kind": self.kind,
            "reference": self.reference,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "owner_right": self.owner_right,
            "due_right": self.due_right,
            "strict": self.strict,
        }


def predicted_items(doc: MeetingDoc) -> list[Predicted]:
    """The meeting's decisions and action items, owners as named, with the words they cite."""
    if doc.minutes is None:
        return []
    by_index = {u.index: u for u in doc.utterances}
    out: list[Predicted] = []
    for item in doc.minutes.items:
        if item.kind not in ("decision", "action"):
            continue
        cited = [by_index[i] for i in item.evidence if i in by_index]
        out.append(
            Predicted(
                kind=item.kind,
                text=item.text,
                cited=" ".join(u.text for u in cited),
                owner=doc.speaker_name(item.owner) if item.owner else None,
                due=item.due,
                time=min((u.start for u in cited), default=None),
            )
        )
    return out


def same_person(reference: str | None, predicted: str | None) -> bool:
    if not reference or not predicted:
        return not reference and not predicted
    a, b = reference.casefold().split(), predicted.casefold().split()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer[: len(shorter)] == shorter


def _overlap(ref: ReferenceItem, pred: Predicted) -> float:
    wanted = content_words(ref.text)
    if not wanted:
        return 0.0
    if ref.time is not None and pred.time is not None and abs(ref.time - pred.time) > TIME_WINDOW:
        return 0.0
    return len(wanted & (content_words(pred.text) | content_words(pred.cited))) / len(wanted)


def score_items(references: Sequence[ReferenceItem], predicted: Sequence[Predicted]) -> list[ItemScore]:
    """One :class:`ItemScore` per kind (decisions, then action items)."""
    scores: list[ItemScore] = []
    for kind in ("decision", "action"):
        refs = [r for r in references if r.kind == kind]
        preds = [p for p in predicted if p.kind == kind]
        pairs = sorted(
            (
                (overlap, i, j)
                for i, r in enumerate(refs)
                for j, p in enumerate(preds)
                if (overlap := _overlap(r, p)) >= MIN_OVERLAP
            ),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        used_r: set[int] = set()
        used_p: set[int] = set()
        owner = due = strict = 0
        for _, i, j in pairs:
            if i in used_r or j in used_p:
                continue
            used_r.add(i)
            used_p.add(j)
            owner_ok = kind == "decision" or same_person(refs[i].owner, preds[j].owner)
            due_ok = kind == "decision" or refs[i].due == preds[j].due
            owner += owner_ok
            due += due_ok
            strict += owner_ok and due_ok
        scores.append(
            ItemScore(
                kind=kind,
                reference=len(refs),
                predicted=len(preds),
                matched=len(used_r),
                owner_right=owner,
                due_right=due,
                strict=strict,
            )
        )
    return scores
