"""Fast stand-ins for the model stages: deterministic output from the audio's length."""

from __future__ import annotations

from typing import Any

from minutes.audio import SAMPLE_RATE, AudioInput, read_all
from minutes.llm import Reply, Usage
from minutes.types import Diarization, ModelRef, Segment, SpeakerTurn, Transcript, Word

FAKE_ASR = ModelRef(name="fake-asr", source="tests", sha256="a" * 64)
FAKE_DIA = ModelRef(name="fake-dia", source="tests", sha256="b" * 64)


class FakeModel:
    def __init__(self, ref: ModelRef) -> None:
        self._ref = ref

    def ref(self) -> ModelRef:
        return self._ref


class FakeTranscriber:
    """One word per second of audio ("word0", "word1", ...); nothing for silent audio."""

    def __init__(self, *, language: str = "en", fail: Exception | None = None, **options: Any) -> None:
        self.language = language
        self.fail = fail
        self.calls = 0
        self._options = {"language": language, **options}
        self.model_ref = FakeModel(FAKE_ASR)

    def options(self) -> dict[str, Any]:
        return dict(self._options)

    def models(self) -> tuple[ModelRef, ...]:
        return (self.model_ref.ref(),)

    def transcribe(self, audio: AudioInput, *, progress: Any = None) -> Transcript:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        wave = read_all(audio)
        duration = wave.size / SAMPLE_RATE
        loud = bool(wave.size) and float(abs(wave).max()) > 1e-3
        words = tuple(Word(i + 0.1, i + 0.6, f"word{i}", 0.9) for i in range(int(duration))) if loud else ()
        segments = (Segment(0.0, duration, " ".join(w.text for w in words), words),) if words else ()
        if progress:
            progress(1.0)
        return Transcript(self.language, 0.99, duration, segments, model=FAKE_ASR, options=self.options())


class FakeDiarizer:
    """Two speakers alternating every 3 seconds."""

    def __init__(self, **options: Any) -> None:
        self.calls = 0
        self._options = options
        self.segmentation = FakeModel(FAKE_DIA)

    def options(self) -> dict[str, Any]:
        return dict(self._options)

    def models(self) -> tuple[ModelRef, ...]:
        return (self.segmentation.ref(),)

    def diarize(self, audio: AudioInput, *, progress: Any = None) -> Diarization:
        self.calls += 1
        wave = read_all(audio)
        duration = wave.size / SAMPLE_RATE
        turns = []
        t, i = 0.0, 0
        while t < duration:
            turns.append(SpeakerTurn(t, min(duration, t + 3.0), f"SPEAKER_0{i % 2}"))
            t, i = t + 3.0, i + 1
        if progress:
            progress(1.0)
        return Diarization(
            turns=tuple(turns),
            embeddings={"SPEAKER_00": (1.0, 0.0), "SPEAKER_01": (0.0, 1.0)},
            models=(FAKE_DIA,),
            options=self.options(),
        )


FAKE_LLM = ModelRef(name="fake-llm", source="tests", sha256="c" * 64)


class FakeLLM:
    """Answers every structured call from the prompt itself: keeps candidates, echoes their sentence."""

    def __init__(self, *, keep: bool = True, fail: Exception | None = None) -> None:
        import re

        self._quoted = re.compile(r'said: "(.*)"')
        self.keep = keep
        self.fail = fail
        self.calls: list[list[dict[str, str]]] = []

    def chat(
        self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        """One reply, billed as one prompt token per word and one completion token per reply word."""
        text = self.answer(messages, schema=schema)
        words = sum(len(m["content"].split()) for m in messages)
        return Reply(text, Usage.of_call(words, len(text.split())))

    def answer(self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None) -> str:
        import json

        self.calls.append(messages)
        if self.fail is not None:
            raise self.fail
        props = (schema or {}).get("properties", {})
        prompt = messages[-1]["content"]
        if "keep" in props:
            field = next(k for k in props if k != "keep")
            found = self._quoted.search(prompt)
            return json.dumps({"keep": self.keep, field: found.group(1) if found else ""})
        if "title" in props:
            first = prompt.split("\n")[1] if "\n" in prompt else prompt
            return json.dumps({"title": "Part", "summary": f"Discussed: {first[:80]}"})
        return json.dumps({"summary": "Whole meeting summary."})

    def ref(self) -> ModelRef:
        return FAKE_LLM

    def options(self) -> dict[str, Any]:
        return {}

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def close(self) -> None:
        pass
