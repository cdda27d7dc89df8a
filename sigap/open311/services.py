"""Writes of the Open311 app, and the preparation of a POSTed request's non-personal fields.

``request_prepare`` turns the form of ``POST requests`` into what intake needs (category, location,
description with the answers to the service definition's questions, privacy). It never touches the
personal fields (email, names, phone, device_id, account_id): ``sigap.intake.open311`` hands those to the
vault through ``report_submit`` (``post.py`` is given it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from sigap.core.limits import MAX_DESCRIPTION, MIN_DESCRIPTION
from sigap.organization.models import Category
from sigap.reports.models import Privacy, Report

from .address import kelurahan_locate
from .errors import bad_request, not_found
from .models import ApiClient, ClientReport, ServiceAttribute
from .params import parse_coordinate, parse_when

MAX_ATTRIBUTE_TEXT = 500
MAX_MEDIA_URL = 4096  # never fetched nor stored; a presigned S3 or GCS link runs to 1,500 and more
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")


@transaction.atomic
def apiclient_issue(*, name: str, rate_per_minute: int = 60) -> tuple[ApiClient, str]:
    """Register a client app. Returns it and its key (shown once; only its hash is kept)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise bad_request("Nama aplikasi 1–100 karakter.", "The app's name must be 1–100 characters.", field="name")
    if rate_per_minute < 1:
        raise bad_request("Batas per menit minimal 1.", "The rate limit must be at least 1 per minute.", field="rate")
    if ApiClient.objects.filter(name=name).exists():
        raise bad_request(f"Klien '{name}' sudah ada.", f"A client named '{name}' already exists.", field="name")
    key = ApiClient.new_key()
    client = ApiClient(name=name, rate_per_minute=rate_per_minute)
    client.set_key(key)
    client.save()
    return client, key


def client_report_record(*, client: ApiClient, report: Report) -> ClientReport:
    return ClientReport.objects.create(client=client, report=report, token=ClientReport.new_token())


@dataclass(frozen=True)
class PreparedRequest:
    category: Category
    lat: float
    lon: float
    address: str
    description: str
    privacy: str
    kelurahan_from_address: str = ""  # set when the location was parsed from address_string
    appended: int = 0  # characters of Sigap's own notes after the client's text (not counted against its limit)


def _attribute_values(data: MultiValueDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match:
            values = [v.strip() for v in data.getlist(key) if v.strip()]
            found.setdefault(match.group(1), []).extend(values)
    return found


def attributes_check(category: Category, given: dict[str, list[str]]) -> list[tuple[ServiceAttribute, list[str]]]:
    """Validate answers against the service definition; returns (attribute, answers) in definition order."""
    definitions = {a.code: a for a in ServiceAttribute.objects.filter(category_code=category.code)}
    # An attribute the definition does not list is ignored: neither refused nor kept. Clients send their own with every
    # report (FixMyStreet: title, description, report_url, easting, northing, fixmystreet_id), and what is not asked
    # for is not stored: it may carry anything of the resident's (found by a review of GeoReport v2 conformance).
    out = []
    for code, attr in sorted(definitions.items(), key=lambda kv: (kv[1].order, kv[0])):
        values = given.get(code, [])
        field = f"attribute[{code}]"
        if not attr.variable:
            continue
        if not values:
            if attr.required:
                raise bad_request(
                    f"Atribut {code} wajib diisi ({attr.description}).",
                    f"Attribute {code} is required ({attr.description}).",
                    code="attribute_required",
                    field=field,
                )
            continue
        if attr.datatype != ServiceAttribute.Datatype.MULTI and len(values) > 1:
            raise bad_request(
                f"Atribut {code} hanya satu nilai.",
                f"Attribute {code} takes one value.",
                code="invalid_attribute",
                field=field,
            )
        if attr.datatype in ServiceAttribute.LISTS:
            keys = attr.value_keys()
            if any(v not in keys for v in values):
                raise bad_request(
                    f"Nilai atribut {code} harus salah satu dari: {', '.join(keys)}.",
                    f"Attribute {code} must be one of: {', '.join(keys)}.",
                    code="invalid_attribute",
                    field=field,
                )
        elif attr.datatype == ServiceAttribute.Datatype.NUMBER:
            try:
                number = float(values[0])
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise bad_request(
                    f"Atribut {code} harus angka.",
                    f"Attribute {code} must be a number.",
                    code="invalid_attribute",
                    field=field,
                )
        elif attr.datatype == ServiceAttribute.Datatype.DATETIME:
            parse_when(values[0], field)
        if any(len(v) > MAX_ATTRIBUTE_TEXT for v in values):
            raise bad_request(
                f"Atribut {code} terlalu panjang (maksimal {MAX_ATTRIBUTE_TEXT} karakter).",
                f"Attribute {code} is too long (at most {MAX_ATTRIBUTE_TEXT} characters).",
                code="invalid_attribute",
                field=field,
            )
        out.append((attr, values))
    return out


def _answer_text(attr: ServiceAttribute, values: list[str]) -> str:
    """ "<question>: <answer>", appended to the description. A free-text answer is reporter-written text: it reaches
    officers only with the description, through the one door (``sigap.privacy.door.for_officers`` in intake), whose
    rules read a name after a question that asks for a person ("Kontak di lokasi: ...", "Siapa yang melihat: ...")."""
    if attr.datatype in ServiceAttribute.LISTS:
        names = {str(v["key"]): str(v["name"]) for v in attr.values}
        values = [names.get(v, v) for v in values]
    return f"{attr.description.rstrip(' ?:')}: {', '.join(values)}"


MEDIA_URL_NOTE = "aplikasi pelapor menautkan foto; tautan foto (media_url) tidak diunduh dan tidak ditampilkan"


def _media_url(value: str | None) -> str:
    url = (value or "").strip()
    if not url:
        return ""
    if len(url) > MAX_MEDIA_URL or not re.match(r"^https?://[^\s/]+\S*$", url, re.IGNORECASE):
        raise bad_request(
            f"media_url harus URL http(s) (maksimal {MAX_MEDIA_URL} karakter).",
            f"media_url must be an http(s) URL (at most {MAX_MEDIA_URL} characters).",
            code="invalid_media_url",
            field="media_url",
        )
    return url


def request_prepare(data: MultiValueDict, readable: Callable[[str], str] = str) -> PreparedRequest:
    """Check the non-personal fields of a POSTed request; raise a 400 ``Open311Error`` on bad input. ``readable``:
    the address as officers will read it, which alone may place the report (given by intake, through the view)."""
    code = (data.get("service_code") or "").strip()
    if not code:
        raise bad_request(
            "service_code wajib diisi.", "service_code is required.", code="service_code_required", field="service_code"
        )
    category = Category.objects.filter(code=code[:60], active=True).first()
    if category is None:
        raise not_found(
            "service_code tidak dikenal; lihat services.json.",
            "service_code not found; see services.json.",
            code="unknown_service_code",
            field="service_code",
        )
    answers = attributes_check(category, _attribute_values(data))
    media_url = _media_url(data.get("media_url"))

    privacy = (data.get("privacy") or Privacy.PRIVATE).strip().lower()
    if privacy not in Privacy.values:
        raise bad_request(
            "privacy harus private, public, atau anonymous.",
            "privacy must be private, public or anonymous.",
            code="invalid_privacy",
            field="privacy",
        )

    lat = parse_coordinate(data.get("lat"), "lat", -90, 90)
    lon = parse_coordinate(data.get("long"), "long", -180, 180)
    address = (data.get("address_string") or "").strip()
    if len(address) > 500:
        raise bad_request(
            "address_string terlalu panjang (maksimal 500 karakter).",
            "address_string is too long (at most 500 characters).",
            field="address_string",
        )
    from_address = ""
    if (lat is None) != (lon is None):
        raise bad_request(
            "Kirim lat dan long bersama-sama.",
            "Send lat and long together.",
            code="location_incomplete",
            field="long" if lon is None else "lat",
        )
    if lat is None:
        if not address:
            what = " (address_id tidak didukung)" if data.get("address_id") else ""
            what_en = " (address_id is not supported)" if data.get("address_id") else ""
            raise bad_request(
                f"Lokasi wajib: kirim lat dan long, atau address_string{what}.",
                f"A location is required: send lat and long, or address_string{what_en}.",
                code="location_required",
                field="lat",
            )
        # by what officers will read of it (``readable``: intake's ``placing``): the requester's own name places nothing
        area, lat, lon = kelurahan_locate(readable(address))
        from_address = area.code

    description = (data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:  # the client's own text; the answers appended below are Sigap's
        raise bad_request(
            f"Uraian terlalu panjang (maksimal {MAX_DESCRIPTION} karakter).",
            f"The description is too long (at most {MAX_DESCRIPTION} characters).",
            code="description_too_long",
            field="description",
        )
    if description and len(description) < MIN_DESCRIPTION:
        # GeoReport v2's description is free text up to 4,000 characters, with no least length: "Banjir" is filed
        # as "Saluran tersumbat: Banjir" rather than refused while no description at all is taken
        description = f"{category.name}: {description}"
    notes = [_answer_text(attr, values) for attr, values in answers]
    if media_url:
        # never the link itself: it leads to the photo as taken (faces, plates, its GPS) on the client's server, and
        # its path may hold the resident's account or device (found by a review); a photo comes as ``media``
        notes.append(MEDIA_URL_NOTE)
    if not description:
        description = f"{category.name} (laporan Open311 tanpa uraian)."
    appended = 0
    if notes:
        appendix = "\n\n[Open311] " + "; ".join(notes)
        description, appended = description + appendix, len(appendix)
    return PreparedRequest(
        category=category,
        lat=lat,
        lon=lon,
        address=address,
        description=description,
        privacy=privacy,
        kelurahan_from_address=from_address,
        appended=appended,
    )


def created_out(*, report: Report, tracking_code: str, secret: str, lang_en: bool) -> list[dict]:
    unit = report.unit.name if report.unit_id else ""
    due = timezone.localtime(report.due_at).strftime("%Y-%m-%d") if isinstance(report.due_at, datetime) else "-"
    notice = (
        f"Received and passed to {unit}; expected to be handled by {due}."
        if lang_en
        else f"Laporan diterima dan diteruskan ke {unit}; target selesai {due}."
    )
    return [
        {
            # the id and no token: GeoReport v2 answers one or the other, and the id is immediate
            "service_request_id": report.number,
            "service_notice": notice,
            "sigap": {
                "tracking_code": tracking_code,
                "secret": secret or None,
                "status_code": report.status,
                "privacy": report.privacy,
                "agency_responsible": unit,
            },
        }
    ]
