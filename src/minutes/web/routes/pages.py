"""Meeting pages: the list, one meeting (player, transcript, minutes), its edits, exports and media.

Every route goes through :mod:`minutes.accounts` (reads, edits, deletion), which applies
:mod:`minutes.accounts.access`; nothing here decides who may see what or writes SQL.
"""

from __future__ import annotations

import mimetypes
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from minutes.accounts import access, deletion, edits, people, reads, series, users
from minutes.accounts.access import Actor
from minutes.db import catalog
from minutes.db.tables import STATUSES
from minutes.errors import ConfigError
from minutes.web import fragments
from minutes.web.deps import CurrentActor, Db, settings_of
from minutes.web.params import Id, Index, Page, parse_id
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)

EXPORT_FORMATS = (("md", "Markdown"), ("json", "JSON"), ("srt", "SRT"), ("vtt", "WebVTT"), ("txt", "Text"))


def parse_date(value: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` query value (blank: none) or a ConfigError naming the parameter."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


class MeetingFilters(BaseModel):
    """The meeting list's filters as query parameters, as given (shared by the page and the API)."""

    model_config = ConfigDict(frozen=True)

    date_from: str | None = Field(None, alias="from", max_length=32, description="YYYY-MM-DD")
    date_to: str | None = Field(None, alias="to", max_length=32, description="YYYY-MM-DD")
    team: str | None = Field(None, max_length=16, description="team id")
    person: str | None = Field(None, max_length=256, description="speaker name or label")
    q: str | None = Field(None, max_length=256, description="words in the title")
    status: str | None = Field(None, max_length=16)
    sort: str = Field("date", max_length=16, description=", ".join(catalog.SORTS))
    order: str = Field("desc", max_length=4, description="asc or desc")

    def query(self) -> catalog.MeetingQuery:
        """The filters checked and parsed (a ConfigError names a bad value)."""
        if self.status and self.status not in STATUSES:
            raise ConfigError(f"unknown status {self.status!r}; choose one of: {', '.join(STATUSES)}")
        if self.order not in ("asc", "desc"):
            raise ConfigError(f"unknown order {self.order!r}; choose asc or desc")
        return catalog.MeetingQuery(
            date_from=parse_date(self.date_from, "from"),
            date_to=parse_date(self.date_to, "to"),
            team_id=parse_id(self.team, "team"),
            person=self.person or None,
            text=self.q or None,
            status=self.status or None,
            sort=self.sort,
            descending=self.order == "desc",
        )


@router.get("/meetings")
def meetings_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    filters: Annotated[MeetingFilters, Query()],
    page: Annotated[Page, Query()] = 1,
    deleted: Annotated[str | None, Query(max_length=1024)] = None,
) -> Response:
    assert actor.principal is not None
    query = filters.query()
    size = settings_of(request).page_size
    found = reads.list_meetings(db, actor.principal, query, limit=size, offset=(page - 1) * size)
    return render(
        request,
        "meetings.html",
        {
            "nav": "meetings",
            "found": found,
            "page": page,
            "pages": max(1, -(-found.total // size)),
            "teams": access.team_choices(db, actor.principal, for_edit=False),
            "statuses": STATUSES,
            "sorts": catalog.SORTS,
            "f": {
                "from": filters.date_from or "",
                "to": filters.date_to or "",
                "team": filters.team or "",
                "person": filters.person or "",
                "q": filters.q or "",
                "status": filters.status or "",
                "sort": filters.sort,
                "order": filters.order,
            },
            "deleted": deleted,
        },
    )


@router.get("/meetings/{meeting_id}")
def meeting_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    meeting_id: Id,
    t: Annotated[float | None, Query(ge=0)] = None,
) -> Response:
    assert actor.principal is not None
    found = reads.view_meeting(db, actor, meeting_id)
    view = reads.meeting_page(db, actor.principal, meeting_id)
    editor = {}
    in_series = series.since_last(db, actor.principal, meeting_id, today=date.today(), checked=True)
    if found.can_edit:
        editor = {
            "shares": users.meeting_shares(db, meeting_id=meeting_id),
            "teams": access.team_choices(db, actor.principal, for_edit=True),
            "series_suggestions": series.suggest(db, actor.principal, meeting_id)
            if in_series is None
            else [],
        }
    return render(
        request,
        "meeting.html",
        {
            "nav": "meetings",
            "view": view,
            "transcript_html": fragments.transcript(view),
            "timeline_html": fragments.timeline(view, view.span),
            "can_edit": found.can_edit,
            "start_at": t,
            "formats": EXPORT_FORMATS,
            "series": in_series[0] if in_series else None,
            "since": in_series[1] if in_series else None,
            **editor,
        },
    )


def _back(meeting_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/meetings/{meeting_id}{anchor}", status_code=303)


@router.post("/meetings/{meeting_id}/speakers/{label}")
def rename_speaker(
    db: Db,
    actor: CurrentActor,
    meeting_id: Id,
    label: str,
    name: Annotated[str, Form(max_length=1024)] = "",
    remember_voice: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Name a speaker; with the "remember this voice" box ticked (consent), remember their voice."""
    people.name_speaker(db, actor, meeting_id, label, name, remember=bool(remember_voice))
    return _back(meeting_id, "#speakers")


@router.post("/meetings/{meeting_id}/speakers/{label}/voice")
def decide_voice(
    db: Db, actor: CurrentActor, meeting_id: Id, label: str, decision: Annotated[str, Form(max_length=16)]
) -> Response:
    """Confirm or reject the name a speaker's voice suggests (or gave)."""
    if decision not in ("confirm", "reject"):
        raise ConfigError(f"decision must be confirm or reject, got {decision!r}")
    people.decide(db, actor, meeting_id, label, accept=decision == "confirm")
    return _back(meeting_id, "#speakers")


@router.post("/meetings/{meeting_id}/utterances/{index}")
def correct_utterance(
    db: Db, actor: CurrentActor, meeting_id: Id, index: Index, text: Annotated[str, Form(max_length=20000)]
) -> Response:
    edits.correct_utterance(db, actor, meeting_id, index, text)
    return _back(meeting_id, f"#u-{index}")


@router.post("/meetings/{meeting_id}/actions/{position}")
def action_done(
    db: Db,
    actor: CurrentActor,
    meeting_id: Id,
    position: Index,
    done: Annotated[str, Form(max_length=8)] = "1",
) -> Response:
    edits.set_action_done(db, actor, meeting_id, position, done not in ("0", "false", ""))
    return _back(meeting_id, f"#item-{position}")


@router.post("/meetings/{meeting_id}/team")
def assign_team(
    db: Db, actor: CurrentActor, meeting_id: Id, team: Annotated[str, Form(max_length=16)] = ""
) -> Response:
    edits.assign_team(db, actor, meeting_id, parse_id(team, "team"))
    return _back(meeting_id, "#access")


@router.post("/meetings/{meeting_id}/shares")
def share(
    db: Db, actor: CurrentActor, meeting_id: Id, username: Annotated[str, Form(max_length=64)]
) -> Response:
    edits.share(db, actor, meeting_id, username)
    return _back(meeting_id, "#access")


@router.post("/meetings/{meeting_id}/shares/{username}/remove")
def unshare(db: Db, actor: CurrentActor, meeting_id: Id, username: str) -> Response:
    edits.unshare(db, actor, meeting_id, username)
    return _back(meeting_id, "#access")


@router.get("/meetings/{meeting_id}/delete")
def delete_confirm(request: Request, db: Db, actor: CurrentActor, meeting_id: Id) -> Response:
    assert actor.principal is not None
    access.require_edit(db, actor.principal, meeting_id)
    view = reads.meeting_page(db, actor.principal, meeting_id)
    return render(request, "delete.html", {"nav": "meetings", "view": view})


@router.post("/meetings/{meeting_id}/delete")
def delete(request: Request, db: Db, actor: CurrentActor, meeting_id: Id) -> Response:
    deleted = deletion.delete_meeting(db, actor, meeting_id, media_dir=settings_of(request).media_dir)
    db.commit()
    deletion.remove_media(deleted.media)
    return RedirectResponse(f"/meetings?deleted={quote(deleted.title)}", status_code=303)


@router.get("/meetings/{meeting_id}/export/{fmt}")
def export(db: Db, actor: CurrentActor, meeting_id: Id, fmt: str) -> Response:
    out = reads.export_meeting(db, actor, meeting_id, fmt)
    disposition = f'attachment; filename="{out.filename}"'
    return Response(out.text, media_type=out.media_type, headers={"Content-Disposition": disposition})


def media_response(request: Request, db: Db, actor: Actor, meeting_id: int) -> Response:
    """The meeting's recording with Range support; only the first request of a playback is audited."""
    ranged = request.headers.get("range", "")
    first = not ranged or ranged.replace(" ", "").startswith("bytes=0-")
    path = reads.media_file(db, actor, meeting_id, record=first)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type)


@router.get("/meetings/{meeting_id}/media")
def media(request: Request, db: Db, actor: CurrentActor, meeting_id: Id) -> Response:
    return media_response(request, db, actor, meeting_id)
