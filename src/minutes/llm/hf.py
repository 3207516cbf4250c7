"""Hugging Face transformers, for a safetensors model folder (a GPU host, or a larger model).

transformers has no JSON-schema decoding, so structured calls rely on the prompt, a
repetition penalty and :func:`minutes.llm.base.chat_json`'s parse-and-retry.
"""

from __future__ import annotations

import threading
from typing import Any

from minutes.errors import ConfigError, ModelNotFoundError
from minutes.llm.base import LLMOptions, Message, Reply, Usage, estimate_tokens
from minutes.registry import ResolvedModel
from minutes.types import ModelRef


class TransformersLLM:
    def __init__(self, model: ResolvedModel, opts: LLMOptions) -> None:
        if model.folder is None:
            raise ConfigError(
                "the transformers backend needs a model folder (config.json + safetensors), "
                f"got {model.files[0]}; "
                "use --llm-backend llamacpp for .gguf files"
            )
        self.model = model
        self.opts = opts
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None

    def _load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as exc:  # pragma: no cover - transformers is in the lock file
                raise ModelNotFoundError("the transformers backend needs `pip install transformers`") from exc
            torch.set_num_threads(self.opts.threads)
            folder = str(self.model.folder)
            tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            dtype = torch.bfloat16 if self.opts.device != "cpu" else torch.float32
            lm: Any = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=dtype)
            lm = lm.to(self.opts.device).eval()
            self._loaded = (tok, lm)
        return self._loaded

    def chat(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        import torch

        with self._lock:
            tok, lm = self._load()
            if schema is not None:
                keys = ", ".join(schema.get("properties", {}))
                messages = [
                    *messages[:-1],
                    {
                        **messages[-1],
                        "content": messages[-1]["content"]
                        + f"\nAnswer with a JSON object with keys: {keys}.",
                    },
                ]
            ids = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
            if not isinstance(ids, torch.Tensor):  # transformers 5 returns a BatchEncoding
                ids = ids["input_ids"]
            ids = ids.to(self.opts.device)
            with torch.inference_mode():
                out = lm.generate(
                    ids,
                    max_new_tokens=max_tokens,
                    do_sample=False,
                    repetition_penalty=self.opts.repeat_penalty,
                    pad_token_id=tok.eos_token_id,
                )
            new = out[0, ids.shape[1] :]
            text = str(tok.decode(new, skip_special_tokens=True))
            return Reply(text, Usage.of_call(int(ids.shape[1]), int(new.shape[0])))

    def ref(self) -> ModelRef:
        return self.model.ref()

    def options(self) -> dict[str, Any]:
        return self.opts.cache_identity()

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        self._loaded = None
