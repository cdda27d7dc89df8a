"""Rows that have served their time, removed each night so that the tables they sit in hold what is live, not
the years: expired sessions (a resident's browser that filed or followed a report, a staff sign-in), API tokens
expired a week ago, and django-axes' sign-in records older than ``SIGAP_SIGNIN_LOG_DAYS``.

Nothing reads an expired session (a load asks for ``expire_date`` in the future) or an expired token beyond
telling its client "expired" (kept a week for that); yet without this their rows stay for ever: the session table
grows by every browser that ever filed a report, each row an encrypted record of what it did. Deleted in batches
of ``BATCH`` rows, each its own statement, so that the first run after an upgrade (the backlog of the years)
holds no long lock and writes no single huge transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken

BATCH = 5_000
TOKEN_KEEP_DAYS = 7  # an expired token's row answers "token_expired" (sign in again) rather than "unknown" a week


def delete_in_batches(rows: QuerySet) -> int:
    """Delete ``rows`` ``BATCH`` at a time (their keys first, then those rows); returns how many."""
    model, deleted = rows.model, 0
    while True:
        keys = list(rows.order_by().values_list("pk", flat=True)[:BATCH])
        if not keys:
            return deleted
        n, _ = model.objects.filter(pk__in=keys).delete()
        deleted += n


def run(now=None) -> dict[str, int]:
    """One night's housekeeping: how many rows of each kind were removed."""
    from axes.models import AccessFailureLog, AccessLog

    now = now or timezone.now()
    removed = {
        "sessions": delete_in_batches(Session.objects.filter(expire_date__lt=now)),
        "api_tokens": delete_in_batches(ApiToken.objects.filter(expires_at__lt=now - timedelta(days=TOKEN_KEEP_DAYS))),
    }
    days = settings.SIGAP_SIGNIN_LOG_DAYS
    if days > 0:
        cutoff = now - timedelta(days=days)
        removed["signin_logs"] = delete_in_batches(AccessLog.objects.filter(attempt_time__lt=cutoff))
        removed["signin_failures"] = delete_in_batches(AccessFailureLog.objects.filter(attempt_time__lt=cutoff))
    return removed
