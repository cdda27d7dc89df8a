"""The portal's own write (``sigap.portal.services``): "ini laporan yang sama" counts one more resident for an
open, non-sensitive report, and is refused for anything else as if the report did not exist."""

from __future__ import annotations

import pytest

from sigap.core.errors import NotFound
from sigap.portal.models import ReportInterest
from sigap.portal.services import report_interest_record
from sigap.reports import services
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_an_open_report_counts_each_resident(staff):
    report = submit().report
    assert report_interest_record(number=report.number).pk == report.pk
    report_interest_record(number=report.number)
    assert ReportInterest.objects.filter(report=report).count() == 2


def test_a_closed_report_a_sensitive_one_and_an_unknown_number_are_not_found(staff):
    closed = submit().report
    services.report_reject(
        report_id=closed.pk, actor=staff("petugas.pb", "kel:31.75.07.1002"), reason="bukan kewenangan"
    )
    sensitive = submit("pelayanan-aparatur", description="Petugas meminta uang untuk mengurus surat pengantar.").report
    assert sensitive.category.sensitive
    for number in (closed.number, sensitive.number, "JK209901010001"):
        with pytest.raises(NotFound):
            report_interest_record(number=number)
    assert not ReportInterest.objects.exists()
