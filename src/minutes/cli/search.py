"""``minutes search``: full-text search over every stored transcript (or, with --minutes, the minutes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import click

from minutes.cli.errors import errors
from minutes.cli.params import OFFSET
from minutes.cli.store import sessions


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True, help="Hits to show.")
@click.option("--offset", type=OFFSET, default=0, help="Skip this many hits (the next page).")
@click.option("--speaker", help="Only lines of speakers whose name contains this, or with this label.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or after this day.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or before this day.")
@click.option(
    "--minutes", "in_minutes", is_flag=True, help="Search summaries, decisions, actions, questions."
)
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_SEARCH_JSON", help="JSON on stdout, for scripts."
)
def search(
    query: tuple[str, ...],
    limit: int,
    offset: int,
    speaker: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
    in_minutes: bool,
    as_json: bool,
) -> None:
    """Find lines in every meeting's transcript: best matches first, then newer meetings.

    All words must match, in any order, in a line or its speaker's name; words are stemmed
    (budgets finds budget) and accents ignored. '"exact phrase"' keeps the words together;
    budg* matches a prefix. Example: minutes search '"action item"' budg* --speaker priya
    """
    from minutes import db as store
    from minutes.search import search as search_lines
    from minutes.search import search_minutes

    if in_minutes and speaker is not None:
        raise click.UsageError("--speaker applies to transcript lines; leave it out with --minutes")
    text = " ".join(query)
    start = date_from.date() if date_from else None
    end = date_to.date() if date_to else None
    with errors(), store.session_scope(sessions()) as session:
        if in_minutes:
            results: Any = search_minutes(
                session, text, date_from=start, date_to=end, limit=limit, offset=offset
            )
        else:
            results = search_lines(
                session, text, speaker=speaker, date_from=start, date_to=end, limit=limit, offset=offset
            )
    if as_json:
        payload = {
            "query": text,
            "total": results.total,
            "total_capped": getattr(results, "capped", False),
            "offset": offset,
            "hits": [_jsonable(h) for h in results.hits],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _print(
        results.hits,
        total=results.total,
        capped=getattr(results, "capped", False),
        offset=offset,
        lines=not in_minutes,
    )


def _jsonable(hit: Any) -> dict[str, Any]:
    out = asdict(hit)
    out["meeting_date"] = hit.meeting_date.isoformat()
    out["snippet"] = [[f.text, f.is_match] for f in hit.snippet]
    return out


def _print(hits: Sequence[Any], *, total: int, capped: bool, offset: int, lines: bool) -> None:
    from minutes.cli.terminal import console as visible_console

    console = visible_console(highlight=False, soft_wrap=True)
    plain = console.color_system is None
    what = "matching line" if lines else "matching item"
    count = f"{total}+" if capped else f"{total}"  # capped: the search stopped at `total` matches
    if not hits:
        console.print(f"no {what}s" + (f" past the first {count}" if total else ""), markup=False)
        return
    shown = None
    for hit in hits:
        if hit.meeting_id != shown:
            shown = hit.meeting_id
            day = hit.meeting_date.date().isoformat()
            console.print(
                f"\nmeeting {hit.meeting_id} · {hit.meeting_title} · {day}  (minutes show {hit.meeting_id})",
                style="bold",
                markup=False,
            )
        console.print(_hit_text(hit, plain=plain))
    first, last = offset + 1, offset + len(hits)
    more = f"; --offset {last} for more" if last < total else ""
    console.print(
        f"\n{first}-{last} of {count} {what}{'s' if total != 1 else ''}{more}", style="dim", markup=False
    )
    if capped:
        console.print(
            f"the search stopped at {total} matching lines, the most recently stored, and shows the best"
            " of them; add a word or --from/--to to narrow it",
            style="dim",
            markup=False,
        )


def _hit_text(hit: Any, *, plain: bool) -> Any:
    """One hit as a rich Text: where it is, who said it, the snippet with its matches marked.

    Fragments are appended as plain text (never parsed as markup); matches are styled, or put
    in [brackets] where the terminal shows no styles (a pipe, NO_COLOR).
    """
    from rich.text import Text

    from minutes.cli.render import clock

    if hasattr(hit, "utterance_index"):
        where = f"  {clock(hit.start):>7}  {hit.speaker}: "
    elif hit.position is None:
        where = "  summary: "
    else:
        where = f"  {hit.kind} {hit.position + 1}: "
    out = Text()
    out.append(where, style="dim")
    for fragment in hit.snippet:
        if not fragment.is_match:
            out.append(fragment.text)
        elif plain:
            out.append(f"[{fragment.text}]")
        else:
            out.append(fragment.text, style="bold reverse")
    return out


COMMANDS: tuple[click.Command, ...] = (search,)
