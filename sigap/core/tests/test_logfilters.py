"""Tracking codes and identity in a query string never reach a log line (``sigap.core.logfilters``): they appear
in request paths."""

from __future__ import annotations

import logging

import pytest

from sigap.core.logfilters import ScrubSecrets, scrub


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"GET /lacak/AB12-CD34-EF56 HTTP/1.1" 404', '"GET /lacak/[kode-lacak] HTTP/1.1" 404'),
        ("Not Found: /api/v1/track/AB12CD34EF56/answer", "Not Found: /api/v1/track/[kode-lacak]/answer"),
        ("/LACAK/ab12-cd34-ef56?page=1", "/LACAK/[kode-lacak]?page=1"),
        ("/track/a /track/b", "/track/[kode-lacak] /track/[kode-lacak]"),
        ("/lacak/ (empty) and /publik/JK202611200001", "/lacak/ (empty) and /publik/JK202611200001"),
    ],
)
def test_scrub_replaces_the_code_after_track_or_lacak_and_nothing_else(line, expected):
    assert scrub(line) == expected


def test_the_filter_rewrites_the_record_and_never_drops_it():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/lacak/SECRET1",), None
    )
    assert ScrubSecrets().filter(record) is True
    assert record.getMessage() == "Not Found: /lacak/[kode-lacak]" and "SECRET1" not in record.getMessage()
    plain = logging.LogRecord("sigap", logging.INFO, __file__, 1, "report %s filed", ("JK202611200001",), None)
    assert ScrubSecrets().filter(plain) is True
    assert plain.msg == "report %s filed" and plain.args == ("JK202611200001",)  # untouched


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # an Open311 client that puts the reporter in the query string of its POST (refused, 400, but the access
        # log kept the URL; found by a review)
        (
            '"POST /open311/v2/requests.json?service_code=1&email=siti%40mail.id&phone=0812345&lat=-6.2 HTTP/1.1" 400',
            '"POST /open311/v2/requests.json?service_code=1&email=[disembunyikan]&phone=[disembunyikan]&lat=[disembunyikan]'
            ' HTTP/1.1" 400',
        ),
        (
            "/api/v1/reports?first_name=Siti&last_name=Aminah",
            "/api/v1/reports?first_name=[disembunyikan]&last_name=[disembunyikan]",
        ),
        (
            "/x?reporter_nik=3174&NAME=Budi&device_id=abc",
            "/x?reporter_nik=[disembunyikan]&NAME=[disembunyikan]&device_id=[disembunyikan]",
        ),
        ("/petugas/?kelurahan=Pondok+Bambu&status=open", "/petugas/?kelurahan=Pondok+Bambu&status=open"),
        # not on the allow-list, however close to a safe name: hidden
        ("/x?username=budi&named=1&pages=3", "/x?username=[disembunyikan]&named=[disembunyikan]&pages=[disembunyikan]"),
        ("/publik/?kota=Jakarta+Timur&page=2&q=rumah+bu+siti", "/publik/?kota=Jakarta+Timur&page=2&q=[disembunyikan]"),
    ],
)
def test_scrub_replaces_identity_in_a_query_string(line, expected):
    assert scrub(line) == expected


# An attacker's review: GeoReport v2's own example of ``POST requests`` puts every field in the query string, and
# clients copy it; the access log kept the description, the address and the media URL, which held the resident's
# name, phone and email, since only a list of identity parameter names was scrubbed.
PHONE, EMAIL, NAME = "081298765432", "siti.aminah@example.com", "Siti Aminah"
OPEN311_LINE = (
    '10.0.0.5 - - [01/Dec/2026:10:00:00 +0700] "POST /open311/v2/requests.json?api_key=xyz&service_code=jalan-rusak'
    "&lat=-6.2&long=106.8&address_string=Jl.+Kenari+No.+12+rumah+Siti+Aminah"
    "&description=Lubang+besar,+hubungi+saya+Siti+Aminah+081298765432"
    "&media_url=https%3A%2F%2Fapp.example%2Fu%2Fsiti.aminah%40example.com%2F1.jpg"
    '&e%6Dail=siti.aminah%40example.com&attribute[nama]=Siti HTTP/1.1" 400 120 '
    '"https://app.example/form?nama=Siti+Aminah&hp=081298765432" "client"'
)


def _leaks(text: str) -> list[str]:
    from urllib.parse import unquote_plus

    plain = unquote_plus(text)
    return [v for v in (PHONE, EMAIL, NAME, "Kenari", "api_key=xyz") if v in plain]


def test_scrub_keeps_no_value_a_resident_typed_in_a_query_string_or_a_referer():
    cleaned = scrub(OPEN311_LINE)
    assert _leaks(cleaned) == []
    assert "service_code=jalan-rusak" in cleaned and '" 400 120 ' in cleaned  # the line stays useful


def test_the_access_log_filter_keeps_none_either():
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%s", (OPEN311_LINE,), None)
    ScrubSecrets().filter(record)
    assert _leaks(record.getMessage()) == []


def test_a_bare_query_word_is_hidden_and_a_safe_name_percent_encoded_is_kept():
    assert scrub("/x?081298765432&p%61ge=2") == "/x?[disembunyikan]&p%61ge=2"


def test_an_apostrophe_in_a_typed_value_does_not_end_the_scrubbing():
    """A JavaScript client's encodeURIComponent leaves ' as it is, and Indonesian names carry one (Ma'ruf, Jum'at):
    the query's scrubbing stopped at it, and the rest was logged (an attacker's review)."""
    line = (
        '10.0.0.5 - - [01/Dec/2026:10:00:00 +0700] "POST /open311/v2/requests.json?service_code=jalan-rusak'
        "&description=Lubang+depan+rumah+Pak+Ma'ruf,+hubungi+Siti+Aminah+081298765432"
        '&email=siti%40mail.id HTTP/1.1" 400 120 "-" "client"'
    )
    cleaned = scrub(line)
    assert _leaks(cleaned) == [] and "siti%40mail.id" not in cleaned
    assert cleaned.endswith('&email=[disembunyikan] HTTP/1.1" 400 120 "-" "client"')


def test_a_semicolon_separates_parameters_and_a_safe_name_keeps_only_a_plain_value():
    line = '"GET /open311/v2/requests.json?page=1;email=siti%40mail.id;phone=081298765432 HTTP/1.1" 400'
    assert (
        scrub(line) == '"GET /open311/v2/requests.json?page=1;email=[disembunyikan];phone=[disembunyikan] HTTP/1.1" 400'
    )
    assert scrub("/x?kota=<script>&page=2") == "/x?kota=[disembunyikan]&page=2"


def test_a_referer_keeps_its_closing_quote():
    assert (
        scrub('"https://app.example/form?nama=Siti" "client"')
        == '"https://app.example/form?nama=[disembunyikan]" "client"'
    )


# what a database error says (its source line is not in the traceback: only the frames' own lines are)
_ROW_ERROR = 'null value in column "unit_id"; Failing row contains (42, {}, Budi)'
_FIRST = "raised first"
_TYPED = "got mampet depan rumah Bu Ratna, hp 081234567890"


def _failing_insert(description: str) -> None:
    try:
        raise KeyError(_FIRST)  # a chained cause: its text is withheld too
    except KeyError as cause:
        raise ValueError(_ROW_ERROR.format(description)) from cause


def test_a_logged_traceback_keeps_its_frames_and_types_but_no_exception_text():
    """Found by a review: the filter cleaned the message only, and a traceback (``log.exception``, Django's own
    500 log) printed the exception's text as raised. A database error's text holds what was being written
    ("Failing row contains (…)", "invalid input syntax for type integer: …"), and another library's may hold
    what a resident typed: the frames and the exception types are logged, their texts never."""
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubSecrets())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    log = logging.getLogger("sigap.tests.logfilters")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            _failing_insert(_TYPED)
        except ValueError:
            log.exception("report intake failed")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    text = stream.getvalue()
    assert "report intake failed" in text and "_failing_insert" in text  # the line and where it happened
    assert "ValueError" in text and "KeyError" in text and "The above exception was the direct cause" in text
    for leaked in ("Ratna", "081234567890", "Failing row", "raised first"):
        assert leaked not in text


def test_a_request_with_a_host_not_allowed_is_one_log_line(client, caplog, settings):
    """A load balancer's probe without the public host name got its 400 and a 14-line traceback in the log, every
    few seconds (an operator's review): one line now."""
    settings.ALLOWED_HOSTS = ["lapor.kota.go.id"]
    with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
        assert client.get("/healthz", HTTP_HOST="10.0.1.11:8000").status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.exc_info is None and "10.0.1.11" in record.getMessage()


_ROW = 'Failing row contains (Siti Aminah, 081311112222, "got mampet di depan rumah saya")'


def _through_settings_handlers(logger_name: str, emit) -> str:
    """What the settings' console handler writes for what ``emit`` logs on ``logger_name`` (its filters included)."""
    import io

    root = logging.getLogger()
    [console] = [h for h in root.handlers if any(isinstance(f, ScrubSecrets) for f in h.filters)]
    stream = io.StringIO()
    # a handler like it, writing here (its own stream may be a closed capture of an earlier test's output)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for f in console.filters:
        handler.addFilter(f)
    root.addHandler(handler)
    try:
        emit(logging.getLogger(logger_name))
    finally:
        root.removeHandler(handler)
    return stream.getvalue()


def test_a_failed_celery_task_is_logged_with_its_exception_type_not_its_text():
    """Found by a review: Celery writes "Task … raised unexpected: RuntimeError('…')", the exception's repr in the
    line itself, which the traceback filter does not see."""
    from celery import Celery

    app = Celery("logfilters", set_as_current=False)
    app.conf.task_always_eager = True

    @app.task(name="logfilters.fails")
    def fails():
        raise RuntimeError(_ROW)

    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.INFO)
    try:
        out = _through_settings_handlers("celery.app.trace", lambda _log: fails.apply())
    finally:
        trace.setLevel(level)
    assert "raised unexpected: RuntimeError [text withheld from the log]" in out
    assert "Siti Aminah" not in out and "Failing row" not in out


def test_a_celery_worker_keeps_the_scrubbing_handlers():
    """Found by a review: a worker's logging setup replaced the root logger's handlers with its own, and with them
    the only filters that keep tracking codes and exceptions' text out of the log."""
    from sigap.config.celery import app

    root = logging.getLogger()
    saved = (list(root.handlers), root.level, app.log.already_setup)
    try:
        app.log.already_setup = False
        app.log.setup_logging_subsystem(
            loglevel="INFO", hijack_root_logger=app.conf.worker_hijack_root_logger, colorize=False
        )
        kept = any(isinstance(f, ScrubSecrets) for h in root.handlers for f in h.filters)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        app.log.already_setup = saved[2]
    assert kept
