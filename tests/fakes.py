"""Fast stand-ins for the model stages (deterministic output from the audio's length), for
storage and for ingest."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from minutes.audio import SAMPLE_RATE, AudioInput, AudioSource, InMemoryAudio, Waveform, read_all
from minutes.llm import Reply, Usage
from minutes.llm.base import estimate_tokens
from minutes.storage import OpenedMeeting
from minutes.types import (
    AudioInfo,
    Carried,
    Diarization,
    MeetingDoc,
    Minutes,
    ModelRef,
    Segment,
    Speaker,
    SpeakerTurn,
    StageRecord,
    Transcript,
    Utterance,
    Word,
)

FAKE_ASR = ModelRef(name="fake-asr", source="tests", sha256="a" * 64)
FAKE_DIA = ModelRef(name="fake-dia", source="tests", sha256="b" * 64)


class FakeModel:
    def __init__(self, ref: ModelRef) -> None:
        self._ref = ref

    def ref(self) -> ModelRef:
        return self._ref


class FakeTranscriber:
    """One word per second of audio ("word0", "word1", ...); nothing for silent audio.

    ``drop_after`` (seconds) makes the first pass hear nothing after that point, as Whisper tiny.en
    did on a real meeting; :meth:`listen_again` hears every second of the spans it is given, except
    in spans shorter than ``deaf_below`` seconds.
    """

    def __init__(
        self,
        *,
        language: str = "en",
        fail: Exception | None = None,
        drop_after: float | None = None,
        deaf_below: float = 0.0,
        **options: Any,
    ) -> None:
        self.language = language
        self.fail = fail
        self.drop_after = drop_after
        self.deaf_below = deaf_below
        self.calls = 0
        self.relistened: list[tuple[float, float]] = []
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
        heard = int(duration) if self.drop_after is None else min(int(duration), int(self.drop_after))
        words = tuple(Word(i + 0.1, i + 0.6, f"word{i}", 0.9) for i in range(heard)) if loud else ()
        segments = (Segment(0.0, duration, " ".join(w.text for w in words), words),) if words else ()
        if progress:
            progress(1.0)
        return Transcript(self.language, 0.99, duration, segments, model=FAKE_ASR, options=self.options())

    def listen_again(
        self, audio: AudioInput, spans: Sequence[tuple[float, float]], *, language: str | None = None
    ) -> tuple[Segment, ...]:
        self.relistened += list(spans)
        wave = read_all(audio)
        if not (wave.size and float(abs(wave).max()) > 1e-3):
            return ()
        out = []
        for start, end in spans:
            if end - start < self.deaf_below:
                continue
            words = tuple(Word(i + 0.1, i + 0.6, f"word{i}", 0.9) for i in range(math.ceil(start), int(end)))
            if words:
                out.append(Segment(words[0].start, words[-1].end, " ".join(w.text for w in words), words))
        return tuple(out)


class FakeDiarizer:
    """Two speakers alternating every ``turn`` seconds (3), the first labelled ``labels[0]``."""

    LABELS = ("SPEAKER_00", "SPEAKER_01")

    def __init__(self, *, turn: float = 3.0, labels: tuple[str, str] = LABELS, **options: Any) -> None:
        self.calls = 0
        self.turn = turn
        self.labels = labels
        # Only a changed turn or labelling changes the options (and so the cache key).
        self._options = {
            **({"turn": turn} if turn != 3.0 else {}),
            **({"labels": list(labels)} if labels != self.LABELS else {}),
            **options,
        }
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
            turns.append(SpeakerTurn(t, min(duration, t + self.turn), self.labels[i % 2]))
            t, i = t + self.turn, i + 1
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
        self.proposals: list[dict[str, Any]] = []  # what it answers when asked to propose decisions

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
        if "decisions" in props:
            return json.dumps({"decisions": self.proposals})
        if "titles" in props:
            n = props["titles"].get("maxItems", 1)
            return json.dumps({"titles": [f"Part {k + 1}" for k in range(n)]})
        if "whole meeting" in prompt:
            return json.dumps({"summary": "Whole meeting summary."})
        first = prompt.split("\n")[1] if "\n" in prompt else prompt  # a part's summary: its first line
        return json.dumps({"summary": f"Discussed: {first[:80]}"})

    def ref(self) -> ModelRef:
        return FAKE_LLM

    def options(self) -> dict[str, Any]:
        return {}

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        pass


class InMemoryMeetingStore:
    """The pipeline's :class:`~minutes.storage.MeetingStore` in dictionaries: the orchestrator is
    tested without a database. Payloads go through JSON, as they do into the database's columns."""

    def __init__(self) -> None:
        self.meetings: dict[int, MeetingDoc] = {}
        self.by_recording: dict[str, int] = {}
        self.stages: dict[tuple[int, str], tuple[StageRecord, dict[str, Any]]] = {}
        self.writes: list[tuple[str, int]] = []  # (call, meeting id) of every write, in order
        self.fail_on: str | None = None  # the name of a call that raises (a database outage)
        self.chunks: dict[int, tuple[str, list[tuple[int, int, bytes]]]] = {}  # meeting → (model, passages)

    def _write(self, call: str, meeting_id: int) -> None:
        if self.fail_on == call:
            raise ConnectionError(f"database went away during {call}")
        self.writes.append((call, meeting_id))

    def open_meeting(self, audio: AudioInfo, *, title: str, meeting_date: datetime | None) -> OpenedMeeting:
        if audio.sha256 not in self.by_recording:
            meeting_id = len(self.meetings) + 1
            self._write("open_meeting", meeting_id)
            self.by_recording[audio.sha256] = meeting_id
            self.meetings[meeting_id] = MeetingDoc(
                id=meeting_id,
                title=title,
                status="pending",
                created_at="2026-11-18T09:00:00+00:00",
                audio=audio,
                meeting_date=meeting_date.isoformat() if meeting_date else None,
            )
        doc = self.meetings[self.by_recording[audio.sha256]]
        return OpenedMeeting(id=doc.id, status=doc.status)

    def stage(self, meeting_id: int, stage: str) -> tuple[StageRecord, dict[str, Any]] | None:
        return self.stages.get((meeting_id, stage))

    def save_stage(self, meeting_id: int, *, record: StageRecord, payload: dict[str, Any]) -> None:
        self._write(f"save_stage:{record.stage}", meeting_id)
        self.stages[(meeting_id, record.stage)] = (record, json.loads(json.dumps(payload)))

    def save_transcript(
        self,
        meeting_id: int,
        *,
        utterances: Sequence[Utterance],
        speakers: Sequence[Speaker],
        embeddings: Mapping[str, tuple[float, ...]],
        language: str | None,
        record: StageRecord,
        payload: dict[str, Any],
    ) -> Carried:
        """Names are kept by label; corrections are not modelled here (``tests/db/test_kept_edits.py``)."""
        self._write("save_transcript", meeting_id)
        doc = self.meetings[meeting_id]
        named = {s.label: s.name for s in doc.speakers if s.name}
        people = tuple(replace(s, name=named.get(s.label) or s.name) for s in speakers)
        self.meetings[meeting_id] = replace(
            doc,
            utterances=tuple(utterances),
            speakers=people,
            language=language,
            status="done",
            error=None,
        )
        self.stages[(meeting_id, record.stage)] = (record, json.loads(json.dumps(payload)))
        kept = sum(1 for s in speakers if s.label in named)
        return Carried(carried={"speaker": kept} if kept else {})

    def save_minutes(
        self, meeting_id: int, *, minutes: Minutes, record: StageRecord, payload: dict[str, Any]
    ) -> Carried:
        self._write("save_minutes", meeting_id)
        doc = self.meetings[meeting_id]
        self.meetings[meeting_id] = replace(doc, minutes=minutes, status="done", error=None)
        self.stages[(meeting_id, record.stage)] = (record, json.loads(json.dumps(payload)))
        return Carried()

    def save_chunks(
        self,
        meeting_id: int,
        *,
        model: str,
        chunks: Sequence[tuple[int, int, bytes]],
        record: StageRecord,
        payload: dict[str, Any],
    ) -> None:
        self._write("save_chunks", meeting_id)
        self.chunks[meeting_id] = (model, list(chunks))
        self.stages[(meeting_id, record.stage)] = (record, json.loads(json.dumps(payload)))

    def set_status(self, meeting_id: int, status: str, *, error: str | None = None) -> None:
        self._write(f"set_status:{status}", meeting_id)
        self.meetings[meeting_id] = replace(self.meetings[meeting_id], status=status, error=error)

    def load_meeting(self, meeting_id: int) -> MeetingDoc:
        records = tuple(r for (mid, _), (r, _p) in self.stages.items() if mid == meeting_id)
        recovered = self.stages.get((meeting_id, "recover"))
        share = recovered[1]["coverage"]["share"] if recovered else None
        ingested = self.stages.get((meeting_id, "ingest"))
        doc = self.meetings[meeting_id]
        warnings = tuple(ingested[1]["warnings"]) if ingested else ()
        audio = replace(doc.audio, warnings=warnings)
        return replace(doc, audio=audio, stages=records, speech_coverage=share)


class InMemoryIngest:
    """Ingest without ffmpeg: recordings are named waveforms, "decoded" as they are.

    ``reading`` counts the recordings being read right now, so a test sees that each was let go.
    """

    def __init__(self, recordings: Mapping[str, Waveform]) -> None:
        self.recordings = dict(recordings)
        self.reading = 0
        self.given: list[InMemoryAudio] = []

    @contextmanager
    def __call__(self, path: str | Path) -> Iterator[tuple[AudioInfo, AudioSource]]:
        wave = self.recordings[Path(path).name]
        info = AudioInfo(
            path=str(path),
            sha256=hashlib.sha256(wave.tobytes()).hexdigest(),
            duration=round(wave.size / SAMPLE_RATE, 3),
            sample_rate=SAMPLE_RATE,
            channels=1,
        )
        source = InMemoryAudio(wave)
        self.given.append(source)
        self.reading += 1
        try:
            yield info, source
        finally:
            self.reading -= 1


FAKE_EMBED = ModelRef(name="fake-embed", source="tests", sha256="e" * 64)

# Words the fake embedder treats as one meaning (a real model learned these from text).
SYNONYMS: dict[str, str] = {
    "price": "cost",
    "pricing": "cost",
    "prices": "cost",
    "costs": "cost",
    "expensive": "cost",
    "charge": "cost",
    "fee": "cost",
    "hire": "recruit",
    "hiring": "recruit",
    "recruiting": "recruit",
    "engineers": "engineer",
    "developers": "engineer",
    "developer": "engineer",
}


class FakeEmbedder:
    """Bag of words hashed into 64 dimensions, synonyms mapped to one word first: texts that share
    meanings (not necessarily words) come out close. ``calls`` counts the texts embedded."""

    dim = 64
    min_similarity = 0.15

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Any:
        import re

        import numpy as np

        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                if len(word) < 4:
                    continue
                word = SYNONYMS.get(word, word)
                out[row, int(hashlib.sha256(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return (out / norms).astype(np.float32)

    def ref(self) -> ModelRef:
        return FAKE_EMBED

    def options(self) -> dict[str, Any]:
        return {"dim": self.dim}


class FakeAskLLM:
    """Answers an ask prompt by repeating the numbered line that shares most words (synonyms
    mapped) with the question, as a sentence citing it, plus ``extra`` (sentences citing that line
    which it does not say); ``found=False`` when ``empty``. Keeps every prompt, so a test can check
    what reached the model."""

    def __init__(self, *, extra: Sequence[str] = (), empty: bool = False) -> None:
        self.extra = tuple(extra)
        self.empty = empty
        self.prompts: list[str] = []

    @staticmethod
    def _meanings(text: str) -> set[str]:
        import re

        return {SYNONYMS.get(w, w) for w in re.findall(r"[a-z]{4,}", text.lower())}

    def chat(
        self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        import re

        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        lines = re.findall(r"^\[(\d+)\] ([^:]+): (.*)$", prompt, re.M)
        if self.empty or not lines:
            return Reply(json.dumps({"found": False, "quoted": False, "sentences": []}))
        asked = self._meanings(prompt.rsplit("Question:", 1)[-1])
        number, speaker, text = max(
            lines, key=lambda line: (len(self._meanings(line[2]) & asked), -int(line[0]))
        )
        cited = [int(number)]
        sentences = [{"text": f"{speaker} said: {text}", "lines": cited}]
        sentences += [{"text": extra, "lines": cited} for extra in self.extra]
        return Reply(json.dumps({"found": True, "sentences": sentences}))

    def ref(self) -> ModelRef:
        return FAKE_LLM

    def options(self) -> dict[str, Any]:
        return {}


class InventingAskLLM(FakeAskLLM):
    """However often asked, writes one sentence that its cited line (the first shown) does not say."""

    def chat(
        self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        self.prompts.append(messages[-1]["content"])
        invented = {"text": "Everyone cancelled the whole project on 3 March.", "lines": [1]}
        return Reply(json.dumps({"found": True, "sentences": [invented]}))


class HeldAskLLM(FakeAskLLM):
    """:class:`FakeAskLLM` that holds every answer until :attr:`release` is set (at most
    ``hold_seconds``): a model in the middle of writing, for tests of what happens meanwhile.
    :attr:`writing` is set once an answer has begun."""

    def __init__(self, *, fail: Exception | None = None, hold_seconds: float = 20.0) -> None:
        import threading

        super().__init__()
        self.release = threading.Event()
        self.writing = threading.Event()
        self.fail = fail
        self.hold_seconds = hold_seconds

    def chat(
        self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        self.writing.set()
        self.release.wait(self.hold_seconds)
        if self.fail is not None:
            raise self.fail
        return super().chat(messages, schema=schema, max_tokens=max_tokens)

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        pass
