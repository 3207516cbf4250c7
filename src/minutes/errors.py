"""Exceptions raised by the library.

    MinutesError                 base class; its message is meant for the user as-is
    ├── InputError               a recording cannot be used (missing, empty, not media, too short)
    ├── ModelNotFoundError       a model cannot be found locally; says which package or path provides it
    ├── ConfigError              a setting or option has a bad value; lists the valid choices
    ├── NotFoundError            a meeting (or other stored object) does not exist
    ├── StageError               a pipeline stage failed on valid input
    └── DatabaseUnavailableError the database cannot be reached or used (server down, wrong URL,
                                 login refused, SQLite folder missing); names the URL and the fix

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


class StageError(MinutesError):
    """A pipeline stage failed."""


class DatabaseUnavailableError(MinutesError):
    """The database cannot be reached or used, now or for longer than a command waits for it."""
