"""Jinja2 templates (autoescaped) and the filters they use."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import Response

from minutes import __version__
from minutes.export import clock

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def _duration(seconds: float | None) -> str:
    """``1 h 02 min``, ``12 min``, ``45 s``."""
    if seconds is None:
        return "–"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _marked(fragments: list[tuple[str, bool]]) -> Markup:
    """Search snippet fragments, escaped, the matches wrapped in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(t) if hit else escape(t) for t, hit in fragments)


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters changed (``None`` removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters["clock"] = clock
    env.filters["duration"] = _duration
    env.filters["when"] = _when
    env.filters["marked"] = _marked
    env.globals["version"] = __version__
    env.globals["query"] = _query
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    """A page, with the signed-in user and the CSRF token available to every template."""
    templates: Jinja2Templates = request.app.state.templates
    auth = getattr(request.state, "auth", None)
    ctx = {
        "auth": auth,
        "me": auth.principal if auth else None,
        "csrf_token": auth.csrf_token if auth else None,
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status)
