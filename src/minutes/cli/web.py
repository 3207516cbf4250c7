"""``minutes serve``: the web app (pages and the REST API) with one worker for uploads.

Whoever runs the account commands (:mod:`minutes.cli.users`, :mod:`minutes.cli.sharing`) has the
database in hand, so they act with full rights; changes to who may see what are written to the
audit log with ``via=cli``.
"""

from __future__ import annotations

import ipaddress
import signal
import sys
from typing import TYPE_CHECKING, Any

import click

from minutes.cli.errors import EXIT_USAGE, errors, fail
from minutes.cli.options import Decorator
from minutes.cli.store import sessions
from minutes.jobs.supervise import exit_on_sigterm, start_worker, stop_worker

if TYPE_CHECKING:
    import subprocess


# --- serve -------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _start_worker() -> subprocess.Popen[bytes]:
    """The upload worker: ``minutes worker --forever`` as a child of this process."""
    root = click.get_current_context().find_root().command
    if not isinstance(root, click.Group) or "worker" not in root.commands:
        fail(
            "the job worker (`minutes worker`) is not part of this installation; run with --no-worker",
            EXIT_USAGE,
        )
    return start_worker([sys.executable, "-c", "from minutes.cli import main; main()", "worker", "--forever"])


def _web_setting(flag: str, kind: click.ParamType[Any, Any], help: str) -> Decorator:
    """An option for a web setting, also read from ``MINUTES_WEB_<NAME>``; unset, the setting's default."""
    envvar = "MINUTES_WEB_" + flag.removeprefix("--").upper().replace("-", "_")
    return click.option(flag, type=kind, envvar=envvar, help=help)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="MINUTES_SERVE_HOST",
    help="Address to listen on.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    envvar="MINUTES_SERVE_PORT",
    help="Port to listen on.",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow a non-loopback --host (only behind a TLS reverse proxy)."
)
@click.option(
    "--proxy-from",
    "proxy_from",
    multiple=True,
    metavar="ADDR",
    envvar="MINUTES_SERVE_PROXY_FROM",
    help="Believe X-Forwarded-For/-Proto only from this reverse proxy's address or network (repeat "
    "for several; the variable takes them separated by spaces). Without it they are ignored.",
)
@click.option("--no-worker", is_flag=True, help="Do not start a `minutes worker --forever` for uploads.")
@_web_setting(
    "--upload-max-mb",
    click.IntRange(min=1),
    "Largest upload (all files of one request) in MB [default: 2048].",
)
@_web_setting(
    "--secure-cookies",
    click.Choice(["auto", "always", "never"]),
    "Mark cookies Secure: auto (when the request came over https), always, never [default: auto].",
)
@_web_setting(
    "--session-hours", click.FloatRange(min=0.1), "Sign-in lifetime since the last request [default: 12]."
)
@click.option(
    "--preset",
    envvar="MINUTES_PRESET",
    help="Preset uploads are processed with (a name in pipelines/ or a .toml file) [default: cpu-fast].",
)
@click.option(
    "--no-summary",
    is_flag=True,
    envvar="MINUTES_NO_SUMMARY",
    help="Process uploads without the minutes (LLM) stage: transcript and speakers only.",
)
@click.option(
    "--lazy-ask",
    is_flag=True,
    envvar="MINUTES_LAZY_ASK",
    help="Load the ask model on the first question instead of at start (pages stall while it loads).",
)
def serve(
    host: str,
    port: int,
    allow_remote: bool,
    proxy_from: tuple[str, ...],
    no_worker: bool,
    upload_max_mb: int | None,
    secure_cookies: str | None,
    session_hours: float | None,
    preset: str | None,
    no_summary: bool,
    lazy_ask: bool,
) -> None:
    """Run the web app (pages and the REST API) with one worker for uploads.

    Listens on 127.0.0.1 unless told otherwise. Passwords and session cookies travel in the
    clear over plain http, so a non-loopback address needs --allow-remote, and should be
    reached only through a reverse proxy that terminates TLS (see docs/web.md). Name that proxy
    with --proxy-from, so the client's address and https come from its headers.
    """
    import uvicorn

    from minutes.accounts import users
    from minutes.web.app import create_app
    from minutes.web.config import MIB, WebSettings

    if not is_loopback(host) and not allow_remote:
        fail(
            f"refusing to listen on {host}: sign-ins would cross the network unencrypted; serve on "
            "127.0.0.1 behind a TLS reverse proxy, or pass --allow-remote if one is in front",
            EXIT_USAGE,
        )
    with errors():
        settings = WebSettings.from_env(
            upload_max_bytes=upload_max_mb * MIB if upload_max_mb else None,
            secure_cookies=secure_cookies,
            session_hours=session_hours,
            upload_preset=preset,
            upload_no_summary=no_summary or None,
            proxy_from=tuple(a for given in proxy_from for a in given.replace(",", " ").split()) or None,
        )
        if preset:
            from minutes.settings import load_preset

            load_preset(preset)  # a wrong name fails here, not in the worker after the first upload
        factory = sessions()
        with factory() as s:
            nobody = users.count_users(s) == 0
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"minutes: serving on http://{shown}:{port}/ (Ctrl+C stops)", err=True)
    if settings.proxy_from:
        click.echo(f"minutes: forwarded headers believed from {', '.join(settings.proxy_from)}", err=True)
    if nobody:
        click.echo("no user yet: create the first with `minutes users create NAME --admin`", err=True)
    worker = None if no_worker else _start_worker()
    previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        # The app believes forwarded headers from settings.proxy_from only (web/proxy.py); uvicorn's
        # own handling would believe them from 127.0.0.1 (its default) before the app could tell.
        # No colour codes in the log: what is printed is made visible (cli/terminal.py), theirs too.
        app = create_app(settings, factory)
        if not lazy_ask:
            # loading the model holds Python's lock for seconds: before serving, no page waits on it
            click.echo("minutes: loading the ask model...", err=True)
            app.state.asker.warm()
        uvicorn.run(
            app, host=host, port=port, workers=1, log_level="info", proxy_headers=False, use_colors=False
        )
    except KeyboardInterrupt:  # Ctrl+C: uvicorn has shut down already
        click.echo("minutes: stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if worker is not None:
            stop_worker(worker)


COMMANDS: tuple[click.Command, ...] = (serve,)
