"""Speech coverage: ``minutes show`` and the JSON export say how much of the speech has words."""

from __future__ import annotations

import json

from minutes.cli.render import coverage_line
from tests.cli.conftest import Cli, Stages
from tests.cli.test_cli import process_one
from tests.media import Library


def test_show_and_json_give_the_coverage_after_the_second_listen(
    cli: Cli, lib: Library, stages: Stages
) -> None:
    stages.transcriber.drop_after = 1.0  # the first pass hears only the first second
    meeting = process_one(cli, lib.good["flac"].path)
    assert stages.transcriber.relistened  # the rest was heard again
    shown = cli("show", meeting).stdout
    assert shown.splitlines()[-1] == "Speech covered by words: 100.0%"
    doc = json.loads(cli("export", meeting, "-f", "json").stdout)
    assert doc["speech_coverage"] == 1.0


def test_low_coverage_is_a_visible_warning() -> None:
    assert coverage_line(0.999) == "Speech covered by words: 99.9%"
    low = coverage_line(0.8).splitlines()
    assert low[0] == "Speech covered by words: 80.0%"
    assert low[1].startswith("⚠ under 95%: stretches of speech have no words")
