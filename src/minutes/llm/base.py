"""The language-model contract every backend meets, and the helpers built on it."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from minutes.cache import options_identity
from minutes.errors import ConfigError, StageError
from minutes.types import ModelRef

log = logging.getLogger(__name__)

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": ...}

BACKENDS = ("llamacpp", "openai", "transformers")


@dataclass(frozen=True, slots=True)
class LLMOptions:
    """Which model, through which backend, with which decoding settings."""

    backend: str = "llamacpp"
    model: str = "qwen2.5-1.5b"  # a known name, a .gguf path, or a model folder (transformers)
    url: str | None = None  # openai backend: base URL of the organisation's own server
    api_key: str | None = None  # openai backend
    threads: int = 2
    n_ctx: int = 12288  # room for a ~45-minute meeting read whole (summarize.summarizer)
    temperature: float = 0.0
    repeat_penalty: float = 1.1  # without it small models loop ("... forty times")
    seed: int = 7
    device: str = "cpu"  # transformers backend

    # Not in the cache identity: the model and the server's URL are in the model's reference
    # (its file hash, or its name and URL), the key is a secret, threads and device do not
    # change the replies.
    CACHE_EXCLUDE: ClassVar[frozenset[str]] = frozenset({"model", "url", "api_key", "threads", "device"})

    def cache_identity(self) -> dict[str, Any]:
        """Backend, context and decoding settings: what changes the replies besides the model."""
        return options_identity(self, exclude=self.CACHE_EXCLUDE)

    def validate(self) -> LLMOptions:
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown LLM backend '{self.backend}'; choose one of: {', '.join(BACKENDS)}")
        if self.backend == "openai" and not self.url:
            raise ConfigError("the openai backend needs the server's URL (--llm-url http://127.0.0.1:8080)")
        return self


def estimate_tokens(text: str) -> int:
    """A safe overestimate of the tokens ``text`` takes: Qwen2.5's tokenizer reads a numbered
    English transcript at 3.3 characters a token (measured, AMI), so 3 leaves a margin; a
    character outside ASCII (Chinese, Japanese, Cyrillic) can be a token of its own."""
    wide = sum(1 for ch in text if ord(ch) > 127)
    return (len(text) - wide) // 3 + wide + 1


class LLM(Protocol):
    """A chat model. ``schema`` (a JSON schema) constrains the output where the backend can."""

    def chat(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply: ...

    def ref(self) -> ModelRef: ...

    def options(self) -> dict[str, Any]:
        """The settings that change its replies (decoding, context): part of the minutes' cache key."""
        ...

    def count_tokens(self, text: str) -> int:
        """At least the tokens ``text`` takes (an estimate may overcount, never undercount)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens in and out of one call, or summed over calls (``a + b``); benchmarks report tokens
    per second from it, the summarize stage stores each meeting's own."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cached_tokens: int = 0  # prompt tokens served from the prefix cache (not read again)
    prompt_ms: float = 0.0  # time reading the new prompt tokens (prefill)
    decode_ms: float = 0.0  # time generating

    @classmethod
    def of_call(cls, prompt: int, completion: int, *, timings: dict[str, Any] | None = None) -> Usage:
        """One call's usage, from the token counts and (llama.cpp) timings a backend reports."""
        t = timings or {}
        return cls(
            prompt_tokens=prompt,
            completion_tokens=completion,
            calls=1,
            cached_tokens=int(t.get("cache_n", 0)),
            prompt_ms=float(t.get("prompt_ms", 0.0)),
            decode_ms=float(t.get("predicted_ms", 0.0)),
        )

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            calls=self.calls + other.calls,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            prompt_ms=self.prompt_ms + other.prompt_ms,
            decode_ms=self.decode_ms + other.decode_ms,
        )

    def rates(self) -> dict[str, float]:
        """Prefill and decode tokens per second, where the backend reports timings."""
        read = self.prompt_tokens - self.cached_tokens
        return {
            "prefill_tok_s": round(read / (self.prompt_ms / 1000), 1) if self.prompt_ms else 0.0,
            "decode_tok_s": round(self.completion_tokens / (self.decode_ms / 1000), 1)
            if self.decode_ms
            else 0.0,
        }


@dataclass(frozen=True, slots=True)
class Reply:
    """What one chat call returns: the model's text and that call's usage."""

    text: str
    usage: Usage = Usage()


class Metered:
    """An LLM that adds up the usage of the calls made through it (one summarize run, one
    benchmark): a fresh one per run, so nothing carries over from the meeting before."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.usage = Usage()

    def chat(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        reply = self.llm.chat(messages, schema=schema, max_tokens=max_tokens)
        self.usage += reply.usage
        return reply

    def ref(self) -> ModelRef:
        return self.llm.ref()

    def options(self) -> dict[str, Any]:
        return self.llm.options()

    def count_tokens(self, text: str) -> int:
        return self.llm.count_tokens(text)

    def close(self) -> None:
        self.llm.close()


def chat_json(
    llm: LLM, messages: list[Message], schema: dict[str, Any], *, max_tokens: int = 256
) -> dict[str, Any]:
    """A structured call: constrained where the backend supports it, parsed and checked here."""
    text = llm.chat(messages, schema=schema, max_tokens=max_tokens).text
    value = parse_json(text)
    if value is None:
        # Unconstrained backends (transformers) may wrap JSON in prose: one corrective retry.
        retry = [
            *messages,
            {"role": "assistant", "content": text},
            {"role": "user", "content": "Reply with JSON only."},
        ]
        value = parse_json(llm.chat(retry, schema=schema, max_tokens=max_tokens).text)
    if value is None or not isinstance(value, dict):
        raise StageError(f"the language model did not return JSON (got {text[:80]!r})")
    missing = [k for k in schema.get("required", []) if k not in value]
    if missing:
        raise StageError(f"the language model's JSON lacks {missing}")
    return value


def parse_json(text: str) -> Any:
    """The first JSON object in ``text``, or None."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    start = text.find("{")
    while start != -1:
        depth = 0
        for i in range(start, len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    try:
                        return json.loads(text[start : i + 1])
                    except ValueError:
                        break
        start = text.find("{", start + 1)
    return None
