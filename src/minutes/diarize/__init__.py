"""Speaker diarization: who spoke when, behind the :class:`Diarizer` protocol."""

from minutes.diarize.base import Diarizer, DiarizerOptions
from minutes.diarize.pyannote import PyannoteDiarizer

__all__ = ["Diarizer", "DiarizerOptions", "PyannoteDiarizer"]
