"""People across meetings on SQLite and PostgreSQL: a person is every speaker named so (any case,
two labels in a meeting count once), figures only from the meetings the condition admits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import true
from sqlalchemy.orm import Session

from minutes.db import rename_speaker, replace_transcript, save_minutes
from minutes.db.people_stats import people_overview, person_stats
from minutes.db.tables import Meeting
from minutes.errors import NotFoundError
from minutes.types import MinuteItem, Minutes, Speaker, Utterance
from tests.db.test_repo import new_meeting


def meeting(
    session: Session, seed: str, when: datetime, talk: dict[str, float], names: dict[str, str]
) -> int:
    m = new_meeting(session, seed, title=f"meeting {seed}")
    m.meeting_date = when
    utterances = [
        Utterance(index=i, speaker=label, start=i, end=i + 1, text="x") for i, label in enumerate(talk)
    ]
    speakers = [Speaker(label, talk_time=t) for label, t in talk.items()]
    replace_transcript(session, meeting_id=m.id, utterances=utterances, speakers=speakers, embeddings={})
    for label, name in names.items():
        rename_speaker(session, meeting_id=m.id, label=label, name=name)
    items = (
        MinuteItem("action", "Send the quote", (0,), owner="S1", due="2026-03-10"),
        MinuteItem("action", "Book the room", (0,), owner="S0", done=True),
    )
    save_minutes(session, meeting_id=m.id, minutes=Minutes(summary="", items=items, language="en"))
    return m.id


def test_people_and_one_person_across_meetings(session: Session) -> None:
    a = meeting(session, "a", datetime(2026, 3, 2, tzinfo=UTC), {"S0": 30.0, "S1": 10.0}, {"S0": "Priya"})
    b = meeting(
        session,
        "b",
        datetime(2026, 3, 12, tzinfo=UTC),
        {"S0": 20.0, "S1": 20.0, "S2": 10.0},
        {"S0": "priya", "S1": "Priya ", "S2": "Tom"},
    )
    hidden = meeting(session, "c", datetime(2026, 3, 13, tzinfo=UTC), {"S0": 50.0}, {"S0": "Priya"})
    visible = Meeting.id != hidden

    everyone = {p.name.strip().casefold(): p for p in people_overview(session, visible)}
    priya, tom = everyone["priya"], everyone["tom"]
    assert (priya.meetings, priya.talk_time, priya.share) == (2, 70.0, round(70 / 90, 4))
    assert (priya.actions, priya.done) == (3, 2)  # b: her two labels own both items
    assert (tom.meetings, tom.actions) == (1, 0)
    assert [p.name for p in people_overview(session, true(), since=date(2026, 3, 13))] == ["Priya"]

    found = person_stats(session, visible, "PRIYA")
    assert [x.meeting_id for x in found.attended] == [b, a]
    assert [(w.start, w.meetings, w.share) for w in found.weeks] == [
        (date(2026, 3, 2), 1, 0.75),
        (date(2026, 3, 9), 1, 0.8),
    ]
    assert [c.done for c in found.commitments] == [False, True, True]
    with pytest.raises(NotFoundError, match="no meeting you can see"):
        person_stats(session, Meeting.id == hidden, "Tom")


def test_a_team_week_by_week(session: Session) -> None:
    from minutes.accounts.users import create_team
    from minutes.db.people_stats import team_weeks

    team = create_team(session, name="Sales")
    a = meeting(session, "a", datetime(2026, 3, 2, tzinfo=UTC), {"S0": 30.0, "S1": 10.0}, {"S0": "Priya"})
    b = meeting(session, "b", datetime(2026, 3, 4, tzinfo=UTC), {"S0": 20.0}, {})
    c = meeting(session, "c", datetime(2026, 3, 12, tzinfo=UTC), {"S0": 20.0}, {})
    other = meeting(session, "d", datetime(2026, 3, 12, tzinfo=UTC), {"S0": 20.0}, {})
    for m in (a, b, c):
        session.get_one(Meeting, m).team_id = team.id
    session.flush()

    weeks = team_weeks(session, true(), team.id)

    assert [(w.start, w.meetings, w.actions, w.done) for w in weeks] == [
        (date(2026, 3, 2), 2, 4, 2),
        (date(2026, 3, 9), 1, 2, 1),
    ]
    assert weeks[0].hours == round(2 * 3600.5 / 3600, 2)
    assert team_weeks(session, Meeting.id == other, team.id) == ()
    assert [w.meetings for w in team_weeks(session, true(), team.id, since=date(2026, 3, 10))] == [1]
