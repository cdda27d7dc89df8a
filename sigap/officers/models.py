from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_lifetime() -> timedelta:
    return timedelta(hours=float(getattr(settings, "SIGAP_API_TOKEN_HOURS", 12)))


class ApiToken(models.Model):
    """A bearer token for the officer API. Only its hash is stored; the token is shown once.

    A token belongs to the account that signed in for it, for good: nothing (the admin included) can
    move it to another account, and it stops working ``SIGAP_API_TOKEN_HOURS`` after it was issued.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "", *, now=None) -> str:
        key = "sgp_" + secrets.token_urlsafe(32)
        now = now or timezone.now()
        cls.objects.create(user=user, key_hash=cls.hash(key), name=name, expires_at=now + token_lifetime())
        return key

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def save(self, *args, **kwargs):
        if self.pk is not None:
            owner = type(self).objects.filter(pk=self.pk).values_list("user_id", flat=True).first()
            if owner is not None and owner != self.user_id:
                raise ValueError("An API token cannot be moved to another account.")
        super().save(*args, **kwargs)
