"""``minutes ask`` and ``minutes index`` over imported meetings, with the fake model and embedder;
``minutes ask --user`` over two teams' meetings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minutes import factory
from minutes.accounts import audit
from minutes.ask import NOT_FOUND
from minutes.db import session_scope
from minutes.web.config import WebSettings
from tests.cli.conftest import Cli, Stages
from tests.fakes import FakeAskLLM
from tests.web.world import World, build


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, stages: Stages) -> FakeAskLLM:
    llm = FakeAskLLM()
    monkeypatch.setattr(factory, "build_asker", lambda *a, **k: (llm, stages.embedder))
    return llm


@pytest.fixture
def archive(cli: Cli, tmp_path: Path) -> dict[str, int]:
    files = {
        "pricing": "Ana: Hello.\nBen: The enterprise plan will cost 40 euros per seat.\nAna: Agreed.\n",
        "hiring": "Cleo: Next item.\nDan: We will recruit two developers in January.\n",
    }
    ids: dict[str, int] = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text)
        [result] = cli.json_lines("import", path, "--no-summary", "--json", "-q")[1]
        assert result["stages"]["index"] == "ran"
        ids[name] = result["meeting_id"]
    return ids


def test_ask_json_cites_the_line_by_its_export_position(
    cli: Cli, archive: dict[str, int], asked: FakeAskLLM
) -> None:
    body = cli.json("ask", "When", "do", "we", "hire", "engineers?", "--json")
    assert body["found"] is True and set(body) == {"answer", "found", "quoted", "sentences"}
    citation = body["sentences"][0]["citations"][0]
    assert citation["meeting_id"] == archive["hiring"] and citation["speaker"] == "Dan"
    exported = cli.json("export", str(archive["hiring"]), "--format", "json")
    assert exported["utterances"][citation["utterance"]]["text"] == citation["text"]


def test_ask_filters_and_not_found(cli: Cli, archive: dict[str, int], asked: FakeAskLLM) -> None:
    body = cli.json("ask", "hire engineers", "--meeting", str(archive["pricing"]), "--json")
    assert body == {"answer": NOT_FOUND, "found": False, "quoted": False, "sentences": []}
    text = cli("ask", "what will the enterprise plan cost?", "--person", "ben")
    assert (
        text.exit_code == 0 and "Ben said" in text.stdout and f"meeting {archive['pricing']}" in text.stdout
    )
    assert cli("ask", "pricing", "--team", "nobody").exit_code != 0


def test_index_rebuild_embeds_every_meeting_again(cli: Cli, archive: dict[str, int], stages: Stages) -> None:
    before = stages.embedder.calls
    again = cli("index")
    assert again.exit_code == 0 and "indexed 0 meeting(s), 2 already up to date" in again.stdout
    assert stages.embedder.calls == before
    rebuilt = cli("index", "--rebuild")
    assert rebuilt.exit_code == 0 and "indexed 2 meeting(s)" in rebuilt.stdout
    assert stages.embedder.calls > before
    assert cli("index", "999").exit_code != 0


def test_commands_have_help(cli: Cli) -> None:
    for command in ("ask", "index"):
        result: Any = cli(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout


@pytest.fixture
def teams(cli: Cli, tone: Path) -> World:
    """Two teams (tests/web/world.py) in the command line's database, every meeting indexed."""
    world = build(factory.open_store(), WebSettings.from_env().media_dir, tone)
    assert cli("index").exit_code == 0
    return world


def test_ask_as_a_user_cites_only_meetings_they_may_see(cli: Cli, teams: World, asked: FakeAskLLM) -> None:
    # "pricing refunds escalation" is said best in Support's meeting; mona manages Sales only.
    question = ("pricing", "refunds", "escalation", "--json")
    operator = cli.json("ask", *question)
    assert {c["meeting_id"] for s in operator["sentences"] for c in s["citations"]} == {
        teams.meetings["support"]
    }
    # Mona's meetings hold "pricing" only: too little of that question to answer it, and not Support's.
    prompts = len(asked.prompts)
    assert cli.json("ask", *question, "--user", "mona") == {
        "answer": NOT_FOUND,
        "found": False,
        "quoted": False,
        "sentences": [],
    }
    assert len(asked.prompts) == prompts
    mona = cli.json("ask", "pricing", "--json", "--user", "mona")
    cited = {c["meeting_id"] for s in mona["sentences"] for c in s["citations"]}
    assert mona["found"] and cited == {teams.meetings["sales"]}
    assert "Secret escalation" not in asked.prompts[-1] and "Board pricing" not in asked.prompts[-1]
    with session_scope(factory.open_store()) as s:
        logged = [(e.action, e.via) for e in audit.entries(s, username="mona").entries]
    assert logged == [("ask", "cli"), ("ask", "cli")]  # recorded as mona's questions
    mel = cli.json("ask", *question, "--user", "mel")  # only the shared meeting, which says none of it
    assert mel == {"answer": NOT_FOUND, "found": False, "quoted": False, "sentences": []}


def test_ask_as_an_unknown_or_disabled_user_fails_clearly(cli: Cli, teams: World, asked: FakeAskLLM) -> None:
    unknown = cli("ask", "pricing", "--user", "nobody")
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert "error: no user named 'nobody'; `minutes users list` shows them" in unknown.stderr
    assert cli("users", "disable", "mel").exit_code == 0
    disabled = cli("ask", "pricing", "--user", "mel")
    assert disabled.exit_code == 1 and "user 'mel' is disabled" in disabled.stderr
    assert asked.prompts == []  # refused before any question reached the model
