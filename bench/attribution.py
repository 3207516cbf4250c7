"""Benchmark: which speaker each recognised word is given, against the human speaker turns.

    .venv/bin/python bench/attribution.py [--model tiny.en]

For each public recording with a human RTTM (the six AMI clips, the AMI excerpt, the pyannote
sample): words from faster-whisper (after the second listen), turns from the diarization, then the
attribute stage (each word to the speaker whose turns cover most of it). Scores:

* word attribution: a word is scored where exactly one reference speaker talks at its midpoint;
  it is right when its speaker maps to that person under the one-to-one speaker mapping that
  maximises overlapping time between the diarization's turns and the reference's (the DER mapping);
* cpWER where a per-speaker reference transcript exists (pyannote sample STM, AMI excerpt words).

It measures an attribution rule before it is adopted: docs/attribution.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def recordings() -> list[tuple[Path, Path]]:
    clips = sorted((DATA / "ami-clips-dev").glob("*.wav"))
    out = [(DATA / "ami-es2004a-60s" / "mixture.wav", DATA / "ami-es2004a-60s" / "mixture.rttm")]
    out.append((DATA / "pyannote-sample" / "sample.wav", DATA / "pyannote-sample" / "sample.rttm"))
    return out + [(c, c.with_suffix(".rttm")) for c in clips]


def speaker_map(hyp: Sequence[Any], ref: Sequence[Any]) -> dict[str, str]:
    """Hypothesis speaker → reference speaker, one to one, maximising overlapping seconds."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    hs = sorted({t.speaker for t in hyp})
    rs = sorted({t.speaker for t in ref})
    m = np.zeros((len(hs), len(rs)))
    for h in hyp:
        for r in ref:
            m[hs.index(h.speaker), rs.index(r.speaker)] += max(0.0, min(h.end, r.end) - max(h.start, r.start))
    rows, cols = linear_sum_assignment(-m)
    return {hs[i]: rs[j] for i, j in zip(rows, cols, strict=True) if m[i, j] > 0}


def word_scores(utterances: Sequence[Any], ref: Sequence[Any], mapping: Mapping[str, str]) -> tuple[int, int]:
    right = scored = 0
    for u in utterances:
        for w in u.words:
            mid = (w.start + w.end) / 2
            who = {r.speaker for r in ref if r.start <= mid < r.end}
            if len(who) != 1:
                continue
            scored += 1
            right += mapping.get(u.speaker) == next(iter(who))
    return right, scored


def references_by_speaker(wav: Path) -> dict[str, str] | None:
    from minutes.evaluation.references import read_transcript

    if wav.parent.name == "pyannote-sample":
        return dict(read_transcript(wav.with_suffix(".stm")).by_speaker)
    if wav.parent.name == "ami-es2004a-60s":
        texts = sorted((wav.parent / "text").glob("mixture.*.words_joined.txt"))
        return {p.name.split(".")[1]: p.read_text() for p in texts}
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("MINUTES_THREADS", "2")))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))

    from minutes.asr import AsrOptions, WhisperTranscriber
    from minutes.attribute import AttributeOptions, attribute
    from minutes.audio import decoded
    from minutes.diarize import DiarizerOptions, PyannoteDiarizer
    from minutes.evaluation.metrics import cpwer
    from minutes.evaluation.references import read_rttm
    from minutes.pipeline.recover import RecoverOptions, recover
    from minutes.runtime import enforce_offline

    enforce_offline()
    asr = WhisperTranscriber(AsrOptions(model=args.model, threads=args.threads))
    dia = PyannoteDiarizer(DiarizerOptions(threads=args.threads))
    print(f"model {args.model}, {args.threads} threads; word attribution right / scored, cpWER")
    print(f"{'recording':<16}{'words right':>22}{'cpWER':>8}")
    total_right = total_scored = 0
    for wav, rttm in recordings():
        ref = read_rttm(rttm)
        with decoded(wav) as (_info, pcm):
            first = asr.transcribe(pcm)
            turns = dia.diarize(pcm)
            words = recover(pcm, first, turns, transcriber=asr, options=RecoverOptions()).apply(first)
        mapping = speaker_map(turns.turns, ref)
        by_ref = references_by_speaker(wav)
        utts = attribute(words, turns, AttributeOptions())
        right, scored = word_scores(utts, ref, mapping)
        total_right, total_scored = total_right + right, total_scored + scored
        cell, cp = f"{right}/{scored} {right / max(scored, 1):.1%}", ""
        if by_ref:
            hyp: dict[str, str] = {}
            for u in utts:
                hyp[u.speaker] = (hyp.get(u.speaker, "") + " " + u.text).strip()
            cp = f"{cpwer(by_ref, hyp)[0]:.1%}"
        print(f"{wav.stem:<16}{cell:>22}{cp:>8}", flush=True)
    print(f"{'pooled':<16}{f'{total_right}/{total_scored} {total_right / max(total_scored, 1):.1%}':>22}")


if __name__ == "__main__":
    main()
