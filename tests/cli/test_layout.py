"""The command line's layout stays put: no private names across its modules, nobody imports it.

A scan of the source (no imports run): every ``from minutes.cli... import name`` inside
``minutes/cli/`` names only public things (no ``_name``), and no module of ``minutes`` outside
``cli/`` imports ``minutes.cli`` (the library never depends on its command line).
"""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest

import minutes
from minutes.cli import batch, main, process

SRC = Path(minutes.__file__).parent
CLI = SRC / "cli"


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import in ``path``, relative ones resolved."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            found.append((module, [alias.name for alias in node.names], node.lineno))
    return found


def test_the_scan_sees_the_cli_importing_its_shared_pieces() -> None:
    modules = {module for module, _, _ in _imports(CLI / "batch.py")}
    assert {"minutes.cli.errors", "minutes.cli.options"} <= modules


def test_no_cli_module_imports_a_private_name_of_another() -> None:
    private = [
        f"{path.relative_to(SRC)}:{line} imports {name} from {module}"
        for path in sorted(CLI.glob("*.py"))
        for module, names, line in _imports(path)
        if module == "minutes.cli" or module.startswith("minutes.cli.")
        for name in names
        if name.startswith("_")
    ]
    assert private == []


def test_command_modules_take_only_sibling_modules_from_the_package() -> None:
    """``from minutes.cli import x`` in a command module names a module, never what ``__init__``
    defines (``main``): the package imports its groups, not the other way round."""
    modules = {path.stem for path in CLI.glob("*.py")}
    reaching_back = [
        f"{path.relative_to(SRC)}:{line} imports {name} from minutes.cli"
        for path in sorted(CLI.glob("*.py"))
        if path.name not in ("__init__.py", "__main__.py")
        for module, names, line in _imports(path)
        if module == "minutes.cli"
        for name in names
        if name not in modules
    ]
    assert reaching_back == []


def test_nothing_outside_the_cli_imports_it() -> None:
    outside = [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in sorted(SRC.rglob("*.py"))
        if CLI not in path.parents
        for module, names, line in _imports(path)
        if module == "minutes.cli"
        or module.startswith("minutes.cli.")
        or (module == "minutes" and "cli" in names)
    ]
    assert outside == []


RECORDING = [
    "preset",
    "model",
    "language",
    "vocabulary",
    "speakers",
    "min_speakers",
    "max_speakers",
    "force",
    "sequential",
    "no_summary",
    "summary_language",
    "llm_backend",
    "llm_model",
    "llm_url",
    "llm_api_key",
]


def _option(command: click.Command, name: str) -> click.Option:
    (found,) = [p for p in command.params if isinstance(p, click.Option) and p.name == name]
    return found


@pytest.mark.parametrize("name", RECORDING)
def test_process_batch_and_watch_describe_a_recording_alike(name: str) -> None:
    described = {
        (tuple(o.opts), o.help, o.envvar, repr(o.type))
        for o in (_option(c, name) for c in (process.process, batch.batch, batch.watch))
    }
    assert len(described) == 1, described


@pytest.mark.parametrize("command", ["process", "batch", "watch"])
def test_speakers_read_minutes_command_speakers(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--speakers`` follows MINUTES_<COMMAND>_<OPTION> in every command that takes it."""
    root = click.Context(main, auto_envvar_prefix="MINUTES")
    ctx = click.Context(main.commands[command], parent=root, info_name=command)
    speakers = _option(main.commands[command], "speakers")
    assert speakers.resolve_envvar_value(ctx) is None
    monkeypatch.setenv(f"MINUTES_{command.upper()}_SPEAKERS", "3")
    assert speakers.resolve_envvar_value(ctx) == "3"
