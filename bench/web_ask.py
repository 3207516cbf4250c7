"""Benchmark: do the other pages stay fast while answers are written, and does each ask see its place?

    .venv/bin/python bench/web_ask.py [--meetings 200] [--burn 4] [--rounds 20] [--backend sqlite]
    .venv/bin/python bench/web_ask.py --real    # the configured model (MINUTES_PRESET): minutes per run

The archive is bench/web.py's (``build``: ``--meetings`` meetings in four teams and the 2-hour one),
with three more managers of mona's two teams to ask; with ``--real`` it is then indexed (passages
embedded, as ``minutes index`` does), so the model has lines to answer from. The server is a real
uvicorn in a child process (``tests/browser/server.py: running``): with ``--real``, ``minutes serve
--no-worker`` and its default model; without, the same app (``create_app``) whose model is a
stand-in that keeps ``MINUTES_THREADS`` cores busy for ``--burn`` seconds in native code that
releases the GIL (hashing; llama.cpp's calls release it too), then answers like
``tests/fakes.py: FakeAskLLM``.

1. **baseline**: mona's client loads three of bench/web.py's routes (``meetings_page_1``,
   ``meeting_page_2h``, ``meetings_api``) ``--rounds`` times, nothing asked;
2. **during**: the three askers (signed in beforehand) type a question into the Ask box 0.2 s apart
   (``GET /ask?q=``, then the ask's own page's status, polled every 0.5 s; ``ask.js`` polls every
   second), while mona keeps loading the same pages until the last answer is written.

Reported: p50/p95/max of each page (wall time at the client), baseline and during the asks; for each
ask, how many were ahead of it when it arrived, the places it was shown, and how long it took. The
goal: every page under 200 ms at p95 during the asks. Written to ``bench/out/web_ask.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web import GOAL_MS, PASSWORD, USER, Route, backend, build, check, percentile, routes  # noqa: E402
from tests.browser.server import SERVE, running, sign_in  # noqa: E402
from tests.fakes import FakeAskLLM  # noqa: E402

from minutes import db as store  # noqa: E402
from minutes.accounts import users  # noqa: E402
from minutes.factory import open_store  # noqa: E402
from minutes.llm import Reply  # noqa: E402

OUT = ROOT / "bench" / "out" / "web_ask.json"
PAGES = ("meetings_page_1", "meeting_page_2h", "meetings_api")
ASKERS = ("ines", "omar", "lars")
QUESTIONS = (
    "What did we decide about the pricing contract?",
    "Who owns the server migration?",
    "When is the launch deadline?",
)
POLL_SECONDS = 0.5


# The stand-in model (in the server's process) --------------------------------------------------


class BurningAskLLM(FakeAskLLM):
    """:class:`FakeAskLLM` that first keeps ``threads`` cores busy for ``seconds``, as a model writing."""

    def __init__(self, seconds: float, threads: int) -> None:
        super().__init__()
        self.seconds = seconds
        self.threads = threads

    def chat(
        self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None, max_tokens: int = 256
    ) -> Reply:
        block = os.urandom(16 << 20)
        end = time.perf_counter() + self.seconds

        def spin() -> None:
            while time.perf_counter() < end:
                hashlib.sha256(block).digest()  # hashlib drops the GIL for data this long

        spinners = [threading.Thread(target=spin) for _ in range(self.threads)]
        for t in spinners:
            t.start()
        for t in spinners:
            t.join()
        return super().chat(messages, schema=schema, max_tokens=max_tokens)


def serve_fake(port: int, burn: float, nice: int | None) -> None:
    """The child: the web app over MINUTES_HOME's database, its model the burning stand-in."""
    import uvicorn

    from minutes.web.app import create_app
    from minutes.web.asking import Asker, AskLimits

    threads = int(os.environ.get("MINUTES_THREADS", "2"))
    app = create_app()
    limits = AskLimits() if nice is None else AskLimits(nice=nice)
    app.state.asker = Asker(lambda: (BurningAskLLM(burn, threads), None), limits=limits)
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", proxy_headers=False)


# The clients (in this process) -------------------------------------------------------------------


@dataclass
class AskTrace:
    user: str
    question: str
    ahead_on_arrival: int | None = None
    shown: list[str] = field(default_factory=list)  # each place in line the ask's page showed, in turn
    seconds: float = 0.0
    answered: bool = False
    status: int = 0


def add_askers(url: str) -> None:
    """Three more managers of mona's two teams (each user may have only two asks waiting)."""
    sessions = open_store(url)
    with store.session_scope(sessions) as s:
        for name in ASKERS:
            users.create_user(s, username=name, password=PASSWORD, display_name=name.title())
            for team in ("Team 0", "Team 1"):
                users.add_member(s, team=team, username=name, role="manager")
    sessions.kw["bind"].dispose()


def index_archive(url: str, threads: int) -> float:
    """Embed every meeting's passages, as ``minutes index`` does, so the real model's asks find
    lines to answer from (the stand-in answers without them). Seconds taken."""
    from minutes.ask.indexing import index_meetings
    from minutes.factory import build_text_embedder

    print("indexing the archive for the real model...", file=sys.stderr)
    t0 = time.perf_counter()
    sessions = open_store(url)
    report = index_meetings(sessions, build_text_embedder(threads=threads), meeting_ids=(), rebuild=False)
    sessions.kw["bind"].dispose()
    if report.failed:
        raise SystemExit(f"indexing failed for {len(report.failed)} meeting(s): {report.failed}")
    return time.perf_counter() - t0


def ask(client: httpx.Client, trace: AskTrace) -> None:
    """Ask through the Ask box as ``trace.user`` and follow the ask's page until its answer."""
    try:
        t0 = time.perf_counter()
        first = client.get("/ask", params={"q": trace.question})
        trace.status = first.status_code
        if first.status_code == 303:
            page = first.headers["location"]
            while True:
                status = client.get(f"{page}/status").json()
                if trace.ahead_on_arrival is None:
                    trace.ahead_on_arrival = status["ahead"]
                if not trace.shown or trace.shown[-1] != status["text"]:
                    trace.shown.append(status["text"])
                if status["state"] in ("done", "failed"):
                    break
                time.sleep(POLL_SECONDS)
            first = client.get(page)
        trace.seconds = time.perf_counter() - t0
        trace.answered = 'data-testid="ask-answer"' in first.text
    finally:
        client.close()


def load_pages(
    client: httpx.Client, todo: list[Route], *, rounds: int, until: threading.Event | None
) -> dict[str, list[float]]:
    """Each route in turn, ``rounds`` times, or until ``until`` is set; milliseconds per request."""
    times: dict[str, list[float]] = {r.name: [] for r in todo}
    done = 0
    while (until is None and done < rounds) or (until is not None and not until.is_set()):
        for route in todo:
            t = time.perf_counter()
            answer = client.get(route.path, headers=route.headers)
            times[route.name].append((time.perf_counter() - t) * 1000)
            check(answer, route)
        done += 1
    return times


def summary(times: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "requests": len(times),
    }


def measure(base: str, todo: list[Route], rounds: int) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=60) as client:
        sign_in(client, USER, PASSWORD)
        load_pages(client, todo, rounds=3, until=None)  # warm up
        baseline = load_pages(client, todo, rounds=rounds, until=None)
        traces = [AskTrace(user, q) for user, q in zip(ASKERS, QUESTIONS, strict=True)]
        finished = threading.Event()
        askers = []
        clients = [httpx.Client(base_url=base, timeout=600) for _ in traces]
        for c, trace in zip(clients, traces, strict=True):
            sign_in(c, trace.user, PASSWORD)
        for c, trace in zip(clients, traces, strict=True):
            askers.append(threading.Thread(target=ask, args=(c, trace)))
            askers[-1].start()
            time.sleep(0.2)

        def wait_all() -> None:
            for t in askers:
                t.join()
            finished.set()

        threading.Thread(target=wait_all, daemon=True).start()
        during = load_pages(client, todo, rounds=0, until=finished)
    return {
        "pages": {
            r.name: {
                "path": r.path,
                "baseline": summary(baseline[r.name]),
                "during_asks": summary(during[r.name]),
            }
            for r in todo
        },
        "asks": [asdict(t) for t in traces],
    }


def print_report(report: dict[str, Any]) -> None:
    print("| page | baseline p50 / p95 / max (ms) | during 3 asks p50 / p95 / max (ms) | requests during |")
    print("| --- | ---: | ---: | ---: |")
    for name, r in report["pages"].items():
        b, d = r["baseline"], r["during_asks"]
        miss = " ⚠" if d["p95_ms"] > GOAL_MS else ""
        print(
            f"| {name} | {b['p50_ms']:.0f} / {b['p95_ms']:.0f} / {b['max_ms']:.0f} | "
            f"{d['p50_ms']:.0f} / {d['p95_ms']:.0f} / {d['max_ms']:.0f}{miss} | {d['requests']} |"
        )
    print("\n| ask | ahead when it arrived | its page showed | answered after |")
    print("| --- | ---: | --- | ---: |")
    for i, a in enumerate(report["asks"], 1):
        shown = " → ".join(a["shown"]) or f"the answer at once (HTTP {a['status']})"
        print(f"| {i} ({a['user']}) | {a['ahead_on_arrival']} | {shown} | {a['seconds']:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20, help="baseline rounds over the pages")
    parser.add_argument("--burn", type=float, default=4.0, help="seconds the stand-in model writes")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("MINUTES_THREADS", "2")))
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--real", action="store_true", help="the configured model instead of the stand-in")
    parser.add_argument(
        "--nice", type=int, help="the stand-in's priority below the pages (AskLimits.nice; 0: none)"
    )
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)  # the child
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.port, args.burn, args.nice)
        return
    with (
        tempfile.TemporaryDirectory(prefix="minutes-bench-web-ask-") as tmp,
        backend(args.backend, Path(tmp)) as url,
    ):
        home = Path(tmp)
        print(f"{args.backend}: building the archive...", file=sys.stderr)
        archive = build(url, home, args.meetings)
        add_askers(url)
        index_s = index_archive(url, args.threads) if args.real else None
        env = {
            "MINUTES_DATABASE_URL": url if args.backend != "sqlite" else "",
            "MINUTES_THREADS": str(args.threads),
        }
        command = (
            SERVE
            if args.real
            else (
                sys.executable,
                __file__,
                "--serve-fake",
                "--burn",
                str(args.burn),
                *(["--nice", str(args.nice)] if args.nice is not None else []),
            )
        )
        todo = [r for r in routes(archive.big, archive.team) if r.name in PAGES]
        load_before = os.getloadavg()
        print("serving; timing the pages, then the pages during three asks...", file=sys.stderr)
        with running(home, env=env, worker=False, command=command) as server:
            measured = measure(server.url, todo, args.rounds)
    report = {
        "goal_ms": GOAL_MS,
        "model": "configured (MINUTES_PRESET)"
        if args.real
        else f"stand-in burning {args.threads} cores {args.burn} s an answer",
        "nice": args.nice if args.nice is not None else "default (AskLimits.nice)",
        "meetings": args.meetings,
        "backend": args.backend,
        "index_s": index_s,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
        },
        **measured,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_report(report)
    print(f"\nwritten {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
