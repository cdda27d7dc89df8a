"""The channel registry: adapters are found by looking at the package, a new channel is one file, and the relay
finds each channel's sender without importing intake."""

from __future__ import annotations

import json

import pytest

from sigap.intake.channels import registry
from sigap.intake.channels.base import Adapter, Inbound, malformed
from sigap.intake.models import Conversation, InboundMessage
from sigap.privacy import senders
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_every_shipped_adapter_is_discovered_and_is_the_sender_of_its_channel():
    shipped = {"whatsapp", "telegram", "sms", "email", "twitter", "facebook", "instagram", "lapor"}
    assert set(registry.ADAPTERS) == shipped
    for name, adapter in registry.ADAPTERS.items():
        assert adapter.name == name and senders.sender_get(name) is adapter
    # discovering again finds the same adapters (nothing doubles, nothing is replaced)
    before = dict(registry.ADAPTERS)
    registry.discover()
    assert before == registry.ADAPTERS


def test_the_registry_names_no_channel_and_the_relay_does_not_import_intake():
    """Adapters are found, not listed; the relay (below intake) reaches senders through ``privacy.senders``."""
    import ast
    import inspect

    from sigap.privacy import relay

    source = inspect.getsource(registry).lower()
    for name in ("whatsapp", "telegram", "sms", "email", "twitter", "facebook", "instagram", "lapor", "meta"):
        assert f".{name}" not in source and f"{name}adapter" not in source, name
    for module in (relay, senders):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.startswith("sigap.intake") for n in names), (module.__name__, names)


class ThrowawayAdapter(Adapter):
    """A channel written for this test only: JSON in, a list as its far end."""

    name = "call_center"  # a channel the reports know, that has no adapter of its own
    required = ("secret",)

    def __init__(self):
        self.outbox: list[tuple[str, str]] = []

    def verify(self, request, body: bytes) -> None:
        self.signature_check(request, "X-Throwaway-Secret", self.config["secret"])

    def parse(self, request, body: bytes) -> list[Inbound]:
        try:
            data = json.loads(body)
            return [
                Inbound(
                    channel=self.name,
                    message_id=str(data["id"]),
                    sender=str(data["from"]),
                    text=data.get("text", ""),
                    location=tuple(data["location"]) if data.get("location") else None,
                )
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(self.name, type(exc).__name__) from None

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        self.outbox.append((address, text))
        return f"throwaway-{len(self.outbox)}"


@pytest.fixture
def throwaway(settings):
    settings.SIGAP_CHANNELS = {**settings.SIGAP_CHANNELS, "call_center": {"secret": "s3cret"}}
    adapter = ThrowawayAdapter()
    registry.register(adapter)
    yield adapter
    registry.unregister(adapter.name)
    assert senders.sender_get(adapter.name) is None


def test_a_throwaway_adapter_works_end_to_end_through_the_registry(deliver, throwaway):
    """Registered at run time, touching no other file: webhook, the chat dialog, one report, every answer sent."""
    lat, lon = inner_point("31.75.07.1002")
    messages = [
        {"id": "t1", "from": "caller-42", "text": "Got mampet di depan rumah, air meluap ke jalan kalau hujan"},
        {"id": "t2", "from": "caller-42", "location": [lat, lon]},
        {"id": "t3", "from": "caller-42", "text": "ya"},
        {"id": "t4", "from": "caller-42", "text": "1"},
    ]
    assert deliver("call_center", b"{}", {"X-Throwaway-Secret": "wrong"}).status_code == 401
    for message in messages:
        response = deliver("call_center", json.dumps(message).encode(), {"X-Throwaway-Secret": "s3cret"})
        assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert report.channel == "call_center" and report.unit.code == "kel:31.75.07.1002"
    assert Conversation.objects.get().state == "filed"
    assert InboundMessage.objects.filter(state="processed").count() == 4
    # the relay found the sender through the registry: four answers to the caller, the last with the number
    assert [address for address, _text in throwaway.outbox] == ["caller-42"] * 4
    assert report.number in throwaway.outbox[-1][1]
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_an_unregistered_channel_is_refused_and_its_messages_are_held(deliver, throwaway):
    registry.unregister(throwaway.name)
    response = deliver("call_center", b"{}", {"X-Throwaway-Secret": "s3cret"})
    assert response.status_code == 404 and response.json()["code"] == "channel_disabled"
