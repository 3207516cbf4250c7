"""A transcript made elsewhere → a stored meeting without audio: read, store, summarize.

The file is read and parsed whole (:mod:`minutes.importing`) before anything is stored, so a bad
file writes nothing. The meeting is then stored as a processed one is, through the same
:class:`~minutes.storage.MeetingStore` calls: its "recording" is the transcript file (by content
hash, ``format`` ``import:<format>``, no media path), its transcript the ``import`` stage (in
place of ``attribute``, with the same carrying of a person's corrections and names onto a
re-import), and its minutes the same summarize stage. The same file imported again is the same
meeting: reused as it is, or stored again with ``force``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from minutes import __version__, importing
from minutes.cache import cache_key
from minutes.errors import ConfigError, InputError
from minutes.importing import ImportedMeeting, language_code
from minutes.importing.decode import check_size
from minutes.pipeline.outcome import (
    Hook,
    ProcessResult,
    file_time,
    index_step,
    recording_failure,
    result_of,
    summarize_step,
)
from minutes.storage import MeetingStore
from minutes.types import IMPORTED, AudioInfo, Carried, StageRecord

if TYPE_CHECKING:
    from minutes.embeddings import Embedder
    from minutes.summarize.summarizer import Summarizer

IMPORT_STAGES = ("import", "index", "summarize")

IMPORT_VERSION = "import/1"
"""The version of the readers' rules, part of the import stage's cache key: a re-import after they
change stores the transcript again."""


def read_file(path: str | Path) -> bytes:
    """A transcript file's bytes, or :class:`InputError` naming it and what is wrong."""
    p = Path(path)
    if not p.is_file():
        problem = "is a folder" if p.is_dir() else "does not exist"
        raise InputError(f"{p}: {problem}; give a transcript file")
    try:
        check_size(p.stat().st_size)
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc}); check its permissions") from None
    except InputError as exc:
        raise InputError(f"{p.name}: {exc}") from None


class TranscriptImporter:
    """Imports transcript files one at a time into one store; ``summarizer`` None: no minutes."""

    def __init__(
        self, *, store: MeetingStore, summarizer: Summarizer | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self.summarizer = summarizer
        self.embedder = embedder  # None: not indexed for minutes ask (`minutes index --rebuild` later)

    def import_file(
        self,
        path: str | Path,
        *,
        fmt: str | None = None,
        title: str | None = None,
        meeting_date: datetime | None = None,
        language: str | None = None,
        force: bool = False,
        progress: Hook | None = None,
    ) -> ProcessResult:
        """Import one transcript file; raises :class:`~minutes.errors.MinutesError` subclasses on a
        bad file (before anything is stored) or a failed stage (the meeting marked failed)."""
        hook = progress or (lambda _s, _f: None)
        t0 = time.perf_counter()
        hook("import", 0.0)
        data = read_file(path)
        file = Path(path).resolve()
        meeting = importing.parse(data, name=file.name, fmt=fmt)
        if language:
            if language_code(language) is None:
                raise ConfigError(
                    f"--language {language!r} is no language code; give one such as en, de, pt-BR"
                )
            meeting = replace(meeting, language=language)
        sha256 = hashlib.sha256(data).hexdigest()
        key = cache_key(
            audio_sha256=sha256,
            stage="import",
            options={"format": meeting.format, "language": meeting.language, "rules": IMPORT_VERSION},
            models=(),
        )
        info = AudioInfo(
            path=str(file),  # the recording's original name is the file's; no media path is kept
            sha256=sha256,
            duration=meeting.duration,
            sample_rate=0,
            channels=0,
            format=f"{IMPORTED}{meeting.format}",
        )
        opened = self.store.open_meeting(
            info,
            title=title or meeting.title or file.stem,
            meeting_date=meeting_date or meeting.meeting_date or file_time(file),
        )
        stored = self.store.stage(opened.id, "import")
        stages: dict[str, str] = {"import": "cached"}
        edits = Carried()
        if force or opened.status != "done" or stored is None or stored[0].cache_key != key:
            seconds = time.perf_counter() - t0
            with recording_failure(self.store, opened.id, file):
                edits = self._store(opened.id, meeting, key, seconds, name=file.name)
            stages["import"] = "ran"
        timings = {"import": time.perf_counter() - t0}
        hook("import", 1.0)
        indexed, spent, warning = index_step(
            self.store, opened.id, embedder=self.embedder, force=force, hook=hook
        )
        if indexed is not None:
            stages["index"] = indexed
        if indexed == "ran":
            timings["index"] = spent
        how, seconds, ticks = self._minutes(
            opened.id, meeting, key, force=force, ran=stages["import"], hook=hook, path=file
        )
        if how is not None:
            stages["summarize"] = how
        if how == "ran":
            timings["summarize"] = seconds
        status = "reused" if stages["import"] == "cached" and how != "ran" else "done"
        result = result_of(
            self.store,
            opened.id,
            path=str(file),
            status=status,
            stages=stages,
            timings=timings,
            warnings=meeting.warnings + ((warning,) if warning else ()),
        )
        return replace(result, edits=(edits + ticks).to_dict())

    def _store(
        self, meeting_id: int, meeting: ImportedMeeting, key: str, seconds: float, *, name: str
    ) -> Carried:
        """The transcript, as the import stage, in one transaction (a person's edits carried)."""
        options = {"format": meeting.format, "rules": IMPORT_VERSION}
        return self.store.save_transcript(
            meeting_id,
            utterances=meeting.utterances,
            speakers=meeting.speakers,
            embeddings={},
            language=meeting.language,
            record=StageRecord("import", key, (), options, __version__, seconds),
            payload={
                "source": name,
                "format": meeting.format,
                "utterances": len(meeting.utterances),
                "estimated_times": meeting.estimated,
            },
        )

    def _minutes(
        self,
        meeting_id: int,
        meeting: ImportedMeeting,
        key: str,
        *,
        force: bool,
        ran: str,
        hook: Hook,
        path: str | Path,
    ) -> tuple[str | None, float, Carried]:
        """The file's own minutes (this project's export carries them) stored as they are, when the
        transcript was just stored; else the summarize stage, as for a processed meeting."""
        if meeting.minutes is None:
            return summarize_step(
                self.store, meeting_id, summarizer=self.summarizer, force=force, hook=hook, path=path
            )
        if ran == "ran":
            with recording_failure(self.store, meeting_id, path, what="minutes"):
                record = StageRecord("summarize", key, (), {"imported": True}, __version__, 0.0)
                ticks = self.store.save_minutes(
                    meeting_id,
                    minutes=meeting.minutes,
                    record=record,
                    payload={"items": len(meeting.minutes.items)},
                )
            hook("summarize", 1.0)
            return "imported", 0.0, ticks
        hook("summarize", 1.0)
        return "cached", 0.0, Carried()
