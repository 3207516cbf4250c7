"""Uploads: store a recording under ``$MINUTES_HOME/media`` and queue it for the worker.

A file is streamed from the request to a hidden temporary name in the media folder
(:func:`partial_path`, written by :mod:`minutes.web.multipart`: the only copy on disk), checked
(name ending, then ffprobe through :func:`minutes.audio.probe`), hashed, and only then given its
final, generated name (``<random hex>.<ext>``); the name the user sent is kept only as the
meeting title. A file that fails any check is removed and reported; the other files of the same
upload go on.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy.orm import Session

from minutes import audio
from minutes.accounts import access, audit
from minutes.accounts.access import Actor
from minutes.db.catalog import meetings_with_content
from minutes.errors import ConfigError, InputError
from minutes.web.config import MIB, UPLOAD_EXTENSIONS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What became of one uploaded file: a queued job, an existing meeting, or an error."""

    filename: str
    job_id: int | None = None
    meeting_id: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "job_id": self.job_id,
            "meeting_id": self.meeting_id,
            "error": self.error,
        }


def display_name(filename: str | None) -> str:
    """The last component of a client's file name, without control characters (for messages)."""
    name = PurePath((filename or "").replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable())[:255] or "recording"


def _extension(name: str) -> str:
    ext = PurePath(name).suffix.lower()
    if ext not in UPLOAD_EXTENSIONS:
        raise InputError(
            f"{name}: {ext or 'no extension'} is not an accepted recording type; "
            f"use one of: {', '.join(sorted(UPLOAD_EXTENSIONS))}"
        )
    return ext


def partial_path(media_dir: Path) -> Path:
    """A new hidden name in ``media_dir`` for a file being received (``.upload-<hex>.part``)."""
    media_dir.mkdir(parents=True, exist_ok=True)
    return media_dir / f".upload-{secrets.token_hex(16)}.part"


def store_upload(
    session: Session,
    actor: Actor,
    *,
    partial: Path,
    filename: str | None,
    media_dir: Path,
    limit: int,
    too_large: bool = False,
    team_id: int | None,
    title: str | None,
    batch: str,
    preset: str | None = None,
    no_summary: bool = False,
) -> UploadResult:
    """Check and store one uploaded file (received into ``partial``, see :func:`partial_path`;
    ``too_large``: it passed ``limit`` and was cut off), then queue it; never raises for a bad
    file. ``partial`` is moved to its final name or removed.

    ``batch`` names the upload request: the queue then treats the same content twice in one
    request as a duplicate, but never skips a new upload because of an older job (e.g. one of
    a meeting deleted since).
    """
    from minutes.jobs import enqueue

    principal = access.require_principal(actor)
    name = display_name(filename)
    try:
        ext = _extension(name)
        if too_large:
            raise InputError(f"the file is larger than the upload limit of {limit // MIB} MB")
        if partial.stat().st_size == 0:
            raise InputError(f"{name}: the file is empty")
        try:
            audio.probe(partial)
        except InputError as exc:
            raise InputError(f"{name}: {str(exc).split(': ', 1)[-1]}") from None
        digest = audio.content_hash(partial)
        existing = _existing_meeting(session, principal, digest)
        if existing is not None:
            return UploadResult(name, meeting_id=existing, error=None)
        final = media_dir / f"{secrets.token_hex(16)}{ext}"
        os.replace(partial, final)
        try:
            job_id = enqueue(
                session,
                final,
                batch=batch,
                preset=preset,
                options={"no_summary": True} if no_summary else None,
                team_id=team_id,
                submitted_by=principal.user_id,
                title=(title or PurePath(name).stem).strip()[:1024] or None,
                sha256=digest,
            )
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        audit.record(
            session,
            actor,
            "upload",
            object_type="job",
            object_id=job_id,
            detail={"filename": name, "team_id": team_id, "stored_as": final.name},
        )
        return UploadResult(name, job_id=job_id)
    except (InputError, ConfigError) as exc:
        return UploadResult(name, error=str(exc) if str(exc).startswith(name) else f"{name}: {exc}")
    finally:
        partial.unlink(missing_ok=True)


def new_batch(principal: access.Principal) -> str:
    """A batch name for one upload request, e.g. ``web:mona:5f2c9a1e04b7``."""
    return f"web:{principal.username}:{secrets.token_hex(6)}"


def _existing_meeting(session: Session, principal: access.Principal, digest: str) -> int | None:
    """The visible meeting made from this content already, or an error if only a hidden one exists."""
    ids = meetings_with_content(session, sha256=digest)
    if not ids:
        return None
    visible = access.filter_visible(session, principal, ids)
    if visible:
        return min(visible)
    raise InputError(
        "this recording is in the archive already, in a meeting you cannot see; ask an admin to share it"
    )
