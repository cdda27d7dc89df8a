"""What an Open311 client may read, and how a Sigap report looks as a GeoReport v2 ``request``.

Visibility, one rule: a Publik report is public; a Privat or Anonim report is visible only to the client
app that filed it (``ClientReport``), identified by its api_key. Nothing here reads the vault: a report's
description and address were redacted at intake, and personal fields never reach a ``Report`` row.

Location, for every reader: coordinates rounded to 3 decimals (about 100 m); for a sensitive category the
kelurahan's inner point instead, and the address text is replaced by the kelurahan's name.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import translation

from sigap.organization.models import Kategori
from sigap.reports.models import Hop, Photo, Privacy, Report
from sigap.reports.states import Status, StatusType, label_en, label_id, status_type

from .models import ApiClient, ClientReport, ServiceAttribute

COORD_DECIMALS = 3
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


# --- services --------------------------------------------------------------------------------

def attributes_by_kategori() -> dict[str, list[ServiceAttribute]]:
    out: dict[str, list[ServiceAttribute]] = {}
    for attr in ServiceAttribute.objects.all():
        out.setdefault(attr.kategori_kode, []).append(attr)
    return out


def services_list() -> list[dict]:
    attrs = attributes_by_kategori()
    return [service_out(k, has_definition=bool(attrs.get(k.kode))) for k in Kategori.objects.filter(aktif=True)]


def service_out(k: Kategori, *, has_definition: bool) -> dict:
    return {
        "service_code": k.kode,
        "service_name": k.nama,
        "description": k.name_en or k.nama,
        "metadata": has_definition,
        "type": "realtime",
        "keywords": k.contoh,
        "group": k.grup,
        "sigap": {"name_en": k.name_en, "sensitive": k.sensitif, "days_to_resolve": k.sla_hari_selesai},
    }


def kategori_active(code: str) -> Kategori | None:
    return Kategori.objects.filter(kode=code, aktif=True).first()


def attribute_out(a: ServiceAttribute) -> dict:
    out = {
        "variable": a.variable,
        "code": a.code,
        "datatype": a.datatype,
        "required": a.required,
        "datatype_description": a.datatype_description or None,
        "order": a.order,
        "description": a.description,
    }
    if a.datatype in ServiceAttribute.LISTS:
        out["values"] = [{"key": str(v["key"]), "name": str(v["name"])} for v in a.values or []]
    return out


def service_definition(k: Kategori) -> dict:
    attrs = ServiceAttribute.objects.filter(kategori_kode=k.kode)
    return {"service_code": k.kode, "attributes": [attribute_out(a) for a in attrs]}


def catalog_changeset() -> datetime | None:
    stamps = [Kategori.objects.aggregate(t=Max("updated_at"))["t"], ServiceAttribute.objects.aggregate(t=Max("updated_at"))["t"]]
    stamps = [s for s in stamps if s is not None]
    return max(stamps) if stamps else None


# --- requests --------------------------------------------------------------------------------

def reports_visible(client: ApiClient | None) -> QuerySet[Report]:
    q = Q(privacy=Privacy.PUBLIC)
    if client is not None:
        q |= Q(open311_client__client=client)
    return Report.objects.filter(q)


def _with_details(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.select_related("kategori", "unit", "kelurahan").prefetch_related(
        Prefetch("hops", queryset=Hop.objects.select_related("from_unit", "to_unit").order_by("created_at", "id")),
        Prefetch("photos", queryset=Photo.objects.filter(kind=Photo.Kind.REPORT).order_by("created_at", "id"),
                 to_attr="report_photos"),
    )


def requests_search(*, client: ApiClient | None, ids: list[str] | None = None, service_codes: list[str] | None = None,
                    start: datetime | None = None, end: datetime | None = None, statuses: list[str] | None = None,
                    offset: int = 0, limit: int = 1000) -> list[Report]:
    """GET requests: ``ids`` override every other filter (GeoReport v2). Newest first."""
    qs = reports_visible(client)
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        if service_codes:
            qs = qs.filter(kategori__kode__in=service_codes)
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if statuses and set(statuses) != {"open", "closed"}:
            wanted = {"open": [StatusType.OPEN], "closed": [StatusType.CLOSED, StatusType.DONE]}[statuses[0]]
            qs = qs.filter(status__in=[s for s in Status if status_type(s) in wanted])
    return list(_with_details(qs.order_by("-created_at", "-id"))[offset:offset + limit])


def request_get(*, client: ApiClient | None, number: str) -> Report | None:
    return _with_details(reports_visible(client).filter(number=number)).first()


def token_get(token: str) -> ClientReport | None:
    return ClientReport.objects.select_related("report").filter(token=token).first()


def open311_status(status: str) -> str:
    return "open" if status_type(status) == StatusType.OPEN else "closed"


def _location(report: Report) -> tuple[float | None, float | None, str]:
    if report.kategori.sensitif and report.kelurahan_id:
        kel = report.kelurahan
        lat, lon = kel.inner_lat, kel.inner_lon
        address = f"Kelurahan {kel.nama}"
    else:
        lat, lon, address = report.lat, report.lon, report.address
        if (lat is None or lon is None) and report.kelurahan_id:
            lat, lon = report.kelurahan.inner_lat, report.kelurahan.inner_lon
    rounded = lambda v: round(v, COORD_DECIMALS) if v is not None else None  # noqa: E731
    return rounded(lat), rounded(lon), address


def request_out(report: Report, *, media_url: Callable[[Report, Photo], str]) -> dict:
    lat, lon, address = _location(report)
    photos = getattr(report, "report_photos", None)
    if photos is None:
        photos = list(report.photos.filter(kind=Photo.Kind.REPORT).order_by("created_at", "id"))
    media = media_url(report, photos[0]) if report.privacy == Privacy.PUBLIC and photos else None
    status = Status(report.status)
    return {
        "service_request_id": report.number,
        "status": open311_status(status),
        "status_notes": report.public_note or None,
        "service_name": report.kategori.nama,
        "service_code": report.kategori.kode,
        "description": report.description,
        "agency_responsible": report.unit.nama if report.unit_id else None,
        "service_notice": None,
        "requested_datetime": report.created_at,
        "updated_datetime": report.updated_at,
        "expected_datetime": report.due_at,
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": media,
        "sigap": {
            "status_code": status.value,
            "status_label": label_id(status),
            "status_label_en": label_en(status),
            "status_type": status_type(status).value,
            "privacy": report.privacy,
            "privacy_label": _label_id(Privacy(report.privacy)),
            "kelurahan": report.kelurahan.nama if report.kelurahan_id else None,
            "hops": [
                {"kind": h.kind, "from_unit": h.from_unit.nama, "to_unit": h.to_unit.nama, "at": h.created_at,
                 "accepted_at": h.accepted_at}
                for h in report.hops.all()
            ],
        },
    }


def _label_id(choice) -> str:
    with translation.override("id"):
        return str(choice.label)


def public_photo(*, number: str, photo_id: int) -> Photo | None:
    """A reporter photo (de-identified copy) of a Publik report; nothing else is ever served."""
    return Photo.objects.filter(report__number=number, report__privacy=Privacy.PUBLIC, kind=Photo.Kind.REPORT,
                                pk=photo_id).first()
