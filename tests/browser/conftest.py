"""Browser tests: Debian's Chromium (headless, through Playwright) against a real ``minutes serve``.

One server for the session (``org``): a temporary ``MINUTES_HOME`` with SQLite, the worker that
``serve`` starts doing real transcription (Whisper tiny.en) and diarization, two teams and a
seeded meeting with minutes. The minutes of uploads and the answers of the Ask box come from a
local stand-in for an OpenAI-compatible model server (:func:`fake_llm`, answering like
:class:`tests.fakes.FakeLLM`, and questions like :class:`tests.fakes.FakeAskLLM`):
the worker has no switch to skip them, and a real language model would take minutes here.

Every request any page makes is recorded (:data:`REQUESTS`), and so are script errors and
Content-Security-Policy violations (:data:`PAGE_ERRORS`); the last test asserts that all requests
went to the server's own origin and that no page had an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from minutes import db as store
from minutes.accounts import users
from minutes.factory import open_store
from minutes.types import AudioInfo, Chapter, MinuteItem, Minutes, Speaker, Utterance, Word
from tests.browser.server import CHROMIUM, CHROMIUM_FLAGS, Server, sign_in_page, start
from tests.conftest import DATA, NETGUARD_SITE
from tests.fakes import FakeAskLLM, FakeLLM

PASSWORD = "correct horse battery staple"
PROCESS_SECONDS = 300  # real models on 2 busy cores; about a minute on an idle machine
REQUESTS: list[str] = []
PAGE_ERRORS: list[str] = []

expect.set_options(timeout=20_000)


# The seeded meeting: twelve lines, 5 s apart, three speakers, one unique phrase -----------------

SEEDED_TITLE = "Kiwi launch budget review"
PHRASE = "marmalade forecast"
PHRASE_LINE = 8  # starts at 40.5 s
SEEDED_LINES = (
    "Good morning, let's go through the launch budget.",
    "The venue is booked for the second week of March.",
    "Marketing asked for another ten thousand.",
    "That is more than we planned in January.",
    "Can we cut the print campaign instead?",
    "Yes, print was never the main channel.",
    "Then we keep the total as it is.",
    "Agreed. We keep the total and drop print.",
    f"I will send the {PHRASE} to finance by Friday.",
    "Who signs off the venue contract?",
    "Nobody yet, we need to decide that next week.",
    "Fine. Thanks everyone.",
)


@dataclass
class Org:
    """The server and what was seeded into it."""

    server: Server
    teams: dict[str, int]
    seeded: int  # meeting id, team Sales
    seeded_lines: tuple[Utterance, ...]
    net_log: Path
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url


def _seeded_utterances() -> tuple[Utterance, ...]:
    labels = ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02")
    out = []
    for i, text in enumerate(SEEDED_LINES):
        start = 0.5 + 5.0 * i
        words = text.split()
        step = 4.0 / len(words)
        out.append(
            Utterance(
                index=i,
                speaker=labels[i % 3] if i != PHRASE_LINE else "SPEAKER_01",
                start=start,
                end=start + 4.0,
                text=text,
                words=tuple(
                    Word(start + k * step, start + (k + 1) * step, (" " if k else "") + w, 0.9)
                    for k, w in enumerate(words)
                ),
            )
        )
    return tuple(out)


SEEDED_MINUTES = Minutes(
    summary="The launch budget stays as planned; print is dropped.\n\nThe venue contract has no owner yet.",
    items=(
        MinuteItem(kind="decision", text="Keep the total budget and drop the print campaign", evidence=(7,)),
        MinuteItem(
            kind="action",
            text=f"Send the {PHRASE} to finance",
            evidence=(PHRASE_LINE,),
            owner="SPEAKER_01",
            due="2026-11-27",
            due_text="by Friday",
        ),
        MinuteItem(kind="question", text="Who signs off the venue contract?", evidence=(9, 10)),
    ),
    chapters=(Chapter(start=0.5, end=60.0, title="Launch budget", evidence=(0, 7)),),
    language="en",
)


def _tone(path: Path, seconds: float) -> None:
    from minutes.demo import write_audio

    t = np.arange(int(16000 * seconds)) / 16000
    write_audio(path, (0.2 * np.sin(2 * np.pi * 330 * t)).astype(np.float32))


def _seed(home: Path) -> tuple[dict[str, int], int, tuple[Utterance, ...]]:
    """Teams Sales (manager mona) and Support (manager sam, member sid); a Sales meeting with
    minutes and media."""
    sessions = open_store(f"sqlite:///{home / 'minutes.db'}")
    teams: dict[str, int] = {}
    with store.session_scope(sessions) as s:
        for name in ("Sales", "Support"):
            teams[name] = users.create_team(s, name=name).id
        for name, team, role in (
            ("mona", "Sales", "manager"),
            ("sam", "Support", "manager"),
            ("sid", "Support", "member"),
        ):
            users.create_user(s, username=name, password=PASSWORD, display_name=name.title())
            users.add_member(s, team=team, username=name, role=role)
    media = home / "media" / "seeded-budget-review.wav"
    media.parent.mkdir(parents=True, exist_ok=True)
    _tone(media, 62.0)
    lines = _seeded_utterances()
    with store.session_scope(sessions) as s:
        info = AudioInfo(
            path=str(media),
            sha256=hashlib.sha256(media.read_bytes()).hexdigest(),
            duration=62.0,
            sample_rate=16000,
            channels=1,
            codec="pcm_s16le",
            format="wav",
        )
        recording = store.add_recording(s, audio=info, media_path=str(media))
        meeting = store.create_meeting(
            s,
            recording=recording,
            title=SEEDED_TITLE,
            meeting_date=datetime(2026, 11, 20, 10, tzinfo=UTC),
            code_version="test",
        )
        meeting.team_id = teams["Sales"]
        store.replace_transcript(
            s,
            meeting_id=meeting.id,
            utterances=lines,
            speakers=(Speaker("SPEAKER_00"), Speaker("SPEAKER_01"), Speaker("SPEAKER_02")),
            embeddings={},
        )
        store.save_minutes(s, meeting_id=meeting.id, minutes=SEEDED_MINUTES)
        store.set_status(s, meeting_id=meeting.id, status="done")
        seeded = meeting.id
    sessions.kw["bind"].dispose()
    return teams, seeded, lines


# A local OpenAI-compatible model server for the worker's minutes stage ---------------------------


ASK_GATE = threading.Event()
"""Answers to questions (the Ask box's) wait for this; set unless a test holds them (:func:`held_asks`)."""
ASK_GATE.set()


class _FakeLLMHandler(BaseHTTPRequestHandler):
    llm = FakeLLM()
    ask_llm = FakeAskLLM()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        schema = (body.get("response_format") or {}).get("json_schema", {}).get("schema")
        llm: FakeLLM | FakeAskLLM = self.llm
        if "sentences" in (schema or {}).get("properties", {}):  # a question: answered like FakeAskLLM
            ASK_GATE.wait(60)
            llm = self.ask_llm
        content = llm.chat(body["messages"], schema=schema, max_tokens=body.get("max_tokens", 256)).text
        reply = json.dumps(
            {
                "choices": [{"message": {"content": content}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FakeLLMHandler)
    thread = threading.Thread(target=httpd.serve_forever, name="fake-llm", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def held_asks() -> Iterator[threading.Event]:
    """The stand-in model holds every answer to a question until the test sets the event."""
    ASK_GATE.clear()
    try:
        yield ASK_GATE
    finally:
        ASK_GATE.set()


def _preset(path: Path, llm_url: str) -> Path:
    """cpu-fast with its minutes written by the local stand-in model server."""
    from minutes.settings import load_preset

    fast = load_preset("cpu-fast")

    def table(values: dict[str, object]) -> str:
        return "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items())

    summarize = {"backend": "openai", "url": llm_url, "model": "fake-minutes"}
    path.write_text(
        f'name = "browser-tests"\n\n[transcribe]\n{table(fast.transcribe)}\n\n'
        f"[diarize]\n{table(fast.diarize)}\n\n[summarize]\n{table(summarize)}\n"
    )
    return path


@pytest.fixture(scope="session")
def org(tmp_path_factory: pytest.TempPathFactory, fake_llm: str) -> Iterator[Org]:
    home = tmp_path_factory.mktemp("browser-home")
    teams, seeded, lines = _seed(home)
    net_log = home / "netguard.log"
    env = {
        "MINUTES_PRESET": str(_preset(home / "browser.toml", fake_llm)),
        "MINUTES_THREADS": "2",
        "PYTHONPATH": os.pathsep.join([str(NETGUARD_SITE), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
        "MINUTES_NETGUARD_LOG": str(net_log),
    }
    server = start(home, env={**env, "MINUTES_DATABASE_URL": ""})  # "": SQLite in the home
    try:
        yield Org(server=server, teams=teams, seeded=seeded, seeded_lines=lines, net_log=net_log)
    finally:
        server.stop()


# The browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing; run `make setup` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_FLAGS)
        )
        yield launched
        launched.close()


def open_context(browser: Browser, org: Org) -> BrowserContext:
    context = browser.new_context(
        base_url=org.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    context.on("request", lambda request: REQUESTS.append(request.url))
    context.on(
        "weberror", lambda error: PAGE_ERRORS.append(f"{error.page and error.page.url}: {error.error}")
    )
    context.on(
        "console",
        lambda m: (
            PAGE_ERRORS.append(f"{m.page and m.page.url}: {m.text}")
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    return context


def sign_in(context: BrowserContext, username: str, *, next_path: str = "/meetings") -> Page:
    page = sign_in_page(context, username, PASSWORD, next_path=next_path)
    expect(page.get_by_test_id("whoami")).to_have_text(username.title())
    return page


@pytest.fixture
def as_user(browser: Browser, org: Org) -> Iterator[Callable[[str], Page]]:
    """``as_user("mona")``: a fresh browser context signed in as mona, on the meetings page."""
    contexts: list[BrowserContext] = []

    def make(username: str) -> Page:
        context = open_context(browser, org)
        contexts.append(context)
        return sign_in(context, username)

    yield make
    for context in contexts:
        context.close()


# The upload, shared by the tests that look at the processed meeting ---------------------------

UPLOAD_TITLE = "AMI design meeting"
AMI = DATA / "ami-es2004a-60s" / "mixture.wav"


@pytest.fixture(scope="session")
def uploaded_job(browser: Browser, org: Org) -> int:
    """Upload the AMI excerpt through the upload page as mona (Sales); the queued job's id."""
    if not AMI.is_file():
        pytest.fail(f"{AMI} is missing; the tests expect ../shared/data beside the checkout")
    context = open_context(browser, org)
    try:
        page = sign_in(context, "mona")
        page.get_by_role("link", name="Upload").click()
        page.get_by_label("Recordings").set_input_files(str(AMI))
        page.get_by_label("Team").select_option(label="Sales")
        page.get_by_label("Title").fill(UPLOAD_TITLE)
        page.get_by_test_id("upload-submit").click()
        result = page.get_by_test_id("upload-results")
        expect(result).to_contain_text("mixture.wav: queued as job ")
        return int(result.inner_text().rsplit("job ", 1)[1].split()[0])
    finally:
        context.close()


@pytest.fixture(scope="session")
def processed_meeting(browser: Browser, org: Org, uploaded_job: int) -> int:
    """Wait on the jobs page until the upload is processed; the meeting id its link points to."""
    context = open_context(browser, org)
    try:
        page = sign_in(context, "mona", next_path="/jobs")
        row = page.locator(f'tr[data-job-id="{uploaded_job}"]')
        expect(row).to_contain_text(UPLOAD_TITLE)
        # The page polls the API while the job runs; the row turns "done" and links the meeting.
        expect(row).to_have_attribute("data-status", "done", timeout=PROCESS_SECONDS * 1000)
        link = row.get_by_role("link", name="meeting")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href is not None and href.startswith("/meetings/")
        return int(href.rsplit("/", 1)[1])
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- server log ---\n{org.server.log_tail()}") from None
    finally:
        context.close()
