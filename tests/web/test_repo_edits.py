"""The small repository additions the web app uses: correcting a line, action items of some meetings."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from minutes.db import Meeting, action_items, correct_utterance, load_meeting, session_scope
from minutes.errors import ConfigError, NotFoundError
from minutes.export import render
from tests.web.world import World


def test_correction_with_as_many_words_keeps_their_timings(world: World) -> None:
    meeting = world.meetings["sales"]
    with session_scope(world.sessions) as s:
        old = correct_utterance(s, meeting_id=meeting, index=0, text="We  ship Pricing V2 in\nDecember")
        assert old == "We ship pricing v2 in November"
    with session_scope(world.sessions) as s:
        u = load_meeting(s, meeting_id=meeting).utterances[0]
    assert u.text == "We ship Pricing V2 in December"
    assert [w.text for w in u.words] == ["We", " ship", " Pricing", " V2", " in", " December"]
    assert [round(w.start, 1) for w in u.words] == [0.5, 0.9, 1.3, 1.7, 2.1, 2.5]


def test_correction_with_other_words_drops_timings_and_exports_follow(world: World) -> None:
    meeting = world.meetings["sales"]
    with session_scope(world.sessions) as s:
        correct_utterance(s, meeting_id=meeting, index=0, text="We ship v2 next month")
    with session_scope(world.sessions) as s:
        doc = load_meeting(s, meeting_id=meeting)
    assert doc.utterances[0].words == ()
    assert "We ship v2 next month" in render(doc, "srt")
    assert "We ship v2 next month" in render(doc, "txt")


@pytest.mark.parametrize(("index", "text", "error"), [(0, "  \n ", ConfigError), (99, "text", NotFoundError)])
def test_bad_corrections_are_refused(world: World, index: int, text: str, error: type[Exception]) -> None:
    with pytest.raises(error), session_scope(world.sessions) as s:
        correct_utterance(s, meeting_id=world.meetings["sales"], index=index, text=text)


def test_action_items_of_some_meetings(world: World) -> None:
    with session_scope(world.sessions) as s:
        everything = action_items(s)
        some = action_items(s, meeting_ids=select(Meeting.id).where(Meeting.team_id == world.teams["Sales"]))
    assert len(everything) == 4
    assert {r.meeting_id for r in some} == {world.meetings["sales"], world.meetings["sales_shared"]}
