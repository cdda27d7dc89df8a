"""Open311 GeoReport v2 ``POST requests``: a client app files a report for a resident.

It lives in intake, not in ``sigap.open311``, because it hands the personal fields (email, first_name,
last_name, phone, device_id, account_id) to the identity vault through ``report_submit``; the open311
package never imports the vault. Everything else (api_key, rate limit, service definition answers,
location from lat/long or address_string, the response shape) is ``sigap.open311``'s.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from sigap.open311 import services as open311_services
from sigap.open311.errors import bad_request
from sigap.open311.formats import render
from sigap.open311.http import client_from_request, jurisdiction_check, open311_view, throttle
from sigap.privacy import vault
from sigap.reports.models import Channel, Privacy

from . import services

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


@csrf_exempt  # an API for client apps: authenticated by api_key, no cookies
@open311_view(methods=("POST",))
def request_create_view(request, *, fmt: str):
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
    prepared = open311_services.request_prepare(data)
    personal = _personal(data)
    name = " ".join(p for p in (personal["first_name"], personal["last_name"]) if p)
    with transaction.atomic():
        created = services.report_submit(
            services.Submission(
                category=prepared.kategori.kode,
                description=prepared.description,
                lat=prepared.lat,
                lon=prepared.lon,
                channel=Channel.OPEN311,
                address=prepared.address,
                privacy=prepared.privacy,
                reporter=services.Reporter(name=name, phone=personal["phone"], email=personal["email"]),
            )
        )
        report = created.report
        extra = {k: personal[k] for k in ("device_id", "account_id") if personal[k]}
        if extra and report.reporter_ref and prepared.privacy != Privacy.ANONYMOUS:
            vault.identity_update(report.reporter_ref, **extra)
        row = open311_services.client_report_record(client=client, report=report)
    lang_en = (translation.get_language() or "").lower().startswith("en")
    body = open311_services.created_out(
        report=report, tracking_code=created.tracking_code, secret=created.secret, token=row.token, lang_en=lang_en
    )
    return render(fmt, "service_requests", body, status=201, item="request")
