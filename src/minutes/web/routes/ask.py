"""The Ask box's pages: a question put in line for the model (``web/asking.py``), its place in line
while it waits, then its answer, whose citations open the meeting at the cited line.

``GET /ask?q=…`` puts the question in line. An answer written within a moment
(:attr:`~minutes.web.asking.AskLimits.page_seconds`) is shown at once; otherwise the browser is sent
on to the ask's own page, ``/ask/ID``, which says how many asks are ahead of it and updates by
itself (``static/ask.js`` polls ``/ask/ID/status``; without scripts the page reloads every few
seconds) until it shows the answer. Only whoever asked can open either; anyone else gets 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from minutes.ask import AskFilters
from minutes.errors import QueryError
from minutes.web.asking import Asker, Pending
from minutes.web.deps import CurrentActor
from minutes.web.params import Id
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)

AskId = Annotated[str, Path(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def asker_of(request: Request) -> Asker:
    asker: Asker = request.app.state.asker
    return asker


@router.get("/ask")
async def ask_page(
    request: Request,
    actor: CurrentActor,
    q: Annotated[str | None, Query(max_length=500)] = None,
    meeting: Annotated[list[Id] | None, Query(max_length=50)] = None,
) -> Response:
    """The Ask page; with ``q``, the question put in line (``meeting``: only these meetings).

    An ``async`` route that only waits: the model writes on the asker's thread, and a question in
    line holds no request thread.
    """
    meetings = meeting or []
    if q is None:
        return _page(request, q="", meetings=meetings)
    asker = asker_of(request)
    try:
        pending = asker.submit(request.app.state.sessions, actor, q, AskFilters(meeting_ids=tuple(meetings)))
    except QueryError as exc:
        return _page(request, q=q, meetings=meetings, error=str(exc), status=400)
    if await asker.wait(pending, asker.limits.page_seconds):
        return _ask(request, asker, pending)
    return RedirectResponse(f"/ask/{pending.id}", status_code=303)


@router.get("/ask/{ask_id}")
def ask_result(request: Request, actor: CurrentActor, ask_id: AskId) -> Response:
    """An ask's page: its place in line, or its answer (or why there is none)."""
    asker = asker_of(request)
    return _ask(request, asker, asker.find(ask_id, actor))


@router.get("/ask/{ask_id}/status")
def ask_status(request: Request, actor: CurrentActor, ask_id: AskId) -> JSONResponse:
    """``{"state", "ahead", "text"}``: what the ask's page polls while it waits."""
    asker = asker_of(request)
    return JSONResponse(asker.status(asker.find(ask_id, actor)).to_dict())


def _ask(request: Request, asker: Asker, pending: Pending) -> Response:
    status = asker.status(pending)
    return _page(
        request,
        q=pending.question,
        meetings=list(pending.filters.meeting_ids),
        pending=None if status.finished else pending,
        line=status,
        result=pending.future.result() if status.state == "done" else None,
        waited=pending.arrived_ahead,
        error=pending.error(),
        keep_minutes=asker.limits.keep_seconds / 60,
    )


def _page(request: Request, *, q: str, meetings: list[int], status: int = 200, **context: object) -> Response:
    return render(request, "ask.html", {"nav": "ask", "q": q, "meetings": meetings, **context}, status=status)
