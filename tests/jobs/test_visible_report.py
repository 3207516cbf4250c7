"""A batch's report shows a hostile file name, never lets the terminal obey it (issue 12, finding 2).

File names are text no one checked: ``weekly\\x1b]0;pwned\\x07.wav`` in a watched folder comes back
in the failed job's line and the report. See tests/web/test_terminal.py for stored text.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.jobs.conftest import Cli

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_a_failed_file_with_escape_sequences_in_its_name(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "weekly\x1b]0;pwned\x07\x1b[2J\x9b31m.wav").write_text("not audio\n", encoding="utf-8")

    result = cli("batch", folder, "--no-summary")

    assert result.exit_code == 1
    assert RAW_CONTROL.search(result.stdout) is None, result.stdout
    assert RAW_CONTROL.search(result.stderr) is None, result.stderr
    assert (
        r"weekly\u001b]0;pwned\u0007" in result.stderr
    )  # the failed line (click drops the CSI 2J off a tty)
    assert "1 failed" in result.stdout
