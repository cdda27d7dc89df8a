"""The chat dialog under replies taken at once by two inbox workers, on PostgreSQL with real threads (found by a
review of the dialog under duplicates and races)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from sigap.intake import conversations, inbox
from sigap.intake.channels.base import Inbound
from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import PHONE, replies_to, wa_location, wa_payload, wa_sign, wa_text
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point
from tests.faults import in_thread

from .test_groupcommit import quiet_reference  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _pg_only(quiet_reference):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


def _filed(deliver, prefix: str) -> Report:
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text(f"wamid.{prefix}1", "Got mampet parah di gang buntu"),
        wa_location(f"wamid.{prefix}2", lat, lon),
        wa_text(f"wamid.{prefix}3", "ya"),
        wa_text(f"wamid.{prefix}4", "1"),
    ):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    return Report.objects.order_by("-pk").first()


def _wa(mid: str, text: str = "", **kw) -> Inbound:
    return Inbound(channel="whatsapp", message_id=mid, sender=PHONE, sender_name="Pak Warga", text=text, **kw)


def _stored(monkeypatch, *inbounds: Inbound) -> list[int]:
    """Accepted like the webhook does, without processing them (the test processes them at once)."""
    monkeypatch.setattr(inbox, "_schedule", lambda pk: None)
    pks = []
    for inbound in inbounds:
        pks += inbox.inbound_accept("whatsapp", [inbound])
    monkeypatch.undo()
    return pks


def _together(monkeypatch, pks: list[int], *, gate: str = "_answer_to_question", slow_first: str | None = None):
    """Process the rows in threads that meet at ``gate`` (every one has read what it reads unlocked);
    ``slow_first``: a function of conversations/services slowed for the first thread through it (its commit is late)."""
    barrier = threading.Barrier(len(pks), timeout=20)
    real_gate = getattr(conversations, gate)

    def gated(*a, **kw):
        barrier.wait()
        return real_gate(*a, **kw)

    monkeypatch.setattr(conversations, gate, gated)
    errors: dict = {}
    results: dict = {}
    threads = [
        in_thread(f"w{i}", lambda pk=pk, i=i: results.__setitem__(i, inbox.inbound_process(pk)), errors)
        for i, pk in enumerate(pks)
    ]
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert not errors, errors
    return results


def test_yes_twice_at_once_confirms_once_and_says_so_once(monkeypatch, deliver, fake, selesai):
    """Providers / residents double-send "ya": two rows, two ids, processed by two workers at once."""
    report = _filed(deliver, "Y")
    selesai(report)
    before = len(replies_to(fake))
    pks = _stored(monkeypatch, _wa("wamid.Y5", "ya"), _wa("wamid.Y6", "ya"))
    from sigap.reports import services as rs

    real = rs.report_confirm_by_id
    first = threading.Lock()

    def slow(**kw):
        out = real(**kw)
        if first.acquire(blocking=False):
            time.sleep(0.7)  # the first one commits late: the second has started its read
        return out

    monkeypatch.setattr(rs, "report_confirm_by_id", slow)
    results = _together(monkeypatch, pks)
    assert sorted(results.values()) == ["processed", "processed"], results
    said = replies_to(fake)[before:]
    confirmed = [s for s in said if "konfirmasi Anda untuk laporan" in s]
    assert len(confirmed) == 1, said


def test_two_answers_to_an_officers_question_at_once_are_both_taken(
    monkeypatch, deliver, fake, staff, django_capture_on_commit_callbacks
):
    """A resident answers in two messages a second apart, taken by two workers at once: the second failed
    (not waiting any more) and, retried, opened a new dialog."""
    report = _filed(deliver, "Q")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa?")
    pks = _stored(monkeypatch, _wa("wamid.Q5", "RT 05 RW 03"), _wa("wamid.Q6", "dekat masjid Al Ikhlas ya pak"))
    results = _together(monkeypatch, pks)
    assert sorted(results.values()) == ["processed", "processed"], results
    report.refresh_from_db()
    notes = " ".join(report.history.values_list("internal_note", flat=True))
    assert report.status == "in_progress" and "RT 05 RW 03" in notes and "masjid Al Ikhlas" in notes
    assert not Conversation.objects.filter(state="open").exists()
