"""The one set of recording options, shared by ``process``, ``batch``, ``watch`` and ``summarize``.

Declared once here, so a recording is described the same way whether it is processed at once or
queued as a job. Every option also reads an environment variable: the documented ``MINUTES_*``
settings named here, or ``MINUTES_<COMMAND>_<OPTION>`` (the root group's auto prefix).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from minutes.cli.errors import errors

_count = click.IntRange(min=1)

Decorator = Callable[[Any], Any]


def stack(*decorators: Decorator) -> Decorator:
    """Several click decorators as one, applied in the order written (top first)."""

    def apply(f: Any) -> Any:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


preset_option = click.option(
    "--preset", envvar="MINUTES_PRESET", help="Pipeline preset name or .toml path [default: cpu-fast]."
)
threads_option = click.option("--threads", type=_count, envvar="MINUTES_THREADS", help="CPU threads in all.")


def _series_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from minutes.db.series import check_name
    from minutes.errors import InvalidValue

    try:
        return None if value is None else check_name(value)
    except InvalidValue as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


series_option = click.option(
    "--series",
    callback=_series_name,
    help="Put each meeting in this series (started when there is none): its commitments are linked "
    "to the earlier meetings' (`minutes ledger`).",
)

llm_options = stack(
    click.option(
        "--summary-language",
        envvar="MINUTES_SUMMARY_LANGUAGE",
        help="Language of the minutes (en, de, ...) [default: the meeting's].",
    ),
    click.option(
        "--llm-backend",
        type=click.Choice(["llamacpp", "openai", "transformers"]),
        envvar="MINUTES_LLM_BACKEND",
        help="llamacpp (in-process, default), openai (your own server), transformers (model folder).",
    ),
    click.option(
        "--llm-model",
        envvar="MINUTES_LLM_MODEL",
        help="qwen2.5-1.5b (default), smollm2-135m, a .gguf path, or a model folder.",
    ),
    click.option("--llm-url", envvar="MINUTES_LLM_URL", help="URL of an OpenAI-compatible server."),
    click.option("--llm-api-key", envvar="MINUTES_LLM_API_KEY", help="API key for that server."),
)
"""The options that pick the language model for the minutes."""

recording_options = stack(
    preset_option,
    click.option(
        "--model", envvar="MINUTES_MODEL", help="Speech model: tiny.en, base, or a local CTranslate2 folder."
    ),
    click.option(
        "--language", envvar="MINUTES_LANGUAGE", help="Spoken language code (en, de, ...); default: detect."
    ),
    click.option(
        "--vocabulary",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        envvar="MINUTES_VOCABULARY",
        help="File of names and jargon, one per line, to help recognition.",
    ),
    click.option("--speakers", type=_count, help="Exact number of speakers, if known."),
    click.option("--min-speakers", type=_count, help="At least this many speakers."),
    click.option("--max-speakers", type=_count, help="At most this many speakers."),
    click.option("--force", is_flag=True, help="Redo every stage even for recordings processed before."),
    click.option("--sequential", is_flag=True, help="Run transcription and diarization one after the other."),
    click.option(
        "--no-summary", is_flag=True, envvar="MINUTES_NO_SUMMARY", help="Skip the minutes (LLM) stage."
    ),
    llm_options,
)
"""What a recording is processed with: preset, speech model, speakers, minutes."""


@dataclass(frozen=True, kw_only=True)
class LLMChoice:
    """The values of :data:`llm_options`; ``None`` where not given (the preset decides)."""

    language: str | None
    backend: str | None
    model: str | None
    url: str | None
    api_key: str | None

    @classmethod
    def take(cls, kwargs: dict[str, Any]) -> LLMChoice:
        """Pop the LLM options out of a command's keyword arguments."""
        return cls(
            language=kwargs.pop("summary_language", None),
            backend=kwargs.pop("llm_backend", None),
            model=kwargs.pop("llm_model", None),
            url=kwargs.pop("llm_url", None),
            api_key=kwargs.pop("llm_api_key", None),
        )

    def overrides(self) -> dict[str, Any]:
        """As the factory's summarizer overrides."""
        return {
            "language": self.language,
            "backend": self.backend,
            "model": self.model,
            "url": self.url,
            "api_key": self.api_key,
        }


@dataclass(frozen=True, kw_only=True)
class Recording:
    """The values of :data:`recording_options`, read from a command's keyword arguments."""

    preset: str | None
    model: str | None
    language: str | None
    hotwords: str | None
    speakers: int | None
    min_speakers: int | None
    max_speakers: int | None
    force: bool
    sequential: bool
    no_summary: bool
    llm: LLMChoice

    @classmethod
    def take(cls, kwargs: dict[str, Any]) -> Recording:
        """Pop the recording options out of ``kwargs`` (the vocabulary file is read now)."""
        llm = LLMChoice.take(kwargs)
        return cls(
            preset=kwargs.pop("preset"),
            model=kwargs.pop("model"),
            language=kwargs.pop("language"),
            hotwords=read_hotwords(kwargs.pop("vocabulary")),
            speakers=kwargs.pop("speakers"),
            min_speakers=kwargs.pop("min_speakers"),
            max_speakers=kwargs.pop("max_speakers"),
            force=kwargs.pop("force"),
            sequential=kwargs.pop("sequential"),
            no_summary=kwargs.pop("no_summary"),
            llm=llm,
        )

    def transcribe(self) -> dict[str, Any]:
        return {"model": self.model, "language": self.language, "hotwords": self.hotwords}

    def diarize(self) -> dict[str, Any]:
        return {
            "num_speakers": self.speakers,
            "min_speakers": self.min_speakers,
            "max_speakers": self.max_speakers,
        }

    def job_options(self) -> dict[str, Any]:
        """As a job's options (:data:`minutes.jobs.OPTION_NAMES`), without those not given."""
        options = {
            "model": self.model,
            "language": self.language,
            **self.diarize(),
            "hotwords": self.hotwords,
            "no_summary": self.no_summary or None,
            "sequential": self.sequential or None,
            "force": self.force or None,
            "llm_backend": self.llm.backend,
            "llm_model": self.llm.model,
            "llm_url": self.llm.url,
            "summary_language": self.llm.language,
        }
        return {k: v for k, v in options.items() if v is not None}


def read_hotwords(vocabulary: Path | None) -> str | None:
    """The ``--vocabulary`` file as the recognizer's hotwords (``None`` without one)."""
    from minutes.asr import read_vocabulary

    with errors():
        return read_vocabulary(vocabulary) if vocabulary else None
