"""Quality against human references: WER, cpWER and DER (:mod:`.metrics`), a user's reference
files (:mod:`.references`), decisions and action items matched to the ones people noted
(:mod:`.items`), and one stored meeting scored on all of them (:mod:`.report`, ``minutes eval``)."""

from minutes.evaluation.items import ItemScore, score_items
from minutes.evaluation.metrics import cpwer, der, normalize, wer
from minutes.evaluation.references import (
    ReferenceItem,
    ReferenceTranscript,
    read_items,
    read_rttm,
    read_transcript,
)
from minutes.evaluation.report import Evaluation, evaluate

__all__ = [
    "Evaluation",
    "ItemScore",
    "ReferenceItem",
    "ReferenceTranscript",
    "cpwer",
    "der",
    "evaluate",
    "normalize",
    "read_items",
    "read_rttm",
    "read_transcript",
    "score_items",
    "wer",
]
