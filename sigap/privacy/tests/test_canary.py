"""The identity canary: a reporter whose identity, typed personal data and photo metadata carry unique
markers files reports through every entry point; then every officer-facing surface is rendered (JSON
APIs, Django admin pages, error pages with DEBUG off, log output, outgoing notification bodies, a raw
dump of every database table) and none may contain a marker or the original photo bytes.

Later issues extend ENTRY_POINTS and the surfaces list.
"""

from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from PIL import Image

from sigap.intake.services import Reporter, Submission, report_submit, report_submit_many
from sigap.officers.tests.helpers import as_text
from sigap.organization.models import StaffRole
from sigap.reports import services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db(transaction=False)

NAME = "Zyxwvut Qoppaname"
PHONE = "0813-7717-2345"
EMAIL = "canary.zq@example.org"
NIK = "3175079988776655"
EXIF_ARTIST = "CanaryArtistXq"
MARKERS = ["Zyxwvut", "Qoppaname", "7717-2345", "77172345", "0813 7717", "canary.zq", NIK, EXIF_ARTIST, "106.777777"]
TYPED = (
    f"Got mampet parah. Saya Bapak {NAME}, hubungi {PHONE} atau {EMAIL}, NIK {NIK}. "
    "Rumah saya No. 14 dekat musala RT 05/RW 03. "
    # the same person written bare, as residents do: no cue, first name alone, odd separators, email local part
    f"{NAME}, Gang Mawar. Tanya Zyxwvut saja, 0813.7717.2345 / canary.zq, KTP 3175 0799 8877 6655. "
    # and signed as a user name
    "Terima kasih. Zyxwvut_Qoppaname / Qoppaname_Zyxwvut."
)


def canary_photo() -> bytes:
    image = Image.new("RGB", (320, 240), (10, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = EXIF_ARTIST  # Artist
    exif[0x010E] = f"{NAME} {PHONE}"  # ImageDescription
    gps = {1: "S", 2: (6.0, 14.0, 6.5), 3: "E", 4: (106.0, 46.0, 40.0)}  # lon 106.777777...
    exif[0x8825] = gps
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif, comment=f"{EMAIL}".encode())
    return buf.getvalue()


def assert_clean(text: str | bytes, where: str) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for marker in MARKERS:
        assert marker not in text, f"identity marker {marker!r} leaked into {where}"


@pytest.fixture
def canary_reports(client, django_capture_on_commit_callbacks):
    """One report per entry point that exists, each full of markers."""
    photo = canary_photo()
    assert EXIF_ARTIST.encode() in photo  # the marker really is in the upload
    lat, lon = inner_point("31.75.07.1002")
    numbers = []
    with django_capture_on_commit_callbacks(execute=True):
        # 1. the service layer (what every channel calls)
        created = report_submit(
            Submission(
                category="saluran-tersumbat",
                description=TYPED,
                lat=lat,
                lon=lon,
                channel="email",
                address=f"Jl. Mawar No. 14 RT 05/RW 03, a.n. {NAME}",
                reporter=Reporter(name=NAME, phone=PHONE, email=EMAIL, nik=NIK),
                photos=[("canary.jpg", photo)],
            )
        )
        numbers.append(created.report.number)
        # 2. the citizen API, JSON
        response = client.post(
            "/api/v1/reports",
            data=json.dumps(
                {
                    "category": "jalan-rusak",
                    "description": TYPED,
                    "lat": lat,
                    "lon": lon,
                    "address": f"dekat rumah {NAME}",
                    "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL, "nik": NIK},
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201
        numbers.append(response.json()["id"])
        # 3. the citizen API, multipart with the photo
        f = io.BytesIO(photo)
        f.name = "canary.jpg"
        response = client.post(
            "/api/v1/reports",
            data={
                "category": "saluran-tersumbat",
                "description": TYPED,
                "lat": str(lat),
                "lon": str(lon),
                "reporter_name": NAME,
                "reporter_phone": PHONE,
                "reporter_email": EMAIL,
                "photos": f,
            },
        )
        assert response.status_code == 201
        numbers.append(response.json()["id"])
        # 4. a text-only channel without location or category: it waits at the triage desk
        created = report_submit(
            Submission(
                category="",
                description=TYPED,
                lat=None,
                lon=None,
                channel="twitter",
                allow_no_location=True,
                reporter=Reporter(name=NAME, phone=PHONE, email=EMAIL),
            )
        )
        assert created.report.unit.code == "triase"
        numbers.append(created.report.number)
        # 5. the batched write path (bulk imports): two in one transaction, one with the photo
        batch = report_submit_many(
            [
                Submission(
                    category=category,
                    description=TYPED,
                    lat=lat,
                    lon=lon,
                    channel="lapor",
                    address=f"Jl. Mawar No. 14, a.n. {NAME}",
                    reporter=Reporter(name=NAME, phone=PHONE, email=EMAIL, nik=NIK),
                    photos=photos,
                )
                for category, photos in (("sampah", [("canary.jpg", photo)]), ("lampu-jalan", []))
            ]
        )
        assert all(not isinstance(result, Exception) for result in batch), batch
        numbers += [result.report.number for result in batch]
    return numbers, photo


def test_no_identity_reaches_any_officer_surface(
    client, staff, canary_reports, log_capture, settings, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    numbers, original_photo = canary_reports
    settings.DEBUG = False
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    sudin = staff("sudin.bm", "sudin-bina-marga:31.75")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    supervisor = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    rendered: list[tuple[str, bytes]] = []

    def grab(label, response):
        assert response.status_code < 500, (label, response.status_code)
        rendered.append((label, as_text(response)))  # a workbook is searched as its text
        return response

    def as_user(user):
        c = type(client)()
        c.force_login(user)
        return c

    # Work the road report through the whole flow so every action's response is rendered too.
    road = Report.objects.get(number=numbers[1])
    with django_capture_on_commit_callbacks(execute=True):
        c = as_user(officer)
        for path in (
            "/api/v1/officer/reports",
            f"/api/v1/officer/reports/{road.number}",
            f"/api/v1/officer/reports/{road.number}/suggestions",
            "/api/v1/officer/units?q=bina",
        ):
            grab(path, c.get(path))
        grab(
            "coordinate",
            c.post(
                f"/api/v1/officer/reports/{road.number}/coordinate",
                data={"to_unit": "sudin-bina-marga:31.75", "reason": "bukan tupoksi"},
                content_type="application/json",
            ),
        )
        services.report_accept(report_id=road.pk, actor=sudin)
        for kind in ("before", "after"):
            f = io.BytesIO(original_photo)
            f.name = "proof.jpg"
            grab(
                "upload",
                as_user(sudin).post(f"/api/v1/officer/reports/{road.number}/photos", data={"kind": kind, "photo": f}),
            )
        grab(
            "request-validation",
            as_user(sudin).post(
                f"/api/v1/officer/reports/{road.number}/request-validation", data="{}", content_type="application/json"
            ),
        )
        grab(
            "validate",
            as_user(validator).post(
                f"/api/v1/officer/reports/{road.number}/validate",
                data={"accept": True, "reason": "Bukti diperiksa."},
                content_type="application/json",
            ),
        )
        drain = Report.objects.get(number=numbers[0])
        grab(
            "ask",
            c.post(
                f"/api/v1/officer/reports/{drain.number}/ask",
                data={"question": "RT berapa?"},
                content_type="application/json",
            ),
        )

    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    ppid = staff("ppid.satu", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER)
    c = as_user(auditor)
    grab("audit:access", c.get("/api/v1/audit/access"))
    for number in numbers:
        grab(f"audit:access:{number}", c.get("/api/v1/audit/access", {"report": number}))
    grab("audit:verify", c.get("/api/v1/audit/verify"))
    assert grab("audit:checkpoint", c.get("/api/v1/audit/checkpoint")).status_code == 200
    # the log as it stands after the verifications' own rows (their marks) were appended
    marks = grab("audit:access:marks", c.get("/api/v1/audit/access", {"action": "chain_verified"}))
    assert marks.json()["count"] == 2  # the verification's and the checkpoint's
    grab("privacy:reveal-list", as_user(ppid).get("/api/v1/privacy/reveal"))
    grab("privacy:notices", as_user(ppid).get("/api/v1/privacy/notices"))
    desk = staff("petugas.triase", "triase")
    grab("desk:triage", as_user(desk).get("/api/v1/officer/desk/triage"))
    for number in numbers:
        grab(f"desk:duplicates:{number}", as_user(officer).get(f"/api/v1/officer/desk/duplicates/{number}"))

    for user in (officer, sudin, validator, supervisor, auditor):
        c = as_user(user)
        grab(f"queue:{user}", c.get("/api/v1/officer/reports"))
        grab(f"queue-validation:{user}", c.get("/api/v1/officer/reports?status=awaiting_validation"))
        grab(f"export:{user}", c.get("/api/v1/officer/export/reports.csv"))
        grab(f"export-xlsx:{user}", c.get("/api/v1/officer/export/reports.xlsx"))
        grab(f"export-console:{user}", c.get("/petugas/unduh/laporan.csv", {"status": "all"}))
        grab(f"export-console-xlsx:{user}", c.get("/petugas/unduh/laporan.xlsx", {"status": "all"}))
        for number in numbers:
            detail = grab(f"detail:{user}:{number}", c.get(f"/api/v1/officer/reports/{number}"))
            if detail.status_code == 200:
                for photo in detail.json()["photos"]:
                    body = grab(f"photo:{photo['url']}", c.get(photo["url"])).content
                    assert original_photo not in body and original_photo[:2000] not in body
        grab(f"404:{user}", c.get("/api/v1/officer/reports/JK000000000000"))
    workbook = as_text(as_user(officer).get("/api/v1/officer/export/reports.xlsx", {"status": "all"})).decode()
    assert numbers[0] in workbook and "disembunyikan]" in workbook  # the workbook is read: its text is searched

    # Django admin pages, as a superuser (an admin is not entitled to identities either).
    admin = get_user_model().objects.create_superuser("root", "root@sigap.invalid", "test-password-123")
    c = as_user(admin)
    for model in apps.get_models():
        if not apps.get_app_config(model._meta.app_label).name.startswith(("sigap", "django.contrib.auth")):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        listing = c.get(url)
        if listing.status_code == 404:
            continue  # not registered in the admin
        grab(f"admin:{url}", listing)
        obj = model.objects.order_by("-pk").first()
        if obj is not None:
            grab(f"admin:{url}{obj.pk}", c.get(f"{url}{obj.pk}/change/"))
    # searching the admin for the reporter's name finds nothing (the page echoes the query, so check the count)
    search = c.get(f"/admin/reports/report/?q={NAME.split()[0]}")
    assert search.status_code == 200 and search.context["cl"].result_count == 0

    for label, content in rendered:
        assert_clean(content, label)

    # Log output of everything above, and the notification bodies sent or queued.
    assert_clean(log_capture.getvalue(), "log output")
    bodies = list(Notification.objects.values_list("body", "body_en"))
    assert bodies, "the canary reports produced notifications"
    for body, body_en in bodies:
        assert_clean(body + body_en, "notification body")
    for message in mail.outbox:
        assert_clean(message.subject + message.body, "outgoing email body")
    assert any(EMAIL in m.to for m in mail.outbox), "the relay delivered to the reporter's address"


def test_a_database_dump_reveals_no_identity(canary_reports):
    numbers, _original_photo = canary_reports
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    dumped.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    text = "\n".join(dumped)
    assert numbers[0] in text  # the dump is real
    assert_clean(text, "database dump")


@pytest.fixture
def originals_in_files(settings):
    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 0  # every original's ciphertext in the vault's file storage


def test_the_vault_files_and_their_rows_reveal_nothing_without_the_master_key(originals_in_files, canary_reports):
    """Whoever reads the vault's directory or bucket (and the database with it) sees no identity marker, none
    of the photo's EXIF and none of its bytes; a file's name is only its day and its blob's random ref."""
    import re

    from django.core.files.storage import storages

    from sigap.privacy.models import VaultBlob

    numbers, original_photo = canary_reports
    photo_refs = set(
        Report.objects.filter(number__in=numbers).exclude(photos=None).values_list("photos__original_ref", flat=True)
    )
    stored = list(VaultBlob.objects.exclude(stored_as="").values_list("ref", "stored_as"))
    assert photo_refs and photo_refs <= {ref for ref, _name in stored}  # the originals really are files
    for ref, name in stored:
        assert re.fullmatch(rf"\d{{4}}/\d{{2}}/\d{{2}}/{re.escape(ref)}", name)
        with storages["vault"].open(name, "rb") as fh:
            data = fh.read()
        assert_clean(data, "vault file")
        assert b"Exif" not in data and original_photo[100:4000] not in data


def test_stored_photos_carry_no_metadata(canary_reports):
    numbers, original_photo = canary_reports
    report = Report.objects.get(number=numbers[0])
    stored = report.photos.get()
    with stored.image.open("rb") as fh:
        data = fh.read()
    assert_clean(data, "stored photo file")
    assert b"Exif" not in data and original_photo[:4000] not in data
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and "comment" not in image.info


def test_processing_window_shows_nothing_of_the_original(
    client, staff, settings, log_capture, django_capture_on_commit_callbacks
):
    """Photos still waiting for the worker: every surface is rendered while they are "processing" and none
    shows an identity marker, the original's bytes, its hash, its EXIF or its file name; each photo URL
    answers the placeholder. Then the worker runs and the ready copies are clean too."""
    import hashlib

    from sigap.privacy.photo_worker import photos_sweep
    from sigap.reports.models import Photo

    settings.SIGAP_PHOTO_WORKER = "manual"  # the worker has not run yet: the processing window
    settings.DEBUG = False
    photo = canary_photo()
    digest = hashlib.sha256(photo).hexdigest()
    lat, lon = inner_point("31.75.07.1002")
    filed = []  # (number, tracking code)
    with django_capture_on_commit_callbacks(execute=True):
        created = report_submit(
            Submission(
                category="saluran-tersumbat",
                description=TYPED,
                lat=lat,
                lon=lon,
                channel="email",
                reporter=Reporter(name=NAME, phone=PHONE, email=EMAIL, nik=NIK),
                photos=[("canary.jpg", photo)],
            )
        )
        filed.append((created.report.number, created.tracking_code))
        for privacy in ("public", "private"):
            f = io.BytesIO(photo)
            f.name = "canary.jpg"
            response = client.post(
                "/api/v1/reports",
                data={
                    "category": "saluran-tersumbat",
                    "description": TYPED,
                    "lat": str(lat),
                    "lon": str(lon),
                    "privacy": privacy,
                    "reporter_name": NAME,
                    "reporter_phone": PHONE,
                    "reporter_email": EMAIL,
                    "photos": f,
                },
            )
            assert response.status_code == 201
            assert "photo_location_far" in response.content.decode()  # the GPS warning, from the header
            filed.append((response.json()["id"], response.json()["tracking_code"]))
    assert set(Photo.objects.values_list("state", flat=True)) == {Photo.State.PROCESSING}
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    supervisor = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    rendered: list[tuple[str, bytes]] = []
    photo_urls: list[tuple[str, object, str]] = []

    def grab(label, response, ok=(200,)):
        assert response.status_code in ok, (label, response.status_code)
        rendered.append((label, response.content))
        return response

    def as_user(user):
        c = type(client)()
        c.force_login(user)
        return c

    for user in (officer, supervisor):
        c = as_user(user)
        grab(f"queue:{user}", c.get("/api/v1/officer/reports"))
        grab(f"console-queue:{user}", c.get("/petugas/"))
        for number, _code in filed:
            detail = grab(f"detail:{number}", c.get(f"/api/v1/officer/reports/{number}")).json()
            grab(f"console:{number}", c.get(f"/petugas/laporan/{number}/"))
            for p in detail["photos"]:
                assert p["state"] == "processing"
                photo_urls += [
                    (p["url"], c, "officer api"),
                    (f"/petugas/laporan/{number}/foto/{p['id']}/", c, "console"),
                ]
    for number, code in filed:
        resident = type(client)()
        track = grab(f"track:{code}", resident.get(f"/api/v1/track/{code}")).json()
        photo_urls += [(p["url"], resident, "track api") for p in track["photos"]]
        grab(f"journey:{number}", resident.get(f"/lacak/{code}/", follow=True))
        journey = grab(f"journey-page:{number}", resident.get(f"/lacak/laporan/{number}/"))
        assert "foto sedang diproses" in journey.content.decode()
        for pk in Photo.objects.filter(report__number=number).values_list("pk", flat=True):
            photo_urls.append((f"/lacak/laporan/{number}/foto/{pk}/", resident, "journey photo"))
    public_number = filed[1][0]
    public_pk = Photo.objects.get(report__number=public_number).pk
    grab("public list", client.get("/publik/"))
    grab("public detail", client.get(f"/publik/{public_number}/"))
    photo_urls.append((f"/publik/{public_number}/foto/{public_pk}/", client, "public photo"))
    requests = grab("open311", client.get("/open311/v2/requests.json")).json()
    media = [r["media_url"] for r in requests if r["service_request_id"] == public_number]
    assert media and media[0]
    photo_urls.append((media[0].replace("http://testserver", ""), client, "open311 media"))
    assert {label for _u, _c, label in photo_urls} == {
        "officer api",
        "console",
        "track api",
        "journey photo",
        "public photo",
        "open311 media",
    }
    for url, c, label in photo_urls:
        response = grab(f"{label}:{url}", c.get(url))
        assert response["X-Sigap-Photo-State"] == "processing", (label, url)
        assert b"foto sedang diproses" in response.content and b"\xff\xd8" not in response.content, (label, url)

    def assert_nothing_of_the_original(text: bytes | str, where: str) -> None:
        assert_clean(text, where)
        data = text if isinstance(text, bytes) else text.encode()
        assert photo[:64] not in data and photo[-64:] not in data, where
        assert digest.encode() not in data and b"canary.jpg" not in data and b"Exif" not in data, where

    for label, content in rendered:
        assert_nothing_of_the_original(content, label)
    assert_nothing_of_the_original(log_capture.getvalue(), "log output")
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dumped += [str(v) for row in cursor.fetchall() for v in row if not isinstance(v, (bytes, memoryview))]
    assert_nothing_of_the_original("\n".join(dumped), "database dump (processing)")

    # the worker runs: the ready copies are clean, and served as JPEGs
    assert photos_sweep() == {"ready": 3}
    for url, c, label in photo_urls:
        response = c.get(url)
        assert response["X-Sigap-Photo-State"] == "ready", (label, url)
        assert_nothing_of_the_original(response.content, f"ready {label}")
