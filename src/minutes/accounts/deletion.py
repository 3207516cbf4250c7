"""Deleting a meeting: the one deletion the web pages, the API and the command line all use.

:func:`minutes.db.delete_meeting_rows` only removes the meeting's rows; :func:`delete_meeting`
here is what a user (or the operator) means by deleting a meeting: it checks who asks, removes
the jobs and the recording no other meeting uses, records it in the audit log, and names the
stored file to remove once the deletion is committed (:func:`remove_media`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minutes import db as store
from minutes.accounts import access, audit
from minutes.accounts.access import Actor
from minutes.db.jobs import Job
from minutes.db.tables import Meeting, Recording
from minutes.errors import NotFoundError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Deletion:
    """A deleted meeting's title, and the stored file to remove once the deletion is committed."""

    title: str
    media: Path | None


def delete_meeting(
    session: Session, actor: Actor, meeting_id: int, *, media_dir: Path, username: str | None = None
) -> Deletion:
    """Delete a meeting the actor may delete, with everything derived from it, and audit it.

    A signed-in user must be able to change the meeting (:func:`access.require_delete`); the
    command line's operator may delete any (``username`` then names them in the audit log).
    Its transcript, speakers, minutes and search entries go with the meeting row (cascades and
    triggers); its job rows too, since they name the recording's path and title. The recording row
    goes when no other meeting uses it, and then its file, if the server stored it (an upload
    under ``media_dir``): the caller removes ``Deletion.media`` once the transaction has committed
    (:func:`remove_media`), so a failed commit never loses the file of a meeting that stays.
    """
    access.require_delete(session, actor, meeting_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"no meeting with id {meeting_id}; `minutes list` shows the ids")
    title, recording_id = meeting.title, meeting.recording_id
    session.execute(sa_delete(Job).where(Job.meeting_id == meeting_id))
    store.delete_meeting_rows(session, meeting_id=meeting_id)
    others = session.scalar(select(func.count()).where(Meeting.recording_id == recording_id)) or 0
    remove: Path | None = None
    if not others:
        recording = session.get(Recording, recording_id)
        if recording is not None:
            remove = _owned_media(recording.media_path, media_dir)
            session.delete(recording)
            session.flush()
    audit.record(
        session,
        actor,
        "delete",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"title": title, "media_removed": remove is not None},
        username=username,
    )
    return Deletion(title=title, media=remove)


def _owned_media(media_path: str | None, media_dir: Path) -> Path | None:
    """``media_path`` if it is a file the server stored under ``media_dir`` (never a user's own file)."""
    if not media_path:
        return None
    path = Path(media_path).resolve()
    return path if path.is_relative_to(media_dir.resolve()) else None


def remove_media(path: Path | None) -> None:
    """Remove a deleted meeting's stored file (after commit); a file already gone is fine."""
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove %s of a deleted meeting: %s", path, exc)
