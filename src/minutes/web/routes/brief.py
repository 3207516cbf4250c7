"""The brief of the meetings the signed-in user may see (:mod:`minutes.brief`): the "This week"
page, and ``GET /api/v1/brief``, the JSON of ``minutes brief --format json``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from minutes.accounts import access, reads
from minutes.accounts.access import Principal
from minutes.brief import Brief, parse_since, render, to_html
from minutes.brief.render import title
from minutes.errors import ConfigError, InvalidValue
from minutes.web.deps import CurrentActor, Db
from minutes.web.params import parse_id
from minutes.web.templating import render as render_page

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["v1"])

Since = Annotated[str, Query(max_length=32, description="7d, 2w (up to today) or a day (YYYY-MM-DD)")]
Person = Annotated[
    str | None, Query(max_length=256, description="only meetings this person spoke in, and their actions")
]


@router.get("/brief")
def brief_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    since: Since = "7d",
    team: Annotated[str | None, Query(max_length=16)] = None,
    person: Person = None,
) -> Response:
    assert actor.principal is not None
    found = _brief(db, actor.principal, since=since, team=parse_id(team, "team"), person=person)
    return render_page(
        request,
        "brief.html",
        {
            "nav": "brief",
            "heading": title(found),
            # Built by minutes.brief.render, which escapes every piece of stored text.
            "brief_html": Markup(to_html(found)),
            "teams": access.team_choices(db, actor.principal, for_edit=False),
            "f": {"since": since, "team": team or "", "person": person or ""},
        },
    )


@api.get(
    "/brief",
    summary="The brief of the meetings you may see (minutes.brief/1, docs/brief.md)",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def brief_json(
    db: Db,
    actor: CurrentActor,
    since: Since = "7d",
    team: Annotated[str | None, Query(max_length=256, description="a team's name or id")] = None,
    person: Person = None,
) -> Response:
    """The JSON of ``minutes brief --format json`` for the token's (or session's) user. A ``since``
    it cannot read, or one after today, is 422; an unknown team is 404."""
    assert actor.principal is not None
    try:
        found = _brief(db, actor.principal, since=since, team=team, person=person)
    except ConfigError as exc:  # the brief's only ConfigErrors are about `since`
        raise InvalidValue(str(exc)) from None
    return Response(render(found, "json"), media_type="application/json")


def _brief(db: Db, principal: Principal, *, since: str, team: str | int | None, person: str | None) -> Brief:
    today = today_here()
    start = parse_since(since, today=today)
    return reads.brief(db, principal, since=start, today=today, team=team, person=person)


def today_here() -> date:
    """The day the brief ends on: this machine's date (tests replace it)."""
    return date.today()
