"""Telegram Bot API.

Webhook (setWebhook with ``secret_token``): every update carries ``X-Telegram-Bot-Api-Secret-Token``.
Updates: ``{"update_id", "message": {"message_id", "from": {...}, "chat": {"id"}, "text" | "photo": [...]
+ "caption" | "location": {"latitude", "longitude"}}}``. Photos: ``getFile`` then
``{api_base}/file/bot<token>/<file_path>``. Send: ``sendMessage``. Only private chats are read: a message from a
group, a supergroup or a channel is acknowledged and not taken.
"""

from __future__ import annotations

import logging

from .base import Adapter, Inbound, json_read, location_read, malformed

log = logging.getLogger(__name__)


# what a chat message may be that no step of a dialog takes: the resident is told so (``conversations``)
_NOT_TAKEN = ("voice", "audio", "video", "video_note", "sticker", "document", "animation", "contact", "poll")


class TelegramAdapter(Adapter):
    name = "telegram"
    required = ("bot_token", "secret_token")

    def verify(self, request, body: bytes) -> None:
        self.signature_check(request, "X-Telegram-Bot-Api-Secret-Token", self.config["secret_token"])

    def parse(self, request, body: bytes) -> list[Inbound]:
        try:
            update = json_read(self.name, body)
            # An edit ("edited_message": a new update for a message already taken) is not a new message: read as
            # one, fixing a typo after filing opened a new dialog, and mid-dialog it was added or taken as an answer.
            msg = update.get("message")
            if msg is None:
                return []
            if msg["chat"].get("type", "private") != "private":
                # A group (a bot added to an RT's group): its members would share one dialog keyed by the chat, the
                # names of all but the first writer would never be known to the door, and every answer (the tracking
                # code included) would go to the whole group (found by a review). Reports come by private chat.
                log.info("telegram: a message from a %s chat is not taken", msg["chat"].get("type"))
                return []
            sender = msg.get("from", {})
            inbound = Inbound(
                channel=self.name,
                message_id=str(update["update_id"]),
                sender=str(msg["chat"]["id"]),
                sender_name=" ".join(x for x in (sender.get("first_name", ""), sender.get("last_name", "")) if x),
                sender_handle=str(sender.get("username") or ""),
                language=(sender.get("language_code") or "")[:2],
            )
            if "text" in msg:
                inbound.text = msg["text"]
            if "photo" in msg:
                largest = max(msg["photo"], key=lambda p: p.get("file_size", 0) or p.get("width", 0))
                inbound.media = [{"id": largest["file_id"], "mime": "image/jpeg"}]
                inbound.text = msg.get("caption", "")
            elif str((msg.get("document") or {}).get("mime_type", "")).startswith("image/"):
                # a photo sent as a file (to keep its quality): a photo (a fault-injection review)
                inbound.media = [{"id": msg["document"]["file_id"], "mime": msg["document"]["mime_type"]}]
                inbound.text = msg.get("caption", "")
            elif not inbound.text and any(k in msg for k in _NOT_TAKEN):
                inbound.extra["unsupported"] = next(k for k in _NOT_TAKEN if k in msg)
            if "location" in msg:
                inbound.location = location_read(self.name, msg["location"]["latitude"], msg["location"]["longitude"])
            if not (inbound.text or inbound.media or inbound.location or inbound.extra):
                inbound.extra["not_a_message"] = "other"  # a dice, a game, a pinned notice: nobody's message
            return [inbound]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise malformed(self.name, type(exc).__name__) from None

    def _url(self, method: str) -> str:
        return f"{self.config['api_base']}/bot{self.config['bot_token']}/{method}"

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        with self.http() as client:
            response = client.get(self._url("getFile"), params={"file_id": media["id"]})
            response.raise_for_status()
            path = response.json()["result"]["file_path"]
        url = f"{self.config['api_base']}/file/bot{self.config['bot_token']}/{path}"
        return path.rsplit("/", 1)[-1], self.download(url)

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        with self.http() as client:
            response = client.post(self._url("sendMessage"), json={"chat_id": address, "text": text[:4096]})
            response.raise_for_status()
            return str(response.json()["result"]["message_id"])
