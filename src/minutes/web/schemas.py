"""The shapes of the REST API's requests and answers (they make /api/openapi.json precise).

The ``*_json`` functions at the end turn the domain's results into these shapes' plain dicts,
for the API and for the pages that update themselves from it (the jobs page).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from minutes.web.params import Id


class Me(BaseModel):
    id: int
    username: str
    display_name: str | None
    is_admin: bool
    managed_teams: list[int]
    member_teams: list[int]
    via: str = Field(description="web (session cookie) or api (bearer token)")


class MeetingItem(BaseModel):
    id: int
    title: str
    date: datetime
    duration: float = Field(description="seconds")
    status: str
    team_id: int | None
    team: str | None
    participants: list[str]


class MeetingList(BaseModel):
    total: int
    limit: int
    offset: int
    meetings: list[MeetingItem]


class NameSuggestionOut(BaseModel):
    """A name this speaker may have, to confirm or reject."""

    name: str
    source: str = Field(description='"voice" (a remembered voice) or "conversation" (others called them so)')
    score: float | None = Field(default=None, description="for a voice: cosine similarity, 0..1")
    lines: list[int] = Field(
        default_factory=list, description="for the conversation: where they were called so"
    )


class SpeakerOut(BaseModel):
    label: str
    name: str | None
    name_source: str | None = Field(
        default=None,
        description='"manual" (a person named them), "voice" (a remembered voice matched) or null',
    )
    suggestions: list[NameSuggestionOut] = Field(default_factory=list)
    talk_time: float
    share: float


class LeftEditOut(BaseModel):
    """A person's edit a re-run could not carry onto the new output (kept; see docs/web.md)."""

    kind: str = Field(description="line (a corrected line), speaker (a name), action (a done tick)")
    text: str = Field(description="the corrected line, the name, or the action item")
    label: str | None = Field(description="the speaker label it was given to or owned by")
    machine: str = Field(description="what the machine wrote on the corrected line")
    start: float | None
    end: float | None
    left_at: str


class MeetingDetail(BaseModel):
    id: int
    title: str
    date: datetime
    duration: float
    status: str
    error: str | None
    language: str | None
    team_id: int | None
    team: str | None
    can_edit: bool
    has_media: bool
    imported: str | None = Field(
        None,
        description="the transcript format an imported meeting was read from (no recording); null otherwise",
    )
    speakers: list[SpeakerOut]
    utterances: int
    has_minutes: bool
    edits_not_carried: list[LeftEditOut] = Field(
        default_factory=list, description="a person's edits re-runs could not carry (kept, to apply again)"
    )


class WordOut(BaseModel):
    start: float
    end: float
    text: str
    probability: float


class UtteranceOut(BaseModel):
    index: int
    speaker: str
    speaker_name: str
    start: float
    end: float
    text: str
    overlap: bool
    words: list[WordOut] | None = Field(None, description="only with ?words=true")


class Transcript(BaseModel):
    meeting_id: int
    utterances: list[UtteranceOut]


class ItemOut(BaseModel):
    position: int = Field(description="the item's place in the minutes; PUT .../actions/{position} takes it")
    kind: str
    text: str
    evidence: list[int] = Field(description="utterance indexes the item rests on")
    supported: bool = Field(description="false: the cited words do not carry the item (shown flagged)")
    owner: str | None
    owner_name: str | None
    due: date | None
    due_text: str | None
    done: bool


class ChapterOut(BaseModel):
    start: float
    end: float
    title: str
    evidence: list[int]


class MinutesOut(BaseModel):
    meeting_id: int
    summary: str | None
    items: list[ItemOut]
    chapters: list[ChapterOut]


class RenameSpeaker(BaseModel):
    name: str = Field(max_length=256, description="the person's name; blank removes it")
    remember_voice: bool = Field(
        default=False,
        description="with the person's consent: remember their voice, to name them in later meetings",
    )


class VoiceDecision(BaseModel):
    accept: bool = Field(
        description="true: the speaker takes the suggested name; false: never suggest it again"
    )


class CorrectUtterance(BaseModel):
    text: str = Field(min_length=1, max_length=20000)


class CorrectedUtterance(BaseModel):
    index: int
    text: str


class ActionDone(BaseModel):
    done: bool = True


class AssignTeam(BaseModel):
    team_id: Id | None


class Shares(BaseModel):
    meeting_id: int
    users: list[str]


class SearchHitOut(BaseModel):
    meeting_id: int
    meeting_title: str
    meeting_date: datetime | None
    utterance_index: int
    start: float
    end: float
    speaker: str
    text: str
    snippet: list[tuple[str, bool]] = Field(description="fragments; true marks a match")
    score: float
    url: str = Field(description="the meeting page at that moment")


class MinutesHitOut(BaseModel):
    meeting_id: int
    meeting_title: str
    meeting_date: datetime | None
    kind: str = Field(description="summary, decision, action or question")
    position: int | None = Field(description="the item's place in the minutes; none for the summary")
    text: str
    evidence: list[int]
    snippet: list[tuple[str, bool]]
    score: float
    url: str


class SearchOut(BaseModel):
    total: int
    total_capped: bool = Field(
        False,
        description="the search stopped at `total` matching lines: at least that many match, and the"
        " hits are the best of the most recently stored ones",
    )
    hits: list[SearchHitOut]
    minutes_total: int = Field(description="matching summaries and minute items (first page only)")
    minutes: list[MinutesHitOut]


class ActionItemOut(BaseModel):
    meeting_id: int
    meeting_title: str
    position: int
    text: str
    owner: str | None
    owner_name: str | None
    due: date | None
    done: bool
    supported: bool
    status: str  # open, done, overdue; an item of a series as its ledger says (also dropped, slipped)


class JobOut(BaseModel):
    id: int
    title: str
    status: str = Field(description="queued, running, done, failed or skipped")
    stage: str | None
    progress: float
    meeting_id: int | None
    error: str | None
    attempts: int
    team_id: int | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class UploadOut(BaseModel):
    filename: str
    job_id: int | None
    meeting_id: int | None = Field(description="set when the recording is in the archive already")
    error: str | None


class UploadsOut(BaseModel):
    results: list[UploadOut]


class Deleted(BaseModel):
    meeting_id: int
    media_removed: bool


# Plain JSON of domain results ---------------------------------------------------------------


def job_json(job: Any) -> dict[str, Any]:
    """A job as the jobs page and the API show it (:func:`minutes.accounts.reads.visible_jobs`)."""
    return {
        "id": job.id,
        "title": job.title or job.name,
        "status": job.status,
        "stage": job.stage,
        "progress": round(float(job.progress), 3),
        "meeting_id": job.meeting_id,
        "error": job.error,
        "attempts": job.attempts,
        "team_id": job.team_id,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _hit_json(hit: Any, own: tuple[str, ...], *, url: str) -> dict[str, Any]:
    """What a transcript hit and a minutes hit share (meeting, snippet, score, link) around ``own``."""
    values = {name: getattr(hit, name) for name in own}
    return {
        "meeting_id": hit.meeting_id,
        "meeting_title": hit.meeting_title,
        "meeting_date": hit.meeting_date.isoformat() if hit.meeting_date else None,
        **{name: list(v) if isinstance(v, tuple | list) else v for name, v in values.items()},
        "snippet": [[text, bool(match)] for text, match in hit.snippet],
        "score": hit.score,
        "url": url,
    }


def hit_json(hit: Any) -> dict[str, Any]:
    url = f"/meetings/{hit.meeting_id}?t={hit.start:.1f}#u-{hit.utterance_index}"
    return _hit_json(hit, ("utterance_index", "start", "end", "speaker", "text"), url=url)


def minutes_hit_json(hit: Any) -> dict[str, Any]:
    anchor = "#minutes" if hit.position is None else f"#item-{hit.position}"
    return _hit_json(hit, ("kind", "position", "text", "evidence"), url=f"/meetings/{hit.meeting_id}{anchor}")


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    meeting_ids: list[Id] = Field(default_factory=list, max_length=200, description="only these meetings")
    since: date | None = Field(None, description="only meetings on or after this day")
    team: str | None = Field(None, max_length=128, description="only this team's meetings (its name)")
    person: str | None = Field(None, max_length=256, description="only meetings where this person spoke")


class CitationOut(BaseModel):
    meeting_id: int
    utterance: int = Field(description="0-based position of the line in the meeting's JSON export")
    start: float
    end: float
    speaker: str
    text: str


class AskSentenceOut(BaseModel):
    text: str
    citations: list[CitationOut]


class AskOut(BaseModel):
    answer: str = Field(description='the sentences joined, or "not found in the meetings you can see"')
    found: bool
    quoted: bool = Field(
        description="no sentence written from the lines could be checked: the sentences are the lines,"
        " as said"
    )
    sentences: list[AskSentenceOut]
