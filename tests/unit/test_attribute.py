from __future__ import annotations

from minutes.attribute import UNKNOWN_SPEAKER, AttributeOptions, attribute, join_words, speakers
from minutes.types import Diarization, Segment, SpeakerTurn, Transcript, Word


def _transcript(words: list[tuple[float, float, str]], language: str = "en") -> Transcript:
    ws = tuple(Word(s, e, t, 0.9) for s, e, t in words)
    return Transcript(language, 1.0, 60.0, (Segment(ws[0].start, ws[-1].end, "", ws),) if ws else ())


def _turns(*turns: tuple[float, float, str]) -> Diarization:
    return Diarization(turns=tuple(SpeakerTurn(*t) for t in turns))


def test_words_go_to_the_speaker_who_covers_them() -> None:
    t = _transcript([(0.0, 0.4, "Hello"), (0.5, 0.9, "there."), (2.0, 2.4, "Hi"), (2.5, 2.9, "Bob.")])
    d = _turns((0.0, 1.0, "A"), (1.9, 3.0, "B"))
    utts = attribute(t, d)
    assert [(u.speaker, u.text) for u in utts] == [("A", "Hello there."), ("B", "Hi Bob.")]
    assert [u.index for u in utts] == [0, 1]
    assert utts[0].start == 0.0 and utts[0].end == 0.9
    assert not any(u.overlap for u in utts)


def test_word_straddling_a_change_goes_to_larger_overlap_and_is_marked_overlap() -> None:
    t = _transcript([(0.8, 1.6, "straddle")])
    d = _turns((0.0, 1.0, "A"), (0.9, 3.0, "B"))
    (u,) = attribute(t, d)
    assert u.speaker == "B"
    assert u.overlap


def test_word_outside_every_turn_goes_to_nearest_speaker() -> None:
    t = _transcript([(5.0, 5.3, "late")])
    d = _turns((0.0, 1.0, "A"), (5.5, 7.0, "B"))
    assert attribute(t, d)[0].speaker == "B"


def test_no_turns_at_all_gives_unknown_speaker_not_a_crash() -> None:
    t = _transcript([(0.0, 0.5, "alone")])
    assert attribute(t, _turns())[0].speaker == UNKNOWN_SPEAKER


def test_long_pause_splits_an_utterance_of_one_speaker() -> None:
    t = _transcript([(0.0, 0.5, "one."), (5.0, 5.5, "two.")])
    d = _turns((0.0, 6.0, "A"))
    assert [u.text for u in attribute(t, d, AttributeOptions(max_gap=1.5))] == ["one.", "two."]


def test_long_monologue_splits_at_sentence_end_after_max_length() -> None:
    words = [(float(i), i + 0.5, f"w{i}." if i % 5 == 4 else f"w{i}") for i in range(40)]
    utts = attribute(_transcript(words), _turns((0.0, 41.0, "A")), AttributeOptions(max_length=10.0))
    assert len(utts) > 1
    assert all(u.text.endswith(".") for u in utts[:-1])
    assert sum(len(u.words) for u in utts) == 40


def test_empty_transcript_gives_no_utterances() -> None:
    assert attribute(_transcript([]), _turns((0.0, 1.0, "A"))) == ()


def test_languages_without_spaces_are_joined_without_spaces() -> None:
    ws = [Word(0, 0.2, "你好", 1.0), Word(0.2, 0.4, "世界", 1.0)]
    assert join_words(ws, "zh") == "你好世界"
    assert join_words(ws, "en") == "你好 世界"


def test_speakers_talk_time_comes_from_turns() -> None:
    d = _turns((0.0, 2.0, "A"), (2.0, 2.5, "B"), (3.0, 4.0, "A"))
    people = speakers(d, ())
    assert [(p.label, p.talk_time) for p in people] == [("A", 3.0), ("B", 0.5)]
