"""Ids, positions, offsets and pages are bounded where they come in: 422, never 500, on both databases.

Issue 12, finding 3: ``/api/v1/meetings/9223372036854775808`` and its kind answered 500
(OverflowError from SQLite's driver; on PostgreSQL, whose INTEGER is 32-bit, anything past
2**31-1 did). Every integer a route takes is one of the bounded types of ``web/params.py``, so a
number outside ``0 … 2**31-1`` answers 422 like any malformed value; the largest valid id answers
404 like any id no one has. The command line bounds its ids the same way. Each case fails on the
code before this change.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, get_args

import pytest
from click.testing import CliRunner
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from minutes.cli import main
from minutes.db.tables import MAX_INTEGER
from minutes.web.routes import api, ask, auth, pages, workspace
from tests.db.conftest import engine
from tests.web.conftest import Browser
from tests.web.world import World

__all__ = ["engine"]  # both backends for this module

TOO_BIG = {"2**63": 2**63, "2**31": 2**31}
OUT_OF_RANGE = {**TOO_BIG, "-1": -1}

# {m}: a meeting mona may edit; {n}: the number under test.
API = [
    ("GET", "/api/v1/meetings/{n}"),
    ("DELETE", "/api/v1/meetings/{n}"),
    ("GET", "/api/v1/meetings/{n}/transcript"),
    ("GET", "/api/v1/meetings/{n}/minutes"),
    ("GET", "/api/v1/meetings/{n}/export/md"),
    ("GET", "/api/v1/meetings/{n}/media"),
    ("GET", "/api/v1/meetings/{n}/shares"),
    ("PUT", "/api/v1/meetings/{n}/shares/mel"),
    ("PUT", "/api/v1/meetings/{n}/speakers/SPEAKER_00"),
    ("PUT", "/api/v1/meetings/{m}/utterances/{n}"),
    ("PUT", "/api/v1/meetings/{m}/actions/{n}"),
    ("PUT", "/api/v1/meetings/{m}/team"),
    ("GET", "/api/v1/jobs/{n}"),
    ("GET", "/api/v1/jobs?ids={n}"),
    ("GET", "/api/v1/meetings?offset={n}"),
    ("GET", "/api/v1/meetings?team={n}"),
    ("GET", "/api/v1/search?q=budget&offset={n}"),
]
PAGES = [
    ("GET", "/meetings?page={n}"),
    ("GET", "/meetings?team={n}"),
    ("GET", "/meetings/{n}"),
    ("GET", "/meetings/{n}/delete"),
    ("POST", "/meetings/{n}/delete"),
    ("POST", "/meetings/{m}/utterances/{n}"),
    ("POST", "/meetings/{m}/actions/{n}"),
    ("POST", "/meetings/{m}/team"),
    ("POST", "/actions/{m}/{n}"),
    ("POST", "/account/tokens/{n}/revoke"),
    ("GET", "/admin/audit?meeting={n}"),
    ("GET", "/admin/audit?page={n}"),
    ("GET", "/search?q=budget&page={n}"),
]
BODIES: dict[str, dict[str, Any]] = {
    "/speakers/": {"name": "Pat"},
    "/utterances/": {"text": "We ship in May"},
    "/actions/": {"done": True},
    "/team": {"team_id": "{n}"},
}


def _body(path: str, n: int) -> dict[str, Any]:
    for part, body in BODIES.items():
        if part in path:
            return {k: n if v == "{n}" else v for k, v in body.items()}
    return {}


def _tolerant(client: TestClient) -> TestClient:
    client._transport.raise_server_exceptions = False  # type: ignore[attr-defined]  # see the status
    return client


@pytest.mark.parametrize("n", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
@pytest.mark.parametrize(("method", "path"), API, ids=[f"{m} {p}" for m, p in API])
def test_api_numbers_out_of_range_are_422(
    world: World, api: Callable[[str], TestClient], method: str, path: str, n: int
) -> None:
    url = path.format(m=world.meetings["sales"], n=n)
    body = _body(path, n) if method == "PUT" else None

    answer = _tolerant(api("ada")).request(method, url, json=body)

    assert answer.status_code == 422, f"{method} {url}: {answer.status_code} {answer.text[:200]}"
    assert "invalid request" in answer.text or "out of range" in answer.text


@pytest.mark.parametrize("n", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
@pytest.mark.parametrize(("method", "path"), PAGES, ids=[f"{m} {p}" for m, p in PAGES])
def test_page_numbers_out_of_range_are_422(
    world: World, browser: Callable[[str], Browser], method: str, path: str, n: int
) -> None:
    ada = browser("ada")
    _tolerant(ada.client)
    url = path.format(m=world.meetings["sales"], n=n)
    form = {"team": str(n), "text": "We ship in May"} if method == "POST" else None

    answer = ada.post(url, form) if method == "POST" else ada.client.get(url)

    assert answer.status_code == 422, f"{method} {url}: {answer.status_code} {answer.text[:200]}"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/meetings/{MAX_INTEGER}",
        f"/api/v1/jobs/{MAX_INTEGER}",
        f"/api/v1/meetings/{{m}}/actions/{MAX_INTEGER}",
    ],
)
def test_the_largest_valid_number_is_an_ordinary_404(
    world: World, api: Callable[[str], TestClient], url: str
) -> None:
    given = url.format(m=world.meetings["sales"])
    method = "PUT" if "/actions/" in given else "GET"

    answer = api("ada").request(method, given, json={"done": True} if method == "PUT" else None)

    assert answer.status_code == 404, answer.text


def test_a_team_given_in_other_digits_is_a_named_400(api: Callable[[str], TestClient]) -> None:
    """``str.isdigit()`` takes "²", which ``int()`` refuses: that was a 500."""
    answer = _tolerant(api("ada")).get("/api/v1/meetings", params={"team": "²"})

    assert answer.status_code == 400, answer.text
    assert "team='²' is not a number" in answer.json()["detail"]


def _mentions_int(annotation: Any) -> bool:
    return annotation is int or any(_mentions_int(a) for a in get_args(annotation))


def _constrained(kind: Any, metadata: list[Any]) -> Any:
    return Annotated[kind, *metadata] if metadata else kind


def _fields(route: APIRoute) -> list[tuple[str, Any]]:
    """``(where, type with its constraints)`` of everything a route takes: path, query, body, form."""
    found = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for param in [*dependant.path_params, *dependant.query_params, *dependant.body_params]:
            info: FieldInfo = param.field_info
            model = info.annotation
            if inspect.isclass(model) and issubclass(model, BaseModel):
                found += [
                    (f"{route.path} {param.name}.{n}", _constrained(f.annotation, f.metadata))
                    for n, f in model.model_fields.items()
                ]
            else:
                found.append((f"{route.path} {param.name}", _constrained(model, info.metadata)))
    return found


def test_every_integer_a_route_takes_is_bounded() -> None:
    """A route taking a plain ``int`` fails here: use ``web/params.py``'s Id, Index, Offset or Page."""
    routes = [r for module in (api, ask, auth, pages, workspace) for r in module.router.routes]
    assert all(isinstance(r, APIRoute) for r in routes)
    numbers = [
        (where, kind)
        for r in routes
        if isinstance(r, APIRoute)
        for where, kind in _fields(r)
        if _mentions_int(kind)
    ]
    unbounded = []
    for where, kind in numbers:
        check = TypeAdapter(kind)
        for outside in (2**31, -1):
            try:
                check.validate_python(outside)
            except ValidationError:
                continue
            unbounded.append(f"{where} takes {outside}")
    assert len(numbers) >= 25, numbers  # the walk sees them: ids, indexes, offsets, pages, limits
    assert unbounded == []


@pytest.mark.parametrize(
    "args",
    [
        ["show", str(2**63)],
        ["export", str(2**63)],
        ["delete", str(2**31), "--yes"],
        ["rename", str(2**63), "SPEAKER_00", "Pat"],
        ["done", "1", str(2**63)],
        ["audit", "--meeting", str(2**63)],
        ["meetings", "share", str(2**63), "--user", "mel"],
        ["jobs", "retry", str(2**63)],
        ["list", "--limit", str(2**63)],
        ["search", "budget", "--offset", str(2**63)],
        ["show", "--", "-1"],
    ],
    ids=lambda a: " ".join(a),
)
def test_the_command_line_names_the_range_instead_of_a_traceback(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)

    assert result.exit_code == 2, (result.output, result.exception)
    assert f"is not in the range 1<=x<={MAX_INTEGER}" in result.stderr or "0<=x<=" in result.stderr
    assert "Traceback" not in result.output
