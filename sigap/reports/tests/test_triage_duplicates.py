"""The triage desk and duplicate candidates."""

from __future__ import annotations

import pytest

from sigap.core.errors import PermissionDenied
from sigap.intake.services import Reporter, Submission, report_submit
from sigap.reports import services
from sigap.reports.models import DuplicateCandidate, Notification

from .factories import submit

pytestmark = pytest.mark.django_db
DRAIN = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."


def test_report_without_location_waits_at_the_triage_desk_and_is_routed_from_there(client, staff):
    desk = staff("petugas.triase", "triase")
    result = report_submit(
        Submission(
            category="",
            description="Lampu jalan mati di gang Mawar dekat Pondok Bambu sejak seminggu",
            lat=None,
            lon=None,
            channel="twitter",
            allow_no_location=True,
            reporter=Reporter(name="X"),
        )
    )
    report = result.report
    assert report.unit.kode == "triase" and report.kelurahan is None and "location" in report.triage_reason
    client.force_login(desk)
    queue = client.get("/api/v1/officer/desk/triage").json()
    item = next(i for i in queue if i["id"] == report.number)
    assert item["places"][0]["kelurahan"]["name"] == "Pondok Bambu"
    assert item["categories"] and len(item["categories"]) <= 3
    bad = client.post(
        f"/api/v1/officer/desk/triage/{report.number}",
        data={"category": "lampu-jalan", "kelurahan": "99"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "kelurahan"
    done = client.post(
        f"/api/v1/officer/desk/triage/{report.number}",
        data={"category": "lampu-jalan", "kelurahan": item["places"][0]["kelurahan"]["code"]},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    report.refresh_from_db()
    assert (
        report.unit.kode == "kel:31.75.07.1002" and report.triage_reason == "" and report.category_source == "officer"
    )
    assert report.hops.get().kind == "reroute"
    with pytest.raises(PermissionDenied):  # it left the desk: the desk no longer works on it
        services.report_triage(report_id=report.pk, actor=desk, kategori="lampu-jalan")


def test_similar_nearby_report_of_the_same_category_is_a_duplicate_candidate():
    first = submit("saluran-tersumbat", description=DRAIN).report
    second = submit(
        "saluran-tersumbat", description="got mampet di gang mawar, sampah plastik numpuk air meluap"
    ).report
    other_category = submit("sampah", description=DRAIN).report
    far = submit("saluran-tersumbat", "31.71.01.1001", description=DRAIN).report
    unrelated = submit("saluran-tersumbat", description="Penutup saluran patah dan berbahaya bagi anak sekolah.").report
    cand = DuplicateCandidate.objects.get(report=second)
    assert cand.original == first and cand.distance_m < 100 and cand.similarity >= 0.15
    for r in (first, other_category, far):
        assert not DuplicateCandidate.objects.filter(report=r).exists()
    assert not DuplicateCandidate.objects.filter(report=unrelated).exists()


def test_merged_reporter_keeps_their_privacy_and_is_still_notified(staff, django_capture_on_commit_callbacks):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(description=DRAIN, privacy="public").report
        second = submit(description="got mampet gang mawar sampah plastik air meluap", privacy="private").report
        services.report_merge(report_id=second.pk, actor=officer, into_number=first.number)
        services.report_accept(report_id=first.pk, actor=officer)
    second.refresh_from_db()
    assert second.status == "merged" and second.privacy == "private" and second.merged_into == first
    assert DuplicateCandidate.objects.get(report=second).state == "merged"
    proses = Notification.objects.filter(status_change__new_status="in_progress")
    assert {n.report_id for n in proses} == {first.pk, second.pk}


def test_dismissing_a_candidate(client, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    submit(description=DRAIN)
    second = submit(description="got mampet gang mawar sampah plastik air meluap").report
    client.force_login(officer)
    cands = client.get(f"/api/v1/officer/desk/duplicates/{second.number}").json()
    assert len(cands) == 1 and cands[0]["state"] == "open"
    out = client.post(f"/api/v1/officer/desk/duplicates/{second.number}/{cands[0]['id']}/dismiss")
    assert out.status_code == 200 and out.json()["state"] == "dismissed"
    other = staff("petugas.gambir", "kel:31.71.01.1001")
    client.force_login(other)
    assert client.get(f"/api/v1/officer/desk/duplicates/{second.number}").status_code == 404


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
        services.report_triage(report_id=r.pk, actor=desk, kategori="gangguan-ketertiban", lat=-6.2351316, lon=106.9009)
    before = glue.categorize(odd)[0][0][0]
    assert before != "gangguan-ketertiban"  # the shipped model does not know this yet
    out = io.StringIO()
    call_command("triage", "retrain", stdout=out)
    assert "8 officer-confirmed" in out.getvalue()
    assert glue.retrained_model_path().exists()
    after = glue.categorize(odd)[0]
    assert after[0][0] == "gangguan-ketertiban"
