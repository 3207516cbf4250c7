"""Series and the commitment ledger in the store, on SQLite and PostgreSQL: joining a series links
it, a re-summarize links again, a link rejected by hand stays rejected, readers see only their
meetings, and deleting a meeting or a series leaves nothing dangling."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts import series as reads
from minutes.accounts.access import Actor, Principal
from minutes.db import people as voices_db
from minutes.db import rename_speaker, replace_transcript, save_minutes
from minutes.db import series as store
from minutes.db.ledger_rows import relink_meeting, stored_links
from minutes.db.names import decide as decide_name
from minutes.db.people_admin import forget
from minutes.db.series_tables import LedgerLinkRow, SeriesMeetingRow
from minutes.db.tables import Meeting, SpeakerRow
from minutes.db.voice_tables import PersonRow, VoiceMatchRow
from minutes.errors import ConfigError, InvalidValue, NotFoundError
from minutes.types import MinuteItem, Minutes, Speaker, Utterance
from tests.db.test_repo import new_meeting

OPERATOR = Actor(principal=None, ip=None, via="cli")
TODAY = date(2026, 3, 18)

A = [
    ("S0", "Tom, can you fix the memory leak in the importer by Friday?"),
    ("S1", "Sure, I'll fix the memory leak by Friday."),
    ("S0", "Good. We'll launch the beta on March 20."),
    ("S1", "Who owns the vendor contract, by the way?"),
    ("S0", "And I'll write the press release by Friday."),
]
A_ITEMS = (
    MinuteItem("action", "Fix the memory leak in the importer", (1,), owner="S1", due="2026-03-06"),
    MinuteItem("decision", "Launch the beta on March 20", (2,)),
    MinuteItem("question", "Who owns the vendor contract?", (3,)),
    MinuteItem("action", "Write the press release", (4,), owner="S0", due="2026-03-06"),
)
B = [
    ("S0", "Tom, the memory leak?"),
    ("S1", "The memory leak is fixed, merged it on Tuesday."),
    ("S0", "I need one more week for the press release, sorry."),
    ("S0", "And we're moving the beta launch to March 27 instead."),
    ("S1", "Still no answer on who owns the vendor contract?"),
]
B_ITEMS = (
    MinuteItem("decision", "Move the beta launch to March 27", (3,)),
    MinuteItem("question", "Who owns the vendor contract?", (4,)),
)
C = [("S0", "The press release went out this morning."), ("S1", "Nice.")]


def meeting(
    session: Session, seed: str, day: int, lines: list[tuple[str, str]], items: tuple[MinuteItem, ...]
) -> int:
    m = new_meeting(session, seed, title=f"Product sync {day} March")
    m.meeting_date = datetime(2026, 3, day, 10, tzinfo=UTC)
    utterances = [
        Utterance(index=i, speaker=s, start=5.0 * i, end=5.0 * i + 4, text=t)
        for i, (s, t) in enumerate(lines)
    ]
    replace_transcript(
        session,
        meeting_id=m.id,
        utterances=utterances,
        speakers=[Speaker("S0"), Speaker("S1")],
        embeddings={},
    )
    rename_speaker(session, meeting_id=m.id, label="S0", name="Priya")
    rename_speaker(session, meeting_id=m.id, label="S1", name="Tom")
    save_minutes(session, meeting_id=m.id, minutes=Minutes(summary="", items=items, language="en"))
    return m.id


def three(session: Session) -> tuple[int, int, int]:
    a = meeting(session, "a", 2, A, A_ITEMS)
    b = meeting(session, "b", 9, B, B_ITEMS)
    c = meeting(session, "c", 16, C, ())
    for m in (c, a, b):  # any order: the series is read by date
        reads.set_series(session, OPERATOR, m, "Product sync")
    return a, b, c


def test_joining_a_series_links_its_ledger(session: Session) -> None:
    a, b, c = three(session)

    kinds = sorted(
        (ln.kind, ln.meeting_id, ln.lines)
        for ln in stored_links(session, store.get_series(session, "product SYNC").id)
    )
    assert kinds == sorted(
        [
            ("done", b, (1,)),
            ("redated", b, (2,)),
            ("changed", b, (3,)),
            ("carried", b, (4,)),
            ("done", c, (0,)),
        ]
    )
    rows, lines = reads.ledger(session, None, today=TODAY)
    by_text = {r.commitment.text: r.commitment for r in rows}
    leak, press = by_text["Fix the memory leak in the importer"], by_text["Write the press release"]
    assert (leak.owner, leak.status, [e.kind for e in leak.history]) == ("Tom", "done", ["promised", "done"])
    assert (press.status, press.due, press.first_due, press.slips) == (
        "done",
        date(2026, 3, 13),
        date(2026, 3, 6),
        1,
    )
    assert [e.kind for e in press.history] == ["promised", "redated", "done"]
    assert lines[(b, 1)].speaker == "Tom" and lines[(b, 1)].text.startswith("The memory leak is fixed")

    view, since = reads.since_last(session, None, b, today=TODAY) or pytest.fail("b is in a series")
    assert [m.id for m in view.meetings] == [a, b, c]
    assert (since.previous_id, [x.text for x in since.closed]) == (a, ["Fix the memory leak in the importer"])
    assert [x.text for x in since.slipped] == ["Write the press release"]
    assert [(ch.before, ch.after) for ch in since.changed] == [
        ("Launch the beta on March 20", "Move the beta launch to March 27")
    ]
    assert [t.text for t in since.questions_carried] == ["Who owns the vendor contract?"]
    assert reads.ledger(session, None, today=TODAY, status="slipped")[0] == []
    assert [r.commitment.text for r in reads.ledger(session, None, today=TODAY, owner="priya")[0]] == [
        "Write the press release"
    ]


def test_a_rejected_link_stays_undone_across_a_resummarize(session: Session) -> None:
    a, b, _ = three(session)
    done = session.scalar(
        select(LedgerLinkRow).where(LedgerLinkRow.kind == "done", LedgerLinkRow.to_meeting_id == b)
    )
    assert done is not None

    reads.decide_link(session, OPERATOR, done.id, accept=False)
    save_minutes(session, meeting_id=b, minutes=Minutes(summary="", items=B_ITEMS, language="en"))  # relinks
    save_minutes(session, meeting_id=a, minutes=Minutes(summary="", items=A_ITEMS, language="en"))

    states = [
        (r.kind, r.state)
        for r in session.scalars(select(LedgerLinkRow).where(LedgerLinkRow.to_meeting_id == b))
    ]
    assert ("done", "rejected") in states and ("done", "auto") not in states
    leak = next(
        r.commitment for r in reads.ledger(session, None, today=TODAY)[0] if "leak" in r.commitment.text
    )
    assert (leak.status, [e.kind for e in leak.history]) == ("overdue", ["promised"])


def test_readers_see_only_their_meetings(session: Session) -> None:
    from minutes.accounts.users import create_team

    a, b, c = three(session)
    team = create_team(session, name="Product")
    for m in (a, c):
        session.get_one(Meeting, m).team_id = team.id
    session.flush()
    manager = Principal(1, "mia", None, False, frozenset({team.id}), frozenset())

    view = reads.series_ledger(session, manager, store.get_series(session, "Product sync"), today=TODAY)
    assert [m.id for m in view.meetings] == [a, c]
    assert {e.meeting_id for c_ in view.ledger.commitments for e in c_.history} <= {a, c}
    assert all(mid in (a, c) for mid, _ in view.lines)
    with pytest.raises(NotFoundError):
        reads.since_last(session, manager, b, today=TODAY)
    outsider = Principal(2, "olaf", None, False, frozenset({999}), frozenset())
    assert reads.list_series(session, outsider) == []
    with pytest.raises(NotFoundError, match="no series"):
        reads.find(session, outsider, "Product sync")


def test_names_suggestions_and_cascades(session: Session) -> None:
    a, b, c = three(session)
    with pytest.raises(InvalidValue):
        store.check_name("   ")
    with pytest.raises(ConfigError, match="exists already"):
        store.create_series(session, "product  sync", team_id=None, by="t")
    with pytest.raises(NotFoundError, match="minutes series list"):
        store.get_series(session, "nope")

    d = meeting(session, "d", 23, C, ())
    assert [s.name for s in store.suggest_series(session, d)] == ["Product sync"]
    assert store.suggest_series(session, a) == []  # already in one

    session.delete(session.get_one(Meeting, b))
    session.flush()
    assert (
        session.scalar(
            select(func.count()).select_from(LedgerLinkRow).where(LedgerLinkRow.to_meeting_id == b)
        )
        == 0
    )
    series = store.get_series(session, "Product sync")
    store.delete_series(session, series)
    assert session.scalar(select(func.count()).select_from(SeriesMeetingRow)) == 0
    assert session.scalar(select(func.count()).select_from(LedgerLinkRow)) == 0
    assert session.get(Meeting, c) is not None


def test_the_brief_tells_what_the_weeks_meetings_did_to_earlier_commitments(session: Session) -> None:
    from minutes.accounts.reads import brief
    from minutes.brief import render

    a, b, _ = three(session)

    week = brief(session, None, since=date(2026, 3, 9), today=date(2026, 3, 15))
    assert [(f.kind, f.text, f.moment.meeting_id) for f in week.followups] == [
        ("done", "Fix the memory leak in the importer", b),
        ("slipped", "Write the press release", b),
        ("changed", "Launch the beta on March 20", b),
    ]
    assert week.followups[1].due == date(2026, 3, 13) and week.followups[1].slips == 1
    md = render(week, "md")
    assert "## Follow-ups in series" in md and "Tom: Fix the memory leak in the importer done" in md
    data = __import__("json").loads(render(week, "json"))
    assert data["followups"][0]["link"].startswith(f"/meetings/{b}?t=5.0#u-1")
    assert [
        f.kind
        for f in brief(
            session, None, since=date(2026, 3, 9), today=date(2026, 3, 15), person="Priya"
        ).followups
    ] == ["slipped"]
    assert brief(session, None, since=date(2026, 3, 1), today=date(2026, 3, 7)).followups == ()
    assert a


def test_the_briefs_due_lists_follow_the_ledger(session: Session) -> None:
    from minutes.accounts.reads import brief

    a = meeting(session, "a", 2, A, A_ITEMS)
    b = meeting(session, "b", 9, B, B_ITEMS)
    for m in (a, b):  # the press release is not out yet
        reads.set_series(session, OPERATOR, m, "Product sync")
    other = new_meeting(session, "x", title="Budget review")  # in no series: read as minuted
    other.meeting_date = datetime(2026, 3, 3, 10, tzinfo=UTC)
    save_minutes(
        session,
        meeting_id=other.id,
        minutes=Minutes(
            summary="",
            items=(MinuteItem("action", "Send the budget", (0,), due="2026-03-05"),),
            language="en",
        ),
    )

    # the 10th: the leak was closed on the 9th, the press release moved to the 13th
    tenth = brief(session, None, since=date(2026, 3, 1), today=date(2026, 3, 10))
    assert [(e.text, e.due) for e in tenth.overdue] == [("Send the budget", date(2026, 3, 5))]
    assert tenth.overdue_total == 1
    assert [(e.text, e.due) for e in tenth.due_soon] == [("Write the press release", date(2026, 3, 13))]
    ticked = {e.text: e.done for group in tenth.actions for e in group.items}
    assert ticked == {
        "Fix the memory leak in the importer": True,
        "Write the press release": False,
        "Send the budget": False,
    }
    # the 15th: the press release is overdue at its new date, listed once
    fifteenth = brief(session, None, since=date(2026, 3, 14), today=date(2026, 3, 15))
    assert [(e.text, e.due) for e in fifteenth.overdue] == [
        ("Write the press release", date(2026, 3, 13)),
        ("Send the budget", date(2026, 3, 5)),
    ]
    assert brief(session, None, since=date(2026, 3, 14), today=date(2026, 3, 15), person="Tom").overdue == ()
    # a reader who may not see the meeting that closed the leak sees it overdue, as their ledger does
    from minutes.accounts.users import create_team

    team = create_team(session, name="Product")
    session.get_one(Meeting, a).team_id = team.id
    session.flush()
    manager = Principal(1, "mia", None, False, frozenset({team.id}), frozenset())
    seen = brief(session, manager, since=date(2026, 3, 1), today=date(2026, 3, 10))
    assert {e.text for e in seen.overdue} == {
        "Fix the memory leak in the importer",
        "Write the press release",
    }


def test_action_item_lists_follow_the_ledger(session: Session) -> None:
    from minutes.accounts.reads import actions

    a = meeting(session, "a", 2, A, A_ITEMS)
    b = meeting(session, "b", 9, B, B_ITEMS)
    for m in (a, b):
        reads.set_series(session, OPERATOR, m, "Product sync")

    def listed(status: str | None, today: date) -> list[tuple[str, str | None, str]]:
        rows, editable = actions(session, None, status=status, owner=None, today=today)
        assert editable == {r.meeting_id for r in rows}  # the operator may tick every one
        return [(r.text, r.due, r.status) for r in rows]

    # the leak was closed on the 9th; the press release moved from the 6th to the 13th
    assert listed(None, date(2026, 3, 10)) == [
        ("Fix the memory leak in the importer", "2026-03-06", "done"),
        ("Write the press release", "2026-03-13", "slipped"),
    ]
    assert listed("overdue", date(2026, 3, 10)) == []
    assert listed("done", date(2026, 3, 10)) == [
        ("Fix the memory leak in the importer", "2026-03-06", "done")
    ]
    assert listed("open", date(2026, 3, 14)) == [("Write the press release", "2026-03-13", "overdue")]
    assert listed("overdue", date(2026, 3, 14)) == listed("open", date(2026, 3, 14))
    # the tick by hand is not set by the ledger: it stays a person's act
    rows, _ = actions(session, None, status="done", owner=None, today=date(2026, 3, 10))
    assert [r.done for r in rows] == [False]


def test_ask_shows_where_a_promise_was_closed_in_other_words(session: Session) -> None:
    from minutes.accounts.access import Actor as Asker
    from minutes.ask import retrieve

    a = meeting(session, "a", 2, A, A_ITEMS)
    closed = [("S0", "Tom, the importer?"), ("S1", "Sorted. Merged on Tuesday.")]  # no word of the task
    b = meeting(session, "b", 9, closed, ())
    for m in (a, b):
        reads.set_series(session, OPERATOR, m, "Product sync")
        session.get_one(Meeting, m).status = "done"  # ask reads finished meetings
    session.flush()
    operator = Asker(principal=None, ip=None, via="cli")

    shown = retrieve(session, operator, "Did Tom fix the memory leak?", embedder=None)
    at = [(line.meeting_id, line.idx) for line in shown.lines]
    assert (a, 1) in at and (b, 1) in at and (b, 0) in at  # the promise, the close and its prompt
    assert at.index((b, 1)) == at.index((a, 1)) + 1 or at.index((b, 0)) > at.index((a, 1))
    # the ledger acts on that close, so an answer citing the promise is followed by it (ask.quote)
    assert shown.later == {at.index((a, 1)): (at.index((b, 1)),)}
    # a reader who may not see the later meeting is not shown it
    from minutes.accounts.users import create_team

    team = create_team(session, name="Product")
    session.get_one(Meeting, a).team_id = team.id
    session.flush()
    manager = Principal(1, "mia", None, False, frozenset({team.id}), frozenset())
    seen = retrieve(
        session, Asker(principal=manager, ip=None, via="web"), "Did Tom fix the memory leak?", embedder=None
    )
    assert {line.meeting_id for line in seen.lines} == {a}


def test_an_answer_citing_a_promise_says_what_a_later_meeting_said_of_it(
    factory: sessionmaker[Session],
) -> None:
    from minutes.accounts.access import Actor as Asker
    from minutes.ask import answer
    from tests.fakes import FakeAskLLM

    with factory.begin() as session:
        a = meeting(session, "a", 2, A, A_ITEMS)
        b = meeting(session, "b", 9, [("S0", "Tom, the importer?"), ("S1", "Sorted. Merged on Tuesday.")], ())
        for m in (a, b):
            reads.set_series(session, OPERATOR, m, "Product sync")
            session.get_one(Meeting, m).status = "done"
    operator = Asker(principal=None, ip=None, via="cli")
    # the fake model repeats the line most like the question: Tom's promise
    said = answer(
        factory, operator, "Was the memory leak fix sure for Friday?", llm=FakeAskLLM(), embedder=None
    )
    assert said.found and [[(c.meeting_id, c.utterance) for c in s.citations] for s in said.sentences] == [
        [(a, 1)],
        [(b, 0), (b, 1)],
    ]
    assert said.sentences[1].text == (
        "Later, in Product sync 9 March: "  # the title names the day already
        "Priya: “Tom, the importer?” Tom: “Sorted. Merged on Tuesday.”"
    )
    # a model that finds nothing: the promise asked after and its close, quoted
    asked = "Did Tom fix the memory leak?"
    quoted = answer(factory, operator, asked, llm=FakeAskLLM(empty=True), embedder=None)
    assert quoted.found and quoted.quoted
    assert [[(c.meeting_id, c.utterance) for c in s.citations] for s in quoted.sentences] == [
        [(a, 1)],
        [(b, 0), (b, 1)],
    ]
    assert not answer(
        factory, operator, "Did Tom book the offsite venue?", llm=FakeAskLLM(empty=True), embedder=None
    ).found


def _links(session: Session) -> list[tuple[str, int, float, str]]:
    return sorted(
        (r.kind, r.to_meeting_id, round(r.score, 3), r.state) for r in session.scalars(select(LedgerLinkRow))
    )


def test_a_name_from_the_voice_or_the_conversation_links_the_series_again(session: Session) -> None:
    """Owners are matched by name, so every way a name comes or goes re-links the series: a voice
    confirmed, a name heard in the conversation confirmed, a voice forgotten; not only a rename."""
    a = meeting(session, "a", 2, A, A_ITEMS)
    c = meeting(session, "c", 16, [C[0], ("S1", "Thanks, Priya. Nice.")], ())
    for m in (a, c):
        reads.set_series(session, OPERATOR, m, "Product sync")
    named = _links(session)
    rename_speaker(session, meeting_id=c, label="S0", name=None)
    anonymous = _links(session)
    assert anonymous != named  # the press release's close no longer has its owner saying it

    assert decide_name(session, meeting_id=c, label="S0", accept=True) == "Priya"  # heard, confirmed
    assert _links(session) == named

    rename_speaker(session, meeting_id=c, label="S0", name=None)
    priya = PersonRow(name="Priya", name_key="priya")
    session.add(priya)
    session.flush()
    session.add(VoiceMatchRow(meeting_id=c, label="S0", person_id=priya.id, score=0.8, status="suggested"))
    session.flush()
    assert voices_db.decide_voice(session, meeting_id=c, label="S0", accept=True) == "Priya"
    assert _links(session) == named

    rename_speaker(session, meeting_id=c, label="S0", name=None)
    session.add(VoiceMatchRow(meeting_id=c, label="S0", person_id=priya.id, score=0.8, status="named"))
    session.execute(
        update(SpeakerRow).where(SpeakerRow.meeting_id == c, SpeakerRow.label == "S0").values(name="Priya")
    )
    relink_meeting(session, c)  # as recognition leaves it, before the minutes are saved
    assert _links(session) == named
    forget(session, "Priya")  # the name from her voice goes, and the links that leaned on it
    assert _links(session) == anonymous
