"""What an Open311 client may read, and how a Sigap report looks as a GeoReport v2 ``request``.

Visibility and what is shown follow ``sigap.reports.exposure``, the rule the portal's public pages use too:

* anyone: Publik reports of non-sensitive categories (``exposure.PUBLIC_FILTER``), at the centre of their
  ~220 m grid cell (the very point the portal's public map shows), with ``Kelurahan <name>`` as the address,
  never the address text;
* the client app that filed a report (``ClientReport``, identified by its api_key) also reads its Privat and
  Anonim reports, and sees the redacted address text and the status notes of its own reports, on the same
  grid; for a sensitive category the kelurahan's inner point and name only. The status notes (what officers
  wrote to the reporter: a question, a dispute reason) are not public, as on the portal.

Nothing here reads the vault: a report's description and address were redacted at intake, and personal fields
never reach a ``Report`` row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Value
from django.utils import translation

from sigap.organization.models import Category
from sigap.reports import exposure
from sigap.reports.exposure import Audience
from sigap.reports.models import Hop, Photo, Privacy, Report
from sigap.reports.states import ENDED_STATUSES, OPEN_STATUSES, Status, is_open, label_en, label_id, status_type

from .models import ApiClient, ClientReport, ServiceAttribute

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


# --- services --------------------------------------------------------------------------------


def attributes_by_category() -> dict[str, list[ServiceAttribute]]:
    out: dict[str, list[ServiceAttribute]] = {}
    for attr in ServiceAttribute.objects.all():
        out.setdefault(attr.category_code, []).append(attr)
    return out


def services_list() -> list[dict]:
    attrs = attributes_by_category()
    return [service_out(k, has_definition=bool(attrs.get(k.code))) for k in Category.objects.filter(active=True)]


def service_out(k: Category, *, has_definition: bool) -> dict:
    return {
        "service_code": k.code,
        "service_name": k.name,
        "description": k.name_en or k.name,
        "metadata": has_definition,
        "type": "realtime",
        "keywords": k.examples,
        "group": k.group,
        "sigap": {"name_en": k.name_en, "sensitive": k.sensitive, "days_to_resolve": k.sla_done_days},
    }


def category_active(code: str) -> Category | None:
    return Category.objects.filter(code=code, active=True).first()


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


def service_definition(k: Category) -> dict:
    attrs = ServiceAttribute.objects.filter(category_code=k.code)
    return {"service_code": k.code, "attributes": [attribute_out(a) for a in attrs]}


def catalog_changeset() -> datetime | None:
    stamps = [
        Category.objects.aggregate(t=Max("updated_at"))["t"],
        ServiceAttribute.objects.aggregate(t=Max("updated_at"))["t"],
    ]
    stamps = [s for s in stamps if s is not None]
    return max(stamps) if stamps else None


# --- requests --------------------------------------------------------------------------------


def reports_visible(client: ApiClient | None) -> QuerySet[Report]:
    q = Q(**exposure.PUBLIC_FILTER)
    if client is not None:
        q |= Q(open311_client__client=client)
    return Report.objects.filter(q)


@dataclass(slots=True)
class RequestRow:
    """What a GeoReport ``request`` shows of a report (and what ``exposure`` reads), as plain values: a page of up
    to 1,000 requests built a report, its category, unit and kelurahan and a model per hop and unit for each, which
    was most of the page's cost. ``filed_by_caller``: the calling client app filed the report."""

    pk: int
    number: str
    status: str
    public_note: str
    description: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    due_at: datetime | None
    privacy: str
    lat: float | None
    lon: float | None
    address: str
    category_name: str
    category_code: str
    category_sensitive: bool
    unit_name: str | None  # None: no unit holds it
    kelurahan_name: str | None  # None: not placed in a kelurahan
    kelurahan_lat: float | None
    kelurahan_lon: float | None
    filed_by_caller: bool
    hop_list: list[dict] = field(default_factory=list)  # oldest first
    first_photo_id: int | None = None  # the first reporter photo


# The column each ``RequestRow`` field is read from, by name: a row is never filled by position, so reordering
# either list cannot put one field's text (the address) into another's (the description the public sees).
_REQUEST_COLUMNS = {
    "pk": "pk",
    "number": "number",
    "status": "status",
    "public_note": "public_note",
    "description": "description",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "closed_at": "closed_at",
    "due_at": "due_at",
    "privacy": "privacy",
    "lat": "lat",
    "lon": "lon",
    "address": "address",
    "category_name": "category__name",
    "category_code": "category__code",
    "category_sensitive": "category__sensitive",
    "unit_name": "unit__name",
    "kelurahan_name": "kelurahan__name",
    "kelurahan_lat": "kelurahan__inner_lat",
    "kelurahan_lon": "kelurahan__inner_lon",
    "filed_by_caller": "filed_by_caller",
}


def _rows(qs: QuerySet[Report], client: ApiClient | None, *, offset: int, limit: int) -> list[RequestRow]:
    """``limit`` rows of ``qs`` from ``offset`` as ``RequestRow``s, with their hops and first photo (one statement
    each)."""
    filed = (
        Exists(ClientReport.objects.filter(report=OuterRef("pk"), client=client))
        if client is not None
        else Value(False)
    )
    names = list(_REQUEST_COLUMNS)
    values = qs.annotate(filed_by_caller=filed).values_list(*_REQUEST_COLUMNS.values())[offset : offset + limit]
    rows = [RequestRow(**dict(zip(names, row, strict=True))) for row in values]
    ids = [r.pk for r in rows]
    hops: dict[int, list[dict]] = {}
    photos: dict[int, int] = {}
    if ids:
        for report_id, kind, from_unit, to_unit, at, accepted_at in (
            Hop.objects.filter(report_id__anyof=ids)
            .order_by("created_at", "id")
            .values_list("report_id", "kind", "from_unit__name", "to_unit__name", "created_at", "accepted_at")
        ):
            hops.setdefault(report_id, []).append(
                {"kind": kind, "from_unit": from_unit, "to_unit": to_unit, "at": at, "accepted_at": accepted_at}
            )
        for report_id, photo_id in (
            Photo.objects.filter(report_id__anyof=ids, kind=Photo.Kind.REPORT)
            .order_by("report_id", "created_at", "id")
            .values_list("report_id", "id")
        ):
            photos.setdefault(report_id, photo_id)
    for r in rows:
        r.hop_list = hops.get(r.pk, [])
        r.first_photo_id = photos.get(r.pk)
    return rows


def requests_search(
    *,
    client: ApiClient | None,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> list[RequestRow]:
    """GET requests: ``ids`` override every other filter (GeoReport v2). Newest first."""
    qs = reports_visible(client)
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        if service_codes:
            qs = qs.filter(category__code__in=service_codes)
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if statuses and set(statuses) != {"open", "closed"}:
            qs = qs.filter(status__in={"open": OPEN_STATUSES, "closed": ENDED_STATUSES}[statuses[0]])
    return _rows(qs.order_by("-created_at", "-id"), client, offset=offset, limit=limit)


def request_get(*, client: ApiClient | None, number: str) -> RequestRow | None:
    rows = _rows(reports_visible(client).filter(number=number), client, offset=0, limit=1)
    return rows[0] if rows else None


def token_get(token: str) -> ClientReport | None:
    return ClientReport.objects.select_related("report").filter(token=token).first()


def open311_status(status: str) -> str:
    return "open" if is_open(status) else "closed"


def audience(report: RequestRow) -> Audience:
    """The filing client app reads its own report as its reporter; everyone else as the public."""
    return Audience.REPORTER if getattr(report, "filed_by_caller", False) else Audience.PUBLIC


def _location(shown: exposure.Shown) -> tuple[float | None, float | None, str | None]:
    lat, lon = shown.point if shown.point else (None, None)
    address = shown.address or (f"Kelurahan {shown.area}" if shown.area else None)
    return lat, lon, address


def request_out(report: RequestRow, *, media_url: Callable[[str, int], str], labels: dict | None = None) -> dict:
    """A report read by ``requests_search`` or ``request_get`` as a GeoReport v2 ``request``. ``labels``: a dict
    kept across one page's requests, so each status's and privacy's labels are made once per page."""
    facts = exposure.Facts(
        privacy=report.privacy,
        sensitive=bool(report.category_sensitive),
        lat=report.lat,
        lon=report.lon,
        address=report.address or "",
        area_name=report.kelurahan_name or "",
        area_lat=report.kelurahan_lat,
        area_lon=report.kelurahan_lon,
    )
    shown = exposure.expose(facts, audience(report))
    lat, lon, address = _location(shown)
    public = exposure.expose(facts, Audience.PUBLIC).listed  # photos are served to the public only
    media = media_url(report.number, report.first_photo_id) if public and report.first_photo_id else None
    labels = {} if labels is None else labels
    if report.status not in labels:
        labels[report.status] = _status_fields(Status(report.status))
    if ("privacy", report.privacy) not in labels:
        labels[("privacy", report.privacy)] = _label_id(Privacy(report.privacy))
    return {
        "service_request_id": report.number,
        "status": open311_status(report.status),
        "status_notes": (report.public_note or None) if shown.notes else None,
        "service_name": report.category_name,
        "service_code": report.category_code,
        "description": report.description if shown.description else None,
        "agency_responsible": report.unit_name if report.unit_name is not None and shown.handling_unit else None,
        "service_notice": None,
        "requested_datetime": report.created_at,
        # GeoReport v2: "For requests with status=closed, this will be the date the request was closed" (a rating
        # given days later changes the report, not when it closed)
        "updated_datetime": report.closed_at if report.closed_at and not is_open(report.status) else report.updated_at,
        "expected_datetime": report.due_at,
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": media,
        "sigap": {
            **labels[report.status],
            "privacy": report.privacy,
            "privacy_label": labels[("privacy", report.privacy)],
            "kelurahan": report.kelurahan_name,
            "hops": report.hop_list,
        },
    }


def _status_fields(status: Status) -> dict:
    return {
        "status_code": status.value,
        "status_label": label_id(status),
        "status_label_en": label_en(status),
        "status_type": status_type(status).value,
    }


def _label_id(choice) -> str:
    with translation.override("id"):
        return str(choice.label)


def public_photo(*, number: str, photo_id: int) -> Photo | None:
    """A reporter photo (de-identified copy) of a report the public may see; nothing else is ever served."""
    public = {f"report__{k}": v for k, v in exposure.PUBLIC_FILTER.items()}
    return Photo.objects.filter(report__number=number, kind=Photo.Kind.REPORT, pk=photo_id, **public).first()
