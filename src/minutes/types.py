"""Plain, frozen data passed between stages.

Vendor types (pyannote ``Annotation``, CTranslate2 objects, torch tensors) never leave
the adapter that wraps the vendor; every stage speaks in these dataclasses instead.
Times are seconds from the start of the recording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its timing and the recogniser's confidence."""

    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of recognised speech (one decoder segment) with its words."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelRef:
    """What produced a result: a model's name, where it was loaded from and its file hash."""

    name: str
    source: str
    sha256: str
    licence: str = ""

    @property
    def identity(self) -> str:
        """What stands for the model in a cache key: its files' hash, or, for a model on a
        server (no file here to hash), its name and the server's URL."""
        return self.sha256 or f"{self.name}@{self.source}"


@dataclass(frozen=True, slots=True)
class Transcript:
    """The output of the transcription stage."""

    language: str
    language_probability: float
    duration: float
    segments: tuple[Segment, ...]
    model: ModelRef | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    """A stretch of time during which one speaker talks (turns of different speakers may overlap)."""

    start: float
    end: float
    speaker: str

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Diarization:
    """The output of the diarization stage: who spoke when, and one embedding per speaker."""

    turns: tuple[SpeakerTurn, ...]
    embeddings: dict[str, tuple[float, ...]] = field(default_factory=dict)
    models: tuple[ModelRef, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(sorted({t.speaker for t in self.turns}))


@dataclass(frozen=True, slots=True)
class Utterance:
    """Words of one speaker between pauses or speaker changes.

    ``overlap`` is true when another speaker was talking during part of it.
    """

    index: int
    speaker: str
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    overlap: bool = False


IMPORTED = "import:"
"""How :attr:`AudioInfo.format` starts for a meeting imported from a transcript (``import:srt``)."""


def imported_format(recording_format: str) -> str | None:
    """The transcript format of a recording's ``format`` (``import:srt`` → ``srt``), or ``None``."""
    return recording_format.removeprefix(IMPORTED) if recording_format.startswith(IMPORTED) else None


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What ingest learned about a recording."""

    path: str
    sha256: str
    duration: float
    sample_rate: int
    channels: int
    codec: str = ""
    format: str = ""
    warnings: tuple[str, ...] = ()
    """What a reader of the transcript should know about the file: cut short, or damaged (one
    plain sentence each; see :mod:`minutes.truncation`). Stored with the meeting's ingest stage."""

    @property
    def imported(self) -> str | None:
        """The transcript format an imported meeting was read from (``"whisperx"``, ``"srt"``, ...;
        see :mod:`minutes.importing`), or ``None`` for a recording: such a meeting has no audio."""
        return imported_format(self.format)


@dataclass(frozen=True, slots=True)
class NameSuggestion:
    """A name a speaker may have. ``source`` ``"voice"``: a remembered voice matched with cosine
    similarity ``score``; ``"conversation"``: others called them so on ``lines`` (utterance indexes:
    "Thanks, Alice." after their turn, "Bob, can you…?" before it)."""

    name: str
    source: str
    score: float | None = None
    lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Speaker:
    """A speaker of one meeting: its diarization label and, once known, a person's name.

    ``name_source`` says where the name came from: ``"manual"`` (a person gave it, or the imported
    file did), ``"voice"`` (a remembered voice matched, :mod:`minutes.voices`) or None (no name).
    ``suggestions`` are names it may have, to confirm or reject: remembered voices it sounds like
    and names others called it by in the meeting (:class:`NameSuggestion`), best first.
    """

    label: str
    name: str | None = None
    talk_time: float = 0.0
    name_source: str | None = None
    suggestions: tuple[NameSuggestion, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.label


@dataclass(frozen=True, slots=True)
class StageRecord:
    """Provenance of one stage's stored result."""

    stage: str
    cache_key: str
    models: tuple[ModelRef, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    code_version: str = ""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class MeetingDoc:
    """Everything known about one processed meeting, as read back from storage.

    This is what ``show`` prints and what every export format is made from.
    """

    id: int
    title: str
    status: str
    created_at: str
    audio: AudioInfo
    language: str | None = None
    meeting_date: str | None = None
    speakers: tuple[Speaker, ...] = ()
    utterances: tuple[Utterance, ...] = ()
    stages: tuple[StageRecord, ...] = ()
    error: str | None = None
    minutes: Minutes | None = None
    speech_coverage: float | None = None
    """Share of the diarized speech covered by recognised words (``None``: not measured)."""
    turns: tuple[SpeakerTurn, ...] = ()
    """The diarization's speaker turns ("who spoke when", overlap kept), also where no word was
    recognised; loaded only on request (``load_meeting(..., turns=True)``), empty otherwise."""

    def speaker_name(self, label: str) -> str:
        for s in self.speakers:
            if s.label == label:
                return s.display_name
        return label


@dataclass(frozen=True, slots=True)
class MinuteItem:
    """A decision, action item or open question, with the utterances it rests on.

    ``evidence`` holds utterance indexes (``Utterance.index``) of the same meeting.
    ``supported`` is False when the cited words do not contain the item's substance: such an
    item is shown flagged, never as fact. For action items, ``owner`` is the speaker label of
    the person who committed (from who spoke, never from a model's guess), ``due`` an ISO date
    resolved against the meeting date and ``due_text`` the words it came from.
    """

    kind: str  # "decision" | "action" | "question"
    text: str
    evidence: tuple[int, ...] = ()
    supported: bool = True
    owner: str | None = None
    due: str | None = None
    due_text: str | None = None
    done: bool = False


@dataclass(frozen=True, slots=True)
class Chapter:
    """A stretch of the meeting about one topic."""

    start: float
    end: float
    title: str
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Minutes:
    """What the summarize stage produces for one meeting."""

    summary: str
    items: tuple[MinuteItem, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    language: str = "en"
    model: ModelRef | None = None
    prompt_version: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def of_kind(self, kind: str) -> tuple[MinuteItem, ...]:
        return tuple(i for i in self.items if i.kind == kind)


SUMMARY_CHECK_VERSION = "summary-check/3"  # 2: a sentence whose words were not said is removed;
# 3: a decision said to be taken where the meeting holds none and no line decides is removed; a person
# written, spoken or talked to, emailed, phoned, contacted or met with must have been mentioned
"""The version of the summary check's rules (``minutes.summarize.summary_check``), stored with its record."""


@dataclass(frozen=True, slots=True)
class SentenceNote:
    """A sentence the check removed or changed, and why; ``fixed`` is what replaced it."""

    sentence: str
    reason: str
    fixed: str | None = None


@dataclass(frozen=True, slots=True)
class SummaryCheck:
    """What the check did to a summary: sentences seen, removed and fixed; whether it fell back."""

    sentences: int = 0
    removed: tuple[SentenceNote, ...] = ()
    fixed: tuple[SentenceNote, ...] = ()
    fallback: bool = False
    skipped: str | None = None  # why the summary was not checked at all
    version: str = SUMMARY_CHECK_VERSION

    @property
    def kept(self) -> int:
        return self.sentences - len(self.removed)

    def note(self) -> str:
        """One line for a reader ("1 unsupported summary sentence removed"), or ``""``."""
        parts = []
        if self.removed:
            n = len(self.removed)
            parts.append(f"{n} unsupported summary sentence{'s' if n > 1 else ''} removed")
        if self.fixed:
            n = len(self.fixed)
            parts.append(f"{n} sentence{'s' if n > 1 else ''} corrected to the action item's owner")
        if self.fallback:
            parts.append("summary rebuilt from the checked items")
        if self.skipped:
            parts.append(f"summary {self.skipped}")
        return "; ".join(parts)


EDIT_KINDS: tuple[str, ...] = ("line", "speaker", "action")
"""What a person edits in a meeting's machine output: a transcript line, a speaker's name, an action
item ticked done (see :mod:`minutes.carry`)."""


@dataclass(frozen=True, slots=True)
class Carried:
    """What became of a person's edits when a re-run replaced the output they were made on: how many
    of each kind (:data:`EDIT_KINDS`) went onto the new output, and how many could not; those are
    kept, and listed on the meeting (:class:`LeftEdit`)."""

    carried: dict[str, int] = field(default_factory=dict)
    not_carried: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: Carried) -> Carried:
        def total(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {k: a.get(k, 0) + b.get(k, 0) for k in EDIT_KINDS if a.get(k, 0) + b.get(k, 0)}

        return Carried(total(self.carried, other.carried), total(self.not_carried, other.not_carried))

    def to_dict(self) -> dict[str, dict[str, int]]:
        """Every kind, also when zero: ``{"carried": {"line": 1, ...}, "not_carried": {...}}``."""
        return {
            "carried": {k: self.carried.get(k, 0) for k in EDIT_KINDS},
            "not_carried": {k: self.not_carried.get(k, 0) for k in EDIT_KINDS},
        }


@dataclass(frozen=True, slots=True)
class LeftEdit:
    """A person's edit that a re-run could not carry onto the new output: kept, and listed on the meeting.

    ``kind`` "line": ``text`` corrected what the machine wrote (``machine``) from ``start`` to
    ``end``; "speaker": ``text`` is the name given to ``label``; "action": ``text`` is an action item
    of ``label`` that was ticked done. ``left_at`` is when it fell off (ISO 8601).
    """

    kind: str
    text: str
    label: str | None = None
    machine: str = ""
    start: float | None = None
    end: float | None = None
    left_at: str = ""
