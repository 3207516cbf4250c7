"""The brief as plain data (no database): content, grouping, due dates against a fixed today, renderers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from minutes.brief import (
    ItemFacts,
    MeetingFacts,
    SpeakerFacts,
    build_brief,
    gist,
    parse_since,
    render,
    to_dict,
    to_html,
)
from minutes.errors import ConfigError

TODAY = date(2026, 12, 3)
MON = datetime(2026, 11, 30, 10, tzinfo=UTC)
WED = datetime(2026, 12, 2, 14, tzinfo=UTC)


def _meetings() -> list[MeetingFacts]:
    return [
        MeetingFacts(
            id=8,
            title="Pricing review",
            date=WED,
            status="done",
            team="Sales",
            summary="Enterprise pricing moves to seats. Finance checks the numbers.",
            speakers=(SpeakerFacts("SPEAKER_00", "Priya", 300.0), SpeakerFacts("SPEAKER_01", None, 90.0)),
        ),
        MeetingFacts(
            id=7,
            title="Weekly sync",
            date=MON,
            status="done",
            team="Sales",
            summary=None,
            speakers=(SpeakerFacts("SPEAKER_00", "Bob", 10.0),),
        ),
    ]


def _item(meeting: int, position: int, kind: str, text: str, **kw: object) -> ItemFacts:
    when = WED if meeting == 8 else MON
    title = "Pricing review" if meeting == 8 else "Weekly sync"
    base: dict[str, object] = {
        "meeting_id": meeting,
        "meeting_title": title,
        "meeting_date": when,
        "position": position,
        "kind": kind,
        "text": text,
        "supported": True,
        "utterance": position + 3,
        "start": 12.5 * (position + 1),
        "speaker": "Priya",
    }
    base.update(kw)
    return ItemFacts(**base)  # type: ignore[arg-type]


ITEMS = [
    _item(8, 0, "decision", "Price the enterprise plan per seat"),
    _item(
        8, 1, "action", "Send the seat model", owner="SPEAKER_00", owner_name="Priya", due=date(2026, 12, 8)
    ),
    _item(8, 2, "action", "Ask finance", owner="SPEAKER_01", owner_name="SPEAKER_01"),
    _item(8, 3, "question", "Who approves discounts?"),
    _item(7, 0, "action", "Book the room", owner=None),
    _item(7, 1, "action", "Write notes", owner="SPEAKER_00", owner_name="Bob", done=True),
]
OPEN_DATED = [
    _item(
        8, 1, "action", "Send the seat model", owner="SPEAKER_00", owner_name="Priya", due=date(2026, 12, 8)
    ),
    _item(7, 5, "action", "Renew licence", owner="SPEAKER_00", owner_name="Bob", due=date(2026, 11, 20)),
    _item(7, 6, "action", "File expenses", owner="SPEAKER_00", owner_name="Bob", due=date(2026, 12, 1)),
    _item(7, 7, "action", "Far away", owner="SPEAKER_00", owner_name="Bob", due=date(2027, 1, 30)),
]


def test_each_meeting_in_one_line_oldest_first() -> None:
    brief = build_brief(_meetings(), ITEMS, OPEN_DATED, since=date(2026, 11, 27), today=TODAY)
    assert [m.id for m in brief.meetings] == [7, 8]
    pricing = brief.meetings[1]
    assert pricing.gist == "Enterprise pricing moves to seats."
    assert pricing.people == ("Priya", "SPEAKER_01")  # most talkative first, label where unnamed
    assert brief.meetings[0].gist == "no minutes yet"
    assert pricing.moment.link == "/meetings/8"


def test_decisions_questions_and_actions_by_owner() -> None:
    brief = build_brief(_meetings(), ITEMS, OPEN_DATED, since=date(2026, 11, 27), today=TODAY)
    assert [e.text for e in brief.decisions] == ["Price the enterprise plan per seat"]
    assert [e.text for e in brief.questions] == ["Who approves discounts?"]
    groups = {g.owner: [e.text for e in g.items] for g in brief.actions}
    assert groups == {
        "Bob": ["Write notes"],
        "Priya": ["Send the seat model"],
        "SPEAKER_01": ["Ask finance"],
        "No owner": ["Book the room"],
    }
    assert [g.owner for g in brief.actions][-1] == "No owner"
    decision = brief.decisions[0]
    assert (decision.moment.meeting_id, decision.moment.utterance, decision.moment.start) == (8, 3, 12.5)
    assert decision.moment.link == "/meetings/8?t=12.5#u-3"


def test_overdue_and_due_soon_against_today() -> None:
    brief = build_brief(_meetings(), ITEMS, OPEN_DATED, since=date(2026, 11, 27), today=TODAY)
    assert [e.text for e in brief.overdue] == ["File expenses", "Renew licence"]  # latest due first
    assert brief.overdue_total == 2
    assert [e.text for e in brief.due_soon] == ["Send the seat model"]  # 2027 is not soon
    assert brief.overdue[0].owner == "Bob"
    capped = build_brief([], [], OPEN_DATED, since=TODAY, today=TODAY, overdue_shown=1, overdue_total=9)
    assert [e.text for e in capped.overdue] == ["File expenses"]
    assert capped.overdue_total == 9


def test_done_items_are_neither_overdue_nor_due_soon() -> None:
    done = [_item(7, 5, "action", "Renewed", owner=None, due=date(2026, 11, 20), done=True)]
    brief = build_brief([], [], done, since=TODAY, today=TODAY)
    assert brief.overdue == () and brief.due_soon == () and brief.empty


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", date(2026, 11, 27)),
        ("1d", TODAY),
        ("2w", date(2026, 11, 20)),
        ("2026-10-01", date(2026, 10, 1)),
    ],
)
def test_since(text: str, expected: date) -> None:
    assert parse_since(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["last week", "0d", "99999d", "2026-13-01", ""])
def test_since_refuses_with_the_forms_it_takes(text: str) -> None:
    with pytest.raises(ConfigError, match="since"):
        parse_since(text, today=TODAY)


def test_gist_is_one_short_line() -> None:
    long = "word " * 80
    assert len(gist(long, "done")) <= 160
    assert gist(long, "done").endswith("…")
    assert gist("First line\nstill first. Second.", "done") == "First line still first."
    assert gist(None, "processing") == "no minutes yet (processing)"


def test_json_shape() -> None:
    brief = build_brief(_meetings(), ITEMS, OPEN_DATED, since=date(2026, 11, 27), today=TODAY)
    data = json.loads(render(brief, "json"))
    assert data == to_dict(brief)
    assert set(data) == {
        "schema",
        "since",
        "until",
        "today",
        "team",
        "person",
        "empty",
        "meetings",
        "decisions",
        "actions",
        "overdue",
        "overdue_total",
        "due_soon",
        "questions",
        "followups",
    }
    decision = data["decisions"][0]
    assert decision["meeting_id"] == 8 and decision["utterance"] == 3 and decision["start"] == 12.5
    assert decision["link"] == "/meetings/8?t=12.5#u-3"
    assert data["actions"][0] == {"owner": "Bob", "items": [data["actions"][0]["items"][0]]}
    assert data["due_soon"][0]["due"] == "2026-12-08"
    assert data["meetings"][1]["link"] == "/meetings/8"
    absolute = json.loads(render(brief, "json", base_url="https://m.example"))
    assert absolute["decisions"][0]["link"] == "https://m.example/meetings/8?t=12.5#u-3"


def test_markdown_names_and_links_every_moment() -> None:
    brief = build_brief(_meetings(), ITEMS, OPEN_DATED, since=date(2026, 11, 27), today=TODAY)
    md = render(brief, "md")
    assert md.startswith("# Brief: 2026-11-27 to 2026-12-03")
    assert "[Pricing review](/meetings/8) (meeting 8)" in md
    assert "Price the enterprise plan per seat — Pricing review (2026-12-02, Priya) " in md
    assert "[meeting 8, line 3, 00:00:12](/meetings/8?t=12.5#u-3)" in md
    assert "### Priya" in md and "### No owner" in md
    assert "- [ ] Send the seat model (due 2026-12-08)" in md
    assert "- [x] Write notes" in md
    assert "## Overdue (2)" in md and "Bob: File expenses (due 2026-12-01)" in md
    assert "## Open questions" in md and "Who approves discounts?" in md


def test_html_escapes_and_links() -> None:
    meeting = _meetings()[0]
    hostile = MeetingFacts(
        id=9,
        title="<script>x</script>",
        date=WED,
        status="done",
        team=None,
        summary="A & B.",
        speakers=meeting.speakers,
    )
    brief = build_brief([hostile], ITEMS[:1], [], since=TODAY, today=TODAY)
    html = to_html(brief)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/meetings/8?t=12.5#u-3"' in html
    page = render(brief, "html")
    assert page.startswith("<!doctype html>") and "<h1>Brief: 2026-12-03 to 2026-12-03</h1>" in page


def test_empty_brief_says_so_in_every_format() -> None:
    brief = build_brief([], [], [], since=date(2026, 11, 27), today=TODAY, team="Sales", person="Priya")
    message = "No meetings you can see between 2026-11-27 and 2026-12-03 in team Sales with Priya"
    assert message in render(brief, "md")
    assert message in render(brief, "html")
    data = json.loads(render(brief, "json"))
    assert data["empty"] is True and data["meetings"] == [] and data["team"] == "Sales"


def test_control_characters_are_shown_not_obeyed() -> None:
    item = _item(8, 0, "decision", "Ship \x1b[31mnow")
    brief = build_brief(_meetings()[:1], [item], [], since=TODAY, today=TODAY)
    for fmt in ("md", "html", "json"):
        assert "\x1b" not in render(brief, fmt)


def test_unknown_format_names_the_choices() -> None:
    brief = build_brief([], [], [], since=TODAY, today=TODAY)
    with pytest.raises(ConfigError, match="md, html, json"):
        render(brief, "pdf")
