"""What channels hand in: every inbound message (kept encrypted until processed) and chat conversations.

Nothing here is readable by officers: a message's content (sender address, text, media ids) lives in a
vault blob; only its channel, the channel's own message id and the processing state are plain.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("diterima")
        PROCESSED = "processed", _("diproses")
        FAILED = "failed", _("gagal (dicoba lagi)")
        IGNORED = "ignored", _("diabaikan")
        WAITING = "waiting", _("menunggu bagian lainnya")  # a part of a long SMS, until the rest has come

    channel = models.CharField(max_length=20)
    message_id = models.CharField(max_length=200, help_text=_("ID pesan dari kanal (untuk idempotensi)"))
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED, db_index=True)
    payload_ref = models.CharField(max_length=64, help_text=_("isi pesan terenkripsi di vault"))
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: the parts of one long message share this keyed hash of (channel, sender, the network's reference): they
    #: are handled together, as one message (``sigap.intake.inbox``); empty for a message in one piece
    parts_key = models.CharField(max_length=80, blank=True, default="")
    part = models.PositiveSmallIntegerField(default=0)  # its number among them (0: a message in one piece)

    class Meta:
        verbose_name = _("pesan masuk")
        verbose_name_plural = _("pesan masuk")
        constraints = [models.UniqueConstraint(fields=["channel", "message_id"], name="inbound_once_per_channel_id")]
        indexes = [models.Index(fields=["parts_key"], name="inbound_parts", condition=~models.Q(parts_key=""))]


class Conversation(models.Model):
    """A chat dialog collecting what a report needs, one per (channel, sender) at a time."""

    class State(models.TextChoices):
        OPEN = "open", _("berjalan")
        FILED = "filed", _("laporan dibuat")
        CANCELLED = "cancelled", _("dibatalkan")
        EXPIRED = "expired", _("kedaluwarsa")

    channel = models.CharField(max_length=20)
    sender_hash = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    step = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=2, default="id")
    data_ref = models.CharField(max_length=64, blank=True, help_text=_("isi percakapan terenkripsi di vault"))
    identity_ref = models.CharField(max_length=64, blank=True)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("percakapan")
        verbose_name_plural = _("percakapan")
        constraints = [
            # one dialog at a time per sender on a chat channel: two first messages taken at once join one
            # (an email is its own dialog, threaded by its headers)
            models.UniqueConstraint(
                fields=["channel", "sender_hash"],
                condition=models.Q(state="open") & ~models.Q(channel="email"),
                name="one_open_dialog_per_sender",
            )
        ]
        indexes = [
            # the retention sweep's dialogs that ended without a report and still hold something: the others
            # (filed, or already forgotten) are most rows and never read by it again
            models.Index(
                fields=["updated_at"],
                name="dialog_unfiled_holding",
                condition=models.Q(report__isnull=True) & ~models.Q(identity_ref="", data_ref=""),
            )
        ]


class IdempotencyRecord(models.Model):
    """A report filed with an ``Idempotency-Key``: a retry with the same key and body gets the same answer.

    Nothing here names the reporter, and neither the key nor the tracking code is stored in the clear:
    ``key_hash`` and ``fingerprint`` are keyed hashes, ``sealed`` is the first answer encrypted with a key
    derived from the client's Idempotency-Key (which only the client holds). Kept 24 hours
    (``SIGAP_IDEMPOTENCY_HOURS``); see ``sigap.intake.idempotency``."""

    key_hash = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64)
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("kunci idempotensi")
        verbose_name_plural = _("kunci idempotensi")
