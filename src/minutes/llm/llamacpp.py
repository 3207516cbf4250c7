"""llama.cpp in-process through ``xllamacpp``: the default, offline CPU backend.

xllamacpp's ``Server`` always opens an HTTP listener (127.0.0.1, random port). On a shared
host that would be an open door to the model, so every instance gets a random API key that
never leaves this process: the listener answers 401 to anyone else. Calls go in-process.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any

from minutes.errors import StageError
from minutes.llm.base import LLMOptions, Message, Reply, Usage, estimate_tokens
from minutes.registry import ResolvedModel
from minutes.types import ModelRef

log = logging.getLogger(__name__)


class LlamaCppLLM:
    """A GGUF model served in-process by llama.cpp; loaded on first use, one call at a time."""

    def __init__(self, model: ResolvedModel, opts: LLMOptions) -> None:
        self.model = model
        self.opts = opts
        self._server: Any = None
        self._lock = threading.Lock()
        self._api_key = secrets.token_urlsafe(32)

    def ref(self) -> ModelRef:
        return self.model.ref()

    def options(self) -> dict[str, Any]:
        return self.opts.cache_identity()

    @property
    def listening_address(self) -> str | None:
        return str(self._server.listening_address) if self._server is not None else None

    def _load(self) -> Any:
        if self._server is None:
            import xllamacpp as xlc

            p = xlc.CommonParams()
            p.model.path = str(self.model.files[0])
            p.n_ctx = self.opts.n_ctx
            p.n_parallel = 1
            p.cpuparams.n_threads = self.opts.threads
            p.cpuparams_batch.n_threads = self.opts.threads
            p.api_keys = [self._api_key]
            p.hostnames = ["127.0.0.1"]
            p.verbosity = -1
            p.warmup = False
            p.sampling.seed = self.opts.seed
            try:
                self._server = xlc.Server(p)
            except RuntimeError as exc:
                raise StageError(f"cannot load language model {self.model.files[0]}: {exc}") from exc
            log.info("loaded %s (%d threads, ctx %d)", self.model.name, self.opts.threads, self.opts.n_ctx)
        return self._server

    def chat(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        request: dict[str, Any] = {
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": self.opts.temperature,
            "repeat_penalty": self.opts.repeat_penalty,
            "seed": self.opts.seed,
            "cache_prompt": True,  # calls about one chunk share their prefix: read it once
        }
        if schema is not None:
            request["response_format"] = {"type": "json_schema", "json_schema": {"schema": schema}}
        with self._lock:
            server = self._load()
            reply = server.handle_chat_completions(request)
        if not isinstance(reply, dict) or "choices" not in reply:
            raise StageError(f"llama.cpp failed: {str(reply)[:200]}")
        usage = reply.get("usage") or {}
        return Reply(
            str(reply["choices"][0]["message"].get("content") or ""),
            Usage.of_call(
                int(usage.get("prompt_tokens", 0)),
                int(usage.get("completion_tokens", 0)),
                timings=reply.get("timings"),
            ),
        )

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        with self._lock:
            self._server = None  # the Server's destructor stops its loop and the listener
