"""Machine categorization (``sigap.reports.categorize``): the model retrained from officer-confirmed categories
replaces the shipped one."""

from __future__ import annotations

import pytest

from sigap.intake.services import Submission, report_submit
from sigap.reports import services

pytestmark = pytest.mark.django_db


def test_retrain_learns_from_officer_confirmed_categories(settings, tmp_path, staff):
    import io

    from django.core.management import call_command

    from sigap.reports import categorize as glue

    settings.SIGAP_HOME = tmp_path
    desk = staff("petugas.triase", "triase")
    odd = "banyak kucing liar berkeliaran di kompleks perumahan"
    for i in range(8):
        r = report_submit(
            Submission(
                category="", description=f"{odd} nomor {i}", lat=None, lon=None, channel="sms", allow_no_location=True
            )
        ).report
        services.report_triage(report_id=r.pk, actor=desk, category="gangguan-ketertiban", lat=-6.2351316, lon=106.9009)
    before = glue.categorize(odd)[0][0][0]
    assert before != "gangguan-ketertiban"  # the shipped model does not know this yet
    out = io.StringIO()
    call_command("triage", "retrain", stdout=out)
    assert "8 officer-confirmed" in out.getvalue()
    assert glue.retrained_model_path().exists()
    after = glue.categorize(odd)[0]
    assert after[0][0] == "gangguan-ketertiban"
