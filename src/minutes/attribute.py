"""Attribute: words × speaker turns → utterances. Pure functions on plain data."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from minutes.cache import options_identity
from minutes.types import Diarization, Speaker, SpeakerTurn, Transcript, Utterance, Word

UNKNOWN_SPEAKER = "SPEAKER_UNKNOWN"
# Languages written without spaces between words.
_NO_SPACE_LANGS = frozenset({"zh", "ja", "th", "lo", "my", "km", "yue", "bo"})
_SENTENCE_END = (".", "?", "!", "。", "？", "！")


@dataclass(frozen=True, slots=True)
class AttributeOptions:
    max_gap: float = 1.5  # a pause this long (s) starts a new utterance
    max_length: float = 30.0  # past this (s), a sentence end starts a new utterance

    def cache_identity(self) -> dict[str, Any]:
        """Every option changes the utterances: all of them are in the stage's cache key."""
        return options_identity(self)


class _TurnIndex:
    """Speaker turns sorted by start, for fast overlap look-ups."""

    def __init__(self, turns: Sequence[SpeakerTurn]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self.starts = [t.start for t in self.turns]
        self.max_len = max((t.duration for t in self.turns), default=0.0)

    def around(self, start: float, end: float) -> list[SpeakerTurn]:
        lo = bisect.bisect_left(self.starts, start - self.max_len)
        hi = bisect.bisect_right(self.starts, end)
        return [t for t in self.turns[lo:hi] if t.end > start and t.start < end]

    def nearest(self, t: float) -> SpeakerTurn | None:
        if not self.turns:
            return None
        i = bisect.bisect_left(self.starts, t)
        cands = self.turns[max(0, i - 8) : i + 1]
        return min(
            cands, key=lambda tr: 0.0 if tr.start <= t <= tr.end else min(abs(tr.start - t), abs(tr.end - t))
        )


def speaker_of(word: Word, index: _TurnIndex) -> tuple[str, bool]:
    """The speaker who most covers the word, and whether another speaker talks over it."""
    hits = index.around(word.start, max(word.end, word.start + 1e-3))
    if not hits:
        near = index.nearest((word.start + word.end) / 2)
        return (near.speaker if near else UNKNOWN_SPEAKER), False
    cover: dict[str, float] = {}
    for t in hits:
        cover[t.speaker] = cover.get(t.speaker, 0.0) + min(t.end, word.end) - max(t.start, word.start)
    best = max(sorted(cover), key=lambda s: cover[s])
    return best, len(cover) > 1


def join_words(words: Sequence[Word], language: str | None) -> str:
    sep = "" if (language or "") in _NO_SPACE_LANGS else " "
    return sep.join(w.text for w in words).strip()


def attribute(
    transcript: Transcript, diarization: Diarization, opts: AttributeOptions | None = None
) -> tuple[Utterance, ...]:
    """Group the transcript's words into utterances, one speaker each, in time order."""
    opts = opts or AttributeOptions()
    index = _TurnIndex(diarization.turns)
    words = sorted(transcript.words, key=lambda w: (w.start, w.end))
    utterances: list[Utterance] = []
    current: list[Word] = []
    cur_speaker = ""
    cur_overlap = False

    def flush() -> None:
        if current:
            utterances.append(
                Utterance(
                    index=len(utterances),
                    speaker=cur_speaker,
                    start=current[0].start,
                    end=current[-1].end,
                    text=join_words(current, transcript.language),
                    words=tuple(current),
                    overlap=cur_overlap,
                )
            )

    for word in words:
        speaker, overlap = speaker_of(word, index)
        if current:
            gap = word.start - current[-1].end
            long_sentence = word.start - current[0].start > opts.max_length and current[-1].text.endswith(
                _SENTENCE_END
            )
            if speaker != cur_speaker or gap > opts.max_gap or long_sentence:
                flush()
                current, cur_overlap = [], False
        cur_speaker = speaker
        cur_overlap = cur_overlap or overlap
        current.append(word)
    flush()
    return tuple(utterances)


def speakers(diarization: Diarization, utterances: Sequence[Utterance]) -> tuple[Speaker, ...]:
    """Every speaker heard, with talk time from the diarization (words alone undercount it)."""
    talk: dict[str, float] = {}
    for t in diarization.turns:
        talk[t.speaker] = talk.get(t.speaker, 0.0) + t.duration
    for u in utterances:
        if u.speaker not in talk:
            talk[u.speaker] = talk.get(u.speaker, 0.0)
    word_time: dict[str, float] = {}
    for u in utterances:
        word_time[u.speaker] = word_time.get(u.speaker, 0.0) + (u.end - u.start)
    return tuple(
        Speaker(label=label, talk_time=round(talk[label] or word_time.get(label, 0.0), 3))
        for label in sorted(talk)
    )
