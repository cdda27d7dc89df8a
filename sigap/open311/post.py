"""Open311 GeoReport v2 ``POST requests``: a client app files a report for a resident.

Everything of the request is handled here (api_key, rate limit, service definition answers, location from
lat/long or address_string, the personal fields' limits, the response shape), except filing the report with
the personal fields (email, first_name, last_name, phone, device_id, account_id): that goes to the identity
vault, which this package never imports. ``sigap.config.open311_dispatch`` hands this view intake's
``open311_report_file`` as ``file_report``, and the view calls it inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.views.decorators.csrf import csrf_exempt

from sigap.core.language import in_english

from . import services as open311_services
from .errors import bad_request
from .formats import render
from .http import client_from_request, jurisdiction_check, open311_view, throttle

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PERSONAL_LIMITS = {"first_name": 100, "last_name": 100, "email": 254, "phone": 40, "device_id": 200, "account_id": 200}


def _personal(data) -> dict[str, str]:
    out = {}
    for name, limit in PERSONAL_LIMITS.items():
        value = (data.get(name) or "").strip()
        if len(value) > limit:  # never echo the value itself
            raise bad_request(
                f"{name} terlalu panjang (maksimal {limit} karakter).",
                f"{name} is too long (at most {limit} characters).",
                field=name,
            )
        out[name] = value
    return out


def _media(request) -> list:
    """Photos a client sends with the request (a Sigap extension: ``multipart/form-data``, one file or more under
    ``media``). They are checked and de-identified as every channel's photos are (by the filing it is handed); only
    their count and their field are checked here."""
    other = set(request.FILES) - {"media"}
    if other or ("media" in request.POST and not request.FILES.getlist("media")):
        raise bad_request(
            "Kirim foto sebagai berkas multipart/form-data di kolom 'media'.",
            "Send photos as multipart/form-data files in the field 'media'.",
            code="invalid_media",
            field="media",
        )
    media = request.FILES.getlist("media")
    if len(media) > settings.SIGAP_PHOTOS_PER_REPORT:
        raise bad_request(
            f"Paling banyak {settings.SIGAP_PHOTOS_PER_REPORT} foto per laporan.",
            f"At most {settings.SIGAP_PHOTOS_PER_REPORT} photos per report.",
            code="too_many_media",
            field="media",
        )
    return media


@csrf_exempt  # an API for client apps: authenticated by api_key, no cookies
@open311_view(methods=("POST",))
def request_create_view(
    request, *, fmt: str, file_report: Callable[..., object], readable_address: Callable[[str, dict], str] | None = None
):
    content_type = (request.content_type or "").lower()
    has_body = (request.META.get("CONTENT_LENGTH") or "0").strip() not in ("", "0")
    if has_body and content_type not in FORM_TYPES:
        raise bad_request(
            "Kirim formulir application/x-www-form-urlencoded.",
            "Send the request as application/x-www-form-urlencoded.",
            code="unsupported_media_type",
        )
    jurisdiction_check(request)
    client = client_from_request(request, required=True)
    throttle(request, client)
    data = request.POST
    personal = _personal(data)
    prepared = open311_services.request_prepare(
        data, readable=(lambda text: readable_address(text, personal)) if readable_address else str
    )
    media = _media(request)
    name = " ".join(p for p in (personal["first_name"], personal["last_name"]) if p)
    with transaction.atomic():
        created = file_report(
            category=prepared.category.code,
            description=prepared.description,
            appended=prepared.appended,
            lat=prepared.lat,
            lon=prepared.lon,
            address=prepared.address,
            privacy=prepared.privacy,
            name=name,
            phone=personal["phone"],
            email=personal["email"],
            extra={k: personal[k] for k in ("device_id", "account_id") if personal[k]},
            media=media,
            # a retry with the same key answers the first request's report (docs/open311.md, Retries)
            idempotency_key=request.headers.get("Idempotency-Key"),
            client_id=client.pk,
        )
        report = created.report
        if not created.replayed:
            open311_services.client_report_record(client=client, report=report)
    lang_en = in_english()
    body = open311_services.created_out(
        report=report, tracking_code=created.tracking_code, secret=created.secret, lang_en=lang_en
    )
    response = render(fmt, "service_requests", body, status=201, item="request")
    if created.replayed:
        response["Idempotency-Replayed"] = "true"
    return response
