"""What users do to meetings, each step checked by :mod:`minutes.web.access` and audited.

Pages and API both call these functions, so a rule or an audit entry cannot differ between them.
Each takes the caller's session (nothing is committed here) and the acting :class:`Actor`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minutes import db as store
from minutes import export
from minutes.db.accounts import User
from minutes.db.jobs import Job
from minutes.db.models import Meeting, Recording
from minutes.errors import ConfigError, NotFoundError
from minutes.types import MeetingDoc
from minutes.web import access, audit, users
from minutes.web.access import MeetingAccess, Principal
from minutes.web.audit import Actor

log = logging.getLogger(__name__)

EXPORT_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "rttm": "text/plain; charset=utf-8",
}


def _principal(actor: Actor) -> Principal:
    if actor.principal is None:  # the routes never call these without a signed-in user
        raise access.Forbidden("sign in first")
    return actor.principal


def view_meeting(session: Session, actor: Actor, meeting_id: int) -> MeetingAccess:
    """Check that the meeting may be seen and record that it was."""
    found = access.require_view(session, _principal(actor), meeting_id)
    audit.record(session, actor, "view", object_type="meeting", object_id=meeting_id, meeting_id=meeting_id)
    return found


def rename_speaker(session: Session, actor: Actor, meeting_id: int, label: str, name: str) -> None:
    access.require_edit(session, _principal(actor), meeting_id)
    if len(name.strip()) > 256:
        raise ConfigError("a speaker name can have at most 256 characters")
    store.rename_speaker(session, meeting_id=meeting_id, label=label, name=name)
    audit.record(
        session,
        actor,
        "rename_speaker",
        object_type="speaker",
        object_id=label,
        meeting_id=meeting_id,
        detail={"name": name.strip() or None},
    )


def correct_utterance(session: Session, actor: Actor, meeting_id: int, index: int, text: str) -> str:
    """Correct one transcript line; returns the stored (whitespace-normalised) text."""
    access.require_edit(session, _principal(actor), meeting_id)
    old = store.correct_utterance(session, meeting_id=meeting_id, index=index, text=text)
    new = " ".join(text.split())
    audit.record(
        session,
        actor,
        "correct_utterance",
        object_type="utterance",
        object_id=index,
        meeting_id=meeting_id,
        detail={"old": old, "new": new},
    )
    return new


def set_action_done(session: Session, actor: Actor, meeting_id: int, position: int, done: bool) -> None:
    access.require_edit(session, _principal(actor), meeting_id)
    store.set_item_done(session, meeting_id=meeting_id, position=position, done=done)
    action = "action_done" if done else "action_reopened"
    audit.record(session, actor, action, object_type="action_item", object_id=position, meeting_id=meeting_id)


def assign_team(session: Session, actor: Actor, meeting_id: int, team_id: int | None) -> None:
    """Move a meeting to another team: the user must be able to edit it and to add to that team."""
    principal = _principal(actor)
    access.require_edit(session, principal, meeting_id)
    team = access.require_team_for_edit(session, principal, team_id)
    users.assign_meeting(session, meeting_id=meeting_id, team=team.id if team else None)
    audit.record(
        session,
        actor,
        "assign_team",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"team_id": team_id, "team": team.name if team else None},
    )


def share(session: Session, actor: Actor, meeting_id: int, username: str) -> User:
    access.require_edit(session, _principal(actor), meeting_id)
    user = users.share_meeting(session, meeting_id=meeting_id, username=username)
    audit.record(
        session,
        actor,
        "share",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"user": user.username},
    )
    return user


def unshare(session: Session, actor: Actor, meeting_id: int, username: str) -> None:
    access.require_edit(session, _principal(actor), meeting_id)
    users.unshare_meeting(session, meeting_id=meeting_id, username=username)
    audit.record(
        session,
        actor,
        "unshare",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"user": username.strip().lower()},
    )


@dataclass(frozen=True, slots=True)
class Exported:
    filename: str
    media_type: str
    text: str


def export_meeting(session: Session, actor: Actor, meeting_id: int, fmt: str) -> Exported:
    """A meeting rendered by :mod:`minutes.export` (Markdown, JSON, SRT, VTT, TXT, RTTM)."""
    access.require_view(session, _principal(actor), meeting_id)
    name = fmt.strip().lower()
    if name not in EXPORT_TYPES:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORT_TYPES)}")
    doc: MeetingDoc = store.load_meeting(
        session, meeting_id=meeting_id, words=export.needs_words(name), turns=export.needs_turns(name)
    )
    audit.record(
        session,
        actor,
        "export",
        object_type="meeting",
        object_id=meeting_id,
        meeting_id=meeting_id,
        detail={"format": name},
    )
    return Exported(export.default_filename(doc, name), EXPORT_TYPES[name], export.render(doc, name))


def media_file(session: Session, actor: Actor, meeting_id: int, *, record: bool) -> Path:
    """The recording file of a meeting the user may see; ``record`` adds an audit entry."""
    access.require_view(session, _principal(actor), meeting_id)
    query = select(Recording.media_path).join(Meeting, Meeting.recording_id == Recording.id)
    media_path = session.scalar(query.where(Meeting.id == meeting_id))
    if not media_path or not Path(media_path).is_file():
        raise NotFoundError(f"the recording of meeting {meeting_id} is not on this server any more")
    if record:
        audit.record(
            session, actor, "media", object_type="meeting", object_id=meeting_id, meeting_id=meeting_id
        )
    return Path(media_path)


@dataclass(frozen=True, slots=True)
class Deletion:
    """A deleted meeting's title, and the stored file to remove once the deletion is committed."""

    title: str
    media: Path | None


def delete_meeting(session: Session, actor: Actor, meeting_id: int, *, media_dir: Path) -> Deletion:
    """Delete a meeting the actor may edit, with everything derived from it, and audit it."""
    access.require_edit(session, _principal(actor), meeting_id)
    return purge_meeting(session, actor, meeting_id, media_dir=media_dir)


def purge_meeting(
    session: Session, actor: Actor, meeting_id: int, *, media_dir: Path, username: str | None = None
) -> Deletion:
    """Delete a meeting with everything derived from it, without an access check (the caller's).

    Its transcript, speakers, minutes and search entries go with the meeting row (cascades and
    triggers); its job rows too, since they name the recording's path and title. The recording row
    goes when no other meeting uses it, and then its file, if the server stored it (an upload
    under ``media_dir``): the caller removes ``Deletion.media`` once the transaction has committed
    (:func:`remove_media`), so a failed commit never loses the file of a meeting that stays. The
    command line calls this directly: whoever can run it already holds the database.
    """
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"no meeting with id {meeting_id}; `minutes list` shows the ids")
    title, recording_id = meeting.title, meeting.recording_id
    session.execute(sa_delete(Job).where(Job.meeting_id == meeting_id))
    store.delete_meeting(session, meeting_id=meeting_id)
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
