"""The Ask box: on the meetings list and each meeting page, an answer page whose citations open the
meeting at the cited line; the model's wait never blocks other pages."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from minutes.web.asking import Asker
from tests.fakes import FakeAskLLM, FakeEmbedder
from tests.web.world import World


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


def test_other_pages_answer_while_the_model_writes(
    archive: World, app_for: Callable[[], TestClient], embedder: FakeEmbedder
) -> None:
    release = threading.Event()

    class Slow(FakeAskLLM):
        def chat(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            release.wait(10)
            return super().chat(*args, **kwargs)  # type: ignore[arg-type]

    asker = Asker(lambda: (Slow(), embedder))
    client = signed_in(archive, app_for, "mona", asker)
    asking = threading.Thread(target=lambda: client.get("/ask", params={"q": "hire engineers"}))
    asking.start()
    try:
        for _ in range(100):
            if asker.waiting:
                break
            time.sleep(0.02)
        assert asker.waiting == 1
        t0 = time.perf_counter()
        assert client.get("/meetings").status_code == 200
        assert time.perf_counter() - t0 < 2.0 and asker.waiting == 1  # answered while the ask waits
    finally:
        release.set()
        asking.join(10)
    assert asker.waiting == 0
