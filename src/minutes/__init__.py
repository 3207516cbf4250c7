"""minutes: self-hosted meeting intelligence on local models."""

from minutes.errors import (
    ConfigError,
    InputError,
    MinutesError,
    ModelNotFoundError,
    NotFoundError,
    StageError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "InputError",
    "MinutesError",
    "ModelNotFoundError",
    "NotFoundError",
    "StageError",
    "__version__",
]
