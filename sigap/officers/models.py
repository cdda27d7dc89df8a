from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def token_lifetime() -> timedelta:
    return timedelta(hours=float(getattr(settings, "SIGAP_API_TOKEN_HOURS", 12)))


TOKEN_SALT = "sigap.officers.ApiToken"


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


class ApiToken(models.Model):
    """A bearer token for the officer API. Only its keyed hash is stored; the token is shown once.

    ``key_hash`` is HMAC-SHA256 of the token under a key derived from Django's ``SECRET_KEY`` (which is not in
    the database): a row written into this table by SQL names no token anyone can present. ``otp_verified``
    says whether the sign-in that issued it gave the second factor; a token without it stops working once its
    account needs one (``BearerAuth``), and every staff-role change revokes the account's tokens
    (``sigap.officers.seal``).

    A token belongs to the account that signed in for it, for good: nothing (the admin included) can
    move it to another account, and it stops working ``SIGAP_API_TOKEN_HOURS`` after it was issued.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    otp_verified = models.BooleanField(_("dengan kode OTP"), default=False)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    @staticmethod
    def hash(key: str, secret: str | None = None) -> str:
        return salted_hmac(TOKEN_SALT, key, secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest()

    @classmethod
    def lookup(cls, key: str):
        """The row of this token (under the current secret key or a fallback), or None."""
        hashes = [cls.hash(key, s) for s in _secrets()]
        return cls.objects.select_related("user").filter(key_hash__in=hashes).first()

    @classmethod
    def issue(cls, user, name: str = "", *, now=None, otp_verified: bool = False) -> str:
        key = "sgp_" + secrets.token_urlsafe(32)
        now = now or timezone.now()
        cls.objects.create(user=user, key_hash=cls.hash(key), name=name, expires_at=now + token_lifetime(),
                           otp_verified=otp_verified)
        return key

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def save(self, *args, **kwargs):
        if self.pk is not None:
            owner = type(self).objects.filter(pk=self.pk).values_list("user_id", flat=True).first()
            if owner is not None and owner != self.user_id:
                raise ValueError("An API token cannot be moved to another account.")
        super().save(*args, **kwargs)


class CredentialSeal(models.Model):
    """The keyed MAC over what signing in as this account depends on (``sigap.officers.seal``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("segel kredensial")
        verbose_name_plural = _("segel kredensial")
