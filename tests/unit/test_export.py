"""Export formats: what a user finds in each exported file."""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from minutes.errors import ConfigError, InputError
from minutes.export import (
    FORMATS,
    cues,
    default_filename,
    from_json,
    needs_turns,
    render,
    to_json,
    to_markdown,
    to_rttm,
    to_srt,
    to_txt,
    to_vtt,
    write,
)
from minutes.types import (
    AudioInfo,
    Chapter,
    MeetingDoc,
    MinuteItem,
    Minutes,
    ModelRef,
    Speaker,
    SpeakerTurn,
    StageRecord,
    Utterance,
    Word,
)

# --- fixture builders -------------------------------------------------------------------------


def timed_words(text: str, start: float, step: float = 0.5, *, lead_space: bool = True) -> tuple[Word, ...]:
    """One word every ``step`` seconds, each lasting 80 % of the step (faster-whisper style text)."""
    return tuple(
        Word(start=start + i * step, end=start + i * step + step * 0.8, text=(" " + w if lead_space else w))
        for i, w in enumerate(text.split())
    )


def utt(
    index: int,
    speaker: str,
    start: float,
    end: float,
    text: str,
    *,
    words: tuple[Word, ...] = (),
    overlap: bool = False,
) -> Utterance:
    return Utterance(
        index=index, speaker=speaker, start=start, end=end, text=text, words=words, overlap=overlap
    )


def make_doc(**overrides: Any) -> MeetingDoc:
    fields: dict[str, Any] = {
        "id": 12,
        "title": "Weekly sync",
        "status": "done",
        "created_at": "2024-05-01T10:00:00+00:00",
        "meeting_date": "2024-05-01",
        "language": "en",
        "audio": AudioInfo(
            path="/rec/weekly.m4a", sha256="ab" * 32, duration=3725.4, sample_rate=16000, channels=1
        ),
        "speakers": (
            Speaker(label="SPEAKER_00", name="Zoë O'Brien", talk_time=30.0),
            Speaker(label="SPEAKER_01", name=None, talk_time=10.0),
        ),
        "utterances": (
            utt(0, "SPEAKER_00", 1.0, 3.0, " Hello everyone.", words=timed_words("Hello everyone.", 1.0)),
            utt(1, "SPEAKER_01", 3723.5, 3725.0, "Bye.", overlap=True),
        ),
        "stages": (
            StageRecord(
                stage="transcribe",
                cache_key="k1",
                models=(ModelRef(name="small", source="/models/small", sha256="cd" * 32, licence="MIT"),),
                options={"beam_size": 5, "temperature": [0.0, 0.2], "vad": {"min_silence_ms": 500}},
                code_version="0.1.0",
                seconds=12.5,
            ),
        ),
    }
    fields.update(overrides)
    return MeetingDoc(**fields)


def empty_doc() -> MeetingDoc:
    return make_doc(speakers=(), utterances=(), language=None)


LONG = (
    "So the plan for this quarter is to finish the migration first, then we look at the "
    "dashboard, and after that we can finally talk about hiring for the new team in Berlin"
)


def srt_blocks(text: str) -> list[list[str]]:
    return [b.split("\n") for b in text.strip("\n").split("\n\n")] if text.strip() else []


def parse_clock(stamp: str) -> float:
    h, m, rest = stamp.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(rest)


# --- dispatch, file names ----------------------------------------------------------------------


def test_render_dispatches_every_format() -> None:
    doc = make_doc()
    expected = {"json": to_json, "md": to_markdown, "txt": to_txt, "srt": to_srt, "vtt": to_vtt}
    expected["rttm"] = to_rttm
    assert set(FORMATS) == set(expected)
    for fmt, fn in expected.items():
        assert render(doc, fmt) == fn(doc)
    assert render(doc, "SRT") == to_srt(doc)


def test_unknown_format_names_value_and_choices() -> None:
    with pytest.raises(ConfigError) as info:
        render(make_doc(), "docx")
    message = str(info.value)
    assert "'docx'" in message
    for fmt in FORMATS:
        assert fmt in message


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Weekly sync", "meeting-12-weekly-sync.md"),
        ('Zoë\'s "big" plan / Q3 \\ review', "meeting-12-zoes-big-plan-q3-review.md"),
        ("  ../../etc/passwd  ", "meeting-12-etc-passwd.md"),
        ("Réunion d’équipe: élan", "meeting-12-reunion-dequipe-elan.md"),
        ("週次ミーティング", "meeting-12.md"),
        ("", "meeting-12.md"),
    ],
)
def test_default_filename_is_safe_for_any_title(title: str, expected: str) -> None:
    assert default_filename(make_doc(title=title), "md") == expected


def test_default_filename_uses_format_extension_and_is_bounded() -> None:
    doc = make_doc(title="x" * 500)
    name = default_filename(doc, "vtt")
    assert name.endswith(".vtt")
    assert len(name) < 100
    assert re.fullmatch(r"[a-z0-9.-]+", name)
    with pytest.raises(ConfigError, match="'pdf'"):
        default_filename(doc, "pdf")


# --- SRT / VTT ---------------------------------------------------------------------------------


def test_srt_basic_cues_with_speaker_names_and_hour_timestamps() -> None:
    blocks = srt_blocks(to_srt(make_doc()))
    assert blocks == [
        ["1", "00:00:01,000 --> 00:00:01,900", "Zoë O'Brien: Hello everyone."],
        ["2", "01:02:03,500 --> 01:02:05,000", "SPEAKER_01: Bye."],
    ]


def test_srt_timestamp_rounding_and_past_99_hours() -> None:
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 360_000.0004, 360_001.2346, "Late."),))
    assert srt_blocks(to_srt(doc))[0][1] == "100:00:00,000 --> 100:00:01,235"


def test_long_utterance_is_split_by_word_timings() -> None:
    words = timed_words(LONG, 10.0, step=0.45)
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 10.0, words[-1].end, LONG, words=words),))
    blocks = srt_blocks(to_srt(doc))
    assert len(blocks) >= 3
    texts = []
    starts = {w.start for w in words}
    ends = {w.end for w in words}
    for n, block in enumerate(blocks, start=1):
        assert block[0] == str(n)
        start, end = (parse_clock(s) for s in block[1].split(" --> "))
        assert end - start <= 7.0 + 1e-9
        assert any(abs(start - s) < 1e-3 for s in starts)  # cues begin and end on word boundaries
        assert any(abs(end - e) < 1e-3 for e in ends)
        lines = block[2:]
        assert 1 <= len(lines) <= 2
        assert all(len(line) <= 42 for line in lines)
        assert lines[0].startswith("Zoë O'Brien: ")
        texts.append(" ".join(lines).removeprefix("Zoë O'Brien: "))
    assert " ".join(texts) == LONG  # nothing lost, nothing reordered


def test_split_prefers_clause_boundaries() -> None:
    text = "We agreed on the budget for next year, and the rest can wait until the following meeting"
    words = timed_words(text, 0.0, step=0.3)
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, words[-1].end, text, words=words),))
    first_cue = cues(doc)[0]
    assert " ".join(first_cue.lines).endswith("next year,")


def test_long_cue_split_by_duration_even_when_text_is_short() -> None:
    words = timed_words("one two three four five six", 0.0, step=2.0)
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, 11.6, "one two three four five six", words=words),))
    got = cues(doc)
    assert [c.lines for c in got] == [("one two three",), ("four five six",)]
    assert all(c.end - c.start <= 7.0 for c in got)


def test_utterance_without_words_is_split_over_its_span() -> None:
    doc = make_doc(utterances=(utt(0, "SPEAKER_01", 100.0, 130.0, LONG),))
    got = cues(doc)
    assert len(got) >= 3
    assert got[0].start == pytest.approx(100.0)
    assert got[-1].end == pytest.approx(130.0)
    for prev, nxt in itertools.pairwise(got):
        assert prev.end == pytest.approx(nxt.start)  # contiguous estimate, no gaps
    assert all(c.end - c.start <= 7.0 + 1e-9 for c in got)
    assert " ".join(" ".join(c.lines) for c in got) == LONG


def test_cjk_words_are_joined_without_spaces() -> None:
    words = (
        Word(0.0, 0.5, "今日"),
        Word(0.5, 1.0, "は"),
        Word(1.0, 1.5, "会議"),
        Word(1.5, 2.0, "です。"),
    )
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, 2.0, "今日は会議です。", words=words),))
    assert "Zoë O'Brien: 今日は会議です。" in to_srt(doc)


def test_bare_words_without_leading_spaces_are_joined_with_spaces() -> None:
    words = timed_words("plain words here", 0.0, lead_space=False)
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, 1.5, "plain words here", words=words),))
    assert "Zoë O'Brien: plain words here" in to_srt(doc)


def test_vtt_header_voice_tags_and_escaping() -> None:
    doc = make_doc(
        speakers=(Speaker(label="SPEAKER_00", name="Zoë <O'Brien> & Co"),),
        utterances=(utt(0, "SPEAKER_00", 3661.25, 3662.5, "a < b && c > d --> e"),),
    )
    text = to_vtt(doc)
    assert text.startswith("WEBVTT\n\n")
    assert "01:01:01.250 --> 01:01:02.500" in text
    assert "<v Zoë &lt;O'Brien&gt; &amp; Co>a &lt; b &amp;&amp; c &gt; d --&gt; e" in text
    cue_body = text.split("01:01:02.500\n", 1)[1]
    assert "-->" not in cue_body


def test_vtt_and_srt_share_cue_splitting() -> None:
    words = timed_words(LONG, 0.0, step=0.45)
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, words[-1].end, LONG, words=words),))
    srt_times = re.findall(r"(\S+) --> (\S+)", to_srt(doc))
    vtt_times = re.findall(r"(\S+) --> (\S+)", to_vtt(doc))
    assert [(a.replace(",", "."), b.replace(",", ".")) for a, b in srt_times] == vtt_times
    vtt_lines = [line for line in to_vtt(doc).splitlines() if line.startswith("<v ")]
    assert all(line.startswith("<v Zoë O'Brien>") for line in vtt_lines)


def test_subtitle_cues_are_in_time_order_even_if_utterances_are_not() -> None:
    doc = make_doc(
        utterances=(utt(1, "SPEAKER_01", 20.0, 21.0, "Second."), utt(0, "SPEAKER_00", 5.0, 6.0, "First."))
    )
    blocks = srt_blocks(to_srt(doc))
    assert [b[2] for b in blocks] == ["Zoë O'Brien: First.", "SPEAKER_01: Second."]


# --- TXT ---------------------------------------------------------------------------------------


def test_txt_header_and_lines() -> None:
    assert to_txt(make_doc()) == (
        "Weekly sync\n"
        "Date: 2024-05-01\n"
        "Duration: 01:02:05\n"
        "\n"
        "[00:00:01] Zoë O'Brien: Hello everyone.\n"
        "[01:02:03] SPEAKER_01: Bye.\n"
    )


def test_txt_keeps_each_utterance_on_one_line() -> None:
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, 1.0, "first line\nsecond   line"),))
    assert "[00:00:00] Zoë O'Brien: first line second line\n" in to_txt(doc)


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_title_metadata_speakers_and_transcript() -> None:
    md = to_markdown(make_doc())
    assert md.startswith("# Weekly sync\n")
    assert "| 2024-05-01 | 01:02:05 | en | 2 |" in md
    assert "| Zoë O'Brien | 00:00:30 | 75% |" in md
    assert "| SPEAKER\\_01 | 00:00:10 | 25% |" in md
    assert "**Zoë O'Brien** [00:00:01](#t=1.0) Hello everyone." in md
    assert "**SPEAKER\\_01** [01:02:03](#t=3723.5) *(overlapping)* Bye." in md
    assert md.index("## Transcript") > md.index("| Speaker |")


def test_markdown_talk_time_falls_back_to_utterances() -> None:
    doc = make_doc(
        speakers=(Speaker(label="SPEAKER_00", name="Ann"),),
        utterances=(
            utt(0, "SPEAKER_00", 0.0, 30.0, "a"),
            utt(1, "SPEAKER_02", 30.0, 40.0, "b"),
        ),
    )
    md = to_markdown(doc)
    assert "| Ann | 00:00:30 | 75% |" in md
    assert "| SPEAKER\\_02 | 00:00:10 | 25% |" in md


def test_markdown_escapes_user_text() -> None:
    doc = make_doc(
        title="# Q3 *plan* | [draft]",
        speakers=(Speaker(label="SPEAKER_00", name="**Bob**"),),
        utterances=(
            utt(0, "SPEAKER_00", 0.0, 1.0, "Use `rm -rf` <script> and_this [link](x)\n# not a heading"),
        ),
    )
    md = to_markdown(doc)
    assert md.startswith("# \\# Q3 \\*plan\\* \\| \\[draft\\]\n")
    assert (
        "**\\*\\*Bob\\*\\*** [00:00:00](#t=0.0) Use \\`rm -rf\\` \\<script\\> and\\_this "
        "\\[link\\](x) \\# not a heading"
    ) in md
    assert "<script>" not in md


def test_markdown_sections_go_between_metadata_and_transcript() -> None:
    md = to_markdown(make_doc(), sections=["## Minutes\n\n- Ship it\n"])
    assert md.index("| Speaker |") < md.index("## Minutes") < md.index("## Transcript")
    assert "## Minutes\n\n- Ship it\n\n## Transcript" in md
    assert "## Minutes" not in render(make_doc(), "md")


# --- RTTM --------------------------------------------------------------------------------------


def test_rttm_lines_from_utterances_with_names_and_safe_file_id() -> None:
    doc = make_doc(
        title="Zoë's sync",
        speakers=(Speaker(label="SPEAKER 00", name="Zoë O'Brien"),),
        utterances=(
            utt(0, "SPEAKER 00", 0.5, 2.0, "a"),
            utt(1, "SPEAKER 00", 2.0, 3.25, "b"),  # touches the previous one: same turn
            utt(2, "SPEAKER_01", 2.5, 4.0, "c", overlap=True),
            utt(3, "SPEAKER 00", 5.0, 6.0, "d"),
        ),
    )
    assert to_rttm(doc) == (
        "SPEAKER meeting-12-zoes-sync 1 0.500 2.750 <NA> <NA> Zoë_O'Brien <NA> <NA>\n"
        "SPEAKER meeting-12-zoes-sync 1 2.500 1.500 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
        "SPEAKER meeting-12-zoes-sync 1 5.000 1.000 <NA> <NA> Zoë_O'Brien <NA> <NA>\n"
    )
    for line in to_rttm(doc).splitlines():
        assert len(line.split()) == 10


def test_rttm_comes_from_the_diarization_turns_with_names_and_overlap() -> None:
    # The diarization heard SPEAKER_01 from 7 to 9 s where no word was recognised: still in the RTTM.
    doc = make_doc(
        speakers=(
            Speaker(label="SPEAKER_00", name="Ann Lee"),
            Speaker(label="SPEAKER_01"),
            Speaker(label="SPEAKER_02", name="Ann Lee"),  # the same person under two labels
        ),
        utterances=(utt(0, "SPEAKER_00", 0.5, 2.0, "hello"),),
        turns=(
            SpeakerTurn(0.4, 2.2, "SPEAKER_00"),
            SpeakerTurn(2.0, 3.0, "SPEAKER_01"),  # overlaps Ann: kept
            SpeakerTurn(2.1, 4.0, "SPEAKER_02"),  # Ann again: merged with her first turn
            SpeakerTurn(7.0, 9.0, "SPEAKER_01"),
        ),
    )
    assert render(doc, "rttm") == (
        "SPEAKER meeting-12-weekly-sync 1 0.400 3.600 <NA> <NA> Ann_Lee <NA> <NA>\n"
        "SPEAKER meeting-12-weekly-sync 1 2.000 1.000 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
        "SPEAKER meeting-12-weekly-sync 1 7.000 2.000 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
    )
    assert needs_turns("RTTM") and not needs_turns("srt") and not needs_turns("json")


def test_turns_do_not_change_the_other_formats() -> None:
    plain = make_doc()
    with_turns = replace(plain, turns=(SpeakerTurn(0.0, 99.0, "SPEAKER_00"),))
    for fmt in ("json", "md", "txt", "srt", "vtt"):
        assert render(with_turns, fmt) == render(plain, fmt), fmt


def test_rttm_file_id_without_usable_title() -> None:
    doc = make_doc(title="会議")
    assert to_rttm(doc).split()[1] == "meeting-12"


# --- JSON --------------------------------------------------------------------------------------


def test_json_schema_and_content() -> None:
    text = to_json(make_doc())
    assert "Zoë O'Brien" in text  # ensure_ascii=False
    assert '\n  "schema": "minutes.meeting/1"' in text  # indent 2
    data = json.loads(text)
    assert data["schema"] == "minutes.meeting/1"
    assert (data["id"], data["title"], data["status"], data["language"]) == (12, "Weekly sync", "done", "en")
    assert data["audio"]["sample_rate"] == 16000
    assert data["speakers"][0] == {
        "label": "SPEAKER_00",
        "name": "Zoë O'Brien",
        "name_source": None,  # as built here; a stored meeting says "manual" or "voice"
        "suggestions": [],
        "display_name": "Zoë O'Brien",
        "talk_time": 30.0,
    }
    first = data["utterances"][0]
    assert first["speaker_name"] == "Zoë O'Brien"
    assert first["words"][0] == {"start": 1.0, "end": 1.4, "text": " Hello", "probability": 1.0}
    assert data["utterances"][1]["overlap"] is True
    stage = data["stages"][0]
    assert stage["models"][0]["name"] == "small"
    assert stage["options"]["vad"] == {"min_silence_ms": 500}
    assert stage["code_version"] == "0.1.0"


def test_json_round_trips_exactly() -> None:
    doc = make_doc(error="something odd", meeting_date=None)
    words = timed_words(LONG, 0.1, step=0.333)
    doc = replace(doc, utterances=(*doc.utterances, utt(2, "SPEAKER_00", 0.1, 30.0, LONG, words=words)))
    assert from_json(to_json(doc)) == doc
    assert from_json(to_json(empty_doc())) == empty_doc()


def test_json_survives_non_json_option_values() -> None:
    stage = StageRecord(stage="diarize", cache_key="k", options={"path": Path("/m/x"), "ids": {3}})
    data = json.loads(to_json(make_doc(stages=(stage,))))
    assert data["stages"][0]["options"] == {"path": "/m/x", "ids": [3]}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not json", "invalid JSON"),
        ('{"schema": "other/2"}', "'other/2'"),
        ("[1, 2]", "schema"),
        ('{"schema": "minutes.meeting/1", "id": 1}', "missing or bad field"),
    ],
)
def test_from_json_rejects_other_documents(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)):
        from_json(text)


# --- minutes ----------------------------------------------------------------------------------


MINUTES = Minutes(
    summary="We agreed on the *budget*.\n\nHiring   waits\nuntil Q3.",
    items=(
        MinuteItem(kind="decision", text="Ship v2 in November", evidence=(0,)),
        MinuteItem(
            kind="action",
            text="Send the budget to finance",
            evidence=(0, 1),
            owner="SPEAKER_00",
            due="2026-11-27",
            due_text="by Friday",
        ),
        MinuteItem(kind="action", text="Book the room", evidence=(1,), owner="SPEAKER_01", done=True),
        MinuteItem(kind="question", text="Who pays for <hosting>?", evidence=(1,), supported=False),
        MinuteItem(kind="action", text="Tell the team", owner=None, due_text="soon", supported=False),
        MinuteItem(kind="decision", text="Keep the retro", evidence=(7,)),  # cites a missing utterance
    ),
    chapters=(
        Chapter(start=1.0, end=83.0, title="Budget", evidence=(0,)),
        Chapter(start=83.0, end=3725.0, title="Hiring & rooms", evidence=(1,)),
    ),
    language="en",
    model=ModelRef(name="qwen2.5-7b", source="/models/qwen", sha256="ef" * 32, licence="Apache-2.0"),
    prompt_version="minutes/3",
    options={"temperature": 0.0, "max_items": [10, 20], "chunking": {"tokens": 4000}},
)


def minutes_doc() -> MeetingDoc:
    return make_doc(minutes=MINUTES)


def md_subsection(md: str, heading: str) -> str:
    return md.split(f"### {heading}\n\n", 1)[1].split("\n\n", 1)[0]


def test_markdown_minutes_section_sits_between_metadata_and_transcript() -> None:
    md = render(minutes_doc(), "md")
    order = ["| Speaker |", "## Minutes", "### Decisions", "### Action items", "### Open questions"]
    order += ["### Chapters", "## Transcript"]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)
    assert "## Minutes\n\nWe agreed on the \\*budget\\*.\n\nHiring waits until Q3.\n\n### Decisions" in md


def test_markdown_action_items_are_a_task_list_with_owner_names_and_due_dates() -> None:
    lines = md_subsection(render(minutes_doc(), "md"), "Action items").split("\n")
    assert lines == [
        '- [ ] **Zoë O\'Brien** — Send the budget to finance (due 2026-11-27, "by Friday")'
        " [↗ 00:00:01](#u-0) [↗ 01:02:03](#u-1)",
        "- [x] **SPEAKER\\_01** — Book the room [↗ 01:02:03](#u-1)",
        '- [ ] ⚠ unsupported: *unassigned* — Tell the team (due "soon")',
    ]


def test_markdown_decisions_questions_and_chapters() -> None:
    md = render(minutes_doc(), "md")
    assert md_subsection(md, "Decisions").split("\n") == [
        "- Ship v2 in November [↗ 00:00:01](#u-0)",
        "- Keep the retro *(utterance 7 not in transcript)*",
    ]
    # An unsupported item is kept, visibly flagged, and user text stays escaped.
    assert (
        md_subsection(md, "Open questions")
        == "- ⚠ unsupported: Who pays for \\<hosting\\>? [↗ 01:02:03](#u-1)"
    )
    assert md_subsection(md, "Chapters").split("\n") == [
        "- [00:00:01](#t=1.0) Budget [↗ 00:00:01](#u-0)",
        "- [00:01:23](#t=83.0) Hiring & rooms [↗ 01:02:03](#u-1)",
    ]


def test_markdown_evidence_links_point_to_anchors_in_the_transcript() -> None:
    md = render(minutes_doc(), "md")
    minutes_part, transcript = md.split("## Transcript", 1)
    targets = re.findall(r"\[↗ ([\d:]+)\]\(#(u-\d+)\)", minutes_part)
    assert {t for _, t in targets} == {"u-0", "u-1"}
    for stamp, target in targets:
        # The anchor exists once, at the start of the utterance line that shows the same time.
        assert md.count(f'<a id="{target}"></a>') == 1
        line = next(x for x in transcript.split("\n") if x.startswith(f'<a id="{target}"></a>'))
        assert f"[{stamp}](#t=" in line
    assert '<a id="u-1"></a>**SPEAKER\\_01** [01:02:03](#t=3723.5) *(overlapping)* Bye.' in transcript
    assert "(#u-7)" not in md  # no link to an anchor that does not exist


def test_markdown_minutes_with_nothing_in_them() -> None:
    md = render(make_doc(minutes=Minutes(summary="  ")), "md")
    assert "## Minutes\n\n*No summary.*\n\n### Decisions\n\n*None.*\n\n### Action items\n\n*None.*" in md
    assert "### Chapters" not in md


def test_markdown_extra_sections_follow_the_minutes() -> None:
    md = to_markdown(minutes_doc(), sections=["## Notes\n\nBring snacks."])
    assert md.index("## Minutes") < md.index("## Notes") < md.index("## Transcript")


def test_doc_without_minutes_renders_exactly_as_before() -> None:
    assert render(make_doc(), "md") == (
        "# Weekly sync\n"
        "\n"
        "| Date | Duration | Language | Speakers |\n"
        "|---|---|---|---|\n"
        "| 2024-05-01 | 01:02:05 | en | 2 |\n"
        "\n"
        "| Speaker | Talk time | Share |\n"
        "|---|---:|---:|\n"
        "| Zoë O'Brien | 00:00:30 | 75% |\n"
        "| SPEAKER\\_01 | 00:00:10 | 25% |\n"
        "\n"
        "## Transcript\n"
        "\n"
        "**Zoë O'Brien** [00:00:01](#t=1.0) Hello everyone.\n"
        "\n"
        "**SPEAKER\\_01** [01:02:03](#t=3723.5) *(overlapping)* Bye.\n"
    )
    assert "MINUTES" not in render(make_doc(), "txt")
    assert json.loads(render(make_doc(), "json"))["minutes"] is None


def test_txt_minutes_block() -> None:
    assert to_txt(minutes_doc()) == (
        "Weekly sync\n"
        "Date: 2024-05-01\n"
        "Duration: 01:02:05\n"
        "\n"
        "MINUTES\n"
        "We agreed on the *budget*.\n"
        "\n"
        "Hiring waits until Q3.\n"
        "\n"
        "Decisions:\n"
        "- Ship v2 in November\n"
        "- Keep the retro\n"
        "\n"
        "Action items:\n"
        '- [ ] Zoë O\'Brien: Send the budget to finance (due 2026-11-27, "by Friday")\n'
        "- [x] SPEAKER_01: Book the room\n"
        '- [ ] (unsupported) (unassigned) Tell the team (due "soon")\n'
        "\n"
        "Open questions:\n"
        "- (unsupported) Who pays for <hosting>?\n"
        "\n"
        "TRANSCRIPT\n"
        "[00:00:01] Zoë O'Brien: Hello everyone.\n"
        "[01:02:03] SPEAKER_01: Bye.\n"
    )


def test_json_minutes_content() -> None:
    data = json.loads(to_json(minutes_doc()))
    minutes = data["minutes"]
    assert (minutes["language"], minutes["prompt_version"]) == ("en", "minutes/3")
    assert minutes["model"] == {
        "name": "qwen2.5-7b",
        "source": "/models/qwen",
        "sha256": "ef" * 32,
        "licence": "Apache-2.0",
    }
    assert minutes["items"][1] == {
        "position": 1,
        "kind": "action",
        "text": "Send the budget to finance",
        "evidence": [0, 1],
        "supported": True,
        "owner": "SPEAKER_00",
        "owner_name": "Zoë O'Brien",
        "due": "2026-11-27",
        "due_text": "by Friday",
        "done": False,
    }
    assert minutes["chapters"][1] == {
        "start": 83.0,
        "end": 3725.0,
        "title": "Hiring & rooms",
        "evidence": [1],
    }


def test_json_round_trips_minutes_exactly() -> None:
    doc = minutes_doc()
    assert from_json(to_json(doc)) == doc
    bare = make_doc(minutes=Minutes(summary="Short."))
    assert from_json(to_json(bare)) == bare


def test_json_export_without_minutes_key_still_reads() -> None:
    data = json.loads(to_json(make_doc()))
    del data["minutes"]  # written before minutes existed
    assert from_json(json.dumps(data)) == make_doc()


# --- empty meetings ----------------------------------------------------------------------------


def test_empty_meeting_exports_valid_files_in_every_format() -> None:
    doc = empty_doc()
    assert to_srt(doc) == ""
    assert to_vtt(doc) == "WEBVTT\n"
    assert to_rttm(doc) == ""
    assert json.loads(to_json(doc))["utterances"] == []
    assert to_txt(doc).endswith("Duration: 01:02:05\n\n(no speech)\n")
    md = to_markdown(doc)
    assert "| 2024-05-01 | 01:02:05 | unknown | 0 |" in md
    assert "| Speaker |" not in md
    assert md.endswith("## Transcript\n\n*No speech was detected.*\n")
    for fmt in FORMATS:
        render(doc, fmt)


def test_utterances_with_empty_text_make_no_empty_cues() -> None:
    doc = make_doc(utterances=(utt(0, "SPEAKER_00", 0.0, 1.0, "   "),))
    assert to_srt(doc) == ""
    assert to_vtt(doc) == "WEBVTT\n"


# --- writing files -----------------------------------------------------------------------------


def test_write_creates_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.srt"
    assert write(make_doc(), "srt", target) == target
    assert target.read_text(encoding="utf-8") == to_srt(make_doc())
    assert os.listdir(tmp_path) == ["out.srt"]


def test_write_into_directory_uses_default_filename(tmp_path: Path) -> None:
    written = write(make_doc(), "md", tmp_path)
    assert written == tmp_path / "meeting-12-weekly-sync.md"
    assert written.read_text(encoding="utf-8").startswith("# Weekly sync")


def test_write_failure_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous export", encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write(make_doc(), "json", target)
    assert target.read_text(encoding="utf-8") == "previous export"
    assert os.listdir(tmp_path) == ["out.json"]


def test_render_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import minutes.export as export

    def broken(doc: MeetingDoc) -> str:
        raise RuntimeError("boom")

    target = tmp_path / "out.txt"
    target.write_text("previous export", encoding="utf-8")
    monkeypatch.setitem(export._RENDERERS, "txt", broken)
    with pytest.raises(RuntimeError):
        write(make_doc(), "txt", target)
    assert target.read_text(encoding="utf-8") == "previous export"
    assert os.listdir(tmp_path) == ["out.txt"]
    with pytest.raises(ConfigError):
        write(make_doc(), "docx", tmp_path / "new.docx")
    assert not (tmp_path / "new.docx").exists()
