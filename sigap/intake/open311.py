"""Intake's part of Open311 ``POST requests``: file the report a client app sends for a resident, with the
resident's personal fields (name, phone, email; device_id and account_id kept beside them) in the identity vault.

The request itself (api_key, rate limit, location, the answer) is handled by ``sigap.open311.post``, which never
imports the vault; ``sigap.config.open311_dispatch`` hands it this function. Call it inside the view's
transaction.
"""

from __future__ import annotations

from sigap.core.errors import DomainError
from sigap.core.language import language_code
from sigap.privacy import vault
from sigap.reports.models import Channel, Privacy, Report

from . import idempotency, services
from .placing import placing_text


def open311_address_readable(address: str, personal: dict) -> str:
    """An ``address_string`` as officers will read it (``placing``, with the request's own personal fields): what
    alone may place the report. "depan SD, a.n. Wijaya Kusuma" placed it in Kelurahan Wijaya Kusuma while its stored
    address read "a.n. [nama disembunyikan]" (a second review)."""
    name = " ".join(p for p in (personal.get("first_name", ""), personal.get("last_name", "")) if p)
    reporter = services.Reporter(name=name, phone=personal.get("phone", ""), email=personal.get("email", ""))
    # the terms the stored address is redacted with (``_submit``): the app's account and device too
    return placing_text(address, identity=services.door_terms(reporter, _contacts(personal)), place_text=True)


def _contacts(fields: dict) -> dict:
    """The resident's account and device on the client app: ids an app may also write into the text."""
    contacts = {"username": fields.get("account_id", ""), "device_id": fields.get("device_id", "")}
    return {k: v for k, v in contacts.items() if v}


def open311_report_file(
    *,
    category: str,
    description: str,
    lat: float | None,
    lon: float | None,
    address: str,
    privacy: str,
    name: str,
    phone: str,
    email: str,
    extra: dict[str, str],
    media=(),
    idempotency_key: str | None = None,
    client_id: int | None = None,
    appended: int = 0,
) -> services.IntakeResult:
    """``idempotency_key``: the request's Idempotency-Key header as sent (checked here), scoped to the client app
    (``client_id``): the same key with the same request answers the report the first one filed, and files nothing;
    with another request, 422 (``sigap.intake.idempotency``)."""
    key = idempotency.key_parse(idempotency_key)
    try:
        photos = services.uploads_read(media, "media")
        claim = None
        if key is not None:
            fields = {"category": category, "description": description, "lat": lat, "lon": lon, "address": address,
                      "privacy": privacy, "name": name, "phone": phone, "email": email, "extra": extra}  # fmt: skip
            claim = idempotency.claim(key, fields, photos, scope=f"POST /open311/v2/requests client {client_id}")
            earlier = idempotency.lookup(claim)
            if earlier is not None:
                return services.IntakeResult(
                    report=Report.objects.get(number=earlier["id"]),
                    tracking_code=earlier["tracking_code"],
                    location=None,
                    secret=earlier["secret"] or "",
                    replayed=True,
                )
        created = _submit(
            category, description, lat, lon, address, privacy, name, phone, email, extra, photos, claim, appended
        )
    except DomainError as exc:
        if exc.field != "photos":
            raise
        raise DomainError(exc.message_id, exc.message_en, code=exc.code, status=exc.status, field="media") from None
    report = created.report
    if extra and report.reporter_ref and privacy != Privacy.ANONYMOUS:
        vault.identity_update(report.reporter_ref, **extra)
    return created


def _submit(category, description, lat, lon, address, privacy, name, phone, email, extra, photos, claim, appended):
    return services.report_submit(
        services.Submission(
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            channel=Channel.OPEN311,
            language=language_code(),  # the app's Accept-Language
            address=address,
            privacy=privacy,
            reporter=services.Reporter(name=name, phone=phone, email=email),
            photos=photos,
            known_contacts=_contacts(extra),
            idempotency=claim,
            appended=appended,
        )
    )
