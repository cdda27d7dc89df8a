"""A form field sent twice is refused (422 ``repeated_field``) on the officers' side too: the console's actions, the
validator's decision, proof uploads (console and API) and the operator's page took the last value and answered
success, losing the rest ("reject" then "accept" closed a report as Selesai). One rule for every form, before any
view (``sigap.core.limits.text_check``); found by a review."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from sigap.organization.models import StaffRole
from sigap.reports import services
from sigap.reports.models import Photo, Report, StatusChange
from sigap.reports.tests.factories import submit

from .helpers import HTMX, PB_UNIT, console, to_validation
from .test_api import Officer

pytestmark = pytest.mark.django_db
R = StaffRole.Role


def _file(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_console_action_with_a_reason_sent_twice_is_refused_not_half_kept(staff):
    pb = staff("petugas.pb", PB_UNIT)
    report = submit().report
    response = console(pb).post(
        f"/petugas/laporan/{report.number}/tolak/",
        {"reason": ["Laporan ganda dari JK202612070009, sudah ditangani", "ganda"]},
    )
    report.refresh_from_db()
    # before: 302 to the report, the report Ditolak with the reporter reading only "ganda"
    assert response.status_code == 422, (response.status_code, report.status, report.public_note)
    assert report.status == "waiting"


def test_validator_decision_sent_twice_is_refused_not_decided_by_the_last(staff, jpeg):
    pb = staff("petugas.pb", PB_UNIT)
    validator = staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    report = submit().report
    to_validation(report, pb, jpeg)
    response = console(validator).post(
        f"/petugas/laporan/{report.number}/validasi/",
        {"decision": ["reject", "accept"], "reason": "sudah dicek di lapangan"},
    )
    report.refresh_from_db()
    # before: 302, the report Selesai (the last value, "accept", won over "reject")
    assert response.status_code == 422, (response.status_code, report.status)
    assert report.status == "awaiting_validation"


def test_console_proof_upload_with_two_files_keeps_both_or_refuses(staff, jpeg):
    pb = staff("petugas.pb", PB_UNIT)
    report = submit().report
    services.report_accept(report_id=report.pk, actor=pb)
    response = console(pb).post(
        f"/petugas/laporan/{report.number}/foto/",
        {"kind": "before", "photo": [_file(jpeg(), "a.jpg"), _file(jpeg(colour=(0, 90, 200)), "b.jpg")]},
        **HTMX,
    )
    saved = Photo.objects.filter(report=report, kind=Photo.Kind.BEFORE).count()
    # before: a success answer and one of the two photos silently dropped
    assert response.status_code == 422 and saved == 0, (response.status_code, saved)


def test_console_proof_upload_with_kind_sent_twice_is_refused(staff, jpeg):
    pb = staff("petugas.pb", PB_UNIT)
    report = submit().report
    services.report_accept(report_id=report.pk, actor=pb)
    response = console(pb).post(
        f"/petugas/laporan/{report.number}/foto/",
        {"kind": ["before", "after"], "photo": _file(jpeg(), "a.jpg")},
        **HTMX,
    )
    kinds = list(Photo.objects.filter(report=report).exclude(kind=Photo.Kind.REPORT).values_list("kind", flat=True))
    # before: saved as an "after" photo with a success answer
    assert response.status_code == 422 and kinds == [], (response.status_code, kinds)


def test_officer_api_photo_upload_with_two_files_is_not_201_with_one_lost(client, staff, jpeg):
    officer = Officer(client, staff("petugas.pb", PB_UNIT))
    report = submit().report
    services.report_accept(report_id=report.pk, actor=officer.user)
    response = client.post(
        f"/api/v1/officer/reports/{report.number}/photos",
        {"kind": "before", "photo": [_file(jpeg(), "a.jpg"), _file(jpeg(colour=(0, 90, 200)), "b.jpg")]},
        **officer.auth,
    )
    saved = Photo.objects.filter(report=report, kind=Photo.Kind.BEFORE).count()
    # before: 201 and one photo stored; docs/api.md: a field sent twice is 422 repeated_field
    assert (response.status_code == 422 and saved == 0) or saved == 2, (response.status_code, saved)


def test_officer_api_photo_upload_with_kind_sent_twice_is_422(client, staff, jpeg):
    officer = Officer(client, staff("petugas.pb", PB_UNIT))
    report = submit().report
    services.report_accept(report_id=report.pk, actor=officer.user)
    response = client.post(
        f"/api/v1/officer/reports/{report.number}/photos",
        {"kind": ["before", "after"], "photo": _file(jpeg(), "a.jpg")},
        **officer.auth,
    )
    assert response.status_code == 422, (response.status_code, response.content[:200])
    assert not Photo.objects.filter(report=report).exclude(kind=Photo.Kind.REPORT).exists()


def test_operator_report_with_description_sent_twice_is_refused_not_half_filed(staff):
    c = Client()
    c.force_login(staff("operator.loket", "biro-pemerintahan", R.OPERATOR))
    response = c.post(
        "/petugas/operator/",
        {
            "channel": "counter",
            "category": "saluran-tersumbat",
            "kelurahan": "31.75.07.1002",
            "description": ["Got di depan pasar mampet, air meluap ke jalan setiap hujan.", "Sudah tiga hari."],
            "address": "Jl. Pahlawan Revolusi",
            "privacy": "private",
        },
    )
    filed = list(Report.objects.values_list("description", flat=True))
    # before: 302 and a report filed with only "Sudah tiga hari." (the resident's actual problem lost)
    assert response.status_code == 422 and filed == [], (response.status_code, filed)
    assert not StatusChange.objects.exists()


REPEATED = '{"accept": false, "accept": true, "reason": "sudah dicek di lapangan"}'
NUL = '{"accept": false, "reason": "foto sesudah \\u0000 buram"}'


@pytest.mark.parametrize(
    "body, code, field",
    [
        # json.loads keeps the last "accept": the validator's false then true closed the report (a review)
        (REPEATED.encode(), "repeated_field", "accept"),
        (b"\xef\xbb\xbf" + REPEATED.encode(), "repeated_field", "accept"),  # a UTF-8 byte-order mark (Notepad)
        (REPEATED.encode("utf-16"), "repeated_field", "accept"),  # UTF-16 with its mark (PowerShell 5's Out-File)
        (REPEATED.encode("utf-32"), "repeated_field", "accept"),
        (b"\xef\xbb\xbf" + NUL.encode(), "invalid_character", "reason"),
        (NUL.encode("utf-16-le"), "invalid_character", "reason"),  # no mark: starts b"{"
    ],
)
def test_a_json_body_in_any_encoding_the_api_reads_is_checked(client, staff, jpeg, body, code, field):
    """A key given twice in a JSON object is refused as a form field given twice is. The API reads UTF-8, UTF-16 and
    UTF-32 bodies, with or without a byte-order mark; the checks for a key given twice and for a NUL read only plain
    UTF-8 and let the others through: false-then-true closed the report, and the NUL reached the services (a 500 on
    PostgreSQL). Found by two last reads."""
    from sigap.officers.tests.helpers import to_validation
    from sigap.officers.tests.test_api import Officer

    validator = Officer(client, staff("validator.biro", "biro-pemerintahan", R.VALIDATOR))
    report = submit().report
    to_validation(report, staff("petugas.pb", PB_UNIT), jpeg)
    response = client.post(
        f"/api/v1/officer/reports/{report.number}/validate",
        data=body,
        content_type="application/json",
        **validator.auth,
    )
    report.refresh_from_db()
    assert response.status_code == 422, (response.status_code, report.status)
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert report.status == "awaiting_validation"
