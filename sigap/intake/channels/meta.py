"""Facebook Page and Instagram professional account (Meta Graph API webhooks).

Webhook (one callback URL per product, ``/channels/facebook/webhook`` and ``/channels/instagram/webhook``):
GET verification (``hub.mode=subscribe``, ``hub.verify_token``, ``hub.challenge``); every POST is signed with
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``. Payload ``{"object": "page" |
"instagram", "entry": [{"id", "time", "messaging": [...], "changes": [...]}]}``.

* ``entry[].messaging[]``: a direct message (Messenger / Instagram Direct): ``sender.id`` (PSID / IGSID),
  ``message.mid``, ``message.text``, ``message.attachments[]`` (``image`` → ``payload.url``, downloaded by
  ``fetch_media``; ``location`` → ``payload.coordinates.lat/long``). Echoes of our own messages are dropped.
  Direct messages go to the normal chat dialog.
* ``entry[].changes[]`` (public): a Page comment (``field: feed``, ``value.item: comment``, ``verb: add``,
  ``value.comment_id``, ``value.from``, ``value.message``, ``value.photo``), an Instagram comment
  (``field: comments``, ``value.id``, ``value.from.id`` = IGSID, ``value.text``, ``value.media.id``) or an
  Instagram @mention (``field: mentions``, ``value.comment_id`` and/or ``value.media_id``; the text is read
  through ``mentioned_comment`` / ``mentioned_media``). Like a public tweet: a private report at once, a
  public reply with the ticket number only, everything else privately (``sigap.intake.public_mentions``).

Answers (bearer: the Page access token):
* public reply: Facebook ``POST {api_base}/{comment_id}/comments {"message"}``; Instagram
  ``POST {api_base}/{comment_id}/replies {"message"}``, for a mention ``POST {api_base}/{ig user}/mentions``;
* the first private message to a commenter is a *private reply* ``POST {api_base}/me/messages
  {"recipient": {"comment_id"}, "message": {"text"}}`` (Meta allows one per comment); the PSID/IGSID it
  answers with becomes the resident's address for everything after it;
* otherwise the Send API ``POST {api_base}/me/messages {"recipient": {"id"}, "message": {"text"}}``
  (Messenger: ``messaging_type MESSAGE_TAG``, ``tag ACCOUNT_UPDATE``, so status updates may arrive after
  the 24-hour window).
"""

from __future__ import annotations

import logging

from ..public_mentions import PublicMentionsMixin, media_fetch_tolerant, public_mention_file
from .base import Adapter, Inbound, hmac_hex, json_read, location_read, malformed

log = logging.getLogger(__name__)
COMMENT = "comment:"


def _gone(response) -> bool:
    """Whether Graph says the object asked for does not exist: a 404, or a 400 whose error is code 100 with subcode
    33 or a message that it "does not exist" (Graph sends both shapes). Any other 400 (an expired token, a rate
    limit, a field we asked for wrongly) is not: the delivery is asked for again and the fault is seen."""
    if response.status_code == 404:
        return True
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("code") != 100:
        return False
    return error.get("error_subcode") == 33 or "does not exist" in str(error.get("message", "")).lower()


class MetaAdapter(PublicMentionsMixin, Adapter):
    name = ""
    object_type = ""
    token_key = ""
    ids_key = ""

    def _ours(self) -> set[str]:
        return {a.strip() for a in str(self.config.get(self.ids_key, "")).split(",") if a.strip()}

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.config[self.token_key]}"}

    # --- inbound ------------------------------------------------------------------------------
    def handshake(self, request):
        return self.hub_challenge(request)

    def verify(self, request, body: bytes) -> None:
        self.signature_check(request, "X-Hub-Signature-256", "sha256=" + hmac_hex(self.config["app_secret"], body))

    def events(self, body: bytes) -> tuple[list[Inbound], list[Inbound]]:
        try:
            data = json_read(self.name, body)
            if data.get("object") != self.object_type:
                raise malformed(self.name, f"object is not {self.object_type}")
            ours = self._ours()
            public, private = [], []
            for entry in data["entry"]:
                for event in entry.get("messaging", []) or []:
                    inbound = self._message(event, ours)
                    if inbound is not None:
                        private.append(inbound)
                for change in entry.get("changes", []) or []:
                    inbound = self._change(str(entry.get("id", "")), change, ours)
                    if inbound is not None:
                        public.append(inbound)
            return public, private
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise malformed(self.name, type(exc).__name__) from None

    def _message(self, event: dict, ours: set[str]) -> Inbound | None:
        message = event.get("message")
        sender = str(event["sender"]["id"])
        if not message or message.get("is_echo") or sender in ours:
            return None
        inbound = Inbound(
            channel=self.name, message_id=f"dm:{message['mid']}", sender=sender, text=message.get("text", "")
        )
        for attachment in message.get("attachments", []) or []:
            payload = attachment.get("payload") or {}
            if attachment.get("type") == "image" and payload.get("url"):
                inbound.media.append({"url": payload["url"], "mime": "image/jpeg"})
            elif attachment.get("type") == "location" and payload.get("coordinates"):
                inbound.location = location_read(
                    self.name, payload["coordinates"]["lat"], payload["coordinates"]["long"]
                )
        return inbound

    def _change(self, entry_id: str, change: dict, ours: set[str]) -> Inbound | None:
        raise NotImplementedError

    def public_handle(self, inbound: Inbound):
        self.public_prepare(inbound)
        photos = media_fetch_tolerant(self, inbound)
        return public_mention_file(
            inbound, private_handle=inbound.sender, public_target=f"{self.name}:{inbound.reply_to}", photos=photos
        )

    def public_prepare(self, inbound: Inbound) -> None:
        """Complete what the webhook did not carry (Instagram mentions)."""

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        # CDN links come signed in the (verified) payload: no token is sent to them
        return f"{self.name}-photo.jpg", self.download(media["url"])

    # --- outbound -----------------------------------------------------------------------------
    def _post(self, path: str, body: dict) -> dict:
        with self.http() as client:
            response = client.post(f"{self.config['api_base']}/{path}", json=body, headers=self._auth())
            response.raise_for_status()
            return response.json()

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        if reply_context.startswith(f"{self.name}:"):
            return self.public_reply(reply_context[len(self.name) + 1 :], text)
        if address.startswith(COMMENT):
            return self._private_reply(address, text)
        return str(self._post("me/messages", self.message_body(address, text)).get("message_id", ""))

    def public_reply(self, target: str, text: str) -> str:
        raise NotImplementedError

    def message_body(self, recipient: str, text: str) -> dict:
        return {"recipient": {"id": recipient}, "message": {"text": text[:2000]}}

    def _private_reply(self, address: str, text: str) -> str:
        """The first private message to a commenter; its answer names the PSID/IGSID to use from now on."""
        from sigap.privacy import vault

        from ..inbox import message_keys
        from ..models import InboundMessage

        comment_id, _sep, fallback = address[len(COMMENT) :].partition(":")
        answer = self._post("me/messages", {"recipient": {"comment_id": comment_id}, "message": {"text": text[:2000]}})
        recipient = str(answer.get("recipient_id") or fallback or "")
        ref = (
            InboundMessage.objects.filter(
                channel=self.name,
                message_id__in=[
                    key for kind in ("comment", "mention") for key in message_keys(self.name, f"{kind}:{comment_id}")
                ],
            )
            .exclude(report=None)
            .values_list("report__reporter_ref", flat=True)
            .first()
        )
        if ref:
            # Meta allows one private reply per comment: from now on the PSID/IGSID, or no private route at all
            vault.identity_update(ref, handle=recipient)
        return str(answer.get("message_id", ""))


class FacebookAdapter(MetaAdapter):
    name = "facebook"
    object_type = "page"
    token_key = "page_token"
    ids_key = "page_ids"
    required = ("app_secret", "verify_token", "page_token")

    def _change(self, entry_id: str, change: dict, ours: set[str]) -> Inbound | None:
        value = change.get("value") or {}
        if change.get("field") != "feed" or value.get("item") != "comment" or value.get("verb") != "add":
            return None
        author = value.get("from") or {}
        if str(author.get("id", "")) in ours:
            return None  # the page's own comment (our public answers too)
        comment_id = str(value["comment_id"])
        inbound = Inbound(
            channel=self.name,
            message_id=f"comment:{comment_id}",
            sender=f"{COMMENT}{comment_id}",
            sender_name=str(author.get("name", "")),
            text=value.get("message", ""),
            public=True,
            reply_to=comment_id,
        )
        if value.get("photo"):
            inbound.media = [{"url": value["photo"], "mime": "image/jpeg"}]
        return inbound

    def public_reply(self, target: str, text: str) -> str:
        return str(self._post(f"{target}/comments", {"message": text[:8000]})["id"])

    def message_body(self, recipient: str, text: str) -> dict:
        return {
            "recipient": {"id": recipient},
            "messaging_type": "MESSAGE_TAG",
            "tag": "ACCOUNT_UPDATE",
            "message": {"text": text[:2000]},
        }


class InstagramAdapter(MetaAdapter):
    name = "instagram"
    object_type = "instagram"
    token_key = "access_token"
    ids_key = "account_ids"
    required = ("app_secret", "verify_token", "access_token")

    def _change(self, entry_id: str, change: dict, ours: set[str]) -> Inbound | None:
        value = change.get("value") or {}
        field = change.get("field")
        if field == "comments":
            author = value.get("from") or {}
            igsid = str(author.get("id", ""))
            if igsid in ours or str(author.get("self_ig_scoped_id", "")) in ours:
                return None
            comment_id = str(value["id"])
            return Inbound(
                channel=self.name,
                message_id=f"comment:{comment_id}",
                sender=f"{COMMENT}{comment_id}:{igsid}",
                sender_name=str(author.get("username", "")),
                sender_handle=str(author.get("username", "")),  # a user name: matched whole, digits and all
                text=value.get("text", ""),
                public=True,
                reply_to=comment_id,
            )
        if field == "mentions":
            media_id = str(value["media_id"])
            comment_id = str(value.get("comment_id") or "")
            key = comment_id or f"media-{media_id}"
            return Inbound(
                channel=self.name,
                message_id=f"mention:{key}",
                sender=f"{COMMENT}{comment_id}:" if comment_id else "",
                public=True,
                reply_to=f"mention:{entry_id}:{media_id}:{comment_id}",
                extra={"mention": {"account": entry_id, "media_id": media_id, "comment_id": comment_id}},
            )
        return None

    def public_prepare(self, inbound: Inbound) -> None:
        mention = inbound.extra.get("mention")
        if not mention:
            return
        if mention["comment_id"]:
            fields = f"mentioned_comment.comment_id({mention['comment_id']}){{id,text,username,timestamp}}"
            key = "mentioned_comment"
        else:
            fields = f"mentioned_media.media_id({mention['media_id']}){{id,caption,username,media_type,media_url}}"
            key = "mentioned_media"
        with self.http() as client:
            response = client.get(
                f"{self.config['api_base']}/{mention['account']}", params={"fields": fields}, headers=self._auth()
            )
            if _gone(response):
                # the comment or post was deleted before we read it: nothing to file, and asking again gets the same
                # answer. Raised, it was a 503 for ever and took the delivery's messages with it (a review). Any other
                # refusal (an expired token, a rate limit) is still raised: the delivery is asked for again.
                log.info("instagram: a mention's %s no longer exists; nothing to file", key)
                inbound.text = ""
                return
            response.raise_for_status()
            found = response.json().get(key) or {}
        inbound.text = found.get("text") or found.get("caption") or ""
        inbound.sender_name = inbound.sender_handle = str(found.get("username", ""))
        if found.get("media_type") == "IMAGE" and found.get("media_url"):
            inbound.media = [{"url": found["media_url"], "mime": "image/jpeg"}]

    def public_reply(self, target: str, text: str) -> str:
        if target.startswith("mention:"):
            _kind, account, media_id, comment_id = target.split(":", 3)
            body = {"media_id": media_id, "message": text[:2200]}
            if comment_id:
                body["comment_id"] = comment_id
            return str(self._post(f"{account}/mentions", body)["id"])
        return str(self._post(f"{target}/replies", {"message": text[:2200]})["id"])
