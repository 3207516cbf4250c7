"""The meeting pages and their API: list, one meeting, edits, exports, media, deletion."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from minutes.db import replace_transcript, save_minutes, save_stage, session_scope
from minutes.db.accounts import AuditEntry
from minutes.db.jobs import Job
from minutes.db.tables import Meeting, Recording
from minutes.jobs import enqueue
from minutes.payloads import SUMMARY_CHECK_KEY, summary_check_to_dict
from minutes.types import (
    Chapter,
    MinuteItem,
    Minutes,
    SentenceNote,
    Speaker,
    StageRecord,
    SummaryCheck,
    Utterance,
    Word,
)
from minutes.web.config import WebSettings
from tests.web.conftest import Browser
from tests.web.world import World


def audit(world: World, action: str) -> list[AuditEntry]:
    with session_scope(world.sessions) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@contextmanager
def count_queries(world: World) -> Iterator[list[str]]:
    engine = world.sessions.kw["bind"]
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


# The list ---------------------------------------------------------------------------------------


def add_many(world: World, n: int) -> None:
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for i in range(n):
        world.add_meeting(
            f"bulk{i:03d}", team="Sales", words=f"bulk words {i}", date=start + timedelta(days=i)
        )


def test_the_list_is_paged_in_sql(
    world: World, browser: Callable[[str], Browser], settings: WebSettings
) -> None:
    add_many(world, 60)  # plus the two Sales meetings mona sees: 62
    mona = browser("mona")

    first = mona.client.get("/meetings")
    last = mona.client.get("/meetings?page=2")

    assert "62 meetings" in first.text
    assert first.text.count("data-meeting-id=") == settings.page_size
    assert last.text.count("data-meeting-id=") == 62 - settings.page_size
    assert 'data-testid="next-page"' in first.text and 'data-testid="prev-page"' in last.text


def test_list_queries_do_not_grow_with_the_page(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    client.get("/api/v1/me")  # the token's first use is recorded (one more write)
    with count_queries(world) as few:
        client.get("/api/v1/meetings?limit=2")
    add_many(world, 30)
    with count_queries(world) as many:
        client.get("/api/v1/meetings?limit=30")
    assert len(many) == len(few)


def test_list_filters_and_sorting(world: World, api: Callable[[str], TestClient]) -> None:
    add_many(world, 5)
    client = api("ada")

    def ids(**params: str) -> list[int]:
        body = client.get("/api/v1/meetings", params=params).json()
        return [m["id"] for m in body["meetings"]]

    bulk = [world.meetings[f"bulk{i:03d}"] for i in range(5)]
    assert ids(**{"from": "2026-01-02", "to": "2026-01-03"}) == [bulk[2], bulk[1]]
    assert ids(**{"from": "2026-01-02", "to": "2026-01-03", "order": "asc"}) == [bulk[1], bulk[2]]
    assert ids(team=str(world.teams["Support"])) == [world.meetings["support"]]
    assert ids(q="ORPHAN") == [world.meetings["orphan"]]
    assert set(ids(q="bulk", sort="title", order="asc")) == set(bulk)
    assert ids(q="bulk", sort="title", order="asc") == bulk
    assert len(ids(person="speaker_01")) == 0  # labels match exactly, names by part
    assert len(ids(person="SPEAKER_01")) == 9
    rows = client.get("/api/v1/meetings", params={"q": "bulk001"}).json()["meetings"]
    assert rows[0]["participants"] == ["SPEAKER_00", "SPEAKER_01"]
    assert rows[0]["team"] == "Sales"


def test_a_renamed_speaker_is_found_by_name(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("ada")
    meeting = world.meetings["support"]
    client.put(f"/api/v1/meetings/{meeting}/speakers/SPEAKER_01", json={"name": "Priya Shah"})

    found = client.get("/api/v1/meetings", params={"person": "priya"}).json()["meetings"]

    assert [m["id"] for m in found] == [meeting]
    assert found[0]["participants"] == ["SPEAKER_00", "Priya Shah"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "from='2026-13-01' is not a date; use YYYY-MM-DD"),
        ({"sort": "colour"}, "unknown sort 'colour'"),
        ({"status": "lost"}, "unknown status 'lost'"),
        ({"team": "sales"}, "team='sales' is not a number"),
    ],
)
def test_bad_filters_are_named(
    api: Callable[[str], TestClient], params: dict[str, str], message: str
) -> None:
    response = api("ada").get("/api/v1/meetings", params=params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


# One meeting ------------------------------------------------------------------------------------


def test_meeting_page_shows_player_timeline_transcript_and_minutes(
    world: World, browser: Callable[[str], Browser]
) -> None:
    meeting = world.meetings["sales"]
    html = browser("mona").client.get(f"/meetings/{meeting}?t=2.2").text

    assert f'src="/meetings/{meeting}/media#t=2.20"' in html
    assert 'data-start-at="2.20"' in html
    # Transcript lines carry their times; no word timings are shipped.
    assert re.search(r'<p class="utt" id="u-1" data-start="2.20" data-end="4.00">', html)
    assert "probability" not in html
    # Timeline: one track per speaker, coloured.
    assert html.count('class="tl-track"') == 2
    assert '<rect class="spk-1" x="314.29"' in html
    # Minutes with evidence links and the unsupported item flagged.
    assert '<a class="ev" href="#u-1" data-start="2.20"' in html
    assert re.search(r'id="item-2" class="item unsupported".*⚠ unsupported', html)
    assert "due 2026-11-27 (“by Friday”)" in html
    assert 'data-testid="talk-time"' in html and "66%" in html
    assert '<script src="/static/player.js' in html and '<script src="/static/edit.js' in html


def test_readers_get_no_edit_controls(world: World, browser: Callable[[str], Browser]) -> None:
    html = browser("mel").client.get(f"/meetings/{world.meetings['sales_shared']}").text

    assert "edit.js" not in html
    assert 'data-testid="toggle-1"' not in html
    assert 'data-testid="delete-meeting"' not in html
    assert 'id="access"' not in html
    assert "open</span>" in html


def test_meeting_page_uses_a_fixed_number_of_queries(world: World, browser: Callable[[str], Browser]) -> None:
    mona = browser("mona")
    short = world.meetings["sales"]
    with count_queries(world) as few:
        assert mona.client.get(f"/meetings/{short}").status_code == 200

    long = world.add_meeting("long", team="Sales", words="first line")
    with session_scope(world.sessions) as s:
        lines = tuple(
            Utterance(
                i,
                f"SPEAKER_0{i % 5}",
                i * 2.0,
                i * 2.0 + 1.5,
                f"line {i}",
                (Word(i * 2.0, i * 2.0 + 1, "line"),),
            )
            for i in range(300)
        )
        speakers = tuple(Speaker(f"SPEAKER_0{k}", f"Person {k}", 60.0) for k in range(5))
        replace_transcript(s, meeting_id=long, utterances=lines, speakers=speakers, embeddings={})
        items = tuple(MinuteItem("action", f"do {i}", (i,), owner=f"SPEAKER_0{i % 5}") for i in range(40))
        chapters = tuple(Chapter(i * 60.0, i * 60.0 + 60, f"part {i}", (i,)) for i in range(10))
        save_minutes(s, meeting_id=long, minutes=Minutes("Long.", items, chapters))
    with count_queries(world) as many:
        assert mona.client.get(f"/meetings/{long}").status_code == 200

    assert len(many) == len(few)
    # 16, names from voices and rejected names heard (docs/voices.md), and its series or, for an
    # editor, the series it may belong to (docs/ledger.md)
    assert len(few) <= 23, few
    page = mona.client.get(f"/meetings/{long}").text
    assert page.count('class="utt"') == 300 and page.count('class="item action') == 40


def test_meeting_page_says_what_the_summary_check_removed(
    world: World, browser: Callable[[str], Browser]
) -> None:
    checked = world.add_meeting("checked", team="Sales", words="Carol will send the report")
    report = SummaryCheck(
        sentences=3,
        removed=(SentenceNote("They meet on <b>Monday</b> morning.", "says Monday; the meeting never does"),),
        fixed=(
            SentenceNote(
                "Alice will send the report.", "the item's owner is Carol", "Carol will send the report."
            ),
        ),
    )
    options = {SUMMARY_CHECK_KEY: summary_check_to_dict(report)}
    with session_scope(world.sessions) as s:
        save_minutes(s, meeting_id=checked, minutes=Minutes("Carol will send the report.", options=options))
    old = world.meetings["sales"]  # minutes stored without a check record: no note

    page = browser("mona").client.get(f"/meetings/{checked}").text
    plain = browser("mona").client.get(f"/meetings/{old}").text

    assert 'data-testid="summary-check"' in page
    assert "1 unsupported summary sentence removed; 1 sentence corrected to the action item" in page
    assert "<s>They meet on &lt;b&gt;Monday&lt;/b&gt; morning.</s>" in page  # escaped
    assert "says Monday; the meeting never does" in page and "→ Carol will send the report." in page
    assert 'data-testid="summary-check"' not in plain


def test_meeting_page_warns_when_speech_has_no_words(world: World, browser: Callable[[str], Browser]) -> None:
    low = world.add_meeting("low", team="Sales", words="we approve the budget")
    full = world.add_meeting("full", team="Sales", words="we approve the budget")
    with session_scope(world.sessions) as s:
        for meeting, share in ((low, 0.8123), (full, 0.99)):
            payload = {"segments": [], "coverage": {"share": share, "gaps": []}}
            save_stage(s, meeting_id=meeting, record=StageRecord("recover", "k"), payload=payload)
    mona = browser("mona")

    warned = mona.client.get(f"/meetings/{low}").text
    assert 'class="notice coverage-low" role="alert"' in warned
    assert "⚠ Only 81.2% of the speech has words" in warned
    fine = mona.client.get(f"/meetings/{full}").text
    assert "Speech covered by words: 99.0%" in fine and "coverage-low" not in fine
    before = mona.client.get(f"/meetings/{world.meetings['sales']}").text  # processed before: no figure
    assert 'data-testid="speech-coverage"' not in before


def test_views_and_exports_are_audited(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    meeting = world.meetings["sales"]
    client.get(f"/meetings/{meeting}")
    client.get(f"/api/v1/meetings/{meeting}/export/vtt")

    views, exports = audit(world, "view"), audit(world, "export")
    assert [(e.username, e.meeting_id, e.via) for e in views] == [("mona", meeting, "api")]
    assert [(e.username, e.detail) for e in exports] == [("mona", {"format": "vtt"})]


@pytest.mark.parametrize(
    ("fmt", "media_type", "start"),
    [
        ("md", "text/markdown", "# Sales weekly"),
        ("json", "application/json", "{"),
        ("srt", "application/x-subrip", "1\n00:00:00,500 -->"),
        ("vtt", "text/vtt", "WEBVTT"),
        ("txt", "text/plain", "Sales weekly"),
    ],
)
def test_exports_download(
    world: World, browser: Callable[[str], Browser], fmt: str, media_type: str, start: str
) -> None:
    meeting = world.meetings["sales"]
    response = browser("mona").client.get(f"/meetings/{meeting}/export/{fmt}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    expected = f'attachment; filename="meeting-{meeting}-sales-weekly.{fmt}"'
    assert response.headers["content-disposition"] == expected
    assert response.text.startswith(start)


def test_unknown_export_format_is_named(world: World, api: Callable[[str], TestClient]) -> None:
    response = api("mona").get(f"/api/v1/meetings/{world.meetings['sales']}/export/docx")
    assert response.status_code == 400
    assert "unknown export format 'docx'; choose one of: md, json, txt, srt, vtt, rttm" in response.text


def test_media_supports_ranges_and_audits_one_playback_once(
    world: World, api: Callable[[str], TestClient], tone: Path
) -> None:
    client = api("mona")
    url = f"/api/v1/meetings/{world.meetings['sales']}/media"
    size = tone.stat().st_size

    whole = client.get(url)
    middle = client.get(url, headers={"Range": "bytes=100-199"})
    beyond = client.get(url, headers={"Range": f"bytes={size + 10}-"})

    assert whole.status_code == 200 and whole.content == tone.read_bytes()
    assert whole.headers["accept-ranges"] == "bytes"
    assert middle.status_code == 206
    assert middle.headers["content-range"] == f"bytes 100-199/{size}"
    assert middle.content == tone.read_bytes()[100:200]
    assert beyond.status_code == 416
    assert len(audit(world, "media")) == 1  # the seek (a later range) is not another playback


def test_media_of_a_meeting_without_a_stored_file_is_404(
    world: World, api: Callable[[str], TestClient]
) -> None:
    response = api("mona").get(f"/api/v1/meetings/{world.meetings['sales_shared']}/media")
    assert response.status_code == 404
    assert "not on this server" in response.json()["detail"]


# Edits --------------------------------------------------------------------------------------------


def test_rename_correct_and_tick_on_the_page_show_in_exports_and_the_audit_log(
    world: World, browser: Callable[[str], Browser]
) -> None:
    mona = browser("mona")
    meeting = world.meetings["sales"]

    renamed = mona.post(f"/meetings/{meeting}/speakers/SPEAKER_01", {"name": "  Priya Shah "})
    ticked = mona.post(f"/meetings/{meeting}/actions/1", {"done": "1"})
    corrected = mona.client.put(
        f"/api/v1/meetings/{meeting}/utterances/0",
        json={"text": "We ship pricing v3 in December"},
        headers={"X-CSRF-Token": mona.csrf},
    )

    assert renamed.status_code == ticked.status_code == 303
    assert renamed.headers["location"] == f"/meetings/{meeting}#speakers"
    assert ticked.headers["location"] == f"/meetings/{meeting}#item-1"
    assert corrected.json() == {"index": 0, "text": "We ship pricing v3 in December"}
    markdown = mona.client.get(f"/meetings/{meeting}/export/md").text
    assert "- [x] **Priya Shah** — Send the budget" in markdown
    assert "We ship pricing v3 in December" in markdown
    assert "Priya Shah: I will send the budget" in mona.client.get(f"/meetings/{meeting}/export/srt").text
    page = mona.client.get(f"/meetings/{meeting}").text
    assert 'data-done="1"' in page and "✓ done" in page
    edits = [(e.action, e.username, e.detail) for e in audit(world, "rename_speaker")]
    edits += [(e.action, e.username, e.detail) for e in audit(world, "correct_utterance")]
    edits += [(e.action, e.username, e.detail) for e in audit(world, "action_done")]
    assert edits == [
        ("rename_speaker", "mona", {"name": "Priya Shah"}),
        (
            "correct_utterance",
            "mona",
            {"old": "We ship pricing v2 in November", "new": "We ship pricing v3 in December"},
        ),
        ("action_done", "mona", {}),
    ]


def test_the_correction_is_searchable(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    meeting = world.meetings["sales"]
    client.put(f"/api/v1/meetings/{meeting}/utterances/0", json={"text": "We ship kumquats in December"})

    hits = client.get("/api/v1/search", params={"q": "kumquats"}).json()["hits"]

    assert [(h["meeting_id"], h["utterance_index"]) for h in hits] == [(meeting, 0)]
    assert hits[0]["url"] == f"/meetings/{meeting}?t=0.5#u-0"


def test_reopening_an_item_and_bad_edits(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    meeting = world.meetings["sales"]
    assert client.put(f"/api/v1/meetings/{meeting}/actions/1", json={"done": True}).status_code == 200
    assert client.put(f"/api/v1/meetings/{meeting}/actions/1", json={"done": False}).status_code == 200
    assert not client.get(f"/api/v1/meetings/{meeting}/minutes").json()["items"][1]["done"]

    not_action = client.put(f"/api/v1/meetings/{meeting}/actions/0", json={"done": True})
    no_item = client.put(f"/api/v1/meetings/{meeting}/actions/9", json={"done": True})
    no_speaker = client.put(f"/api/v1/meetings/{meeting}/speakers/SPEAKER_09", json={"name": "X"})
    empty_line = client.put(f"/api/v1/meetings/{meeting}/utterances/0", json={"text": "   "})
    not_json = client.put(f"/api/v1/meetings/{meeting}/utterances/0", content=b"text", headers={})

    assert not_action.status_code == 400 and "is a decision, not an action item" in not_action.text
    assert no_item.status_code == 404 and "positions: 1" in no_item.text
    assert no_speaker.status_code == 404 and "SPEAKER_00, SPEAKER_01" in no_speaker.text
    assert empty_line.status_code == 400 and "cannot be empty" in empty_line.text
    assert not_json.status_code == 422


def test_transcript_and_minutes_api(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    meeting = world.meetings["sales"]
    plain = client.get(f"/api/v1/meetings/{meeting}/transcript").json()
    with_words = client.get(f"/api/v1/meetings/{meeting}/transcript?words=true").json()
    minutes = client.get(f"/api/v1/meetings/{meeting}/minutes").json()

    from minutes.web.schemas import Transcript

    assert Transcript.model_validate(plain) and Transcript.model_validate(with_words)  # the documented shape
    assert [u["index"] for u in plain["utterances"]] == [0, 1, 2]
    assert plain["utterances"][0]["words"] is None
    word = with_words["utterances"][0]["words"][1]
    assert (word["text"], word["start"], round(word["end"], 3), word["probability"]) == (
        " ship",
        0.9,
        1.2,
        0.9,
    )
    assert minutes["summary"] == "The budget was agreed.\n\nHosting stays open."
    assert [(i["kind"], i["supported"]) for i in minutes["items"]] == [
        ("decision", True),
        ("action", True),
        ("question", False),
    ]
    assert minutes["items"][1]["due"] == "2026-11-27"


# Deleting ----------------------------------------------------------------------------------------


def test_deleting_removes_everything_reachable(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient], settings: WebSettings
) -> None:
    mona = browser("mona")
    meeting = world.meetings["sales"]
    with session_scope(world.sessions) as s:
        media = Path(s.scalars(select(Recording.media_path)).first() or "")
    assert media.is_file() and media.parent == settings.media_dir

    confirm = mona.client.get(f"/meetings/{meeting}/delete")
    done = mona.post(f"/meetings/{meeting}/delete")

    assert confirm.status_code == 200 and 'data-testid="confirm-delete"' in confirm.text
    assert done.status_code == 303
    assert done.headers["location"] == "/meetings?deleted=Sales%20weekly"
    assert not media.exists()
    client = api("ada")
    for url in (
        f"/meetings/{meeting}",
        f"/api/v1/meetings/{meeting}",
        f"/api/v1/meetings/{meeting}/media",
        f"/meetings/{meeting}/media",
        f"/api/v1/meetings/{meeting}/export/md",
        f"/api/v1/meetings/{meeting}/transcript",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/search", params={"q": "November"}).json()["total"] == 0
    assert meeting not in {a["meeting_id"] for a in client.get("/api/v1/actions").json()}
    with session_scope(world.sessions) as s:
        assert (
            s.scalar(select(func.count()).select_from(Recording).where(Recording.media_path == str(media)))
            == 0
        )
    (entry,) = audit(world, "delete")
    assert (entry.username, entry.meeting_id, entry.detail) == (
        "mona",
        meeting,
        {"title": "Sales weekly", "media_removed": True},
    )


def test_deleting_keeps_a_file_the_server_did_not_store(
    world: World, api: Callable[[str], TestClient], tmp_path: Path, tone: Path
) -> None:
    outside = tmp_path / "users-own.wav"
    outside.write_bytes(tone.read_bytes())
    meeting = world.meetings["orphan"]
    with session_scope(world.sessions) as s:
        recording = s.get(Recording, s.get(Meeting, meeting).recording_id)  # type: ignore[union-attr]
        assert recording is not None
        recording.media_path = str(outside)

    response = api("ada").delete(f"/api/v1/meetings/{meeting}")

    assert response.json() == {"meeting_id": meeting, "media_removed": False}
    assert outside.exists()


def test_the_jobs_of_a_deleted_meeting_go_with_it(
    world: World, api: Callable[[str], TestClient], tone: Path
) -> None:
    meeting = world.meetings["sales"]
    with session_scope(world.sessions) as s:
        job = enqueue(s, tone, team_id=world.teams["Sales"], submitted_by=world.users["mona"])
        row = s.get(Job, job)
        assert row is not None
        row.status, row.meeting_id = "done", meeting
    client = api("mona")
    assert client.get(f"/api/v1/jobs/{job}").json()["meeting_id"] == meeting

    client.delete(f"/api/v1/meetings/{meeting}")

    assert client.get(f"/api/v1/jobs/{job}").status_code == 404
    assert job not in {j["id"] for j in client.get("/api/v1/jobs").json()}


def test_minutes_delete_on_the_command_line_removes_the_upload_and_is_audited(
    world: World, settings: WebSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from minutes import cli
    from minutes.cli import meetings as cli_meetings

    meeting = world.meetings["sales"]
    with session_scope(world.sessions) as s:
        recording = s.get(Recording, s.get(Meeting, meeting).recording_id)  # type: ignore[union-attr]
        assert recording is not None and recording.media_path is not None
        media = Path(recording.media_path)
    assert media.exists()
    monkeypatch.setattr(cli_meetings, "sessions", lambda: world.sessions)
    monkeypatch.setenv("MINUTES_HOME", str(settings.media_dir.parent))

    result = CliRunner().invoke(cli.main, ["delete", str(meeting), "--yes"])

    assert result.exit_code == 0, result.output
    assert "deleted meeting" in result.output and "Sales weekly" in result.output
    assert not media.exists()
    (entry,) = audit(world, "delete")
    assert entry.via == "cli" and entry.username is not None and entry.username.startswith("cli:")
    assert CliRunner().invoke(cli.main, ["delete", str(meeting), "--yes"]).exit_code == 1


def test_the_one_deletion_needs_a_signed_in_user_or_the_command_line(
    world: World, settings: WebSettings
) -> None:
    from minutes.accounts.access import Actor
    from minutes.accounts.deletion import delete_meeting
    from minutes.errors import Forbidden

    meeting = world.meetings["sales"]
    anonymous = Actor(principal=None, ip="127.0.0.1", via="api")
    with session_scope(world.sessions) as s, pytest.raises(Forbidden, match="sign in first"):
        delete_meeting(s, anonymous, meeting, media_dir=settings.media_dir)
    with session_scope(world.sessions) as s:
        assert s.get(Meeting, meeting) is not None
    assert not audit(world, "delete")


def test_user_text_is_escaped_everywhere_it_is_shown(world: World, api: Callable[[str], TestClient]) -> None:
    client = api("mona")
    meeting = world.meetings["sales"]
    evil = '<script>alert(1)</script> & "quoted" <b>bold</b>'
    client.put(f"/api/v1/meetings/{meeting}/utterances/0", json={"text": evil})
    client.put(
        f"/api/v1/meetings/{meeting}/speakers/SPEAKER_00", json={"name": '<img src=x onerror="alert(2)">'}
    )

    page = client.get(f"/meetings/{meeting}").text
    found = client.get("/search", params={"q": "quoted"}).text
    listing = client.get("/meetings").text

    for html in (page, found, listing):
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    assert "<mark>quoted</mark>" in found


def test_the_page_forms_for_lines_teams_shares_and_the_action_list(
    world: World, browser: Callable[[str], Browser], api: Callable[[str], TestClient]
) -> None:
    ada = browser("ada")
    meeting = world.meetings["orphan"]

    corrected = ada.post(f"/meetings/{meeting}/utterances/2", {"text": "Who pays for hosting stays open."})
    moved = ada.post(f"/meetings/{meeting}/team", {"team": str(world.teams["Sales"])})
    shared = ada.post(f"/meetings/{meeting}/shares", {"username": "MEL"})
    page = ada.client.get(f"/meetings/{meeting}").text
    ticked = ada.post(f"/actions/{meeting}/1", {"done": "1", "next": "/actions?status=all"})
    elsewhere = ada.post(f"/actions/{meeting}/1", {"done": "0", "next": "https://evil.example/"})
    shares = api("ada").get(f"/api/v1/meetings/{meeting}/shares").json()
    unshared = ada.post(f"/meetings/{meeting}/shares/mel/remove")

    assert corrected.headers["location"] == f"/meetings/{meeting}#u-2"
    assert moved.headers["location"] == shared.headers["location"] == f"/meetings/{meeting}#access"
    assert "Who pays for hosting stays open." in page
    assert '<option value="1" selected>Sales</option>' in page
    assert 'data-testid="shares"' in page and "mel" in page
    assert ticked.headers["location"] == "/actions?status=all"
    assert elsewhere.headers["location"] == "/meetings"
    assert shares == {"meeting_id": meeting, "users": ["mel"]}
    assert unshared.status_code == 303
    assert api("ada").get(f"/api/v1/meetings/{meeting}/shares").json()["users"] == []
    assert api("mona").get(f"/api/v1/meetings/{meeting}").status_code == 200  # now a Sales meeting
    assert ada.post(f"/meetings/{meeting}/shares/mel/remove").status_code == 404  # not shared any more


def test_shares_are_listed_only_to_editors(world: World, api: Callable[[str], TestClient]) -> None:
    meeting = world.meetings["sales_shared"]
    assert api("mona").get(f"/api/v1/meetings/{meeting}/shares").json()["users"] == ["mel"]
    assert api("mel").get(f"/api/v1/meetings/{meeting}/shares").status_code == 403
    assert api("sam").get(f"/api/v1/meetings/{meeting}/shares").status_code == 404
    assert api("mona").put(f"/api/v1/meetings/{meeting}/shares/nobody").status_code == 404


def test_action_items_page_filters_and_groups(world: World, browser: Callable[[str], Browser]) -> None:
    ada = browser("ada")
    client = ada.client
    client.put(
        f"/api/v1/meetings/{world.meetings['sales']}/speakers/SPEAKER_01",
        json={"name": "Priya Shah"},
        headers={"X-CSRF-Token": ada.csrf},
    )
    ada.post(f"/actions/{world.meetings['support']}/1", {"done": "1"})

    open_items = client.get("/actions").text
    done_items = client.get("/actions?status=done").text
    by_owner = client.get("/actions?status=all&group=owner").text
    priya = client.get("/actions?status=all&owner=priya shah").text

    assert open_items.count('data-testid="action-row"') == 3
    assert done_items.count('data-testid="action-row"') == 1
    assert "<h2>Priya Shah</h2>" in by_owner and "<h2>SPEAKER_01</h2>" in by_owner
    assert priya.count('data-testid="action-row"') == 1
    assert client.get("/actions?status=late").status_code == 400


def test_a_title_filter_offers_the_transcript_search(browser: Callable[[str], Browser]) -> None:
    html = browser("mona").client.get("/meetings", params={"q": "budget & co"}).text
    assert 'href="/search?q=budget%20%26%20co"' in html
