"""The MCP server: the tools of :mod:`minutes.agent.tools` as typed MCP tools, over stdio.

Each tool is a thin wrapper: its arguments are typed and bounded (the SDK checks them against the
schema it shows the client), it calls one function of :mod:`~minutes.agent.tools` in a worker
thread, and returns that result as JSON text. A :class:`~minutes.errors.MinutesError` (a bad or
hidden meeting id, a refused token, a bad filter) becomes a tool error carrying its one-line
message; anything unexpected becomes the SDK's bare "Error executing tool NAME", its traceback on
the server's stderr only. The server only ever talks on stdin/stdout: it opens no port.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from minutes import __version__
from minutes.agent import tools
from minutes.agent.asking import Asker, AskFilters
from minutes.agent.tools import Archive
from minutes.db.minutes_repo import ACTION_STATUSES
from minutes.db.tables import MAX_INTEGER
from minutes.errors import MinutesError

log = logging.getLogger(__name__)

NAME = "minutes"
INSTRUCTIONS = (
    "The meeting archive of one user: transcripts, speakers and minutes of the meetings they may see."
    " Cite a line as meeting_id + utterance (its 0-based position in get_meeting's utterances);"
    " start/end are seconds into the meeting. Meetings the user may not see do not exist here."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
MAX_PAGE = 200

_F = TypeVar("_F", bound=Callable[..., str])

MeetingId = Annotated[
    int, Field(ge=1, le=MAX_INTEGER, description="a meeting id (from search or list_meetings)")
]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE, description="at most this many results")]
Offset = Annotated[int, Field(ge=0, le=MAX_INTEGER, description="skip this many (the next page)")]
Day = Annotated[date | None, Field(description="a day, YYYY-MM-DD")]


def _json(work: Callable[[], Any]) -> str:
    """Run one tool's work; its result as JSON text, a library error as a tool error."""
    try:
        result = work()
    except MinutesError as exc:
        raise ToolError(str(exc)) from None
    except Exception as exc:
        unavailable = _database_down(exc)
        if unavailable is not None:
            raise ToolError(unavailable) from None
        raise
    return json.dumps(result, ensure_ascii=False, default=str)


def _database_down(exc: Exception) -> str | None:
    """The one-line message for a database that cannot be reached, else ``None``."""
    from sqlalchemy.exc import SQLAlchemyError

    from minutes.db.engine import is_unavailable, unreachable
    from minutes.settings import database_url

    if isinstance(exc, SQLAlchemyError) and is_unavailable(exc):
        return str(unreachable(exc, database_url()))
    return None


def _tool(server: MCPServer) -> Callable[[_F], _F]:
    """Register a read-only tool whose description is its docstring, dedented; its text result
    is the whole answer (no structured copy of the same JSON)."""

    def register(fn: _F) -> _F:
        server.add_tool(
            fn,
            description=inspect.cleandoc(fn.__doc__ or ""),
            annotations=READ_ONLY,
            structured_output=False,
        )
        return fn

    return register


def build_server(archive: Archive, *, asker: Asker | None = None) -> MCPServer:
    """The MCP server for ``archive``'s user; ``ask`` is offered only with an ``asker``."""
    server = MCPServer(NAME, version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    @_tool(server)
    def whoami() -> str:
        """Who this server acts as: the user of its API token, with the teams they manage or belong to."""
        return _json(lambda: tools.whoami(archive))

    @_tool(server)
    def search(
        query: Annotated[str, Field(min_length=1, max_length=512, description="words to find")],
        speaker: Annotated[
            str | None, Field(max_length=256, description="only lines of this speaker")
        ] = None,
        date_from: Day = None,
        date_to: Day = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> str:
        """Full-text search over the transcripts of the meetings you may see: best matches first.

        All words must match, in any order, in a line or its speaker's name; words are stemmed and
        accents ignored; "exact phrase" keeps words together, budg* matches a prefix. Each hit
        gives meeting_id, utterance (the line's position), start/end seconds, speaker and text.
        The first page without a speaker also lists matching minutes (summary, decisions,
        actions, questions) with the utterances they cite as evidence.
        """
        return _json(
            lambda: tools.search(
                archive,
                query,
                speaker=speaker,
                date_from=date_from,
                date_to=date_to,
                limit=limit,
                offset=offset,
            )
        )

    @_tool(server)
    def list_meetings(
        date_from: Day = None,
        date_to: Day = None,
        team_id: Annotated[int | None, Field(ge=1, le=MAX_INTEGER, description="only this team's")] = None,
        person: Annotated[str | None, Field(max_length=256, description="a speaker's name or label")] = None,
        title: Annotated[str | None, Field(max_length=256, description="words in the title")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> str:
        """The meetings you may see, newest first: id, title, date, duration (s), status, team,
        participants. Filters narrow it (dates are whole days, both ends included)."""
        return _json(
            lambda: tools.list_meetings(
                archive,
                date_from=date_from,
                date_to=date_to,
                team_id=team_id,
                person=person,
                title=title,
                limit=limit,
                offset=offset,
            )
        )

    @_tool(server)
    def get_meeting(
        meeting_id: MeetingId,
        words: Annotated[bool, Field(description="include word timings (large)")] = False,
    ) -> str:
        """One meeting as its JSON export: title, date, speakers (labels and names), the transcript
        (utterances: index, speaker, speaker_name, start, end, text) and the minutes (summary,
        items with kind, owner, due and the utterance indexes they rest on as evidence, chapters)."""
        return _json(lambda: tools.get_meeting(archive, meeting_id, words=words))

    @_tool(server)
    def list_action_items(
        status: Annotated[
            str | None, Field(max_length=16, description=f"one of: {', '.join(ACTION_STATUSES)}")
        ] = None,
        owner: Annotated[str | None, Field(max_length=256, description="a speaker's name or label")] = None,
    ) -> str:
        """Action items of the meetings you may see, by due date (undated last): text, owner, due,
        done, the meeting and position, and the utterances they rest on (evidence)."""
        return _json(lambda: tools.list_action_items(archive, status=status, owner=owner))

    @_tool(server)
    def brief(
        since: Annotated[
            str, Field(min_length=1, max_length=32, description="7d, 2w (up to today) or a day, YYYY-MM-DD")
        ] = "7d",
        team: Annotated[str | None, Field(max_length=256, description="only this team's: name or id")] = None,
        person: Annotated[
            str | None, Field(max_length=256, description="meetings this person spoke in, and their actions")
        ] = None,
    ) -> str:
        """What happened in the meetings you may see since a day: each meeting in one line (gist,
        people), the decisions, new action items by owner, what is overdue or due soon, and open
        questions. Every entry cites meeting_id + utterance (start seconds, link); the JSON of
        `minutes brief --format json` (schema minutes.brief/1). Built from stored minutes: fast."""
        return _json(lambda: tools.brief(archive, since=since, team=team, person=person))

    @_tool(server)
    def ledger(
        series: Annotated[
            str | None, Field(max_length=256, description="only this series: name or id")
        ] = None,
        owner: Annotated[
            str | None, Field(max_length=256, description="only this person's (their name)")
        ] = None,
        status: Annotated[
            str | None, Field(max_length=16, description="open, done, slipped, overdue or dropped")
        ] = None,
    ) -> str:
        """What was promised in each series of meetings you may see, and whether it happened: each
        commitment's owner, text, status (slipped: re-dated later than first promised), due date,
        slips, and its history (promised, restated, redated, done, dropped), each step citing
        meeting_id + line; the JSON of `minutes ledger --json`."""
        return _json(lambda: tools.ledger(archive, series=series, owner=owner, status=status))

    if asker is not None:
        _add_ask(server, archive, asker)
    return server


def _add_ask(server: MCPServer, archive: Archive, asker: Asker) -> None:
    @_tool(server)
    def ask(
        question: Annotated[str, Field(min_length=1, max_length=2000, description="a question in words")],
        meeting_ids: Annotated[
            list[Annotated[int, Field(ge=1, le=MAX_INTEGER)]] | None,
            Field(max_length=100, description="only these meetings"),
        ] = None,
        since: Day = None,
        team: Annotated[str | None, Field(max_length=256, description="only this team's (its name)")] = None,
        person: Annotated[
            str | None, Field(max_length=256, description="meetings this person spoke in")
        ] = None,
    ) -> str:
        """Answer a question from the meetings you may see, in a few sentences, each citing the
        lines it rests on (meeting_id, utterance, start, end, speaker, text). found is false, and
        the answer says so, when those meetings do not hold the answer; quoted is true when no
        sentence written could be checked and the sentences are the lines themselves, as said.
        Slow: a local model writes it."""
        filters = AskFilters(meeting_ids=tuple(meeting_ids or ()), since=since, team=team, person=person)
        return _json(lambda: asker(archive, question, filters))


def serve(archive: Archive, *, asker: Asker | None = None) -> None:
    """Serve ``archive`` over stdio until the client closes stdin."""
    build_server(archive, asker=asker).run("stdio")
