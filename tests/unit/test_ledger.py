"""The commitment ledger, pure: the linker on each kind of link in several phrasings and on the
lines that must not be linked, the ledger's statuses and histories, "since last time", and their
JSON and Markdown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from minutes.ledger.link import link_series, topic_words
from minutes.ledger.model import Entry, Line, Link, SeriesMeeting, build_ledger, ranked
from minutes.ledger.render import commitment_dict, since_dict, since_markdown
from minutes.ledger.since import since_last_time

MONDAY = date(2026, 3, 2)


def meeting(n: int, said: list[tuple[str, str]], *items: Entry) -> SeriesMeeting:
    return SeriesMeeting(
        n,
        f"Sync {n}",
        MONDAY + timedelta(days=7 * (n - 1)),
        ranked(items),
        tuple(Line(i, who, text) for i, (who, text) in enumerate(said)),
    )


def action(n: int, position: int, text: str, line: int, owner: str, due: date | None = None) -> Entry:
    return Entry(n, position, "action", text, (line,), owner, due)


FIRST = meeting(
    1,
    [
        ("Priya", "Tom, can you fix the memory leak in the importer by Friday?"),
        ("Tom", "Sure, I'll fix the memory leak by Friday."),
        ("Priya", "I'll write the press release by Friday."),
        ("Ana", "I'll get three quotes for the inflatables."),
        ("Tom", "And I'll rotate the API keys in the legacy config."),
        ("Ana", "I'll book the perf environment for next week."),
    ],
    action(1, 0, "Fix the memory leak in the importer", 1, "Tom", date(2026, 3, 6)),
    action(1, 1, "Write the press release", 2, "Priya", date(2026, 3, 6)),
    action(1, 2, "Get three quotes for the inflatables", 3, "Ana"),
    action(1, 3, "Rotate the API keys in the legacy config", 4, "Tom"),
    action(1, 4, "Book the perf environment", 5, "Ana", date(2026, 3, 9)),
)


def links_of(*later: SeriesMeeting) -> dict[tuple[str, int, int], Link]:
    """The links into the later meetings, by (kind, later meeting, later line)."""
    return {(ln.kind, ln.meeting_id, ln.lines[0]): ln for ln in link_series([FIRST, *later])}


@pytest.mark.parametrize(
    ("said", "earlier"),
    [
        ([("Priya", "Tom, the memory leak?"), ("Tom", "Sorted. It was the session cache.")], 0),
        ([("Tom", "Good news, the memory leak in the importer is fixed, merged on Tuesday.")], 0),
        ([("Priya", "The press release went out this morning.")], 1),
        ([("Tom", "Yes, all four API keys rotated Thursday, and the old ones are revoked.")], 3),
        ([("Priya", "Ana booked the perf environment for us, thanks Ana.")], 4),
        # a state since a day, an arrival said with "did" or with its day
        ([("Priya", "The press release: the Gazette has it as of Friday afternoon.")], 1),
        ([("Ana", "And the inflatables quotes did arrive, all three.")], 2),
        # a bare yes to a question whether it is done
        ([("Priya", "Good. Tom, the API keys rotated?"), ("Tom", "Yup.")], 3),
        ([("Priya", "Ana, did the inflatables quotes get sorted in the end?"), ("Ana", "Yep.")], 2),
    ],
)
def test_a_line_that_says_a_commitment_is_done_closes_it(said: list[tuple[str, str]], earlier: int) -> None:
    found = links_of(meeting(2, said))

    closes = [ln for ln in found.values() if ln.kind == "done"]
    assert [ln.earlier for ln in closes] == [FIRST.entries[earlier].key]
    assert closes[0].lines == (len(said) - 1,)


@pytest.mark.parametrize(
    "line",
    [
        "The memory leak is almost fixed, I need one more day.",
        "Is the memory leak fixed?",
        "I haven't fixed the memory leak yet, it's on my list.",
        "We fixed a memory leak in the exporter last year, different thing.",
        "I've fixed one of the memory leaks, waiting on the profiler for the other.",
        "I fixed my bike at the weekend, finally.",  # the task's verb alone, about something else
    ],
)
def test_hedges_questions_and_other_things_do_not_close_it(line: str) -> None:
    found = links_of(meeting(2, [("Priya", "Next item."), ("Tom", line)]))

    assert not [ln for ln in found.values() if ln.kind == "done"]


@pytest.mark.parametrize(
    ("said", "kind", "earlier"),
    [
        # a short prompt points at one of the speaker's own commitments; the reply never names it
        ([("Priya", "Good, thanks. Tom, the keys?"), ("Tom", "Sorted on Thursday.")], "done", 3),
        ([("Priya", "Lovely. Ana, inflatables."), ("Ana", "All three went out yesterday.")], "done", 2),
        ([("Priya", "Tom, the leak?"), ("Tom", "Still on it.")], "restated", 0),
        # the status in one sentence, the topic in another
        ([("Ana", "Sorted. Cheapest of the three inflatables quotes is Bounce Co.")], "done", 2),
        # a question tagged on a statement
        ([("Priya", "Ana booked the perf environment, did everyone see?")], "done", 4),
        ([("Ana", "The inflatables quotes, I'm taking that off my list, we have our own.")], "dropped", 2),
        ([("Priya", "The press release has been with the papers since Tuesday.")], "done", 1),
        # a drop said in the sentence next to the one about the task, over the close read there
        ([("Ana", "The inflatables quotes. Scrap that. The school lent us theirs.")], "dropped", 2),
        # the task named by its owner's name, as a possessive, by someone else
        ([("Priya", "Tom's keys got rotated over the weekend, I watched the job finish.")], "done", 3),
        # the speaker names their own task first, then says where it stands
        (
            [("Tom", "Right. The importer leak, still chipping away, the cache is the culprit.")],
            "restated",
            0,
        ),
        ([("Ana", "Inflatables, two of them came back, still waiting on the third.")], "restated", 2),
        # finished, in words of handing over or being rid of it
        ([("Priya", "The press release is with the papers now.")], "done", 1),
        ([("Ana", "Perf environment, booked for the week, that's off my plate.")], "done", 4),
        ([("Tom", "And the API keys, that's put to bed.")], "done", 3),
        # under way in other words: still with its owner, some of it left to go
        (
            [("Tom", "The importer leak, that one's still sitting with me, other fires this week.")],
            "restated",
            0,
        ),
        ([("Ana", "Inflatables, two quotes back and one to go.")], "restated", 2),
        ([("Tom", "The memory leak, I'm still digging, I found where it started though.")], "restated", 0),
        # done in the Irish "after" perfect
        ([("Tom", "The API keys, I'm after rotating them this morning.")], "done", 3),
    ],
)
def test_status_rounds_and_statuses_said_beside_the_topic(
    said: list[tuple[str, str]], kind: str, earlier: int
) -> None:
    found = [ln for ln in links_of(meeting(2, said)).values() if ln.state == "auto" or kind == "restated"]

    assert [(ln.kind, ln.earlier, ln.lines) for ln in found] == [
        (kind, FIRST.entries[earlier].key, (len(said) - 1,))
    ]


@pytest.mark.parametrize(
    "said",
    [
        # a topic named first by someone who does not own it says nothing of the owner's task
        [("Ana", "The importer leak, no idea, ask Tom.")],
        # a clause of what the speaker will do is not a topic named ("I'll book it")
        [("Ana", "The perf environment is busy all week though. I'll book it, another week.")],
        # "Tom's" said in the line before is about him, not a prompt to the next speaker
        [("Priya", "Tom's off sick today."), ("Ana", "I'll write up the keys notes, then.")],
    ],
)
def test_a_topic_named_by_someone_else_or_a_plan_links_no_status(said: list[tuple[str, str]]) -> None:
    found = links_of(meeting(2, said))

    assert not [ln for ln in found.values() if ln.kind in ("done", "dropped", "restated")]


@pytest.mark.parametrize(
    "said",
    [
        [("Priya", "Tom, the keys?"), ("Tom", "Not yet, sorry.")],
        [("Priya", "Tom, the keys?"), ("Ana", "Sorted on Thursday.")],  # not the owner answering
        [("Priya", "Tom, anything else?"), ("Tom", "Sorted on Thursday.")],  # the prompt points nowhere
        [("Ana", "I've been chasing the inflatables quotes since Monday.")],
        [
            ("Priya", "Ana, are you getting the inflatables quotes Friday?"),
            ("Ana", "Yep."),
        ],  # a plan, not done
        # a question with a tag is still a question; part of it done; under way as planned
        [("Ana", "Has the press release gone out, does anyone know?")],
        [("Priya", "Press release? About half are printed, I'll post the rest by the 13th.")],
        [("Priya", "Tom, the memory leak?"), ("Tom", "Still on. Merged the first half, tests are green.")],
        [("Tom", "The API keys: two of the four rotated, the legacy ones by Friday.")],  # part of it
        # words of dropping that drop nothing: a question, a compound, a delivery, someone else's cancel
        [("Ana", "The inflatables quotes, can we at least scrap the bouncy castle one?")],
        [("Tom", "The API keys, nearly there, it's just the drop-downs in the config screen.")],
        [("Ana", "Inflatables: they'll drop them off at reception Thursday.")],
        [("Ana", "The perf environment, the vendor cancelled on Monday, so I'll rebook it.")],
        # a drop of the last topic, then a question opening the next one
        [("Priya", "Right, bin it. Tom, the memory leak?")],
    ],
)
def test_a_prompt_to_someone_else_or_about_nothing_closes_nothing(said: list[tuple[str, str]]) -> None:
    found = links_of(meeting(2, said))

    assert not [ln for ln in found.values() if ln.kind in ("done", "dropped")]


def test_an_item_said_with_a_pronoun_is_about_the_request_before_it() -> None:
    # the rules keep the sentence that commits ("I'll take them down Friday."); what "them" is,
    # the request before it says
    first = meeting(
        1,
        [
            ("Priya", "Declan, can you take the festival posters down after the weekend?"),
            ("Declan", "Yep. I'll take them down Friday."),
            ("Priya", "And I'll ring the printers about the invoice."),
        ],
        action(1, 0, "I'll take them down Friday.", 1, "Declan", date(2026, 3, 6)),
        action(1, 1, "I'll ring the printers about the invoice.", 2, "Priya"),
    )

    def found(news: str) -> list[tuple[str, tuple[int, int], tuple[int, ...], str]]:
        later = meeting(2, [("Priya", "Morning all."), ("Declan", news)])
        return [(ln.kind, ln.earlier, ln.lines, ln.state) for ln in link_series([first, later])]

    # found, and shown for a person to confirm: the request's words count for less than the item's own
    assert found("Festival posters came down, all of them.") == [
        ("done", first.entries[0].key, (1,), "suggested")
    ]
    # the day it happened, said by the owner, makes it plain news
    assert found("Festival posters came down Friday, all of them.") == [
        ("done", first.entries[0].key, (1,), "auto")
    ]


def test_a_slip_moves_the_due_date_from_a_span_or_a_date() -> None:
    found = links_of(
        meeting(
            2,
            [
                ("Priya", "I need one more week for the press release, sorry."),
                ("Tom", "Can we push the memory leak fix to the 20th? The importer rewrite got in the way."),
            ],
        )
    )

    assert found[("redated", 2, 0)].due == date(2026, 3, 13)  # the due date before, plus a week
    assert found[("redated", 2, 1)].due == date(2026, 3, 20)
    assert found[("redated", 2, 1)].earlier == FIRST.entries[0].key


def test_the_date_a_task_had_is_not_the_one_it_moves_to() -> None:
    first = meeting(
        1,
        [("Priya", "I'll write the press release by the end of the month.")],
        action(1, 0, "Write the press release", 0, "Priya", date(2026, 3, 31)),
    )
    later = meeting(2, [("Priya", "The press release is now this Thursday instead of the end of the month.")])

    found = link_series([first, later])

    assert [(ln.kind, ln.due) for ln in found] == [("redated", date(2026, 3, 12))]


@pytest.mark.parametrize(
    ("line", "due"),
    [
        # the slip said as more time needed, whatever else the line says was got or done
        ("The memory leak, we've got the profiler on it, it'll take another week.", date(2026, 3, 13)),
        (
            "The memory leak's going to need a few more days, I'll have it fixed by the 12th.",
            date(2026, 3, 12),
        ),
    ],
)
def test_more_time_said_in_words_moves_the_task(line: str, due: date) -> None:
    found = links_of(meeting(2, [("Priya", "Next item."), ("Tom", line)]))

    assert [(ln.kind, ln.earlier, ln.due) for ln in found.values()] == [
        ("redated", FIRST.entries[0].key, due)
    ]


def test_pulling_something_together_is_no_drop() -> None:
    found = links_of(meeting(2, [("Priya", "I'll pull the press release quotes together for the board.")]))

    assert not [ln for ln in found.values() if ln.kind == "dropped"]


def test_a_new_item_restating_an_old_one_joins_it_and_another_owner_does_not() -> None:
    later = meeting(
        2,
        [
            ("Tom", "I'll still fix the memory leak in the importer, by the 13th now."),
            ("Ana", "I'll write the press release for the German market."),
            ("Tom", "And I'll write up the memory leak post-mortem."),
        ],
        action(2, 0, "Fix the memory leak in the importer", 0, "Tom", date(2026, 3, 13)),
        action(2, 1, "Write the press release for the German market", 1, "Ana"),
        action(2, 2, "Write up the memory leak post-mortem", 2, "Tom"),
    )
    found = link_series([FIRST, later])

    assert [(ln.kind, ln.earlier, ln.position, ln.due) for ln in found] == [
        ("redated", FIRST.entries[0].key, 0, date(2026, 3, 13))
    ]


def test_dropped_changed_and_carried() -> None:
    first = meeting(
        1,
        [
            ("Ana", "I'll run a survey of the night staff."),
            ("Priya", "We launch the beta on March 20."),
            ("Tom", "Who owns the vendor contract?"),
        ],
        action(1, 0, "Run a survey of the night staff", 0, "Ana"),
        Entry(1, 1, "decision", "Launch the beta on March 20", (1,)),
        Entry(1, 2, "question", "Who owns the vendor contract?", (2,)),
    )
    second = meeting(
        2,
        [
            (
                "Priya",
                "HR is surveying everyone anyway, so let's not bother with our survey of the night staff.",
            ),
            ("Priya", "We're moving the beta launch to March 27 instead."),
            ("Tom", "Still: who owns the vendor contract?"),
            ("Priya", "And the beta launches on March 27, as we said."),
        ],
        Entry(2, 0, "decision", "Move the beta launch to March 27", (1,)),
        Entry(2, 1, "question", "Who owns the vendor contract?", (2,)),
    )
    found = {(ln.kind, ln.lines[0]): ln for ln in link_series([first, second])}

    assert set(found) == {("dropped", 0), ("changed", 1), ("carried", 2)}
    assert found[("changed", 1)].earlier == first.entries[1].key and found[("changed", 1)].position == 0


def test_a_change_said_in_words_is_linked_for_certain() -> None:
    first = meeting(
        1,
        [("Priya", "Right, blue it is for the stand banners.")],
        Entry(1, 0, "decision", "The stand banners will be blue", (0,)),
    )
    second = meeting(
        2,
        [("Priya", "So we said blue, but we're switching the banners to green, the venue is blue.")],
        Entry(2, 0, "decision", "The banners will be green instead of blue", (0,)),
    )
    found = link_series([first, second])

    assert [(ln.kind, ln.earlier, ln.state) for ln in found] == [("changed", first.entries[0].key, "auto")]


def test_the_ledger_tells_each_commitments_status_and_history() -> None:
    later = meeting(
        2,
        [
            ("Tom", "The memory leak is fixed."),
            ("Priya", "I need one more week for the press release."),
            ("Priya", "I'll book the venue by Tuesday."),
        ],
        action(2, 0, "Book the venue", 2, "Priya", date(2026, 3, 10)),
    )
    links = link_series([FIRST, later])
    rejected = Link("dropped", FIRST.entries[2].key, 2, (1,), state="rejected")
    waiting = Link("done", FIRST.entries[3].key, 2, (1,), score=0.4, state="suggested")

    ledger = build_ledger([later, FIRST], [*links, rejected, waiting], today=date(2026, 3, 12))
    by_text = {c.text: c for c in ledger.commitments}
    assert by_text["Fix the memory leak in the importer"].status == "done"
    press = by_text["Write the press release"]
    assert (press.status, press.due, press.first_due, press.slips) == (
        "slipped",
        date(2026, 3, 13),
        date(2026, 3, 6),
        1,
    )
    assert (
        by_text["Get three quotes for the inflatables"].status == "open"
    )  # the rejected link counts for nothing
    keys = by_text["Rotate the API keys in the legacy config"]
    assert (keys.status, [e.kind for e in keys.suggestions]) == ("open", ["done"])
    assert by_text["Book the perf environment"].status == "overdue"
    assert by_text["Book the venue"].status == "overdue"
    assert [
        c.text for c in build_ledger([FIRST], links, today=date(2026, 3, 1), owner=" ana ").commitments
    ] == [
        "Get three quotes for the inflatables",
        "Book the perf environment",
    ]
    # A reader who may not see the later meeting sees the promise, not what became of it.
    hidden = build_ledger([FIRST], links, today=date(2026, 3, 12))
    assert {c.status for c in hidden.commitments} == {"overdue", "open"}


def test_a_tick_on_a_restatement_closes_the_commitment() -> None:
    later = meeting(
        2,
        [("Tom", "I'll fix the memory leak in the importer by the 13th.")],
        Entry(
            2, 0, "action", "Fix the memory leak in the importer", (0,), "Tom", date(2026, 3, 13), done=True
        ),
    )
    ledger = build_ledger([FIRST, later], link_series([FIRST, later]), today=date(2026, 3, 20))

    leak = next(c for c in ledger.commitments if "leak" in c.text)
    assert (leak.status, [e.kind for e in leak.history]) == ("done", ["promised", "redated"])
    assert len(ledger.commitments) == 5  # the restatement is no commitment of its own


def test_since_last_time_and_its_json_and_markdown() -> None:
    later = meeting(
        2,
        [("Tom", "The memory leak is fixed."), ("Priya", "I need one more week for the press release.")],
    )
    ledger = build_ledger([FIRST, later], link_series([FIRST, later]), today=date(2026, 3, 10))
    order = [(1, "Sync 1", MONDAY), (2, "Sync 2", MONDAY + timedelta(days=7))]

    since = since_last_time(ledger, order, 2)
    assert [c.text for c in since.closed] == ["Fix the memory leak in the importer"]
    assert [c.text for c in since.slipped] == ["Write the press release"]
    assert len(since.still_open) == 4 and since_last_time(ledger, order, 1).previous_id is None
    md = since_markdown(since)
    assert md.startswith("## Since last time") and "**Slipped**" in md and "slipped 1 time(s)" in md
    lines = {(2, 0): type("L", (), {"speaker": "Tom", "start": 0.0, "text": "The memory leak is fixed."})()}
    data = commitment_dict(ledger.commitments[0], lines, series_id=7, series="Sync")
    assert set(data) >= {"owner", "text", "status", "due", "history"}
    assert data["history"][1] | {"link_id": None} == {
        "event": "done",
        "meeting_id": 2,
        "date": "2026-03-09",
        "line": 0,
        "start": 0.0,
        "speaker": "Tom",
        "said": "The memory leak is fixed.",
        "text": None,
        "due": None,
        "state": "auto",
        "link_id": None,
    }
    assert since_dict(since, lines)["closed"][0]["owner"] == "Tom"


def test_markdown_escapes_what_people_said() -> None:
    first = meeting(
        1, [("Eve", "I'll ship *it*")], action(1, 0, "Ship [it](http://x)", 0, "Eve", date(2026, 3, 3))
    )
    later = meeting(2, [("Eve", "I need one more week to ship it.")])
    ledger = build_ledger([first, later], link_series([first, later]), today=date(2026, 3, 9))

    md = since_markdown(since_last_time(ledger, [(1, "Sync *1*", MONDAY), (2, "Sync 2", None)], 2))
    assert "[it](http" not in md and "Sync \\*1\\*" in md


def test_topic_words_leave_out_dates_and_status_words() -> None:
    assert topic_words("I sent the invoices on Friday, done by the 3rd") == ["send", "invoi"]


@pytest.mark.parametrize(
    ("said", "due"),
    [
        # a move said in one word, the new date in the next sentence
        ([("Priya", "Tom, the leak?"), ("Tom", "Delayed. Wednesday.")], date(2026, 3, 11)),
        # the status says it is under way, the date alone after it is when it will be done
        ([("Priya", "Tom, the leak?"), ("Tom", "Still on it. Friday now.")], date(2026, 3, 13)),
        # a past tense that is no close ("looked"), then the date
        ([("Priya", "Tom, the leak?"), ("Tom", "Trickier than it seemed. Thursday.")], date(2026, 3, 12)),
    ],
)
def test_a_short_status_then_a_date_alone_moves_the_task(said: list[tuple[str, str]], due: date) -> None:
    found = [ln for ln in links_of(meeting(2, said)).values() if ln.state == "auto"]

    assert [(ln.kind, ln.earlier, ln.due) for ln in found] == [("redated", FIRST.entries[0].key, due)]


@pytest.mark.parametrize(
    "said",
    [
        [("Priya", "Tom, the leak?"), ("Tom", "Slipped.")],  # moved, no date said: still open
        [("Priya", "Tom, the leak?"), ("Tom", "Trickier than it seemed.")],
    ],
)
def test_a_slip_without_a_date_does_not_close_the_task(said: list[tuple[str, str]]) -> None:
    found = links_of(meeting(2, said))

    assert not [ln for ln in found.values() if ln.kind in ("done", "dropped")]


@pytest.mark.parametrize(
    "said",
    [
        [("Priya", "Ana, inflatables?"), ("Ana", "Binned. We borrowed the school's.")],
        [("Priya", "Ana, the inflatables quotes: actually, don't bother. The school will lend us theirs.")],
        [("Ana", "The school's lending us theirs, so I won't bother getting inflatables quotes, then.")],
        [("Priya", "Then it's academic. Ana, let's not put any more time into the inflatables quotes.")],
    ],
)
def test_binned_drops_the_task(said: list[tuple[str, str]]) -> None:
    found = links_of(meeting(2, said))

    assert [(ln.kind, ln.earlier) for ln in found.values()] == [("dropped", FIRST.entries[2].key)]


QUESTION_FIRST = meeting(
    1,
    [("Priya", "Are we getting the second data centre region approved this quarter?")],
    Entry(1, 0, "question", "Are we getting the second data centre region approved this quarter?", (0,)),
)


@pytest.mark.parametrize(
    "line",
    [
        "The data centre region, still no answer from procurement.",
        "And the region approval, nobody has got back to me.",
        "Region approval. Nothing from finance yet.",
        # asking after it again
        "Did procurement ever come back on the region approval?",
        "Has anybody heard about the data centre region?",
        "The data centre region, any word from the board yet?",
    ],
)
def test_a_line_saying_an_open_question_is_still_open_carries_it(line: str) -> None:
    later = meeting(2, [("Tom", "Morning."), ("Priya", line)])

    found = link_series([QUESTION_FIRST, later])

    assert [(ln.kind, ln.earlier, ln.lines, ln.state) for ln in found] == [
        ("carried", QUESTION_FIRST.entries[0].key, (1,), "auto")
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Still no answer from the caterers about the menu.",  # another open matter
        "The data centre region was approved this morning.",  # answered, not still open
        "We did find out about the region: approved Tuesday.",  # "find out", said as an answer
        "Did the caterers ever come back about the menu?",  # asking after another matter
    ],
)
def test_no_carry_from_other_matters_or_an_answer(line: str) -> None:
    later = meeting(2, [("Priya", line)])

    assert not [ln for ln in link_series([QUESTION_FIRST, later]) if ln.kind == "carried"]


@pytest.mark.parametrize(
    ("said", "earlier"),
    [
        # thanked for the thing by someone else
        ([("Priya", "Tom, thank you for the API keys work, the auditors were happy.")], 3),
        ([("Priya", "Oh, Ana, got the inflatables quotes, thanks, they're in the budget sheet.")], 2),
        # the task named in one sentence, its close in another about it too
        ([("Ana", "The inflatables. The three quotes are in, cheapest is the Leeds firm.")], 2),
        (
            [
                (
                    "Tom",
                    "Leak's a funny one. Tracked the memory leak to the importer's cache and merged a fix.",
                )
            ],
            0,
        ),
    ],
)
def test_a_close_said_in_other_words_or_another_sentence_closes_it(
    said: list[tuple[str, str]], earlier: int
) -> None:
    closes = [ln for ln in links_of(meeting(2, said)).values() if ln.kind == "done"]
    assert [ln.earlier for ln in closes] == [FIRST.entries[earlier].key]


@pytest.mark.parametrize(
    "line",
    [
        "I'm going to stop chasing the perf environment, the platform team give us one by default now.",
        "The perf environment, we don't need our own booking any more, it comes with the new cluster.",
    ],
)
def test_no_longer_needed_drops_the_task(line: str) -> None:
    drops = [ln for ln in links_of(meeting(2, [("Ana", line)])).values() if ln.kind == "dropped"]
    assert [ln.earlier for ln in drops] == [FIRST.entries[4].key]


def test_a_word_of_dropping_that_is_the_task_s_own_drops_nothing() -> None:
    first = meeting(
        1,
        [("Lena", "I'll pull the drop-off figures for the checkout page.")],
        action(1, 0, "Pull the drop-off figures for the checkout page", 0, "Lena"),
    )
    later = meeting(
        2,
        [
            ("Sam", "Lena, checkout?"),
            ("Lena", "A thirty percent drop at the checkout page, it's all card entry."),
        ],
    )
    kinds = {ln.kind for ln in link_series([first, later])}
    assert "dropped" not in kinds


def test_a_status_beside_the_task_that_is_no_news_of_it_takes_nothing() -> None:
    said = [
        (
            "Tom",
            "The memory leak in the importer needs its own profiler run."
            " Until then the nightly job has to be on it.",
        )
    ]
    found = links_of(meeting(2, said))
    assert not [ln for ln in found.values() if ln.earlier == FIRST.entries[0].key and ln.kind != "restated"]


@pytest.mark.parametrize(
    "reply", ["All three in, cheapest is the Leeds firm.", "Yep, in the shared drive since Monday."]
)
def test_a_terse_done_in_reply_to_a_prompt_closes_the_task(reply: str) -> None:
    said = [("Priya", "Ana, inflatables quotes?"), ("Ana", reply)]
    closes = [ln for ln in links_of(meeting(2, said)).values() if ln.kind == "done"]
    assert [(ln.earlier, ln.state) for ln in closes] == [(FIRST.entries[2].key, "auto")]


KEYS, QUOTES = 3, 2  # Tom's API keys, Ana's quotes in FIRST


@pytest.mark.parametrize(
    ("prompt", "reply", "item", "kind"),
    [
        # the owner's plain report is acted on
        ("Right, quick round. Tom, the keys?", "Happened Thursday, all four of them.", KEYS, "done"),
        ("Right, quick round. Tom, the keys?", "Swapped them over on Thursday, every one.", KEYS, "done"),
        # progress said anywhere in the reply: the sentence most about the task says part was done
        (
            "Tom, keys.",
            "Yeah, halfway through. Did the two on the legacy box, still got the three upstairs.",
            KEYS,
            "restated",
        ),
        (
            "Tom, keys.",
            "Getting there. Did the two on the legacy box Monday, the three upstairs next.",
            KEYS,
            "restated",
        ),
        # a terse done opening the reply, whatever follows it
        (
            "Ana, inflatables?",
            "Both back. The cheaper firm wants an extra week on top, though.",
            QUOTES,
            "done",
        ),
        ("Ana, inflatables?", "Oh, they're on the shared drive.", QUOTES, "done"),
        ("Ana, inflatables?", "All three confirmed. Cheapest is the Leeds firm.", QUOTES, "done"),
        ("Ana, inflatables?", "Quotes are sorted, I'll walk you through them Thursday.", QUOTES, "done"),
        # the close names nothing; the sentence most about the task says nothing of it
        ("Tom, the keys?", "Live Wednesday. Keys for the legacy config, per environment.", KEYS, "done"),
        ("Tom, the keys?", "Swapped Wednesday. Keys for the legacy config.", KEYS, "done"),
        # the name said just before the topic is a prompt too; "on the shared drive", "confirmed"
        ("Tom. Keys.", "Sorted Saturday. Rest at reception.", KEYS, "done"),
        ("Tom, keys?", "The new list's on the shared drive.", KEYS, "done"),
        ("Ana, inflatables?", "The firm's coming Tuesday, I— yeah, confirmed.", QUOTES, "done"),
        ("Ana, the perf environment?", "Live.", 4, "done"),
    ],
)
def test_the_owner_s_reply_to_a_prompt_is_read_as_a_whole(
    prompt: str, reply: str, item: int, kind: str
) -> None:
    owner = FIRST.entries[item].owner or ""
    said = [("Priya", prompt), (owner, reply)]
    found = [ln for ln in links_of(meeting(2, said)).values() if ln.earlier == FIRST.entries[item].key]
    assert [(ln.kind, ln.state) for ln in found] == [(kind, "auto")]


def test_here_said_to_a_roll_call_closes_nothing() -> None:
    said = [("Priya", "Morning all. Ana?"), ("Ana", "Here.")]
    assert not [ln for ln in links_of(meeting(2, said)).values() if ln.kind == "done"]


@pytest.mark.parametrize(
    "line",
    [
        "I'll book another perf environment for the soak tests, by Friday.",
        "I'll get the same three quotes for the marquee separately as well, by Friday.",
        "I'm gonna book the perf environment for the load tests too, Wednesday.",
    ],
)
def test_one_more_like_an_earlier_task_is_not_that_task(line: str) -> None:
    found = links_of(meeting(2, [("Ana", line)]))
    assert not [ln for ln in found.values() if ln.kind in ("restated", "redated")]


def test_a_new_item_whose_line_says_another_is_not_the_old_task() -> None:
    """The item's text lost the word; the line it was read from still says it."""
    said = [("Ana", "Oh, and I'll book another perf environment for the soak tests, by Friday.")]
    later = meeting(
        2, said, action(2, 0, "Book a perf environment for the soak tests", 0, "Ana", date(2026, 3, 13))
    )
    assert not [ln for ln in link_series([FIRST, later]) if ln.earlier == FIRST.entries[4].key]


def test_nearly_all_is_a_quantity_not_a_task_half_done() -> None:
    said = [
        ("Priya", "Ana, quotes?"),
        (
            "Ana",
            "In the shared drive since Friday. Three quotes for the inflatables, nearly all under budget.",
        ),
    ]
    closes = [ln for ln in links_of(meeting(2, said)).values() if ln.kind == "done"]
    assert [(ln.earlier, ln.state) for ln in closes] == [(FIRST.entries[2].key, "auto")]


def test_another_week_is_still_a_slip() -> None:
    found = links_of(meeting(2, [("Ana", "The inflatables quotes, it'll be another week, sorry.")]))
    assert [ln.kind for ln in found.values() if ln.earlier == FIRST.entries[2].key] == ["redated"]


def test_a_task_done_again_is_one_more_not_the_same() -> None:
    from minutes.ledger.again import one_more

    assert one_more("Cancel the TowTech order and re-raise the PO with Kranz", "Raise the PO")
    assert one_more("I'll resend the invite tomorrow", "Send the invite")
    assert not one_more("I'll raise the PO with Kranz tomorrow", "Raise the PO")


# An item that is only the sentence said (the rules' own, no model wording) names its task as the
# speaker did, leaning on the rest of the line and the line before.
SAID = meeting(
    1,
    [
        ("Lena", "Kitchen. Bram."),
        ("Bram", "The dishwasher's leaking again. I'll get the engineer out on Tuesday."),
        ("Lena", "The spring menu cards, we'll want new ones printed."),
        ("Oksana", "I'll sort a hundred."),
        ("Lena", "And I'll call the brewery about the keg deposit."),
    ],
    action(1, 0, "I'll get the engineer out on Tuesday.", 1, "Bram", date(2026, 3, 3)),
    action(1, 1, "I'll sort a hundred.", 3, "Oksana"),
    action(1, 2, "And I'll call the brewery about the keg deposit.", 4, "Lena"),
)


@pytest.mark.parametrize(
    ("said", "earlier"),
    [
        ([("Lena", "Bram, dishwasher?"), ("Bram", "Fixed. New pump seal.")], 0),
        ([("Bram", "Dishwasher's fine now, the engineer swapped the seal Wednesday.")], 0),
        ([("Oksana", "The menu cards came back from the printer, all hundred of them.")], 1),
        ([("Lena", "Oksana, menu cards?"), ("Oksana", "Done, they're on the tables.")], 1),
    ],
)
def test_an_item_said_as_is_is_about_the_rest_of_its_line_and_the_line_before(
    said: list[tuple[str, str]], earlier: int
) -> None:
    closes = [ln for ln in link_series([SAID, meeting(2, said)]) if ln.kind == "done"]

    assert [(ln.earlier, ln.state) for ln in closes] == [(SAID.entries[earlier].key, "auto")]


def test_the_talk_around_an_item_said_as_is_does_not_close_another_persons_task() -> None:
    later = meeting(
        2,
        [
            ("Lena", "The brewery took the kegs back. Deposit's refunded."),
            ("Bram", "The dishwasher's still leaking."),
        ],
    )

    found = link_series([SAID, later])

    assert [(ln.kind, ln.earlier) for ln in found if ln.kind == "done"] == [("done", SAID.entries[2].key)]


def test_a_task_written_out_reads_only_its_own_words() -> None:
    from minutes.ledger.about import open_item, said_as_is

    lines = {ln.index: ln for ln in SAID.lines}
    written = Entry(1, 0, "action", "Get the dishwasher engineer out", (1,), "Bram")
    said = SAID.entries[0]

    assert said_as_is(said, lines) and not said_as_is(written, lines)
    assert "dishw" in open_item(said, lines).words and "kitch" in open_item(said, lines).words
    assert open_item(written, lines).words == frozenset(topic_words(written.text))


def test_a_later_decision_said_tersely_is_about_the_line_before_it() -> None:
    first = meeting(
        1,
        [("Mira", "So the gym opens at six on weekdays.")],
        Entry(1, 0, "decision", "So the gym opens at six on weekdays.", (0,)),
    )
    later = meeting(
        2,
        [
            ("Joel", "The caretaker says nobody uses the gym before seven on weekdays."),
            ("Mira", "Seven, then. Starting Monday."),
        ],
        Entry(2, 0, "decision", "Seven, then.", (1,)),
    )

    found = link_series([first, later])

    assert [(ln.kind, ln.earlier, ln.lines) for ln in found] == [("changed", first.entries[0].key, (1,))]


def test_a_question_asked_after_again_is_the_earlier_one_carried_not_a_new_one() -> None:
    later = meeting(
        2,
        [("Priya", "Has anybody heard about the data centre region?")],
        Entry(2, 0, "question", "Has anybody heard about the data centre region?", (0,)),
    )
    third = meeting(3, [("Priya", "Data centre region: still no answer.")])

    found = link_series([QUESTION_FIRST, later, third])

    assert [(ln.kind, ln.earlier, ln.meeting_id, ln.position) for ln in found] == [
        ("carried", QUESTION_FIRST.entries[0].key, 2, 0),
        ("carried", QUESTION_FIRST.entries[0].key, 3, None),
    ]


def test_a_new_question_said_beside_a_carried_one_stays_new() -> None:
    first = meeting(
        1,
        [("Ruth", "Has legal signed off the supplier contract?")],
        Entry(1, 0, "question", "Has legal signed off the supplier contract?", (0,)),
    )
    said = "Still no answer from legal on the supplier contract. Can we book the boardroom for the offsite?"
    second = meeting(
        2,
        [("Ruth", said)],
        Entry(2, 0, "question", "Can we book the boardroom for the offsite?", (0,)),
    )
    third = meeting(3, [("Ruth", "The boardroom for the offsite, nobody has said a word.")])

    found = link_series([first, second, third])

    assert [(ln.kind, ln.earlier, ln.meeting_id, ln.position) for ln in found] == [
        ("carried", first.entries[0].key, 2, None),
        ("carried", second.entries[0].key, 3, None),
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        # held up in the sentence about the task, moved in a later one that names nothing else
        ("Legal haven't signed off the press release yet. I need one more week for it.", "redated"),
        # the same, keeping its date: under way, not moved
        ("Legal haven't signed off the press release yet. I'll still have it to you by Friday.", "restated"),
        # the task named alone, the move said after it
        ("The press release. I need one more week for it.", "redated"),
        # the move said with the task's own words
        ("Legal haven't signed off the wording yet. So the press release will be the 13th now.", "redated"),
    ],
)
def test_a_move_said_after_the_hold_up_moves_the_task(line: str, kind: str) -> None:
    found = links_of(meeting(2, [("Priya", line)]))

    due = date(2026, 3, 13) if kind == "redated" else None  # the due date before, plus a week
    assert [(ln.kind, ln.earlier, ln.due) for ln in found.values()] == [(kind, FIRST.entries[1].key, due)]


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Rotate the API keys", "rotat"),
        ("So I'll rotate the API keys tonight.", "rotat"),
        ("Yeah, I'll have to ring the broker.", "ring"),
        ("I'll have it booked by Friday.", "book"),
    ],
)
def test_the_verb_of_a_task_said_as_is_follows_the_speakers_lead_in(text: str, verb: str) -> None:
    from minutes.ledger.about import open_item

    item = open_item(action(1, 0, text, 0, "Tom"), {0: Line(0, "Tom", text)})

    assert item.verb == verb
