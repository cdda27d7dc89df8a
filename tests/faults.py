"""Fault injection for the recovery tests: a TCP proxy on loopback in front of PostgreSQL that can be
stopped (the database is unreachable) and can drop the reply to a COMMIT (the transaction is committed,
the client never learns it), and a port where nothing listens."""

from __future__ import annotations

import socket
import threading


def in_thread(name: str, fn, errors: dict) -> threading.Thread:
    """Run ``fn`` in a new thread named ``name`` (started), keeping what it raised in ``errors[name]`` and closing
    the thread's database connections at the end (a test of two transactions at once)."""

    def body() -> None:
        from django.db import connections

        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors[name] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=body, name=name)
    thread.start()
    return thread


def closed_port() -> int:
    """A loopback port where nothing listens (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL at ``target``.

    ``stop()`` closes every connection and stops listening (clients get "connection refused");
    ``start()`` listens again on the same port. ``drop_commit_replies = n``: the next ``n`` COMMITs
    reach the server, which commits, but their reply is swallowed and the client's connection is cut
    (the server's answer, its ``ReadyForQuery``, is read first, so the commit has happened for sure)."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = closed_port()
        self.drop_commit_replies = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> PgProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(), freeing the port
            except OSError:
                pass
            listener.close()
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            _close(s)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._socks += [client, server]
            state = {"swallow": False}
            threading.Thread(target=self._upstream, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client, state), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        while True:
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                _close(server)
                return
            if b"COMMIT\x00" in data:
                with self._lock:
                    if self.drop_commit_replies > 0:
                        self.drop_commit_replies -= 1
                        state["swallow"] = True
            try:
                server.sendall(data)
            except OSError:
                _close(client)
                return

    def _downstream(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        while True:
            try:
                data = server.recv(65536)
            except OSError:
                data = b""
            if not data:
                _close(client)
                return
            if state["swallow"]:
                seen = data
                while b"Z\x00\x00\x00\x05" not in seen:  # the server's ReadyForQuery after the commit
                    more = server.recv(65536)
                    if not more:
                        break
                    seen += more
                with self._lock:
                    self.dropped += 1
                _close(client)
                _close(server)
                return
            try:
                client.sendall(data)
            except OSError:
                _close(server)
                return


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
