"""The language-model backends for real: llama.cpp in-process, an OpenAI-compatible llama.cpp
server on 127.0.0.1, transformers on a safetensors folder. SmolLM2-135M keeps these fast."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from minutes.errors import ConfigError, StageError
from minutes.llm import LLMOptions, Metered, build_llm, chat_json
from minutes.llm.llamacpp import LlamaCppLLM
from minutes.llm.weights import resolve_llm

pytestmark = pytest.mark.models

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string", "maxLength": 30}, "count": {"type": "integer"}},
    "required": ["city", "count"],
    "additionalProperties": False,
}
ASK = [{"role": "user", "content": "Name a city and a number of people living there, as JSON."}]


@pytest.fixture(scope="module")
def smol() -> Iterator[LlamaCppLLM]:
    llm = build_llm(LLMOptions(model="smollm2-135m", threads=2, n_ctx=2048))
    assert isinstance(llm, LlamaCppLLM)
    yield llm
    llm.close()


def _status(url: str, key: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = json.dumps({"messages": ASK, "max_tokens": 4}).encode()
    req = urllib.request.Request(url + "/v1/chat/completions", data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_llamacpp_structured_output_follows_the_schema(smol: LlamaCppLLM) -> None:
    metered = Metered(smol)
    value = chat_json(metered, ASK, SCHEMA, max_tokens=40)
    assert isinstance(value["city"], str) and len(value["city"]) <= 30
    assert isinstance(value["count"], int)
    assert metered.usage.completion_tokens > 0


def test_in_process_server_is_no_open_door(smol: LlamaCppLLM) -> None:
    """xllamacpp always listens on 127.0.0.1; without this process's random key it must refuse."""
    smol.chat(ASK, max_tokens=2)
    address = smol.listening_address
    assert address is not None
    url = urlparse(address)
    assert url.hostname == "127.0.0.1"
    assert _status(address) == 401
    assert _status(address, "guess") == 401
    assert _status(address, smol._api_key) == 200
    smol.close()
    with pytest.raises(OSError), socket.create_connection((url.hostname, url.port or 80), timeout=2):
        pass


def test_openai_backend_against_a_real_llamacpp_server(smol: LlamaCppLLM) -> None:
    """llama.cpp's own HTTP server (through xllamacpp) stands in for the organisation's server."""
    server = LlamaCppLLM(resolve_llm("smollm2-135m"), LLMOptions(threads=2, n_ctx=2048))
    server.chat(ASK, max_tokens=1)
    try:
        assert server.listening_address
        client = build_llm(
            LLMOptions(
                backend="openai", model="smollm2", url=server.listening_address, api_key=server._api_key
            )
        )
        value = chat_json(client, ASK, SCHEMA, max_tokens=40)
        assert isinstance(value["count"], int)
        assert client.ref().source.startswith("http://127.0.0.1")
        wrong = build_llm(LLMOptions(backend="openai", url=server.listening_address, api_key="wrong"))
        with pytest.raises(StageError, match="401"):
            wrong.chat(ASK, max_tokens=2)
    finally:
        server.close()


def test_openai_backend_needs_a_url_and_says_so() -> None:
    with pytest.raises(ConfigError, match="--llm-url"):
        build_llm(LLMOptions(backend="openai"))


def test_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = build_llm(LLMOptions(backend="openai", url=f"http://127.0.0.1:{port}"))
    with pytest.raises(StageError, match="cannot reach"):
        llm.chat(ASK, max_tokens=2)


def test_transformers_backend_on_a_safetensors_folder(tmp_path: Path) -> None:
    """Convert the SmolLM2 GGUF once into a safetensors folder (what a GPU user would have)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = resolve_llm("smollm2-135m").files[0]
    folder = tmp_path / "smollm2"
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # transformers dequantizes GGUF weights on load but refuses to save "quantized" models: drop the flag.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tok.save_pretrained(folder)
    model.save_pretrained(folder)
    llm = build_llm(LLMOptions(backend="transformers", model=str(folder), threads=2))
    reply = llm.chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert reply.text.strip()
    assert reply.usage.completion_tokens > 0
    assert llm.ref().name == "smollm2"
