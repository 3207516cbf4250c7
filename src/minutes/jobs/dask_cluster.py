"""Where the Dask engine's workers are: a scheduler's address read, the database checked for
workers on other machines, and a cluster of worker processes on this host when none is named.
This module imports Dask: import it lazily."""

from __future__ import annotations

from typing import Any

import dask
from distributed import LocalCluster
from sqlalchemy import make_url

from minutes.errors import ConfigError
from minutes.jobs.dask_worker import RESOURCE

DEFAULT_PORT = 8786

DASK_CONFIG: dict[str, Any] = {
    # Preloads run code at start-up and may name URLs, which Dask downloads: none here.
    "distributed.scheduler.preload": [],
    "distributed.worker.preload": [],
    "distributed.nanny.preload": [],
    "distributed.client.preload": [],
}
"""Dask settings forced while the engine runs (and given to a cluster it starts)."""

OWN_CLUSTER_CONFIG: dict[str, Any] = {
    # Without a dashboard the scheduler and workers still serve JSON, metrics and a proxy
    # over HTTP (on loopback here); a cluster of our own serves nothing it does not need.
    "distributed.scheduler.http.routes": [],
    "distributed.worker.http.routes": [],
}


def scheduler_address(text: str) -> str:
    """``HOST:PORT``, ``tcp://HOST[:PORT]`` or ``tls://HOST[:PORT]`` → the full address."""
    raw = text.strip()
    scheme, sep, rest = raw.partition("://")
    if not sep:
        scheme, rest = "tcp", raw
    host = rest.rsplit("]", 1)[-1] if rest.startswith("[") else rest
    if scheme not in ("tcp", "tls") or not rest or "/" in rest or host.startswith(":"):
        raise ConfigError(
            f"--scheduler {text!r} is not a Dask scheduler address; "
            f"expected tcp://HOST:{DEFAULT_PORT} (or tls://HOST:{DEFAULT_PORT} with TLS)"
        )
    if ":" not in host:
        rest = f"{rest}:{DEFAULT_PORT}"
    return f"{scheme}://{rest}"


def check_database(url: str, *, scheduler: str | None) -> None:
    """Refuse a SQLite file when the workers may be on other machines (a scheduler was named):
    they cannot share one SQLite file. A cluster this command starts on this host can."""
    parsed = make_url(url)
    if scheduler is not None and parsed.get_backend_name() == "sqlite":
        raise ConfigError(
            f"--engine dask with --scheduler {scheduler} needs a database every worker can reach, "
            f"but the database is the SQLite file {parsed.database}; set MINUTES_DATABASE_URL to "
            "PostgreSQL (e.g. postgresql+psycopg://minutes@db-host/minutes), or leave out --scheduler "
            "to run a Dask cluster on this machine"
        )


def local_cluster(workers: int, threads: int) -> LocalCluster:
    """``workers`` processes on 127.0.0.1 with ``threads`` threads and one job slot each."""
    pinned = dask.config.get("distributed.nanny.pre-spawn-environ")
    return LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=threads,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        # What is left of the scheduler's HTTP server after the dashboard: a free loopback port.
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        resources={RESOURCE: 1},
        # Models are resident: no pausing or restarting workers for memory they must hold.
        memory_limit=0,
        env={name: str(threads) for name in pinned if name.endswith("_NUM_THREADS")},
    )
