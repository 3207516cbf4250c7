"""Pages for work across meetings: uploads and their jobs, search, action items (the Ask box: ``ask.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from minutes.accounts import access, edits, reads
from minutes.accounts.access import Actor
from minutes.db.minutes_repo import ACTION_STATUSES
from minutes.errors import ConfigError
from minutes.web import schemas, uploads
from minutes.web.deps import (
    CSRF_FIELD,
    CSRF_HEADER,
    Auth,
    CurrentActor,
    Db,
    UploadAuth,
    actor_of,
    check_csrf,
    settings_of,
)
from minutes.web.multipart import ReceivedForm, receive_form
from minutes.web.params import Id, Index, Page, parse_id
from minutes.web.routes.auth import safe_next
from minutes.web.routes.pages import parse_date
from minutes.web.templating import render

router = APIRouter(include_in_schema=False)

SEARCH_PAGE = 20
MAX_FILES = 20


async def receive_uploads(request: Request, db: Db, auth: Auth) -> list[uploads.UploadResult]:
    """Store and queue every file of a multipart upload (fields ``files``, ``team``, ``title``).

    The body is read as a stream, each file straight into its temporary name in the media folder
    (:mod:`minutes.web.multipart`); a browser's CSRF form field must come before the files.
    """
    actor = actor_of(request, auth)
    principal = access.require_principal(actor)
    access.require_upload(principal)
    settings = settings_of(request)
    csrf_in_form = auth.via == "web" and CSRF_HEADER not in request.headers

    def before_files(fields: Mapping[str, str]) -> None:
        if csrf_in_form:
            check_csrf(auth, fields.get(CSRF_FIELD))

    form = await receive_form(
        request,
        file_field="files",
        new_path=lambda: uploads.partial_path(settings.media_dir),
        file_limit=settings.upload_max_bytes,
        max_files=MAX_FILES,
        max_fields=20,
        before_files=before_files,
    )
    try:
        before_files(form.fields)  # an upload without files has not been checked yet
        return await _store_all(request, db, actor, form)
    finally:
        await run_in_threadpool(form.discard)  # what was refused or not reached


async def _store_all(
    request: Request, db: Db, actor: Actor, form: ReceivedForm
) -> list[uploads.UploadResult]:
    assert actor.principal is not None
    files = form.files
    if not files:
        raise ConfigError("choose at least one recording to upload (form field 'files')")
    raw_team, raw_title = form.fields.get("team"), form.fields.get("title")
    team_id = parse_id(raw_team, "team")
    title = raw_title.strip() if raw_title and raw_title.strip() else None
    if title and len(files) > 1:
        raise ConfigError("a title names one meeting; upload one file with it, or leave the title out")
    team = await run_in_threadpool(access.require_team_for_edit, db, actor.principal, team_id)
    # Each file is its own unit of work, and no transaction stays open while a file is probed
    # and hashed (on SQLite an open transaction holds the write lock the worker needs).
    await run_in_threadpool(db.commit)
    settings = settings_of(request)
    batch = uploads.new_batch(actor.principal)
    results = []
    for f in files:
        result = await run_in_threadpool(
            uploads.store_upload,
            db,
            actor,
            partial=f.path,
            filename=f.filename,
            media_dir=settings.media_dir,
            limit=settings.upload_max_bytes,
            too_large=f.too_large,
            team_id=team.id if team else None,
            title=title,
            batch=batch,
            preset=settings.upload_preset,
            no_summary=settings.upload_no_summary,
        )
        await run_in_threadpool(db.commit)
        results.append(result)
    return results


@router.get("/upload")
def upload_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    assert actor.principal is not None
    access.require_upload(actor.principal)
    return render(
        request,
        "upload.html",
        {
            "nav": "upload",
            "teams": access.team_choices(db, actor.principal, for_edit=True),
            "max_mb": settings_of(request).upload_max_bytes // (1024 * 1024),
            "max_files": MAX_FILES,
        },
    )


@router.post("/upload")
async def upload(request: Request, db: Db, auth: UploadAuth) -> Response:
    results = await receive_uploads(request, db, auth)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"results": [r.to_json() for r in results]})
    return render(request, "uploaded.html", {"nav": "upload", "results": results})


@router.get("/jobs")
def jobs_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    assert actor.principal is not None
    jobs = [schemas.job_json(j) for j in reads.visible_jobs(db, actor.principal)]
    return render(request, "jobs.html", {"nav": "jobs", "jobs": jobs})


@router.get("/search")
def search_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=512)] = "",
    speaker: Annotated[str | None, Query(max_length=256)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=32)] = None,
    page: Annotated[Page, Query(le=500)] = 1,
) -> Response:
    found, error = None, None
    if q.strip():
        try:
            found = reads.search(
                db,
                actor,
                q,
                speaker=speaker,
                date_from=parse_date(date_from, "from"),
                date_to=parse_date(date_to, "to"),
                limit=SEARCH_PAGE,
                offset=(page - 1) * SEARCH_PAGE,
            )
        except ConfigError as exc:
            error = str(exc)
    return render(
        request,
        "search.html",
        {
            "nav": "search",
            "found": found,
            "error": error,
            "page": page,
            "pages": max(1, -(-found.total // SEARCH_PAGE)) if found else 1,
            "f": {"q": q, "speaker": speaker or "", "from": date_from or "", "to": date_to or ""},
        },
    )


@router.get("/actions")
def actions_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    status: Annotated[str, Query(max_length=16)] = "open",
    owner: Annotated[str | None, Query(max_length=256)] = None,
    group: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    assert actor.principal is not None
    if status not in (*ACTION_STATUSES, "all"):
        raise ConfigError(f"unknown status {status!r}; choose one of: {', '.join(ACTION_STATUSES)}, all")
    rows, editable = reads.actions(
        db, actor.principal, status=None if status == "all" else status, owner=owner
    )
    groups: dict[str, list[object]] = {}
    if group == "owner":
        for r in rows:
            groups.setdefault(r.owner_name or "Unassigned", []).append(r)
    return render(
        request,
        "actions.html",
        {
            "nav": "actions",
            "rows": rows,
            "groups": groups,
            "editable": editable,
            "statuses": (*ACTION_STATUSES, "all"),
            "f": {"status": status, "owner": owner or "", "group": group},
            "today": date.today().isoformat(),
        },
    )


@router.post("/actions/{meeting_id}/{position}")
def tick_from_list(
    db: Db,
    actor: CurrentActor,
    meeting_id: Id,
    position: Index,
    done: Annotated[str, Form(max_length=8)] = "1",
    next: Annotated[str, Form(max_length=2048)] = "/actions",
) -> Response:
    edits.set_action_done(db, actor, meeting_id, position, done not in ("0", "false", ""))
    return RedirectResponse(safe_next(next), status_code=303)
