"""The Ask box: on the meetings list and each meeting page, an answer page whose citations open the
meeting at the cited line; asks wait in line for the one model where their askers can watch them,
only their askers, and the model's wait never blocks other pages."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from minutes.errors import StageError
from minutes.llm import Reply
from minutes.web.asking import Asker, AskLimits
from tests.fakes import FakeAskLLM, FakeEmbedder, HeldAskLLM, InventingAskLLM
from tests.web.world import World

QUESTION = "When do we hire engineers?"
QUICK = AskLimits(page_seconds=0.05)  # the Ask box goes on to the ask's page at once


def signed_in(world: World, app_for: Callable[[], TestClient], username: str, asker: Asker) -> TestClient:
    client = app_for()
    client.app.state.asker = asker  # type: ignore[attr-defined]
    client.cookies.set("minutes_session", world.session_cookie(username))
    return client


def test_ask_box_answers_and_citations_open_the_line(
    archive: World, app_for: Callable[[], TestClient], llm: FakeAskLLM, embedder: FakeEmbedder
) -> None:
    client = signed_in(archive, app_for, "mona", Asker(lambda: (llm, embedder)))
    assert 'data-testid="ask-form"' in client.get("/meetings").text
    hiring = archive.meetings["hiring"]
    page = client.get(f"/meetings/{hiring}").text
    assert 'data-testid="ask-form"' in page and f'name="meeting" value="{hiring}"' in page
    answer = client.get("/ask", params={"q": "When do we hire engineers?"})
    assert answer.status_code == 200
    [link] = re.findall(r'href="([^"]+)" data-testid="citation-link"', answer.text)
    assert link == f"/meetings/{hiring}?t=0.5#u-0"
    landed = client.get(link.split("#")[0])
    assert landed.status_code == 200 and 'id="u-0"' in landed.text
    other = client.get(
        "/ask", params={"q": "When do we hire engineers?", "meeting": archive.meetings["sales"]}
    )
    assert 'data-testid="ask-not-found"' in other.text and "citation-link" not in other.text


def test_a_quoted_answer_says_so_above_the_lines(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    client = signed_in(archive, app_for, "mona", Asker(lambda: (InventingAskLLM(), embedder)))
    page = client.get("/ask", params={"q": "pricing"}).text
    assert 'data-testid="ask-quoted"' in page and "could be checked" in page
    assert "SPEAKER_00: “We ship pricing v2 in November”" in page and "cancelled" not in page


def ask(client: TestClient, question: str = QUESTION) -> str:
    """Ask through the Ask box; the id of the ask's own page it sends the browser to."""
    response = client.get("/ask", params={"q": question})
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/ask/([A-Za-z0-9_-]+)", response.headers["location"])
    assert found is not None, response.headers["location"]
    return found.group(1)


def position(page: Response) -> str:
    found = re.search(r'data-testid="ask-position"[^>]*>([^<]+)<', page.text)
    assert found is not None, page.text
    return found.group(1)


def until_finished(client: TestClient, ask_id: str) -> Response:
    """Poll the ask's status as its page does; the page once the answer is written."""
    for _ in range(200):
        status = client.get(f"/ask/{ask_id}/status")
        assert status.status_code == 200, status.text
        if status.json()["state"] in ("done", "failed"):
            return client.get(f"/ask/{ask_id}")
        time.sleep(0.05)
    raise AssertionError(f"ask {ask_id} did not finish: {status.json()}")


def citations(page: Response) -> list[str]:
    return re.findall(r'href="([^"]+)" data-testid="citation-link"', page.text)


def test_asks_wait_in_line_and_each_sees_its_place(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    llm = HeldAskLLM()
    asker = Asker(lambda: (llm, embedder), limits=QUICK)
    mona, mel, sam = (signed_in(archive, app_for, name, asker) for name in ("mona", "mel", "sam"))
    try:
        first = ask(mona)
        assert llm.writing.wait(10)
        second, third = ask(mel), ask(sam)
        assert position(mona.get(f"/ask/{first}")) == "Writing your answer…"
        waiting = mel.get(f"/ask/{second}")
        assert waiting.status_code == 200 and position(waiting) == "1 ask ahead of yours"
        assert QUESTION in waiting.text and 'data-testid="ask-answer"' not in waiting.text
        # Without scripts the page reloads itself; with them, ask.js polls the status.
        assert '<noscript><meta http-equiv="refresh"' in waiting.text and "/static/ask.js" in waiting.text
        assert sam.get(f"/ask/{third}/status").json() == {
            "state": "queued",
            "ahead": 2,
            "text": "2 asks ahead of yours",
        }
        t0 = time.perf_counter()
        assert mona.get("/meetings").status_code == 200  # answered while the model writes
        assert time.perf_counter() - t0 < 2.0 and asker.waiting == 3
    finally:
        llm.release.set()
    hiring, support = archive.meetings["hiring"], archive.meetings["support_hiring"]
    # Each answer is written for its asker: mel (a member) sees neither hiring meeting.
    answered = until_finished(mona, first)
    assert citations(answered) == [f"/meetings/{hiring}?t=0.5#u-0"] and "ask.js" not in answered.text
    not_found = until_finished(mel, second)
    assert (
        'data-testid="ask-not-found"' in not_found.text and "Waited for 1 earlier question." in not_found.text
    )
    assert citations(until_finished(sam, third)) == [f"/meetings/{support}?t=0.5#u-0"]
    assert asker.waiting == 0


def test_an_api_ask_waits_in_the_same_line(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    llm = HeldAskLLM()
    asker = Asker(lambda: (llm, embedder), limits=QUICK)
    mona, mel = signed_in(archive, app_for, "mona", asker), signed_in(archive, app_for, "mel", asker)
    api = app_for()
    api.app.state.asker = asker  # type: ignore[attr-defined]
    api.headers["Authorization"] = f"Bearer {archive.token('sam')}"
    replies: list[Response] = []
    try:
        first = ask(mona)
        assert llm.writing.wait(10)
        posting = threading.Thread(
            target=lambda: replies.append(api.post("/api/v1/ask", json={"question": QUESTION}))
        )
        posting.start()
        for _ in range(200):
            if asker.waiting == 2:
                break
            time.sleep(0.02)
        assert position(mel.get(f"/ask/{ask(mel)}")) == "2 asks ahead of yours"
    finally:
        llm.release.set()
    posting.join(10)
    [reply] = replies
    assert reply.status_code == 200, reply.text
    [sentence] = reply.json()["sentences"]
    assert sentence["citations"][0]["meeting_id"] == archive.meetings["support_hiring"]
    assert until_finished(mona, first).status_code == 200


def test_only_the_asker_can_read_an_ask(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    llm = HeldAskLLM()
    asker = Asker(lambda: (llm, embedder), limits=QUICK)
    mona, sam = signed_in(archive, app_for, "mona", asker), signed_in(archive, app_for, "sam", asker)
    try:
        mine = ask(mona)
        for path in (f"/ask/{mine}", f"/ask/{mine}/status"):
            other = sam.get(path)
            assert other.status_code == 404 and QUESTION not in other.text
        anonymous = app_for().get(f"/ask/{mine}")
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
        assert mona.get(f"/ask/{mine}/status").status_code == 200
    finally:
        llm.release.set()
    assert citations(until_finished(mona, mine))
    finished = sam.get(f"/ask/{mine}")
    assert finished.status_code == 404 and "citation-link" not in finished.text
    assert sam.get("/ask/no-such-ask-id").status_code == 404


def counted(llm: FakeAskLLM, embedder: FakeEmbedder) -> tuple[list[int], Asker]:
    """An asker over these models that notes each time it builds them (loads the model)."""
    built: list[int] = []

    def build() -> tuple[FakeAskLLM, FakeEmbedder]:
        built.append(1)
        return llm, embedder

    return built, Asker(build)


def test_a_blank_question_is_refused_before_it_waits(
    archive: World, app_for: Callable[[], TestClient], llm: FakeAskLLM, embedder: FakeEmbedder
) -> None:
    built, asker = counted(llm, embedder)
    client = signed_in(archive, app_for, "mona", asker)
    page = client.get("/ask", params={"q": "   "})
    assert page.status_code == 400
    [error] = re.findall(r'data-testid="ask-error">([^<]+)<', page.text)
    assert error.startswith("the question is blank; ask something")
    assert client.get("/ask").status_code == 200 and 'data-testid="ask-error"' not in client.get("/ask").text
    api = app_for()
    api.app.state.asker = client.app.state.asker  # type: ignore[attr-defined]
    api.headers["Authorization"] = f"Bearer {archive.token('mona')}"
    blank = api.post("/api/v1/ask", json={"question": "  \t "})
    assert blank.status_code == 400 and blank.json()["detail"].startswith("the question is blank")
    assert built == []  # nothing reached the line, so the model was never even loaded


def test_warming_loads_the_models_once_before_any_ask_and_the_asks_use_them(
    archive: World, app_for: Callable[[], TestClient], llm: FakeAskLLM, embedder: FakeEmbedder
) -> None:
    built, asker = counted(llm, embedder)
    embedded = embedder.calls  # the archive's passages, indexed by the fixture
    asker.warm()
    asker.warm()  # loaded already: nothing more
    assert built == [1] and llm.prompts == ["Hi"] and embedder.calls == embedded + 1  # both touched
    client = signed_in(archive, app_for, "mona", asker)
    assert 'data-testid="ask-answer"' in client.get("/ask", params={"q": QUESTION}).text
    assert built == [1]  # the first ask found them loaded


def test_a_model_that_cannot_load_ahead_is_tried_again_by_the_first_ask_which_says_why(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    llm = HeldAskLLM(fail=StageError("cannot reach language-model server http://127.0.0.1:9: refused"))
    llm.release.set()
    built, asker = counted(llm, embedder)
    asker.warm()  # logged, not raised: the server still starts
    client = signed_in(archive, app_for, "mona", asker)
    page = client.get("/ask", params={"q": QUESTION})
    [error] = re.findall(r'data-testid="ask-error">([^<]+)<', page.text)
    assert error.startswith("cannot reach language-model server") and built == [1, 1]


def test_an_answer_that_fails_says_why(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    llm = HeldAskLLM(fail=StageError("cannot reach language-model server http://127.0.0.1:9: refused"))
    llm.release.set()
    client = signed_in(archive, app_for, "mona", Asker(lambda: (llm, embedder)))
    page = client.get("/ask", params={"q": QUESTION})  # fails within a moment: shown at once
    assert page.status_code == 200
    [error] = re.findall(r'data-testid="ask-error">([^<]+)<', page.text)
    assert error == "cannot reach language-model server http://127.0.0.1:9: refused"
    assert 'data-testid="ask-answer"' not in page.text


def test_a_full_line_refuses_clearly(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    llm = HeldAskLLM()
    asker = Asker(lambda: (llm, embedder), limits=AskLimits(page_seconds=0.05, waiting=2, per_user=1))
    mona, mel, sam = (signed_in(archive, app_for, name, asker) for name in ("mona", "mel", "sam"))
    try:
        first = ask(mona)
        again = mona.get("/ask", params={"q": "and pricing?"})
        assert again.status_code == 429 and again.headers["retry-after"] == "30"
        assert "your question is already waiting for the model" in again.text
        second = ask(mel)
        full = sam.get("/ask", params={"q": QUESTION})
        assert full.status_code == 503 and full.headers["retry-after"] == "30"
        assert "2 questions are already waiting for the model; try again in a minute" in full.text
        api = app_for()
        api.app.state.asker = asker  # type: ignore[attr-defined]
        api.headers["Authorization"] = f"Bearer {archive.token('sam')}"
        refused = api.post("/api/v1/ask", json={"question": QUESTION})
        assert refused.status_code == 503 and "already waiting" in refused.json()["detail"]
    finally:
        llm.release.set()
    until_finished(mona, first), until_finished(mel, second)
    room = sam.get("/ask", params={"q": QUESTION})  # room again once answered
    assert room.status_code in (200, 303)  # the answer at once, or the ask's page


def test_a_finished_ask_is_forgotten_after_a_while(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    now = [1000.0]
    llm = HeldAskLLM()
    asker = Asker(
        lambda: (llm, embedder), limits=AskLimits(page_seconds=0.05, keep_seconds=600), clock=lambda: now[0]
    )
    client = signed_in(archive, app_for, "mona", asker)
    ask_id = ask(client)
    llm.release.set()
    assert citations(until_finished(client, ask_id))
    now[0] += 599
    assert client.get(f"/ask/{ask_id}").status_code == 200
    now[0] += 2
    gone = client.get(f"/ask/{ask_id}")
    assert gone.status_code == 404 and "answers are kept 10 minutes" in gone.text


@pytest.mark.skipif(sys.platform != "linux", reason="the asker lowers its priority on Linux only")
def test_the_model_writes_below_the_pages_priority(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    seen: list[int] = []

    class Noting(FakeAskLLM):
        def chat(self, *args: Any, **kwargs: Any) -> Reply:
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return super().chat(*args, **kwargs)

    client = signed_in(archive, app_for, "mona", Asker(lambda: (Noting(), embedder)))
    assert citations(client.get("/ask", params={"q": QUESTION}))
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen == [min(19, here + AskLimits().nice)] and here == os.getpriority(os.PRIO_PROCESS, 0)
