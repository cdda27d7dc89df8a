"""Intake's part of Open311 ``POST requests``: file the report a client app sends for a resident, with the
resident's personal fields (name, phone, email; device_id and account_id kept beside them) in the identity vault.

The request itself (api_key, rate limit, location, the answer) is handled by ``sigap.open311.post``, which never
imports the vault; ``sigap.config.open311_dispatch`` hands it this function. Call it inside the view's
transaction.
"""

from __future__ import annotations

from sigap.privacy import vault
from sigap.reports.models import Channel, Privacy

from . import services


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
) -> services.IntakeResult:
    created = services.report_submit(
        services.Submission(
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            channel=Channel.OPEN311,
            address=address,
            privacy=privacy,
            reporter=services.Reporter(name=name, phone=phone, email=email),
            # the resident's account on the client app may be a user name they also sign with
            known_contacts={"username": extra["account_id"]} if extra.get("account_id") else {},
        )
    )
    report = created.report
    if extra and report.reporter_ref and privacy != Privacy.ANONYMOUS:
        vault.identity_update(report.reporter_ref, **extra)
    return created
