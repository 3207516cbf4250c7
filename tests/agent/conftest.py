"""MCP fixtures: a migrated SQLite archive on disk with two teams (:mod:`tests.web.world`, no media),
and a way to start ``minutes mcp`` on it as a subprocess and talk to it with the ``mcp`` client."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from sqlalchemy.orm import Session, sessionmaker

import minutes
from minutes.accounts import security, users
from minutes.db import session_scope
from tests.conftest import NETGUARD_SITE
from tests.db.conftest import _sqlite_engine, factory, migrated
from tests.web.world import World

__all__ = ["factory", "migrated"]

SRC = Path(minutes.__file__).resolve().parents[1]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[object]:
    """SQLite on disk: the server is another process."""
    yield from _sqlite_engine(tmp_path)


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    security.set_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    security.set_hasher(PasswordHasher())


@pytest.fixture
def world(factory: sessionmaker[Session], tmp_path: Path) -> World:
    """Sales (manager mona, member mel: shared one meeting), Support (manager sam), admin ada."""
    world = World(sessions=factory, media_dir=tmp_path / "media")
    with session_scope(factory) as s:
        for name in ("Sales", "Support"):
            world.teams[name] = users.create_team(s, name=name).id
        for name, admin in (("ada", True), ("mona", False), ("mel", False), ("sam", False)):
            world.users[name] = users.create_user(s, username=name, password="pw-long-enough", admin=admin).id
        users.add_member(s, team="Sales", username="mona", role="manager")
        users.add_member(s, team="Sales", username="mel", role="member")
        users.add_member(s, team="Support", username="sam", role="manager")
    world.add_meeting("sales", team="Sales", words="We ship pricing v2 in November")
    world.add_meeting("sales_shared", team="Sales", words="Quarterly forecast looks fine")
    world.add_meeting("support", team="Support", words="Secret escalation about pricing refunds")
    world.add_meeting("orphan", team=None, words="Board pricing memo draft")
    with session_scope(factory) as s:
        users.share_meeting(s, meeting_id=world.meetings["sales_shared"], username="mel")
    return world


def server_params(tmp_path: Path, *, token: str | None, args: tuple[str, ...] = ()) -> StdioServerParameters:
    """``python -m minutes.cli mcp`` on the test archive, with the network guard loaded."""
    env = {
        "MINUTES_HOME": str(tmp_path / "minutes-home"),
        "MINUTES_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'minutes.db'}",
        "PYTHONPATH": os.pathsep.join([str(NETGUARD_SITE), str(SRC)]),
        "MINUTES_NETGUARD_LOG": str(tmp_path / "netguard.log"),
        "MINUTES_THREADS": "1",
    }
    if token is not None:
        env["MINUTES_TOKEN"] = token
    return StdioServerParameters(
        command=sys.executable, args=["-m", "minutes.cli", "mcp", *args], env=env, cwd=str(tmp_path)
    )


@asynccontextmanager
async def connected(params: StdioServerParameters, errlog: Path) -> AsyncIterator[ClientSession]:
    """An initialized client session over the server's stdin/stdout (its stderr to ``errlog``)."""
    with errlog.open("w") as err:
        async with (
            stdio_client(params, errlog=err) as (read, write),
            ClientSession(read, write, read_timeout_seconds=60) as session,
        ):
            await session.initialize()
            yield session
