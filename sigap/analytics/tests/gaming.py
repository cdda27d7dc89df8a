"""A fixture city where one kelurahan games its closures and another works honestly (#12): six reports at each,
all Selesai within the last three weeks, and the residents' answers. Used by the analytics and console tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sigap.organization.models import StaffRole, Unit
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.tests.factories import inner_point, submit
from sigap.reports.tests.test_proofcheck import camera_jpeg, scene

GAMER, HONEST = "31.75.07.1002", "31.71.01.1001"
N = 6
SIZE = (320, 240)  # small photos: the checks work the same, the detectors run faster


def _photo(report_id, officer, kind, image, *, taken, at, uploaded):
    raw = camera_jpeg(image, taken=taken, at=at)
    return services.photo_add(report_id=report_id, actor=officer, kind=kind, photo=photo_clean(raw), now=uploaded)


def build(staff) -> dict[str, Unit]:
    """Six reports at each kelurahan, all Selesai in the last three weeks; the residents answer."""
    gamer = staff("petugas.gamer", f"kel:{GAMER}")
    honest = staff("petugas.jujur", f"kel:{HONEST}")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    start = timezone.now() - timedelta(days=21)
    for i in range(N):
        # the gamer: Proses, then before and a recycled after photo taken minutes apart, asked 6 minutes later
        t = start + timedelta(hours=3 * i)
        here = inner_point(GAMER)
        made = submit("saluran-tersumbat", GAMER, now=t)
        accepted = t + timedelta(hours=1)
        services.report_accept(report_id=made.report.pk, actor=gamer, now=accepted)
        _photo(made.report.pk, gamer, "before", scene(100 + i, SIZE), taken=accepted, at=here, uploaded=accepted)
        recycled = scene(7, SIZE).resize((320 - 16 * i, 240 - 12 * i))  # the same picture every time, resized
        late = accepted + timedelta(minutes=3)
        _photo(made.report.pk, gamer, "after", recycled, taken=late, at=here, uploaded=late)
        services.report_request_validation(report_id=made.report.pk, actor=gamer, now=accepted + timedelta(minutes=6))
        services.report_validate(
            report_id=made.report.pk, actor=validator, accept=True, reason="diterima", now=accepted + timedelta(hours=1)
        )
        answered = accepted + timedelta(days=1)
        if i < 5:  # five residents say it is not fixed
            services.report_dispute(tracking_code=made.tracking_code, reason="masih mampet", now=answered)
        else:
            services.report_rate(tracking_code=made.tracking_code, rating=2, now=answered)

        # the honest unit: Proses, a before photo on site, the after photo two days of work later
        t = start + timedelta(hours=3 * i + 1)
        here = inner_point(HONEST)
        made = submit("saluran-tersumbat", HONEST, now=t)
        accepted = t + timedelta(hours=2)
        services.report_accept(report_id=made.report.pk, actor=honest, now=accepted)
        on_site = accepted + timedelta(hours=1)
        _photo(made.report.pk, honest, "before", scene(200 + i, SIZE), taken=on_site, at=here, uploaded=on_site)
        fixed = on_site + timedelta(days=2)
        _photo(made.report.pk, honest, "after", scene(300 + i, SIZE), taken=fixed, at=here, uploaded=fixed)
        services.report_request_validation(report_id=made.report.pk, actor=honest, now=fixed + timedelta(hours=1))
        services.report_validate(report_id=made.report.pk, actor=validator, accept=True, now=fixed + timedelta(hours=3))
        answered = fixed + timedelta(days=1)
        if i < 5:
            services.report_confirm(tracking_code=made.tracking_code, now=answered)
            services.report_rate(tracking_code=made.tracking_code, rating=4 + i % 2, now=answered)
    return {
        "gamer": Unit.objects.get(code=f"kel:{GAMER}"),
        "honest": Unit.objects.get(code=f"kel:{HONEST}"),
    }
