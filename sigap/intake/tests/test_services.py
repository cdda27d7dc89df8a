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


def test_an_address_that_grows_when_redacted_is_stored_within_its_column(client):
    """The address is checked as typed (at most 500 characters) but stored redacted, where each number becomes a
    longer placeholder: 38 phone numbers in 493 characters became 1,139. PostgreSQL refused the row (a 500, nothing
    filed); SQLite kept all of it (a review). The stored address is cut to the column, never inside a placeholder."""
    lat, lon = inner_point("31.75.07.1002")
    address = " ".join(f"0812345678{i:02d}" for i in range(38))
    assert len(address) <= 500
    response = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "saluran-tersumbat",
                "description": "Got mampet di depan gang, air meluap ke jalan.",
                "lat": lat,
                "lon": lon,
                "address": address,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    stored = Report.objects.get(number=response.json()["id"]).address
    assert len(stored) <= Report._meta.get_field("address").max_length
    assert stored.endswith("disembunyikan]…") and "0812" not in stored


def test_a_text_is_fitted_at_a_word_and_never_inside_a_placeholder():
    from sigap.intake.services import fitted

    assert fitted("Jl. Mawar 3", 20) == "Jl. Mawar 3"
    assert fitted("Jalan Mawar Raya nomor tiga", 15) == "Jalan Mawar…"
    assert fitted("Gang [nama disembunyikan] ujung", 12) == "Gang…"
    assert len(fitted("x" * 40, 10)) == 10
    placeholders = ", ".join(["[nomor telepon disembunyikan]"] * 20)  # a cut right after "]," (a last read)
    for limit in range(20, 120):
        kept = fitted(placeholders, limit)
        assert len(kept) <= limit and kept.count("[") == kept.count("]"), (limit, kept)
