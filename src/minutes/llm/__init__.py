"""Local language models behind one small protocol: llama.cpp in-process (default), an
OpenAI-compatible server the organisation runs, or transformers for a model folder."""

from __future__ import annotations

from minutes.llm.base import (
    BACKENDS,
    LLM,
    LLMOptions,
    Message,
    Metered,
    Reply,
    Usage,
    chat_json,
    parse_json,
)
from minutes.llm.weights import LLM_MODELS, assemble, models_dir, resolve_llm


def build_llm(opts: LLMOptions) -> LLM:
    """The one factory for language models; nothing loads until the first call."""
    opts = opts.validate()
    if opts.backend == "openai":
        from minutes.llm.openai_http import OpenAICompatLLM

        return OpenAICompatLLM(opts)
    model = resolve_llm(opts.model)
    if opts.backend == "transformers":
        from minutes.llm.hf import TransformersLLM

        return TransformersLLM(model, opts)
    from minutes.llm.llamacpp import LlamaCppLLM

    return LlamaCppLLM(model, opts)


__all__ = [
    "BACKENDS",
    "LLM",
    "LLM_MODELS",
    "LLMOptions",
    "Message",
    "Metered",
    "Reply",
    "Usage",
    "assemble",
    "build_llm",
    "chat_json",
    "models_dir",
    "parse_json",
    "resolve_llm",
]
