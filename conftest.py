"""Shared test fixtures: Jakarta's reference data loaded once per test database, staff factories."""

from __future__ import annotations

import ast
import functools
import io
import logging
import sys
import threading

import pytest
from PIL import Image

if sys.version_info < (3, 12):
    # CPython 3.11 keeps the AST constructor's recursion depth in state that all threads share: two threads
    # in ast.parse at once can fail one of them with "SystemError: AST constructor recursion depth mismatch"
    # (python/cpython gh-106905). Hypothesis reads its strategies' lambdas with ast.parse while the suite's
    # own threads run, which once failed a Schemathesis example as "flaky". Here parses take turns.
    _parse, _parse_lock = ast.parse, threading.Lock()

    @functools.wraps(_parse)
    def _parse_one_at_a_time(*args, **kwargs):
        with _parse_lock:
            return _parse(*args, **kwargs)

    ast.parse = _parse_one_at_a_time


def pytest_configure(config):
    """Before collection: a test module that imports the WSGI application (which starts the embedded photo
    thread) must not start a background worker outside any test's database access."""
    from django.conf import settings

    settings.SIGAP_PHOTO_WORKER = "inline"
    # likewise the outbox's sender thread (a request outside any test would start it, and its sweeps would then
    # run against whichever test's database is open, or fail where none may be used)
    settings.SIGAP_OUTBOX_SYNC = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from sigap.organization.loaders import reference_load

    with django_db_blocker.unblock():
        reference_load(progress=False)


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_rate_limits(settings):
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 0  # tests change reference rows and expect it at once
    settings.SIGAP_OUTBOX_SYNC = True  # tests check what was delivered right after the change
    # Photos: the worker runs as soon as a photo row is written, in the test's own transaction, so tests that
    # read a photo right after filing find it ready. Tests of the processing window use "manual" and drain
    # the queue themselves (the photos_drain fixture); "thread" runs the embedded background worker.
    settings.SIGAP_PHOTO_WORKER = "inline"
    # A scripted dialog answers each question at once, faster than a person reads it: a short reply the same as the
    # one before is an answer here; the tests of repeated replies turn the window on (test_conversations.py).
    settings.SIGAP_DIALOG_REPEAT_SECONDS = 0
    # The second factor is on in production. Tests that sign in by password as a validator, pimpinan, PPID, ...
    # would each need a code, so it is off here; the tests about it turn it on (sigap/officers/tests/test_signin.py)
    # and the staff factory enrols a device for those roles (helpers.totp_code gives its current code).
    settings.SIGAP_OTP_REQUIRED = False
    cache.clear()  # rate-limit counters live in the cache
    from django.utils import translation

    # the default language: a request in English activates it for the thread, and a later test in the same worker
    # read English labels (which test ran before depended on how the suite was split between workers)
    translation.deactivate()
    yield
    cache.clear()
    from sigap.intake import groupcommit

    groupcommit.stop()  # a test that filed outside a transaction started the writer: close its DB connection
    from sigap.reports import photoqueue

    photoqueue.stop()  # a test that ran the embedded photo thread: it must not sweep another test's rows
    from sigap.reports import outbox

    outbox.stop()  # the same for a test that started the outbox's sender thread


@pytest.fixture
def staff(db, settings):
    """Factory: staff("petugas.x", "kel:31.75.07.1002", "officer") → a user with that role at that unit."""
    from django.contrib.auth import get_user_model

    from sigap.organization.models import StaffRole, Unit

    def make(username: str, unit: str, role: str = StaffRole.Role.OFFICER):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password("test-password-123")
        user.save()
        StaffRole.objects.get_or_create(user=user, unit=Unit.objects.get(code=unit), role=role)
        if role in settings.SIGAP_OTP_ROLES:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        return user

    return make


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30), exif=None) -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(buf, "JPEG", exif=exif)
    else:
        image.save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def jpeg():
    return jpeg_bytes


@pytest.fixture
def log_capture():
    """Everything logged while the test runs (for the identity canary)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture
def photos_drain(settings):
    """Photos are left "processing" by the request (as in production); call the returned function to run the
    worker over everything pending, as the background worker would, and get its counts."""
    settings.SIGAP_PHOTO_WORKER = "manual"

    def drain() -> dict:
        from sigap.privacy.photo_worker import photos_sweep

        return photos_sweep()

    return drain
