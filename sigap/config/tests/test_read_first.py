"""The read-first worker's own framing (no server process): what it hands to gunicorn's parser.

* A chunked body is rewritten with a Content-Length only when its framing is exactly what HTTP/1.1 allows
  (chunk sizes of hex digits, one plain ``Transfer-Encoding: chunked``); anything else is handed over as received,
  so gunicorn's strict parser answers 400. A lenient rewrite ("0x10", "+5", "1_0", "-2", "Transfer-Encoding :
  chunked") would frame the request differently from a proxy in front that refuses or reads those otherwise:
  request smuggling.
* The bytes held by requests being received are bounded per worker: past the budget a request goes to a
  thread (which reads the rest itself) instead of every connection buffering up to ``READ_FIRST_MAX_BODY``.
"""

from __future__ import annotations

import time

import pytest

from sigap.config import server
from sigap.config.server import ReadFirstWorker, _dechunked, _Pending

HEAD = b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_a_plain_chunked_body_is_rewritten_with_its_length():
    data = HEAD + b"5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n"
    out = _dechunked(data, len(HEAD))
    assert out is not None and out.endswith(b"Content-Length: 15\r\n\r\nhello0123456789")
    assert b"Transfer-Encoding" not in out


@pytest.mark.parametrize("size", [b"0x5", b"+5", b"0_5", b" 5", b"5 ", b"-2", b"\x0b5"])
def test_a_chunk_size_that_is_not_plain_hex_is_not_rewritten(size):
    data = HEAD + size + b"\r\nhello\r\n0\r\n\r\n"
    assert _dechunked(data, len(HEAD)) is None  # handed over as received: gunicorn refuses it (400)


@pytest.mark.parametrize(
    "line",
    [
        b"Transfer-Encoding : chunked",
        b"Transfer-Encoding: xchunked",
        b"Transfer-Encoding: gzip, chunked",
        b"Transfer-Encoding: chunked, identity",
    ],
)
def test_a_transfer_encoding_other_than_plain_chunked_is_not_rewritten(line):
    head = HEAD.replace(b"Transfer-Encoding: chunked", line)
    assert _dechunked(head + b"5\r\nhello\r\n0\r\n\r\n", len(head)) is None


class _Sock:
    def __init__(self, chunks):
        self.chunks = list(chunks)

    def recv(self, _n):
        if not self.chunks:
            raise BlockingIOError
        return self.chunks.pop(0)

    def fileno(self):
        return id(self)


class _Conn:
    def __init__(self, sock):
        self.sock = sock


def _worker(budget: int) -> ReadFirstWorker:
    worker = ReadFirstWorker.__new__(ReadFirstWorker)
    worker.reading, worker.body_seconds, worker.buffered, worker.budget = {}, 60.0, 0, budget
    worker.handed = []
    worker._hand_over = lambda p: (worker._forget(p), worker.handed.append(p))

    class _Poller:
        def unregister(self, _sock):
            pass

    worker.poller = _Poller()
    return worker


def test_bytes_held_by_requests_being_received_stay_within_the_worker_budget():
    part = b"x" * 100_000
    head = b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
    worker = _worker(budget=1_000_000)
    pendings = []
    for _ in range(30):  # thirty clients each sending the first 300 KB of a 10 MB body
        sock = _Sock([head + part, part, part])
        pending = _Pending(_Conn(sock), time.monotonic() + 10)
        worker.reading[sock.fileno()] = pending
        worker._on_readable(pending, sock)
        pendings.append(pending)
    held = sum(len(p.buf) for p in worker.reading.values())
    assert held <= 1_000_000 + len(head) + 256 * 1024
    assert worker.buffered == held
    assert worker.handed  # the others went to threads, which read the rest themselves


def test_the_budget_is_released_when_a_request_is_handed_over():
    worker = _worker(budget=server.READ_FIRST_BUDGET)
    sock = _Sock([b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"])
    pending = _Pending(_Conn(sock), time.monotonic() + 10)
    worker.reading[sock.fileno()] = pending
    worker._on_readable(pending, sock)
    assert worker.handed == [pending] and worker.buffered == 0


class _SendSock(_Sock):
    def __init__(self, chunks):
        super().__init__(chunks)
        self.sent = b""

    def send(self, data):
        self.sent += data
        return len(data)


def test_a_body_larger_than_the_application_accepts_is_not_received_nor_continued():
    too_big = server.app_max_body() + 1
    assert too_big <= server.READ_FIRST_MAX_BODY  # the application's limit is below the worker's
    head = b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % too_big
    worker = _worker(budget=server.READ_FIRST_BUDGET)
    sock = _SendSock([head])
    pending = _Pending(_Conn(sock), time.monotonic() + 10)
    worker.reading[sock.fileno()] = pending
    worker._on_readable(pending, sock)
    assert worker.handed == [pending]  # at once: the application answers 413 from the headers
    assert b"100 Continue" not in sock.sent


def test_whole_body_does_not_read_a_body_the_application_refuses():
    import io

    seen = {}

    def app(environ, start_response):
        seen["input"] = environ["wsgi.input"]
        return []

    stream = io.BytesIO(b"")
    server.WholeBody(app)({"CONTENT_LENGTH": str(server.app_max_body() + 1), "wsgi.input": stream}, None)
    assert seen["input"] is stream


class _CountingBuf(bytearray):
    """A receive buffer that counts the bytes its searches go over."""

    searched = 0

    def find(self, sub, start=0, *args):
        _CountingBuf.searched += max(0, len(self) - start)
        return super().find(sub, start, *args)

    def __iadd__(self, other):
        self.extend(other)
        return self


def test_a_head_sent_byte_by_byte_is_searched_once_not_once_per_byte():
    """A client sending its head one byte per packet must not make the event loop rescan the whole head on
    every byte (64 KB heads × 1,000 connections: quadratic CPU on the loop every client shares)."""
    head = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 20_000 + b"\r\n\r\n"
    worker = _worker(budget=server.READ_FIRST_BUDGET)
    sock = _Sock([head[i : i + 1] for i in range(len(head))])
    pending = _Pending(_Conn(sock), time.monotonic() + 10)
    pending.buf = _CountingBuf()
    _CountingBuf.searched = 0
    worker.reading[sock.fileno()] = pending
    worker._on_readable(pending, sock)
    assert worker.handed == [pending]
    assert _CountingBuf.searched < 5 * len(head)
