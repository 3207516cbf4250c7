"""Score one stored meeting against a user's references: the figures ``minutes eval`` prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minutes.evaluation.items import ItemScore, predicted_items, score_items
from minutes.evaluation.metrics import cpwer, der, wer
from minutes.evaluation.references import ReferenceItem, ReferenceTranscript
from minutes.types import MeetingDoc, SpeakerTurn


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What was measured; a figure is ``None`` when its reference was not given."""

    meeting_id: int
    wer: float | None = None
    cpwer: float | None = None
    speaker_map: dict[str, str] | None = None  # our speaker name → the reference's
    der: float | None = None
    collar: float = 0.25
    items: tuple[ItemScore, ...] = ()

    def rows(self) -> list[tuple[str, str, str]]:
        """(measure, value, detail) for a table."""
        rows: list[tuple[str, str, str]] = []
        if self.wer is not None:
            rows.append(("WER", f"{self.wer:.1%}", "all words, speakers ignored"))
        if self.cpwer is not None:
            mapped = ", ".join(f"{h}={r}" for h, r in sorted((self.speaker_map or {}).items()))
            rows.append(("cpWER", f"{self.cpwer:.1%}", f"speakers matched: {mapped or 'none'}"))
        if self.der is not None:
            rows.append(("DER", f"{self.der:.1%}", f"collar {self.collar:g} s, overlap scored"))
        for s in self.items:
            name = "decisions" if s.kind == "decision" else "action items"
            rows.append(
                (
                    name,
                    f"P {s.precision:.0%} R {s.recall:.0%}",
                    f"{s.matched} of {s.reference} found, {s.predicted} proposed",
                )
            )
            if s.kind == "action" and s.matched:
                rows.append(
                    (
                        "  owners, due dates",
                        f"{s.owner_right}/{s.matched}, {s.due_right}/{s.matched}",
                        f"both right: P {s.strict / s.predicted if s.predicted else 1:.0%} "
                        f"R {s.strict / s.reference if s.reference else 1:.0%}",
                    )
                )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "wer": self.wer,
            "cpwer": self.cpwer,
            "speaker_map": self.speaker_map,
            "der": self.der,
            "collar": self.collar,
            "items": [s.to_dict() for s in self.items],
        }


def evaluate(
    doc: MeetingDoc,
    *,
    transcript: ReferenceTranscript | None = None,
    turns: Sequence[SpeakerTurn] | None = None,
    items: Sequence[ReferenceItem] | None = None,
    collar: float = 0.25,
) -> Evaluation:
    """Compare ``doc`` (loaded with its diarization turns when ``turns`` is given) with references."""
    utterances = sorted(doc.utterances, key=lambda u: (u.start, u.index))
    word_error = cp = mapping = diarization_error = None
    if transcript is not None:
        word_error = wer(transcript.text, " ".join(u.text for u in utterances))
        if transcript.by_speaker:
            ours: dict[str, list[str]] = {}
            for u in utterances:
                ours.setdefault(doc.speaker_name(u.speaker), []).append(u.text)
            cp, mapping = cpwer(transcript.by_speaker, {k: " ".join(v) for k, v in ours.items()})
    if turns is not None:
        hypothesis = doc.turns or tuple(
            SpeakerTurn(u.start, u.end, doc.speaker_name(u.speaker)) for u in utterances
        )
        diarization_error = der(turns, hypothesis, collar=collar)
    scores = tuple(score_items(items, predicted_items(doc))) if items is not None else ()
    return Evaluation(
        meeting_id=doc.id,
        wer=word_error,
        cpwer=cp,
        speaker_map=mapping,
        der=diarization_error,
        collar=collar,
        items=scores,
    )
