"""The application's secret keys: ``SECRET_KEY`` and, while it is being rotated, the previous ones in
``SECRET_KEY_FALLBACKS``. Whatever is stored under a key derived from them (API tokens, credential seals, tracking
codes, channel message ids) is looked up under each, newest first, so a rotation orphans nothing."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac


def secret_keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def keyed_hexdigests(salt: str, value: str) -> list[str]:
    """HMAC-SHA256 of ``value`` under ``salt`` with each secret key, newest first (the first is what is stored)."""
    return [salted_hmac(salt, value, secret=key, algorithm="sha256").hexdigest() for key in secret_keys()]
