"""Small factories for report tests: real services, real reference data."""

from __future__ import annotations

from sigap.intake.services import Reporter, Submission, report_submit


def inner_point(code: str) -> tuple[float, float]:
    from sigap.organization.models import Wilayah

    w = Wilayah.objects.get(code=code)
    return w.inner_lat, w.inner_lon


def submit(
    category: str = "saluran-tersumbat",
    kelurahan: str = "31.75.07.1002",
    *,
    privacy: str = "private",
    description: str = "Got mampet di depan gang, air meluap ke jalan saat hujan.",
    reporter: Reporter | None = None,
    photos=(),
    channel: str = "web",
    now=None,
):
    lat, lon = inner_point(kelurahan)
    return report_submit(
        Submission(
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            channel=channel,
            privacy=privacy,
            reporter=reporter if reporter is not None else Reporter(name="Budi Santoso", phone="081234567890"),
            photos=list(photos),
        ),
        now=now,
    )


def submit_unplaced(
    description: str = "Lampu jalan mati di gang Mawar dekat Pondok Bambu sejak seminggu",
    *,
    lat: float | None = None,
    lon: float | None = None,
    reporter_name: str = "X",
):
    """A report as a tweet brings it: no category chosen and, unless given, no point; it waits at the triage desk
    when the categorizer is unsure or nothing places it."""
    return report_submit(
        Submission(
            category="",
            description=description,
            lat=lat,
            lon=lon,
            channel="twitter",
            allow_no_location=True,
            reporter=Reporter(name=reporter_name),
        )
    )


def reporter() -> Reporter:
    """A reporter with every contact field (name, phone, email, NIK), as the vault and reveal tests need."""
    return Reporter(name="Rina Marlina", phone="081377001122", email="rina@example.org", nik="3175010101010001")


def failing_for(report, real):
    """``real`` (a function whose first argument is a report), raising for ``report`` only: a data problem no one
    foresaw, in one row of a periodic job."""

    def wrapper(row, *args, **kwargs):
        if row.pk == report.pk:
            raise ValueError("a data problem no one foresaw")
        return real(row, *args, **kwargs)

    return wrapper
