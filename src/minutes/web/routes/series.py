"""Series and the commitment ledger: ``/series`` (every series), ``/series/{id}`` (its meetings,
commitments with their history, decisions changed, questions carried, links to confirm),
``/ledger`` (commitments across series, filtered), a meeting's series form, and their JSON
under ``/api/v1``. Everything is built from the meetings the viewer may see
(:mod:`minutes.accounts.series`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from minutes.accounts import series as reads
from minutes.db.ledger_rows import CitedLine
from minutes.ledger.model import STATUSES, LedgerEntry
from minutes.ledger.render import ledger_dicts, series_dict, since_dict
from minutes.web.deps import CurrentActor, Db
from minutes.web.params import Id
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["v1"])

Text = Annotated[str | None, Query(max_length=256)]
SHOWN = 200
"""The most commitments the ledger page lists (the soonest due first); filters narrow it."""
Status = Annotated[str | None, Query(max_length=16, description=f"one of: {', '.join(STATUSES)}")]


class SeriesSet(BaseModel):
    name: str | None = Field(
        default=None, max_length=256, description="the series; null takes the meeting out"
    )


class LinkDecision(BaseModel):
    accept: bool = Field(description="true: the link stands; false: undone, and never proposed again")


def today() -> date:
    """The day statuses are worked out for (tests replace it)."""
    return date.today()


@router.get("/series")
def series_list(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(
        request, "series_list.html", {"nav": "series", "rows": reads.list_series(db, actor.principal)}
    )


@router.get("/series/{series_id}")
def series_page(request: Request, db: Db, actor: CurrentActor, series_id: Id, owner: Text = None) -> Response:
    view, since = reads.series_view(db, actor.principal, series_id, today=today(), owner=owner or None)
    return render(
        request, "series.html", {"nav": "series", "s": view, "since": since, "f": {"owner": owner or ""}}
    )


def _ledger(
    db: Db, actor: CurrentActor, series: str | None, owner: str | None, status: str | None
) -> tuple[list[LedgerEntry], dict[tuple[int, int], CitedLine]]:
    return reads.ledger(
        db,
        actor.principal,
        today=today(),
        series_name=series or None,
        owner=owner or None,
        status=status or None,
    )


@router.get("/ledger")
def ledger_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    series: Text = None,
    owner: Text = None,
    status: Status = None,
) -> Response:
    rows, lines = _ledger(db, actor, series, owner, status)
    return render(
        request,
        "ledger.html",
        {
            "nav": "ledger",
            "rows": rows[:SHOWN],
            "total": len(rows),
            "lines": lines,
            "all_series": reads.list_series(db, actor.principal),
            "statuses": STATUSES,
            "f": {"series": series or "", "owner": owner or "", "status": status or ""},
        },
    )


@router.post("/meetings/{meeting_id}/series")
def set_series(
    db: Db, actor: CurrentActor, meeting_id: Id, name: Annotated[str, Form(max_length=256)] = ""
) -> Response:
    """Put the meeting in a series (an empty name takes it out)."""
    reads.set_series(db, actor, meeting_id, name.strip() or None)
    return RedirectResponse(f"/meetings/{meeting_id}#series", status_code=303)


@router.post("/ledger/links/{link_id}")
def decide_link(
    db: Db,
    actor: CurrentActor,
    link_id: Id,
    decision: Annotated[str, Form(max_length=16)],
    back: Annotated[str, Form(max_length=512)] = "/ledger",
) -> Response:
    reads.decide_link(db, actor, link_id, accept=decision == "confirm")
    target = back if back.startswith("/") and not back.startswith("//") else "/ledger"
    return RedirectResponse(target, status_code=303)


@api.get("/series", summary="Every series with a meeting you may see")
def series_json(db: Db, actor: CurrentActor) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "name": r.name,
            "meetings": r.meetings,
            "last": r.last.date().isoformat() if r.last else None,
        }
        for r in reads.list_series(db, actor.principal)
    ]


@api.get("/series/{series_id}", summary="A series: its meetings, commitments, decisions and questions")
def one_series_json(db: Db, actor: CurrentActor, series_id: Id) -> dict[str, Any]:
    view, since = reads.series_view(db, actor.principal, series_id, today=today())
    meetings = [(m.id, m.title, m.date) for m in view.meetings]
    return series_dict(view.id, view.name, meetings, view.ledger, view.lines, since)


@api.get("/ledger", summary="Commitments across series: who, what, status, due, history")
def ledger_json(
    db: Db, actor: CurrentActor, series: Text = None, owner: Text = None, status: Status = None
) -> list[dict[str, Any]]:
    return ledger_dicts(*_ledger(db, actor, series, owner, status))


@api.get(
    "/meetings/{meeting_id}/since", summary="What a meeting changed against the one before in its series"
)
def since_json(db: Db, actor: CurrentActor, meeting_id: Id) -> dict[str, Any] | None:
    found = reads.since_last(db, actor.principal, meeting_id, today=today())
    return since_dict(found[1], found[0].lines) if found else None


@api.put("/meetings/{meeting_id}/series", summary="Put a meeting in a series (made when new) or take it out")
def put_series(db: Db, actor: CurrentActor, meeting_id: Id, body: SeriesSet) -> dict[str, Any]:
    row = reads.set_series(
        db, actor, meeting_id, body.name.strip() if body.name and body.name.strip() else None
    )
    return {"meeting_id": meeting_id, "series": {"id": row.id, "name": row.name} if row else None}


@api.post("/ledger/links/{link_id}", summary="Confirm or reject a ledger link")
def decide_link_json(db: Db, actor: CurrentActor, link_id: Id, body: LinkDecision) -> dict[str, Any]:
    reads.decide_link(db, actor, link_id, accept=body.accept)
    return {"id": link_id, "state": "confirmed" if body.accept else "rejected"}
