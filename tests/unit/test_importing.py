"""Transcript files → meetings, as plain data: each format, detection by content, estimated times,
speakers as labels and names, and the errors a bad file gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minutes.errors import ConfigError, InputError
from minutes.importing import WORDS_PER_MINUTE, ImportedMeeting, parse


def lines(meeting: ImportedMeeting) -> list[tuple[str | None, float, float, str]]:
    """(speaker name or label, start, end, text) of each utterance, in order."""
    names = {s.label: s.name or s.label for s in meeting.speakers}
    return [(names[u.speaker], u.start, u.end, u.text) for u in meeting.utterances]


def names(meeting: ImportedMeeting) -> dict[str, str | None]:
    return {s.label: s.name for s in meeting.speakers}


# --- plain text ---------------------------------------------------------------------------------


def test_plain_text_one_utterance_per_line_with_estimated_times() -> None:
    text = "Alice: Hello everyone, welcome.\n\n\nBob: Thanks.\n  \nAlice: Let's begin: the budget first.\n"
    m = parse(text.encode(), name="notes.txt")
    assert WORDS_PER_MINUTE == 150  # 0.4 s a word
    assert m.format == "text"
    assert [u.index for u in m.utterances] == [0, 1, 2]
    assert lines(m) == [
        ("Alice", 0.0, 1.2, "Hello everyone, welcome."),
        ("Bob", 1.2, 1.6, "Thanks."),
        ("Alice", 1.6, 3.6, "Let's begin: the budget first."),
    ]
    assert names(m) == {"SPEAKER_00": "Alice", "SPEAKER_01": "Bob"}
    assert m.estimated == 3 and m.warnings == ("the file gives no times: estimated at 150 words a minute",)
    assert m.duration == 3.6


def test_plain_text_colons_inside_the_text_stay_text() -> None:
    text = "Dr. Anna Smith: The ratio is 3:1 at 10:30: fine.\nBob Jones : note: yes\nalice: ok: then\n"
    m = parse(text.encode(), name="t.txt")
    assert [(who, said) for who, _, _, said in lines(m)] == [
        ("Dr. Anna Smith", "The ratio is 3:1 at 10:30: fine."),
        ("Bob Jones", "note: yes"),
        ("alice", "ok: then"),
    ]


def test_plain_text_times_given_are_kept_and_the_rest_estimated_around_them() -> None:
    text = "[00:01:00] Alice: one two three\n(1:05) Bob: four\nAlice: five six\n01:10:00.5 - Bob: late\n"
    m = parse(text.encode(), name="t.txt")
    assert m.warnings == (
        "the file gives no start or no end for 4 of 4 lines: estimated at 150 words a minute",
    )
    assert [(u.start, u.end) for u in m.utterances] == [
        (60.0, 61.2),
        (65.0, 65.4),
        (65.4, 66.2),
        (4200.5, 4200.9),
    ]


def test_a_line_without_a_speaker_continues_the_one_before_as_its_own_utterance() -> None:
    m = parse(b"Alice: first part\nand the second part\nBob: mine", name="t.txt")
    assert [(who, said) for who, _, _, said in lines(m)] == [
        ("Alice", "first part"),
        ("Alice", "and the second part"),
        ("Bob", "mine"),
    ]


def test_the_same_name_in_other_case_or_spacing_is_one_speaker() -> None:
    m = parse(b"Alice  Smith: a\nalice smith: b\nBob: c", name="t.txt")
    assert names(m) == {"SPEAKER_00": "Alice Smith", "SPEAKER_01": "Bob"}
    assert [u.speaker for u in m.utterances] == ["SPEAKER_00", "SPEAKER_00", "SPEAKER_01"]


def test_a_label_the_file_uses_is_kept_and_never_handed_to_a_name() -> None:
    m = parse(b"Alice: hi\nSPEAKER_00: hello\nBob: hey", name="t.txt")
    assert names(m) == {"SPEAKER_00": None, "SPEAKER_01": "Alice", "SPEAKER_02": "Bob"}
    assert [u.speaker for u in m.utterances] == ["SPEAKER_01", "SPEAKER_00", "SPEAKER_02"]


def test_plain_text_with_a_crlf_and_a_bom_reads_the_same() -> None:
    plain = parse(b"Alice: hi\nBob: yo\n", name="a.txt")
    windows = parse(b"\xef\xbb\xbfAlice: hi\r\nBob: yo\r\n", name="b.txt")
    utf16 = parse("\ufeffAlice: hi\r\nBob: yo\r\n".encode("utf-16-le"), name="c.txt")
    assert lines(plain) == lines(windows) == lines(utf16)


# --- subtitles ----------------------------------------------------------------------------------

SRT = """1
00:00:01,000 --> 00:00:04,000
Alice: Hello there,
it's 10:30: ready?

2
00:00:04,500 --> 00:00:06,000
[Bob] Yes.

3
00:00:06,500 --> 00:00:08,250
<i>Right</i> &amp; done.

4
00:00:09,000 --> 00:00:10,000
- Carol: Me too.

5
00:00:10,000 --> 00:00:11,000
[Music]
"""


def test_srt_speakers_from_name_prefixes_and_brackets() -> None:
    m = parse(SRT.encode(), name="call.srt")
    assert m.format == "srt"
    assert lines(m) == [
        ("Alice", 1.0, 4.0, "Hello there, it's 10:30: ready?"),
        ("Bob", 4.5, 6.0, "Yes."),
        ("Bob", 6.5, 8.25, "Right & done."),
        ("Carol", 9.0, 10.0, "Me too."),
        ("Carol", 10.0, 11.0, "[Music]"),
    ]
    assert m.estimated == 0 and m.warnings == ()


def test_srt_without_names_is_one_unnamed_speaker() -> None:
    m = parse(
        b"1\n00:00:00,500 --> 00:00:02,000\nHello.\n\n2\n00:00:02,000 --> 00:00:03,000\nBye.\n", name="a.srt"
    )
    assert names(m) == {"SPEAKER_00": None}
    assert [u.text for u in m.utterances] == ["Hello.", "Bye."]


VTT = """WEBVTT
Kind: captions

NOTE made by a meeting tool

STYLE
::cue { color: white }

intro
00:01.000 --> 00:04.000 align:start position:10%
<v Alice Smith>Hi all, agenda: two items</v>

00:00:04.000 --> 00:00:05.500
<v.loud Bob>Loud &lt;and&gt; clear!

00:05.500 --> 00:07.000
<c.yellow>Still</c> <00:00:06.000>Bob.
"""


def test_vtt_voice_tags_give_speakers_even_under_another_file_ending() -> None:
    m = parse(VTT.encode(), name="meeting.txt")
    assert m.format == "vtt"
    assert lines(m) == [
        ("Alice Smith", 1.0, 4.0, "Hi all, agenda: two items"),
        ("Bob", 4.0, 5.5, "Loud <and> clear!"),
        ("Bob", 5.5, 7.0, "Still Bob."),
    ]


def test_vtt_without_voice_tags_reads_name_prefixes_as_zoom_writes_them() -> None:
    zoom = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAnna Lee: Good morning.\n\n"
        "2\n00:00:02.500 --> 00:00:03.000\nJo: Hi Anna.\n"
    )
    m = parse(zoom.encode(), name="zoom.vtt")
    assert lines(m) == [("Anna Lee", 1.0, 2.0, "Good morning."), ("Jo", 2.5, 3.0, "Hi Anna.")]


def test_subtitles_are_found_by_content_whatever_the_name() -> None:
    assert parse(SRT.encode(), name="captions.txt").format == "srt"
    assert parse(SRT.encode(), name="captions.vtt").format == "vtt"  # an SRT-like file named .vtt


# --- JSON ---------------------------------------------------------------------------------------


def whisperx(words: bool) -> dict[str, object]:
    def word(text: str, start: float | None, end: float | None, speaker: str) -> dict[str, object]:
        found: dict[str, object] = {"word": text, "speaker": speaker}
        if start is not None and end is not None:
            found |= {"start": start, "end": end, "score": 0.8}
        return found

    segments: list[dict[str, object]] = [
        {
            "start": 0.5,
            "end": 2.5,
            "text": " We ship 2 apps.",
            "speaker": "SPEAKER_01",
            "words": [
                word("We", 0.5, 0.8, "SPEAKER_01"),
                word("ship", 0.9, 1.2, "SPEAKER_01"),
                word("2", None, None, "SPEAKER_01"),
                word("apps.", 1.8, 2.5, "SPEAKER_01"),
            ],
        },
        {
            "start": 3.0,
            "end": 4.0,
            "text": " Agreed.",
            "words": [word("Agreed.", 3.0, 4.0, "SPEAKER_00")],
        },
    ]
    if not words:
        for s in segments:
            del s["words"]
        segments[1]["speaker"] = "SPEAKER_00"
    return {"segments": segments, "word_segments": [], "language": "en"}


def test_whisperx_with_words_keeps_them_and_times_the_unaligned_one_between_its_neighbours() -> None:
    m = parse(json.dumps(whisperx(words=True)).encode(), name="x.json")
    assert m.format == "whisperx" and m.language == "en"
    assert [(u.speaker, u.start, u.end, u.text) for u in m.utterances] == [
        ("SPEAKER_01", 0.5, 2.5, "We ship 2 apps."),
        ("SPEAKER_00", 3.0, 4.0, "Agreed."),  # the speaker most of its words carry
    ]
    assert names(m) == {"SPEAKER_00": None, "SPEAKER_01": None}
    first = m.utterances[0].words
    assert [(w.text, w.start, w.end) for w in first] == [
        ("We", 0.5, 0.8),
        ("ship", 0.9, 1.2),
        ("2", 1.2, 1.8),
        ("apps.", 1.8, 2.5),
    ]
    assert first[0].probability == 0.8 and first[2].probability == 1.0


def test_whisperx_without_words() -> None:
    m = parse(json.dumps(whisperx(words=False)).encode(), name="result.json")
    assert [(u.speaker, u.start, u.end, u.text, u.words) for u in m.utterances] == [
        ("SPEAKER_01", 0.5, 2.5, "We ship 2 apps.", ()),
        ("SPEAKER_00", 3.0, 4.0, "Agreed.", ()),
    ]


def test_whisper_json_without_speakers_is_one_unnamed_speaker() -> None:
    data = {
        "text": "a b",
        "segments": [{"start": 0, "end": 1, "text": "a"}, {"start": 1, "end": 2, "text": "b"}],
    }
    m = parse(json.dumps(data).encode(), name="w.json")
    assert {u.speaker for u in m.utterances} == {"SPEAKER_00"} and names(m) == {"SPEAKER_00": None}


def test_a_json_list_of_speaker_turns_as_qmsum_writes_it() -> None:
    data = {
        "title": "Design review",
        "meeting_transcripts": [
            {"speaker": "Project Manager", "content": "OK , we 're on ."},
            {"speaker": "Marketing", "content": "Right ."},
            {"speaker": "Project Manager", "content": "  "},
        ],
    }
    m = parse(json.dumps(data).encode(), name="ES2004a.json")
    assert m.format == "turns" and m.title == "Design review"
    assert [(who, said) for who, _, _, said in lines(m)] == [
        ("Project Manager", "OK , we 're on ."),
        ("Marketing", "Right ."),
    ]
    timed = [{"name": "A", "text": "x", "start": 1, "end": 2}]
    assert [(u.start, u.end) for u in parse(json.dumps(timed).encode(), name="t.json").utterances] == [
        (1.0, 2.0)
    ]


def test_the_qmsum_meetings_import(data_dir: Path) -> None:
    files = sorted((data_dir / "qmsum-val").glob("*.json"))
    assert len(files) == 35
    for path in files:
        turns = [t for t in json.loads(path.read_text())["meeting_transcripts"] if t["content"].strip()]
        m = parse(path.read_bytes(), name=path.name)
        assert len(m.utterances) == len(turns)
        assert [u.text for u in m.utterances] == [" ".join(t["content"].split()) for t in turns]
        assert {s.name for s in m.speakers} == {" ".join(t["speaker"].split()) for t in turns}


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (b"", "empty.txt", "empty.txt: the file is empty"),
        (b"  \n\n ", "blank.srt", "blank.srt: the file is empty"),
        (b'{"segments": [', "cut.json", "cut.json: malformed JSON: Expecting value (line 1, column 15)"),
        (b"{'a': 1}", "single.txt", "single.txt: malformed JSON"),
        (b'{"nothing": 1}', "other.json", "other.json: it is JSON, but no transcript this command reads"),
        (
            b"1\n00:00:01,000 --> 00:00:0x,000\nhi\n",
            "bad.srt",
            "bad.srt: cue 1 (line 2) has a broken timing line '00:00:01,000 --> 00:00:0x,000'; write it as",
        ),
        (
            b"1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:61,000 --> 00:01:02,000\nho\n",
            "bad.srt",
            "bad.srt: cue 2 (line 6) has a broken timing line",
        ),
        (b"1\n00:00:03,000 --> 00:00:02,000\nhi\n", "back.srt", "back.srt: cue 1 (line 2) ends (2 s) before"),
        (
            b"WEBVTT\n\n00:01.000 -> 00:02.000\nhi\n",
            "bad.vtt",
            "bad.vtt: line 3 ('00:01.000 -> 00:02.000') starts no cue",
        ),
        (b"no cues here\n", "plain.srt", "plain.srt: line 1 ('no cues here') starts no subtitle cue"),
        (b"caf\xe9: ok\n", "latin1.txt", "latin1.txt: the file is not UTF-8 text (byte 0xE9 at offset 3)"),
        (b"\x00\x00\x00\x18ftypmp42", "clip.mp4", "clip.mp4: the file holds NUL bytes"),
        (b"# Notes\nWe met and talked.\n", "notes.md", "notes.md: no transcript format recognised"),
        (b"Intro line\nAlice: hi\n", "t.txt", "t.txt: line 1 names no speaker ('Intro line')"),
        (
            b"Alice: hi \x1b]0;owned\x07\n",
            "esc.txt",
            "esc.txt: the text of line 1 'hi \\u001b]0;owned\\u0007'",
        ),
        (b'[{"speaker": "A\\u001b", "text": "x"}]', "n.json", "n.json: the speaker name of turn 1"),
        (b'[{"speaker": "A", "text": "x\\u0000y"}]', "nul.json", "nul.json: a text in the JSON holds a NUL"),
        (
            b'{"segments": [{"start": 0, "end": 1, "text": "x", "words": [{"word": "\\u009b2J"}]}]}',
            "word.json",
            "word.json: a word of segment 1",
        ),
        (
            json.dumps({"segments": [{"start": "soon", "end": 1, "text": "x"}]}).encode(),
            "w.json",
            "w.json: the start of segment 1 is 'soon', not a time in seconds",
        ),
        (
            b'{"segments": [{"start": NaN, "end": 1, "text": "x"}]}',
            "nan.json",
            "nan.json: the start of segment 1 is nan",
        ),
    ],
)
def test_a_bad_file_is_an_error_naming_the_file_and_the_problem(content: bytes, name: str, said: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(content, name=name)
    assert str(caught.value).startswith(said), str(caught.value)


def test_every_error_says_what_to_do() -> None:
    for content, name in [(b"", "a.txt"), (b"\xff\xfe\xff", "b.txt"), (b"{", "c.json"), (b"x", "d.md")]:
        with pytest.raises(InputError) as caught:
            parse(content, name=name)
        assert any(w in str(caught.value) for w in ("give", "save it", "fix", "--format")), caught.value


def test_an_unknown_format_name_lists_the_formats() -> None:
    with pytest.raises(ConfigError, match="choose one of: minutes-json, whisperx, turns, srt, vtt, text"):
        parse(b"Alice: hi", name="a.txt", fmt="docx")


def test_a_format_given_overrides_detection() -> None:
    assert parse(b"Alice: 1\n", name="a.txt", fmt="text").format == "text"
    with pytest.raises(InputError, match=r"a\.txt: malformed JSON"):
        parse(b"Alice: 1\n", name="a.txt", fmt="whisperx")
