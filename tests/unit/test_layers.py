"""The layers stay put: storage and the domain never reach up into an interface.

``minutes.db`` (storage and read queries) and ``minutes.accounts`` (accounts, access rules, audit,
audited edits and deletion) are used by the web app, the command line and whatever comes next,
so neither may import ``minutes.web``, the command line (``minutes.cli``, ``minutes.cli_*``,
``minutes.clirender``) or a web or command-line framework. Read from the source files' syntax
trees, so an import inside a function counts too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import minutes

SRC = Path(minutes.__file__).resolve().parent
LOWER_LAYERS = ("accounts", "db")
FRAMEWORKS = frozenset({"fastapi", "starlette", "uvicorn", "jinja2", "click"})


def _imports(source: str, *, package: str) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in ``source``, a module of ``package``.

    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a module); relative imports are
    resolved against ``package``.
    """
    parts = package.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def _is_interface(module: str) -> bool:
    return (
        module == "minutes.web"
        or module.startswith("minutes.web.")
        or module.startswith("minutes.cli")
        or module.split(".")[0] in FRAMEWORKS
    )


def _package_of(path: Path) -> str:
    parts = path.relative_to(SRC.parent).parts
    return ".".join(parts[:-1])


@pytest.mark.parametrize("layer", LOWER_LAYERS)
def test_lower_layers_do_not_import_the_interfaces(layer: str) -> None:
    files = sorted((SRC / layer).rglob("*.py"))
    assert files, f"no sources under {SRC / layer}"
    wrong = [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in files
        for line, module in _imports(path.read_text(encoding="utf-8"), package=_package_of(path))
        if _is_interface(module)
    ]
    assert wrong == []


def test_every_form_of_import_is_seen() -> None:
    source = "\n".join(
        [
            "import minutes.web.app",
            "from minutes import cli",
            "from minutes.cli_web import serve",
            "import minutes.clirender as render",
            "def f():\n    from ..web import deps",
            "from fastapi import Request",
            "from minutes.db import catalog",
            "from . import access",
            "import minutes.webhooks",
        ]
    )
    found = {m for _, m in _imports(source, package="minutes.accounts") if _is_interface(m)}
    assert found == {
        "minutes.web.app",
        "minutes.cli",
        "minutes.cli_web",
        "minutes.cli_web.serve",
        "minutes.clirender",
        "minutes.web",
        "minutes.web.deps",
        "fastapi",
        "fastapi.Request",
    }
