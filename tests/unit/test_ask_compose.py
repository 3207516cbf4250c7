"""The pure parts of ask: passages, the question's words, the answer check, the index stage's cache."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from minutes.ask.compose import MAX_SENTENCES, SCHEMA, check, prompt, retry
from minutes.ask.retrieve import query_terms, query_words
from minutes.ask.service import MAX_TOKENS
from minutes.ask.types import NOT_FOUND, Line
from minutes.chunks import chunk_lines
from minutes.pipeline.importer import TranscriptImporter
from minutes.types import Utterance
from tests.fakes import FakeEmbedder, InMemoryMeetingStore

AT = datetime(2026, 11, 20, 10, tzinfo=UTC)


def line(n: int, speaker: str, text: str, meeting: int = 1) -> Line:
    return Line(meeting, "Weekly", AT, n, n, float(n), n + 1.0, speaker, text)


LINES = [
    line(0, "Ana", "Good morning everyone."),
    line(1, "Ben", "The enterprise plan will cost 40 euros per seat from March 1st."),
    line(2, "Ana", "Agreed, we keep that price."),
]


def test_passages_hold_whole_lines_overlap_by_one_and_cover_everything() -> None:
    lines = [Utterance(i, "S1" if i % 2 else "S0", i, i + 1.0, " ".join(["word"] * 40)) for i in range(7)]
    chunks = chunk_lines(lines, names={"S0": "Ana"}, target=90)
    assert [(c.first, c.last) for c in chunks] == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    assert chunks[0].text.startswith("Ana: word") and "\nS1: word" in chunks[0].text
    long = [Utterance(0, "S0", 0, 1, " ".join(["w"] * 300)), Utterance(1, "S0", 1, 2, "short")]
    assert [(c.first, c.last) for c in chunk_lines(long)] == [(0, 0), (1, 1)]
    assert chunk_lines([]) == []


def test_question_words_drop_stop_and_question_words() -> None:
    assert query_words("What did we decide about pricing for the enterprise plan?") == [
        "pricing",
        "enterprise",
        "plan",
    ]


def test_how_a_question_asks_is_not_what_it_asks_about() -> None:
    # The words of asking about talk weigh nothing: a word no passage says would weigh the most and
    # hold a fair question under the evidence gate.
    assert query_terms("Summarize the discussion about the results from the experiments") == [
        "result",
        "experiment",
    ]
    assert query_terms("What did the group think of the locator?") == ["locator"]
    assert query_terms("Give me a summary of the debate on the budget.") == ["give", "budget"]


def test_a_retry_shows_the_reply_and_why_its_sentences_went() -> None:
    messages = prompt("What does the enterprise plan cost?", LINES)
    reply = {"found": True, "sentences": [{"text": "Carol will hire a designer.", "lines": [2]}]}
    first = check(reply, LINES)
    again = retry(messages, reply, first.removed)
    assert again[: len(messages)] == messages
    assert again[-2] == {"role": "assistant", "content": json.dumps(reply)}
    assert "hold 0% of its words" in again[-1]["content"] and '"found": false' in again[-1]["content"]


def test_the_prompt_numbers_lines_with_their_speaker_and_no_clock() -> None:
    user = prompt("what will it cost?", LINES)[-1]["content"]
    assert "[2] Ben: The enterprise plan will cost 40 euros per seat from March 1st." in user
    assert "0:01" not in user  # times cost ~14% of the prompt's tokens and no answer needs them
    assert 'Meeting "Weekly" (2026-11-20)' in user and user.rstrip().endswith("Answer in JSON.")


def test_supported_sentences_stay_and_the_rest_go() -> None:
    reply = {
        "found": True,
        "sentences": [
            {"text": "Ben said the enterprise plan will cost 40 euros per seat.", "lines": [2]},
            {"text": "The enterprise plan will cost 50 euros per seat.", "lines": [2]},  # wrong number
            {"text": "Ben said it costs 40 euros from April 1st.", "lines": [2]},  # wrong month
            {"text": "Everyone agreed to keep that price.", "lines": [3]},
        ],
    }
    result = check(reply, LINES)
    assert result.found
    assert [s.text for s in result.sentences] == [
        "Ben said the enterprise plan will cost 40 euros per seat.",
        "Everyone agreed to keep that price.",
    ]
    assert (
        result.sentences[0].citations[0].utterance == 1 and result.sentences[0].citations[0].speaker == "Ben"
    )
    assert len(result.removed) == 2
    shown = check(
        {"found": True, "sentences": [{"text": "The plan costs 40 euros.", "lines": [9, 0]}]}, LINES
    )
    assert not shown.found and shown.removed[0].reason == "cites no line it was shown"


def test_each_sentence_of_a_reply_sentence_is_checked_on_its_own() -> None:
    # seen on three imported committee meetings: true words about the minibus carried an invented
    # task given to someone else, all written as one "sentence" citing the minibus lines
    lines = [
        line(0, "Tariq", "I shall get quotes for hiring a minibus and bring them on the sixth."),
        line(
            1, "Tariq", "The organisers have cancelled the Blackpool tournament, so there is nothing to hire."
        ),
        line(2, "Gwendolyn", "If there is nothing further, I close the meeting."),
    ]
    written = (
        "Tariq asked for quotes for hiring a minibus. The Blackpool tournament was cancelled, so there is "
        "nothing to hire. Piotr will put together a referee rota by Friday."
    )
    result = check({"found": True, "sentences": [{"text": written, "lines": [1, 2]}]}, lines)
    assert [s.text for s in result.sentences] == [
        "Tariq asked for quotes for hiring a minibus.",
        "The Blackpool tournament was cancelled, so there is nothing to hire.",
    ]
    assert all([c.utterance for c in s.citations] == [0, 1] for s in result.sentences)
    (gone,) = result.removed
    assert gone.text == "Piotr will put together a referee rota by Friday."


def test_nothing_supported_is_not_found() -> None:
    for reply in (
        {"found": False, "quoted": False, "sentences": []},
        {"found": True, "sentences": [{"text": "Carol will hire a designer.", "lines": [1]}]},
        {"found": True},
        {"found": False, "sentences": [{"text": "Good morning everyone.", "lines": [1]}]},
    ):
        result = check(reply, LINES)
        assert result.to_dict() == {"answer": NOT_FOUND, "found": False, "quoted": False, "sentences": []}


def test_an_imported_meeting_is_indexed_once_and_again_when_its_text_changes(tmp_path: Path) -> None:
    store, embedder = InMemoryMeetingStore(), FakeEmbedder()
    importer = TranscriptImporter(store=store, embedder=embedder)
    path = tmp_path / "call.txt"
    path.write_text("Ana: We will recruit two developers.\nBen: Fine by me.\n")
    first = importer.import_file(path)
    assert first.stages["index"] == "ran" and first.meeting_id is not None
    model, passages = store.chunks[first.meeting_id]
    assert model == embedder.ref().identity and [(a, b) for a, b, _, _ in passages] == [(0, 1)]
    assert passages[0][2] == "Ana: We will recruit two developers.\nBen: Fine by me."
    vector = np.frombuffer(passages[0][3], dtype="<f4")
    assert vector.shape == (embedder.dim,) and abs(float(vector @ vector) - 1.0) < 1e-5
    assert importer.import_file(path).stages["index"] == "cached"
    assert importer.import_file(path, force=True).stages["index"] == "ran"


def test_a_failing_embedder_leaves_the_meeting_done_with_a_warning(tmp_path: Path) -> None:
    class Broken(FakeEmbedder):
        def embed(self, texts: object) -> object:
            raise RuntimeError("out of memory")

    store = InMemoryMeetingStore()
    path = tmp_path / "call.txt"
    path.write_text("Ana: Hello.\n")
    result = TranscriptImporter(store=store, embedder=Broken()).import_file(path)
    assert result.status == "done" and result.stages["index"] == "failed"
    assert any("minutes index --rebuild" in w for w in result.warnings)


def test_a_long_line_is_shown_cut_and_checked_whole() -> None:
    long = line(0, "Ana", " ".join(["filler"] * 100) + " the budget is 900 euros.")
    shown = prompt("budget?", [long])[-1]["content"]
    assert "filler …" in shown and "900" not in shown
    reply = {"found": True, "sentences": [{"text": "Ana said the budget is 900 euros.", "lines": [1]}]}
    assert check(reply, [long]).found  # the check reads the whole line


def test_words_given_to_the_wrong_speaker_are_removed() -> None:
    lines = [
        line(0, "Professor E", "I mentioned to Adam that we could ask local broadcast media for more data."),
        line(1, "Grad G", "Sounds good."),
    ]
    wrong = {"text": "Grad G suggests asking local broadcast media for more data.", "lines": [1]}
    right = {"text": "Professor E suggested asking local broadcast media for more data.", "lines": [1]}
    result = check({"found": True, "sentences": [wrong, right]}, lines)
    assert [s.text for s in result.sentences] == [right["text"]]
    assert result.removed[0].reason == "gives to Grad G what Professor E said"
    plain = {"text": "The team could ask local broadcast media for more data.", "lines": [1]}
    assert check({"found": True, "sentences": [plain]}, lines).found  # no speaker named: kept


def test_a_sentence_may_rest_on_the_lines_around_the_one_it_cites() -> None:
    lines = [
        line(0, "Ana", "Should we move the launch to the second week of May?"),
        line(1, "Ben", "Yes."),
        line(2, "Ana", "Then the launch moves to the second week of May."),
        line(0, "Cy", "The launch of the espresso machine is on Friday.", meeting=2),
    ]
    summed = {"text": "Ana and Ben moved the launch to the second week of May.", "lines": [2]}
    assert check({"found": True, "sentences": [summed]}, lines).sentences[0].citations[0].utterance == 1
    # Only the shown lines either side, and only of the same meeting.
    far = {"text": "The espresso machine launch is on Friday.", "lines": [3]}
    assert not check({"found": True, "sentences": [far]}, lines).found
    # The model cited the line next to the speaker's own: their own line says it, so it stays.
    named = {"text": "Ana proposed to move the launch to the second week of May.", "lines": [2]}
    assert check({"found": True, "sentences": [named]}, lines).found


def test_the_longest_reply_the_schema_allows_fits_the_token_cap() -> None:
    # A reply cut at the cap is not JSON and the whole ask fails: four rambling sentences did that
    # on QMSum before sentences had a length limit. ~3 characters a token for English text.
    sentence = {"text": "x" * SCHEMA["properties"]["sentences"]["items"]["properties"]["text"]["maxLength"]}
    longest = {"found": True, "sentences": [{**sentence, "lines": [9999] * 4}] * MAX_SENTENCES}
    assert len(json.dumps(longest, indent=2)) / 3 <= MAX_TOKENS
