"""Yes/no settings read alike wherever they are read (``sigap.core.envflags``): an operator's review found
``SIGAP_ACCESS_LOG=true`` did nothing and ``SIGAP_EMAIL_IMAP_SSL=off`` left TLS on."""

from __future__ import annotations

import sys

import pytest

from sigap.core.envflags import env_flag, flag_value


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), (" Yes ", True), ("ON", True),
    ("0", False), ("false", False), ("no", False), ("off", False), ("", False), ("nonsense", False),
])  # fmt: skip
def test_every_spelling_the_docs_name_is_read_alike(value, expected, monkeypatch):
    assert flag_value(value, not expected) is expected
    monkeypatch.setenv("SIGAP_TEST_FLAG", value)
    assert env_flag("SIGAP_TEST_FLAG", not expected) is expected


def test_unset_is_the_default():
    assert flag_value(None, True) is True and flag_value(None, False) is False
    assert env_flag("SIGAP_TEST_FLAG_UNSET", True) is True


def test_serve_takes_its_access_log_from_any_true_spelling(monkeypatch):
    from sigap.config.management.commands.serve import Command

    monkeypatch.setenv("SIGAP_ACCESS_LOG", "true")
    assert Command().create_parser("sigap", "serve").parse_args([]).access_log is True
    monkeypatch.setenv("SIGAP_ACCESS_LOG", "off")
    assert Command().create_parser("sigap", "serve").parse_args([]).access_log is False


def test_the_access_log_goes_to_stderr_like_every_other_log():
    """gunicorn writes an access log of "-" to stdout; the docs (and the process supervisor's setup) say stderr."""
    from gunicorn.config import Config

    from sigap.config.server import ScrubbedLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = ScrubbedLogger(cfg)
    [handler] = [h for h in logger.access_log.handlers if getattr(h, "_gunicorn", False)]  # gunicorn's own
    assert handler.stream is sys.stderr


@pytest.mark.parametrize(("value", "tls"), [("off", False), ("no", False), ("0", False), ("on", True), (None, True)])
def test_imap_tls_follows_the_same_spellings(value, tls, monkeypatch):
    import imaplib

    from sigap.intake.channels import email

    used = []

    class Stop(Exception):
        pass

    def plain(*args, **kwargs):
        used.append(False)
        raise Stop

    def secure(*args, **kwargs):
        used.append(True)
        raise Stop

    monkeypatch.setattr(imaplib, "IMAP4", plain)
    monkeypatch.setattr(imaplib, "IMAP4_SSL", secure)
    config = {"imap_host": "127.0.0.1", "imap_port": "1993"}
    if value is not None:
        config["imap_ssl"] = value
    with pytest.raises(Stop):
        email.imap_poll(config)
    assert used == [tls]
