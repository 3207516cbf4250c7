"""A voice remembered in the browser names the speaker of the next recording (issue 14).

Mona names the second most talkative speaker of the processed AMI excerpt with "Remember this voice"
ticked, then uploads the same meeting again as a different file (its first 5 s cut, so another
recording by content): the worker diarizes it with the real models, and the new meeting's page
shows that speaker named by voice (or, at worst, suggested), with the person linked to their page.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AMI, PROCESS_SECONDS

pytestmark = pytest.mark.models  # real diarization makes the voices

SignIn = Callable[[str], Page]


def test_rename_with_remember_then_the_next_recording_is_named_by_voice(
    as_user: SignIn, processed_meeting: int, tmp_path: Path
) -> None:
    page = as_user("mona")
    page.goto(f"/meetings/{processed_meeting}")
    # The second most talkative: test_web renames the first (without remembering it).
    label = page.locator("table.talk tr[data-speaker]").nth(1).get_attribute("data-speaker")
    assert label is not None and label.startswith("SPEAKER_")
    page.get_by_text("Rename speakers").click()
    form = page.get_by_test_id(f"rename-{label}")
    form.get_by_role("textbox").fill("Grace Hopper")
    form.get_by_test_id(f"remember-{label}").check()
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id(f"speaker-name-{label}")).to_have_text("Grace Hopper")

    again = tmp_path / "ami-again.flac"
    cut = ["ffmpeg", "-nostdin", "-loglevel", "error", "-ss", "5", "-i", str(AMI), str(again)]
    subprocess.run(cut, check=True, timeout=60)
    page.get_by_role("link", name="Upload").click()
    page.get_by_label("Recordings").set_input_files(str(again))
    page.get_by_label("Team").select_option(label="Sales")
    page.get_by_label("Title").fill("AMI design meeting, again")
    page.get_by_test_id("upload-submit").click()
    result = page.get_by_test_id("upload-results")
    expect(result).to_contain_text("ami-again.flac: queued as job ")
    job = int(result.inner_text().rsplit("job ", 1)[1].split()[0])

    page.goto("/jobs")
    row = page.locator(f'tr[data-job-id="{job}"]')
    expect(row).to_have_attribute("data-status", "done", timeout=PROCESS_SECONDS * 1000)
    row.get_by_role("link", name="meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))

    talk = page.get_by_test_id("talk-time")
    expect(talk).to_contain_text("Grace Hopper")
    named = talk.locator("[data-testid^=by-voice-]")
    suggested = talk.locator("[data-testid^=suggestion-]", has_text="maybe Grace Hopper")
    assert named.count() + suggested.count() >= 1
    expect(named).to_have_count(1)  # the same voice, 55 s of it: named, not only suggested
    talk.get_by_role("link", name="Grace Hopper").first.click()
    expect(page.get_by_test_id("person-name")).to_have_text("Grace Hopper")
    expect(page.get_by_test_id("person-figures")).to_contain_text("2 meetings")
