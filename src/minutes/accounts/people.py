"""Remembered voices, each step checked by :mod:`minutes.accounts.access` and audited.

Naming a speaker with consent remembers their voice (:func:`remember_voice`); a suggestion is
confirmed or rejected by whoever may change the meeting; the people themselves (list, show,
export, merge, forget) are for admins and the operator, since a voiceprint is biometric data
across every meeting. The command line, the web app and whatever comes next call these, so a
rule or an audit entry cannot differ between them. Nothing commits here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minutes import db as store
from minutes.accounts import access, audit, edits
from minutes.accounts.access import Actor
from minutes.db import names, people, people_admin
from minutes.errors import ConfigError


def _who(actor: Actor, username: str | None) -> str:
    return actor.principal.username if actor.principal else (username or "operator")


def remember_voice(
    session: Session, actor: Actor, meeting_id: int, label: str, name: str, *, username: str | None = None
) -> people.Enrolled:
    """Name a speaker and, with the consent this call stands for, remember their voice as ``name``."""
    access.require_voice_edit(session, actor, meeting_id)
    if not name.strip():
        raise ConfigError("a remembered voice needs a name; give the person's name")
    edits.check_speaker_name(name)
    store.rename_speaker(session, meeting_id=meeting_id, label=label, name=name)
    enrolled = people.enrol(
        session, meeting_id=meeting_id, label=label, name=name, enrolled_by=_who(actor, username)
    )
    audit.record(
        session,
        actor,
        "remember_voice",
        object_type="speaker",
        object_id=label,
        meeting_id=meeting_id,
        detail={"name": enrolled.name, "samples": enrolled.samples, "suggested": enrolled.suggested},
        username=username,
    )
    return enrolled


def name_speaker(
    session: Session, actor: Actor, meeting_id: int, label: str, name: str, *, remember: bool
) -> None:
    """Name a speaker (an audited edit); with ``remember`` (the person's consent), remember their
    voice too (:func:`remember_voice`). What the rename form and the API call."""
    if remember:
        remember_voice(session, actor, meeting_id, label, name)
    else:
        edits.rename_speaker(session, actor, meeting_id, label, name)


def decide(
    session: Session,
    actor: Actor,
    meeting_id: int,
    label: str,
    *,
    accept: bool,
    username: str | None = None,
) -> str:
    """Confirm or reject the name a speaker's voice or the conversation suggests (or the voice
    gave); returns the name."""
    access.require_voice_edit(session, actor, meeting_id)
    name = names.decide(session, meeting_id=meeting_id, label=label, accept=accept)
    audit.record(
        session,
        actor,
        "voice_confirmed" if accept else "voice_rejected",
        object_type="speaker",
        object_id=label,
        meeting_id=meeting_id,
        detail={"name": name},
        username=username,
    )
    return name


def list_people(session: Session, actor: Actor) -> list[dict[str, Any]]:
    access.require_people_admin(actor)
    return people_admin.people(session)


def held(session: Session, actor: Actor, name: str, *, username: str | None = None) -> dict[str, Any]:
    """Everything stored about a person's voice; the read is audited (it is biometric data)."""
    access.require_people_admin(actor)
    data = people_admin.held(session, name)
    audit.record(
        session, actor, "people_export", object_type="person", object_id=data["name"], username=username
    )
    return data


def merge(session: Session, actor: Actor, keep: str, other: str, *, username: str | None = None) -> int:
    access.require_people_admin(actor)
    moved = people_admin.merge(session, keep, other)
    audit.record(
        session,
        actor,
        "people_merge",
        object_type="person",
        object_id=keep,
        detail={"merged": other, "enrolments": moved},
        username=username,
    )
    return moved


def forget(
    session: Session, actor: Actor, name: str, *, username: str | None = None
) -> people_admin.Forgotten:
    """Forget a person's voice completely (see :func:`minutes.db.people_admin.forget`), audited."""
    access.require_people_admin(actor)
    gone = people_admin.forget(session, name)
    audit.record(
        session,
        actor,
        "people_forget",
        object_type="person",
        object_id=gone.name,
        detail={
            "enrolments": gone.enrolments,
            "names": gone.names,
            "suggestions": gone.suggestions,
            "embeddings": gone.embeddings,
        },
        username=username,
    )
    return gone
