"""The identity canary over every text a reporter writes *after* filing: answers to an officer's question (API
and portal), rating comments and dispute reasons (API and portal). The reporter writes their own name — in full
and the first name alone, with no cue before it —, their phone with odd separators, the local part of their
email and their NIK in groups, and every officer, auditor and public surface is searched, as well as
notification bodies, logs and a dump of every table.

The chat channels' and email's answer paths have their own canary cases beside their channel tests
(``sigap/intake/tests``); the description and address of every entry point are in ``test_canary.py``.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from sigap.intake.services import Reporter
from sigap.officers.tests.helpers import as_text
from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db

NAME = "Zyxwvut Qoppaname"
PHONE = "0813-7717-2345"
EMAIL = "canary.zq@example.org"
NIK = "3175079988776655"
REPORTER = Reporter(name=NAME, phone=PHONE, email=EMAIL, nik=NIK)
# What a reporter writes when an officer asks "Mohon tulis nama lengkap dan nomor Anda": no "nama saya", no honorific.
WRITES = (
    "{tag} Zyxwvut Qoppaname, Gang Mawar RT 02. Hubungi Zyxwvut di rumah sore hari, "
    "+62 813.7717.2345 atau canary.zq, KTP 3175 0799 8877 6655."
)
MARKERS = ("Zyxwvut", "Qoppaname", "7717.2345", "77172345", "813.7717", "canary.zq", "8877 6655", "88776655")


def assert_clean(text, where: str) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for marker in MARKERS:
        assert marker not in text, f"identity marker {marker!r} leaked into {where}"


def _finish(report, officer, validator, jpeg):
    report.refresh_from_db()
    if report.status != "in_progress":
        services.report_accept(report_id=report.pk, actor=officer)
    for kind in ("before", "after"):
        services.photo_add(report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg(), blur=False))
    services.report_request_validation(report_id=report.pk, actor=officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")


def test_what_a_reporter_writes_later_reaches_no_officer_auditor_or_public_surface(
    client, staff, jpeg, log_capture, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = False
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    supervisor = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    api = lambda path, body: client.post(path, data=json.dumps(body), content_type="application/json")  # noqa: E731

    with django_capture_on_commit_callbacks(execute=True):
        public = submit(privacy="public", reporter=REPORTER)
        private = submit(category="jalan-rusak", reporter=REPORTER)
        for created in (public, private):
            services.report_accept(report_id=created.report.pk, actor=officer)
        # 1. answers: through the API, then through the portal's tracking page
        services.report_ask_reporter(
            report_id=public.report.pk, actor=officer, question="Mohon jelaskan lagi di mana tepatnya"
        )
        response = api(f"/api/v1/track/{public.tracking_code}/answer", {"answer": WRITES.format(tag="API-answer")})
        assert response.status_code == 200, response.content
        services.report_ask_reporter(report_id=public.report.pk, actor=officer, question="Rumah yang mana?")
        resident = type(client)()
        assert resident.get(f"/lacak/{public.tracking_code}/").status_code == 302
        response = resident.post(
            f"/lacak/laporan/{public.report.number}/jawab/",
            {"answer": WRITES.format(tag="portal-answer"), "secret": ""},
        )
        assert response.status_code in (200, 302)
        # 2. rating comments and dispute reasons, each through the API and the portal
        _finish(public.report, officer, validator, jpeg)
        _finish(private.report, officer, validator, jpeg)
        assert (
            api(
                f"/api/v1/track/{public.tracking_code}/rating",
                {"rating": 2, "comment": WRITES.format(tag="API-comment")},
            ).status_code
            == 200
        )
        assert (
            api(
                f"/api/v1/track/{public.tracking_code}/dispute", {"reason": WRITES.format(tag="API-dispute")}
            ).status_code
            == 200
        )
        assert resident.get(f"/lacak/{private.tracking_code}/").status_code == 302
        resident.post(
            f"/lacak/laporan/{private.report.number}/nilai/",
            {"rating": 3, "comment": WRITES.format(tag="portal-comment"), "secret": ""},
        )
        resident.post(
            f"/lacak/laporan/{private.report.number}/sanggah/",
            {"reason": WRITES.format(tag="portal-dispute"), "secret": ""},
        )
        # a rating that stays (no dispute after it): its comment is shown beside the report
        kept = submit(category="jalan-rusak", reporter=REPORTER)
        _finish(kept.report, officer, validator, jpeg)
        assert resident.get(f"/lacak/{kept.tracking_code}/").status_code == 302
        resident.post(
            f"/lacak/laporan/{kept.report.number}/nilai/",
            {"rating": 4, "comment": WRITES.format(tag="kept-comment"), "secret": ""},
        )

    reports = {r.number: r for r in Report.objects.all()}
    public_report, private_report = reports[public.report.number], reports[private.report.number]
    kept_report = reports[kept.report.number]
    assert kept_report.rating == 4 and "kept-comment" in kept_report.rating_comment
    assert public_report.status == "reopened" and private_report.status == "reopened"
    # a dispute withdraws the rating; its comment stays on the history, in the dispute's note
    assert public_report.rating is None and private_report.rating is None
    notes = [h.public_note + " " + h.internal_note for r in reports.values() for h in r.history.all()]
    # the texts really arrived (each tag is in a stored note), just without the identity
    for tag in ("API-answer", "portal-answer", "API-dispute", "portal-dispute", "API-comment", "portal-comment"):
        assert any(tag in note for note in notes), tag

    rendered: list[tuple[str, bytes | str]] = [
        ("history notes", "\n".join(notes)),
        ("rating comments", kept_report.rating_comment),
    ]

    def grab(label, response):
        assert response.status_code < 500, (label, response.status_code)
        rendered.append((label, as_text(response)))  # a workbook is searched as its text
        return response

    for user in (officer, validator, supervisor, auditor):
        c = type(client)()
        c.force_login(user)
        grab(f"queue:{user}", c.get("/api/v1/officer/reports"))
        grab(f"export:{user}", c.get("/api/v1/officer/export/reports.csv"))
        grab(f"export-xlsx:{user}", c.get("/api/v1/officer/export/reports.xlsx"))
        grab(f"export-console:{user}", c.get("/petugas/unduh/laporan.csv", {"status": "all"}))
        grab(f"export-console-xlsx:{user}", c.get("/petugas/unduh/laporan.xlsx", {"status": "all"}))
        grab(f"audit:{user}", c.get("/api/v1/audit/access"))
        for number in reports:
            grab(f"api-detail:{user}:{number}", c.get(f"/api/v1/officer/reports/{number}"))
            grab(f"console:{user}:{number}", c.get(f"/petugas/laporan/{number}/"))
            grab(f"console-panel:{user}:{number}", c.get(f"/petugas/laporan/{number}/panel/"))
        grab(f"console-queue:{user}", c.get("/petugas/"))
        grab(f"dashboard:{user}", c.get("/petugas/dasbor/"))
        grab(f"performance:{user}", c.get("/petugas/kinerja/", {"hari": 365}))
        grab(f"performance-xlsx:{user}", c.get("/petugas/kinerja/unduh.xlsx", {"hari": 365}))
    anonymous = type(client)()
    grab("open311:list", anonymous.get("/open311/v2/requests.json"))
    for number in reports:
        grab(f"open311:{number}", anonymous.get(f"/open311/v2/requests/{number}.json"))
        grab(f"portal-public:{number}", anonymous.get(f"/publik/{number}/"))
    grab("portal-public-list", anonymous.get("/publik/"))
    grab("portal-public-map", anonymous.get("/publik/peta.json"))
    assert any(
        public.report.number.encode() in content
        for label, content in rendered
        if label.startswith("open311:") and isinstance(content, bytes)
    )  # the public surface was real

    for label, content in rendered:
        assert_clean(content, label)
    assert_clean(log_capture.getvalue(), "log output")
    for body, body_en in Notification.objects.values_list("body", "body_en"):
        assert_clean(body + body_en, "notification body")

    # a dump of every table (the vault holds the originals as ciphertext only)
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                dumped += [bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v) for v in row]
    assert_clean("\n".join(dumped), "database dump")


def test_photos_sent_with_an_answer_reach_officers_only_de_identified(client, staff, settings):
    """An answer's photos (API multipart and the tracking page) carry the reporter's name, phone and email in their
    EXIF and comment, and a GPS position: while they wait for the worker every officer surface shows the
    placeholder and nothing of the original; after it, the copy officers get holds none of it."""
    import hashlib
    import io

    from sigap.privacy.photo_worker import photos_sweep
    from sigap.privacy.tests.test_canary import assert_clean as assert_photo_clean
    from sigap.privacy.tests.test_canary import canary_photo
    from sigap.reports.models import Photo

    settings.SIGAP_PHOTO_WORKER = "manual"
    settings.DEBUG = False
    photo = canary_photo()
    digest = hashlib.sha256(photo).hexdigest().encode()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    created = submit(reporter=REPORTER)
    services.report_accept(report_id=created.report.pk, actor=officer)
    services.report_ask_reporter(report_id=created.report.pk, actor=officer, question="Ada fotonya?")
    upload = io.BytesIO(photo)
    upload.name = "canary.jpg"
    response = client.post(f"/api/v1/track/{created.tracking_code}/answer", {"photos": [upload]})
    assert response.status_code == 200, response.content
    services.report_ask_reporter(report_id=created.report.pk, actor=officer, question="Satu lagi?")
    resident = type(client)()
    assert resident.get(f"/lacak/{created.tracking_code}/").status_code == 302
    upload = io.BytesIO(photo)
    upload.name = "canary.jpg"
    resident.post(f"/lacak/laporan/{created.report.number}/jawab/", {"answer": "", "photos": [upload]})
    photos = list(Photo.objects.filter(report=created.report))
    assert len(photos) == 2 and {p.state for p in photos} == {Photo.State.PROCESSING}

    def nothing_of_it(data: bytes, where: str) -> None:
        assert_photo_clean(data, where)
        assert photo[:64] not in data and photo[-64:] not in data and digest not in data, where
        assert b"canary.jpg" not in data and b"Exif" not in data, where

    c = type(client)()
    c.force_login(officer)
    number = created.report.number
    nothing_of_it(c.get(f"/api/v1/officer/reports/{number}").content, "officer api (processing)")
    nothing_of_it(c.get(f"/petugas/laporan/{number}/").content, "console (processing)")
    for p in photos:
        served = c.get(f"/petugas/laporan/{number}/foto/{p.pk}/")
        assert served["X-Sigap-Photo-State"] == "processing"
        nothing_of_it(served.content, "console photo (processing)")
    assert photos_sweep() == {"ready": 2}
    for p in photos:
        served = c.get(f"/petugas/laporan/{number}/foto/{p.pk}/")
        assert served["X-Sigap-Photo-State"] == "ready" and served.content[:2] == b"\xff\xd8"
        nothing_of_it(served.content, "console photo (ready)")
