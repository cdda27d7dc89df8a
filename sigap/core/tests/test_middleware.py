"""Security headers on every page (``sigap.core.middleware``); the request-limits refusals it applies are tested
on every endpoint in test_limits.py."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from sigap.core.middleware import SecurityHeadersMiddleware, _tile_origin


def headers_for(path: str, **preset) -> dict:
    def view(request):
        response = HttpResponse("ok")
        for name, value in preset.items():
            response.headers[name] = value
        return response

    return dict(SecurityHeadersMiddleware(view)(RequestFactory().get(path)).headers)


def test_every_page_gets_a_policy_without_inline_scripts_and_no_framing(settings):
    settings.SIGAP_TILE_URL = ""
    headers = headers_for("/lapor/")
    csp = dict(part.split(" ", 1) for part in headers["Content-Security-Policy"].split("; "))
    assert csp["script-src"] == "'self'" and "unsafe-inline" not in headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["img-src"] == "'self' data: blob:"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Permissions-Policy"] == "camera=(self), geolocation=(self), microphone=()"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("", ""),
    ],
)
def test_map_tiles_are_the_only_other_image_origin(settings, url, origin):
    settings.SIGAP_TILE_URL = url
    assert _tile_origin() == origin
    img = dict(part.split(" ", 1) for part in headers_for("/publik/")["Content-Security-Policy"].split("; "))["img-src"]
    assert img == "'self' data: blob:" + (f" {origin}" if origin else "")


def test_a_policy_set_by_the_view_is_kept_and_the_api_docs_get_their_own():
    assert headers_for("/x", **{"Content-Security-Policy": "default-src 'none'"})["Content-Security-Policy"] == (
        "default-src 'none'"
    )
    assert "http" not in headers_for("/api/docs")["Content-Security-Policy"]  # nothing from another origin


def test_what_a_signed_in_user_is_shown_is_not_kept_by_a_browser_or_proxy_cache():
    """Console pages, the officer API and exports on a shared office computer: a signed-in user's responses are
    'private, no-store' unless the view says otherwise, so Back or the browser's cache does not reopen a report
    after sign-out (without an access-log row). What anyone may see keeps the view's own caching."""
    from django.contrib.auth.models import AnonymousUser

    class Officer:
        is_authenticated = True

    def view(_request):
        return HttpResponse("laporan")

    def public_view(_request):
        response = HttpResponse("peta")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = RequestFactory().get("/petugas/laporan/JK1/")
    request.user = Officer()
    assert SecurityHeadersMiddleware(view)(request)["Cache-Control"] == "private, no-store"
    request.user = AnonymousUser()
    assert "Cache-Control" not in SecurityHeadersMiddleware(view)(request)
    request.user = Officer()
    assert SecurityHeadersMiddleware(public_view)(request)["Cache-Control"] == "public, max-age=60"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/lapor/", "/healthz", "/publik/", "/petugas/masuk/"])
def test_head_is_answered_as_get_is_without_a_body(client, path):
    """Uptime monitors and link checkers ask with HEAD (found by a newcomer's review: 405 on the portal, and a body
    on /healthz that the production server complains of)."""
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200, (head.status_code, get.status_code)
    assert head.content == b"" and head["Content-Type"] == get["Content-Type"]


def test_the_answer_to_head_has_no_body_but_its_headers():
    from django.http import StreamingHttpResponse

    from sigap.core.middleware import HeadWithoutBodyMiddleware

    def page(request):
        return HttpResponse("<p>halaman</p>", content_type="text/html")

    def stream(request):
        return StreamingHttpResponse(iter([b"a", b"b"]), content_type="text/csv")

    for view, kind in ((page, "text/html"), (stream, "text/csv")):
        head = HeadWithoutBodyMiddleware(view)(RequestFactory().head("/x"))
        assert b"".join(head) == b"" and head["Content-Type"] == kind
        get = HeadWithoutBodyMiddleware(view)(RequestFactory().get("/x"))
        assert b"".join(get) != b""
