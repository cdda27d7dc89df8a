"""The small interface every channel implements.

Inbound: ``handshake`` (GET verification, if the service has one), ``verify`` (signature or secret on the
raw body; raise ``WebhookRefused``), ``parse`` (raw body → ``Inbound`` messages; raise ``WebhookRefused``
with 400 on malformed input), ``fetch_media`` (download a photo the message refers to).
Outbound: ``send(address, text, reply_context)`` → the service's message id.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING

from django.conf import settings

from sigap.core.errors import DomainError
from sigap.core.geo import on_earth

if TYPE_CHECKING:
    import httpx  # imported when a channel first calls out: a web process that never sends does not load it


class WebhookRefused(DomainError):
    status = 400
    code = "webhook_refused"


class ChannelDisabled(DomainError):
    status = 404
    code = "channel_disabled"


def _without_nul(value):
    """``value`` (JSON-like: dicts, lists, text) with every NUL character taken out of its texts and keys."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_without_nul(v) for v in value)
    return value


@dataclass
class Inbound:
    """One message from a resident, as any channel delivers it."""

    channel: str
    message_id: str
    sender: str  # the channel address (phone, chat id, email, account id): vault only
    sender_name: str = ""
    # the sender's user name on the channel (a Telegram @username, an X screen name): vault only, and a redaction
    # term, since a resident may sign with it
    sender_handle: str = ""
    text: str = ""
    media: list[dict] = field(default_factory=list)  # {"id"|"url"|"data_b64", "mime": ...}
    location: tuple[float, float] | None = None  # (lat, lon)
    reply_to: str = ""  # threading: email In-Reply-To, a tweet id, ...
    public: bool = False  # posted publicly (a tweet, a comment): answer publicly with the ticket number only
    language: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A NUL character (U+0000) means nothing in a chat message and PostgreSQL refuses it in text columns:
        # taken out here, once, for every channel (a webhook cannot be answered "remove it and send again").
        for name in ("message_id", "sender", "sender_name", "sender_handle", "text", "reply_to", "language"):
            value = getattr(self, name)
            if isinstance(value, str) and "\x00" in value:
                setattr(self, name, value.replace("\x00", ""))
        # and out of what the channel keeps beside them (an email's subject, a LAPOR! item's category), which is
        # read into the report too: one in a subject refused the whole email, unanswered; one in a LAPOR! category
        # failed its import on PostgreSQL at every run (a fault-injection review)
        self.extra = _without_nul(self.extra)

    def check(self) -> None:
        """Refuse (``malformed``, 400) what no channel sends, before anything is stored: a text field that is not
        text, a location that is not two finite coordinates on Earth, parts of a long message numbered outside
        1..255 (a network's most) or beyond their total. Stored, such a message failed in the inbox again and again
        while its sender had been told it arrived."""
        for name in ("message_id", "sender", "sender_name", "sender_handle", "text", "reply_to", "language"):
            if not isinstance(getattr(self, name), str):
                raise malformed(self.channel, f"{name} is not text")
        if "\ufffd" in self.message_id:  # a lone surrogate replaced (``json_read``): no channel sends such an id
            raise malformed(self.channel, "the message id is not text")
        if not isinstance(self.media, list) or not all(isinstance(m, dict) for m in self.media):
            raise malformed(self.channel, "media is not a list of objects")
        if self.location is not None:
            self.location = location_read(self.channel, *self.location)
        concat = self.extra.get("concat")
        if concat is not None and not (
            isinstance(concat, list)
            and len(concat) == 3
            and isinstance(concat[0], str)
            and all(type(n) is int and 1 <= n <= 255 for n in concat[1:])
            and concat[1] <= concat[2]
        ):
            raise malformed(self.channel, "parts of a long message numbered outside 1..255 or past their total")

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict) -> Inbound:
        """A stored message read back, by this release or the one before or after it (a rolling upgrade): a field
        this release does not know is left out rather than refusing the message."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        if data.get("location"):
            data["location"] = tuple(data["location"])
        return cls(**data)


def hmac_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def refuse_signature(channel: str) -> WebhookRefused:
    return WebhookRefused(
        f"Tanda tangan webhook {channel} tidak valid.",
        f"Invalid {channel} webhook signature.",
        code="bad_signature",
        status=401,
    )


def malformed(channel: str, what: str) -> WebhookRefused:
    return WebhookRefused(
        f"Data webhook {channel} tidak valid: {what}.",
        f"Malformed {channel} webhook: {what}.",
        code="malformed_webhook",
        status=400,
    )


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_read(channel: str, body: bytes):
    """A webhook's JSON body, or ``malformed``: not UTF-8, not JSON, or nested deeper than Python's parser recurses
    (``RecursionError``; no channel nests a payload more than a few levels).

    A lone surrogate (an escape such as ``\\ud800`` without its pair: valid JSON, yet no UTF-8 text can hold it)
    becomes U+FFFD wherever it stands, as a NUL is taken out of a message (``Inbound``): kept, it failed the
    message's storing with a 500 that the channel retried for days (a fuzzing review). A pair stays the
    character it encodes."""
    try:
        # every string, whatever spelled the surrogate: an escape, three raw bytes (which ``json.loads`` reads with
        # "surrogatepass"), or a UTF-16 body (a review found the escape-only check let the last two through)
        return _without_lone_surrogates(json.loads(body))
    except (ValueError, RecursionError) as exc:
        raise malformed(channel, type(exc).__name__) from None


def _without_lone_surrogates(value):
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def location_read(channel: str, lat, lon) -> tuple[float, float]:
    """(lat, lon) as two finite numbers on Earth, or ``malformed`` (a number too large for a float, text, NaN,
    a latitude past the poles)."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError, OverflowError):
        raise malformed(channel, "the location is not two numbers") from None
    if not on_earth(lat, lon):
        raise malformed(channel, "the location is not on Earth")
    return lat, lon


@functools.cache
def _tls_context():
    """The TLS context of outbound calls (httpx's default: the CA bundle, SSL_CERT_FILE/SSL_CERT_DIR honoured)."""
    import httpx

    return httpx.create_ssl_context()


class Adapter:
    name = ""
    #: ``send`` takes ``idempotency_key`` and the far end drops a repeat: the relay may resend a message whose
    #: outcome it does not know (exactly-once effect) instead of parking it as 'unknown'
    idempotent = False
    #: the field of the sender's identity record (in the vault) that holds their address on this channel:
    #: "phone" for channels addressed by phone number, else "handle"
    address_field = "handle"
    #: channel config keys that must be set for the channel to be enabled
    required: tuple[str, ...] = ()

    def parts_join(self, parts: list[Inbound]) -> Inbound:
        """One message made of the parts of a long one that the network split (``extra["concat"]``: reference,
        part number, parts in all), given in their order: their texts as written and their media, under the
        first part's id. A part missing for good leaves its place empty (``sigap.intake.inbox``)."""
        extra = {k: v for k, v in parts[0].extra.items() if k != "concat"}
        return replace(
            parts[0], text="".join(p.text or "" for p in parts), media=[m for p in parts for m in p.media], extra=extra
        )

    @property
    def config(self) -> dict:
        return settings.SIGAP_CHANNELS.get(self.name, {})

    def enabled(self) -> bool:
        return all(self.config.get(k) for k in self.required)

    def handshake(self, request):  # GET verification; None = not supported
        return None

    def signature_check(self, request, header: str, expected: str) -> None:
        """Refuse the delivery unless request header ``header`` is exactly ``expected`` (constant time,
        compared as bytes so a non-ASCII header is refused rather than raising)."""
        got = request.headers.get(header, "")
        if not got or not hmac.compare_digest(got.encode(), expected.encode()):
            raise refuse_signature(self.name)

    def hub_challenge(self, request):
        """Meta's GET verification (WhatsApp, Facebook, Instagram): echo hub.challenge when the token matches."""
        from django.http import HttpResponse

        token = request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        if (
            request.GET.get("hub.mode") == "subscribe"
            and challenge
            and hmac.compare_digest(token.encode(), self.config["verify_token"].encode())
        ):
            return HttpResponse(challenge, content_type="text/plain")
        return HttpResponse("verification failed", status=403, content_type="text/plain")

    def verify(self, request, body: bytes) -> None:
        raise NotImplementedError

    def parse(self, request, body: bytes) -> list[Inbound]:
        raise NotImplementedError

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        raise NotImplementedError

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        raise NotImplementedError

    def dialog_text(self, inbound: Inbound, data: dict) -> str | None:
        """The text the chat dialog (``sigap.intake.conversations``) takes from this message.

        ``data`` is what the dialog has collected so far (``texts``, ``location``, ``address``, ``category``,
        ...); an adapter whose messages carry more than text may fill it (the SMS keyword format). ``None``:
        the message is not complete yet; the dialog saves ``data`` and waits."""
        return (inbound.text or "").strip()

    # helpers
    def http(self) -> httpx.Client:
        # One TLS context per process: building it (the CA bundle) costs far more than a send (~0.1 s here).
        import httpx

        return httpx.Client(timeout=httpx.Timeout(15.0, connect=5.0), follow_redirects=False, verify=_tls_context())

    def download(self, url: str, headers: dict | None = None) -> bytes:
        limit = settings.SIGAP_MEDIA_MAX_BYTES
        with self.http() as client, client.stream("GET", url, headers=headers or {}) as response:
            response.raise_for_status()
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise DomainError(
                        "Berkas media terlalu besar.",
                        "The media file is too large.",
                        code="media_too_large",
                        status=413,
                    )
                chunks.append(chunk)
        return b"".join(chunks)
