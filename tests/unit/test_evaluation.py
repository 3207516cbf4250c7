"""``minutes eval``'s library: reference files read (and refused clearly), items matched, figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minutes.errors import ConfigError
from minutes.evaluation import (
    ReferenceItem,
    cpwer,
    evaluate,
    read_items,
    read_rttm,
    read_transcript,
    score_items,
)
from minutes.evaluation.items import Predicted, same_person
from minutes.types import AudioInfo, MeetingDoc, MinuteItem, Minutes, Speaker, SpeakerTurn, Utterance

STM = """;; a comment
m1 1 ann 0.0 2.0 <o,f0,female> we approve the budget
m1 1 bob 2.5 4.0 i will send the deck by friday
m1 1 ann 4.5 5.0 thanks
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def doc(**overrides: object) -> MeetingDoc:
    fields: dict[str, object] = {
        "id": 7,
        "title": "t",
        "status": "done",
        "created_at": "2026-11-20T10:00:00+00:00",
        "meeting_date": "2026-11-16",
        "audio": AudioInfo(path="x.wav", sha256="a" * 64, duration=6.0, sample_rate=16000, channels=1),
        "speakers": (Speaker("SPEAKER_00", "Ann Lee"), Speaker("SPEAKER_01", "Bob")),
        "utterances": (
            Utterance(0, "SPEAKER_00", 0.0, 2.0, "We approve the budget."),
            Utterance(1, "SPEAKER_01", 2.5, 4.0, "I will send the deck by Friday."),
            Utterance(2, "SPEAKER_00", 4.5, 5.0, "Thanks."),
        ),
        "minutes": Minutes(
            summary="",
            items=(
                MinuteItem("decision", "Budget approved", (0,)),
                MinuteItem("action", "Send the deck", (1,), owner="SPEAKER_01", due="2026-11-20"),
                MinuteItem("action", "Book a room", (2,), owner="SPEAKER_00"),
            ),
        ),
    }
    fields.update(overrides)
    return MeetingDoc(**fields)  # type: ignore[arg-type]


def test_stm_gives_words_in_time_order_and_per_speaker(tmp_path: Path) -> None:
    ref = read_transcript(write(tmp_path, "ref.stm", STM))
    assert ref.text == "we approve the budget i will send the deck by friday thanks"
    assert ref.by_speaker == {"ann": "we approve the budget thanks", "bob": "i will send the deck by friday"}
    plain = read_transcript(write(tmp_path, "ref.txt", "Hello\n  world\n"))
    assert (plain.text, plain.by_speaker) == ("Hello world", {})


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("ref.stm", "m1 1 ann zero 2.0 words\n", r"line 1: start 'zero' is not a number"),
        ("ref.stm", "m1 1 ann\n", r"line 1: an STM line needs"),
        ("ref.txt", "  \n", r"is empty"),
    ],
)
def test_bad_reference_transcripts_name_the_line_and_the_fix(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        read_transcript(write(tmp_path, name, text))
    with pytest.raises(ConfigError, match="cannot read"):
        read_transcript(tmp_path / "missing.stm")


def test_rttm_without_speaker_lines_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no SPEAKER lines"):
        read_rttm(write(tmp_path, "ref.rttm", "# nothing\n"))
    with pytest.raises(ConfigError, match="line 1: a SPEAKER line needs"):
        read_rttm(write(tmp_path, "ref.rttm", "SPEAKER m1 1 zero\n"))


def test_items_json_forms_and_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "items.json",
        json.dumps(
            {
                "decisions": ["Budget approved", {"text": "Ship in May", "time": "00:01:05"}],
                "actions": [{"task": "Send the deck", "owner": "Bob", "due": "2026-11-20", "time": 2.5}],
            }
        ),
    )
    assert read_items(path) == [
        ReferenceItem("decision", "Budget approved"),
        ReferenceItem("decision", "Ship in May", time=65.0),
        ReferenceItem("action", "Send the deck", owner="Bob", due="2026-11-20", time=2.5),
    ]
    for bad, message in [
        ("[]", "expected an object with 'decisions'"),
        ('{"actions": [{"owner": "Bob"}]}', r"actions\[0\] needs a 'task' text"),
        ('{"actions": [{"task": "x", "due": "Friday"}]}', "due 'Friday' is not YYYY-MM-DD"),
        ("{oops", "not JSON"),
    ]:
        with pytest.raises(ConfigError, match=message):
            read_items(write(tmp_path, "bad.json", bad))


def test_names_match_by_first_names_and_case() -> None:
    assert same_person("Priya", "priya shah") and same_person("Priya Shah", "PRIYA")
    assert not same_person("Priya", "Bob") and not same_person("Priya", None)
    assert same_person(None, None)


def test_items_are_matched_one_to_one_by_words_said_and_time() -> None:
    refs = [
        ReferenceItem("action", "Bob sends the deck", owner="Bob", due="2026-11-20", time=3.0),
        ReferenceItem("action", "Ann books the room", owner="Ann", due=None),
        ReferenceItem("decision", "The budget is approved"),
    ]
    preds = [
        Predicted("action", "Send it", "I'll send the deck by Friday.", "Bob", "2026-11-20", 2.5),
        Predicted("action", "Send the deck again", "send the deck", "Bob", None, 400.0),  # too late
        Predicted("decision", "Budget approved", "We approve the budget.", None, None, 0.0),
    ]
    decision, action = score_items(refs, preds)
    assert (decision.matched, decision.precision, decision.recall) == (1, 1.0, 1.0)
    assert (action.reference, action.predicted, action.matched, action.strict) == (2, 2, 1, 1)
    assert action.precision == 0.5 and action.recall == 0.5


def test_evaluate_a_meeting_on_every_reference(tmp_path: Path) -> None:
    meeting = doc(turns=(SpeakerTurn(0.0, 2.0, "SPEAKER_00"), SpeakerTurn(2.5, 4.0, "SPEAKER_01")))
    result = evaluate(
        meeting,
        transcript=read_transcript(write(tmp_path, "ref.stm", STM)),
        turns=[SpeakerTurn(0.0, 2.0, "ann"), SpeakerTurn(2.5, 4.0, "bob")],
        items=[
            ReferenceItem("decision", "approve the budget"),
            ReferenceItem("action", "send the deck", owner="Bob", due="2026-11-20"),
        ],
    )
    assert result.wer == 0.0 and result.cpwer == 0.0 and result.der == 0.0
    assert result.speaker_map == {"Ann Lee": "ann", "Bob": "bob"}
    decision, action = result.items
    assert (decision.recall, action.recall, action.precision, action.strict) == (1.0, 1.0, 0.5, 1)
    table = dict((name, value) for name, value, _ in result.rows())
    assert table["WER"] == "0.0%" and table["action items"] == "P 50% R 100%"
    assert json.loads(json.dumps(result.to_dict()))["items"][1]["strict"] == 1
    assert evaluate(meeting).rows() == []


def test_cpwer_with_many_speakers_is_exact_and_quick() -> None:
    refs = {f"r{i}": " ".join(f"w{i}x{j}" for j in range(20)) for i in range(9)}
    hyps = {f"h{i}": refs[f"r{(i + 4) % 9}"] for i in range(9)}
    error, mapping = cpwer(refs, hyps)
    assert error == 0.0 and mapping["h0"] == "r4"
    # One reference speaker nobody matched: all of their words are deletions.
    error, mapping = cpwer({"a": "one two", "b": "three four"}, {"x": "one two"})
    assert error == 0.5 and mapping == {"x": "a"}
