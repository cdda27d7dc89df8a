"""The identity vault's rows. Nothing here is readable without the master key.

Each ``IdentityRecord`` holds one reporter's identity and the original (unredacted) text they typed,
encrypted with its own data key (AES-256-GCM); the data key is stored only wrapped by the master key
(AES key wrap, RFC 3394). Destroying the wrapped key crypto-shreds the record.
"""
from __future__ import annotations

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
