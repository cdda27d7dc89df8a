"""SMS through an HTTP gateway (the usual Indonesian SMS gateway shape).

Inbound: ``POST`` form-encoded or JSON with ``from``, ``text`` (or ``message``), ``id`` (the gateway's
message id) and, for a long message split by the network, ``concat_ref``, ``concat_part``,
``concat_total``. Authenticated by ``X-Sigap-Signature: sha256=<HMAC-SHA256(inbound secret, raw body)>``.
Optional keyword format: ``LAPOR#<category>#<lokasi>#<uraian>``.
Outbound: ``POST outbound_url`` JSON ``{"to", "text"}`` with a bearer token; texts longer than one SMS
are sent as several parts of at most 153 characters, each numbered.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from .base import Adapter, Inbound, hmac_hex, json_read, malformed

SEGMENT = 153


def split_sms(text: str, size: int = SEGMENT) -> list[str]:
    text = text.strip()
    if len(text) <= 160:
        return [text]
    words, parts, current = text.split(" "), [], ""
    budget = size - 6  # room for " (1/3)"
    for word in words:
        while len(word) > budget:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:budget])
            word = word[budget:]
        candidate = f"{current} {word}".strip()
        if len(candidate) > budget:
            parts.append(current)
            current = word
        else:
            current = candidate
    if current:
        parts.append(current)
    return [f"{p} ({i}/{len(parts)})" for i, p in enumerate(parts, 1)]


def parse_keyword(text: str, keyword: str) -> dict | None:
    """``LAPOR#jalan-rusak#Pondok Bambu, Jl. Pahlawan Revolusi#Jalan berlubang`` → fields, else None."""
    parts = [p.strip() for p in text.split("#")]
    if len(parts) >= 4 and parts[0].upper() == keyword.upper():
        return {"category": parts[1].lower(), "location_text": parts[2], "text": "#".join(parts[3:]).strip()}
    return None


class SmsAdapter(Adapter):
    name = "sms"
    address_field = "phone"
    required = ("inbound_secret",)

    def verify(self, request, body: bytes) -> None:
        self.signature_check(request, "X-Sigap-Signature", "sha256=" + hmac_hex(self.config["inbound_secret"], body))

    def parse(self, request, body: bytes) -> list[Inbound]:
        content_type = (request.content_type or "").lower()
        try:
            if content_type == "application/json":
                data = json_read(self.name, body)
            elif content_type in ("application/x-www-form-urlencoded", ""):
                data = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), strict_parsing=bool(body)).items()}
            else:
                raise malformed(self.name, f"unsupported content type {content_type}")
            sender = str(data["from"]).strip()
            text = str(data.get("text", data.get("message", "")))
            message_id = str(data["id"]).strip()
            if not sender or not message_id:
                raise malformed(self.name, "from and id are required")
        except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
            raise malformed(self.name, f"missing or invalid field ({type(exc).__name__})") from None
        inbound = Inbound(channel=self.name, message_id=message_id, sender=sender, text=text)
        if data.get("concat_ref"):
            try:
                inbound.extra["concat"] = [str(data["concat_ref"]), int(data["concat_part"]), int(data["concat_total"])]
            except (KeyError, TypeError, ValueError, OverflowError):
                raise malformed(self.name, "concat_ref needs concat_part and concat_total") from None
        self._keyword_read(inbound)
        return [inbound]

    def _keyword_read(self, inbound: Inbound) -> Inbound:
        inbound.extra.pop("keyword", None)
        keyword = parse_keyword(inbound.text, self.config.get("keyword") or "LAPOR")
        if keyword:
            inbound.extra["keyword"] = keyword
        return inbound

    def parts_join(self, parts: list[Inbound]) -> Inbound:
        """A long SMS in the keyword format is read as one: its description often runs into the later parts."""
        return self._keyword_read(super().parts_join(parts))

    def dialog_text(self, inbound: Inbound, data: dict) -> str | None:
        """The keyword format fills the dialog at once (the parts of a long message arrive here joined: the inbox
        waits for them, ``sigap.intake.inbox``)."""
        from sigap.organization.models import Category

        from ..conversations import dialog_place
        from ..services import Reporter, door_terms

        text = (inbound.text or "").strip()
        keyword = inbound.extra.get("keyword")
        if keyword and keyword["text"] in data["texts"]:
            # the same report sent again (no answer seen yet, a phone's retry): the question it is at is asked again
            data["places_again"] = True
            return ""
        if keyword and not data["texts"]:
            # "LAPOR#<kategori>#<lokasi>#<uraian>": everything in one SMS
            data["texts"].append(keyword["text"])
            if Category.objects.filter(code=keyword["category"], active=True).exists():
                data["category"], data["category_confirmed"] = keyword["category"], True
            sender = Reporter(name=inbound.sender_name or "", phone=inbound.sender)
            dialog_place(data, keyword["location_text"], identity=door_terms(sender))
            if data["location"]:
                data["address"] = keyword["location_text"]
            text = ""
        return text

    #: the gateway takes an Idempotency-Key: a message resent after a lost answer is not sent twice
    idempotent = True

    def send(self, address: str, text: str, *, reply_context: str = "", idempotency_key: str = "") -> str:
        if not self.config.get("outbound_url"):
            raise RuntimeError("SMS outbound gateway not configured")
        ids = []
        with self.http() as client:
            for i, part in enumerate(split_sms(text)):
                headers = {"Authorization": f"Bearer {self.config.get('outbound_token', '')}"}
                if idempotency_key:
                    headers["Idempotency-Key"] = f"{idempotency_key}-{i + 1}"
                response = client.post(self.config["outbound_url"], json={"to": address, "text": part}, headers=headers)
                response.raise_for_status()
                ids.append(str(response.json().get("id", "")))
        return ",".join(ids)
