"""Messages to staff accounts (``StaffNotice``): every privacy officer hears of each reveal step and PPID role change.

A row per recipient, written in the caller's transaction; after commit each recipient with an email address
gets a mail (when ``SIGAP_EMAIL_HOST`` is set; the embedded default discards mail). A failed mail never
undoes the change that caused it: the row is what counts, read through ``GET /api/v1/privacy/notices``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from .models import StaffNotice, StaffRole

log = logging.getLogger(__name__)


def privacy_officers():
    """Every active account holding the privacy-officer role, at any unit."""
    ids = StaffRole.objects.filter(role=StaffRole.Role.PRIVACY_OFFICER).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")


def notify_privacy_officers(
    *, kind: str, body: str, body_en: str, report_number: str = "", unless: Callable[[object], bool] | None = None
) -> list[StaffNotice]:
    """``unless``: a privacy officer it holds for is not told (one barred from the report by a conflict of interest)."""
    officers = privacy_officers()
    if unless is not None:
        officers = officers.exclude(pk__in=[u.pk for u in officers if unless(u)])
    return _notify(
        officers,
        kind=kind,
        body=body,
        body_en=body_en,
        report_number=report_number,
        subject="Sigap: pemberitahuan petugas privasi / privacy officer notice",
    )


def notify_users(
    recipients, *, kind: str, body: str, body_en: str, report_number: str = "", subject: str
) -> list[StaffNotice]:
    """Tell the given accounts (a queryset), e.g. the staff of a unit a report was escalated to."""
    return _notify(recipients, kind=kind, body=body, body_en=body_en, report_number=report_number, subject=subject)


def _notify(recipients, *, kind: str, body: str, body_en: str, report_number: str, subject: str) -> list[StaffNotice]:
    """One notice row per recipient, and a mail to each after the change commits."""
    rows = StaffNotice.objects.bulk_create(
        [
            StaffNotice(user=user, kind=kind, body=body, body_en=body_en, report_number=report_number)
            for user in recipients
        ]
    )
    addresses = list(recipients.exclude(email="").values_list("email", flat=True))
    if addresses:
        transaction.on_commit(lambda: _mail(addresses, body, body_en, subject))
    return rows


def _mail(addresses: list[str], body: str, body_en: str, subject: str) -> None:
    for address in addresses:  # one mail each: recipients do not learn each other's addresses
        try:
            send_mail(subject, f"{body}\n\n{body_en}\n", settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:
            log.exception("staff notice: mail could not be sent")


def admins():
    """Every active administrator account (``is_superuser``): they run the installation."""
    return get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk")


def notify_admins(*, kind: str, body: str, body_en: str, report_number: str = "") -> list[StaffNotice]:
    """Tell every admin of something the system could not do by itself (e.g. a photo that failed to process)."""
    return _notify(
        admins(),
        kind=kind,
        body=body,
        body_en=body_en,
        report_number=report_number,
        subject="Sigap: pemberitahuan admin / admin notice",
    )
