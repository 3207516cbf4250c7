"""Storage: SQLAlchemy models, engines and sessions, Alembic migrations, and the repository.

Typical use::

    engine = make_engine("sqlite:///meetings.db")
    upgrade(engine)
    factory = session_factory(engine)
    with session_scope(factory) as session:
        doc = load_meeting(session, meeting_id=1)
"""

from minutes.db import accounts as accounts  # registers the account tables on Base.metadata
from minutes.db import series_tables as series_tables  # registers the series and ledger tables
from minutes.db import voice_tables as voice_tables  # registers the voice tables on Base.metadata
from minutes.db.engine import (
    current_revision,
    head_revision,
    is_up_to_date,
    make_engine,
    session_factory,
    session_scope,
    upgrade,
)
from minutes.db.jobs import Job as Job
from minutes.db.kept_edits import left_edits
from minutes.db.meeting_doc import MeetingSummary, list_meetings, load_meeting, speaker_turns, speech_coverage
from minutes.db.minutes_repo import ACTION_STATUSES, ActionItemRow, action_items, save_minutes, set_item_done
from minutes.db.repo import (
    add_recording,
    correct_utterance,
    create_meeting,
    delete_meeting_rows,
    find_recording,
    get_stage,
    meetings_for_recording,
    rename_speaker,
    replace_transcript,
    save_stage,
    set_language,
    set_status,
)
from minutes.db.tables import (
    MINUTE_KINDS,
    STATUSES,
    Base,
    ChapterRow,
    EditRow,
    Meeting,
    MinuteItemRow,
    MinutesRow,
    Recording,
    SpeakerRow,
    StageRun,
    UtteranceRow,
)

__all__ = [
    "ACTION_STATUSES",
    "MINUTE_KINDS",
    "STATUSES",
    "ActionItemRow",
    "Base",
    "ChapterRow",
    "EditRow",
    "Meeting",
    "MeetingSummary",
    "MinuteItemRow",
    "MinutesRow",
    "Recording",
    "SpeakerRow",
    "StageRun",
    "UtteranceRow",
    "action_items",
    "add_recording",
    "correct_utterance",
    "create_meeting",
    "current_revision",
    "delete_meeting_rows",
    "find_recording",
    "get_stage",
    "head_revision",
    "is_up_to_date",
    "left_edits",
    "list_meetings",
    "load_meeting",
    "make_engine",
    "meetings_for_recording",
    "rename_speaker",
    "replace_transcript",
    "save_minutes",
    "save_stage",
    "session_factory",
    "session_scope",
    "set_item_done",
    "set_language",
    "set_status",
    "speaker_turns",
    "speech_coverage",
    "upgrade",
]
