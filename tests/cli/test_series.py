"""``minutes series`` and ``minutes ledger``: meetings imported into a series are linked, the ledger
says what was promised and whether it happened, a bad series name stores nothing, and a link can be
undone by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minutes import factory
from minutes.cli import series as series_cli
from minutes.settings import Preset
from minutes.summarize.summarizer import Summarizer
from tests.cli.conftest import Cli, Stored
from tests.fakes import FakeLLM

WEEKS = [
    (
        "2026-03-02",
        "Priya: Tom, can you fix the memory leak in the importer by Friday?\n"
        "Tom: Sure, I will fix the memory leak in the importer by Friday.\n"
        "Priya: And I will write the press release by Friday.\n",
    ),
    (
        "2026-03-09",
        "Priya: Tom, the memory leak?\n"
        "Tom: The memory leak is fixed, I merged it on Tuesday.\n"
        "Priya: I need one more week for the press release.\n",
    ),
    ("2026-03-16", "Priya: The press release went out this morning.\nTom: Great.\n"),
]


@pytest.fixture(autouse=True)
def llm(monkeypatch: pytest.MonkeyPatch) -> None:
    def build_summarizer(preset: Preset, **_: Any) -> Summarizer:
        return Summarizer(FakeLLM())

    monkeypatch.setattr(factory, "build_summarizer", build_summarizer)
    monkeypatch.setattr(series_cli, "today_here", lambda: __import__("datetime").date(2026, 3, 20))


def imported(cli: Cli, tmp_path: Path) -> list[int]:
    ids = []
    for n, (day, text) in enumerate(WEEKS):
        path = tmp_path / f"sync-{n}.txt"
        path.write_text(text, encoding="utf-8")
        [row] = cli.json_lines(
            "import", path, "--date", day, "--title", "Product sync", "--series", "Product sync", "--json"
        )[1]
        ids.append(row["meeting_id"])
    return ids


def test_imports_into_a_series_make_a_ledger(cli: Cli, tmp_path: Path) -> None:
    ids = imported(cli, tmp_path)

    [listed] = cli.json("series", "list", "--json")
    assert (listed["name"], listed["meetings"], listed["last"]) == ("Product sync", 3, "2026-03-16")
    ledger = cli.json("ledger", "--json")
    by_owner = {c["owner"]: c for c in ledger}
    leak, press = by_owner["Tom"], by_owner["Priya"]
    assert leak["status"] == "done" and [e["event"] for e in leak["history"]] == ["promised", "done"]
    assert leak["history"][1]["meeting_id"] == ids[1] and leak["history"][1]["line"] == 1
    assert (press["status"], press["due"], press["first_due"], press["slips"]) == (
        "done",
        "2026-03-13",
        "2026-03-06",
        1,
    )
    assert [e["event"] for e in press["history"]] == ["promised", "redated", "done"]
    assert cli.json("ledger", "--status", "open", "--json") == []
    assert [c["owner"] for c in cli.json("ledger", "--owner", "tom", "--json")] == ["Tom"]

    shown = cli("series", "show", "product sync")
    assert shown.exit_code == 0 and "3 meetings" in shown.stdout and "**Done**" in shown.stdout
    data = cli.json("series", "show", str(listed["id"]), "--json")
    assert [m["id"] for m in data["meetings"]] == ids
    assert data["since_last_time"]["closed"][0]["owner"] == "Priya"
    table = cli("ledger")
    assert table.exit_code == 0 and "done" in table.stdout and "Product sync" in table.stdout

    # Undo the close of the leak by hand: it is open again (overdue on 20 March) and stays so.
    link = leak["history"][1]["link_id"]
    assert cli("ledger", "reject", str(link)).exit_code == 0
    assert cli("summarize", str(ids[1]), "--force").exit_code == 0
    again = {c["owner"]: c for c in cli.json("ledger", "--json")}
    assert (again["Tom"]["status"], len(again["Tom"]["history"])) == ("overdue", 1)
    md = cli("export", str(ids[1]), "-f", "md").stdout
    assert "## Since last time" in md and "**Slipped**" in md


def test_bad_names_and_ids_are_clear_errors(cli: Cli, tmp_path: Path, stored: Any) -> None:
    path = tmp_path / "a.txt"
    path.write_text(WEEKS[0][1], encoding="utf-8")

    bad = cli("import", path, "--series", "\x1b[2Jwipe")
    assert bad.exit_code == 2 and "series name" in bad.stderr
    assert stored().meetings == []
    missing = cli("series", "show", "nope")
    assert missing.exit_code != 0 and "minutes series list" in missing.stderr
    assert "no ledger link 999" in cli("ledger", "confirm", "999").stderr
    assert cli("series", "set", "7", "Weekly").exit_code != 0
    assert cli("ledger", "--status", "late").exit_code == 2


def test_a_meeting_is_suggested_for_the_series_of_its_title(cli: Cli, tmp_path: Path, stored: Stored) -> None:
    imported(cli, tmp_path)
    path = tmp_path / "next.txt"
    path.write_text("Priya: Quick one today.\n", encoding="utf-8")
    [row] = cli.json_lines("import", path, "--title", "Product sync #4", "--json")[1]

    [found] = cli.json("series", "suggest", str(row["meeting_id"]), "--json")
    assert found["name"] == "Product sync" and "same title" in found["reason"]
    assert cli("series", "set", str(row["meeting_id"]), str(found["series_id"])).exit_code == 0
    assert cli.json("series", "list", "--json")[0]["meetings"] == 4
    assert cli("series", "unset", str(row["meeting_id"])).exit_code == 0
    assert cli.json("series", "list", "--json")[0]["meetings"] == 3
    assert cli("series", "delete", "product sync").exit_code == 0
    assert cli.json("series", "list", "--json") == [] and cli.json("ledger", "--json") == []
    assert cli("series", "delete", "product sync").exit_code != 0
