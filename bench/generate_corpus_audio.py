"""Render the generated meetings marked ``audio`` (10 tune, 10 test) as speech with espeak-ng voices.

    .venv/bin/python bench/generate_corpus_audio.py [--ids eng-01,eng-02] [--out bench/out/corpus_audio]

One voice per speaker (far apart in accent, variant and pitch, as in ``minutes.demo``), lines in
order with a short pause between them. For each meeting it writes ``<id>.wav`` (16 kHz mono),
``<id>.rttm`` (who spoke when, speaker names as in the JSON) and ``<id>.json`` (the lines with
their times, the meeting date and the reference items) under ``--out``, which is not committed.
Needs espeak-ng and ffmpeg.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _meetings import ROOT, Meeting, load

# (espeak-ng voice, pitch): the demo's three voices first, then two more far from them.
VOICES = (
    ("en-us+f4", 80),
    ("en-gb+m2", 20),
    ("en-gb-scotland+klatt2", 55),
    ("en-us+m3", 40),
    ("en-gb-x-rp+f2", 70),
)
GAP_S = 0.5


def render(meeting: Meeting, out: Path) -> list[tuple[float, float, str, str]]:
    """Speak ``meeting`` into ``out/<id>.wav`` (+ .rttm, .json); returns (start, end, who, text)."""
    import numpy as np

    from minutes.demo import SAMPLE_RATE, Line, synthesize, write_audio, write_rttm

    voice = {who: VOICES[n % len(VOICES)] for n, who in enumerate(meeting.speakers)}
    silence = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    pieces: list[Any] = []
    timeline: list[tuple[float, float, str, str]] = []
    pos = 0.0
    with tempfile.TemporaryDirectory(prefix="minutes-corpus-") as tmp:
        for who, text in meeting.turns:
            name, pitch = voice[who]
            wave = synthesize(Line(speaker=who, voice=name, text=text, pitch=pitch), Path(tmp))
            timeline.append((round(pos, 3), round(pos + wave.size / SAMPLE_RATE, 3), who, text))
            pieces.extend([wave, silence])
            pos += (wave.size + silence.size) / SAMPLE_RATE
    out.mkdir(parents=True, exist_ok=True)
    write_audio(out / f"{meeting.id}.wav", np.concatenate(pieces))
    # RTTM speaker names may not hold spaces ("Chair Okafor")
    write_rttm(
        [(s, e, who.replace(" ", "_"), t) for s, e, who, t in timeline],
        out / f"{meeting.id}.rttm",
        uri=meeting.id,
    )
    doc = {
        "id": meeting.id,
        "split": meeting.split,
        "meeting_date": meeting.meeting_date.isoformat(),
        "voices": {who: {"voice": v, "pitch": p} for who, (v, p) in voice.items()},
        "lines": [{"start": s, "end": e, "speaker": who, "text": t} for s, e, who, t in timeline],
        "reference": meeting.reference,
    }
    (out / f"{meeting.id}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return timeline


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ids", help="comma-separated meeting ids (default: every meeting marked audio)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus_audio")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    meetings = [m for m in load("all") if m.audio]
    if args.ids:
        wanted = args.ids.split(",")
        unknown = sorted(set(wanted) - {m.id for m in load("all")})
        if unknown:
            raise SystemExit(f"no meeting {', '.join(unknown)} in tests/data/meetings")
        meetings = [m for m in load("all") if m.id in wanted]
    for m in meetings:
        timeline = render(m, args.out)
        print(f"{m.id} ({m.split}): {len(timeline)} lines, {timeline[-1][1]:.1f} s -> {args.out / m.id}.wav")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
