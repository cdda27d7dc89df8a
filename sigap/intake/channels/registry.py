from __future__ import annotations

from .base import Adapter, ChannelDisabled
from .email import EmailAdapter
from .lapor import LaporAdapter
from .meta import FacebookAdapter, InstagramAdapter
from .sms import SmsAdapter
from .telegram import TelegramAdapter
from .twitter import TwitterAdapter
from .whatsapp import WhatsAppAdapter

ADAPTERS: dict[str, Adapter] = {
    a.name: a
    for a in (
        WhatsAppAdapter(),
        TelegramAdapter(),
        SmsAdapter(),
        EmailAdapter(),
        TwitterAdapter(),
        FacebookAdapter(),
        InstagramAdapter(),
        LaporAdapter(),
    )
}


def register(adapter: Adapter) -> None:
    ADAPTERS[adapter.name] = adapter


def adapter_get(name: str) -> Adapter:
    adapter = ADAPTERS.get(name)
    if adapter is None or not adapter.enabled():
        raise ChannelDisabled(
            f"Kanal '{name}' tidak dikenal atau belum dikonfigurasi.", f"Channel '{name}' is unknown or not configured."
        )
    return adapter
