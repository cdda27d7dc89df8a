"""Security headers for every page: a Content-Security-Policy without inline scripts, and friends."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from . import limits


def _tile_origin() -> str:
    url = settings.SIGAP_TILE_URL
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}"


class HeadWithoutBodyMiddleware:
    """A HEAD request is answered as its GET is, headers and status, without the body: Django's views leave that to
    the server, and the production server logs every body it is handed for a HEAD."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                close = getattr(response.streaming_content, "close", None)
                response.streaming_content = []
                if close:
                    close()
            else:
                response.content = b""
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        tiles = _tile_origin()
        img = "'self' data: blob:" + (f" {tiles}" if tiles else "")
        self.csp = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                f"img-src {img}",
                "connect-src 'self'",
                "font-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    # The API's Swagger UI page (a developer tool): its scripts and styles are Sigap's own static files (Django
    # Ninja's), its settings a JSON data block; Swagger UI writes inline styles. Nothing is loaded from elsewhere.
    DOCS_CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    )

    TRACK_API = "/api/v1/track/"

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(self.TRACK_API):
            # a signed-in user's pages (console, officer API, exports, admin) on a shared office computer, and a
            # report followed by its tracking code (timeline, notes, an officer's question; the code in the path):
            # kept by no browser cache or proxy, unless the view chose its own caching
            response.headers.setdefault("Cache-Control", "private, no-store")
        if request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", self.DOCS_CSP)
            return response
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        return response


class RequestLimitsMiddleware:
    """Bad or oversized request bodies are refused here, before any view reads them (see ``sigap.core.limits``).

    Placed after LocaleMiddleware (a refusal page speaks the visitor's language) and before
    CsrfViewMiddleware (the first to read a form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            limits.headers_check(request)
            limits.form_parse(request)
            limits.text_check(request)
        except limits.RequestRefused as exc:
            return limits.refusal_response(request, exc)
        with limits.pixel_budget(settings.SIGAP_PHOTO_REQUEST_PIXELS):
            return self.get_response(request)
