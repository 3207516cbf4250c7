"""The pipeline: one recording through every stage, against a :class:`~minutes.storage.MeetingStore`.

``processor`` orchestrates one meeting, ``stages`` runs the model stages and declares their
cache keys, ``summarize_stage`` writes (or reuses) a stored meeting's minutes.
"""

from minutes.pipeline.outcome import ProcessResult
from minutes.pipeline.processor import STAGES, Ingest, MeetingProcessor
from minutes.pipeline.stages import ModelRun, StageProgress, run_models, stage_keys

__all__ = [
    "STAGES",
    "Ingest",
    "MeetingProcessor",
    "ModelRun",
    "ProcessResult",
    "StageProgress",
    "run_models",
    "stage_keys",
]
