"""The identity canary, console edition: canary reports (full of unique identity markers) are filed through
every entry point, including the operator's page; then every console page and partial is rendered as each
officer role, with DEBUG off, before and after working the reports through every action. No marker and no
byte run of the original photo may appear anywhere."""

from __future__ import annotations

import io
import re

import pytest

from sigap.organization.models import StaffRole
from sigap.privacy.tests.test_canary import (
    EMAIL,
    NAME,
    PHONE,
    TYPED,
    assert_clean,
    canary_photo,
    canary_reports,  # noqa: F401 - a pytest fixture
)
from sigap.reports.models import Report

from .helpers import HTMX, PB_UNIT, SUDIN, as_text, console

pytestmark = pytest.mark.django_db(transaction=False)
R = StaffRole.Role


def test_no_identity_reaches_any_console_page_or_partial(
    staff, canary_reports, log_capture, settings, django_capture_on_commit_callbacks
):
    numbers, original_photo = canary_reports
    settings.DEBUG = False
    settings.SIGAP_TILE_URL = ""
    officer = staff("petugas.pb", PB_UNIT)
    sudin = staff("sudin.bm", SUDIN)
    admin = staff("admin.bm", "dinas-bina-marga", R.UNIT_ADMIN)
    validator = staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    supervisor = staff("pimpinan.jt", "kota:31.75", R.SUPERVISOR)
    operator = staff("operator.loket", "biro-pemerintahan", R.OPERATOR)
    desk = staff("petugas.triase", "triase")
    rendered: list[tuple[str, bytes]] = []
    photos_seen: set[str] = set()

    def grab(label, response, *, ok=(200, 302, 403, 404, 409, 422)):
        assert response.status_code in ok, (label, response.status_code)
        rendered.append((label, as_text(response)))  # a workbook is searched as its text
        return response

    def photos_in(c, label, body: bytes):
        for url in sorted(set(re.findall(rb"/petugas/laporan/[A-Z0-9]+/foto/\d+/", body))):
            served = grab(f"{label}:{url.decode()}", c.get(url.decode())).content
            assert (
                original_photo not in served
                and original_photo[:2000] not in served
                and original_photo[-2000:] not in served
            )
            photos_seen.add(url.decode())

    # 1. the operator files two canary reports through the operator page, as a resident at the counter dictates
    op = console(operator)
    caller = {  # what every call of the canary's reporter says of the problem and of themselves
        "category": "saluran-tersumbat",
        "description": TYPED,
        "privacy": "private",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
    }
    for n in range(2):
        f = io.BytesIO(canary_photo())
        f.name = "canary.jpg"
        with django_capture_on_commit_callbacks(execute=True):
            response = op.post(
                "/petugas/operator/",
                {
                    **caller,
                    "channel": "counter",
                    "kelurahan": "31.75.07.1002",
                    "address": f"Jl. Mawar No. 14 RT 05/RW 03, a.n. {NAME}",
                    "photo": f,
                },
            )
        assert response.status_code == 302, response.content[:2000]
        grab(f"operator:result:{n}", op.get("/petugas/operator/"))
    grab("operator:form", op.get("/petugas/operator/"))
    grab("operator:location", op.get("/petugas/operator/lokasi/", {"kota": "31.75"}, **HTMX))
    for address in (f"Jl. Mawar No. 14 RT 05/RW 03, a.n. {NAME}, {PHONE}", f"dekat stasiun manggarai, rumah {NAME}"):
        # the suggestions name kelurahan from the reference data, never the caller's words
        grab("operator:address", op.post("/petugas/operator/lokasi/alamat/", {"address": address}, **HTMX))
    op_number, extra_number = Report.objects.order_by("-pk").values_list("number", flat=True)[:2][::-1]
    # a caller who cannot say where: filed to the triage desk with what they said (and who they are, in passing)
    with django_capture_on_commit_callbacks(execute=True):
        response = op.post(
            "/petugas/operator/",
            {
                **caller,
                "channel": "call_center",
                "kelurahan": "",
                "kota": "31.75",
                "kecamatan": "31.75.07",
                "address": f"dekat rumah {NAME}, telepon {PHONE}",
                "place_unknown": "on",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    desk_number = Report.objects.order_by("-pk").values_list("number", flat=True)[0]
    assert Report.objects.get(number=desk_number).unit.code == "triase"
    every = [*numbers, op_number, extra_number, desk_number]

    def render_everything(stage: str):
        for user in (officer, sudin, admin, validator, supervisor, operator, desk):
            c = console(user)
            tag = f"{stage}:{user.username}"
            grab(f"{tag}:queue", c.get("/petugas/"))
            grab(f"{tag}:queue-all", c.get("/petugas/", {"status": "all", "sort": "new"}))
            grab(f"{tag}:queue-overdue", c.get("/petugas/", {"overdue": "1"}))
            grab(f"{tag}:queue-partial", c.get("/petugas/antrean/", {"status": "all"}, **HTMX))
            grab(f"{tag}:export-csv", c.get("/petugas/unduh/laporan.csv", {"status": "all"}))
            grab(f"{tag}:export-xlsx", c.get("/petugas/unduh/laporan.xlsx", {"status": "all"}))
            grab(f"{tag}:validation", c.get("/petugas/validasi/"))
            grab(f"{tag}:dashboard", c.get("/petugas/dasbor/"))
            grab(f"{tag}:dashboard-90", c.get("/petugas/dasbor/", {"hari": 90}))
            grab(f"{tag}:dashboard-map", c.get("/petugas/dasbor/peta.json"))
            grab(f"{tag}:escalations", c.get("/petugas/eskalasi/"))
            grab(f"{tag}:dashboard-csv", c.get("/petugas/dasbor/unduh.csv", {"hari": 90}))
            grab(f"{tag}:dashboard-xlsx", c.get("/petugas/dasbor/unduh.xlsx", {"hari": 90}))
            grab(f"{tag}:performance", c.get("/petugas/kinerja/", {"hari": 365}))
            grab(f"{tag}:performance-csv", c.get("/petugas/kinerja/unduh.csv", {"hari": 365}))
            grab(f"{tag}:performance-xlsx", c.get("/petugas/kinerja/unduh.xlsx", {"hari": 365}))
            grab(f"{tag}:performance-unit", c.get("/petugas/kinerja/unit/kel:31.75.07.1002/"))
            grab(f"{tag}:operator", c.get("/petugas/operator/"))
            grab(f"{tag}:unit-search", c.get("/petugas/unit/cari/", {"unit_q": "bina"}, **HTMX))
            grab(f"{tag}:404", c.get("/petugas/laporan/JK000000000000/"))
            for page in ("/petugas/validasi/",):
                photos_in(c, f"{tag}:{page}", grab(f"{tag}:{page}:photos", c.get(page)).content)
            for number in every:
                page = grab(f"{tag}:report:{number}", c.get(f"/petugas/laporan/{number}/"))
                for lang in ({}, {"HTTP_ACCEPT_LANGUAGE": "en"}):
                    grab(f"{tag}:panel:{number}:{lang}", c.get(f"/petugas/laporan/{number}/panel/", **HTMX, **lang))
                if page.status_code == 200:
                    photos_in(c, f"{tag}:{number}", page.content)

    render_everything("before")
    shown = console(officer).get(f"/petugas/laporan/{op_number}/").content.decode()
    assert "disembunyikan]" in shown and "Got mampet parah" in shown  # the redacted text really is on the page
    at_desk = console(desk).get(f"/petugas/laporan/{desk_number}/").content.decode()
    assert 'id="act-triage"' in at_desk and "Disebut dalam laporan" in at_desk  # the desk's form, with suggestions

    # 2. every action through the console, as htmx partials (and refusals), with outbox delivery run
    pb, sd, ad, va = console(officer), console(sudin), console(admin), console(validator)

    def act(c, number, slug, data=None, label=""):
        with django_capture_on_commit_callbacks(execute=True):
            return grab(
                f"action:{slug}:{label or number}", c.post(f"/petugas/laporan/{number}/{slug}/", data or {}, **HTMX)
            )

    drain, road, drain_photo = numbers[:3]  # later entry points (more channels) are rendered above and below
    act(pb, road, "koordinasi", {"to_unit": SUDIN, "reason": " "}, label="refused")
    act(pb, road, "koordinasi", {"to_unit": SUDIN, "reason": "bukan tupoksi: jalan kota"})
    act(sd, road, "ajukan-validasi", label="refused-before-accept")
    act(sd, road, "terima", {"note": "Tim dijadwalkan."})
    act(sd, road, "ajukan-validasi", label="refused-no-proof")
    for kind in ("before", "after"):
        f = io.BytesIO(original_photo)
        f.name = "proof.jpg"
        act(sd, road, "foto", {"kind": kind, "photo": f}, label=kind)
    act(sd, road, "ajukan-validasi", {"note": "Lubang sudah ditambal."})
    photos_in(va, "validation-queue", grab("validation-queue", va.get("/petugas/validasi/")).content)
    act(va, road, "validasi", {"decision": "reject", "reason": "", "context": "validation"}, label="refused")
    # the same refusal without JavaScript: the whole validation page again, with this card and its error
    refused_page = va.post(f"/petugas/laporan/{road}/validasi/", {"decision": "reject", "context": "validation"})
    assert refused_page.status_code == 422
    grab("action:validasi:refused-without-javascript", refused_page)
    act(va, road, "validasi", {"decision": "accept", "reason": "Bukti diperiksa.", "context": "validation"})
    act(pb, drain, "tanya", {"question": "Di RT berapa tepatnya?"})
    act(pb, drain, "lanjutkan", {"reason": "Lokasinya sudah jelas dari foto."})
    # the reporter's answer that crossed the withdrawal, with who they are in it: through the same door
    from sigap.intake.services import reporter_answer_for

    late = reporter_answer_for(Report.objects.get(number=drain), f"RT 05. {TYPED}")
    assert late.internal_note.startswith("Jawaban pelapor (setelah pertanyaan ditarik): RT 05.")
    act(pb, drain_photo, "teruskan", {"destination": "", "reason": "x"}, label="refused")
    act(pb, drain_photo, "teruskan", {"destination": "PAM Jaya", "reason": "pipa air bersih bocor"})
    act(pb, op_number, "koordinasi", {"to_unit": "dinas-bina-marga", "reason": "perlu keputusan dinas"})
    act(ad, op_number, "disposisi", {"to_unit": SUDIN, "reason": "wilayah Jakarta Timur"})
    act(sd, op_number, "tolak", {"reason": "Saluran milik pengembang perumahan."})
    act(pb, extra_number, "gabungkan", {"into": "JK000"}, label="refused")
    act(pb, extra_number, "gabungkan", {"into": drain, "reason": "laporan yang sama"})
    # the triage desk: a refusal (no category), then the report placed from its text and passed on
    dk = console(desk)
    act(dk, desk_number, "triase", {"kelurahan": "31.75.07.1002"}, label="refused")
    act(dk, desk_number, "triase", {"category": "saluran-tersumbat", "kelurahan": "31.75.07.1002"})
    from datetime import timedelta

    from django.utils import timezone

    from sigap.reports.escalation import escalations_run

    assert escalations_run(now=timezone.now() + timedelta(days=60))  # the Eskalasi pages and notices list them
    render_everything("after")

    assert len(photos_seen) >= 5, photos_seen  # reporter photos, operator photos and both proofs were served
    for label, content in rendered:
        assert_clean(content, label)
        assert original_photo[:2000] not in content
        if "operator" not in label:  # the operator's own pages; elsewhere who filed at the counter is a lead
            assert b"operator.loket" not in content, label
    assert_clean(log_capture.getvalue(), "log output")
