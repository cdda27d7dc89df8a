"""WhatsApp Business Cloud API (Meta Graph API).

Webhook: GET verification (hub.mode=subscribe, hub.verify_token, hub.challenge); POST notifications
signed with ``X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>``; payload
``{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value":
{"messages": [...], "contacts": [...]}}]}]}`` with text, image (a media id) and location messages.
Media: ``GET {api_base}/{media-id}`` → ``{"url": ...}``, then ``GET url`` with the bearer token.
Send: ``POST {api_base}/{phone-number-id}/messages`` with a text message.
"""

from __future__ import annotations

from .base import Adapter, Inbound, hmac_hex, json_read, location_read, malformed

# what a resident may send that no dialog step takes: they are told so (``conversations._unsupported_told``); every
# other type (a thumbs-up reaction to "laporan diterima", a system notice) is nobody's message and is answered with nothing
_TOLD = frozenset({"audio", "voice", "video", "sticker", "document", "contacts", "image_gallery"})


class WhatsAppAdapter(Adapter):
    name = "whatsapp"
    address_field = "phone"
    required = ("verify_token", "app_secret", "access_token", "phone_number_id")

    def handshake(self, request):
        return self.hub_challenge(request)

    def verify(self, request, body: bytes) -> None:
        self.signature_check(request, "X-Hub-Signature-256", "sha256=" + hmac_hex(self.config["app_secret"], body))

    def parse(self, request, body: bytes) -> list[Inbound]:
        try:
            data = json_read(self.name, body)
            if data.get("object") != "whatsapp_business_account":
                raise malformed(self.name, "object is not whatsapp_business_account")
            out = []
            for entry in data["entry"]:
                for change in entry.get("changes", []):
                    if change.get("field") != "messages":
                        continue
                    value = change["value"]
                    names = {c.get("wa_id"): c.get("profile", {}).get("name", "") for c in value.get("contacts", [])}
                    for msg in value.get("messages", []):
                        out.append(self._message(msg, names))
            return out
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise malformed(self.name, type(exc).__name__) from None

    def _message(self, msg: dict, names: dict) -> Inbound:
        kind = msg["type"]
        inbound = Inbound(
            channel=self.name,
            message_id=str(msg["id"]),
            sender=str(msg["from"]),
            sender_name=names.get(msg["from"], ""),
        )
        if kind == "text":
            inbound.text = msg["text"]["body"]
        elif kind == "image":
            inbound.media = [{"id": msg["image"]["id"], "mime": msg["image"].get("mime_type", "")}]
            inbound.text = msg["image"].get("caption", "")
        elif kind == "document" and str(msg["document"].get("mime_type", "")).startswith("image/"):
            # a photo sent as a file (to keep its quality): a photo (a fault-injection review)
            inbound.media = [{"id": msg["document"]["id"], "mime": msg["document"]["mime_type"]}]
            inbound.text = msg["document"].get("caption", "")
        elif kind == "location":
            loc = msg["location"]
            inbound.location = location_read(self.name, loc["latitude"], loc["longitude"])
            inbound.text = " ".join(x for x in (loc.get("name", ""), loc.get("address", "")) if x)
        elif kind in _TOLD:
            inbound.extra["unsupported"] = kind
        else:  # a reaction, a system notice, an edit: nobody's message to answer
            inbound.extra["not_a_message"] = kind
        return inbound

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.config['access_token']}"}

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        with self.http() as client:
            meta = client.get(f"{self.config['api_base']}/{media['id']}", headers=self._auth())
            meta.raise_for_status()
            url = meta.json()["url"]
        return f"whatsapp-{media['id']}.jpg", self.download(url, headers=self._auth())

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": address,
            "type": "text",
            "text": {"preview_url": False, "body": text[:4096]},
        }
        with self.http() as client:
            response = client.post(
                f"{self.config['api_base']}/{self.config['phone_number_id']}/messages", json=body, headers=self._auth()
            )
            response.raise_for_status()
            return response.json()["messages"][0]["id"]
