"""A request body the server received whole reaches Django as one buffer, read once from gunicorn's reader."""

from __future__ import annotations

import io

from sigap.config.server import WholeBody


class CountingInput:
    def __init__(self, data: bytes):
        self.stream, self.reads = io.BytesIO(data), 0

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        return self.stream.read(size)


def run(environ):
    seen = {}

    def app(env, start_response):
        seen["body"] = b"".join(iter(lambda: env["wsgi.input"].read(65536), b""))
        return []

    WholeBody(app)(environ, lambda *a: None)
    return seen["body"]


def test_a_large_body_is_read_once_and_passed_on_unchanged():
    data = bytes(range(256)) * 16_000  # 4 MB
    source = CountingInput(data)
    assert run({"CONTENT_LENGTH": str(len(data)), "wsgi.input": source}) == data
    assert source.reads == 1


def test_small_chunked_or_unsized_bodies_are_left_to_the_server():
    for environ in (
        {"CONTENT_LENGTH": "10"},
        {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"},
        {"CONTENT_LENGTH": "bad"},
    ):
        data = b"x" * 200_000 if environ["CONTENT_LENGTH"] != "10" else b"0123456789"
        source = CountingInput(data)
        assert run({**environ, "wsgi.input": source}) == data
        assert source.reads > 1
