"""Exports for officers, CSV and XLSX: the same redacted, de-identified view as the pages, one page of the queue per
file (``sigap.officers.exports``); every page is access-logged."""

from __future__ import annotations

from ninja import Router

from sigap.core.schemas import ErrorOut

from . import exports
from .api import AUTH

router = Router(tags=["officer"], auth=AUTH)
DOC = """``status``: ``open`` (default), ``closed``, ``all`` or a status code (422 otherwise); ``category``,
``kelurahan``, ``overdue`` as in the queue. One page in the queue's order, read through the keyset: ``limit`` rows
(default 1,000; 1..10,000, 422 otherwise) after ``cursor`` (422 when invalid). When more rows follow, the response
carries ``Link: <...&cursor=...>; rel="next"`` and ``X-Next-Cursor``. Columns: ``nomor, kategori, status, unit,
kelurahan, kanal, privasi, dibuat, batas_selesai, uraian``; a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return starts with ``'``."""


def _export(request, fmt, status, category, kelurahan, overdue, limit, cursor):
    filters = {"status": status, "category": category, "kelurahan": kelurahan, "overdue": overdue}
    page = exports.page_read(user=request.auth, fmt=fmt, limit=limit, cursor=cursor, **filters)
    params = {
        **filters,
        "overdue": None if overdue is None else ("true" if overdue else "false"),
        "limit": limit,
    }
    return exports.file_response(request, page, fmt, params)


@router.get(
    "/reports.csv",
    response={200: None, 401: ErrorOut, 422: ErrorOut},
    summary="Export my queue as CSV, one page per file (redacted; access-logged)",
    description=DOC,
)
def export_csv_endpoint(
    request,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
    limit: int = exports.DEFAULT_LIMIT,
    cursor: str | None = None,
):
    return _export(request, "csv", status, category, kelurahan, overdue, limit, cursor)


@router.get(
    "/reports.xlsx",
    response={200: None, 401: ErrorOut, 422: ErrorOut},
    summary="Export my queue as XLSX, one page per file (redacted; access-logged)",
    description=DOC,
)
def export_xlsx_endpoint(
    request,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
    limit: int = exports.DEFAULT_LIMIT,
    cursor: str | None = None,
):
    return _export(request, "xlsx", status, category, kelurahan, overdue, limit, cursor)
