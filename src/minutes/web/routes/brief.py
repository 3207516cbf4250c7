"""The "This week" page: the brief of the meetings the signed-in user may see (:mod:`minutes.brief`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from minutes.accounts import access, reads
from minutes.brief import parse_since, to_html
from minutes.brief.render import title
from minutes.web.deps import CurrentActor, Db
from minutes.web.params import parse_id
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/brief")
def brief_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    since: Annotated[str, Query(max_length=32)] = "7d",
    team: Annotated[str | None, Query(max_length=16)] = None,
    person: Annotated[str | None, Query(max_length=256)] = None,
) -> Response:
    assert actor.principal is not None
    today = today_here()
    team_id = parse_id(team, "team")
    found = reads.brief(
        db, actor.principal, since=parse_since(since, today=today), today=today, team=team_id, person=person
    )
    return render(
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


def today_here() -> date:
    """The day the brief ends on: this machine's date (tests replace it)."""
    return date.today()
