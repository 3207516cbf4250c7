"""People across the meetings the signed-in user may see: ``/people`` (everyone named, with their
meetings, hours, share of voice and commitments) and ``/people/{name}`` (one person: figures, a
week-by-week chart drawn here as SVG, their meetings and commitments), and their JSON under
``/api/v1/people``. Figures only ever count meetings the viewer may see (:mod:`minutes.accounts.stats`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import JSONResponse, Response

from minutes.accounts import access, people, stats
from minutes.brief import parse_since
from minutes.errors import ConfigError
from minutes.web.deps import AdminActor, CurrentActor, Db
from minutes.web.params import parse_id
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["v1"])

Since = Annotated[str | None, Query(max_length=32, description="30d, 12w (up to today) or a day")]
Name = Annotated[str, Query(max_length=256)]


def _since(since: str | None) -> date | None:
    return parse_since(since, today=date.today()) if since else None


@router.get("/people")
def people_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    since: Since = None,
    team: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    assert actor.principal is not None
    team_id = parse_id(team, "team")
    start = _since(since)
    rows = stats.people(db, actor.principal, since=start, team=team_id)
    weeks = stats.team(db, actor.principal, team_id, since=start) if team_id is not None else ()
    return render(
        request,
        "people.html",
        {
            "nav": "people",
            "rows": rows,
            "weeks": weeks,
            "chart": bars(weeks, [w.hours for w in weeks], "h of meetings"),
            "teams": access.team_choices(db, actor.principal, for_edit=False),
            "f": {"since": since or "", "team": team or ""},
        },
    )


@router.get("/people/{name:path}")
def person_page(request: Request, db: Db, actor: CurrentActor, name: str, since: Since = None) -> Response:
    assert actor.principal is not None
    found = stats.person(db, actor.principal, name[:256], since=_since(since))
    return render(
        request,
        "person.html",
        {
            "nav": "people",
            "p": found,
            "chart": bars(found.weeks, [w.share for w in found.weeks], "of the talk", percent=True),
            "f": {"since": since or ""},
        },
    )


@api.get("/people", summary="Everyone named in the meetings you may see, with their figures")
def people_json(db: Db, actor: CurrentActor, since: Since = None) -> list[dict[str, Any]]:
    assert actor.principal is not None
    return [asdict(p) for p in stats.people(db, actor.principal, since=_since(since))]


@api.get("/people/{name:path}", summary="One person's meetings, commitments and weeks (those you may see)")
def person_json(db: Db, actor: CurrentActor, name: str, since: Since = None) -> dict[str, Any]:
    assert actor.principal is not None
    return asdict(stats.person(db, actor.principal, name[:256], since=_since(since)))


@router.get("/admin/voices")
def voices_page(request: Request, db: Db, actor: AdminActor, forgot: Name = "") -> Response:
    """Remembered voices (admins): who, from how many meetings; export or forget each."""
    return render(
        request, "voices.html", {"nav": "voices", "rows": people.list_people(db, actor), "forgot": forgot}
    )


@router.get("/admin/voices/{name:path}/export")
def voice_export(db: Db, actor: AdminActor, name: str) -> Response:
    """Everything held about a person's voice, as a JSON download (audited)."""
    data = people.held(db, actor, name[:256])
    filename = "".join(c if c.isalnum() else "-" for c in data["name"]) or "person"
    return JSONResponse(
        data, headers={"Content-Disposition": f'attachment; filename="voice-{filename}.json"'}
    )


@router.post("/admin/voices/{name:path}/forget")
def voice_forget(
    db: Db, actor: AdminActor, name: str, confirm: Annotated[str, Form(max_length=256)] = ""
) -> Response:
    """Forget a person's voice; the form asks for the name typed again, so a click alone cannot."""
    if " ".join(confirm.split()).casefold() != " ".join(name.split()).casefold():
        raise ConfigError(f"type the name ({name}) to confirm forgetting their voice")
    gone = people.forget(db, actor, name[:256])
    return RedirectResponse(f"/admin/voices?forgot={quote(gone.name)}", status_code=303)


def bars(
    weeks: Any, values: list[float], unit: str, *, percent: bool = False, width: int = 600, height: int = 120
) -> dict[str, Any]:
    """One bar per week (the last 26), as SVG coordinates the template draws: no script, no CDN."""
    shown = list(zip(weeks, values, strict=True))[-26:]
    if not shown:
        return {"bars": [], "width": width, "height": height}
    top = 1.0 if percent else max(v for _, v in shown) or 1.0
    step = width / len(shown)
    out = []
    for i, (w, v) in enumerate(shown):
        h = v / top * (height - 20)
        said = f"{v:.0%}" if percent else f"{v:.1f}"
        out.append(
            {
                "x": round(i * step + 1, 1),
                "w": round(max(step - 2, 1), 1),
                "h": round(h, 1),
                "y": round(height - 14 - h, 1),
                "label": f"week of {w.start.isoformat()}: {said} {unit} in {w.meetings} meeting(s)",
                "week": w.start.strftime("%d %b"),
            }
        )
    return {"bars": out, "width": width, "height": height}
