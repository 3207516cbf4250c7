"""``minutes rename --remember-voice`` and ``minutes people``: consent, suggestions, confirm and reject,
export and forget, with clear errors (over the fake diarizer's two voices)."""

from __future__ import annotations

import json

from tests.cli.conftest import Cli
from tests.cli.test_cli import process_one
from tests.media import Library


def speakers(cli: Cli, meeting: int) -> dict[str, dict[str, object]]:
    doc = cli.json("export", str(meeting), "-f", "json")
    return {s["label"]: s for s in doc["speakers"]}


def test_remember_a_voice_then_confirm_reject_export_and_forget(cli: Cli, lib: Library) -> None:
    first = process_one(cli, lib.good["flac"].path)
    result = cli("rename", str(first), "SPEAKER_00", "Priya Shah", "--remember-voice")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "meeting 1: SPEAKER_00 is now Priya Shah",
        "remembered Priya Shah's voice (from 1 meeting speaker(s)); 0 speaker(s) of other meetings suggested",
    ]
    assert speakers(cli, first)["SPEAKER_00"]["name_source"] == "manual"

    # The fake meetings are 3 s long: too little speech to name anyone by voice, so a suggestion.
    second = process_one(cli, lib.good["wav"].path)
    third = process_one(cli, lib.good["mp3"].path)
    assert speakers(cli, second)["SPEAKER_00"]["suggestions"] == [
        {"name": "Priya Shah", "source": "voice", "score": 1.0, "lines": []}
    ]
    assert cli.json("people", "list", "--json") == [
        {"name": "Priya Shah", "enrolments": 1, "named": 0, "suggested": 2}
    ]

    confirmed = cli("people", "confirm", str(second), "SPEAKER_00")
    rejected = cli("people", "reject", str(third), "SPEAKER_00")
    assert confirmed.stdout == "meeting 2: SPEAKER_00 is now Priya Shah\n"
    assert rejected.stdout == "meeting 3: SPEAKER_00 is not Priya Shah (remembered)\n"
    now = speakers(cli, second)["SPEAKER_00"]
    assert (now["name"], now["name_source"], now["suggestions"]) == ("Priya Shah", "manual", [])
    assert speakers(cli, third)["SPEAKER_00"]["suggestions"] == []
    again = cli("people", "reject", str(third), "SPEAKER_00")
    assert again.exit_code == 1 and "has no suggested name" in again.stderr

    shown = cli("people", "show", "priya shah").stdout
    assert "enrolled from meeting 1" in shown and "rejected: meeting 3" in shown
    exported = json.loads(cli("people", "export", "Priya Shah").stdout)
    assert exported["enrolments"][0]["embedding"] == [1.0, 0.0]
    assert exported["enrolments"][0]["enrolled_by"].startswith("cli:")

    kept = cli("people", "forget", "Priya Shah", input="n\n")
    assert kept.exit_code == 1 and "Aborted" in kept.stderr
    gone = cli("people", "forget", "Priya Shah", "--yes")
    assert gone.stdout == (
        "forgot Priya Shah: 1 enrolment(s), 0 name(s) from the voice, 1 suggestion(s) or rejection(s),"
        " 1 speaker embedding(s)\n"
    )
    assert cli.json("people", "list", "--json") == []
    assert speakers(cli, first)["SPEAKER_00"]["name"] == "Priya Shah"  # a name given by hand stays
    missing = cli("people", "export", "Priya Shah")
    assert missing.exit_code == 1 and "nobody called 'Priya Shah' has a remembered voice" in missing.stderr


def test_an_imported_transcript_has_no_voice_to_remember(cli: Cli, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "call.txt"
    path.write_text("Alice: Hello there.\nBob: Hi Alice.\n", encoding="utf-8")
    meeting = cli.json("import", str(path), "--no-summary", "--json")["meeting_id"]

    result = cli("rename", str(meeting), "SPEAKER_00", "Alice Smith", "--remember-voice")

    assert result.exit_code == 1
    assert "has no voice embedding (an imported transcript" in result.stderr
    assert speakers(cli, meeting)["SPEAKER_00"]["name"] == "Alice"  # nothing half-written
    assert cli("people", "list").stdout.startswith("no remembered voices yet")
