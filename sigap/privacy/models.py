"""The identity vault's rows. Nothing here is readable without the master key.

Each ``IdentityRecord`` holds one reporter's identity and the original (unredacted) text they typed,
encrypted with its own data key (AES-256-GCM); the data key is stored only wrapped by the master key
(AES key wrap, RFC 3394). Destroying the wrapped key crypto-shreds the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityRecord(models.Model):
    ref = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16, help_text=_("Sidik kunci induk yang membungkus kunci data."))
    wrapped_key = models.BinaryField(null=True)
    nonce = models.BinaryField()
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("catatan identitas (terenkripsi)")
        verbose_name_plural = _("catatan identitas (terenkripsi)")

    def __str__(self) -> str:
        return self.ref


class VaultBlob(models.Model):
    """An encrypted original (e.g. a reporter's photo exactly as uploaded, metadata and all).

    Same envelope scheme as IdentityRecord: its own data key, wrapped by the master key. A small ciphertext
    (a conversation's state) is kept in the row; a large one (a photo) is written to the vault's file storage
    (``STORAGES["vault"]``: a directory, or an object store) under ``stored_as``, and ``ciphertext`` stays empty.
    The data key never leaves this row, so a stored ciphertext without its row can never be read.
    """

    ref = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)
    wrapped_key = models.BinaryField(null=True)
    nonce = models.BinaryField()
    ciphertext = models.BinaryField()
    stored_as = models.CharField(max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("berkas asli (terenkripsi)")
        verbose_name_plural = _("berkas asli (terenkripsi)")


class AccessEvent(models.Model):
    """Append-only, hash-chained record of every look: report views, photo views, listings, exports,
    identity reveals, key destruction. ``sigap audit verify`` recomputes the chain.

    Each row's hash is an HMAC (keyed with the audit key, which is not in the database) over its own
    fields and the previous row's hash, and rows are numbered without gaps, so an edited, inserted or
    deleted row breaks the chain at that point; signed checkpoints kept outside the database catch a
    truncation (sigap/privacy/access_log.py). Database triggers additionally refuse UPDATE and DELETE
    on this table.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    report_number = models.CharField(max_length=32, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        # the admin's search by the username a row holds, newest first (``sigap.privacy.admin``)
        indexes = [models.Index(fields=["actor_username", "-seq"], name="accessevent_actor_seq")]
        verbose_name = _("log akses")
        verbose_name_plural = _("log akses")


class ChainHead(models.Model):
    """The last sequence number and hash of the access log (a single row, locked while appending), and the
    id of the audit key the chain continues with (empty: not keyed yet, the log predates the keyed chain)."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, default="")


class RevealRequest(models.Model):
    """Due process for revealing a reporter's identity: a privacy officer asks with a legal basis, a
    second, different privacy officer approves, the identity is shown once to the requester."""

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu persetujuan")
        APPROVED = "approved", _("disetujui")
        REJECTED = "rejected", _("ditolak")
        SHOWN = "shown", _("sudah ditampilkan")

    report = models.ForeignKey("reports.Report", on_delete=models.PROTECT, related_name="reveal_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.TextField(_("dasar hukum"))
    legal_hold = models.BooleanField(_("larangan pemberitahuan (legal hold)"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    shown_at = models.DateTimeField(null=True, blank=True)
    # the report's vault reference when the request was made, and a MAC under the vault master key over the
    # request (report, reference, requester, approver, state, legal hold, basis): a row edited in the database
    # (approved without a second officer, pointed at another report or identity) no longer matches
    reporter_ref = models.CharField(max_length=64, blank=True, default="")
    seal = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("permintaan buka identitas")
        verbose_name_plural = _("permintaan buka identitas")
