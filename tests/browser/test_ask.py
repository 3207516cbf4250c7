"""The Ask box in a real browser: a question waits in line with its place shown, the page updates
by itself until the answer is there, and a citation opens the meeting at the cited line.

The answers come from the stand-in model server (``conftest.fake_llm``, answering like
:class:`tests.fakes.FakeAskLLM`); :func:`~tests.browser.conftest.held_asks` holds them until the
test lets them go, so the queue is seen without racing the clock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PAGE_ERRORS, PHRASE, PHRASE_LINE, REQUESTS, Org, sign_in

SignIn = Callable[[str], Page]


def ask(page: Page, question: str) -> None:
    """Type ``question`` into the page's Ask box and send it."""
    form = page.get_by_test_id("ask-form")
    form.get_by_role("searchbox").fill(question)
    form.get_by_role("button", name="Ask", exact=True).click()


def test_ask_wait_in_line_then_a_citation_lands_on_the_line(
    as_user: SignIn, org: Org, held_asks: threading.Event
) -> None:
    first, page = as_user("mona"), as_user("mona")  # two tabs of mona's
    ask(first, "When is the venue booked?")
    expect(first).to_have_url(re.compile(r"/ask/[A-Za-z0-9_-]+$"))  # the model holds it: it waits
    ask(page, f"Who sends the {PHRASE} to finance?")

    expect(page).to_have_url(re.compile(r"/ask/[A-Za-z0-9_-]+$"))
    expect(page.get_by_test_id("ask-position")).to_have_text("1 ask ahead of yours")
    expect(page.get_by_test_id("ask-answer")).to_have_count(0)
    held_asks.set()
    # ask.js polls the status and reloads once the answer is written (no <noscript> refresh here).
    answer = page.get_by_test_id("ask-answer")
    expect(answer).to_contain_text(f"I will send the {PHRASE} to finance by Friday.")
    expect(answer).to_contain_text("Waited for 1 earlier question.")
    expect(first.get_by_test_id("ask-answer")).to_contain_text("venue")

    citation = answer.get_by_test_id("citation-link")
    expect(citation).to_have_count(1)
    citation.click()
    start = org.seeded_lines[PHRASE_LINE].start
    expect(page).to_have_url(re.compile(rf"/meetings/{org.seeded}\?t={start:.1f}#u-{PHRASE_LINE}$"))
    line = page.locator(f"#u-{PHRASE_LINE}")
    expect(line).to_have_class(re.compile(r"\btarget\b"))
    expect(line).to_be_in_viewport()
    expect(line).to_contain_text(PHRASE)
    # ask.js ran under the Content-Security-Policy without an error, and asked only the server.
    assert [e for e in PAGE_ERRORS if "/ask" in e] == []
    assert any(re.search(r"/ask/[A-Za-z0-9_-]+/status$", url) for url in REQUESTS)
    assert [url for url in REQUESTS if not url.startswith(org.url + "/")] == []


def test_without_scripts_the_waiting_page_reloads_itself_to_the_answer(
    browser: Browser, org: Org, held_asks: threading.Event
) -> None:
    context = browser.new_context(base_url=org.url, java_script_enabled=False)
    try:
        page = sign_in(context, "mona")
        ask(page, f"Who sends the {PHRASE} to finance?")
        expect(page).to_have_url(re.compile(r"/ask/[A-Za-z0-9_-]+$"))
        expect(page.get_by_test_id("ask-position")).to_have_text("Writing your answer…")
        held_asks.set()
        # <noscript>'s refresh brings the answer within a few seconds.
        expect(page.get_by_test_id("ask-answer")).to_contain_text(PHRASE, timeout=15_000)
        expect(page.get_by_test_id("citation-link")).to_have_attribute(
            "href", re.compile(rf"^/meetings/{org.seeded}\?t=[0-9.]+#u-{PHRASE_LINE}$")
        )
    finally:
        context.close()
