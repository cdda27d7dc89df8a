"""The server's access log (``sigap serve --access-log``) never pairs a client's address with the page it opened:
on the journey pages the path is the report's number, which only its reporter opens (a review as the logs' reader)."""

from __future__ import annotations

import datetime

IP = "203.0.113.77"  # the resident's address (TEST-NET-3)
NUMBER = "JK202612080001"


def test_the_access_log_does_not_pair_a_reporters_address_with_their_report(tmp_path):
    """``ScrubbedLogger`` (sigap/config/server.py) hides tracking codes in paths, but gunicorn's default format
    starts with ``%(h)s``, the client's address, and the journey page's path keeps the report number
    (``/lacak/laporan/JK…/`` becomes ``/lacak/[kode-lacak]/JK…/``): each line is "this address is the reporter of
    this report", kept as long as the log is."""
    from gunicorn.config import Config

    from sigap.config import server

    log_file = tmp_path / "access.log"
    cfg = Config()
    options = server.options(
        host="127.0.0.1", port=8000, workers=1, threads=1, timeout=30, graceful_timeout=5, keepalive=2,
        header_seconds=10, body_seconds=30, max_requests=0, access_log=True, warm_categorizer=False,
        trusted_proxy="",
    )  # fmt: skip
    for key, value in options.items():
        if key in cfg.settings:
            cfg.set(key, value)
    cfg.set("accesslog", str(log_file))
    logger = cfg.logger_class(cfg)

    class Response:
        status, response_length, headers, sent = "200 OK", 10, [], 10

    path = f"/lacak/laporan/{NUMBER}/"

    class Request:
        headers, method, query, version = [], "GET", "", (1, 1)
        uri = path

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": IP}  # fmt: skip
    logger.access(Response(), Request(), environ, datetime.timedelta(seconds=0.01))
    written = log_file.read_text()
    assert "/lacak/" in written  # the line was written
    assert IP not in written, f"access log pairs the reporter's address with their report: {written!r}"
