"""The command line as a user drives it: real click, real SQLite, fake model stages (see conftest)."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pytest

from minutes import db as store
from minutes.cli import main
from minutes.export import FORMATS
from minutes.llm.weights import LLM_MODELS
from minutes.registry import MODELS
from minutes.settings import available_presets
from tests import media
from tests.cli.conftest import Cli, Stages, Stored
from tests.fakes import FakeTranscriber
from tests.media import Library

OK_LINE = re.compile(
    r"^✓ meeting (\d+)  (.+?)  (\d+:\d\d)  (\S+)  (\d+) speakers?, (\d+) utterances?  \((.+)\)$"
)


def ok_lines(text: str) -> list[re.Match[str]]:
    found = [OK_LINE.match(line) for line in text.splitlines() if line.startswith("✓")]
    assert all(found), text
    return [m for m in found if m]


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("✗")]


def process_one(cli: Cli, path: Path, *args: str) -> int:
    """Process a file that must succeed; return its meeting id."""
    result = cli("process", path, *args)
    assert result.exit_code == 0, result.output
    (line,) = ok_lines(result.stdout)
    return int(line.group(1))


# --- process -----------------------------------------------------------------------------


def test_process_prints_one_result_line_per_file(cli: Cli, lib: Library, stages: Stages) -> None:
    files = [lib.good[name].path for name in media.GOOD_NAMES]
    result = cli("process", *files)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = ok_lines(result.stdout)
    assert [m.group(2) for m in lines] == [str(p.resolve()) for p in files]
    assert [int(m.group(1)) for m in lines] == list(range(1, len(files) + 1))
    for m in lines:
        # 3 s of tone: the fake hears three words (one utterance) in English; its diarizer, turning
        # every 3 s, may hear a second voice in the last instant, without a word: counted, as
        # `minutes list` counts it
        assert (m.group(3), m.group(4), m.group(6)) == ("0:03", "en", "1")
        assert m.group(5) in ("1", "2")
        assert m.group(7).startswith("done in ")
    assert stages.calls == (len(files), len(files))


def test_process_json_prints_one_object_per_file(cli: Cli, lib: Library) -> None:
    files = [lib.good["wav"].path, lib.good["webm"].path]
    result, rows = cli.json_lines("process", "--json", *files)
    assert result.exit_code == 0, result.output
    assert len(rows) == 2
    for row, path in zip(rows, files, strict=True):
        assert {"meeting_id", "status", "error", "path"} <= set(row)
        assert row["status"] == "done" and row["error"] is None
        assert row["path"] == str(path.resolve())
        assert (
            row["utterances"] == 1 and row["speakers"] == 1 and row["duration"] == pytest.approx(3.0, abs=0.1)
        )
        assert set(row["stages"]) == {"transcribe", "diarize", "recover", "attribute", "summarize"}
    assert [r["meeting_id"] for r in rows] == [1, 2]


def test_a_batch_with_bad_files_processes_the_good_ones_and_names_each_bad_one(
    cli: Cli, lib: Library, stored: Callable[[], Stored]
) -> None:
    good = [lib.good["wav"].path, lib.edge["blip"].path, lib.good["mkv"].path]
    bad = list(lib.bad.values())
    files = [good[0], *(b.path for b in bad[:5]), good[1], *(b.path for b in bad[5:]), good[2]]
    result = cli("process", *files)

    assert result.exit_code == 1
    assert [m.group(2) for m in ok_lines(result.stdout)] == [str(p.resolve()) for p in good]
    errors = error_lines(result.stderr)
    assert len(errors) == len(bad), result.stderr
    for b in bad:
        mine = [line for line in errors if b.path.name in line]
        assert len(mine) == 1, f"{b.name}: {errors}"
        assert b.matches(mine[0]), mine[0]
    assert not error_lines(result.stdout)

    # Nothing half-written: the database knows only the good files.
    now = stored()
    assert sorted(name for name, _ in now.recordings) == sorted(p.name for p in good)
    assert sorted(m.title for m in now.meetings) == sorted(p.stem for p in good)
    assert {m.status for m in now.meetings} == {"done"}
    listed = cli.json("list", "--json")
    assert sorted(row["title"] for row in listed) == sorted(p.stem for p in good)


def test_bad_files_in_json_mode_are_failed_objects_on_stdout(cli: Cli, lib: Library) -> None:
    bad = lib.bad["text"]
    result, rows = cli.json_lines("process", "--json", bad.path, lib.good["flac"].path)
    assert result.exit_code == 1
    assert [r["status"] for r in rows] == ["failed", "done"]
    assert (
        rows[0]["meeting_id"] is None and bad.path.name in rows[0]["error"] and bad.matches(rows[0]["error"])
    )
    assert rows[1]["error"] is None and rows[1]["meeting_id"] == 1


def test_silence_is_a_done_meeting_without_utterances(cli: Cli, lib: Library) -> None:
    result, (row,) = cli.json_lines("process", "--json", lib.edge["silence"].path)
    assert result.exit_code == 0, result.output
    assert row["status"] == "done" and row["utterances"] == 0
    assert row["duration"] == pytest.approx(60.0, abs=0.1)
    shown = cli("show", str(row["meeting_id"]))
    assert shown.exit_code == 0 and "(no speech)" in shown.stdout


def test_noise_and_an_odd_file_name_are_processed(cli: Cli, lib: Library) -> None:
    odd = lib.edge["odd_name"].path
    result = cli("process", lib.edge["noise"].path, odd)
    assert result.exit_code == 0, result.output
    assert [m.group(2) for m in ok_lines(result.stdout)][1] == str(odd.resolve())
    titles = {row["title"] for row in cli.json("list", "--json")}
    assert titles == {"noise", 'réunion d\'équipe "Q3"'}
    _, rows = cli.json_lines("process", "--json", odd)
    assert rows[0]["path"].endswith('réunion d\'équipe "Q3".wav')  # not \u-escaped


def test_same_file_twice_is_reused_and_force_redoes_it(
    cli: Cli, lib: Library, stages: Stages, tmp_path: Path
) -> None:
    tone = lib.good["m4a"].path
    first = process_one(cli, tone)
    assert stages.calls == (1, 1)

    again = cli("process", tone)
    (line,) = ok_lines(again.stdout)
    assert int(line.group(1)) == first and line.group(7) == "reused"
    assert stages.calls == (1, 1)

    copy = tmp_path / "Copy of the sync.m4a"
    shutil.copyfile(tone, copy)
    _, (row,) = cli.json_lines("process", "--json", copy)
    assert (row["status"], row["meeting_id"]) == ("reused", first)
    assert set(row["stages"].values()) == {"cached"}
    assert stages.calls == (1, 1)

    forced = cli("process", "--force", copy)
    (line,) = ok_lines(forced.stdout)
    assert int(line.group(1)) == first and line.group(7).startswith("done in")
    assert stages.calls == (2, 2)
    assert len(cli.json("list", "--json")) == 1


def test_force_can_come_from_the_environment(cli: Cli, lib: Library, stages: Stages) -> None:
    tone = lib.good["wav"].path
    process_one(cli, tone)
    result = cli("process", tone, env={"MINUTES_PROCESS_FORCE": "1"})
    assert "reused" not in result.stdout and stages.calls == (2, 2)


def test_a_failing_stage_marks_the_meeting_failed_and_the_batch_goes_on(
    cli: Cli, lib: Library, stages: Stages
) -> None:
    class FailsOnce(FakeTranscriber):
        def transcribe(self, wave: Any, *, progress: Any = None) -> Any:
            try:
                return super().transcribe(wave, progress=progress)
            finally:
                self.fail = None

    stages.transcriber = FailsOnce(fail=RuntimeError("boom"))
    broken, fine = lib.good["wav"].path, lib.good["ogg"].path
    result = cli("process", broken, fine)

    assert result.exit_code == 1
    assert error_lines(result.stderr) == ["✗ tone.wav: processing failed (RuntimeError: boom)"]
    (line,) = ok_lines(result.stdout)
    assert line.group(2) == str(fine.resolve())

    failed = json.loads(cli("export", "1", "--format", "json").stdout)
    assert failed["status"] == "failed" and "RuntimeError: boom" in failed["error"]
    assert {row["id"]: row["status"] for row in cli.json("list", "--json")} == {1: "failed", 2: "done"}

    # Running the same command again finishes the failed one; its finished diarization is kept.
    diarized = stages.diarizer.calls
    retry = cli("process", broken)
    assert retry.exit_code == 0, retry.output
    assert int(ok_lines(retry.stdout)[0].group(1)) == 1
    assert stages.diarizer.calls == diarized
    assert json.loads(cli("export", "1", "--format", "json").stdout)["error"] is None


@contextmanager
def logging_as_in_a_shell() -> Iterator[None]:
    """Root logger without pytest's capture handlers, so ``main``'s ``basicConfig`` takes effect."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_a_failing_stage_is_one_line_not_a_traceback(cli: Cli, lib: Library, stages: Stages) -> None:
    stages.transcriber = FakeTranscriber(fail=RuntimeError("boom"))
    with logging_as_in_a_shell():
        result = cli("process", lib.good["wav"].path)
    assert result.exit_code == 1
    assert result.stderr == "✗ tone.wav: processing failed (RuntimeError: boom)\n"


def test_title_and_date_are_stored(cli: Cli, lib: Library) -> None:
    meeting = process_one(
        cli, lib.good["wav"].path, "--title", "Budget review", "--date", "2024-03-01 09:30:00"
    )
    doc = json.loads(cli("export", str(meeting), "--format", "json").stdout)
    assert doc["title"] == "Budget review" and doc["meeting_date"].startswith("2024-03-01T09:30")


def test_title_with_several_files_is_a_usage_error(cli: Cli, lib: Library, stages: Stages) -> None:
    result = cli("process", "--title", "x", lib.good["wav"].path, lib.good["mp3"].path)
    assert result.exit_code == 2 and "--title names one meeting" in result.stderr
    assert stages.builds == []


def test_process_without_files_is_a_usage_error(cli: Cli) -> None:
    result = cli("process")
    assert result.exit_code == 2 and "Missing argument 'FILES...'" in result.stderr


def test_a_file_name_starting_with_a_dash(cli: Cli, lib: Library, tmp_path: Path, monkeypatch: Any) -> None:
    shutil.copyfile(lib.good["wav"].path, tmp_path / "-agenda.wav")
    monkeypatch.chdir(tmp_path)
    result = cli("process", "--", "-agenda.wav")
    assert result.exit_code == 0, result.output


# --- reading back ------------------------------------------------------------------------


def test_list_before_anything_is_processed(cli: Cli) -> None:
    result = cli("list")
    assert result.exit_code == 0 and "no meetings yet" in result.stdout
    assert cli.json("list", "--json") == []


def test_list_shows_newest_first(cli: Cli, lib: Library) -> None:
    cli("process", lib.good["wav"].path, lib.good["flac"].path)
    table = cli("list").stdout.splitlines()
    assert table[0].split() == [
        "ID",
        "STATUS",
        "DURATION",
        "LANG",
        "SPEAKERS",
        "UTTERANCES",
        "CREATED",
        "TITLE",
    ]
    assert [line.split()[:6] for line in table[1:]] == [
        ["2", "done", "0:03", "en", "1", "1"],
        ["1", "done", "0:03", "en", "1", "1"],
    ]
    rows = cli.json("list", "--json")
    assert [r["id"] for r in rows] == [2, 1]
    assert set(rows[0]) >= {
        "id",
        "title",
        "status",
        "duration",
        "language",
        "speakers",
        "utterances",
        "sha256",
    }
    assert [r["id"] for r in cli.json("list", "--json", "--limit", "1")] == [2]
    limited = cli("list", "--json", env={"MINUTES_LIST_LIMIT": "1"})
    assert [r["id"] for r in json.loads(limited.stdout)] == [2]


def test_show_prints_the_transcript(cli: Cli, lib: Library) -> None:
    meeting = process_one(cli, lib.good["mp3"].path)
    result = cli("show", str(meeting))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "tone"
    assert "[00:00:00] SPEAKER_00: word0 word1 word2" in result.stdout


@pytest.mark.parametrize("command", [["show", "999"], ["export", "999"], ["delete", "999", "--yes"]])
def test_an_unknown_meeting_is_a_one_line_error(cli: Cli, command: list[str]) -> None:
    result = cli(*command)
    assert result.exit_code == 1
    assert result.stderr == "error: no meeting with id 999; `minutes list` shows the ids\n"
    assert result.stdout == ""


def _check_export(fmt: str, text: str) -> None:
    if fmt == "json":
        doc = json.loads(text)
        assert doc["schema"] == "minutes.meeting/1" and doc["utterances"][0]["text"] == "word0 word1 word2"
    elif fmt == "rttm":
        # The diarization's turns (the fake's first starts at 0 s), not the words' (first at 0.1 s).
        assert text.startswith("SPEAKER meeting-1-tone 1 0.000 ") and "SPEAKER_00" in text
    elif fmt == "srt":
        assert text.startswith("1\n00:00:00,100 --> ") and "word0" in text
    elif fmt == "vtt":
        assert text.startswith("WEBVTT") and "00:00:00.100 --> " in text and "word0" in text
    elif fmt == "md":
        assert text.startswith("# tone\n") and "**SPEAKER\\_00** [00:00:00](#t=0.1) word0 word1 word2" in text
    else:
        assert "[00:00:00] SPEAKER_00: word0 word1 word2" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_every_format_to_stdout_and_to_a_file(
    cli: Cli, lib: Library, tmp_path: Path, fmt: str
) -> None:
    meeting = process_one(cli, lib.good["wav"].path)
    to_stdout = cli("export", str(meeting), "--format", fmt)
    assert to_stdout.exit_code == 0 and to_stdout.stderr == ""
    _check_export(fmt, to_stdout.stdout)

    target = tmp_path / f"out.{fmt}"
    to_file = cli("export", str(meeting), "-f", fmt, "-o", target)
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert to_file.stderr == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == to_stdout.stdout

    folder = tmp_path / "exports"
    folder.mkdir()
    cli("export", str(meeting), "-f", fmt, "-o", folder)
    assert [p.name for p in folder.iterdir()] == [f"meeting-1-tone.{fmt}"]


def test_export_defaults_to_markdown(cli: Cli, lib: Library) -> None:
    process_one(cli, lib.good["wav"].path)
    assert cli("export", "1").stdout.startswith("# tone\n")


def test_export_reads_its_format_from_the_environment(cli: Cli, lib: Library) -> None:
    process_one(cli, lib.good["wav"].path)
    assert cli("export", "1", env={"MINUTES_EXPORT_FORMAT": "vtt"}).stdout.startswith("WEBVTT")


def test_export_to_an_unknown_format_lists_the_choices(cli: Cli) -> None:
    result = cli("export", "1", "--format", "docx")
    assert result.exit_code == 2
    assert "'docx' is not one of 'json', 'md', 'txt', 'srt', 'vtt', 'rttm'" in result.stderr


def test_rename_a_speaker_shows_in_every_export(cli: Cli, lib: Library) -> None:
    meeting = str(process_one(cli, lib.good["flac"].path))
    result = cli("rename", meeting, "SPEAKER_00", "Zoë O'Brien")
    assert result.exit_code == 0 and result.stdout == "meeting 1: SPEAKER_00 is now Zoë O'Brien\n"
    assert "[00:00:00] Zoë O'Brien: word0 word1 word2" in cli("export", meeting, "-f", "txt").stdout
    assert "Zoë O'Brien" in cli("export", meeting, "-f", "md").stdout
    assert "Zoë O'Brien" in cli("show", meeting).stdout
    doc = json.loads(cli("export", meeting, "-f", "json").stdout)
    assert doc["utterances"][0]["speaker_name"] == "Zoë O'Brien"
    # RTTM names the person too (issue 11): the diarization's turns, under the name given.
    rttm = cli("export", meeting, "-f", "rttm").stdout
    assert "Zoë_O'Brien" in rttm and "SPEAKER_00" not in rttm


def test_rename_an_unknown_speaker_lists_the_real_ones(cli: Cli, lib: Library) -> None:
    meeting = str(process_one(cli, lib.good["flac"].path))
    result = cli("rename", meeting, "SPEAKER_07", "Bob")
    assert result.exit_code == 1
    assert result.stderr == "error: meeting 1 has no speaker 'SPEAKER_07'; its speakers are: SPEAKER_00\n"


def test_delete_removes_the_meeting_and_its_recording_row_but_never_the_users_file(
    cli: Cli, lib: Library, stored: Callable[[], Stored], stages: Stages
) -> None:
    tone = lib.good["wav"].path
    meeting = str(process_one(cli, tone))
    kept = cli("delete", meeting, input="n\n")
    assert kept.exit_code == 1 and "delete meeting 1?" in kept.stdout and "Aborted" in kept.stderr
    assert len(cli.json("list", "--json")) == 1

    result = cli("delete", meeting, "--yes")
    assert result.exit_code == 0 and result.stdout == "deleted meeting 1 (tone)\n"
    assert cli.json("list", "--json") == []
    assert cli("show", meeting).exit_code == 1
    assert stored().recordings == [] and tone.exists()

    # Processing it again makes a new meeting.
    process_one(cli, tone)
    assert stages.calls == (2, 2) and [r["status"] for r in cli.json("list", "--json")] == ["done"]


# --- models, database ----------------------------------------------------------------------


def test_models_list_table_and_json_agree(cli: Cli) -> None:
    rows = cli.json("models", "list", "--json")
    assert [r["name"] for r in rows] == list(MODELS) + list(LLM_MODELS)
    for row in rows:
        assert row["kind"] in {"asr", "segmentation", "embedding", "text-embedding", "llm"}
        assert row["packages"] and row["licence"]
        if row["installed"]:
            assert row["size"] > 0 and Path(row["path"]).exists() and row["problem"] is None
        else:
            assert row["size"] is None and row["path"] is None
    table = cli("models", "list").stdout.splitlines()
    assert table[0].split() == ["NAME", "KIND", "INSTALLED", "SIZE", "LICENCE", "FROM"]
    for line, row in zip(table[1:], rows, strict=True):
        name, kind, installed = line.split()[:3]
        assert (name, kind, installed) == (row["name"], row["kind"], "yes" if row["installed"] else "NO")


def test_db_upgrade_is_idempotent_and_status_tells(cli: Cli, minutes_home: Path) -> None:
    head = store.head_revision()
    before = cli("db", "status")
    assert before.exit_code == 0
    assert (
        before.stdout
        == f"sqlite:///{minutes_home / 'minutes.db'}: revision none (needs `minutes db upgrade`)\n"
    )

    first = cli("db", "upgrade")
    assert first.exit_code == 0 and first.stdout == f"database at revision {head} (was empty)\n"
    second = cli("db", "upgrade")
    assert second.exit_code == 0 and second.stdout == f"database at revision {head}\n"

    after = cli("db", "status")
    assert after.stdout == f"sqlite:///{minutes_home / 'minutes.db'}: revision {head} (up to date)\n"


def test_database_url_from_the_environment_is_used(
    cli: Cli, lib: Library, tmp_path: Path, minutes_home: Path
) -> None:
    other = tmp_path / "elsewhere" / "team.db"
    env = {"MINUTES_DATABASE_URL": f"sqlite:///{other}"}
    result = cli("process", lib.good["wav"].path, env=env)
    assert result.exit_code == 0, result.output
    assert other.is_file()
    assert [r["title"] for r in json.loads(cli("list", "--json", env=env).stdout)] == ["tone"]
    assert cli("db", "status", env=env).stdout.startswith(f"sqlite:///{other}: revision ")
    assert cli.json("list", "--json") == []  # the default database (in MINUTES_HOME) is untouched


# --- options from the environment ------------------------------------------------------------


def test_unknown_preset_from_the_environment_lists_the_choices(
    cli: Cli, lib: Library, stages: Stages
) -> None:
    result = cli("process", lib.good["wav"].path, env={"MINUTES_PRESET": "nonexistent"})
    assert result.exit_code != 0
    choices = ", ".join(sorted(available_presets()))
    assert "cpu-fast" in choices
    assert (
        result.stderr == f"error: unknown preset 'nonexistent'; choose one of: {choices} (or a .toml path)\n"
    )
    assert stages.builds == [] and stages.calls == (0, 0)


def test_process_options_reach_the_factory_from_flags_and_environment(
    cli: Cli, lib: Library, stages: Stages
) -> None:
    tone = lib.good["wav"].path
    cli(
        "process",
        tone,
        "--preset",
        "cpu-balanced",
        "--model",
        "base",
        "--language",
        "de",
        "--threads",
        "3",
        "--speakers",
        "2",
        "--sequential",
    )
    env = {
        "MINUTES_PRESET": "cpu-balanced",
        "MINUTES_MODEL": "base",
        "MINUTES_LANGUAGE": "de",
        "MINUTES_THREADS": "3",
    }
    cli("process", tone, env=env)
    flags, from_env = stages.builds
    for build in (flags, from_env):
        assert build["preset"] == "cpu-balanced" and build["threads"] == 3
        assert build["transcribe"] == {"model": "base", "language": "de", "hotwords": None}
    assert flags["diarize"]["num_speakers"] == 2 and flags["parallel"] is False
    assert from_env["parallel"] is True


def test_vocabulary_file_is_read(cli: Cli, lib: Library, stages: Stages, tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("Zoë\nKubernetes\n", encoding="utf-8")
    assert cli("process", lib.good["wav"].path, "--vocabulary", words).exit_code == 0
    assert stages.builds[0]["transcribe"]["hotwords"]
    missing = cli("process", lib.good["wav"].path, "--vocabulary", tmp_path / "nope.txt")
    assert missing.exit_code == 2 and "nope.txt" in missing.stderr and "does not exist" in missing.stderr


# --- help ------------------------------------------------------------------------------------


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


ALL_COMMANDS = [((), main), *_commands(main)]


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path, _ in ALL_COMMANDS}
    assert {
        "process",
        "list",
        "show",
        "export",
        "rename",
        "delete",
        "models list",
        "db upgrade",
        "db status",
    } <= names


@pytest.mark.parametrize(
    "path,command", ALL_COMMANDS, ids=[" ".join(p) or "minutes" for p, _ in ALL_COMMANDS]
)
def test_every_command_and_option_has_help(cli: Cli, path: tuple[str, ...], command: click.Command) -> None:
    assert (command.help or "").strip(), f"`minutes {' '.join(path)}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"`minutes {' '.join(path)}` option {param.opts} has no help"
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: main {' '.join(path)}".rstrip())
    assert command.get_short_help_str().rstrip(".") in " ".join(result.stdout.split())
