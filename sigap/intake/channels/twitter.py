"""Twitter/X through the Account Activity API (webhooks) and the X API v2 (answers).

Webhook: a Challenge-Response Check ``GET ?crc_token=...`` answered with
``{"response_token": "sha256=" + base64(HMAC-SHA256(consumer secret, crc_token))}``; every POST is signed
with ``x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>``.
Payload: ``{"for_user_id", "tweet_create_events": [<v1.1 Tweet>]}`` or
``{"for_user_id", "direct_message_events": [{"type": "message_create", "id", "message_create": {"sender_id",
"target": {"recipient_id"}, "message_data": {"text", "attachment"}}}], "users": {...}}``.

* A tweet that mentions (or replies to) one of the city's accounts (``account_ids``) is a public complaint:
  a private report is filed at once and the tweet gets a public reply with the ticket number only
  (``sigap.intake.public_mentions``). Our own tweets, retweets, tweets by accounts the city blocked and
  replies to our own public answers are acknowledged and ignored.
* A direct message is a private conversation: it goes to the normal chat dialog.

Answers: ``POST {api_base}/2/tweets {"text", "reply": {"in_reply_to_tweet_id"}}`` for the public reply
(a notification whose ``reply_context`` is ``twitter:<tweet id>``), ``POST
{api_base}/2/dm_conversations/with/{user id}/messages {"text"}`` for everything private. Both with the
bearer token, which must be a user-context token of the city's account (OAuth 2.0 with tweet.write and
dm.write scopes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

from django.http import JsonResponse

from ..public_mentions import PublicMentionsMixin, media_fetch_tolerant, public_mention_file, public_reply_sent_for
from .base import Adapter, Inbound, json_read, location_read, malformed

PUBLIC_PREFIX = "twitter:"


def crc_response_token(secret: str, crc_token: str) -> str:
    digest = hmac.new(secret.encode(), crc_token.encode(), hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


class TwitterAdapter(PublicMentionsMixin, Adapter):
    name = "twitter"
    required = ("consumer_secret", "bearer_token", "account_ids")

    def _accounts(self) -> set[str]:
        return {a.strip() for a in str(self.config.get("account_ids", "")).split(",") if a.strip()}

    # --- inbound ------------------------------------------------------------------------------
    def handshake(self, request):
        token = request.GET.get("crc_token", "")
        if not token:
            return JsonResponse(
                {"code": "crc_token_missing", "message": "crc_token wajib.", "message_en": "crc_token is required."},
                status=400,
            )
        return JsonResponse({"response_token": crc_response_token(self.config["consumer_secret"], token)})

    def verify(self, request, body: bytes) -> None:
        self.signature_check(
            request,
            "x-twitter-webhooks-signature",
            "sha256="
            + base64.b64encode(
                hmac.new(self.config["consumer_secret"].encode(), body, hashlib.sha256).digest()
            ).decode(),
        )

    def events(self, body: bytes) -> tuple[list[Inbound], list[Inbound]]:
        """(public mentions, direct messages) of one webhook delivery; everything else is dropped."""
        try:
            data = json_read(self.name, body)
            if not isinstance(data, dict):
                raise malformed(self.name, "not an object")
            ours = self._accounts()
            public = []
            if str(data.get("user_has_blocked", "false")).lower() != "true":
                for tweet in data.get("tweet_create_events", []):
                    inbound = self._tweet(tweet, ours)
                    if inbound is not None:
                        public.append(inbound)
            users = data.get("users", {}) or {}
            private = []
            for event in data.get("direct_message_events", []):
                inbound = self._dm(event, ours, users)
                if inbound is not None:
                    private.append(inbound)
            return public, private
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise malformed(self.name, type(exc).__name__) from None

    def _tweet(self, tweet: dict, ours: set[str]) -> Inbound | None:
        user = tweet["user"]
        author = str(user["id_str"] if "id_str" in user else user["id"])
        tweet_id = str(tweet["id_str"] if "id_str" in tweet else tweet["id"])
        if author in ours or "retweeted_status" in tweet:
            return None
        mentioned = {
            str(m.get("id_str") or m.get("id")) for m in (tweet.get("entities", {}) or {}).get("user_mentions", [])
        }
        reply_to_user = str(tweet.get("in_reply_to_user_id_str") or "")
        if not (mentioned & ours or reply_to_user in ours):
            return None  # an event of the subscribed account that is not addressed to it
        if public_reply_sent_for(self.name, str(tweet.get("in_reply_to_status_id_str") or "")):
            return None  # "terima kasih" under our own public answer is not a new complaint
        extended = tweet.get("extended_tweet") or {}
        text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text", "")
        inbound = Inbound(
            channel=self.name,
            message_id=f"tweet:{tweet_id}",
            sender=author,
            sender_name=str(user.get("name", "")),
            sender_handle=str(user.get("screen_name") or ""),
            text=text,
            public=True,
            language=(tweet.get("lang") or "")[:2],
            reply_to=tweet_id,
        )
        coordinates = (tweet.get("coordinates") or {}).get("coordinates")
        if coordinates and len(coordinates) == 2:
            inbound.location = location_read(self.name, coordinates[1], coordinates[0])  # GeoJSON order: lon, lat
        entities = extended.get("extended_entities") or tweet.get("extended_entities") or {}
        inbound.media = [
            {"url": m["media_url_https"], "mime": "image/jpeg"}
            for m in entities.get("media", [])
            if m.get("type") == "photo" and m.get("media_url_https")
        ]
        return inbound

    def _dm(self, event: dict, ours: set[str], users: dict) -> Inbound | None:
        if event.get("type") != "message_create":
            return None
        create = event["message_create"]
        sender = str(create["sender_id"])
        if sender in ours:
            return None  # the echo of a message we sent
        data = create.get("message_data", {}) or {}
        inbound = Inbound(
            channel=self.name,
            message_id=f"dm:{event['id']}",
            sender=sender,
            sender_name=str((users.get(sender) or {}).get("name", "")),
            sender_handle=str((users.get(sender) or {}).get("screen_name") or ""),
            text=data.get("text", ""),
        )
        media = (data.get("attachment") or {}).get("media") or {}
        if media.get("media_url_https") and media.get("type", "photo") == "photo":
            inbound.media = [{"url": media["media_url_https"], "mime": "image/jpeg"}]
            url = media.get("url")  # the t.co link of the attachment is appended to the text
            if url:
                inbound.text = inbound.text.replace(url, "").strip()
        return inbound

    def public_handle(self, inbound: Inbound):
        photos = media_fetch_tolerant(self, inbound)
        return public_mention_file(
            inbound, private_handle=inbound.sender, public_target=f"{PUBLIC_PREFIX}{inbound.reply_to}", photos=photos
        )

    # --- outbound -----------------------------------------------------------------------------
    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.config['bearer_token']}"}

    def fetch_media(self, media: dict) -> tuple[str, bytes]:
        # the token goes only to X's own hosts (DM photos live behind auth on ton.twitter.com)
        host = urlsplit(media["url"]).hostname or ""
        trusted = {urlsplit(self.config["api_base"]).hostname, "ton.twitter.com"}
        return "twitter-photo.jpg", self.download(media["url"], headers=self._auth() if host in trusted else {})

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        with self.http() as client:
            if reply_context.startswith(PUBLIC_PREFIX):
                # the public answer to a tweet: the ticket number only (written by public_mentions)
                body = {"text": text[:280], "reply": {"in_reply_to_tweet_id": reply_context[len(PUBLIC_PREFIX) :]}}
                response = client.post(f"{self.config['api_base']}/2/tweets", json=body, headers=self._auth())
                response.raise_for_status()
                return str(response.json()["data"]["id"])
            response = client.post(
                f"{self.config['api_base']}/2/dm_conversations/with/{address}/messages",
                json={"text": text[:10000]},
                headers=self._auth(),
            )
            response.raise_for_status()
            return str(response.json()["data"]["dm_event_id"])
