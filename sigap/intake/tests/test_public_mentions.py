"""The path for messages that are not a chat dialog (``sigap.intake.public_mentions``): stored and handled in one
transaction, once per message id; a refusal is kept as ignored, any other failure undoes the message so the sender
delivers it again (503). And the small helpers public posts go through. Public tweets, comments, email and LAPOR!
end to end are tested in test_twitter.py, test_meta.py, test_email.py and test_lapor.py."""

from __future__ import annotations

import pytest

from sigap.core.errors import DomainError
from sigap.intake import public_mentions as pm
from sigap.intake.channels.base import Inbound, WebhookRefused
from sigap.intake.inbox import message_key
from sigap.intake.models import InboundMessage

pytestmark = pytest.mark.django_db


def post(n: int, text: str = "Jalan berlubang di depan pasar") -> Inbound:
    return Inbound(channel="twitter", message_id=f"t-{n}", sender="rina_warga", text=text, public=True)


def test_each_message_is_handled_once_and_a_refusal_is_kept_as_ignored():
    def handle(inbound):
        if "iklan" in inbound.text:
            raise DomainError("Bukan laporan.", "Not a report.", code="not_a_report", status=422)
        return pm.Handled(pm.PROCESSED)

    counts = pm.inbound_accept_handled("twitter", [post(1), post(2, "iklan promo"), post(1)], handle)
    assert counts == {"received": 3, "processed": 1, "ignored": 1, "duplicate": 1, "left_out": 0}
    rows = {r.message_id: r for r in InboundMessage.objects.all()}
    first, second = rows[message_key("twitter", "t-1")], rows[message_key("twitter", "t-2")]
    assert first.state == InboundMessage.State.PROCESSED and first.attempts == 1
    assert (second.state, second.last_error) == (InboundMessage.State.IGNORED, "not_a_report")


@pytest.mark.parametrize("failure", [RuntimeError("bug"), DomainError("Sibuk.", "Busy.", status=503)])
def test_any_other_failure_stores_nothing_so_the_sender_delivers_again(failure):
    def handle(inbound):
        raise failure

    with pytest.raises(type(failure)):
        pm.inbound_accept_handled("twitter", [post(1)], handle)
    assert not InboundMessage.objects.exists()


def test_a_webhook_whose_processing_failed_asks_for_the_delivery_again():
    class Adapter(pm.HandledWebhookMixin):
        pass

    adapter = Adapter()
    with pytest.raises(WebhookRefused) as refused:
        adapter._handled("twitter", [post(1)], lambda inbound: 1 / 0)
    assert (refused.value.status, refused.value.code) == (503, "retry_later")
    adapter._handled("twitter", [post(2)], lambda inbound: pm.Handled(pm.PROCESSED))
    body = adapter.acknowledge([])
    assert body.status_code == 200 and b'"processed": 1' in body.content


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("@PemprovDKI @dinas_bm jalan berlubang https://t.co/x1 di Klender.", "jalan berlubang di Klender"),
        ("email saya rina@example.org", "email saya rina@example.org"),  # not a handle
        ("  -- got mampet --  ", "got mampet"),
    ],
)
def test_a_public_post_loses_handles_and_links(text, clean):
    assert pm.public_text_clean(text) == clean


def test_a_place_is_taken_from_the_text_only_when_it_is_clear():
    lat, lon, name = pm.place_from_text("got mampet di gg. mawar rt 05/03 pondok bambu duren sawit")
    assert name == "Pondok Bambu" and lat and lon
    assert pm.place_from_text("lampu mati di jl. pahlawan revolusi") is None  # three kelurahan fit
    assert pm.place_from_text("tolong segera diperbaiki") is None


def test_unreadable_photos_are_dropped_not_the_report(jpeg, settings):
    settings.SIGAP_PHOTOS_PER_REPORT = 2
    photos = [("a.jpg", jpeg()), ("b.txt", b"bukan foto"), ("c.jpg", jpeg()), ("d.jpg", jpeg())]
    assert [name for name, _raw in pm.photos_readable(photos)] == ["a.jpg", "c.jpg"]
