"""What any command prints goes through one visible output (``cli/terminal.py``; issue 12, finding 2).

The commands that print stored text are driven end to end in tests/web/test_terminal.py; here,
the other ways text reaches the terminal: a file name in ``process``'s error line, a log line,
and a name in a progress bar, which rich would read as markup.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from minutes.cli.render import ProgressDisplay
from minutes.cli.terminal import VisibleStream, visible_output
from tests.cli.conftest import Cli

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
HOSTILE = "weekly\x1b]0;pwned\x07\x1b]8;;https://evil.example/\x1b\\x\x9b2J\u202e"


def test_a_file_name_in_the_error_line_of_process(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / f"{HOSTILE.replace('/', '_')}.wav"
    bad.write_bytes(b"not audio at all")

    result = cli("process", bad)

    assert result.exit_code == 1
    assert RAW_CONTROL.search(result.output) is None, result.output
    assert r"weekly\u001b]0;pwned\u0007\u001b]8;;https:__evil.example_" in result.output


def test_log_lines_and_anything_else_written_to_the_streams() -> None:
    @click.command()
    def noisy() -> None:
        logging.getLogger("minutes.test").warning("job for %s failed", HOSTILE)
        print(HOSTILE)
        click.echo(HOSTILE, err=True)

    logger = logging.getLogger("minutes.test")
    runner = CliRunner()
    with visible_output():  # as RootGroup runs every command
        handler = logging.StreamHandler()  # made inside a command: on the visible stderr
    logger.addHandler(handler)
    try:
        with runner.isolation() as (out, err, _):
            with visible_output():
                handler.setStream(sys.stderr)
                noisy.main([], standalone_mode=False)
            printed = out.getvalue().decode() + err.getvalue().decode()
    finally:
        logger.removeHandler(handler)

    assert RAW_CONTROL.search(printed) is None, printed
    assert printed.count(r"weekly\u001b]0;pwned\u0007") == 3


def test_layout_survives_and_the_stream_says_what_it_is_on() -> None:
    raw = io.StringIO()
    stream = VisibleStream(raw)

    stream.write("a\tb\nc\r\x00d")

    assert raw.getvalue() == "a\tb\nc\\u000d\\u0000d"
    assert stream.isatty() is False and stream.encoding == raw.encoding


def test_a_name_in_a_progress_bar_is_text_not_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """``[/]`` in a file name was read as rich markup (an error), and ESC reached the terminal."""
    terminal = io.StringIO()
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws the bars as on a terminal
    monkeypatch.setattr(sys, "stderr", VisibleStream(terminal))  # as in every command

    with ProgressDisplay(f"a[/]b{HOSTILE}", enabled=True, stages=("asr",)) as bars:
        bars.update("asr", 0.5)

    drawn = terminal.getvalue()
    assert "a[/]b" in drawn and r"\u001b]0;pwned" in drawn  # (rich drops the BEL itself)
    own_codes = re.compile("\x1b\\[[0-9;?]*[A-Za-z]|\r")  # rich's colours and cursor moves
    assert RAW_CONTROL.search(own_codes.sub("", drawn)) is None, drawn


def test_rich_consoles_and_raw_writes_go_through_the_terminal_module() -> None:
    """The one way to the terminal stays one: no rich console made elsewhere in the command line
    (it would print stored text unescaped, or its own colours escaped), no writes around the
    visible streams."""
    import minutes.cli

    cli = Path(minutes.cli.__file__).parent
    around = re.compile(r"\bConsole\(|\.buffer\.write|os\.write\(|sys\.__stdout__|sys\.__stderr__")
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(cli.glob("*.py"))
        if path.name != "terminal.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if around.search(line)
    ]
    assert found == []
