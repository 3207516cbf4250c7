"""The web app in a real browser: upload, jobs, the meeting page (player, transcript, edits,
exports), action items, search and access between teams, against a real ``minutes serve``.

The upload is made first and processed by the server's worker while the tests on the seeded
meeting run; the tests on the processed meeting wait for it on the jobs page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    PAGE_ERRORS,
    PHRASE,
    PHRASE_LINE,
    REQUESTS,
    SEEDED_TITLE,
    UPLOAD_TITLE,
    Org,
    open_context,
    sign_in,
)

pytestmark = pytest.mark.models  # real speech models process the upload

SignIn = Callable[[str], Page]

PLAYER = "document.getElementById('player')"
POLL_MS = 20_000


def wait_until(page: Page, condition: str, arg: object = None) -> object:
    """Wait until the JavaScript function ``condition(arg)`` returns something truthy; return it.

    Polls inside the page. ``page.wait_for_function`` compiles its predicate with ``eval``,
    which the app's Content-Security-Policy (rightly) forbids.
    """
    return page.evaluate(
        f"""async ([arg, timeout]) => {{
          const condition = {condition};
          const end = Date.now() + timeout;
          for (;;) {{
            const value = condition(arg);
            if (value) return value;
            if (Date.now() > end) throw new Error({json.dumps("timed out waiting for " + condition)});
            await new Promise(resolve => setTimeout(resolve, 50));
          }}
        }}""",
        [arg, POLL_MS],
    )


def wait_for_player(page: Page) -> None:
    """Until the player script has run and the recording's metadata is loaded."""
    wait_until(page, f"() => document.body.dataset.playerReady === '1' && {PLAYER}.readyState >= 1")


def player_time(page: Page) -> float:
    return float(page.evaluate(f"{PLAYER}.currentTime"))


def test_the_upload_page_queues_the_recording(as_user: SignIn, org: Org, uploaded_job: int) -> None:
    page = as_user("mona")
    page.get_by_role("link", name="Jobs").click()
    row = page.locator(f'tr[data-job-id="{uploaded_job}"]')
    expect(row).to_contain_text(UPLOAD_TITLE)
    expect(row).to_have_attribute("data-status", re.compile(r"^(queued|running|done)$"))


def test_ticking_an_action_item_done(as_user: SignIn, org: Org) -> None:
    page = as_user("mona")
    page.get_by_role("link", name=SEEDED_TITLE).click()
    item = page.get_by_test_id("item-1")
    expect(item).to_have_attribute("data-done", "0")
    expect(item).to_contain_text(f"Send the {PHRASE} to finance")
    expect(item).to_contain_text("due 2026-11-27")

    item.get_by_role("button", name="Mark done").click()

    expect(page).to_have_url(re.compile(rf"/meetings/{org.seeded}#item-1$"))
    expect(item).to_have_attribute("data-done", "1")
    expect(item.locator(".state")).to_have_text("✓ done")
    expect(item.get_by_role("button", name="Reopen")).to_be_visible()
    # The action-items page agrees: gone from the open ones, listed with the done ones.
    page.get_by_role("link", name="Action items").click()
    expect(page.get_by_test_id("actions-count")).to_be_visible()
    expect(page.get_by_test_id("action-row").filter(has_text=PHRASE)).to_have_count(0)
    page.get_by_label("Show").select_option("done")
    page.get_by_role("button", name="Show").click()
    rows = page.get_by_test_id("action-row").filter(has_text=PHRASE)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Send the {PHRASE} to finance")
    expect(rows.first.get_by_role("button", name="Reopen")).to_be_visible()


def test_search_lands_on_the_moment(as_user: SignIn, org: Org) -> None:
    page = as_user("mona")
    start = org.seeded_lines[PHRASE_LINE].start
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Words").fill(f'"{PHRASE}"')
    page.get_by_label("Words").press("Enter")

    expect(page.get_by_test_id("search-count")).to_have_text("1 matching line")
    expect(page.get_by_test_id("minutes-hits")).to_contain_text(SEEDED_TITLE)
    hit = page.get_by_test_id("hit-link")
    expect(hit).to_have_count(1)
    hit.click()

    expect(page).to_have_url(re.compile(rf"/meetings/{org.seeded}\?t={start:.1f}#u-{PHRASE_LINE}$"))
    line = page.locator(f"#u-{PHRASE_LINE}")
    expect(line).to_have_class(re.compile(r"\bcurrent\b"))
    expect(line).to_have_attribute("aria-current", "true")
    expect(line).to_be_in_viewport()
    wait_for_player(page)
    wait_until(page, f"(t) => !{PLAYER}.seeking && Math.abs({PLAYER}.currentTime - t) <= 0.3", start)
    expect(page.get_by_test_id("now")).to_have_text("00:00:40")


def test_a_shared_moment_survives_the_sign_in(browser: Browser, org: Org) -> None:
    """A link to a transcript line (?t=…#u-N) opened signed out lands on that line after signing in."""
    start = org.seeded_lines[PHRASE_LINE].start
    link = f"/meetings/{org.seeded}?t={start:.1f}#u-{PHRASE_LINE}"
    context = open_context(browser, org)
    try:
        page = sign_in(context, "mona", next_path=link)
        line = page.locator(f"#u-{PHRASE_LINE}")
        expect(line).to_have_class(re.compile(r"\bcurrent\b"))
        expect(line).to_be_in_viewport()
    finally:
        context.close()


def _doors(meeting_id: int) -> list[tuple[str, dict[str, str], int]]:
    """The meeting's recording, export and API URLs, with the headers and status a reader gets."""
    return [
        (f"/meetings/{meeting_id}/media", {"Range": "bytes=0-1023"}, 206),
        (f"/meetings/{meeting_id}/export/md", {}, 200),
        (f"/api/v1/meetings/{meeting_id}", {"Accept": "application/json"}, 200),
    ]


def _opens(page: Page, meeting_id: int) -> None:
    """The control: the owning team's manager gets every door of the meeting."""
    for path, headers, status in _doors(meeting_id):
        assert page.request.get(path, headers=headers).status == status, path


def _refused(page: Page, meeting_id: int, title: str) -> None:
    """Page, recording, export and API all answer 'no such meeting' (404) to this user."""
    answer = page.goto(f"/meetings/{meeting_id}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_test_id("error")).to_have_text(f"no meeting with id {meeting_id}")
    expect(page.locator("body")).not_to_contain_text(title)
    for path, headers, _ in _doors(meeting_id):
        refused = page.request.get(path, headers=headers)
        assert refused.status == 404, (path, refused.status)
        assert title not in refused.text()


@pytest.mark.parametrize("outsider", ["sam", "sid"])  # manager / member of Support; the meeting is Sales'
def test_another_team_is_refused_the_meeting_and_cannot_find_it(
    as_user: SignIn, org: Org, outsider: str
) -> None:
    _opens(as_user("mona"), org.seeded)
    page = as_user(outsider)
    expect(page.get_by_test_id("meeting-count")).to_have_text("0 meetings")
    expect(page.locator("main")).not_to_contain_text(SEEDED_TITLE)
    _refused(page, org.seeded, SEEDED_TITLE)
    page.goto(f"/search?q={quote(PHRASE)}")
    expect(page.get_by_test_id("search-count")).to_have_text("0 matching lines")
    expect(page.get_by_test_id("minutes-hits")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(SEEDED_TITLE)


def test_the_processed_meeting_opens_from_the_jobs_page(
    as_user: SignIn, org: Org, processed_meeting: int
) -> None:
    page = as_user("mona")
    page.goto("/jobs")
    page.get_by_role("link", name=f"meeting {processed_meeting}").click()
    expect(page.get_by_test_id("meeting-title")).to_have_text(UPLOAD_TITLE)
    expect(page.get_by_test_id("meeting-status")).to_have_text("done")
    assert page.locator("#transcript .utt").count() >= 3
    assert page.locator("#transcript .who").count() >= 2  # diarization found several speakers
    expect(page.get_by_test_id("timeline").locator(".tl-track").first).to_be_visible()


def test_clicking_a_line_seeks_the_player_and_highlights_the_line(
    as_user: SignIn, org: Org, processed_meeting: int
) -> None:
    page = as_user("mona")
    page.goto(f"/meetings/{processed_meeting}")
    wait_for_player(page)
    starts = [
        float(s) for s in page.locator("#transcript .utt").evaluate_all("ls => ls.map(l => l.dataset.start)")
    ]
    # A line in the middle that starts on its own (not together with an overlapping one).
    index = next(i for i in range(len(starts) // 2, len(starts)) if starts.count(starts[i]) == 1)
    line = page.locator("#transcript .utt").nth(index)
    line_id = line.get_attribute("id")
    start = starts[index]
    assert start > 1.0
    # Where the click seeks to, and whether it starts playback (then held, so time stands still).
    page.evaluate(
        f"""() => {{
          const a = {PLAYER};
          window.seeks = []; window.played = false;
          a.addEventListener('seeking', () => window.seeks.push(a.currentTime));
          a.addEventListener('play', () => {{ window.played = true; a.pause(); }});
        }}"""
    )

    line.locator(".txt").click()

    wait_until(
        page, f"() => window.seeks.length > 0 && !{PLAYER}.seeking && window.played && {PLAYER}.paused"
    )
    assert abs(page.evaluate("window.seeks[window.seeks.length - 1]") - start) <= 0.3
    assert abs(player_time(page) - start) <= 0.3
    expect(line).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#transcript .utt.current")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"\?t={start:.1f}#{line_id}$"))


def test_renaming_a_speaker_shows_the_name_in_the_transcript_and_the_markdown(
    as_user: SignIn, org: Org, processed_meeting: int
) -> None:
    page = as_user("mona")
    page.goto(f"/meetings/{processed_meeting}")
    label = page.locator("table.talk tr[data-speaker]").first.get_attribute("data-speaker")
    assert label is not None and label.startswith("SPEAKER_")
    speaking = page.locator("#transcript .who", has_text=label)
    turns = speaking.count()
    assert turns >= 1

    page.get_by_text("Rename speakers").click()
    form = page.get_by_test_id(f"rename-{label}")
    form.get_by_role("textbox").fill("Ada Lovelace")
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"#speakers$"))
    expect(page.get_by_test_id(f"speaker-name-{label}")).to_have_text("Ada Lovelace")
    expect(page.locator("#transcript .who", has_text="Ada Lovelace")).to_have_count(turns)
    expect(speaking).to_have_count(0)
    her_lines = page.locator("#transcript .turn").filter(has=page.locator(".who", has_text="Ada Lovelace"))
    lines = her_lines.locator(".utt").count()
    with page.expect_download() as download:
        page.get_by_test_id("export-md").click()
    assert download.value.suggested_filename.endswith(".md")
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    # One transcript paragraph per line of hers, under her name; none under the label any more.
    assert markdown.count("**Ada Lovelace** [") == lines, markdown
    under_label = r"\*\*" + label.replace("_", r"\\?_") + r"\*\* \["  # Markdown may escape the _
    assert not re.search(under_label, markdown), markdown


def test_correcting_a_transcript_line(as_user: SignIn, org: Org, processed_meeting: int) -> None:
    page = as_user("mona")
    page.goto(f"/meetings/{processed_meeting}")
    line = page.locator("#transcript .utt").nth(1)
    line_id = line.get_attribute("id")
    corrected = "We settle on the zanzibar remote control design."

    page.get_by_test_id("edit-mode").click()
    expect(page.get_by_test_id("edit-mode")).to_have_attribute("aria-pressed", "true")
    line.click()
    editor = line.get_by_test_id("line-editor")
    expect(editor).to_be_focused()
    editor.fill(corrected)
    line.get_by_test_id("line-save").click()

    expect(editor).to_have_count(0)
    expect(line.locator(".txt")).to_have_text(corrected)
    page.reload()
    expect(page.locator(f"#{line_id} .txt")).to_have_text(corrected)
    # The correction is what search finds now.
    page.goto("/search?q=zanzibar")
    expect(page.get_by_test_id("search-count")).to_have_text("1 matching line")
    expect(page.get_by_test_id("hit-link")).to_have_attribute(
        "href", re.compile(rf"^/meetings/{processed_meeting}\?t=[0-9.]+#{line_id}$")
    )


def test_another_team_is_refused_the_uploaded_meeting(
    as_user: SignIn, org: Org, uploaded_job: int, processed_meeting: int
) -> None:
    mona = as_user("mona")
    _opens(mona, processed_meeting)
    transcript = mona.request.get(f"/api/v1/meetings/{processed_meeting}/transcript").json()
    word = max(
        (w.strip(".,?!").lower() for u in transcript["utterances"] for w in u["text"].split()), key=len
    )
    mona.goto(f"/search?q={quote(word)}")
    expect(mona.get_by_test_id("search-count")).not_to_have_text("0 matching lines")

    sam = as_user("sam")
    _refused(sam, processed_meeting, UPLOAD_TITLE)
    sam.goto(f"/search?q={quote(word)}")
    expect(sam.get_by_test_id("search-count")).to_have_text("0 matching lines")
    sam.goto("/jobs")
    expect(sam.locator(f'tr[data-job-id="{uploaded_job}"]')).to_have_count(0)
    expect(sam.locator("main")).not_to_contain_text(UPLOAD_TITLE)


def test_no_request_left_the_server_and_no_page_had_an_error(
    as_user: SignIn, org: Org, processed_meeting: int
) -> None:
    page = as_user("mona")
    for path in (f"/meetings/{processed_meeting}", f"/meetings/{org.seeded}", "/search?q=budget", "/actions"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert REQUESTS, "no request was recorded"
    outside = sorted({url for url in REQUESTS if not url.startswith(org.url + "/")})
    assert outside == [], f"pages asked for something off the server: {outside}"
    assert PAGE_ERRORS == []
    assert not org.net_log.exists() or org.net_log.read_text() == "", org.net_log.read_text()
