"""Public complaints (a tweet, a Facebook or Instagram comment) become private reports; and the one
processing path shared by every channel whose messages are not a chat dialog (public posts, email, LAPOR!).

A public post is answered publicly with the ticket number and nothing else from the case; everything
after that (the tracking code, every status change) goes privately (DM, private reply). The public
answer is a ``Notification`` of kind ``public_ack`` whose ``reply_context`` is ``"<channel>:<object id>"``:
the channel adapter reads it and replies to that object instead of messaging the resident privately, so
the public answer goes through the outbox and the relay exactly once, like any other message.

Processing: the inbox (``sigap.intake.inbox``) hands every stored message to the chat dialog. Messages
that are not dialog messages are stored by the same ``inbound_accept`` (encrypted, idempotent on the
channel's id) and processed *in the same transaction* by ``inbound_accept_handled``; the row is already
PROCESSED or IGNORED when the inbox's after-commit hook looks at it, so the dialog never sees it. If
processing fails nothing is stored and the sender delivers again (the webhook answers 503, the IMAP
message stays unseen, the LAPOR! report is imported by the next run).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from sigap.core.errors import DomainError
from sigap.privacy import vault
from sigap.reports import outbox
from sigap.reports.models import Notification, Privacy, Report

from .channels.base import Inbound, WebhookRefused
from .inbox import inbound_accept, payload_shred
from .models import InboundMessage
from .placing import placing_text

log = logging.getLogger(__name__)

# No report number in public: officers see the number, and an answer under the post would tie it to the post's
# author, so to a private report's reporter (found by a review). The number and the tracking code go by message.
PUBLIC_ACK = (
    "Terima kasih, laporan Anda sudah kami terima. Nomor laporan dan kode lacaknya kami kirim lewat pesan langsung.",
    "Thank you, we have received your report. Its number and tracking code come by direct message.",
)
PRIVATE_FILED = (
    "Laporan Anda dari unggahan publik tercatat dengan nomor {number} dan diteruskan ke {unit}. Kode lacak: {code}. "
    "Laporan ini bersifat privat: isinya hanya dilihat petugas yang menangani dan Sigap tidak menampilkan "
    "identitas Anda. Unggahan Anda sendiri tetap publik; untuk hal yang sensitif, laporkan lewat pesan langsung. "
    "Kabar perkembangannya kami kirim lewat pesan ini.",
    "Your report from your public post is recorded as {number} and passed to {unit}. Tracking code: {code}. "
    "It is private: only the handling officers read it and Sigap does not show your identity. Your post itself "
    "stays public; for anything sensitive, report by direct message. We will send updates here.",
)
PUBLIC_ROUTE = "public"
MENTION = re.compile(r"(?<![\w@])@\w{1,50}")
URL = re.compile(r"https?://\S+")


# --- one processing path for messages that are not a chat dialog ----------------------------


@dataclass(frozen=True)
class Handled:
    """What a handler did with one message: ``processed`` (maybe with a report) or ``ignored``."""

    state: str
    report: Report | None = None
    reason: str = ""


PROCESSED = "processed"
IGNORED = "ignored"


def inbound_accept_handled(channel: str, inbounds: list[Inbound], handle: Callable[[Inbound], Handled]) -> dict:
    """Store each message like the inbox does and process it with ``handle`` in the same transaction.

    A message seen before (same channel id) is skipped. A ``DomainError`` (4xx) from the handler is a final
    refusal (the message is kept as IGNORED with the code); any other error undoes the whole message and
    propagates, so the sender can deliver it again."""
    counts = {"received": len(inbounds), "processed": 0, "ignored": 0, "duplicate": 0, "left_out": 0}
    for inbound in inbounds:
        try:
            inbound.check()
        except DomainError as exc:  # never readable: answered 503, it was delivered again for ever (a review)
            if exc.status >= 500:
                raise
            counts["ignored"] += 1
            counts["left_out"] += 1  # ignored, but never stored: not counted as accepted
            log.warning("%s: a public post left out as malformed (%s)", channel, exc.code)
            continue
        with transaction.atomic():
            accepted = inbound_accept(channel, [inbound])
            if not accepted:
                counts["duplicate"] += 1
                continue
            row = InboundMessage.objects.select_for_update().get(pk=accepted[0])
            try:
                with transaction.atomic():
                    outcome = handle(inbound)
            except DomainError as exc:
                if exc.status >= 500:
                    raise  # the system's trouble (no boundaries loaded, number allocation busy): deliver again
                outcome = Handled(IGNORED, reason=exc.code)
            row.attempts = 1
            row.state = InboundMessage.State.PROCESSED if outcome.state == PROCESSED else InboundMessage.State.IGNORED
            row.report = outcome.report
            row.last_error = outcome.reason[:200]
            row.save(update_fields=["attempts", "state", "report", "last_error"])
            payload_shred(row.payload_ref)
        counts[outcome.state] += 1
        if outcome.state == IGNORED:
            log.info("%s: message %s ignored (%s)", channel, row.pk, outcome.reason or "not a report")
    return counts


def retry_later(channel: str) -> WebhookRefused:
    return WebhookRefused(
        f"Pesan {channel} belum dapat diproses; kirim ulang nanti.",
        f"The {channel} message could not be processed yet; deliver it again later.",
        code="retry_later",
        status=503,
    )


class HandledWebhookMixin:
    """For adapters that process some messages themselves (``inbound_accept_handled``) inside ``parse``:
    the webhook's answer counts those too."""

    _local = threading.local()

    def _handled(self, channel: str, inbounds: list[Inbound], handle: Callable[[Inbound], Handled]) -> None:
        self._local.counts = None
        if not inbounds:
            return
        try:
            self._local.counts = inbound_accept_handled(channel, inbounds, handle)
        except Exception as exc:  # noqa: BLE001 - never the message content in the log: it may carry identity
            log.warning(
                "%s: processing a webhook message failed (%s); asking the sender to deliver again",
                channel,
                type(exc).__name__,
            )
            raise retry_later(channel) from None

    def took_any(self) -> bool:
        """Whether the delivery's own handling took a message (stored it, or had it already): then the delivery is
        not refused for the malformed messages left beside it (``inbound_accept``)."""
        counts = getattr(self._local, "counts", None) or {}
        return counts.get("processed", 0) + counts.get("ignored", 0) + counts.get("duplicate", 0) > counts.get(
            "left_out", 0
        )

    def acknowledge(self, accepted: list[int]):
        from django.http import JsonResponse

        counts = getattr(self._local, "counts", None) or {}
        self._local.counts = None
        return JsonResponse(
            {
                "ok": True,
                "accepted": len(accepted)
                + counts.get("processed", 0)
                + counts.get("ignored", 0)
                - counts.get("left_out", 0),
                "processed": counts.get("processed", 0),
                "ignored": counts.get("ignored", 0),
            }
        )


class PublicMentionsMixin(HandledWebhookMixin):
    """For adapters whose deliveries mix public posts and direct messages (Twitter/X, Facebook, Instagram):
    ``events`` splits them; public ones are filed here (``public_handle``), direct ones go to the chat dialog."""

    def parse(self, request, body: bytes) -> list[Inbound]:
        public, private = self.events(body)
        self._handled(self.name, public, self.public_handle)
        return private


# --- small shared helpers ---------------------------------------------------------------------


def public_text_clean(text: str) -> str:
    """A public post as a report description: without @handles (other people's too) and links."""
    text = URL.sub(" ", MENTION.sub(" ", text or ""))
    return re.sub(r"[ \t]+", " ", text).strip(" \n.,:;-")


def place_from_text(text: str) -> tuple[float, float, str] | None:
    """The kelurahan the text supports, by the one placement rule every channel uses
    (``sigap.routing.places.place_decide``): its inner point; None sends the report to the triage desk."""
    from sigap.routing.places import place_decide

    placed = place_decide(text).placed
    return (placed.lat, placed.lon, placed.name) if placed else None


def photos_readable(photos: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Drop what is not a readable photo instead of refusing the whole report."""
    from django.conf import settings

    from sigap.privacy.photos import photo_check

    usable = []
    for name, raw in photos:
        try:
            photo_check(raw, filename=name)  # the header; a photo the worker cannot decode later shows "failed"
        except DomainError:
            continue
        usable.append((name, raw))
    return usable[: settings.SIGAP_PHOTOS_PER_REPORT]


# a photo's download, tried once more after a passing failure (a timeout, a 5xx, "too many requests"): a public
# post's is fetched while its webhook waits for an answer, which a platform gives up on after some seconds
FETCH_TRIES = 2
FETCH_PAUSE_SECONDS = 0.5


class PhotoHeld(Exception):
    """A photo's download still failed for a passing reason: the item is left for the next import (``hold``)."""


def media_fetch_tolerant(adapter, inbound: Inbound, *, hold: bool = False) -> list[tuple[str, bytes]]:
    """The photos of a public post or a LAPOR! item; one that cannot be downloaded does not hold the report back.
    A passing failure is tried once more, a moment later: the item is stored as taken once filed, so a photo
    given up at the first timeout of the source's file server was never fetched again (a fault-injection review).
    ``hold``: a photo that still fails for a passing reason raises ``PhotoHeld`` instead (an import that fetches
    the item again later: the caller bounds how many times)."""
    import time

    import httpx

    from .conversations import _refused_for_good

    photos = []
    for media in inbound.media:
        for attempt in range(1, FETCH_TRIES + 1):
            try:
                photos.append(adapter.fetch_media(media))
                break
            except (DomainError, httpx.HTTPError, KeyError, ValueError) as exc:
                passing = isinstance(exc, httpx.HTTPError) and not _refused_for_good(exc)
                if attempt < FETCH_TRIES and passing:
                    time.sleep(FETCH_PAUSE_SECONDS * attempt)
                    continue
                if passing and hold:
                    raise PhotoHeld(inbound.channel) from exc
                log.warning(
                    "%s: a photo could not be fetched (%s); filing without it", inbound.channel, type(exc).__name__
                )
                break
    return photos


def notify(
    *, report: Report | None, kind: str, body: str, body_en: str, recipient_ref: str = "", reply_context: str = ""
) -> Notification:
    """Queue one message (delivered after commit by the relay, which resolves the address in the vault)."""
    note = Notification.objects.create(
        report=report, recipient_ref=recipient_ref, kind=kind, body=body, body_en=body_en, reply_context=reply_context
    )
    transaction.on_commit(lambda: outbox.enqueue(note.pk))
    return note


# --- public mentions --------------------------------------------------------------------------


def public_mention_file(
    inbound: Inbound, *, private_handle: str, public_target: str, photos: list[tuple[str, bytes]] = ()
) -> Handled:
    """File a PRIVATE report from a public post right away and queue the two answers.

    ``private_handle``: where the resident is reached privately (a user id, or ``comment:<id>`` for a
    private reply); ``public_target``: the ``reply_context`` of the public answer (``"twitter:<tweet id>"``).
    The category is the machine's; without a usable place the report goes to the triage desk."""
    from .services import MIN_DESCRIPTION, Reporter, Submission, door_terms, report_submit

    description = public_text_clean(inbound.text)
    if len(description) < MIN_DESCRIPTION:
        return Handled(IGNORED, reason="too_short")  # a greeting or a bare mention is not a report
    lat = lon = None
    address = ""
    reporter = Reporter(name=inbound.sender_name)
    known_contacts = {"username": inbound.sender_handle} if inbound.sender_handle else {}
    if inbound.location:
        lat, lon = inbound.location
    else:
        # never by the author's own name: the terms the report is redacted with
        place = place_from_text(placing_text(description, identity=door_terms(reporter, known_contacts)))
        if place:
            lat, lon, address = place[0], place[1], place[2]
    sub = Submission(
        category="",
        description=description,
        lat=lat,
        lon=lon,
        channel=inbound.channel,
        address=address,
        privacy=Privacy.PRIVATE,
        reporter=reporter,
        photos=photos_readable(list(photos)),
        known_contacts=known_contacts,
        notify_received=False,
        allow_no_location=True,
    )
    try:
        with transaction.atomic():
            result = report_submit(sub)
    except DomainError as exc:
        if exc.code not in ("outside_area", "no_tupoksi") or lat is None:
            raise
        sub.lat = sub.lon = None  # a point we cannot route: the triage desk places it
        sub.address = ""
        result = report_submit(sub)
    report = result.report
    vault.identity_update(
        report.reporter_ref,
        channel=inbound.channel,
        handle=private_handle,
        **({"username": inbound.sender_handle} if inbound.sender_handle else {}),
    )
    number = report.number
    # The public answer does not depend on a private route (an Instagram caption mention has none): its
    # recipient record names only the channel; the adapter answers the object in ``reply_context``.
    public_route = vault.identity_store(payload={"channel": inbound.channel, "handle": PUBLIC_ROUTE})
    notify(
        report=report,
        kind="public_ack",
        body=PUBLIC_ACK[0],
        body_en=PUBLIC_ACK[1],
        recipient_ref=public_route,
        reply_context=public_target,
    )
    fmt = {"number": number, "unit": report.unit.name, "code": result.tracking_code}
    notify(
        report=report, kind="dialog:filed", body=PRIVATE_FILED[0].format(**fmt), body_en=PRIVATE_FILED[1].format(**fmt)
    )
    return Handled(PROCESSED, report)


def public_reply_sent_for(channel: str, remote_id: str) -> bool:
    """Is ``remote_id`` one of our own public answers (a reply to it is not a new complaint)?"""
    return (
        bool(remote_id)
        and Notification.objects.filter(kind="public_ack", remote_id=str(remote_id), report__channel=channel).exists()
    )
