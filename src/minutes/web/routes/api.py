"""The REST API under /api/v1: the same resources as the pages, as JSON.

Scripts authenticate with ``Authorization: Bearer <token>``; a browser session works too (with
its CSRF token on writes). Meetings the caller may not see answer 404, exactly like missing ones.
``GET /api/v1/brief`` lives beside its page, in :mod:`minutes.web.routes.brief`.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from minutes.accounts import access, deletion, edits, people, reads, users
from minutes.db.meeting_view import SpeakerView
from minutes.db.minutes_repo import ACTION_STATUSES
from minutes.errors import ConfigError
from minutes.web import schemas
from minutes.web.deps import CurrentActor, CurrentAuth, Db, UploadAuth, settings_of
from minutes.web.params import Id, Index, Offset, parse_id
from minutes.web.routes import pages
from minutes.web.routes.ask import asker_of
from minutes.web.routes.workspace import receive_uploads

router = APIRouter(prefix="/api/v1", tags=["v1"])

MAX_PAGE = 200


@router.get("/me", response_model=schemas.Me, summary="Who the token or session belongs to")
def me(auth: CurrentAuth) -> schemas.Me:
    p = auth.principal
    return schemas.Me(
        id=p.user_id,
        username=p.username,
        display_name=p.display_name,
        is_admin=p.is_admin,
        managed_teams=sorted(p.managed_teams),
        member_teams=sorted(p.member_teams),
        via=auth.via,
    )


@router.get("/meetings", response_model=schemas.MeetingList, summary="Meetings you may see, filtered")
def list_meetings(
    db: Db,
    actor: CurrentActor,
    filters: Annotated[pages.MeetingFilters, Query()],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> schemas.MeetingList:
    assert actor.principal is not None
    query = filters.query()
    found = reads.list_meetings(db, actor.principal, query, limit=limit, offset=offset)
    return schemas.MeetingList(
        total=found.total,
        limit=limit,
        offset=offset,
        meetings=[schemas.MeetingItem(**r.to_json()) for r in found.rows],
    )


@router.get("/meetings/{meeting_id}", response_model=schemas.MeetingDetail, summary="One meeting")
def get_meeting(db: Db, actor: CurrentActor, meeting_id: Id) -> schemas.MeetingDetail:
    assert actor.principal is not None
    found = reads.view_meeting(db, actor, meeting_id)
    view = reads.meeting_page(db, actor.principal, meeting_id)
    return schemas.MeetingDetail(
        id=view.id,
        title=view.title,
        date=view.date,
        duration=view.duration,
        status=view.status,
        error=view.error,
        language=view.language,
        team_id=view.team_id,
        team=view.team,
        can_edit=found.can_edit,
        has_media=view.has_media,
        imported=view.imported,
        speakers=[_speaker_json(s) for s in view.speakers],
        utterances=len(view.utterances),
        has_minutes=view.summary is not None,
        edits_not_carried=[schemas.LeftEditOut(**asdict(e)) for e in view.left_edits],
    )


@router.delete("/meetings/{meeting_id}", response_model=schemas.Deleted, summary="Delete a meeting")
def delete_meeting(request: Request, db: Db, actor: CurrentActor, meeting_id: Id) -> schemas.Deleted:
    """Removes the meeting, its transcript, minutes and index entries, and the uploaded file."""
    deleted = deletion.delete_meeting(db, actor, meeting_id, media_dir=settings_of(request).media_dir)
    db.commit()
    deletion.remove_media(deleted.media)
    return schemas.Deleted(meeting_id=meeting_id, media_removed=deleted.media is not None)


@router.get("/meetings/{meeting_id}/transcript", response_model=schemas.Transcript, summary="The transcript")
def transcript(
    db: Db,
    actor: CurrentActor,
    meeting_id: Id,
    words: Annotated[bool, Query(description="include word timings")] = False,
) -> JSONResponse:
    # Plain dicts straight to JSON (shape: schemas.Transcript, the response_model, for the OpenAPI
    # description): a 2-hour meeting has ~20k words; objects per word cost most of the time.
    return JSONResponse(
        {"meeting_id": meeting_id, "utterances": reads.transcript(db, actor, meeting_id, words=words)}
    )


@router.get("/meetings/{meeting_id}/minutes", response_model=schemas.MinutesOut, summary="The minutes")
def minutes(db: Db, actor: CurrentActor, meeting_id: Id) -> schemas.MinutesOut:
    assert actor.principal is not None
    reads.view_meeting(db, actor, meeting_id)
    view = reads.meeting_page(db, actor.principal, meeting_id)
    return schemas.MinutesOut(
        meeting_id=meeting_id,
        summary="\n\n".join(view.summary) if view.summary is not None else None,
        items=[
            schemas.ItemOut(
                position=i.position,
                kind=i.kind,
                text=i.text,
                evidence=[e.index for e in i.evidence],
                supported=i.supported,
                owner=i.owner,
                owner_name=i.owner_name,
                due=i.due,
                due_text=i.due_text,
                done=i.done,
            )
            for i in view.items
        ],
        chapters=[
            schemas.ChapterOut(
                start=c.start, end=c.end, title=c.title, evidence=[e.index for e in c.evidence]
            )
            for c in view.chapters
        ],
    )


@router.put(
    "/meetings/{meeting_id}/speakers/{label}", response_model=schemas.SpeakerOut, summary="Name a speaker"
)
def rename_speaker(
    db: Db, actor: CurrentActor, meeting_id: Id, label: str, body: schemas.RenameSpeaker
) -> schemas.SpeakerOut:
    assert actor.principal is not None
    people.name_speaker(db, actor, meeting_id, label, body.name, remember=body.remember_voice)
    return _speaker_out(db, actor, meeting_id, label)


@router.post(
    "/meetings/{meeting_id}/speakers/{label}/voice",
    response_model=schemas.SpeakerOut,
    summary="Confirm or reject the name a speaker's voice suggests",
)
def decide_voice(
    db: Db, actor: CurrentActor, meeting_id: Id, label: str, body: schemas.VoiceDecision
) -> schemas.SpeakerOut:
    people.decide(db, actor, meeting_id, label, accept=body.accept)
    return _speaker_out(db, actor, meeting_id, label)


def _speaker_out(db: Db, actor: CurrentActor, meeting_id: int, label: str) -> schemas.SpeakerOut:
    assert actor.principal is not None
    speaker = reads.meeting_page(db, actor.principal, meeting_id).speaker(label)
    assert speaker is not None
    return _speaker_json(speaker)


def _speaker_json(s: SpeakerView) -> schemas.SpeakerOut:
    return schemas.SpeakerOut(
        label=s.label,
        name=s.name if s.renamed else None,
        name_source=("voice" if s.by_voice else "manual") if s.renamed else None,
        suggestions=[
            schemas.NameSuggestionOut(name=g.name, source=g.source, score=g.score, lines=list(g.lines))
            for g in s.suggestions
        ],
        talk_time=s.talk_time,
        share=s.share,
    )


@router.put(
    "/meetings/{meeting_id}/utterances/{index}",
    response_model=schemas.CorrectedUtterance,
    summary="Correct a transcript line",
)
def correct_utterance(
    db: Db, actor: CurrentActor, meeting_id: Id, index: Index, body: schemas.CorrectUtterance
) -> schemas.CorrectedUtterance:
    text = edits.correct_utterance(db, actor, meeting_id, index, body.text)
    return schemas.CorrectedUtterance(index=index, text=text)


@router.put(
    "/meetings/{meeting_id}/actions/{position}",
    response_model=schemas.ActionDone,
    summary="Tick an action item done (or open again)",
)
def action_done(
    db: Db, actor: CurrentActor, meeting_id: Id, position: Index, body: schemas.ActionDone
) -> schemas.ActionDone:
    edits.set_action_done(db, actor, meeting_id, position, body.done)
    return body


@router.put("/meetings/{meeting_id}/team", response_model=schemas.AssignTeam, summary="Move to a team")
def assign_team(db: Db, actor: CurrentActor, meeting_id: Id, body: schemas.AssignTeam) -> schemas.AssignTeam:
    edits.assign_team(db, actor, meeting_id, body.team_id)
    return body


@router.get("/meetings/{meeting_id}/shares", response_model=schemas.Shares, summary="Who it is shared with")
def shares(db: Db, actor: CurrentActor, meeting_id: Id) -> schemas.Shares:
    assert actor.principal is not None
    access.require_edit(db, actor.principal, meeting_id)
    return schemas.Shares(meeting_id=meeting_id, users=users.meeting_shares(db, meeting_id=meeting_id))


@router.put("/meetings/{meeting_id}/shares/{username}", response_model=schemas.Shares, summary="Share")
def share(db: Db, actor: CurrentActor, meeting_id: Id, username: str) -> schemas.Shares:
    edits.share(db, actor, meeting_id, username)
    return schemas.Shares(meeting_id=meeting_id, users=users.meeting_shares(db, meeting_id=meeting_id))


@router.delete("/meetings/{meeting_id}/shares/{username}", response_model=schemas.Shares, summary="Unshare")
def unshare(db: Db, actor: CurrentActor, meeting_id: Id, username: str) -> schemas.Shares:
    edits.unshare(db, actor, meeting_id, username)
    return schemas.Shares(meeting_id=meeting_id, users=users.meeting_shares(db, meeting_id=meeting_id))


@router.get(
    "/meetings/{meeting_id}/export/{fmt}",
    summary="Export (md, json, txt, srt, vtt, rttm)",
    response_class=Response,
)
def export(db: Db, actor: CurrentActor, meeting_id: Id, fmt: str) -> Response:
    return pages.export(db, actor, meeting_id, fmt)


@router.get(
    "/meetings/{meeting_id}/media", summary="The recording (HTTP Range supported)", response_class=Response
)
def media(request: Request, db: Db, actor: CurrentActor, meeting_id: Id) -> Response:
    return pages.media_response(request, db, actor, meeting_id)


@router.get("/search", response_model=schemas.SearchOut, summary="Search transcripts you may see")
def search(
    db: Db,
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=512)],
    speaker: Annotated[str | None, Query(max_length=256)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[Offset, Query()] = 0,
) -> schemas.SearchOut:
    found = reads.search(
        db,
        actor,
        q,
        speaker=speaker,
        date_from=pages.parse_date(date_from, "from"),
        date_to=pages.parse_date(date_to, "to"),
        limit=limit,
        offset=offset,
    )
    return schemas.SearchOut(
        total=found.total,
        total_capped=found.capped,
        hits=[schemas.SearchHitOut(**schemas.hit_json(h)) for h in found.hits],
        minutes_total=found.minutes_total,
        minutes=[schemas.MinutesHitOut(**schemas.minutes_hit_json(h)) for h in found.minutes],
    )


@router.post("/ask", response_model=schemas.AskOut, summary="Ask the meetings you may see a question")
async def ask(request: Request, actor: CurrentActor, body: schemas.AskIn) -> schemas.AskOut:
    """A short answer whose every sentence cites its lines, or "not found in the meetings you can
    see". Synchronous: the answer comes in this response, once written. The question waits in the
    same line for the one model as the Ask box's (one answer is written at a time, on the server's
    ask thread); a full line answers 503, or 429 when your own questions fill your share, with
    ``Retry-After``."""
    from minutes.ask import AskFilters

    filters = AskFilters(
        meeting_ids=tuple(body.meeting_ids), since=body.since, team=body.team, person=body.person
    )
    pending = asker_of(request).submit(request.app.state.sessions, actor, body.question, filters, keep=False)
    # Awaited, not waited on a thread: the event loop and the request threads stay free.
    result = await asyncio.wrap_future(pending.future)
    return schemas.AskOut.model_validate(result.to_dict())


@router.get("/actions", response_model=list[schemas.ActionItemOut], summary="Action items across meetings")
def action_items(
    db: Db,
    actor: CurrentActor,
    status: Annotated[str | None, Query(max_length=16, description=", ".join(ACTION_STATUSES))] = None,
    owner: Annotated[str | None, Query(max_length=256)] = None,
) -> list[schemas.ActionItemOut]:
    assert actor.principal is not None
    if status is not None and status not in ACTION_STATUSES:
        raise ConfigError(f"unknown status {status!r}; choose one of: {', '.join(ACTION_STATUSES)}")
    rows, _ = reads.actions(db, actor.principal, status=status, owner=owner)
    return [
        schemas.ActionItemOut(
            meeting_id=r.meeting_id,
            meeting_title=r.meeting_title,
            position=r.position,
            text=r.text,
            owner=r.owner,
            owner_name=r.owner_name,
            due=r.due,  # type: ignore[arg-type]  # ISO text, validated into a date
            done=r.done,
            supported=r.supported,
            status=r.status,
        )
        for r in rows
    ]


@router.post("/uploads", response_model=schemas.UploadsOut, summary="Upload recordings (multipart)")
async def upload(request: Request, db: Db, auth: UploadAuth) -> schemas.UploadsOut:
    """Multipart fields: ``files`` (one or more), ``team`` (team id), ``title`` (one file only)."""
    results = await receive_uploads(request, db, auth)
    return schemas.UploadsOut(results=[schemas.UploadOut(**r.to_json()) for r in results])


@router.get("/jobs", response_model=list[schemas.JobOut], summary="Processing jobs you may see, newest first")
def jobs(
    db: Db,
    actor: CurrentActor,
    ids: Annotated[str | None, Query(max_length=2048, description="comma-separated job ids")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> list[schemas.JobOut]:
    assert actor.principal is not None
    wanted = None
    if ids:
        wanted = [job_id for i in ids.split(",") if (job_id := parse_id(i, "ids")) is not None]
    found = reads.visible_jobs(db, actor.principal, ids=wanted, limit=limit)
    return [schemas.JobOut(**schemas.job_json(j)) for j in found]


@router.get("/jobs/{job_id}", response_model=schemas.JobOut, summary="One job")
def job(db: Db, actor: CurrentActor, job_id: Id) -> schemas.JobOut:
    assert actor.principal is not None
    return schemas.JobOut(**schemas.job_json(reads.job_for(db, actor.principal, job_id)))
