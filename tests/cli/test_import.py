"""``minutes import``: transcripts become meetings without audio, shown, exported and searched like
processed ones; bad files are named, store nothing, and the others still import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minutes import factory
from minutes.settings import Preset
from minutes.summarize.summarizer import Summarizer
from tests.cli.conftest import Cli, Stored
from tests.fakes import FakeLLM
from tests.media import Library

TEXT = (
    "Alice: Welcome, everyone. We decided to launch the app on Monday.\n"
    "Bob: I will send the budget report by Friday.\n"
    "\n"
    "Alice: Thanks: that settles it. Who owns the press release?\n"
)
SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\nCarol: The roadmap is ready.\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n[Dan] I will review it tomorrow.\n"
)
VTT = (
    "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n<v Erin>Shall we start?</v>\n\n"
    "00:00:02.000 --> 00:00:04.000\n<v Frank>Yes, the migration first.</v>\n"
)
WHISPERX = {
    "segments": [
        {
            "start": 0.2,
            "end": 1.4,
            "text": " Hello team.",
            "speaker": "SPEAKER_00",
            "words": [
                {"word": "Hello", "start": 0.2, "end": 0.6, "score": 0.9, "speaker": "SPEAKER_00"},
                {"word": "team.", "start": 0.7, "end": 1.4, "score": 0.8, "speaker": "SPEAKER_00"},
            ],
        },
        {"start": 2.0, "end": 3.0, "text": " Hi.", "speaker": "SPEAKER_01"},
    ],
    "language": "en",
}


@pytest.fixture(autouse=True)
def llm(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``minutes import`` writes its minutes with the fake LLM; returns what the factory was asked."""
    asked: list[dict[str, Any]] = []

    def build_summarizer(
        preset: Preset, *, overrides: dict[str, Any] | None = None, threads: int | None = None
    ) -> Summarizer:
        asked.append({"preset": preset.name, "overrides": overrides, "threads": threads})
        return Summarizer(FakeLLM())

    monkeypatch.setattr(factory, "build_summarizer", build_summarizer)
    return asked


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "text": ("weekly.txt", TEXT),
        "srt": ("roadmap.srt", SRT),
        "vtt": ("standup.vtt", VTT),
        "whisperx": ("call.json", json.dumps(WHISPERX)),
    }
    out = {}
    for fmt, (name, content) in made.items():
        out[fmt] = tmp_path / name
        out[fmt].write_text(content, encoding="utf-8")
    return out


def export(cli: Cli, meeting_id: int, fmt: str = "json") -> Any:
    result = cli("export", str(meeting_id), "--format", fmt)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def test_each_format_becomes_a_meeting_with_minutes(cli: Cli, files: dict[str, Path]) -> None:
    result, rows = cli.json_lines("import", "--json", *files.values())
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in rows] == ["done"] * 4
    assert [r["stages"] for r in rows] == [{"import": "ran", "index": "ran", "summarize": "ran"}] * 4
    assert [(r["speakers"], r["utterances"]) for r in rows] == [(2, 3), (2, 2), (2, 2), (2, 2)]
    docs = {fmt: export(cli, r["meeting_id"]) for fmt, r in zip(files, rows, strict=True)}
    assert [(u["speaker_name"], u["text"]) for u in docs["srt"]["utterances"]] == [
        ("Carol", "The roadmap is ready."),
        ("Dan", "I will review it tomorrow."),
    ]
    assert [s["name"] for s in docs["vtt"]["speakers"]] == ["Erin", "Frank"]
    assert [len(u["words"]) for u in docs["whisperx"]["utterances"]] == [2, 0]
    assert docs["whisperx"]["language"] == "en"
    for fmt, doc in docs.items():
        assert doc["audio"]["format"] == f"import:{fmt}" and doc["audio"]["sample_rate"] == 0
        assert doc["minutes"] is not None
        assert [s["stage"] for s in doc["stages"]] == ["import", "index", "summarize"]
    actions = [i for i in docs["text"]["minutes"]["items"] if i["kind"] == "action"]
    assert [(i["owner_name"], i["due"] is not None) for i in actions] == [("Bob", True)]


def test_the_json_lines_are_the_ones_process_prints(cli: Cli, files: dict[str, Path], lib: Library) -> None:
    _, (processed,) = cli.json_lines("process", "--json", lib.good["wav"].path)
    _, (imported,) = cli.json_lines("import", "--json", files["srt"])
    assert list(imported) == list(processed)
    assert {k: type(v) for k, v in imported.items() if v is not None} == {
        k: type(v) for k, v in processed.items() if k in imported and imported[k] is not None
    }
    assert imported["path"] == str(files["srt"].resolve())
    assert imported["edits"] == processed["edits"]


def test_the_result_line_and_a_second_import(cli: Cli, files: dict[str, Path]) -> None:
    first = cli("import", files["text"])
    assert first.exit_code == 0, first.output
    line, warning = first.stdout.splitlines()
    assert (
        line.startswith(f"✓ meeting 1  {files['text'].resolve()}  0:") and "2 speakers, 3 utterances" in line
    )
    assert warning == "  ⚠ the file gives no times: estimated at 150 words a minute"
    again = cli("import", "--json", files["text"])
    assert json.loads(again.stdout)["status"] == "reused"
    forced = json.loads(cli("import", "--json", "--force", files["text"]).stdout)
    assert (
        forced["stages"] == {"import": "ran", "index": "ran", "summarize": "ran"}
        and forced["meeting_id"] == 1
    )


def test_no_summary_builds_no_model_and_writes_no_minutes(
    cli: Cli, files: dict[str, Path], llm: list[dict[str, Any]]
) -> None:
    _, (row,) = cli.json_lines("import", "--json", "--no-summary", files["vtt"])
    assert row["stages"] == {"import": "ran", "index": "ran"} and llm == []
    assert export(cli, row["meeting_id"])["minutes"] is None


def test_title_date_language_and_format_options(
    cli: Cli, files: dict[str, Path], llm: list[dict[str, Any]]
) -> None:
    result, (row,) = cli.json_lines(
        "import",
        "--json",
        "--title",
        "Launch sync",
        "--date",
        "2024-03-01 09:30:00",
        "--language",
        "de",
        "--format",
        "text",
        "--llm-model",
        "smollm2-135m",
        files["text"],
    )
    assert result.exit_code == 0, result.output
    doc = export(cli, row["meeting_id"])
    assert doc["title"] == "Launch sync" and doc["meeting_date"].startswith("2024-03-01T09:30")
    assert doc["language"] == "de" and row["language"] == "de"
    assert llm[0]["overrides"]["model"] == "smollm2-135m"
    default = json.loads(cli("import", "--json", "--no-summary", files["srt"]).stdout)
    assert export(cli, default["meeting_id"])["title"] == "roadmap"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--title", "x", "a.txt", "b.txt"], "--title names one meeting"),
        (["--language", "not a language", "a.txt"], "is no language code"),
        (["--format", "docx", "a.txt"], "'docx' is not one of 'auto', 'minutes-json'"),
        (["--title", "a\x1b[2Jb", "a.txt"], "control character"),
    ],
)
def test_usage_errors(cli: Cli, args: list[str], said: str, llm: list[dict[str, Any]]) -> None:
    result = cli("import", *args)
    assert result.exit_code == 2 and said in result.stderr, result.stderr
    assert llm == []


BAD = {
    "empty.txt": (b"", "empty.txt: the file is empty; give a transcript"),
    "cut.json": (b'{"segments": [{"start": 0,', "cut.json: malformed JSON: Expecting"),
    "broken.srt": (
        b"1\n00:00:01,000 --> 00:00:xx,000\nAlice: hi\n",
        "broken.srt: cue 1 (line 2) has a broken timing line '00:00:01,000 --> 00:00:xx,000'; write it as",
    ),
    "latin1.txt": (
        b"Jos\xe9: hola\n",
        "latin1.txt: the file is not UTF-8 text (byte 0xE9 at offset 3); save it as UTF-8",
    ),
    "notes.md": (b"Some notes without speakers.\n", "notes.md: no transcript format recognised; give"),
}


def test_bad_files_are_named_store_nothing_and_the_others_still_import(
    cli: Cli, files: dict[str, Path], tmp_path: Path, stored: Callable[[], Stored]
) -> None:
    bad = []
    for name, (content, _) in BAD.items():
        bad.append(tmp_path / name)
        bad[-1].write_bytes(content)
    result = cli("import", files["text"], *bad, files["srt"], tmp_path / "missing.vtt")
    assert result.exit_code == 1
    assert [line.split("  ")[1] for line in result.stdout.splitlines() if line.startswith("✓")] == [
        str(files["text"].resolve()),
        str(files["srt"].resolve()),
    ]
    errors = result.stderr.splitlines()
    assert len(errors) == len(BAD) + 1, result.stderr
    for line, (_, said) in zip(errors, BAD.values(), strict=False):
        assert line.startswith(f"✗ {said}"), line
    assert errors[-1] == f"✗ {tmp_path / 'missing.vtt'}: does not exist; give a transcript file"
    now = stored()
    assert sorted(name for name, _ in now.recordings) == ["roadmap.srt", "weekly.txt"]
    assert sorted(m.title for m in now.meetings) == ["roadmap", "weekly"]


def test_bad_files_in_json_mode_are_failed_objects(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "broken.srt"
    path.write_bytes(BAD["broken.srt"][0])
    result, (row,) = cli.json_lines("import", "--json", path)
    assert result.exit_code == 1
    assert row["status"] == "failed" and row["meeting_id"] is None
    assert row["error"].startswith(BAD["broken.srt"][1])


def test_an_imported_meeting_shows_lists_exports_and_is_found(cli: Cli, files: dict[str, Path]) -> None:
    _, (row,) = cli.json_lines("import", "--json", files["srt"])
    meeting = str(row["meeting_id"])
    (listed,) = cli.json("list", "--json")
    assert (listed["title"], listed["status"], listed["utterances"]) == ("roadmap", "done", 2)
    shown = cli("show", meeting).stdout
    assert "Source: imported srt transcript (roadmap.srt), no recording" in shown
    assert "[00:00:01] Carol: The roadmap is ready." in shown
    for fmt in ("md", "txt", "srt", "vtt"):
        assert "The roadmap is ready." in export(cli, row["meeting_id"], fmt)
    assert "00:00:04,000 --> 00:00:06,000" in export(cli, row["meeting_id"], "srt")
    assert export(cli, row["meeting_id"], "rttm").splitlines() == [
        "SPEAKER meeting-1-roadmap 1 1.000 2.500 <NA> <NA> Carol <NA> <NA>",
        "SPEAKER meeting-1-roadmap 1 4.000 2.000 <NA> <NA> Dan <NA> <NA>",
    ]
    found = cli("search", "roadmap")
    assert found.exit_code == 0 and "Carol: The [roadmap] is ready." in found.stdout, found.stdout
    by_speaker = cli("search", "review", "--speaker", "Dan")
    assert "I will [review] it tomorrow." in by_speaker.stdout, by_speaker.stdout


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """What a round trip keeps: the utterances, the speakers with their names, the minutes' items."""
    minutes = doc["minutes"] or {}
    return {
        "utterances": doc["utterances"],
        "speakers": doc["speakers"],
        "summary": minutes.get("summary"),
        "items": minutes.get("items"),
        "chapters": minutes.get("chapters"),
        "title": doc["title"],
        "meeting_date": doc["meeting_date"],
        "language": doc["language"],
    }


def test_export_import_export_gives_the_same_meeting(
    cli: Cli, files: dict[str, Path], tmp_path: Path
) -> None:
    _, (row,) = cli.json_lines("import", "--json", files["text"])
    assert cli("rename", str(row["meeting_id"]), "SPEAKER_01", "Robert").exit_code == 0
    items = export(cli, row["meeting_id"])["minutes"]["items"]
    (action,) = [i for i in items if i["kind"] == "action"]
    assert cli("done", str(row["meeting_id"]), str(action["position"] + 1)).exit_code == 0
    first = export(cli, row["meeting_id"])
    assert [i["done"] for i in first["minutes"]["items"] if i["kind"] == "action"] == [True]
    assert [s["name"] for s in first["speakers"]] == ["Alice", "Robert"]
    exported = tmp_path / "meeting.json"
    exported.write_text(cli("export", str(row["meeting_id"]), "--format", "json").stdout, encoding="utf-8")

    _, (again,) = cli.json_lines("import", "--json", exported)
    assert again["meeting_id"] != row["meeting_id"]
    assert again["stages"] == {"import": "ran", "index": "ran", "summarize": "imported"}
    second = export(cli, again["meeting_id"])
    assert comparable(second) == comparable(first)
    assert second["audio"]["format"] == "import:minutes-json"


def test_a_processed_meeting_round_trips_with_its_words(cli: Cli, lib: Library, tmp_path: Path) -> None:
    _, (row,) = cli.json_lines("process", "--json", lib.good["wav"].path)
    first = export(cli, row["meeting_id"])
    assert first["utterances"][0]["words"]
    exported = tmp_path / "processed.json"
    exported.write_text(json.dumps(first), encoding="utf-8")
    _, (again,) = cli.json_lines("import", "--json", exported)
    assert comparable(export(cli, again["meeting_id"])) == comparable(first)


def test_a_name_given_after_import_survives_a_forced_reimport(cli: Cli, files: dict[str, Path]) -> None:
    _, (row,) = cli.json_lines("import", "--json", "--no-summary", files["whisperx"])
    assert cli("rename", str(row["meeting_id"]), "SPEAKER_01", "Grace").exit_code == 0
    _, (again,) = cli.json_lines("import", "--json", "--no-summary", "--force", files["whisperx"])
    assert again["edits"]["carried"]["speaker"] == 1
    names = {s["label"]: s["name"] for s in export(cli, row["meeting_id"])["speakers"]}
    assert names == {"SPEAKER_00": None, "SPEAKER_01": "Grace"}


def test_summarize_writes_minutes_for_an_imported_meeting_later(cli: Cli, files: dict[str, Path]) -> None:
    _, (row,) = cli.json_lines("import", "--json", "--no-summary", files["text"])
    result = cli("summarize", str(row["meeting_id"]))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"meeting {row['meeting_id']}: minutes written (")
    doc = export(cli, row["meeting_id"])
    assert doc["minutes"] is not None and [s["stage"] for s in doc["stages"]] == [
        "import",
        "index",
        "summarize",
    ]
