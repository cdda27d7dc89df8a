"""GeoReport v2, read side: discovery, services, service definitions, requests, tokens, public photos.

Each view answers ``.json`` or ``.xml`` (the ``fmt`` URL argument). ``POST requests`` is in ``post.py`` (it
files through intake, which hands personal fields to the vault); ``sigap.config.open311_dispatch`` sends each
method of ``requests.<fmt>`` to the right one.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sigap.core.language import error_text
from sigap.reports import photoserve

from . import selectors
from .errors import not_found, open311_status
from .formats import format_from_path, render, render_error
from .http import client_from_request, jurisdiction_check, open311_view, throttle
from .params import DEFAULT_LIMIT, parse_ids, parse_int, parse_list, parse_statuses, parse_window


def _begin(request, *, key_required: bool = False):
    """Jurisdiction, client (by api_key, optional for reading) and rate limit."""
    jurisdiction_check(request)
    client = client_from_request(request, required=key_required)
    throttle(request, client)
    return client


def base_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"}))[: -len("discovery.json")]


def media_url_for(request):
    """A builder of this request's absolute photo URLs: reversed and made absolute once per page, each report
    putting its number and photo in (a page lists up to a thousand)."""
    sample = request.build_absolute_uri(reverse("open311:media", kwargs={"number": "N", "photo_id": 0}))
    prefix = sample[: sample.rindex("/N/0.jpg") + 1]

    def build(number: str, photo_id: int) -> str:
        return f"{prefix}{quote(number, safe='')}/{int(photo_id)}.jpg"

    return build


@open311_view()
def discovery_view(request, *, fmt: str):
    _begin(request)
    changeset = selectors.catalog_changeset() or timezone.now()
    from django.conf import settings

    body = {
        "changeset": changeset,
        "contact": getattr(settings, "SIGAP_OPEN311_CONTACT", "")
        or f"{settings.SIGAP_CITY_NAME}: {settings.DEFAULT_FROM_EMAIL}",
        "key_service": getattr(settings, "SIGAP_OPEN311_KEY_SERVICE", "")
        or "Kunci API diberikan oleh administrator Sigap kota / API keys are issued by the city's Sigap administrators.",
        "endpoints": [
            {
                "specification": selectors.SPECIFICATION,
                "url": base_url(request),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", body)


@open311_view()
def services_view(request, *, fmt: str):
    _begin(request)
    return render(fmt, "services", selectors.services_list(), item="service")


@open311_view()
def service_definition_view(request, service_code: str, *, fmt: str):
    _begin(request)
    category = selectors.category_active(service_code)
    if category is None:
        raise not_found(
            "service_code tidak dikenal.", "service_code not found.", code="unknown_service_code", field="service_code"
        )
    return render(fmt, "service_definition", selectors.service_definition(category))


@open311_view()
def requests_view(request, *, fmt: str):
    client = _begin(request)
    q = request.GET
    ids = parse_ids(q.get("service_request_id"))
    if ids:  # GeoReport v2: service_request_id "overrides all other arguments" (a client's usual status or page)
        reports = selectors.requests_search(client=client, ids=ids, limit=len(ids))
    else:
        window = parse_window(q.get("start_date"), q.get("end_date"), now=timezone.now())
        page = parse_int(q.get("page"), "page", default=1, low=1, high=100_000)
        page_size = parse_int(q.get("page_size"), "page_size", default=DEFAULT_LIMIT, low=1, high=DEFAULT_LIMIT)
        reports = selectors.requests_search(
            client=client,
            # "can be declared multiple times, comma delimited": both ways (found by a review: the last one won)
            service_codes=parse_list(",".join(q.getlist("service_code"))),
            start=window.start,
            end=window.end,
            statuses=parse_statuses(",".join(q.getlist("status"))),
            offset=(page - 1) * page_size,
            limit=page_size,
        )
    build, labels = media_url_for(request), {}
    items = [selectors.request_out(r, media_url=build, labels=labels) for r in reports]
    return render(fmt, "service_requests", items, item="request")


@open311_view()
def request_view(request, service_request_id: str, *, fmt: str):
    client = _begin(request)
    report = selectors.request_get(client=client, number=service_request_id[:64])
    if report is None:
        raise not_found(
            "service_request_id tidak ditemukan.",
            "service_request_id not found.",
            code="unknown_service_request",
            field="service_request_id",
        )
    return render(
        fmt, "service_requests", [selectors.request_out(report, media_url=media_url_for(request))], item="request"
    )


@open311_view()
def token_view(request, token_id: str, *, fmt: str):
    _begin(request)
    row = selectors.token_get(token_id[:40])
    if row is None:
        raise not_found("token tidak ditemukan.", "token not found.", code="unknown_token", field="token_id")
    return render(
        fmt, "service_requests", [{"service_request_id": row.report.number, "token": row.token}], item="request"
    )


@open311_view()
def media_view(request, number: str, photo_id: str, *, fmt: str):
    _begin(request)
    photo = selectors.public_photo(number=number[:64], photo_id=int(photo_id))
    if photo is None:
        raise not_found("Foto tidak ditemukan.", "Photo not found.", code="unknown_media")
    return photoserve.photo_response(photo, cache_control=photoserve.PUBLIC_PHOTO_CACHE)


def refusal_response(request, exc) -> HttpResponse:
    """A request refused before any view ran (``sigap.core.limits``), as a GeoReport v2 error document."""
    return render_error(
        format_from_path(request.path), open311_status(exc), error_text(exc), code=exc.code, field=exc.field
    )


@csrf_exempt  # a POST to an unknown path is the 404 error document too
def not_found_view(request, rest: str = ""):
    return render_error(
        format_from_path(request.path), 404, "Not found: see discovery.xml for the endpoints.", code="not_found"
    )
