"""The triage desk and duplicates API (``sigap.officers.triage_api``): reports without a place or category wait at
the desk and are routed from there; an officer dismisses a duplicate candidate of a report they may see."""

from __future__ import annotations

import pytest

from sigap.core.errors import PermissionDenied
from sigap.reports import services
from sigap.reports.tests.factories import submit, submit_unplaced

pytestmark = pytest.mark.django_db
DRAIN = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."


def test_report_without_location_waits_at_the_triage_desk_and_is_routed_from_there(client, staff):
    desk = staff("petugas.triase", "triase")
    report = submit_unplaced().report
    assert report.unit.code == "triase" and report.kelurahan is None and "location" in report.triage_reason
    client.force_login(desk)
    queue = client.get("/api/v1/officer/desk/triage").json()
    item = next(i for i in queue if i["id"] == report.number)
    assert item["places"][0]["kelurahan"]["name"] == "Pondok Bambu"
    assert item["places"][0]["kecamatan"] == "Duren Sawit"  # to tell namesakes apart
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
        report.unit.code == "kel:31.75.07.1002" and report.triage_reason == "" and report.category_source == "officer"
    )
    assert report.hops.get().kind == "reroute"
    with pytest.raises(PermissionDenied):  # it left the desk: the desk no longer works on it
        services.report_triage(report_id=report.pk, actor=desk, category="lampu-jalan")


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
