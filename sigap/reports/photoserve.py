"""The one way a photo's bytes leave the server: the de-identified copy once it is ready, else a placeholder.

Every photo endpoint (officer API and console, the reporter's tracking page and API, the public portal,
Open311 ``media_url``) answers through ``photo_response``. While the worker has not finished, or after it
gave up, the answer is a small SVG saying "foto sedang diproses" / "foto tidak dapat ditampilkan", never
cached, with ``X-Sigap-Photo-State``; the original upload is never read here (it is in the vault, which
only the worker opens) and a row that is not ``ready`` has no file at all.
"""

from __future__ import annotations

import logging
from html import escape

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Photo

log = logging.getLogger(__name__)

PROCESSING_TEXT = gettext_noop("foto sedang diproses")
FAILED_TEXT = gettext_noop("foto tidak dapat ditampilkan")
# How long a shared cache (a CDN, an office proxy) may keep a public photo. A photo stops being public when its
# report does (moved to a sensitive category, made private, merged) or when it is hidden: a proxy may serve it only
# this long after (an attacker's review found Open311's copies kept for an hour, the portal's for five minutes).
PUBLIC_PHOTO_CACHE = "public, max-age=60"


def state_text(photo: Photo) -> str:
    """What a reader is told instead of the photo ("" when it is ready), in the active language."""
    if photo.is_ready:
        return ""
    if photo.state == Photo.State.FAILED:
        return _(FAILED_TEXT)
    return _(PROCESSING_TEXT)


def placeholder_svg(text: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240" role="img" '
        f'aria-label="{escape(text)}"><rect width="320" height="240" fill="#e5e7eb"/>'
        '<text x="160" y="125" font-family="sans-serif" font-size="18" fill="#374151" text-anchor="middle">'
        f"{escape(text)}</text></svg>"
    ).encode()


def _placeholder(text: str, state: str) -> HttpResponse:
    response = HttpResponse(placeholder_svg(text), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"  # it will change: a cache must not keep the placeholder
    response["X-Sigap-Photo-State"] = state
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def photo_response(photo: Photo, *, cache_control: str, filename: str = "") -> HttpResponse:
    """The ready copy with ``cache_control`` (and ``filename`` as an inline name), or the placeholder. A ready
    photo whose file cannot be read (an object store switched on before the files were copied, a volume not
    mounted) answers the "cannot be shown" placeholder and logs the error for the admin, never a 500."""
    if not photo.is_ready:
        return _placeholder(state_text(photo), photo.state)
    try:
        with photo.image.open("rb") as fh:
            body = fh.read()
    except Exception:  # the storage's own errors too (an S3 client's, a network's): whatever it is, the admin's
        log.error(
            "photo %s of report %s: its file %s cannot be read",
            photo.pk,
            photo.report_id,
            photo.image.name,
            exc_info=True,
        )
        return _placeholder(_(FAILED_TEXT), "missing")
    response = HttpResponse(body, content_type=photo.content_type)
    response["Cache-Control"] = cache_control
    response["X-Sigap-Photo-State"] = photo.state
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
