from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.dates import find_dates, resolve_due, weekday_after

WED = date(2026, 11, 18)  # a Wednesday
FRI = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "due", "words"),
    [
        ("I'll send it today.", WED, "today"),
        ("I'll have it done by end of day.", WED, "by end of day"),
        ("I'll do it tonight.", WED, "tonight"),
        ("I'll send the invoice tomorrow.", date(2026, 11, 19), "tomorrow"),
        ("I can do it the day after tomorrow.", FRI, "the day after tomorrow"),
        ("I will fix the payment bug by Friday.", FRI, "by Friday"),
        ("Let's meet on Thursday.", date(2026, 11, 19), "on Thursday"),
        ("I'll finish it this Friday.", FRI, "this Friday"),
        ("I'll send it Monday.", date(2026, 11, 23), "Monday"),
        ("Send it by Wednesday.", date(2026, 11, 25), "by Wednesday"),  # today's weekday → next week
        ("Ship it next Friday.", date(2026, 11, 27), "next Friday"),  # Friday of this week is "this Friday"
        ("Ship it next Tuesday.", date(2026, 11, 24), "next Tuesday"),  # already in next week
        ("I'll do it by the end of the week.", FRI, "by the end of the week"),
        ("Have it done by end of next week.", date(2026, 11, 27), "by end of next week"),
        ("I'll look at it next week.", date(2026, 11, 23), "next week"),
        ("We close the books at the end of the month.", date(2026, 11, 30), "the end of the month"),
        ("I'll get back to you in two weeks.", date(2026, 12, 2), "in two weeks"),
        ("It ships in 3 days.", date(2026, 11, 21), "in 3 days"),
        ("I'll answer within a week.", date(2026, 11, 25), "within a week"),
        ("Expect it in a couple of days.", FRI, "in a couple of days"),
        ("The draft is due December 3rd.", date(2026, 12, 3), "due December 3rd"),
        ("We launch on the first of March.", date(2027, 3, 1), "on the first of March"),
        ("We launch on 1 March.", date(2027, 3, 1), "on 1 March"),
        ("We launch on the 1st of March.", date(2027, 3, 1), "on the 1st of March"),
        ("We launch March the first.", date(2027, 3, 1), "March the first"),
        ("Launch is March 1st, 2028.", date(2028, 3, 1), "March 1st, 2028"),
        ("The cut-off is 2026-12-01.", date(2026, 12, 1), "2026-12-01"),
        ("Pay it by the 25th.", date(2026, 11, 25), "by the 25th"),
        ("Pay it by the 10th.", date(2026, 12, 10), "by the 10th"),  # the 10th has passed this month
        ("Friday, November 27th works.", date(2026, 11, 27), "Friday, November 27th"),
        ("It'll be done by the twenty-fifth now, sorry.", date(2026, 11, 25), "by the twenty-fifth"),
        ("Give me, say, ten days.", date(2026, 11, 28), "Give me, say, ten days"),
        ("I'll send the agenda round in ten minutes.", date(2026, 11, 18), "in ten minutes"),
        ("You'll have it within 48 hours.", date(2026, 11, 20), "within 48 hours"),
        # a part of a named month, the year's and the quarter's end, the working day's
        ("I'll have the accounts filed by the end of January.", date(2027, 1, 31), "by the end of January"),
        ("Aim for the end of November on the tender.", date(2026, 11, 30), "for the end of November"),
        ("The survey closes mid-December.", date(2026, 12, 15), "mid-December"),
        ("Renewals go out at the start of February.", date(2027, 2, 1), "the start of February"),
        ("Ready by the end of Feb, I reckon.", date(2027, 2, 28), "by the end of Feb"),
        ("I'll migrate the wiki before the year end.", date(2026, 12, 31), "before the year end"),
        ("Budget signed off by the end of the quarter.", date(2026, 12, 31), "by the end of the quarter"),
        ("I'll submit the claim before the month end.", date(2026, 11, 30), "before the month end"),
        ("Leave it with me, by close of play.", WED, "by close of play"),
        ("You'll have the figures by lunchtime.", WED, "by lunchtime"),
        ("I'll get it over to you by the end of the day.", WED, "by the end of the day"),
        # a word day that ends its clause after a word of manner, or with "latest"
        (
            "I'll have the rota done, um, by the twenty-eighth as well.",
            date(2026, 11, 28),
            "by the twenty-eighth",
        ),
        ("The twenty-sixth, latest.", date(2026, 11, 26), "The twenty-sixth"),
    ],
)
def test_resolves_due_dates_against_a_wednesday_meeting(text: str, due: date, words: str) -> None:
    assert resolve_due(text, WED) == (due, words)


def test_weekday_rule_on_a_friday_meeting_goes_to_the_following_week() -> None:
    assert resolve_due("I'll send it by Friday.", FRI) == (date(2026, 11, 27), "by Friday")
    assert resolve_due("Let's sync next Monday.", FRI) == (date(2026, 11, 23), "next Monday")


def test_weekday_after_rule() -> None:
    sunday = date(2026, 11, 22)
    assert weekday_after(sunday, 0) == date(2026, 11, 23)
    assert weekday_after(sunday, 0, next_=True) == date(2026, 11, 23)  # Monday is already next week
    assert weekday_after(WED, 4, next_=True) == date(2026, 11, 27)


def test_weekday_of_next_week() -> None:
    monday = date(2026, 11, 16)
    assert resolve_due("Let's demo on Tuesday next week.", monday) == (
        date(2026, 11, 24),
        "on Tuesday next week",
    )
    assert resolve_due("by Thursday of next week", WED) == (date(2026, 11, 26), "by Thursday of next week")
    assert resolve_due("Let's demo on Tuesday.", monday) == (date(2026, 11, 17), "on Tuesday")


def test_month_day_in_the_past_rolls_to_next_year_but_an_explicit_year_does_not() -> None:
    assert resolve_due("Review it on November 2nd.", WED) == (date(2027, 11, 2), "on November 2nd")
    assert resolve_due("We shipped on November 2nd, 2026.", WED) == (
        date(2026, 11, 2),
        "on November 2nd, 2026",
    )
    assert resolve_due("Due 18 November.", WED) == (WED, "Due 18 November")  # the meeting day itself stays


def test_a_deadline_wins_over_an_earlier_plain_date() -> None:
    text = "We meet on Monday, and I'll send the draft by Wednesday."
    assert resolve_due(text, WED) == (date(2026, 11, 25), "by Wednesday")


def test_end_of_month_handles_short_months_and_year_end() -> None:
    assert resolve_due("by end of month", date(2027, 2, 10)) == (date(2027, 2, 28), "by end of month")
    assert resolve_due("end of next month", date(2026, 12, 5)) == (date(2027, 1, 31), "end of next month")


@pytest.mark.parametrize(
    "text",
    [
        "Let's revisit 3/1 later.",  # month-first or day-first: unknowable
        "We may 3D print the case.",
        "The team is on the second floor.",
        "That was the first March meeting.",
        "February 30th is not a day.",
        "The end of may be in sight.",  # "may" the verb
        "She sat by the fourth window too.",
        "The twenty-sixth was a good day.",
        "At the end of the day, Sam will book the venue.",  # the idiom, not a deadline
        "This is the second latest build.",
        "Nothing about time here at all.",
        "",
    ],
)
def test_no_date_is_invented(text: str) -> None:
    assert resolve_due(text, WED) is None


def test_find_dates_gives_every_mention_with_its_span() -> None:
    text = "We decided to launch on the first of March and review by Friday."
    mentions = find_dates(text, WED)
    assert [(m.text, m.date, m.deadline) for m in mentions] == [
        ("on the first of March", date(2027, 3, 1), False),
        ("by Friday", FRI, True),
    ]
    assert [text[m.start : m.end] for m in mentions] == ["on the first of March", "by Friday"]


def test_overlapping_expressions_keep_the_longest() -> None:
    (m,) = find_dates("by the end of next week", WED)
    assert m.text == "by the end of next week" and m.date == date(2026, 11, 27)


def test_unknown_language_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'fr'.*\['en'\]"):
        resolve_due("vendredi", WED, language="fr")


@pytest.mark.parametrize(
    ("text", "due", "words"),
    [
        ("I'll sort the panel by end of day Friday.", FRI, "by end of day Friday"),
        ("I'll run the sessions over the next two weeks.", date(2026, 12, 2), "over the next two weeks"),
        ("I'll add you after this call.", WED, "after this call"),
        ("I'll ring pharmacy this morning.", WED, "this morning"),
        ("We'll have the survey back within a fortnight.", date(2026, 12, 2), "within a fortnight"),
    ],
)
def test_end_of_day_on_a_weekday_the_coming_weeks_and_after_this_call(
    text: str, due: date, words: str
) -> None:
    assert resolve_due(text, WED) == (due, words)


def test_a_deadline_phrase_wins_and_a_meal_is_no_date() -> None:
    assert resolve_due("Review is Thursday, so send me the draft by lunch.", WED) == (WED, "by lunch")
    assert resolve_due("Review is Thursday. The twentieth, latest.", WED) == (
        date(2026, 11, 20),
        "The twentieth",
    )
    assert resolve_due("I'll book the team lunch for Friday.", WED) == (FRI, "for Friday")


def test_a_part_of_the_month_said_within_it_is_this_months() -> None:
    assert resolve_due("Done by mid-November, honestly.", WED) == (date(2026, 11, 15), "by mid-November")
    assert resolve_due("By the end of November.", WED) == (date(2026, 11, 30), "By the end of November")
    assert resolve_due("by the start of November", date(2026, 12, 1)) == (
        date(2027, 11, 1),
        "by the start of November",
    )
