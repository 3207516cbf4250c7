"""An OpenAI-compatible chat server the organisation runs itself (llama.cpp server, vLLM, Ollama).

Only ``/v1/chat/completions`` and ``/v1/models`` are used. The URL is the user's; the product
sends nothing anywhere else. JSON-schema output is requested the way llama.cpp and vLLM take it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from minutes.errors import ConfigError, StageError
from minutes.llm.base import LLMOptions, Message, Reply, Usage, estimate_tokens
from minutes.types import ModelRef


class OpenAICompatLLM:
    def __init__(self, opts: LLMOptions, *, timeout: float = 600.0) -> None:
        if not opts.url:
            raise ConfigError("the openai backend needs --llm-url (e.g. http://127.0.0.1:8080)")
        self.opts = opts
        self.base = opts.url.rstrip("/")
        if not self.base.endswith("/v1"):
            self.base += "/v1"
        self.timeout = timeout

    def _post(self, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if self.opts.api_key:
            headers["Authorization"] = f"Bearer {self.opts.api_key}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path, data=data, headers=headers, method="POST" if data else "GET"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload: dict[str, Any] = json.loads(resp.read().decode("utf-8"))
                return payload
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            hint = " (check --llm-api-key)" if exc.code in (401, 403) else ""
            raise StageError(
                f"language-model server {self.base} answered {exc.code}{hint}: {detail}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StageError(f"cannot reach language-model server {self.base}: {exc}") from exc

    def chat(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        body: dict[str, Any] = {
            "model": self.opts.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": self.opts.temperature,
            "seed": self.opts.seed,
            "repeat_penalty": self.opts.repeat_penalty,  # llama.cpp; others ignore unknown fields
            "frequency_penalty": 0.2,
        }
        if schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "minutes_item", "schema": schema, "strict": True},
            }
        reply = self._post("/chat/completions", body)
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise StageError(f"unexpected reply from {self.base}: {str(reply)[:200]}") from exc
        usage = reply.get("usage") or {}
        return Reply(
            str(content or ""),
            Usage.of_call(
                int(usage.get("prompt_tokens", 0)),
                int(usage.get("completion_tokens", 0)),
                timings=reply.get("timings"),
            ),
        )

    def ref(self) -> ModelRef:
        return ModelRef(name=self.opts.model, source=self.base, sha256="", licence="server-side")

    def options(self) -> dict[str, Any]:
        return self.opts.cache_identity()

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        pass
