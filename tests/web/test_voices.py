"""Remembered voices in the web app: the rename form's consent box, names and suggestions from the
voice on the meeting page and in the API, confirm and reject, and who may do each."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from minutes.db import replace_transcript, save_stage, session_scope
from minutes.db.voice_tables import EnrolmentRow, PersonRow
from minutes.types import ModelRef, Speaker, StageRecord
from tests.web.conftest import Browser
from tests.web.world import World, utterances

MODELS = (ModelRef("segmentation-3.0", "pkg:seg", "a" * 64), ModelRef("campplus", "pkg:campplus", "c" * 64))


def give_voices(world: World, key: str, voices: dict[str, list[float]]) -> None:
    """Diarize ``key``'s meeting again with these speaker embeddings (recognition runs as stored)."""
    meeting_id = world.meetings[key]
    with session_scope(world.sessions) as s:
        record = StageRecord("diarize", f"k-{key}", MODELS, {}, "test", 1.0)
        save_stage(s, meeting_id=meeting_id, record=record, payload={"turns": [], "embeddings": voices})
        replace_transcript(
            s,
            meeting_id=meeting_id,
            utterances=utterances("We ship pricing v2 in November"),
            speakers=[Speaker(label, talk_time=30.0) for label in voices],
            embeddings={label: tuple(v) for label, v in voices.items()},
        )


def unit(i: int, tilt: float = 0.0) -> list[float]:
    v = [0.0] * 8
    v[i], v[(i + 1) % 8] = 1.0, tilt
    return v


def test_remember_a_voice_in_the_rename_form_then_see_it_named_and_suggested(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    give_voices(world, "sales", {"SPEAKER_00": unit(0), "SPEAKER_01": unit(3)})
    mona = browser("mona")
    sales, shared = world.meetings["sales"], world.meetings["sales_shared"]
    assert 'name="remember_voice"' in mona.client.get(f"/meetings/{sales}").text

    response = mona.post(
        f"/meetings/{sales}/speakers/SPEAKER_00", {"name": "Priya Shah", "remember_voice": "1"}
    )

    assert response.status_code == 303
    with session_scope(world.sessions) as s:
        assert s.scalars(select(PersonRow.name)).all() == ["Priya Shah"]
        assert s.scalars(select(EnrolmentRow.enrolled_by)).all() == ["mona"]
    # The next meeting: one speaker clearly Priya, one only near her voice.
    give_voices(
        world, "sales_shared", {"SPEAKER_00": unit(0, 0.1), "SPEAKER_01": [0.6, 0, 0, 0, 0, 0, 0.8, 0]}
    )
    page = mona.client.get(f"/meetings/{shared}").text
    assert 'data-testid="by-voice-SPEAKER_00"' in page
    assert "maybe Priya Shah, 0.60" in page
    speakers = {s["label"]: s for s in api("mona").get(f"/api/v1/meetings/{shared}").json()["speakers"]}
    assert (speakers["SPEAKER_00"]["name"], speakers["SPEAKER_00"]["name_source"]) == ("Priya Shah", "voice")
    assert speakers["SPEAKER_01"]["suggestions"] == [
        {"name": "Priya Shah", "source": "voice", "score": 0.6, "lines": []}
    ]

    # mel may read the shared meeting but not change it.
    mel = browser("mel")
    decide = f"/meetings/{shared}/speakers/SPEAKER_01/voice"
    assert mel.post(decide, {"decision": "confirm"}).status_code == 403

    assert mona.post(decide, {"decision": "confirm"}).status_code == 303
    rejected = api("mona").post(
        f"/api/v1/meetings/{shared}/speakers/SPEAKER_00/voice", json={"accept": False}
    )
    assert rejected.status_code == 200
    assert (rejected.json()["name"], rejected.json()["suggestions"]) == (None, [])
    speakers = {s["label"]: s for s in api("mona").get(f"/api/v1/meetings/{shared}").json()["speakers"]}
    assert (speakers["SPEAKER_01"]["name"], speakers["SPEAKER_01"]["name_source"]) == ("Priya Shah", "manual")
    assert speakers["SPEAKER_00"]["name"] is None
    bad = mona.post(f"/meetings/{shared}/speakers/SPEAKER_01/voice", {"decision": "maybe"})
    assert bad.status_code == 400 and "confirm or reject" in bad.text


def test_a_meeting_without_voices_cannot_remember_one(
    world: World, browser: Callable[[str], Browser]
) -> None:
    mona = browser("mona")
    sales = world.meetings["sales"]

    response = mona.post(f"/meetings/{sales}/speakers/SPEAKER_00", {"name": "Priya", "remember_voice": "1"})

    assert response.status_code == 400
    assert "no voice embedding" in response.text
    with session_scope(world.sessions) as s:
        assert s.scalars(select(PersonRow)).all() == []


def test_a_name_heard_in_the_conversation_is_suggested_with_links_to_its_lines(
    world: World, browser: Callable[[str], Browser]
) -> None:
    from minutes.types import Utterance

    sales = world.meetings["sales"]
    lines = [("SPEAKER_00", "Grace, can you send the quote?"), ("SPEAKER_01", "Yes, today.")]
    with session_scope(world.sessions) as s:
        replace_transcript(
            s,
            meeting_id=sales,
            utterances=[
                Utterance(index=i, speaker=who, start=2.0 * i, end=2.0 * i + 1.5, text=text)
                for i, (who, text) in enumerate(lines)
            ],
            speakers=[Speaker("SPEAKER_00", talk_time=1.5), Speaker("SPEAKER_01", talk_time=1.5)],
            embeddings={},
        )
    mona = browser("mona")

    page = mona.client.get(f"/meetings/{sales}").text

    assert 'maybe Grace (called so on <a href="#u-0">line 1</a>)' in page
    assert (
        mona.post(f"/meetings/{sales}/speakers/SPEAKER_01/voice", {"decision": "confirm"}).status_code == 303
    )
    assert ">Grace</a></span>" in mona.client.get(f"/meetings/{sales}").text


def test_an_admin_exports_and_forgets_a_voice_on_the_voices_page(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    give_voices(world, "sales", {"SPEAKER_00": unit(0), "SPEAKER_01": unit(3)})
    mona, ada = browser("mona"), browser("ada")
    consent = {"name": "Priya Shah", "remember_voice": "1"}
    assert mona.post(f"/meetings/{world.meetings['sales']}/speakers/SPEAKER_00", consent).status_code == 303
    give_voices(world, "sales_shared", {"SPEAKER_00": unit(0, 0.1), "SPEAKER_01": unit(5)})
    shared = world.meetings["sales_shared"]
    assert api("mona").get(f"/api/v1/meetings/{shared}").json()["speakers"][0]["name"] == "Priya Shah"

    assert mona.client.get("/admin/voices").status_code == 403
    page = ada.client.get("/admin/voices").text
    assert 'data-person="Priya Shah"' in page and "<td>1</td><td>1</td>" in page
    exported = ada.client.get("/admin/voices/Priya%20Shah/export")
    assert exported.headers["content-disposition"] == 'attachment; filename="voice-Priya-Shah.json"'
    assert exported.json()["enrolments"][0]["enrolled_by"] == "mona"
    unconfirmed = ada.post("/admin/voices/Priya%20Shah/forget", {"confirm": "Priya"})
    assert unconfirmed.status_code == 400 and "type the name" in unconfirmed.text

    forgot = ada.post("/admin/voices/Priya%20Shah/forget", {"confirm": "priya shah"})

    assert forgot.status_code == 303 and forgot.headers["location"] == "/admin/voices?forgot=Priya%20Shah"
    assert "No remembered voices." in ada.client.get("/admin/voices").text
    assert api("mona").get(f"/api/v1/meetings/{shared}").json()["speakers"][0]["name"] is None
    names = {
        s["label"]: s["name"]
        for s in api("mona").get(f"/api/v1/meetings/{world.meetings['sales']}").json()["speakers"]
    }
    assert names["SPEAKER_00"] == "Priya Shah"  # typed by hand: stays
