"""``minutes eval``: a user scores a stored meeting against their own references."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli
from tests.cli.test_cli import process_one
from tests.media import Library


def references(cli: Cli, meeting: int, folder: Path) -> dict[str, Path]:
    """References that agree with what was stored: the words, who said them, who spoke when."""
    doc = json.loads(cli("export", meeting, "-f", "json").stdout)
    stm = "".join(f"m 1 {u['speaker']} {u['start']} {u['end']} {u['text']}\n" for u in doc["utterances"])
    paths = {
        "txt": folder / "ref.txt",
        "stm": folder / "ref.stm",
        "rttm": folder / "ref.rttm",
        "items": folder / "items.json",
    }
    paths["txt"].write_text(" ".join(u["text"] for u in doc["utterances"]), encoding="utf-8")
    paths["stm"].write_text(stm, encoding="utf-8")
    paths["rttm"].write_text(cli("export", meeting, "-f", "rttm").stdout, encoding="utf-8")
    paths["items"].write_text(
        json.dumps({"decisions": ["We move the launch to March"], "actions": []}), encoding="utf-8"
    )
    return paths


def test_eval_prints_one_table_and_json(cli: Cli, lib: Library, tmp_path: Path) -> None:
    meeting = process_one(cli, lib.good["flac"].path)
    ref = references(cli, meeting, tmp_path)

    result = cli("eval", meeting, "--transcript", ref["stm"], "--rttm", ref["rttm"], "--items", ref["items"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["measure", "value", "detail"]
    rows = {line.split("  ")[0]: line for line in lines[1:]}
    assert "0.0%" in rows["WER"] and "0.0%" in rows["cpWER"] and "0.0%" in rows["DER"]
    assert "0 of 1 found" in rows["decisions"]

    data = cli.json("eval", meeting, "--transcript", ref["txt"], "--json")
    assert data["wer"] == 0.0 and data["cpwer"] is None and data["der"] is None and data["items"] == []


def test_eval_refuses_bad_references_and_unknown_meetings(cli: Cli, lib: Library, tmp_path: Path) -> None:
    meeting = process_one(cli, lib.good["flac"].path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"actions": [{"task": "x", "due": "Friday"}]}', encoding="utf-8")

    result = cli("eval", meeting, "--items", bad)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"error: reference items {bad}: actions[0] due 'Friday' is not YYYY-MM-DD\n"

    none = cli("eval", meeting)
    assert none.exit_code == 2 and "give at least one reference" in none.stderr

    unknown = cli("eval", "999", "--transcript", bad)
    assert unknown.exit_code == 1
    assert unknown.stderr == "error: no meeting with id 999; `minutes list` shows the ids\n"
