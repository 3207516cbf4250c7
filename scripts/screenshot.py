"""Screenshot of a meeting page for the README: ``docs/img/meeting.png``.

    .venv/bin/python scripts/screenshot.py [--home DIR] [--out docs/img/meeting.png] [--height 1000]

Builds the demo meeting with ``minutes demo`` (three espeak-ng voices; real transcription,
diarization and minutes by the local language model, a few minutes on 2 cores) in a temporary
``MINUTES_HOME``, or reuses the one in ``--home`` if it is there already. The speakers are named
after the demo's reference turns (the diarization labels that overlap each voice most), the
meeting is put in a team, then ``minutes serve`` runs, headless Chromium signs in as that team's
manager, plays from one line (so the player, timeline and highlighted line show a moment) and
saves the page at 1400 px wide.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402
from tests.browser.server import CHROMIUM, CHROMIUM_FLAGS, running, sign_in_page  # noqa: E402

from minutes import db as store  # noqa: E402
from minutes.db.models import Meeting  # noqa: E402
from minutes.factory import open_store  # noqa: E402
from minutes.web import users  # noqa: E402

TITLE = "Demo: mobile app launch planning"
USER, DISPLAY, PASSWORD, TEAM = "priya", "Priya Shah", "screenshot only, not a secret", "Mobile"
LINE_TEXT = "We decided to launch"  # the line the player is stopped at


def build_meeting(home: Path) -> int:
    """The processed demo meeting in ``home`` (made with ``minutes demo`` unless there already)."""
    sessions = open_store(f"sqlite:///{home / 'minutes.db'}")
    with store.session_scope(sessions) as s:
        found = s.scalars(select(Meeting.id).where(Meeting.title == TITLE, Meeting.status == "done")).first()
    if found is None:
        print(f"processing the demo meeting in {home} (real models; a few minutes)...", file=sys.stderr)
        env = {**os.environ, "MINUTES_HOME": str(home), "MINUTES_DATABASE_URL": ""}
        subprocess.run(
            [sys.executable, "-m", "minutes.cli", "demo"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with store.session_scope(sessions) as s:
            found = s.scalars(
                select(Meeting.id).where(Meeting.title == TITLE, Meeting.status == "done")
            ).one()
    name_speakers(sessions, found, home / "demo" / "demo-meeting.rttm")
    with store.session_scope(sessions) as s:
        if users.count_users(s) == 0:
            users.create_team(s, name=TEAM)
            users.create_user(s, username=USER, password=PASSWORD, display_name=DISPLAY)
            users.add_member(s, team=TEAM, username=USER, role="manager")
        users.assign_meeting(s, meeting_id=found, team=TEAM)
    return found


def name_speakers(sessions: sessionmaker[Session], meeting_id: int, rttm: Path) -> None:
    """Give each diarization label the demo voice whose reference turns it overlaps most."""
    turns = []
    for line in rttm.read_text().splitlines():
        fields = line.split()
        turns.append((float(fields[3]), float(fields[3]) + float(fields[4]), fields[7]))
    with store.session_scope(sessions) as s:
        doc = store.load_meeting(s, meeting_id=meeting_id)
        overlap: dict[str, dict[str, float]] = {}
        for u in doc.utterances:
            for start, end, who in turns:
                shared = min(u.end, end) - max(u.start, start)
                if shared > 0:
                    per = overlap.setdefault(u.speaker, {})
                    per[who] = per.get(who, 0.0) + shared
        for label, per in overlap.items():
            store.rename_speaker(s, meeting_id=meeting_id, label=label, name=max(per, key=per.__getitem__))


def shoot(home: Path, meeting_id: int, out: Path, height: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    with running(home, env={"MINUTES_DATABASE_URL": ""}, worker=False) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_FLAGS))
        context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": height})
        page = sign_in_page(context, USER, PASSWORD, next_path=f"/meetings/{meeting_id}")
        page.wait_for_selector('body[data-player-ready="1"]', state="attached")
        page.evaluate(  # hold playback where the click puts it: a still picture of one moment
            "() => document.getElementById('player').addEventListener('play', e => e.target.pause())"
        )
        line = page.locator("#transcript .utt", has_text=LINE_TEXT).first
        line.click()
        expect(line).to_have_class(re.compile(r"\bcurrent\b"))
        page.evaluate("() => window.scrollTo(0, 0)")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), animations="disabled", caret="hide")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--home", type=Path, help="MINUTES_HOME to build in (and reuse) [default: a temporary one]"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "meeting.png")
    parser.add_argument("--height", type=int, default=1000, help="viewport height in px")
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        sys.exit(f"{CHROMIUM} is missing; run `make setup`")
    with tempfile.TemporaryDirectory(prefix="minutes-shot-") as tmp:
        home = (args.home or Path(tmp)).resolve()
        home.mkdir(parents=True, exist_ok=True)
        meeting_id = build_meeting(home)
        shoot(home, meeting_id, args.out, args.height)
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
