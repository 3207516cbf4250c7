"""``minutes process`` on hostile and broken media: playlists refused, cut-short recordings processed
and marked (in ``--json``, the result line, ``show`` and the JSON export), nothing else opened."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import hostile
from tests.cli.conftest import Cli
from tests.cli.test_cli import process_one
from tests.hostile import Corpus
from tests.media import Library
from tests.openwatch import OpenWatch


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("hostile")
    return hostile.corpus(folder, secret=hostile.secret_recording(folder))


def test_a_cut_short_recording_is_processed_and_marked_everywhere(cli: Cli, lib: Library) -> None:
    cut = lib.edge["cut_mp3"].path  # the first half of an MP3
    result, (row,) = cli.json_lines("process", "--json", cut)
    assert result.exit_code == 0 and row["status"] == "done" and row["utterances"] > 0
    (warning,) = row["warnings"]
    assert re.fullmatch(
        r"incomplete recording: the file says it lasts 3\.\d s, but only 1\.\d s could be decoded "
        r"\(cut short, as by an interrupted upload or copy, or damaged\); the transcript and the "
        r"minutes cover only that",
        warning,
    ), warning
    meeting = row["meeting_id"]

    assert f"Warning: {warning}" in cli("show", meeting).stdout.splitlines()
    assert json.loads(cli("export", meeting, "-f", "json").stdout)["warnings"] == [warning]
    assert f"> ⚠ The recording: {warning}" in cli("export", meeting, "-f", "md").stdout
    again = cli("process", cut)  # reused: the line still says it
    assert again.stdout.splitlines()[1] == f"  ⚠ {warning}"

    whole = process_one(cli, lib.good["mp3"].path)
    assert json.loads(cli("export", whole, "-f", "json").stdout)["warnings"] == []
    assert "Warning:" not in cli("show", whole).stdout


def test_process_takes_a_sample_of_the_fuzz_corpus_one_clear_line_each(cli: Cli, corpus: Corpus) -> None:
    cases = corpus.sample(per_kind=6)
    with OpenWatch(corpus.secret) as watch:
        result, rows = cli.json_lines("process", "--json", *(c.path for c in cases))
        assert watch.touched() == []
    assert result.exit_code == 1  # some failed; every file was still tried
    assert [Path(r["path"]).name for r in rows] == [c.path.name for c in cases]
    for case, row in zip(cases, rows, strict=True):
        if row["status"] == "failed":
            error = row["error"]
            assert error.startswith(f"{case.path}: ") and error.isprintable(), error
        else:
            # "reused": a byte overwritten with the value it had is the same recording again
            assert row["status"] in ("done", "reused") and row["meeting_id"] is not None, row
            assert all(w.isprintable() for w in row["warnings"])
        if case.kind == "playlist":
            assert row["status"] == "failed" and case.refused_as in row["error"], row
        if case.kind == "whole":
            assert (row["status"], row["warnings"]) == ("done", []), row
    assert {"done", "failed"} <= {r["status"] for r in rows}
