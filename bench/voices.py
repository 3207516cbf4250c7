"""Benchmark: recognising enrolled voices on real recordings, and choosing the thresholds.

    .venv/bin/python bench/voices.py dump    # diarize each half of each recording (a few minutes)
    .venv/bin/python bench/voices.py score   # enrol, recognise, sweep, report (seconds)
    .venv/bin/python bench/voices.py speed   # recognition's cost with 1,000 meetings, 50 voices
    .venv/bin/python bench/voices.py generated  # voices recurring across generated meetings

``dump`` cuts each public recording with human speaker turns (six AMI clips, the AMI ES2004a
excerpt, the pyannote sample, JFK) into its first and second half, diarizes each half as the
product does (default preset settings, 2 threads), and keeps every speaker's embedding with the
human speaker it mostly is (AMI ids are the same person across meetings: FEE083 speaks in trn06
and trn09): naming a speaker after its main voice is right, after any other wrong. Only speakers
at least 60% one person are enrolled (a person names a speaker they recognise).

``score`` plays the product's use: every voice heard in one half is enrolled (a print from that
half's speaker), and every speaker of the other half of every recording is matched against all
prints with :func:`minutes.voices.match`, both ways round. It reports, per threshold pair:
precision of automatic names, share of a recording's known voices named, suggestions, and false
names on voices never enrolled (a recording's own voices left out of the enrolled set).
Thresholds are chosen on the tune recordings (the AMI clips) and reported on the test ones
(ES2004a, the pyannote sample, JFK), never on what they were chosen on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREADS = int(os.environ.get("MINUTES_THREADS", "2"))
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out" / "voices"
PURE = 0.6
TUNE = ("trn00", "trn02", "trn04", "trn05", "trn06", "trn09")
TEST = ("es2004a-60s", "pyannote-sample", "jfk")
SPEECH = (0.0, 3.0, 5.0, 8.0)


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    audio: Path
    rttm: Path | None  # None: one speaker throughout (JFK)


def sources() -> list[Source]:
    clips = DATA / "ami-clips-dev"
    out = [Source(c, clips / f"{c}.wav", clips / f"{c}.rttm") for c in TUNE]
    ami = DATA / "ami-es2004a-60s"
    out.append(Source("es2004a-60s", ami / "mixture.wav", ami / "mixture.rttm"))
    sample = DATA / "pyannote-sample"
    out.append(Source("pyannote-sample", sample / "sample.wav", sample / "sample.rttm"))
    out.append(Source("jfk", DATA / "jfk" / "jfk.flac", None))
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def dump() -> None:
    from minutes.audio import decoded
    from minutes.diarize import DiarizerOptions, PyannoteDiarizer
    from minutes.evaluation import read_rttm

    diarizer = PyannoteDiarizer(DiarizerOptions(threads=THREADS))
    rows: list[dict[str, Any]] = []
    seconds = 0.0
    audio_seconds = 0.0
    for src in sources():
        with decoded(src.audio) as (_info, pcm):
            samples = pcm.read()
        ref = read_rttm(src.rttm) if src.rttm else None
        half = len(samples) // 2
        for part, (lo, hi) in enumerate(((0, half), (half, len(samples)))):
            t0, t1 = lo / 16000, hi / 16000
            t = time.perf_counter()
            result = diarizer.diarize(samples[lo:hi])
            seconds += time.perf_counter() - t
            audio_seconds += t1 - t0
            for label, embedding in result.embeddings.items():
                talk: dict[str, float] = {}
                for turn in result.turns:
                    if turn.speaker != label:
                        continue
                    if ref is None:
                        talk["JFK"] = talk.get("JFK", 0.0) + turn.end - turn.start
                        continue
                    for r in ref:
                        o = _overlap(turn.start + t0, turn.end + t0, r.start, r.end)
                        if o > 0:
                            talk[r.speaker] = talk.get(r.speaker, 0.0) + o
                total = sum(talk.values())
                who = max(talk, key=lambda k: talk[k]) if talk else None
                rows.append(
                    {
                        "recording": src.name,
                        "half": part,
                        "label": label,
                        "voice": who,
                        "purity": round(talk[who] / total, 3) if who else 0.0,
                        "seconds": round(total, 2),
                        "embedding": list(embedding),
                    }
                )
            print(f"{src.name} half {part}: {len(result.embeddings)} speakers", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "embeddings.json").write_text(json.dumps({"rows": rows, "rtf": seconds / audio_seconds}))
    print(
        f"wrote {len(rows)} speakers to {OUT / 'embeddings.json'};",
        f"diarization RTF {seconds / audio_seconds:.3f}",
    )


@dataclass
class Tally:
    named: int = 0
    right: int = 0
    suggested: int = 0
    suggested_right: int = 0
    known: int = 0  # speakers whose voice was enrolled
    false_unenrolled: int = 0  # automatic names on speakers whose voice was never enrolled
    unenrolled: int = 0

    def add(self, other: Tally) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def report(self) -> dict[str, Any]:
        return {
            "precision": round(self.right / self.named, 4) if self.named else None,
            "named_share": round(self.right / self.known, 4) if self.known else None,
            "named": self.named,
            "wrong": self.named - self.right,
            "known": self.known,
            "suggested": self.suggested,
            "suggestion_precision": round(self.suggested_right / self.suggested, 4)
            if self.suggested
            else None,
            "false_names_on_unenrolled": self.false_unenrolled,
            "unenrolled_speakers": self.unenrolled,
        }


def _recognise(
    t: Tally,
    speakers: dict[str, dict[str, Any]],
    prints: list[Any],
    thresholds: tuple[float, float, float],
    *,
    only: str | None = None,
) -> None:
    """Match ``speakers`` (label → row) against ``prints`` at (auto, suggest, min_speech) and count
    the names and suggestions in ``t``: all of them, or only those on voice ``only``."""
    from minutes.voices import match

    auto, suggest, min_speech = thresholds
    enrolled = {p.name for p in prints}
    found = match(
        {k: r["embedding"] for k, r in speakers.items()},
        prints,
        speech={k: r["seconds"] for k, r in speakers.items()},
        auto=auto,
        suggest=suggest,
        min_speech=min_speech,
    )
    for m in found:
        truth = speakers[m.label]["voice"]
        if only is not None and truth != only:
            continue
        if m.confident:
            t.named += 1
            t.right += truth == m.name
            t.false_unenrolled += truth not in enrolled
        else:
            t.suggested += 1
            t.suggested_right += truth == m.name


def trial(
    rows: list[dict[str, Any]], recordings: tuple[str, ...], auto: float, suggest: float, min_speech: float
) -> Tally:
    """Enrol from one half of every recording, recognise in the other half of ``recordings``."""
    from minutes.voices import Voiceprint, voiceprint

    total = Tally()
    for enrol_half in (0, 1):
        test_half = 1 - enrol_half
        by_voice: dict[str, list[list[float]]] = {}
        for r in rows:
            if r["half"] == enrol_half and r["voice"] and r["purity"] >= PURE:
                by_voice.setdefault(r["voice"], []).append(r["embedding"])
        voices = sorted(by_voice)
        ids = {v: i for i, v in enumerate(voices)}
        for name in recordings:
            # Everyone but this recording's own voices is enrolled too, to count false names on
            # voices never enrolled; the recording's voices are enrolled in the first pass only.
            own = {r["voice"] for r in rows if r["recording"] == name and r["voice"]}
            for leave_out in (False, True):
                prints = []
                for v in voices:
                    if leave_out and v in own:
                        continue
                    vec = voiceprint(by_voice[v])
                    if vec is not None:
                        prints.append(Voiceprint(ids[v], v, vec, len(by_voice[v])))
                enrolled = {p.name for p in prints}
                speakers = {r["label"]: r for r in rows if r["recording"] == name and r["half"] == test_half}
                t = Tally()
                for r in speakers.values():
                    if r["voice"] in enrolled:
                        t.known += 1
                    else:
                        t.unenrolled += 1
                _recognise(t, speakers, prints, (auto, suggest, min_speech))
                total.add(t)
    return total


def score(args: argparse.Namespace) -> None:
    saved = json.loads((OUT / "embeddings.json").read_text())
    rows = saved["rows"]
    same, other = _pairs(rows, tuple(src.name for src in sources()))
    grid = [round(0.30 + 0.05 * i, 2) for i in range(11)]
    table = []
    for min_speech in SPEECH:
        for auto in grid:
            for suggest in [g for g in grid if g <= auto]:
                tune = trial(rows, TUNE, auto, suggest, min_speech).report()
                table.append({"auto": auto, "suggest": suggest, "min_speech": min_speech, "tune": tune})
    # Chosen on the tune recordings: no wrong automatic name and none on an unenrolled voice; then
    # the most voices named; then the highest threshold and the longest speech asked (the safer).
    # Suggestions start one step (0.05) above the best score two different tune voices reached.
    synthetic_path = OUT / "generated-embeddings.json"
    synthetic = json.loads(synthetic_path.read_text()) if synthetic_path.is_file() else None

    def clean(report: dict[str, Any]) -> bool:
        return bool(report["wrong"] == 0 and report["false_names_on_unenrolled"] == 0)

    # Real voices only: espeak-ng's voices are near-twins to CAM++ (two of them score 0.76 median
    # against each other), so no threshold keeps them apart; they are reported, not tuned on.
    safe = [r for r in table if clean(r["tune"])]
    top = max(safe, key=lambda r: (r["tune"]["named_share"] or 0, r["auto"], r["min_speech"]))
    impostor = max(_pairs(rows, TUNE)[1])
    suggest = min((g for g in grid if g > impostor), default=top["auto"]) + 0.05
    suggest = round(min(suggest, top["auto"]), 2)
    chosen = {
        "auto": top["auto"],
        "suggest": suggest,
        "min_speech": top["min_speech"],
        "tune": trial(rows, TUNE, top["auto"], suggest, top["min_speech"]).report(),
    }
    test = trial(rows, TEST, chosen["auto"], chosen["suggest"], chosen["min_speech"]).report()
    fixed = None
    if args.auto:
        fixed = trial(rows, TEST, args.auto, args.suggest, args.min_speech).report()
    report = {
        "speakers": len(rows),
        "voices": len({r["voice"] for r in rows if r["voice"]}),
        "mixed": sum(1 for r in rows if not r["voice"]),
        "diarization_rtf": round(saved["rtf"], 3),
        "same_voice": _spread(same),
        "different_voices": _spread(other),
        "chosen_on_tune": chosen,
        "test_at_chosen": test,
        "synthetic_test_at_chosen": (
            synthetic_trial(
                synthetic, "test", chosen["auto"], chosen["suggest"], chosen["min_speech"]
            ).report()
            if synthetic is not None
            else None
        ),
        "test_at_given": (
            {"auto": args.auto, "suggest": args.suggest, "min_speech": args.min_speech, "test": fixed}
            if fixed
            else None
        ),
    }
    (OUT / "report.json").write_text(json.dumps({"report": report, "sweep": table}, indent=1))
    print(json.dumps(report, indent=1))


def _pairs(rows: list[dict[str, Any]], recordings: tuple[str, ...]) -> tuple[list[float], list[float]]:
    """Similarities of same-voice and different-voice speakers of ``recordings`` (clean speakers of
    different halves only)."""
    from minutes.voices import similarity

    same: list[float] = []
    other: list[float] = []
    clean = [r for r in rows if r["recording"] in recordings and r["purity"] >= PURE]
    for i, a in enumerate(clean):
        for b in clean[i + 1 :]:
            if (a["recording"], a["half"]) != (b["recording"], b["half"]):
                (same if a["voice"] == b["voice"] else other).append(
                    similarity(a["embedding"], b["embedding"])
                )
    return same, other


def _spread(values: list[float]) -> dict[str, Any]:
    import numpy as np

    if not values:
        return {"n": 0}
    a = np.array(values)
    return {
        "n": len(values),
        "min": round(float(a.min()), 3),
        "p5": round(float(np.percentile(a, 5)), 3),
        "median": round(float(np.median(a)), 3),
        "p95": round(float(np.percentile(a, 95)), 3),
        "max": round(float(a.max()), 3),
    }


CORPUS = Path(__file__).resolve().parent / "out" / "corpus_audio"


def generated(args: argparse.Namespace) -> None:
    """Diarize the generated meetings (espeak-ng, ``bench/generate_corpus_audio.py``: one voice per
    speaker position, so the voices recur under different names) and keep each speaker's
    embedding with the voice it mostly is; ``score`` then uses them (:func:`synthetic_trial`)."""
    from minutes.audio import decoded
    from minutes.diarize import DiarizerOptions, PyannoteDiarizer
    from minutes.evaluation import read_rttm

    docs = sorted(CORPUS.glob("*.json"))
    if not docs:
        raise SystemExit(f"no generated audio in {CORPUS}: run bench/generate_corpus_audio.py first")
    diarizer = PyannoteDiarizer(DiarizerOptions(threads=THREADS))
    rows: list[dict[str, Any]] = []
    for path in docs:
        doc = json.loads(path.read_text())
        voice_of = {who.replace(" ", "_"): f"{v['voice']}@{v['pitch']}" for who, v in doc["voices"].items()}
        with decoded(path.with_suffix(".wav")) as (_info, pcm):
            result = diarizer.diarize(pcm.read())
        ref = read_rttm(path.with_suffix(".rttm"))
        for label, embedding in result.embeddings.items():
            talk: dict[str, float] = {}
            for turn in (t for t in result.turns if t.speaker == label):
                for r in ref:
                    o = _overlap(turn.start, turn.end, r.start, r.end)
                    if o > 0:
                        talk[r.speaker] = talk.get(r.speaker, 0.0) + o
            if not talk:
                continue
            who = max(talk, key=lambda k: talk[k])
            rows.append(
                {
                    "meeting": doc["id"],
                    "split": doc["split"],
                    "label": label,
                    "voice": voice_of[who],
                    "seconds": round(sum(talk.values()), 2),
                    "embedding": list(embedding),
                }
            )
        print(f"{doc['id']}: {len(result.embeddings)} speakers", file=sys.stderr)
    (OUT / "generated-embeddings.json").write_text(json.dumps(rows))
    (OUT / "generated-embeddings.json").write_text(json.dumps(rows))
    print(f"wrote {len(rows)} speakers to {OUT / 'generated-embeddings.json'}")


def synthetic_trial(
    rows: list[dict[str, Any]], split: str, auto: float, suggest: float, min_speech: float
) -> Tally:
    """Enrol each generated voice once (the first tune meeting it speaks in), recognise the speakers
    of the ``split`` meetings (not the enrolment ones); every voice is also left out once."""
    from minutes.voices import Voiceprint, voiceprint

    first: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: r["meeting"]):
        if r["split"] == "tune" and r["voice"] not in first:
            first[r["voice"]] = r
    sources = {r["meeting"] for r in first.values()}
    voices = sorted(first)
    tally = Tally()
    for leave_out in [None, *voices]:
        prints = [
            Voiceprint(i, v, vec, 1)
            for i, v in enumerate(voices)
            if v != leave_out and (vec := voiceprint([first[v]["embedding"]])) is not None
        ]
        enrolled = {p.name for p in prints}
        for meeting in sorted({r["meeting"] for r in rows if r["split"] == split} - sources):
            speakers = {r["label"]: r for r in rows if r["meeting"] == meeting}
            if leave_out is not None and all(r["voice"] != leave_out for r in speakers.values()):
                continue
            t = Tally()
            for r in speakers.values():
                if leave_out is None:
                    t.known += r["voice"] in enrolled
                elif r["voice"] == leave_out:
                    t.unenrolled += 1
            # The leave-out passes count only names on the voice left out.
            _recognise(t, speakers, prints, (auto, suggest, min_speech), only=leave_out)
            tally.add(t)
    return tally


def speed(args: argparse.Namespace) -> None:
    """Recognition's cost in a large archive: ``--meetings`` meetings of four speakers (192-dim
    embeddings, like CAM++'s) and ``--people`` enrolled voices on SQLite; times recognising one new
    meeting (what processing adds) and enrolling one more voice (which scans every earlier speaker)."""
    import hashlib
    import random
    import tempfile

    from minutes.accounts.access import Actor
    from minutes.accounts.people import remember_voice
    from minutes.db import (
        add_recording,
        create_meeting,
        make_engine,
        replace_transcript,
        save_stage,
        session_factory,
        session_scope,
        upgrade,
    )
    from minutes.db.people import recognise
    from minutes.types import AudioInfo, ModelRef, Speaker, StageRecord, Utterance

    rng = random.Random(7)
    models = (ModelRef("seg", "bench", "a" * 64), ModelRef("campplus", "bench", "c" * 64))
    operator = Actor(principal=None, ip=None, via="cli")

    def vec() -> list[float]:
        return [rng.gauss(0.0, 1.0) for _ in range(192)]

    def add(s: Any, n: int) -> int:
        digest = hashlib.sha256(f"m{n}".encode()).hexdigest()
        info = AudioInfo(f"m{n}.wav", digest, 3600.0, 16000, 1)
        m = create_meeting(
            s,
            recording=add_recording(s, audio=info, media_path=None),
            title=f"m{n}",
            meeting_date=None,
            code_version="bench",
        )
        voices = {f"SPEAKER_0{i}": vec() for i in range(4)}
        record = StageRecord("diarize", f"k{n}", models, {}, "bench", 1.0)
        save_stage(s, meeting_id=m.id, record=record, payload={"turns": [], "embeddings": voices})
        utterances = [
            Utterance(index=i, speaker=lab, start=i, end=i + 1, text="x") for i, lab in enumerate(voices)
        ]
        replace_transcript(
            s,
            meeting_id=m.id,
            utterances=utterances,
            speakers=[Speaker(lab, talk_time=600.0) for lab in voices],
            embeddings={k: tuple(v) for k, v in voices.items()},
        )
        return int(m.id)

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        sessions = session_factory(engine)
        with session_scope(sessions) as s:
            ids = [add(s, n) for n in range(args.meetings)]
        with session_scope(sessions) as s:
            for n in range(args.people):
                remember_voice(s, operator, ids[n], "SPEAKER_00", f"Person {n}")
        with session_scope(sessions) as s:
            new = add(s, args.meetings)
        timings = []
        for _ in range(5):
            with session_scope(sessions) as s:
                t = time.perf_counter()
                recognise(s, new)
                timings.append(time.perf_counter() - t)
        with session_scope(sessions) as s:
            t = time.perf_counter()
            remember_voice(s, operator, new, "SPEAKER_01", "One more")
            enrol = time.perf_counter() - t
        engine.dispose()
    recog = sorted(timings)[len(timings) // 2]
    print(
        json.dumps(
            {
                "meetings": args.meetings,
                "people": args.people,
                "recognise_one_meeting_s": round(recog, 4),
                "enrol_one_voice_s": round(enrol, 4),
            },
            indent=1,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump")
    s = sub.add_parser("score")
    s.add_argument("--auto", type=float, help="also report the test recordings at this AUTO threshold")
    s.add_argument("--suggest", type=float, default=0.45)
    s.add_argument("--min-speech", type=float, default=5.0)
    sub.add_parser("generated")
    p = sub.add_parser("speed")
    p.add_argument("--meetings", type=int, default=1000)
    p.add_argument("--people", type=int, default=50)
    args = parser.parse_args()
    if args.command == "dump":
        dump()
    elif args.command == "speed":
        speed(args)
    elif args.command == "generated":
        generated(args)
    else:
        score(args)


if __name__ == "__main__":
    main()
