"""Small helpers for the console tests: clients per staff member, htmx requests, the flow up to a point."""

from __future__ import annotations

import io

from django.db import connection
from django.test import Client

from sigap.reports import services
from sigap.reports.models import Report

PB_UNIT = "kel:31.75.07.1002"
GAMBIR_KEL = "31.71.01.1001"
SUDIN = "sudin-bina-marga:31.75"
HTMX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_rows(content: bytes) -> list[list]:
    """The rows of a workbook's first sheet, as openpyxl reads them back (dates as datetimes)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def xlsx_text(content: bytes) -> str:
    """Everything a workbook holds, as text, for a search: every cell's value of every sheet, then every part
    of the archive (sheets, shared strings, properties) unzipped."""
    import zipfile

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = [
        "" if value is None else str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(cells + parts)


def as_text(response) -> bytes:
    """A response's body as searchable bytes: an XLSX workbook unzipped and read (``xlsx_text``), else as is."""
    if response.get("Content-Type", "").startswith(XLSX):
        return xlsx_text(response.content).encode()
    return response.content


def console(user, *, enforce_csrf: bool = False) -> Client:
    c = Client(enforce_csrf_checks=enforce_csrf)
    c.force_login(user)
    return c


def action(c: Client, number: str, slug: str, data: dict | None = None, *, htmx: bool = True, **extra):
    headers = {**(HTMX if htmx else {}), **extra}
    return c.post(f"/petugas/laporan/{number}/{slug}/", data=data or {}, **headers)


def upload(c: Client, number: str, kind: str, data: bytes, *, htmx: bool = True, name: str = "foto.jpg", **extra):
    f = io.BytesIO(data)
    f.name = name
    return action(c, number, "foto", {"kind": kind, "photo": f}, htmx=htmx, **extra)


def to_validation(report: Report, officer, jpeg, *, now=None) -> None:
    """Accept, add before/after proof and ask for validation (through the services)."""
    from sigap.privacy.photos import photo_clean

    report.refresh_from_db()
    if report.status != "in_progress":
        services.report_accept(report_id=report.pk, actor=officer, now=now)
    for kind, colour in (("before", (120, 80, 60)), ("after", (60, 120, 80))):
        services.photo_add(
            report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg(colour=colour), blur=False), now=now
        )
    services.report_request_validation(report_id=report.pk, actor=officer, now=now)


def totp_code(user) -> str:
    """The current one-time code of the account's authenticator (the staff factory enrols one above officer)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):0{device.digits}d}"


def console_verified(user) -> Client:
    """A signed-in client whose sign-in passed the second factor, as the login form records it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    c = console(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = c.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return c


def text(response) -> str:
    return response.content.decode()


def sql(statement: str, params=()):
    """Run SQL as a database owner would, straight to the tables; returns the rows of a query."""
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None
