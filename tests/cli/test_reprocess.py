"""``minutes process --force`` over a person's edits: the result line, ``--json`` and ``show`` say what
became of them (fake model stages, the real command line and database)."""

from __future__ import annotations

import pytest

from minutes import db as store
from minutes import factory
from minutes.factory import open_store
from minutes.summarize.summarizer import Summarizer
from minutes.types import MinuteItem, Minutes
from tests.cli.conftest import Cli, Stages
from tests.cli.test_cli import ok_lines
from tests.fakes import FakeTranscriber
from tests.media import Library


def corrected_meeting(cli: Cli, lib: Library) -> int:
    """One processed recording (3 s: the fake hears "word0 word1 word2", one line) a person corrected."""
    (row,) = cli.json_lines("process", "--json", lib.good["wav"].path)[1]
    with store.session_scope(open_store()) as s:
        store.correct_utterance(s, meeting_id=row["meeting_id"], index=0, text="Hello brave world")
        store.rename_speaker(s, meeting_id=row["meeting_id"], label="SPEAKER_00", name="Priya Shah")
    return int(row["meeting_id"])


def test_force_keeps_a_correction_and_says_so(cli: Cli, lib: Library) -> None:
    meeting_id = corrected_meeting(cli, lib)

    result, (row,) = cli.json_lines("process", "--json", "--force", lib.good["wav"].path)

    assert result.exit_code == 0 and row["status"] == "done"
    assert row["edits"] == {
        "carried": {"line": 1, "speaker": 1, "action": 0},
        "not_carried": {"line": 0, "speaker": 0, "action": 0},
    }
    show = cli("show", str(meeting_id))
    assert "Priya Shah" in show.stdout and "Hello brave world" in show.stdout
    assert "could not be carried" not in show.stdout

    line = cli("process", "--force", lib.good["wav"].path)
    (m,) = ok_lines(line.stdout)
    assert m.group(7).endswith("; kept your 1 correction, 1 speaker name")


def test_force_counts_what_it_could_not_carry_and_show_lists_it(
    cli: Cli, lib: Library, stages: Stages
) -> None:
    meeting_id = corrected_meeting(cli, lib)

    stages.transcriber = FakeTranscriber(drop_after=0.0, deaf_below=100.0)  # hears nothing this time
    result = cli("process", "--force", lib.good["wav"].path)

    assert result.exit_code == 0
    (m,) = ok_lines(result.stdout)
    # The speaker is still diarized (without words): the name stays with it; the line is gone.
    assert m.group(7).endswith(
        "; kept your 1 speaker name; ⚠ 1 correction could not be carried onto the new output and is "
        f"kept: `minutes show {meeting_id}` lists it"
    )
    show = cli("show", str(meeting_id)).stdout
    assert "⚠ 1 of your edits could not be carried" in show
    assert "correction  0:00–0:03  “word0 word1 word2” → “Hello brave world”" in show

    stages.transcriber = FakeTranscriber()  # hears the words again: the correction goes back on
    _, (row,) = cli.json_lines("process", "--json", "--force", lib.good["wav"].path)
    assert row["edits"]["carried"]["line"] == 1 and row["edits"]["not_carried"]["line"] == 0
    assert "Hello brave world" in cli("show", str(meeting_id)).stdout


def test_summarize_force_counts_a_done_tick_it_could_not_carry(
    cli: Cli, lib: Library, stages: Stages, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factory, "build_summarizer", lambda *_a, **_k: Summarizer(stages.llm))
    (row,) = cli.json_lines("process", "--json", lib.good["wav"].path)[1]
    meeting_id = int(row["meeting_id"])
    ticked = Minutes(
        summary="Agreed.", items=(MinuteItem(kind="action", text="Send the deck", owner="SPEAKER_00"),)
    )
    with store.session_scope(open_store()) as s:
        store.save_minutes(s, meeting_id=meeting_id, minutes=ticked)
        store.set_item_done(s, meeting_id=meeting_id, position=0, done=True)

    # The new minutes (of "word0 word1 word2") have no such item: the tick is counted and kept.
    result = cli("summarize", str(meeting_id), "--force")

    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(
        "⚠ 1 done tick could not be carried onto the new output and is kept: "
        f"`minutes show {meeting_id}` lists it)"
    )
    assert "  done tick  “Send the deck” (SPEAKER_00)" in cli("show", str(meeting_id)).stdout
