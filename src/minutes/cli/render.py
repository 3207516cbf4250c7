"""How the CLI shows things: progress bars, result lines, tables. Terminal concerns only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from minutes.controls import one_line
from minutes.pipeline import STAGES, ProcessResult
from minutes.types import LeftEdit

if TYPE_CHECKING:
    from minutes.db import ActionItemRow, MeetingSummary
    from minutes.registry import ModelSpec, ResolvedModel


def clock(seconds: float) -> str:
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


class ProgressDisplay:
    """One progress bar per stage on stderr, for one file; does nothing when disabled."""

    def __init__(self, name: str, *, enabled: bool, stages: tuple[str, ...] = STAGES) -> None:
        self.enabled = enabled
        self.name = name
        self.stages = stages
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            from rich.markup import escape
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            from minutes.cli.terminal import console

            self._progress = Progress(
                TextColumn(f"[bold]{escape(f'{self.name[:28]:<28}')}[/] {{task.description:<10}}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=console(stderr=True),
                transient=True,
            )
            self._progress.start()
            for stage in self.stages:
                self._tasks[stage] = self._progress.add_task(stage, total=1.0, start=False)
        return self

    def update(self, stage: str, fraction: float) -> None:
        if self._progress is None or stage not in self._tasks:
            return
        task = self._tasks[stage]
        self._progress.start_task(task)
        self._progress.update(task, completed=max(0.0, min(1.0, fraction)))

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()


def result_line(r: ProcessResult) -> str:
    """One line per file: what a person scanning a batch needs (and one per warning below it)."""
    if r.status == "failed":
        return f"✗ {r.error}"
    took = sum(r.timings.values())
    what = "reused" if r.status == "reused" else f"done in {took:.1f} s"
    speakers = f"{r.speakers} speaker" + ("" if r.speakers == 1 else "s")
    utts = f"{r.utterances} utterance" + ("" if r.utterances == 1 else "s")
    line = (
        f"✓ meeting {r.meeting_id}  {r.path}  {clock(r.duration)}  {r.language or '?'}  "
        f"{speakers}, {utts}  ({what}{edits_note(r.edits, r.meeting_id)})"
    )
    return "\n".join([line, *(f"  ⚠ {w}" for w in r.warnings)])


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; a cell is one line whatever it holds (``one_line``)."""
    rows = [[one_line(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def meetings_table(rows: Sequence[MeetingSummary]) -> str:
    if not rows:
        return "no meetings yet; process one with `minutes process FILE`"
    return table(
        ["ID", "STATUS", "DURATION", "LANG", "SPEAKERS", "UTTERANCES", "CREATED", "TITLE"],
        [
            [
                str(r.id),
                r.status,
                clock(r.duration),
                r.language or "-",
                str(r.speakers),
                str(r.utterances),
                r.created_at[:16].replace("T", " "),
                r.title,
            ]
            for r in rows
        ],
    )


def models_table(rows: Sequence[tuple[ModelSpec, ResolvedModel | None, str]]) -> str:
    return table(
        ["NAME", "KIND", "INSTALLED", "SIZE", "LICENCE", "FROM"],
        [
            [
                spec.name,
                spec.kind,
                "yes" if found else "NO",
                size(found.size) if found else "-",
                spec.licence.split(" (")[0],
                str(found.folder or found.files[0]) if found else " ".join(spec.packages),
            ]
            for spec, found, _ in rows
        ],
    )


def actions_table(rows: Sequence[ActionItemRow]) -> str:
    if not rows:
        return "no action items"
    return table(
        ["MEETING", "ITEM", "DUE", "STATE", "OWNER", "TASK"],
        [
            [
                str(r.meeting_id),
                str(r.position + 1),
                str(r.due or "-"),
                r.status,
                r.owner_name or r.owner or "-",
                ("⚠ unsupported: " if not r.supported else "") + r.text,
            ]
            for r in rows
        ],
    )


def coverage_line(share: float) -> str:
    """How much of the speech has words, with a warning when some may be missing."""
    from minutes.coverage import LOW_COVERAGE

    line = f"Speech covered by words: {share:.1%}"
    if share < LOW_COVERAGE:
        line += (
            f"\n⚠ under {LOW_COVERAGE:.0%}: stretches of speech have no words, so this transcript and "
            "the minutes may miss what was said there (a larger speech model, e.g. --model base, may hear it)"
        )
    return line


_EDIT_NOUNS = {"line": "correction", "speaker": "speaker name", "action": "done tick"}


def edit_noun(kind: str, count: int) -> str:
    """How many edits of a kind: "1 correction", "2 speaker names", "3 done ticks"."""
    return f"{count} {_EDIT_NOUNS.get(kind, 'edit')}{'' if count == 1 else 's'}"


def edits_note(edits: Mapping[str, Mapping[str, int]], meeting_id: int | None) -> str:
    """What a re-run did with a person's edits, for a result line's parenthesis ("" if there were none):
    "; kept your 2 corrections; ⚠ 1 speaker name could not be carried onto the new output and is
    kept: `minutes show 4` lists it"."""
    carried = {k: n for k, n in edits.get("carried", {}).items() if n}
    left = {k: n for k, n in edits.get("not_carried", {}).items() if n}
    note = ""
    if carried:
        note += "; kept your " + ", ".join(edit_noun(k, n) for k, n in carried.items())
    if left:
        what = ", ".join(edit_noun(k, n) for k, n in left.items())
        one = sum(left.values()) == 1
        note += (
            f"; ⚠ {what} could not be carried onto the new output and {'is' if one else 'are'} kept: "
            f"`minutes show {meeting_id}` lists {'it' if one else 'them'}"
        )
    return note


def left_edits_text(edits: Sequence[LeftEdit]) -> str:
    """The edits re-runs could not carry, one per line under a heading ("" if none)."""
    if not edits:
        return ""
    lines = [
        f"⚠ {len(edits)} of your edits could not be carried onto the output made again since; "
        "they are kept here (apply them again by hand where they still hold):"
    ]
    for e in edits:
        if e.kind == "line":
            at = f"{clock(e.start or 0.0)}–{clock(e.end or 0.0)}"
            lines.append(f"  correction  {at}  “{e.machine}” → “{e.text}”")
        elif e.kind == "speaker":
            lines.append(f"  speaker name  {e.label} → {e.text}")
        else:
            lines.append(f"  done tick  “{e.text}”" + (f" ({e.label})" if e.label else ""))
    return "\n".join(lines)
