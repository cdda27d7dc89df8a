"""The production web server behind ``sigap serve``: gunicorn, N processes of M threads each.

Three things are Sigap's own:

* ``ReadFirstWorker``, a gunicorn ``gthread`` worker that receives each request's head and body on its event
  loop (non-blocking, no thread held) and hands a request to a thread only once it is complete. gunicorn's own
  threads read blocking once the first byte has arrived, so a hundred clients sending one byte every two seconds
  would hold every thread of every worker; here they only hold a socket each. The head must be complete within
  ``header_seconds`` of the connection (or of the first byte of a kept-alive connection's next request) and the
  body within ``body_seconds`` after the head; a client that is slower is answered 408 and disconnected.
  A chunked body is received the same way, up to its last chunk, and handed over de-chunked with a
  ``Content-Length`` (Django reads no body without one; trailer fields are dropped). A body declared larger than
  ``READ_FIRST_MAX_BODY`` is handed over after the head (``RequestLimitsMiddleware`` refuses a body larger than
  Sigap accepts from its headers, before reading it).
* ``ProxyHeaders``: behind a trusted reverse proxy, the client address and scheme come from its
  ``X-Forwarded-For``/``X-Forwarded-Proto``; from anybody else those headers are removed before Django sees them.
* ``SigapServer``: gunicorn configured from ``sigap serve``'s options, without a configuration file.

gunicorn gives the rest: a master process that restarts a worker that dies or stops answering its heartbeat
(``--timeout``), graceful reload of every worker on SIGHUP (new code and settings, no dropped request), graceful
stop on SIGTERM. Each worker imports the application itself after the fork, so per-process state (the group
commit writer thread, database connections, the categorizer) is created in the process that uses it.
"""

from __future__ import annotations

import io
import ipaddress
import logging
import os
import re
import selectors
import socket
import sys
import time
from functools import partial

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from sigap.core.logfilters import ScrubSecrets

# A body up to this size is received before a thread takes the request (larger ones: see the module docstring).
READ_FIRST_MAX_BODY = 64 * 1024 * 1024
# The bytes all requests being received on one worker's event loop may hold together. Past it, the request whose
# bytes crossed it goes to a thread, which reads the rest itself: memory stays bounded by this budget plus one
# body per thread, whatever the number of connections (each could otherwise hold up to READ_FIRST_MAX_BODY).
READ_FIRST_BUDGET = 256 * 1024 * 1024
# The request line and headers together (gunicorn refuses more anyway: limit_request_line/fields/field_size).
MAX_HEAD = 64 * 1024
_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.I | re.M)
_CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.I | re.M)
# the end of a chunked body: the last (zero-size) chunk, optional trailer fields, an empty line
_LAST_CHUNK = re.compile(rb"(?:^|\n)0+(?:;[^\r\n]*)?\r\n(?:[^\r\n]+\r\n)*\r\n$")
_EXPECT_CONTINUE = re.compile(rb"^expect[ \t]*:[ \t]*100-continue[ \t]*\r?$", re.I | re.M)
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 68\r\n\r\nPermintaan terlalu lambat dikirim.\nThe request was sent too slowly.\n"
)


_app_max: list[int] = []


def app_max_body() -> int:
    """The largest body the application accepts from any request (``sigap.core.limits.body_limit``), at most
    ``READ_FIRST_MAX_BODY``: a body declared larger is refused from its headers, so it is neither received on the
    event loop, nor answered ``100 Continue``, nor read whole by ``WholeBody`` before the refusal."""
    if not _app_max:
        try:
            from django.conf import settings

            _app_max.append(
                min(
                    READ_FIRST_MAX_BODY,
                    max(
                        settings.SIGAP_UPLOAD_MAX_BYTES,
                        settings.SIGAP_WEBHOOK_MAX_BYTES,
                        settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0,
                    ),
                )
            )
        except Exception:  # noqa: BLE001 - settings not configured (not a Sigap application)
            return READ_FIRST_MAX_BODY
    return _app_max[0]


class _Pending:
    """A request being received on the event loop."""

    __slots__ = ("buf", "chunked", "conn", "continued", "deadline", "head_end", "need", "scanned")

    def __init__(self, conn, deadline: float):
        self.conn = conn
        self.buf = bytearray()
        self.deadline = deadline
        self.head_end = -1
        self.need = -1  # total bytes (head + body) once the head is known
        self.continued = False
        self.chunked = False
        self.scanned = 0  # the head's end is not before this offset (each byte is searched once, not on every recv)


class ReadFirstWorker(ThreadWorker):
    """gthread worker that receives a whole request before giving it a thread (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading: dict[int, _Pending] = {}
        env = self.cfg.env or {}
        self.header_seconds = float(env.get("SIGAP_HEADER_SECONDS") or 10)
        self.body_seconds = float(env.get("SIGAP_BODY_SECONDS") or 60)
        self.budget = int(
            env.get("SIGAP_READ_FIRST_BUDGET") or os.environ.get("SIGAP_READ_FIRST_BUDGET") or READ_FIRST_BUDGET
        )
        self.buffered = 0  # bytes held by ``self.reading`` together

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno in (11, 103):  # EAGAIN, ECONNABORTED
                return
            raise
        self.nr_conns += 1
        from gunicorn.workers.gthread import TConn

        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        if self.cfg.is_ssl:  # the TLS handshake happens in the thread; keep gunicorn's path
            client_sock.setblocking(True)
            self.enqueue_req(conn)
            return
        self._start_reading(conn, time.monotonic() + self.header_seconds)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection's next request starts: receive it like a new one."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._start_reading(conn, time.monotonic() + self.header_seconds)

    def _start_reading(self, conn, deadline: float) -> None:
        pending = _Pending(conn, deadline)
        conn.sock.setblocking(False)
        self.reading[conn.sock.fileno()] = pending
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, pending))
        self._on_readable(pending, conn.sock)  # data may be there already

    def _on_readable(self, pending: _Pending, sock) -> None:
        while True:
            try:
                data = sock.recv(256 * 1024)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                self._drop(pending)
                return
            if not data:
                self._drop(pending)
                return
            pending.buf += data
            self.buffered += len(data)
            if self._complete(pending) or self.buffered > self.budget:
                self._hand_over(pending)
                return

    def _complete(self, pending: _Pending) -> bool:
        buf = pending.buf
        if pending.head_end < 0:
            end = buf.find(b"\r\n\r\n", pending.scanned)
            if end < 0:
                pending.scanned = max(0, len(buf) - 3)
                return len(buf) > MAX_HEAD  # gunicorn's parser answers the oversized head
            pending.head_end = end + 4
            head = bytes(buf[: pending.head_end])
            pending.chunked = bool(_CHUNKED.search(head))
            match = _CONTENT_LENGTH.search(head)
            length = int(match.group(1)) if match and not pending.chunked else 0
            if length > app_max_body():
                return True  # refused from its headers by the application: neither received nor 100-continued
            pending.need = pending.head_end + length
            pending.deadline = time.monotonic() + self.body_seconds
            if _EXPECT_CONTINUE.search(head) and (
                len(buf) < pending.need or (pending.chunked and len(buf) == pending.head_end)
            ):
                # the client waits for this before sending the body (gunicorn sends its own later; a second
                # 1xx before the final answer is allowed and ignored by clients)
                try:
                    pending.conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                except OSError:
                    pass
        if pending.chunked:
            body = len(buf) - pending.head_end
            # from the head's last byte on: a body that is only the last chunk starts right after its "\n"
            start = max(pending.head_end - 1, len(buf) - 4096)
            return body > READ_FIRST_MAX_BODY or (body > 0 and _LAST_CHUNK.search(buf, start) is not None)
        return len(buf) >= pending.need

    def _forget(self, pending: _Pending) -> None:
        if self.reading.pop(pending.conn.sock.fileno(), None) is not None:
            self.buffered -= len(pending.buf)
        try:
            self.poller.unregister(pending.conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _drop(self, pending: _Pending) -> None:
        self._forget(pending)
        self.nr_conns -= 1
        pending.conn.close()

    def _hand_over(self, pending: _Pending) -> None:
        self._forget(pending)
        conn = pending.conn
        conn.sock.setblocking(True)
        conn.init()
        conn.data_ready = True
        data = bytes(pending.buf)
        if pending.chunked and pending.head_end > 0:
            data = _dechunked(data, pending.head_end) or data
        conn.parser.unreader.unread(data)
        self.enqueue_req(conn)

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for pending in [p for p in self.reading.values() if p.deadline <= now]:
            self._forget(pending)
            self.nr_conns -= 1
            try:
                pending.conn.sock.setblocking(True)
                pending.conn.sock.settimeout(1)
                pending.conn.sock.sendall(_TIMEOUT_RESPONSE)
            except OSError:
                pass
            pending.conn.close()

    def murder_keepalived(self, force=False):
        super().murder_keepalived(force)
        if force:
            for pending in list(self.reading.values()):
                self._drop(pending)


_TE_LINE = re.compile(rb"^transfer-encoding[ \t]*:[^\n]*\n", re.I | re.M)
_TE_CHUNKED = re.compile(rb"^transfer-encoding:[ \t]*chunked[ \t]*\r\n", re.I | re.M)
_HEX = re.compile(rb"[0-9A-Fa-f]+")


def _dechunked(data: bytes, head_end: int) -> bytes | None:
    """A complete chunked request as the same request with a Content-Length, or None when it is not one
    (malformed, or also carrying a Content-Length: gunicorn's parser then answers 400 itself).

    Only the framing HTTP/1.1 allows is rewritten, by the same rules as gunicorn's parser (one field that is
    exactly ``Transfer-Encoding: chunked``, chunk sizes of hex digits only, blanks only before an extension):
    a lenient rewrite ("0x10", "+5", "1_0", "Transfer-Encoding : chunked") would frame the body differently from
    a proxy in front that reads or refuses those otherwise (request smuggling). Anything else is handed on as
    received, for gunicorn to refuse."""
    head, body = data[:head_end], data[head_end:]
    if (
        _CONTENT_LENGTH.search(head)
        or len(_TE_LINE.findall(head)) != 1
        or not _TE_CHUNKED.search(head)
        or not head.split(b"\r\n", 1)[0].endswith(b" HTTP/1.1")
    ):
        return None
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_text, *ext = body[pos:eol].split(b";", 1)
        if ext:
            size_text = size_text.rstrip(b" \t")
        if not _HEX.fullmatch(size_text) or (ext and b"\r" in ext[0]):
            return None
        size = int(size_text, 16)
        if size == 0:
            rest = body[eol + 2 :]
            end = rest.find(b"\r\n\r\n") + 4 if not rest.startswith(b"\r\n") else 2
            if end < 4 and not rest.startswith(b"\r\n"):
                return None
            leftover = rest[end:]  # a pipelined next request
            break
        chunk_end = eol + 2 + size
        if body[chunk_end : chunk_end + 2] != b"\r\n":
            return None
        out += body[eol + 2 : chunk_end]
        pos = chunk_end + 2
    head = _TE_LINE.sub(b"", head)
    return head[:-2] + b"Content-Length: %d\r\n\r\n" % len(out) + bytes(out) + leftover


class ProxyHeaders:
    """WSGI wrapper: trust ``X-Forwarded-For``/``-Proto`` only from the configured proxy addresses."""

    HEADERS = (
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_FORWARDED",
        "HTTP_X_REAL_IP",
    )

    def __init__(self, app, trusted: str):
        self.app = app
        self.networks = [ipaddress.ip_network(a.strip(), strict=False) for a in trusted.split(",") if a.strip()]

    def _trusted(self, addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def __call__(self, environ, start_response):
        if self.networks and self._trusted(environ.get("REMOTE_ADDR", "")):
            forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            # the nearest address the proxy did not add itself (a client can prepend anything)
            while forwarded and self._trusted(forwarded[-1]) and len(forwarded) > 1:
                forwarded.pop()
            if forwarded:
                environ["REMOTE_ADDR"] = forwarded[-1]
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
                environ["HTTP_X_FORWARDED_PROTO"] = proto
        else:
            for header in self.HEADERS:
                environ.pop(header, None)
        return self.app(environ, start_response)


class WholeBody:
    """WSGI wrapper: a body the worker has received whole (``ReadFirstWorker``) is handed on as one in-memory
    buffer. gunicorn's body reader copies all that is left of its buffer on every read, so Django's 64 KB reads
    of a 4 MB photo upload cost about 25 ms of CPU (quadratic in the size); one read costs about 4 ms."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if 64 * 1024 < length <= app_max_body() and not chunked:
            environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
        return self.app(environ, start_response)


def wsgi_application(trusted_proxy: str = ""):
    from django.urls import get_resolver

    from sigap.config.wsgi import application

    # Import the URL configuration (every view module, the API's schemas) now, in the worker before it accepts
    # connections, instead of inside its first request (about 1.5 s of CPU on the development machine).
    _ = get_resolver().url_patterns
    return ProxyHeaders(WholeBody(application), trusted_proxy)


# glibc's mallopt() parameter for the number of malloc arenas (malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8
# arenas per web worker unless SIGAP_MALLOC_ARENAS says otherwise
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for this process (and the threads it starts from now on) at ``arenas``.

    glibc gives each new thread that allocates its own arena, up to eight per core, and keeps what an arena
    once held; a worker's request threads, writer, outbox and photo threads (a dozen) each grew one, about 5 MB
    per worker after a load test. Under the GIL, threads seldom allocate at the same moment, so two arenas
    cost no measurable throughput. Does nothing (returns False) where the C library is not glibc, or when
    ``MALLOC_ARENA_MAX`` is set in the environment (the operator's choice wins; glibc read it at start)."""
    if arenas <= 0 or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt(_M_ARENA_MAX, arenas) == 1


def _post_fork(server, worker) -> None:
    """In each worker after the fork: nothing inherited from the master may be used (it holds none: the
    application is imported in the worker). Cap the malloc arenas before any thread starts. Warm the
    categorizer here when asked to (embedded default)."""
    limit_malloc_arenas(int((worker.cfg.env or {}).get("SIGAP_MALLOC_ARENAS") or MALLOC_ARENAS))
    if (worker.cfg.env or {}).get("SIGAP_WARM_CATEGORIZER") == "1":
        import threading

        threading.Thread(target=_warm_categorizer, name="warm-categorizer", daemon=True).start()


def _post_worker_init(worker) -> None:
    """Each worker, once the application is loaded: its outbox sender starts and sweeps what a crash left.
    What the application loaded is then frozen out of the garbage collector's sight (``gc.freeze``): those
    objects live as long as the process, and a full collection no longer walks them while requests wait."""
    import gc

    from sigap.reports import outbox

    outbox.start()
    gc.collect()
    gc.freeze()


def _warm_categorizer() -> None:
    """Load the categorizer in the background so the first uncategorized report does not wait for it."""

    try:
        import django

        django.setup()
        from sigap.reports.categorize import model

        model()
    except Exception:
        logging.getLogger(__name__).warning("could not warm the categorizer", exc_info=True)


class SigapServer(BaseApplication):
    def __init__(self, options: dict, trusted_proxy: str = ""):
        self.options = options
        self.trusted_proxy = trusted_proxy
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return wsgi_application(self.trusted_proxy)


class ScrubbedLogger(glogging.Logger):
    """gunicorn's logger, with the access log scrubbed like Django's: a tracking code in a request path (the
    tracking API, an old /lacak/<code>/ link) is written as [kode-lacak]; the client's address and its browser's
    description (a phone's model) as "-". On the journey pages the path is the report's number, which only its
    reporter opens: each line read "this address is the reporter of JK…" (a review as the logs' reader)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = atoms["a"] = "-"
        return atoms

    def setup(self, cfg):
        super().setup(cfg)
        self.access_log.addFilter(ScrubSecrets())
        # gunicorn writes "-" to stdout; every other log of Sigap's goes to stderr, and so does this one
        for handler in self.access_log.handlers:
            if getattr(handler, "_gunicorn", False) and getattr(handler, "stream", None) is sys.stdout:
                handler.setStream(sys.stderr)


def options(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    timeout: int,
    graceful_timeout: int,
    keepalive: int,
    header_seconds: float,
    body_seconds: float,
    max_requests: int,
    access_log: bool,
    warm_categorizer: bool,
    trusted_proxy: str,
) -> dict:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "sigap.config.server.ReadFirstWorker",
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "keepalive": keepalive,
        # gunicorn would honour X-Forwarded-Proto from these addresses on its own; ProxyHeaders decides instead
        "forwarded_allow_ips": trusted_proxy or "",
        "secure_scheme_headers": {},
        "max_requests": max_requests,
        "max_requests_jitter": max(1, max_requests // 10) if max_requests else 0,
        "accesslog": "-" if access_log else None,
        "logger_class": "sigap.config.server.ScrubbedLogger",
        "errorlog": "-",
        "loglevel": "warning",
        "control_socket_disable": True,
        "proc_name": "sigap",
        "worker_connections": 1000,
        "raw_env": [
            f"SIGAP_HEADER_SECONDS={header_seconds}",
            f"SIGAP_BODY_SECONDS={body_seconds}",
            f"SIGAP_WARM_CATEGORIZER={'1' if warm_categorizer else '0'}",
            f"SIGAP_MALLOC_ARENAS={os.environ.get('SIGAP_MALLOC_ARENAS') or MALLOC_ARENAS}",
        ],
        "post_fork": _post_fork,
        "post_worker_init": _post_worker_init,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
