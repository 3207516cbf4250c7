"""The process options a job carries, checked when it is queued, and turned into a processor.

A job stores what ``minutes process`` would have been told (``language``, ``num_speakers``,
``no_summary``...), never machine facts (threads) or secrets (an LLM API key): those belong to
the worker that runs it. Options are checked when the job is queued, so a bad value is an
error for whoever submits it, not a failure hours later on a worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minutes.controls import refuse_controls
from minutes.errors import ConfigError

_STR = ("model", "language", "hotwords", "summary_language", "llm_backend", "llm_model", "llm_url", "series")
_COUNT = ("num_speakers", "min_speakers", "max_speakers")
_FLAG = ("no_summary", "sequential", "force")
OPTION_NAMES: tuple[str, ...] = (*_STR, *_COUNT, *_FLAG, "meeting_date")
"""Every key ``enqueue(options=...)`` accepts."""


def normalize_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a job's options; return them without ``None`` values, dates as ISO text.

    Raises :class:`ConfigError` naming the bad key or value and the valid choices.
    """
    out: dict[str, Any] = {}
    for key, value in (options or {}).items():
        if value is None:
            continue
        if key == "llm_api_key":
            raise ConfigError(
                "an LLM API key is not stored with a job; give it to the worker "
                "(--llm-api-key or MINUTES_LLM_API_KEY)"
            )
        if key not in OPTION_NAMES:
            raise ConfigError(f"unknown job option {key!r}; valid: {', '.join(sorted(OPTION_NAMES))}")
        out[key] = _checked(key, value)
    return out


def _checked(key: str, value: Any) -> Any:
    if key in _STR:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"job option {key} must be non-empty text, got {value!r}")
        if key == "series":
            if len(value.strip()) > 256:
                raise ConfigError("job option series is a name of at most 256 characters")
            refuse_controls(value, "the series name")
        return value
    if key in _COUNT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"job option {key} must be a whole number of at least 1, got {value!r}")
        return value
    if key in _FLAG:
        if not isinstance(value, bool):
            raise ConfigError(f"job option {key} must be true or false, got {value!r}")
        return value
    # meeting_date
    if isinstance(value, datetime):
        return value.isoformat()
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"job option meeting_date must be an ISO date/time, got {value!r}") from None
    return str(value)


@dataclass(frozen=True, slots=True)
class ProcessorSpec:
    """What a processor is built from; jobs with equal specs share one (and its loaded models)."""

    preset: str | None
    transcribe: tuple[tuple[str, Any], ...]
    diarize: tuple[tuple[str, Any], ...]
    summarize: tuple[tuple[str, Any], ...]
    summary: bool
    sequential: bool

    @classmethod
    def of(cls, preset: str | None, options: Mapping[str, Any]) -> ProcessorSpec:
        def pick(mapping: dict[str, str]) -> tuple[tuple[str, Any], ...]:
            return tuple((to, options[key]) for key, to in mapping.items() if options.get(key) is not None)

        return cls(
            preset=preset,
            transcribe=pick({"model": "model", "language": "language", "hotwords": "hotwords"}),
            diarize=pick({k: k for k in _COUNT}),
            summarize=pick(
                {
                    "summary_language": "language",
                    "llm_backend": "backend",
                    "llm_model": "model",
                    "llm_url": "url",
                }
            ),
            summary=not options.get("no_summary", False),
            sequential=bool(options.get("sequential", False)),
        )

    def build_args(self, *, threads: int, llm_api_key: str | None) -> dict[str, Any]:
        """Keyword arguments for :func:`minutes.factory.build_processor` (without preset and sessions).

        With one thread, transcription and diarization run one after the other: running them
        side by side would put two busy threads on this worker's one core.
        """
        summarize = dict(self.summarize)
        if llm_api_key:
            summarize["api_key"] = llm_api_key
        return {
            "transcribe": dict(self.transcribe),
            "diarize": dict(self.diarize),
            "threads": threads,
            "parallel": not self.sequential and threads >= 2,
            "summarize": summarize,
            "summary": self.summary,
        }


def run_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for one :meth:`MeetingProcessor.process` call."""
    date = options.get("meeting_date")
    return {
        "force": bool(options.get("force", False)),
        "meeting_date": datetime.fromisoformat(date) if date else None,
    }
