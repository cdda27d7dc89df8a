"""sigap.core.dispatch: a task by name to the broker when one is configured, else the work runs here; a
failure either way is logged and never raised (the work's row stays for its sweep)."""

from __future__ import annotations

import logging
import threading

import pytest

from sigap.core import dispatch

BROKER = "redis://127.0.0.1:1/0"


def _capture(monkeypatch, *, fail: bool = False) -> list:
    from sigap.config.celery import app

    sent: list = []

    def send_task(name, args=(), **kwargs):
        if fail:
            raise ConnectionError("broker down")
        sent.append((name, list(args)))

    monkeypatch.setattr(app, "send_task", send_task)
    return sent


def test_brokered_follows_the_setting(settings):
    settings.CELERY_BROKER_URL = ""
    assert not dispatch.brokered()
    settings.CELERY_BROKER_URL = BROKER
    assert dispatch.brokered()


def test_send_queues_the_task_by_name_through_the_configured_app(monkeypatch):
    from sigap.config.celery import app

    sent = _capture(monkeypatch)
    assert dispatch.send("sigap.x.tasks.job", 7, [1, 2]) is True
    assert sent == [("sigap.x.tasks.job", [7, [1, 2]])]
    # the same app from any thread (a sender thread sends too), not Celery's unconfigured fallback
    seen = []
    thread = threading.Thread(target=lambda: seen.append(__import__("celery").current_app._get_current_object()))
    thread.start()
    thread.join()
    assert seen == [app]


def test_a_broker_that_is_down_is_logged_not_raised(monkeypatch, caplog):
    _capture(monkeypatch, fail=True)
    with caplog.at_level(logging.ERROR, logger="sigap.core.dispatch"):
        assert dispatch.send("sigap.x.tasks.job", 1, what="photos: photo 1") is False
    assert "photos: photo 1" in caplog.text


def test_run_or_send_runs_here_without_a_broker(settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""
    sent = _capture(monkeypatch)
    ran = []
    assert dispatch.run_or_send("sigap.x.tasks.job", 5, local=ran.append) is True
    assert ran == [5] and sent == []


def test_run_or_send_queues_with_a_broker(settings, monkeypatch):
    settings.CELERY_BROKER_URL = BROKER
    sent = _capture(monkeypatch)
    ran = []
    assert dispatch.run_or_send("sigap.x.tasks.job", 5, local=ran.append) is True
    assert ran == [] and sent == [("sigap.x.tasks.job", [5])]


def test_a_local_run_that_fails_is_logged_not_raised(settings, caplog):
    settings.CELERY_BROKER_URL = ""

    def boom(pk):
        raise RuntimeError("down")

    with caplog.at_level(logging.ERROR, logger="sigap.core.dispatch"):
        assert dispatch.run_or_send("sigap.x.tasks.job", 3, local=boom, what="inbox: message 3") is False
    assert "inbox: message 3" in caplog.text


def test_with_a_broker_a_missing_celery_app_stops_the_start_not_a_later_send(settings):
    settings.CELERY_BROKER_URL = BROKER
    settings.SIGAP_CELERY_APP = "sigap.no_such_module.app"
    with pytest.raises(ImportError):
        dispatch.app_load_if_brokered()  # what the core app's ready() runs
    with pytest.raises(ImportError):
        dispatch.send("sigap.x.tasks.job", 1)  # not logged as a broker that is down and left for a sweep
    settings.CELERY_BROKER_URL = ""
    dispatch.app_load_if_brokered()  # without a broker the app is never imported
