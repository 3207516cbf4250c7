"""Exceptions raised by the library.

    MinutesError                 base class; its message is meant for the user as-is
    ├── InputError               a recording cannot be used (missing, empty, not media, too short)
    ├── ModelNotFoundError       a model cannot be found locally; says which package or path provides it
    ├── ConfigError              a setting or option has a bad value; lists the valid choices
    │   └── QueryError           a search query cannot be used (empty, too long, a bare ``*``)
    ├── InvalidValue             a value given to store or look up cannot be: control characters
    │                            in a name, title or line, a NUL byte (the web answers 422)
    ├── NotFoundError            a meeting (or other stored object) does not exist, or the user may
    │                            not see it (the same answer, so existence does not leak)
    ├── StageError               a pipeline stage failed on valid input
    ├── WorkerPoolError          batch worker processes keep dying before taking any job
    ├── DatabaseUnavailableError the database cannot be reached or used (server down, wrong URL,
    │                            login refused, SQLite folder missing); names the URL and the fix
    ├── Forbidden                the user may see this but not do what was asked
    ├── LoginFailed              wrong user name or password (deliberately not saying which)
    ├── LoginThrottled           too many failed sign-ins; ``retry_after`` seconds
    ├── LoginRequired            no valid credentials (web and API)
    ├── Busy                     too many questions already wait for the model; ``retry_after``
    │                            seconds, ``mine`` when the caller's own asks fill their share
    ├── CsrfFailed               an unsafe browser request without the session's CSRF token
    └── AdminOnly                a page or call only administrators may use

The CLI and the web app translate these into one-line messages and exit codes; nothing
below them prints.
"""

from __future__ import annotations

EXIT_UNAVAILABLE = 69
"""Exit status of a command (or worker process) that cannot reach the database: sysexits.h's
``EX_UNAVAILABLE``, so a supervisor can tell it from a failed recording (1)."""


class MinutesError(Exception):
    """Base class for every error the library raises on purpose.

    ``meeting_id`` is set when the error concerns a stored meeting (e.g. a failed stage).
    """

    def __init__(self, *args: object, meeting_id: int | None = None) -> None:
        super().__init__(*args)
        self.meeting_id = meeting_id


class InputError(MinutesError):
    """The given recording cannot be processed."""


class ModelNotFoundError(MinutesError):
    """A model is not installed or not at the given path."""


class ConfigError(MinutesError):
    """A setting or option has a value that cannot work."""


class NotFoundError(MinutesError):
    """A stored object does not exist."""


class InvalidValue(MinutesError):
    """A value given to be stored or looked up cannot be: a control character in a name, a title
    or a corrected line, or a NUL byte in any text (PostgreSQL cannot hold one). The message names
    the value and the character."""


class StageError(MinutesError):
    """A pipeline stage failed."""


class DatabaseUnavailableError(MinutesError):
    """The database cannot be reached or used, now or for longer than a command waits for it."""


class QueryError(ConfigError):
    """The search query cannot be used (empty, nothing searchable, too long, a bare ``*``)."""


class WorkerPoolError(MinutesError):
    """The worker processes cannot run (they keep dying before taking any job)."""


class Forbidden(MinutesError):
    """The user may read this but not do what was asked."""


class LoginFailed(MinutesError):
    """Wrong user name or password (deliberately not saying which)."""


class LoginThrottled(MinutesError):
    """Too many failed sign-ins for a user name (from one address or many); ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(f"too many failed sign-ins; try again in {minutes} minute{'s' * (minutes > 1)}")
        self.retry_after = retry_after


class LoginRequired(MinutesError):
    """No (valid) credentials; ``bearer`` when a bearer token was sent and refused."""

    def __init__(self, message: str, *, bearer: bool = False) -> None:
        super().__init__(message)
        self.bearer = bearer


class CsrfFailed(MinutesError):
    """An unsafe request from a browser session without the session's CSRF token."""


class AdminOnly(MinutesError):
    """A page or call only administrators may use."""


class Busy(MinutesError):
    """Too many questions already wait for the model (the web app's ask queue is full): the web
    answers 503, or 429 when ``mine`` (the caller's own asks fill their share); ``retry_after`` in
    seconds."""

    def __init__(self, message: str, *, retry_after: int, mine: bool) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.mine = mine
