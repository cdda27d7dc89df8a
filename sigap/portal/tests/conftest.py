"""Helpers for the portal tests: the report form as a resident fills it, and reports moved along by officers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services

PB = "31.75.07.1002"  # Kelurahan Pondok Bambu, Duren Sawit, Jakarta Timur
PB_UNIT = "kel:31.75.07.1002"
GAMBIR = "31.71.01.1001"


def form_data(**overrides) -> dict:
    data = {
        "category": "saluran-tersumbat",
        "description": "Got mampet di depan gang, air meluap ke jalan setiap hujan deras.",
        "kota": "31.75",
        "kecamatan": "31.75.07",
        "kelurahan": PB,
        "lat": "",
        "lon": "",
        "address": "Jl. Pahlawan Revolusi, dekat musala",
        "privacy": "private",
        "name": "Siti Aminah",
        "phone": "0812-3456-7890",
        "email": "siti@example.org",
    }
    data.update(overrides)
    return data


def upload(raw: bytes, name: str = "got.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="image/jpeg")


def gps_jpeg(lat: float, lon: float) -> bytes:
    """A JPEG whose EXIF says it was taken at (lat, lon) (southern/eastern hemisphere)."""

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))

    image = Image.new("RGB", (320, 240), (40, 90, 160))
    exif = Image.Exif()
    exif[0x8825] = {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "E" if lon > 0 else "W", 4: dms(lon)}
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def htmx(**extra) -> dict:
    return {"HTTP_HX_REQUEST": "true", **extra}


@pytest.fixture
def file_report(client, jpeg):
    """file_report(**form overrides) → the report number, filed through the portal form with one photo."""
    from sigap.reports.models import Report

    def make(photo: bool = True, **overrides):
        data = form_data(**overrides)
        if photo:
            data["photos"] = upload(jpeg((320, 240)))
        response = client.post("/lapor/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        return Report.objects.order_by("-id").first()

    return make


@pytest.fixture
def officers(staff):
    return {
        "pb": staff("petugas.pb", PB_UNIT),
        "validator": staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR),
    }


@pytest.fixture
def finish(officers, jpeg):
    """finish(report) → the report worked on by Pondok Bambu, proven with photos and validated (Selesai)."""

    def make(report):
        services.report_accept(report_id=report.pk, actor=officers["pb"])
        for kind in ("before", "after"):
            services.photo_add(report_id=report.pk, actor=officers["pb"], kind=kind, photo=photo_clean(jpeg()))
        services.report_request_validation(report_id=report.pk, actor=officers["pb"])
        services.report_validate(
            report_id=report.pk, actor=officers["validator"], accept=True, reason="Bukti diperiksa."
        )
        report.refresh_from_db()
        return report

    return make
