"""What users change in meetings, each change checked by :mod:`minutes.accounts.access` and audited.

Pages, API and whatever comes next call these functions, so a rule or an audit entry cannot
differ between them. Each takes the caller's session (nothing is committed here) and the acting
:class:`~minutes.accounts.access.Actor`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from minutes import db as store
from minutes.accounts import access, audit, users
from minutes.accounts.access import Actor
from minutes.db.accounts import User
from minutes.errors import ConfigError


def check_speaker_name(name: str) -> None:
    """A speaker name fits its column (256 characters), or :class:`ConfigError` says so."""
    if len(name.strip()) > 256:
        raise ConfigError("a speaker name can have at most 256 characters")


def rename_speaker(session: Session, actor: Actor, meeting_id: int, label: str, name: str) -> None:
    access.require_edit(session, access.require_principal(actor), meeting_id)
    check_speaker_name(name)
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
    access.require_edit(session, access.require_principal(actor), meeting_id)
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
    access.require_edit(session, access.require_principal(actor), meeting_id)
    store.set_item_done(session, meeting_id=meeting_id, position=position, done=done)
    action = "action_done" if done else "action_reopened"
    audit.record(session, actor, action, object_type="action_item", object_id=position, meeting_id=meeting_id)


def assign_team(session: Session, actor: Actor, meeting_id: int, team_id: int | None) -> None:
    """Move a meeting to another team: the user must be able to edit it and to add to that team."""
    principal = access.require_principal(actor)
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
    access.require_edit(session, access.require_principal(actor), meeting_id)
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
    access.require_edit(session, access.require_principal(actor), meeting_id)
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
