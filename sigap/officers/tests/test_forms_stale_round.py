"""A validation decides the round it was opened on: the validator's card and the report page carry the report's
round (``Report.round_seen``), and a decision on a round since replaced (TL Ditolak, new proof, asked again) is
refused, 409 ``report_changed``, in the console and the API (a review of stale forms)."""

from __future__ import annotations

import json

import pytest

from sigap.organization.models import StaffRole
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import submit

from .helpers import HTMX, PB_UNIT, console, to_validation
from .test_api import Officer

pytestmark = pytest.mark.django_db
R = StaffRole.Role


def test_a_validation_opened_on_one_round_never_decides_the_next(client, staff, jpeg):
    """A validator's card left open while the report went round again (TL Ditolak, new proof, asked again) took
    the decision onto proof the validator had not seen: the form carries the round it was opened on, and a later
    round is refused, 409 ``report_changed`` (a review of stale forms)."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.privacy.photos import photo_clean

    pb = staff("petugas.pb", PB_UNIT)
    first = staff("validator.satu", "biro-pemerintahan", R.VALIDATOR)
    second = staff("validator.dua", "biro-pemerintahan", R.VALIDATOR)
    report = submit().report
    to_validation(report, pb, jpeg)
    opened = console(first).get("/petugas/validasi/").content.decode()
    seen = Report.objects.get(pk=report.pk).round_seen
    assert f'name="seen" value="{seen}"' in opened
    # meanwhile: another validator sends it back, the unit adds new proof and asks again
    services.report_validate(report_id=report.pk, actor=second, accept=False, reason="foto sesudah kurang jelas")
    later = timezone.now() + timedelta(minutes=5)
    services.photo_add(
        report_id=report.pk,
        actor=pb,
        kind="after",
        photo=photo_clean(jpeg(colour=(10, 200, 10)), blur=False),
        now=later,
    )
    services.report_request_validation(report_id=report.pk, actor=pb, now=later)
    response = console(first).post(
        f"/petugas/laporan/{report.number}/validasi/",
        {"decision": "accept", "reason": "sudah dicek", "seen": seen, "context": "validation"},
        **HTMX,
    )
    report.refresh_from_db()
    assert report.status == "awaiting_validation", response.status_code
    assert "diajukan lagi" in response.content.decode()
    api = Officer(client, first)
    stale = client.post(
        f"/api/v1/officer/reports/{report.number}/validate",
        json.dumps({"accept": True, "reason": "sudah dicek", "seen": seen}),
        content_type="application/json",
        **api.auth,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "report_changed"
    fresh = api.get(f"/reports/{report.number}").json()["round_seen"]
    assert fresh == report.round_seen != seen
    done = client.post(
        f"/api/v1/officer/reports/{report.number}/validate",
        json.dumps({"accept": True, "reason": "sudah dicek", "seen": fresh}),
        content_type="application/json",
        **api.auth,
    )
    assert done.status_code == 200 and Report.objects.get(pk=report.pk).status == "done"


def test_a_card_shown_while_a_proof_photo_was_processing_is_not_decided_after_it_is_ready(staff, jpeg):
    """The card said "foto sedang diproses"; a decision is refused while the photo processes, but the same card
    submitted once the photo was ready decided on a photo the validator never saw (a last read). Such a card is
    refused, 409 ``photo_processed``; the card shown again carries the round as seen with the photo."""
    from sigap.reports.models import Photo

    pb = staff("petugas.pb", PB_UNIT)
    validator = staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    report = submit().report
    to_validation(report, pb, jpeg)
    after = Photo.objects.get(report=report, kind="after")
    Photo.objects.filter(pk=after.pk).update(state="processing", image="")
    page = console(validator).get("/petugas/validasi/").content.decode()
    shown = Report.objects.get(pk=report.pk).round_seen + Report.SEEN_WHILE_PROCESSING
    assert f'name="seen" value="{shown}"' in page and "foto sedang diproses" in page
    Photo.objects.filter(pk=after.pk).update(state="ready", image=after.image.name)  # the worker is done
    post = {"decision": "accept", "reason": "sudah dicek di lapangan", "seen": shown, "context": "validation"}
    response = console(validator).post(f"/petugas/laporan/{report.number}/validasi/", post, **HTMX)
    assert Report.objects.get(pk=report.pk).status == "awaiting_validation"
    card = response.content.decode()
    assert "selesai diproses" in card
    fresh = Report.objects.get(pk=report.pk).round_seen
    assert f'name="seen" value="{fresh}"' in card  # shown again, with the photo
    response = console(validator).post(f"/petugas/laporan/{report.number}/validasi/", {**post, "seen": fresh}, **HTMX)
    assert Report.objects.get(pk=report.pk).status == "done"
