"""A PostgreSQL outage for tests: a TCP proxy between the code under test and the server.

Cutting the :class:`Proxy` closes every connection through it and refuses new ones, as a server
that went down does; restoring it lets connections through again. :func:`proxied_database`
gives a fresh, migrated schema reached both directly and through such a proxy. Used by the
batch tests (tests/jobs/test_db_outage.py) and the web app's (tests/web/test_db_outage.py).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from sqlalchemy import make_url

from minutes import db as store
from tests.db.conftest import POSTGRES_URL, postgres_schema


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Proxy:
    """Forwards 127.0.0.1:``port`` to the PostgreSQL server until :meth:`cut`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._open = threading.Event()
        self._listener: threading.Thread | None = None

    def restore(self) -> None:
        listening = socket.socket()
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(("127.0.0.1", self.port))
        listening.listen(64)
        listening.settimeout(0.05)
        self._open.set()
        self._listener = threading.Thread(target=self._accept, args=(listening,), daemon=True)
        self._listener.start()

    def cut(self) -> None:
        """Refuse new connections and break every open one."""
        self._open.clear()
        if self._listener is not None:
            self._listener.join()
        with self._lock:
            for sock in self._sockets:
                _close(sock)
            self._sockets.clear()

    def _accept(self, listening: socket.socket) -> None:
        with listening:
            while self._open.is_set():
                try:
                    client, _ = listening.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                try:
                    upstream = socket.create_connection(self.target)
                except OSError:
                    _close(client)
                    continue
                with self._lock:
                    self._sockets |= {client, upstream}
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets -= {source, sink}
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@dataclass
class Database:
    """A fresh, migrated schema on the test server, reached directly and through a proxy."""

    direct: str
    proxied: str
    proxy: Proxy


@contextmanager
def proxied_database(prefix: str) -> Iterator[Database]:
    """A fresh schema (named from ``prefix``) at the head revision, and a proxy to its server;
    skipped or failed like every PostgreSQL test when the server cannot be reached."""
    with postgres_schema(prefix) as schema:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        proxy.restore()
        direct = url.render_as_string(hide_password=False)
        migrating = store.make_engine(direct)
        store.upgrade(migrating)
        migrating.dispose()
        try:
            yield Database(direct, url.set(port=proxy.port).render_as_string(hide_password=False), proxy)
        finally:
            proxy.cut()
