from __future__ import annotations

import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from sigap.core.keys import secret_keys


def token_lifetime() -> timedelta:
    return timedelta(hours=float(getattr(settings, "SIGAP_API_TOKEN_HOURS", 12)))


TOKEN_SALT = "sigap.officers.ApiToken"
BINDING_SALT = "sigap.officers.ApiToken.binding"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ApiToken(models.Model):
    """A bearer token for the officer API. Only its keyed hash is stored; the token is shown once.

    ``key_hash`` is HMAC-SHA256 of the token under a key derived from Django's ``SECRET_KEY`` (which is not in
    the database): a row written into this table by SQL names no token anyone can present. ``otp_verified``
    says whether the sign-in that issued it gave the second factor; a token without it stops working once its
    account needs one (``BearerAuth``), and every staff-role change revokes the account's tokens
    (``sigap.officers.seal``).

    ``binding`` is a keyed MAC (same key derivation, a purpose label of its own) over ``key_hash``, ``user_id``,
    ``otp_verified`` and ``expires_at``, written by ``issue`` and checked on every use (``BearerAuth``): a row
    moved to another account, given the second factor or kept alive by SQL is refused like an unknown token.

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
    binding = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    @staticmethod
    def hash(key: str, secret: str | None = None) -> str:
        return salted_hmac(TOKEN_SALT, key, secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest()

    @classmethod
    def lookup(cls, key: str):
        """The row of this token (under the current secret key or a fallback), or None."""
        hashes = [cls.hash(key, s) for s in secret_keys()]
        return cls.objects.select_related("user").filter(key_hash__in=hashes).first()

    @classmethod
    def issue(cls, user, name: str = "", *, now=None, otp_verified: bool = False) -> str:
        key = "sgp_" + secrets.token_urlsafe(32)
        now = now or timezone.now()
        key_hash, expires_at = cls.hash(key), now + token_lifetime()
        cls.objects.create(
            user=user,
            key_hash=key_hash,
            name=name,
            expires_at=expires_at,
            otp_verified=otp_verified,
            binding=cls.binding_mac(key_hash, user.pk, otp_verified, expires_at),
        )
        return key

    @staticmethod
    def binding_mac(key_hash: str, user_id: int, otp_verified: bool, expires_at, secret: str | None = None) -> str:
        """The keyed MAC binding a token row to its account, its second factor and its expiry."""
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at, UTC)
        micros = (expires_at - _EPOCH) // timedelta(microseconds=1)
        payload = json.dumps([key_hash, int(user_id), bool(otp_verified), micros], separators=(",", ":"))
        return salted_hmac(BINDING_SALT, payload, secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest()

    def binding_valid(self) -> bool:
        """Whether ``binding`` matches the row as stored (under the current secret key or a fallback)."""
        if not self.binding:
            return False
        return any(
            hmac.compare_digest(
                self.binding, self.binding_mac(self.key_hash, self.user_id, self.otp_verified, self.expires_at, s)
            )
            for s in secret_keys()
        )

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
