"""A small organisation to test access with: two teams, their people, and a meeting each.

    Sales:   manager "mona", member "mel" (mel is shared the Sales meeting "sales_shared")
    Support: manager "sam"
    admin:   "ada"
    meetings: sales (Sales), sales_shared (Sales, shared with mel), support (Support), orphan (no team)

Every meeting has a transcript, minutes (one unsupported item) and, for ``sales``, a real
recording in the media folder.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts import signin, users
from minutes.db import (
    add_recording,
    create_meeting,
    replace_transcript,
    save_minutes,
    session_scope,
    set_status,
)
from minutes.types import AudioInfo, Chapter, MinuteItem, Minutes, Speaker, Utterance, Word

PASSWORD = "correct horse battery"


def utterances(words: str) -> tuple[Utterance, ...]:
    """Three lines: SPEAKER_00, SPEAKER_01, SPEAKER_00; the first says ``words``."""
    first = tuple(
        Word(0.5 + i * 0.4, 0.8 + i * 0.4, (" " if i else "") + w, 0.9) for i, w in enumerate(words.split())
    )
    return (
        Utterance(0, "SPEAKER_00", 0.5, 2.0, words, first),
        Utterance(1, "SPEAKER_01", 2.2, 4.0, "I will send the budget by Friday."),
        Utterance(2, "SPEAKER_00", 4.5, 6.5, "Who pays for hosting is still open."),
    )


MINUTES = Minutes(
    summary="The budget was agreed.\n\nHosting stays open.",
    items=(
        MinuteItem(kind="decision", text="Ship v2 in November", evidence=(0,)),
        MinuteItem(
            kind="action",
            text="Send the budget",
            evidence=(1,),
            owner="SPEAKER_01",
            due="2026-11-27",
            due_text="by Friday",
        ),
        MinuteItem(kind="question", text="Who pays for hosting?", evidence=(2,), supported=False),
    ),
    chapters=(Chapter(start=0.5, end=6.5, title="Budget and hosting", evidence=(0, 1)),),
    language="en",
)


@dataclass
class World:
    sessions: sessionmaker[Session]
    media_dir: Path
    users: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    meetings: dict[str, int] = field(default_factory=dict)

    def add_meeting(
        self,
        key: str,
        *,
        team: str | None,
        words: str,
        media: Path | None = None,
        date: datetime | None = None,
    ) -> int:
        with session_scope(self.sessions) as s:
            digest = hashlib.sha256(key.encode()).hexdigest()
            media_path = None
            if media is not None:
                self.media_dir.mkdir(parents=True, exist_ok=True)
                stored = self.media_dir / f"{digest[:32]}{media.suffix}"
                shutil.copyfile(media, stored)
                media_path = str(stored)
            info = AudioInfo(
                path=media_path or f"{key}.wav",
                sha256=digest,
                duration=7.0,
                sample_rate=16000,
                channels=1,
                codec="pcm_s16le",
                format="wav",
            )
            recording = add_recording(s, audio=info, media_path=media_path)
            meeting = create_meeting(
                s,
                recording=recording,
                title=f"{key.title()} weekly",
                code_version="test",
                meeting_date=date or datetime(2026, 11, 20, 10, tzinfo=UTC),
            )
            meeting.team_id = self.teams[team] if team else None
            replace_transcript(
                s,
                meeting_id=meeting.id,
                utterances=utterances(words),
                speakers=(Speaker("SPEAKER_00", talk_time=3.5), Speaker("SPEAKER_01", talk_time=1.8)),
                embeddings={},
            )
            save_minutes(s, meeting_id=meeting.id, minutes=MINUTES)
            set_status(s, meeting_id=meeting.id, status="done")
            self.meetings[key] = meeting.id
            return meeting.id

    def session_cookie(self, username: str) -> str:
        """A signed-in browser session for ``username`` (the cookie value)."""
        from datetime import timedelta

        with session_scope(self.sessions) as s:
            raw, _ = signin.start_session(s, user=users.get_user(s, username), lifetime=timedelta(hours=1))
        return raw

    def token(self, username: str) -> str:
        with session_scope(self.sessions) as s:
            _, raw = users.create_api_token(s, user_id=users.get_user(s, username).id, name="test")
        return raw


def build(factory: sessionmaker[Session], media_dir: Path, tone: Path) -> World:
    world = World(sessions=factory, media_dir=media_dir)
    with session_scope(factory) as s:
        for name in ("Sales", "Support"):
            world.teams[name] = users.create_team(s, name=name).id
        for name, admin in (("ada", True), ("mona", False), ("mel", False), ("sam", False)):
            world.users[name] = users.create_user(s, username=name, password=PASSWORD, admin=admin).id
        users.add_member(s, team="Sales", username="mona", role="manager")
        users.add_member(s, team="Sales", username="mel", role="member")
        users.add_member(s, team="Support", username="sam", role="manager")
    world.add_meeting("sales", team="Sales", words="We ship pricing v2 in November", media=tone)
    world.add_meeting("sales_shared", team="Sales", words="Quarterly forecast looks fine")
    world.add_meeting("support", team="Support", words="Secret escalation about pricing refunds")
    world.add_meeting("orphan", team=None, words="Board pricing memo draft")
    with session_scope(factory) as s:
        users.share_meeting(s, meeting_id=world.meetings["sales_shared"], username="mel")
    return world
