"""The action table (``sigap.officers.actions``): for each action, who may take it and when it is offered, its
input (the API's schema and the console's form give the same fields), the service it calls and its message.
The interfaces around it (status codes, pages, the access log) are tested in test_api.py and
test_console_views.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pydantic import ValidationError

from sigap.core.errors import DomainError, PermissionDenied
from sigap.organization.models import StaffRole
from sigap.reports import services
from sigap.reports.models import Photo, Report
from sigap.reports.tests.factories import submit, submit_unplaced

from ..actions import ACTIONS, BY_NAME, BY_SLUG, allowed_actions, perform
from .helpers import GAMBIR_KEL, PB_UNIT, SUDIN, to_validation

pytestmark = pytest.mark.django_db
R = StaffRole.Role
DINAS = "dinas-bina-marga"


def _accepted(report, people, jpeg=None):
    services.report_accept(report_id=report.pk, actor=people["pb"])


def _proven(report, people, jpeg):
    from sigap.privacy.photos import photo_clean

    services.report_accept(report_id=report.pk, actor=people["pb"])
    for kind in ("before", "after"):
        services.photo_add(report_id=report.pk, actor=people["pb"], kind=kind, photo=photo_clean(jpeg(), blur=False))


def _at_the_dinas(report, people, jpeg=None):
    services.report_coordinate(report_id=report.pk, actor=people["pb"], to_unit=DINAS, reason="jalan provinsi?")


def _asked(report, people, jpeg=None):
    services.report_ask_reporter(report_id=report.pk, actor=people["pb"], question="Di RT berapa tepatnya?")


def _awaiting_validation(report, people, jpeg):
    to_validation(report, people["pb"], jpeg)


def _at_the_desk(report, people, jpeg=None):
    """Another report: one that came without a place (a tweet) and waits at the triage desk."""
    return submit_unplaced().report


# per action: (state the report is brought to, who acts, who may not, the input, the status after, the message)
CASES = {
    "accept": (None, "pb", "gambir", {"note": "Tim dijadwalkan."}, "in_progress", "Laporan diterima"),
    "coordinate": (
        None,
        "pb",
        "gambir",
        {"to_unit": SUDIN, "reason": "bukan tupoksi: jalan kota"},
        "koordinasi",
        "Laporan dikoordinasikan ke Suku Dinas Bina Marga Jakarta Timur.",
    ),
    "dispose": (
        _at_the_dinas,
        "dinas",
        "pb",
        {"to_unit": SUDIN, "reason": "wilayah Jakarta Timur"},
        "disposisi",
        "Laporan didisposisikan ke Suku Dinas Bina Marga Jakarta Timur.",
    ),
    "reject": (None, "pb", "gambir", {"reason": "Lokasi di lahan swasta."}, "rejected", "Laporan ditolak"),
    "forward": (
        None,
        "pb",
        "gambir",
        {"destination": " PLN UP3 Jakarta Timur ", "reason": "kabel listrik"},
        "forwarded",
        "Laporan diteruskan ke PLN UP3 Jakarta Timur.",
    ),
    "merge": (None, "pb", "supervisor", {"into": "<kept>", "reason": ""}, "merged", "Laporan digabung ke <kept>."),
    "ask": (None, "pb", "gambir", {"question": "Di RT berapa tepatnya?"}, "awaiting_reporter", "Pertanyaan dikirim"),
    "resume": (
        _asked,
        "pb",
        "gambir",
        {"reason": "Lokasi sudah ditemukan petugas."},
        "waiting",
        "Pertanyaan ditarik; laporan dilanjutkan",
    ),
    "request_validation": (
        _proven,
        "pb",
        "sudin",
        {"note": "Lubang sudah ditambal."},
        "awaiting_validation",
        "Tindak lanjut diajukan untuk validasi.",
    ),
    "add_photo": (_accepted, "pb", "gambir", {"kind": "before", "photo": "<jpeg>"}, "in_progress", "Foto sebelum"),
    "validate": (
        _awaiting_validation,
        "validator",
        "pb",
        {"accept": True, "reason": "Bukti diperiksa."},  # the test's photos carry no camera time or place
        "done",
        "Tindak lanjut divalidasi: laporan Selesai.",
    ),
    "triage": (
        _at_the_desk,
        "desk",
        "pb",
        {"category": "lampu-jalan", "kelurahan": "31.75.07.1002", "note": "", "about_unit": ""},
        "koordinasi",
        "Laporan ditempatkan dan diteruskan ke ",
    ),
}


@pytest.fixture
def people(staff):
    return {
        "pb": staff("petugas.pb", PB_UNIT),
        "gambir": staff("petugas.gambir", f"kel:{GAMBIR_KEL}"),
        "sudin": staff("sudin.bm", SUDIN),
        "dinas": staff("admin.bm", DINAS, R.UNIT_ADMIN),
        "validator": staff("validator.biro", "biro-pemerintahan", R.VALIDATOR),
        "supervisor": staff("pimpinan.jt", "kota:31.75", R.SUPERVISOR),
        "desk": staff("petugas.triase", "triase"),
    }


def _prepare(name: str, people, jpeg):
    state, actor, outsider, data, status, message = CASES[name]
    report = submit("jalan-rusak", description="Jalan berlubang dalam di depan sekolah, motor sering jatuh.").report
    if state is not None:
        report = state(report, people, jpeg) or report
    report = Report.objects.select_related("unit", "category", "kelurahan").get(pk=report.pk)
    data = dict(data)
    if data.get("into") == "<kept>":
        data["into"] = submit().report.number
        message = message.replace("<kept>", data["into"])
    if data.get("photo") == "<jpeg>":
        data["photo"] = SimpleUploadedFile("sebelum.jpg", jpeg(), content_type="image/jpeg")
    return report, people[actor], people[outsider], data, status, message


def test_the_table_names_each_action_once_and_the_console_and_api_find_it():
    assert [a.name for a in ACTIONS] == list(CASES)
    assert len(BY_NAME) == len(BY_SLUG) == len({a.path for a in ACTIONS}) == len(ACTIONS)


def test_each_action_is_one_api_route_with_the_tables_path_summary_and_status(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for action in ACTIONS:
        post = paths[f"/api/v1/officer/reports/{{number}}/{action.path}"]["post"]
        assert post["summary"] == action.summary
        assert ("201" if action.created else "200") in post["responses"]


@pytest.mark.parametrize("name", list(CASES))
def test_an_action_is_offered_to_who_may_take_it_and_refused_to_who_may_not(name, people, jpeg):
    report, actor, outsider, data, _status, _message = _prepare(name, people, jpeg)
    before = (report.status, report.unit_id, report.photos.count())
    assert name in allowed_actions(actor, report)
    assert name not in allowed_actions(outsider, report)
    with pytest.raises(PermissionDenied) as refused:
        perform(BY_NAME[name], user=outsider, report=report, data=data)
    assert refused.value.status == 403
    report.refresh_from_db()
    assert (report.status, report.unit_id, report.photos.count()) == before


@pytest.mark.parametrize("name", list(CASES))
def test_an_action_calls_its_service_and_says_so(name, people, jpeg):
    report, actor, _outsider, data, status, message = _prepare(name, people, jpeg)
    photos = report.photos.count()
    said = perform(BY_NAME[name], user=actor, report=report, data=data)
    assert said.startswith(message), said
    report.refresh_from_db()
    assert report.status == status
    assert report.photos.count() == photos + (name == "add_photo")


def test_what_is_offered_follows_the_status_in_the_tables_order(people, jpeg):
    pb, dinas, validator = people["pb"], people["dinas"], people["validator"]
    waiting = submit().report
    assert allowed_actions(pb, waiting) == ["accept", "coordinate", "reject", "forward", "merge", "ask"]
    assert allowed_actions(people["gambir"], waiting) == allowed_actions(validator, waiting) == []
    _accepted(waiting, people)
    waiting.refresh_from_db()
    assert allowed_actions(pb, waiting) == [
        "coordinate",
        "reject",
        "forward",
        "merge",
        "ask",
        "request_validation",
        "add_photo",
    ]
    to_validation(waiting, pb, jpeg)
    waiting.refresh_from_db()
    assert allowed_actions(pb, waiting) == [] and allowed_actions(validator, waiting) == ["validate"]
    # disposisi only where there is a unit below the handling unit
    road = submit("jalan-rusak", description="Jalan berlubang dalam di depan sekolah, motor sering jatuh.").report
    _at_the_dinas(road, people)
    road.refresh_from_db()
    assert "dispose" in allowed_actions(dinas, road)
    services.report_accept(report_id=road.pk, actor=dinas)
    services.report_coordinate(report_id=road.pk, actor=dinas, to_unit=PB_UNIT, reason="saluran, bukan jalan")
    road.refresh_from_db()
    assert "dispose" not in allowed_actions(pb, road) and "coordinate" in allowed_actions(pb, road)


def test_a_report_waiting_for_the_reporters_answer_is_not_accepted_meanwhile(people):
    report = submit().report
    services.report_ask_reporter(report_id=report.pk, actor=people["pb"], question="Di RT berapa?")
    report.refresh_from_db()
    offered = allowed_actions(people["pb"], report)
    assert "accept" not in offered and "reject" in offered


def test_nothing_is_offered_on_a_closed_report(people):
    report = submit().report
    services.report_reject(report_id=report.pk, actor=people["pb"], reason="bukan masalah publik")
    report.refresh_from_db()
    assert allowed_actions(people["pb"], report) == []


# --- input: the API's schema and the console's form give the same fields --------------------------------------

GOOD = {
    # name: (the API's JSON body, the console's form data)
    "accept": ({"note": "Tim dijadwalkan."}, None),
    "coordinate": ({"to_unit": SUDIN, "reason": "bukan tupoksi"}, None),
    "dispose": ({"to_unit": SUDIN, "reason": "wilayah Jakarta Timur"}, None),
    "reject": ({"reason": "Lokasi di lahan swasta."}, None),
    "forward": ({"destination": "PLN", "reason": "kabel listrik"}, None),
    "merge": ({"into": "JK202611290001", "reason": ""}, {"into": " jk202611290001 ", "reason": ""}),
    "ask": ({"question": "Di RT berapa?"}, None),
    "request_validation": ({"note": ""}, None),
    "validate": ({"accept": False, "reason": "Foto buram."}, {"decision": "reject", "reason": "Foto buram."}),
    "triage": ({"category": "lampu-jalan", "kelurahan": "31.75.07.1002"}, None),
}
BAD = {
    # name: (a JSON body the schema refuses, form data the form refuses and the message it shows)
    "accept": ({"note": 5, "extra": 1}, None),
    "coordinate": ({"to_unit": "x"}, ({"reason": "bukan tupoksi"}, "Pilih unit tujuan.")),
    "dispose": ({}, ({"reason": "x"}, "Pilih unit tujuan.")),
    "reject": ({"reason": ""}, None),
    "forward": ({"destination": "PLN"}, None),
    "merge": ({}, None),
    "ask": ({"question": "x" * 2001}, None),  # an empty question is the service's refusal (or a code from the list)
    "request_validation": ({"note": "x" * 2001}, ({"note": "x" * 2001}, "")),
    "validate": ({"reason": "x"}, ({"reason": "x"}, "Pilih terima atau tolak.")),
    "add_photo": (None, ({"kind": "after"}, "Pilih berkas foto.")),
    "triage": ({"category": ""}, ({"kelurahan": "31.75.07.1002"}, "Pilih kategori.")),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_the_schema_and_the_form_of_an_action_give_the_same_fields(name):
    action = BY_NAME[name]
    body, form_data = GOOD[name]
    api = action.schema(**body).model_dump()
    form = action.form(form_data or body)
    assert form.is_valid(), form.errors
    assert {k: form.cleaned_data[k] for k in api} == api


def test_the_photo_upload_has_the_same_fields_in_both():
    action = BY_NAME["add_photo"]
    upload = SimpleUploadedFile("f.jpg", b"\xff\xd8", content_type="image/jpeg")
    form = action.form({"kind": "before"}, {"photo": upload})
    assert action.schema is None and form.is_valid(), form.errors
    assert set(form.cleaned_data) == {"kind", "photo"}  # the API's multipart fields (api.photo_upload_endpoint)


@pytest.mark.parametrize("name", list(BAD))
def test_the_schema_and_the_form_refuse_malformed_input(name):
    action = BY_NAME[name]
    body, form_case = BAD[name]
    if body is not None:
        with pytest.raises(ValidationError):
            action.schema(**body)
    if form_case is not None:
        data, message = form_case
        form = action.form(data)
        assert not form.is_valid()
        assert message in " ".join(str(e) for errs in form.errors.values() for e in errs)


def test_a_rule_of_the_input_left_to_the_service_comes_back_as_its_refusal(people):
    """The forms leave texts such as a reason optional: the service refuses a missing one, the same for both."""
    report = submit().report
    with pytest.raises(DomainError) as refused:
        perform(BY_NAME["coordinate"], user=people["pb"], report=report, data={"to_unit": SUDIN, "reason": " "})
    assert (refused.value.code, refused.value.status) == ("reason_required", 422)
    with pytest.raises(DomainError) as unknown:
        perform(BY_NAME["coordinate"], user=people["pb"], report=report, data={"to_unit": "x", "reason": "r"})
    assert (unknown.value.code, unknown.value.field) == ("unknown_unit", "to_unit")
    report.refresh_from_db()
    assert report.status == "waiting"


def test_a_merge_into_a_report_the_caller_cannot_see_is_the_services_refusal(people):
    mine, unseen = submit().report, submit("saluran-tersumbat", GAMBIR_KEL).report
    for into in (unseen.number, ""):
        with pytest.raises(DomainError) as refused:
            perform(BY_NAME["merge"], user=people["pb"], report=mine, data={"into": into, "reason": ""})
        assert (refused.value.code, refused.value.status, refused.value.field) == ("bad_merge_target", 422, "into")
        assert refused.value.message_id == "Laporan tujuan tidak ditemukan."


def test_the_photo_permission_is_checked_before_the_upload_is_read(people, jpeg):
    class Watched(SimpleUploadedFile):
        reads = 0

        def read(self, *args):
            Watched.reads += 1
            return super().read(*args)

    report = submit().report
    _accepted(report, people)
    report.refresh_from_db()
    upload = Watched("f.jpg", jpeg(), content_type="image/jpeg")
    with pytest.raises(PermissionDenied) as refused:
        perform(BY_NAME["add_photo"], user=people["gambir"], report=report, data={"kind": "before", "photo": upload})
    assert refused.value.message_en == "Only the handling unit can upload proof photos."
    assert Watched.reads == 0 and not report.photos.filter(kind=Photo.Kind.BEFORE).exists()
    perform(BY_NAME["add_photo"], user=people["pb"], report=report, data={"kind": "before", "photo": upload})
    assert Watched.reads == 1


def test_an_account_that_did_the_work_cannot_validate_it(staff, jpeg):
    """An officer of the kelurahan also made a validator (the admin lets roles be combined) accepted the report,
    photographed it, asked for validation and validated it: one person, no second pair of eyes on the proof.
    Neither may such an account validate its unit's work; another validator still can."""
    both = staff("lurah.merangkap", PB_UNIT)
    staff("lurah.merangkap", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    colleague = staff("petugas.pb.lain", PB_UNIT)
    validator = staff("validator.lain", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    mine, theirs = submit().report, submit().report
    to_validation(mine, both, jpeg)
    to_validation(theirs, colleague, jpeg)  # the unit's work, by a colleague
    for report in (mine, theirs):
        report.refresh_from_db()
        assert "validate" not in allowed_actions(both, report)
        with pytest.raises(PermissionDenied) as refused:
            services.report_validate(report_id=report.pk, actor=both, accept=True, reason="saya cek sendiri")
        assert refused.value.code == "own_work"
        assert "validate" in allowed_actions(validator, report)
        services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
        report.refresh_from_db()
        assert report.status == "done"
