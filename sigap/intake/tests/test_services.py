"""The intake pipeline (``sigap.intake.services``): what filing a report stores, and what it refuses."""

from __future__ import annotations

import json

import pytest

from sigap.core.errors import PermissionDenied
from sigap.privacy.models import IdentityRecord
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_anonymous_reports_store_nothing_and_need_the_secret(client):
    from sigap.intake.services import reporter_dispute

    lat, lon = inner_point("31.75.07.1002")
    response = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "saluran-tersumbat",
                "description": "Got mampet di gang buntu sejak minggu lalu.",
                "lat": lat,
                "lon": lon,
                "privacy": "anonymous",
                "reporter": {"name": "Tidak Disimpan", "phone": "081200001111"},
            }
        ),
        content_type="application/json",
    )
    data = response.json()
    assert response.status_code == 201 and data["secret"]
    report = Report.objects.get(number=data["id"])
    assert report.reporter_ref == "" and report.secret_hash and data["secret"] not in report.secret_hash
    assert IdentityRecord.objects.count() == 0
    assert not Notification.objects.filter(report=report).exists()
    with pytest.raises(PermissionDenied) as err:
        reporter_dispute(tracking_code=data["tracking_code"], reason="belum dikerjakan sama sekali", secret="wrong")
    assert err.value.code == "secret_required"
    # rating and answering need it too, through the API
    r = client.post(
        f"/api/v1/track/{data['tracking_code']}/answer", data={"answer": "RT 3"}, content_type="application/json"
    )
    assert r.status_code in (403, 409)


def test_filing_leaves_the_callers_submission_as_given():
    """The machine's category guess goes to the report, not back into the submission: a caller that submits
    again after a refusal (email, LAPOR!, public posts) lets the machine decide again."""
    from sigap.intake.services import Reporter, Submission, report_submit

    lat, lon = inner_point("31.75.07.1002")
    sub = Submission(
        category="",
        description="Got mampet di depan rumah, air meluap ke jalan kalau hujan",
        lat=lat,
        lon=lon,
        channel="api",
        privacy="private",
        reporter=Reporter(name="Warga"),
    )
    result = report_submit(sub)
    assert result.report.category_source == "machine" and result.report.category.code
    assert sub.category == ""
