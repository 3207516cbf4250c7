"""A manager's corrections after the meeting is processed again: carried, or listed on the meeting."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from minutes.db.meeting_store import SqlMeetingStore
from minutes.types import Speaker, StageRecord
from tests.web.conftest import Browser
from tests.web.world import World, utterances


def reprocess(world: World, meeting_id: int, first_line: str) -> None:
    """What a re-run stores: a new transcript (its first line says ``first_line``), in one transaction."""
    SqlMeetingStore(world.sessions).save_transcript(
        meeting_id,
        utterances=utterances(first_line),
        speakers=(Speaker("SPEAKER_00", talk_time=3.5), Speaker("SPEAKER_01", talk_time=1.8)),
        embeddings={},
        language="en",
        record=StageRecord("attribute", "k" * 64),
        payload={},
    )


def test_a_managers_correction_is_carried_or_listed_on_the_page_and_in_the_api(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    mona = browser("mona")
    meeting = world.meetings["sales"]
    fixed = mona.client.put(
        f"/api/v1/meetings/{meeting}/utterances/0",
        json={"text": "We ship pricing <v3> in December"},
        headers={"X-CSRF-Token": mona.csrf},
    )
    assert fixed.status_code == 200

    reprocess(world, meeting, "We ship pricing v2 in November")  # the same words: carried
    page = mona.client.get(f"/meetings/{meeting}").text
    assert "We ship pricing &lt;v3&gt; in December" in page and 'data-testid="left-edits"' not in page
    assert api("mona").get(f"/api/v1/meetings/{meeting}").json()["edits_not_carried"] == []

    reprocess(world, meeting, "Completely other words were heard this time")  # not there any more
    page = mona.client.get(f"/meetings/{meeting}").text
    assert 'data-testid="left-edits"' in page
    assert "<s>We ship pricing v2 in November</s> → We ship pricing &lt;v3&gt; in December" in page
    (kept,) = api("mona").get(f"/api/v1/meetings/{meeting}").json()["edits_not_carried"]
    assert (kept["kind"], kept["machine"], kept["text"]) == (
        "line",
        "We ship pricing v2 in November",
        "We ship pricing <v3> in December",
    )
    assert (kept["start"], kept["end"]) == (0.5, 2.0) and kept["left_at"]
