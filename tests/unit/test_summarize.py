"""The summarizer with a fake model: owners from speakers, dates from words, grounding flags, storage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from minutes import db as store
from minutes.db.meeting_store import SqlMeetingStore
from minutes.errors import StageError
from minutes.factory import open_store
from minutes.llm import chat_json, parse_json
from minutes.llm.base import estimate_tokens
from minutes.pipeline import MeetingProcessor
from minutes.pipeline.summarize_stage import summarize_meeting
from minutes.summarize.proposals import numbered
from minutes.summarize.summarizer import SummarizeOptions, Summarizer
from minutes.types import Utterance
from tests.fakes import FakeDiarizer, FakeLLM, FakeTranscriber

WED = date(2026, 11, 18)


def _u(i: int, speaker: str, text: str) -> Utterance:
    return Utterance(index=i, speaker=speaker, start=i * 5.0, end=i * 5.0 + 4.0, text=text)


MEETING = [
    _u(0, "SPEAKER_00", "Good morning everyone. Let's plan the mobile app launch."),
    _u(1, "SPEAKER_01", "The backend is ready but the payment service fails on large orders."),
    _u(2, "SPEAKER_00", "Bob, can you fix the payment bug before the release?"),
    _u(3, "SPEAKER_01", "Yes. I will fix the payment bug by Friday."),
    _u(4, "SPEAKER_02", "I will update the user guide and send it to support by next Tuesday."),
    _u(5, "SPEAKER_00", "Good. We decided to launch the app on the first of March."),
    _u(6, "SPEAKER_01", "What about the Android version? Do we have enough testers for it?"),
    _u(7, "SPEAKER_00", "I am not sure yet. Let's come back to the testers next week."),
]
NAMES = {"SPEAKER_00": "Alice", "SPEAKER_01": "Bob", "SPEAKER_02": "Carol"}


def test_owners_come_from_who_committed_and_dates_from_the_words() -> None:
    minutes = Summarizer(FakeLLM()).summarize(MEETING, names=NAMES, meeting_date=WED, language="en")
    actions = minutes.of_kind("action")
    by_owner = {a.owner: a for a in actions}
    assert set(by_owner) == {"SPEAKER_01", "SPEAKER_02"}
    assert by_owner["SPEAKER_01"].due == "2026-11-20" and by_owner["SPEAKER_01"].due_text == "by Friday"
    assert by_owner["SPEAKER_02"].due == "2026-11-24"
    assert 3 in by_owner["SPEAKER_01"].evidence
    (decision,) = minutes.of_kind("decision")
    assert "launch" in decision.text and 5 in decision.evidence
    assert any("Android" in q.text or "testers" in q.text for q in minutes.of_kind("question"))
    assert all(i.supported for i in minutes.items)
    assert minutes.summary and len(minutes.chapters) >= 1
    assert minutes.chapters[0].start == 0.0


def test_model_rejecting_an_action_or_a_question_drops_it_but_a_ruled_decision_stays() -> None:
    minutes = Summarizer(FakeLLM(keep=False)).summarize(MEETING, names=NAMES, meeting_date=WED, language="en")
    # the judge only phrases a decision the rules found; said no, it stands in the words said
    assert [(i.kind, i.text) for i in minutes.items] == [
        ("decision", "We decided to launch the app on the first of March.")
    ]


def test_an_outcome_said_back_stays_when_the_model_says_no() -> None:
    said_back = [
        _u(0, "SPEAKER_01", "For the launch party, the roof terrace or the canteen?"),
        _u(1, "SPEAKER_02", "Roof terrace."),
        _u(2, "SPEAKER_00", "Okay. Roof terrace then, from seven."),
    ]
    minutes = Summarizer(FakeLLM(keep=False)).summarize(
        said_back, names=NAMES, meeting_date=WED, language="en"
    )
    (decision,) = minutes.of_kind("decision")
    assert "Roof terrace" in decision.text and decision.evidence == (0, 1, 2) and decision.supported


class InventingLLM(FakeLLM):
    """Phrases every item as something nobody said."""

    def answer(self, messages, *, schema=None):  # type: ignore[no-untyped-def]
        import json

        props = (schema or {}).get("properties", {})
        if "keep" in props:
            field = next(k for k in props if k != "keep")
            return json.dumps({"keep": True, field: "Hire two new designers for the Berlin office"})
        return super().answer(messages, schema=schema)


def test_a_phrasing_its_lines_do_not_hold_gives_way_to_the_words_said() -> None:
    minutes = Summarizer(InventingLLM()).summarize(MEETING, names=NAMES, meeting_date=WED, language="en")
    # nothing dropped, nothing invented: each item stands in its rule's own sentence, which its line holds
    assert minutes.items and all(i.supported for i in minutes.items)
    assert not any("Berlin" in i.text for i in minutes.items)
    assert any(
        i.text == "I will update the user guide and send it to support by next Tuesday."
        for i in minutes.items
    )


class PhrasingLLM(FakeLLM):
    """Phrases every action item as ``task``, whatever was said: the way a small model words it."""

    def __init__(self, task: str) -> None:
        super().__init__()
        self.task = task

    def answer(self, messages, *, schema=None):  # type: ignore[no-untyped-def]
        import json

        props = (schema or {}).get("properties", {})
        if "keep" in props and "task" in props:  # the judge of an action item
            return json.dumps({"keep": True, "task": self.task})
        return super().answer(messages, schema=schema)


def test_an_actions_phrasing_that_names_another_doer_is_not_used() -> None:
    # another person's task, the way a small model reads the line before
    misattributing = PhrasingLLM("Alice should fix the payment bug")
    minutes = Summarizer(misattributing).summarize(MEETING, names=NAMES, meeting_date=WED, language="en")

    actions = minutes.of_kind("action")
    assert actions and not any(a.text.startswith("Alice") for a in actions)
    bob = next(a for a in actions if a.owner == "SPEAKER_01")
    assert "payment bug" in bob.text.lower()


@pytest.mark.parametrize(
    ("task", "listed"),
    [
        ("fix the payment bug", "Fix the payment bug"),
        ("iOS build: fix the payment bug", "iOS build: fix the payment bug"),  # a mixed-case word stays
        ("Fix the payment bug", "Fix the payment bug"),
    ],
)
def test_an_item_opens_with_a_capital(task: str, listed: str) -> None:
    minutes = Summarizer(PhrasingLLM(task)).summarize(MEETING, names=NAMES, meeting_date=WED, language="en")
    assert listed in {a.text for a in minutes.of_kind("action")}


def test_small_talk_gives_no_items() -> None:
    chat = [
        _u(0, "SPEAKER_00", "Hi, how are you?"),
        _u(1, "SPEAKER_01", "Fine thanks, and you?"),
        _u(2, "SPEAKER_00", "Good. The weather is nice today."),
    ]
    minutes = Summarizer(FakeLLM()).summarize(chat, names={}, meeting_date=WED, language="en")
    assert minutes.items == ()


def test_summary_language_follows_the_meeting_unless_chosen() -> None:
    llm = FakeLLM()
    Summarizer(llm).summarize(MEETING, names=NAMES, meeting_date=WED, language="de")
    assert "in German" in llm.calls[0][0]["content"]
    llm2 = FakeLLM()
    m = Summarizer(llm2, SummarizeOptions(language="fr")).summarize(
        MEETING, names=NAMES, meeting_date=WED, language="de"
    )
    assert m.language == "fr" and "in French" in llm2.calls[0][0]["content"]


def test_empty_meeting_gives_empty_minutes_without_calling_the_model() -> None:
    llm = FakeLLM()
    m = Summarizer(llm).summarize([], names={}, meeting_date=WED, language="en")
    assert m.summary == "" and m.items == () and llm.calls == []


def test_parse_json_finds_the_object_in_prose() -> None:
    assert parse_json('Sure! {"a": {"b": 1}} hope that helps') == {"a": {"b": 1}}
    assert parse_json("no json here") is None


def test_chat_json_retries_once_then_fails_clearly() -> None:
    class Prose(FakeLLM):
        def answer(self, messages, *, schema=None):  # type: ignore[no-untyped-def]
            self.calls.append(messages)
            return "I cannot do that."

    llm = Prose()
    with pytest.raises(StageError, match="did not return JSON"):
        chat_json(llm, [{"role": "user", "content": "x"}], {"type": "object", "required": ["a"]})
    assert len(llm.calls) == 2


def test_minutes_are_stored_reused_and_redone_only_when_asked(tone: Path) -> None:
    llm = FakeLLM()
    sessions = open_store()
    p = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=SqlMeetingStore(sessions),
        summarizer=Summarizer(llm),
    )
    result = p.process(tone)
    assert result.stages["summarize"] == "ran"
    calls = len(llm.calls)
    again = p.process(tone)
    assert again.status == "reused" and again.stages["summarize"] == "cached" and len(llm.calls) == calls
    mid = result.meeting_id or 0
    how = summarize_meeting(
        SqlMeetingStore(sessions), meeting_id=mid, summarizer=Summarizer(llm), force=True
    ).how
    assert how == "ran" and len(llm.calls) > calls
    with store.session_scope(p.store.sessions) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id or 0)
        stage = store.get_stage(s, meeting_id=doc.id, stage="summarize")
    assert doc.minutes is not None and doc.minutes.model is not None
    assert doc.minutes.model.name == "fake-llm" and doc.minutes.prompt_version
    assert stage is not None and stage[0].models[0].name == "fake-llm"


def test_failing_model_keeps_the_transcript_and_says_how_to_retry(tone: Path) -> None:
    p = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=SqlMeetingStore(open_store()),
        summarizer=Summarizer(FakeLLM(fail=RuntimeError("out of memory"))),
    )
    with pytest.raises(StageError, match="transcript is kept"):
        p.process(tone)
    with store.session_scope(p.store.sessions) as s:
        (row,) = store.list_meetings(s)
        doc = store.load_meeting(s, meeting_id=row.id)
    assert doc.status == "failed" and doc.utterances and doc.minutes is None
    summarize_meeting(p.store, meeting_id=doc.id, summarizer=Summarizer(FakeLLM()))
    with store.session_scope(p.store.sessions) as s:
        assert store.load_meeting(s, meeting_id=doc.id).status == "done"


def _long_meeting(chapters: int) -> list[Utterance]:
    """``chapters`` topics of 24 lines of 12 words each, so ``chunk_words=300`` cuts one per topic."""
    topics = [
        "budget invoices spending",
        "hiring interviews candidates",
        "office move furniture",
        "security audit",
    ]
    out = []
    for c in range(chapters):
        for k in range(24):
            i = len(out)
            out.append(
                _u(i, f"SPEAKER_0{k % 2}", f"About the {topics[c % 4]} we said point {k} and more here.")
            )
    return out


def _summary_calls(llm: FakeLLM) -> list[str]:
    return [c[-1]["content"] for c in llm.calls if "one summary of the whole meeting" in c[-1]["content"]]


def test_a_meeting_that_fits_the_context_is_read_once_whole_and_summarised_from_all_of_it() -> None:
    llm = FakeLLM()
    utts = _long_meeting(3)
    minutes = Summarizer(llm, SummarizeOptions(chunk_words=300)).summarize(
        utts, names={}, meeting_date=WED, language="en"
    )
    assert len(minutes.chapters) == 3
    assert minutes.summary == "Whole meeting summary."
    # every call reads the same whole-meeting prefix (one prefill, then the cache)
    prefixes = {c[-1]["content"].split("\n\n")[0] for c in llm.calls}
    assert len(prefixes) == 1 and f"[{len(utts) - 1}]" in prefixes.pop()
    # the chapters' titles are asked in one call, by line range; the summary once, on the whole,
    # with no chunk summaries and no reduce step
    ranges = [c[-1]["content"] for c in llm.calls if "has 3 parts: lines [0] to [" in c[-1]["content"]]
    assert len(ranges) == 1 and [c.title for c in minutes.chapters] == ["Part 1", "Part 2", "Part 3"]
    assert not any("Summarize this part" in c[-1]["content"] for c in llm.calls)
    assert len(_summary_calls(llm)) == 1
    assert not any("Summaries of consecutive parts" in c[-1]["content"] for c in llm.calls)


def test_a_meeting_longer_than_the_context_is_read_in_the_fewest_even_reads_and_its_summary_reduced() -> None:
    llm = FakeLLM()
    utts = _long_meeting(4)
    chapter = estimate_tokens("\n".join(numbered(u, {}) for u in utts[:24]))
    # three chapters' worth fits one read: four chapters go in two reads of two, not three and one
    opts = SummarizeOptions(chunk_words=300, read_tokens=3 * chapter + 20)
    minutes = Summarizer(llm, opts).summarize(utts, names={}, meeting_date=WED, language="en")
    assert [c.title for c in minutes.chapters] == ["Part 1", "Part 2", "Part 1", "Part 2"]
    prefixes = [c[-1]["content"].split("\n\n")[0] for c in llm.calls if "Part of a" in c[-1]["content"]]
    assert [p.count("\n[") for p in dict.fromkeys(prefixes)] == [48, 48]  # two reads of 48 lines
    titles = [c[-1]["content"] for c in llm.calls if "This transcript has 2 parts" in c[-1]["content"]]
    assert len(titles) == 2 and "lines [48] to [71]; lines [72] to [95]" in titles[1]
    parts = [c[-1]["content"] for c in llm.calls if "Summarize this part" in c[-1]["content"]]
    assert len(parts) == 2 and "This is part 2 of 2 of the meeting" in parts[1]
    reduce = [c[-1]["content"] for c in llm.calls if "Summaries of consecutive parts" in c[-1]["content"]]
    assert len(reduce) == 1 and reduce[0].count("\n- Discussed: [") == 2  # one summary per read
    assert minutes.summary == "Whole meeting summary."
    assert not any("This is the whole meeting" in c[-1]["content"] for c in llm.calls)


def test_a_meeting_in_a_script_of_one_token_a_character_is_not_squeezed_into_one_read() -> None:
    lines = [_u(i, f"SPEAKER_0{i % 2}", "我们讨论了预算和发票的问题 " * 6) for i in range(60)]
    llm = FakeLLM()
    text_chars = sum(len(u.text) for u in lines)
    # ~4 characters a token would fit; one token a character does not: read in chunks
    opts = SummarizeOptions(chunk_words=60, read_tokens=text_chars // 2)
    Summarizer(llm, opts).summarize(lines, names={}, meeting_date=WED, language="zh")
    assert any("Summaries of consecutive parts" in c[-1]["content"] for c in llm.calls)


def test_a_model_server_whose_context_we_do_not_set_gets_chunks_of_a_long_meeting() -> None:
    class ServerLLM(FakeLLM):
        def options(self) -> dict[str, Any]:
            return {"backend": "openai", "n_ctx": 12288}

    utts = _long_meeting(8)  # ~15k characters: fits 12,288 tokens, not a 4,096-token server
    served, local = ServerLLM(), FakeLLM()
    Summarizer(served, SummarizeOptions(chunk_words=300)).summarize(
        utts, names={}, meeting_date=WED, language="en"
    )
    Summarizer(local, SummarizeOptions(chunk_words=300)).summarize(
        utts, names={}, meeting_date=WED, language="en"
    )
    assert any("Summaries of consecutive parts" in c[-1]["content"] for c in served.calls)
    assert not any("Summaries of consecutive parts" in c[-1]["content"] for c in local.calls)
