"""Who sees what (``sigap.reports.selectors``): reports that are or were at an officer's units, the queue of what is
there now, and a supervisor's view of the units below."""

from __future__ import annotations

import pytest

from sigap.organization.models import StaffRole
from sigap.reports import selectors, services

from .factories import submit

pytestmark = pytest.mark.django_db
SUDIN_BM_JT = "sudin-bina-marga:31.75"


def test_unit_scoping_officers_see_reports_that_are_or_were_at_their_units(pb_officer, sudin_officer, staff):
    gambir = staff("petugas.gambir", "kel:31.71.01.1001")
    report = submit("jalan-rusak").report
    assert selectors.reports_visible_to(pb_officer).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(sudin_officer).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(gambir).filter(pk=report.pk).exists()
    services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi")
    assert selectors.reports_visible_to(sudin_officer).filter(pk=report.pk).exists()
    assert selectors.reports_visible_to(pb_officer).filter(pk=report.pk).exists()  # was at Pondok Bambu
    assert not selectors.reports_visible_to(gambir).filter(pk=report.pk).exists()
    # the queue shows only what is at my unit now
    assert not selectors.report_queue(user=pb_officer).filter(pk=report.pk).exists()
    assert selectors.report_queue(user=sudin_officer).filter(pk=report.pk).exists()


def test_supervisor_sees_reports_of_units_below(staff):
    pimpinan = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    pimpinan_jp = staff("pimpinan.jp", "kota:31.71", StaffRole.Role.SUPERVISOR)
    report = submit().report
    assert selectors.reports_visible_to(pimpinan).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(pimpinan_jp).filter(pk=report.pk).exists()
