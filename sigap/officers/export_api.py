"""Exports for officers: the same redacted, de-identified view as the pages; every export is access-logged."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router

from sigap.core.schemas import ErrorOut
from sigap.privacy.access_log import Action, access_record
from sigap.reports import selectors
from sigap.reports.states import label_id

from .api import AUTH

router = Router(tags=["officer"], auth=AUTH)
COLUMNS = ["nomor", "kategori", "status", "unit", "kelurahan", "kanal", "privasi", "dibuat", "batas_selesai", "uraian"]
MAX_ROWS = 10_000


@router.get(
    "/reports.csv",
    response={200: None, 401: ErrorOut, 422: ErrorOut},
    summary="Export my queue as CSV (redacted; access-logged)",
)
def export_csv_endpoint(
    request,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
):
    """``status``: ``open`` (default), ``closed``, ``all`` or a status code (422 otherwise); at most 10,000 rows,
    in the queue's order, read from one index range."""
    rows = list(
        selectors.report_queue(
            user=request.auth, status=status, category=category, kelurahan=kelurahan, overdue=overdue
        )[:MAX_ROWS]
    )
    access_record(
        actor=request.auth,
        action=Action.EXPORT,
        reports=[r.number for r in rows],
        filters={
            k: v
            for k, v in {"status": status, "category": category, "kelurahan": kelurahan, "overdue": overdue}.items()
            if v is not None
        },
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.number,
                r.category.code,
                label_id(r.status),
                r.unit.name if r.unit else "",
                r.kelurahan.name if r.kelurahan else "",
                r.channel,
                r.privacy,
                timezone.localtime(r.created_at).isoformat(timespec="minutes"),
                timezone.localtime(r.due_at).isoformat(timespec="minutes") if r.due_at else "",
                r.description,
            ]
        )
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sigap-{timezone.localdate():%Y%m%d}.csv"'
    return response
