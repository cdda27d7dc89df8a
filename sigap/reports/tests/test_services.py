"""Service tests on the real database: each service, the rows it writes, and its refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sigap.core.errors import DomainError, NotFound, PermissionDenied, TransitionRefused
from sigap.core.models import AuditEvent
from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import selectors, services
from sigap.reports.models import Hop, Notification, StatusChange
from sigap.reports.states import Status

from .factories import failing_for, reporter, submit

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
PB_UNIT = "kel:31.75.07.1002"
SUDIN_BM_JT = "sudin-bina-marga:31.75"


def proof(report, user, jpeg):
    for kind in ("before", "after"):
        services.photo_add(report_id=report.pk, actor=user, kind=kind, photo=photo_clean(jpeg()))


def test_clogged_drain_in_pondok_bambu_lands_at_kelurahan_pondok_bambu():
    created = submit("saluran-tersumbat")
    report = created.report
    assert report.unit.code == PB_UNIT
    assert report.kelurahan.name == "Pondok Bambu"
    assert report.status == Status.WAITING
    assert report.number.startswith("JK") and len(report.number) == 14
    assert len(created.tracking_code) == 14
    history = list(report.history.all())
    assert [(h.old_status, h.new_status) for h in history] == [("", "waiting")]
    assert AuditEvent.objects.filter(report_id=report.pk, action="report:create").count() == 1
    assert Notification.objects.filter(report=report, kind="received").count() == 1


def test_road_damage_lands_at_kelurahan_first_because_the_kelurahan_verifies():
    assert submit("jalan-rusak").report.unit.code == PB_UNIT


def test_labour_complaint_reaches_disnakertransgi_bidang_pengawasan_directly():
    report = submit("ketenagakerjaan", description="Gaji karyawan pabrik tidak dibayar dua bulan.").report
    assert report.unit.code == "disnakertransgi:pengawasan"
    assert report.unit.parent.code == "disnakertransgi"


def test_official_misconduct_goes_to_inspektorat():
    report = submit("pelayanan-aparatur", description="Petugas meminta uang untuk mengurus surat.").report
    assert report.unit.code == "inspektorat"


def test_report_numbers_are_sequential_per_day():
    now = datetime(2026, 11, 20, 9, 0, tzinfo=WIB)
    a = submit(now=now).report
    b = submit(now=now + timedelta(minutes=1)).report
    assert a.number == "JK202611200001" and b.number == "JK202611200002"
    c = submit(now=now + timedelta(days=1)).report
    assert c.number == "JK202611210001"


def test_full_flow_road_coordinated_to_suku_dinas_worked_proven_validated(pb_officer, sudin_officer, validator, jpeg):
    created = submit("jalan-rusak", description="Jalan berlubang dalam di depan sekolah, motor sering jatuh.")
    report = created.report
    hop = services.report_coordinate(
        report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi: jalan kota"
    )
    assert (hop.from_unit.code, hop.to_unit.code, hop.actor, hop.kind) == (
        PB_UNIT,
        SUDIN_BM_JT,
        pb_officer,
        "koordinasi",
    )
    assert hop.reason == "bukan tupoksi: jalan kota" and not hop.revisit
    report.refresh_from_db()
    assert report.status == Status.KOORDINASI and report.unit.code == SUDIN_BM_JT

    services.report_accept(report_id=report.pk, actor=sudin_officer)
    hop.refresh_from_db()
    assert hop.accepted_at is not None
    with pytest.raises(TransitionRefused) as err:
        services.report_request_validation(report_id=report.pk, actor=sudin_officer)
    assert err.value.code == "proof_missing"
    proof(report, sudin_officer, jpeg)
    services.report_request_validation(report_id=report.pk, actor=sudin_officer, note="Lubang sudah ditambal.")
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    report.refresh_from_db()
    assert report.status == Status.DONE and report.closed_at is not None
    tracked = services.report_by_tracking(created.tracking_code)
    assert tracked.pk == report.pk
    statuses = list(report.history.values_list("new_status", flat=True))
    assert statuses == ["waiting", "koordinasi", "in_progress", "awaiting_validation", "done"]
    assert AuditEvent.objects.filter(report_id=report.pk).count() == 1 + 4 + 2  # create, 4 moves, 2 photos


def test_kelurahan_photos_do_not_count_as_proof_after_coordination(pb_officer, sudin_officer, jpeg):
    report = submit("jalan-rusak").report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    proof(report, pb_officer, jpeg)
    services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi")
    services.report_accept(report_id=report.pk, actor=sudin_officer)
    with pytest.raises(TransitionRefused):
        services.report_request_validation(report_id=report.pk, actor=sudin_officer)


def test_validator_rejects_follow_up_and_it_goes_back_to_work(pb_officer, validator, jpeg):
    report = submit().report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    proof(report, pb_officer, jpeg)
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    with pytest.raises(TransitionRefused):
        services.report_validate(report_id=report.pk, actor=validator, accept=False, reason="")
    services.report_validate(report_id=report.pk, actor=validator, accept=False, reason="Foto sesudah buram.")
    report.refresh_from_db()
    assert report.status == Status.FOLLOWUP_REJECTED and report.unit.code == PB_UNIT
    assert "Foto sesudah buram" in report.public_note
    services.report_request_validation(report_id=report.pk, actor=pb_officer)  # proof still there
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    report.refresh_from_db()
    assert report.status == Status.DONE


def test_officer_cannot_validate(pb_officer, jpeg):
    report = submit().report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    proof(report, pb_officer, jpeg)
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    with pytest.raises(PermissionDenied):
        services.report_validate(report_id=report.pk, actor=pb_officer, accept=True, reason="Bukti diperiksa.")


def test_officer_of_another_unit_cannot_act(staff):
    gambir = staff("petugas.gambir", "kel:31.71.01.1001")
    report = submit().report
    with pytest.raises(PermissionDenied):
        services.report_accept(report_id=report.pk, actor=gambir)
    assert StatusChange.objects.filter(report=report).count() == 1


def test_disposition_only_goes_to_a_unit_below(staff):
    disnaker = staff("admin.disnaker", "disnakertransgi", StaffRole.Role.UNIT_ADMIN)
    pengawasan = staff("disnaker.pengawasan", "disnakertransgi:pengawasan")
    report = submit("kartu-pekerja", description="Kartu Pekerja Jakarta belum cair tiga bulan.").report
    assert report.unit.code == "disnakertransgi:hubungan-sosial"
    officer_hubsos = staff("hubsos", "disnakertransgi:hubungan-sosial")
    services.report_coordinate(
        report_id=report.pk,
        actor=officer_hubsos,
        to_unit="disnakertransgi",
        reason="bukan tupoksi tim: perlu pemeriksaan",
    )
    with pytest.raises(TransitionRefused) as err:
        services.report_dispose(report_id=report.pk, actor=disnaker, to_unit=SUDIN_BM_JT, reason="x")
    assert err.value.code == "not_a_subunit"
    hop = services.report_dispose(
        report_id=report.pk, actor=disnaker, to_unit="disnakertransgi:pengawasan", reason="pelanggaran normatif"
    )
    assert hop.kind == Hop.Kind.DISPOSISI
    services.report_accept(report_id=report.pk, actor=pengawasan)


def test_bouncing_back_is_recorded_as_a_revisit(pb_officer, sudin_officer):
    report = submit("jalan-rusak").report
    services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi")
    back = services.report_coordinate(
        report_id=report.pk, actor=sudin_officer, to_unit=PB_UNIT, reason="bukan tupoksi: jalan lingkungan"
    )
    assert back.revisit is True
    assert AuditEvent.objects.filter(report_id=report.pk, action="hop:revisit").count() == 1
    with pytest.raises(TransitionRefused):
        services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit=PB_UNIT, reason="x")


def test_coordination_to_unknown_unit_is_refused_and_nothing_changes(pb_officer):
    report = submit().report
    with pytest.raises(DomainError) as err:
        services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit="no-such-unit", reason="x")
    assert err.value.code == "unknown_unit"
    report.refresh_from_db()
    assert report.status == Status.WAITING and not report.hops.exists()


def test_reject_forward_merge(pb_officer):
    a, b, c, d = (submit().report for _ in range(4))
    services.report_reject(report_id=a.pk, actor=pb_officer, reason="Bukan wilayah publik.")
    services.report_forward(report_id=b.pk, actor=pb_officer, destination="PLN UID Jakarta Raya", reason="kabel PLN")
    services.report_merge(report_id=c.pk, actor=pb_officer, into_number=d.number)
    for r, status in ((a, Status.REJECTED), (b, Status.FORWARDED), (c, Status.MERGED)):
        r.refresh_from_db()
        assert r.status == status and r.closed_at is not None
    assert c.merged_into_id == d.pk
    with pytest.raises(DomainError):
        services.report_merge(report_id=d.pk, actor=pb_officer, into_number=a.number)  # closed target


def test_reporter_rates_and_disputes_by_tracking_code(pb_officer, validator, jpeg):
    from sigap.intake.services import reporter_dispute, reporter_rate

    created = submit()
    report = created.report
    with pytest.raises(TransitionRefused):
        reporter_rate(tracking_code=created.tracking_code, rating=5)
    services.report_accept(report_id=report.pk, actor=pb_officer)
    proof(report, pb_officer, jpeg)
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    with pytest.raises(DomainError):
        reporter_rate(tracking_code=created.tracking_code, rating=6)
    reporter_rate(tracking_code=created.tracking_code, rating=4, comment="Cepat, terima kasih")
    report.refresh_from_db()
    assert report.rating == 4
    reporter_dispute(tracking_code=created.tracking_code, reason="Saluran mampet lagi, belum dibersihkan tuntas.")
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.unit.code == PB_UNIT
    with pytest.raises(NotFound):
        services.report_by_tracking("AAAA-BBBB-CCCC")


def _selesai_then_disputed(officer, validator, jpeg, reason: str):
    """A report worked, proven and validated Selesai, then disputed by its reporter: (created, report)."""
    from sigap.intake.services import reporter_dispute

    created = submit()
    report = created.report
    services.report_accept(report_id=report.pk, actor=officer)
    proof(report, officer, jpeg)
    services.report_request_validation(report_id=report.pk, actor=officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    reporter_dispute(tracking_code=created.tracking_code, reason=reason)
    return created, report


def test_after_a_dispute_validation_needs_a_new_after_photo(pb_officer, validator, jpeg):
    """A reopened report went back to validation with the proof the reporter had just disputed, and the validator
    could close it again in one click (found by a CRM team's walk). After TL Ditolak the proof may go again as it
    is (test_validator_rejects_follow_up_and_it_goes_back_to_work)."""
    report = _selesai_then_disputed(pb_officer, validator, jpeg, "Saluran mampet lagi setelah hujan semalam.")[1]
    with pytest.raises(TransitionRefused) as err:
        services.report_request_validation(report_id=report.pk, actor=pb_officer)
    assert err.value.code == "proof_stale"
    services.report_accept(report_id=report.pk, actor=pb_officer)
    services.photo_add(report_id=report.pk, actor=pb_officer, kind="after", photo=photo_clean(jpeg()))
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    report.refresh_from_db()
    assert report.status == Status.AWAITING_VALIDATION


def test_photo_for_a_report_not_in_progress_is_refused(pb_officer, jpeg):
    report = submit().report
    with pytest.raises(TransitionRefused) as err:
        services.photo_add(report_id=report.pk, actor=pb_officer, kind="before", photo=photo_clean(jpeg()))
    assert err.value.code == "not_in_progress"


def test_unanswered_question_closes_the_report_and_tells_the_reporter(staff):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    wib = ZoneInfo("Asia/Jakarta")
    start = datetime(2026, 11, 2, 9, 0, tzinfo=wib)  # Monday
    report = submit(reporter=reporter(), now=start).report
    services.report_ask_reporter(report_id=report.pk, actor=officer, question="Foto lokasi?", now=start)
    assert services.reports_close_unanswered(now=datetime(2026, 11, 6, 9, 0, tzinfo=wib), days=5) == []
    closed = services.reports_close_unanswered(now=datetime(2026, 11, 9, 17, 0, tzinfo=wib), days=5)
    assert closed == [report.number]
    report.refresh_from_db()
    assert report.status == "closed_no_response"
    assert Notification.objects.filter(report=report, status_change__new_status="closed_no_response").exists()


def test_one_unanswered_report_that_cannot_be_closed_does_not_stop_the_others(staff, monkeypatch, caplog):
    """The closing job aborted at a report whose closing raised, at every run; and it locked every report waiting
    for an answer, due or not, once an hour. Now a due report's failure is logged and the others are closed."""
    from zoneinfo import ZoneInfo

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    start = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # Monday
    broken, fine = (submit(reporter=reporter(), now=start).report for _ in range(2))
    for report in (broken, fine):
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Foto lokasi?", now=start)
    monkeypatch.setattr(services, "_transition", failing_for(broken, services._transition))
    with caplog.at_level("ERROR", logger="sigap.core.jobs"):
        closed = services.reports_close_unanswered(now=start + timedelta(days=8), days=5)
    assert closed == [fine.number]
    broken.refresh_from_db()
    assert broken.status == Status.AWAITING_REPORTER and str(broken.pk) in caplog.text


# --- what an actor may not see, a service refuses as if it did not exist -------------------------
# Every officer route answers 404 for a report outside the caller's sight (``selectors``); the services make the
# same check themselves, so no caller can leave it out.

GAMBIR = "31.71.01.1001"  # a kelurahan far from Pondok Bambu: its reports were never at Pondok Bambu
DRAIN = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."
PUNGLI = "Petugas kelurahan meminta uang lima ratus ribu untuk surat pengantar, tanpa kuitansi."


def test_a_merge_into_a_report_the_officer_cannot_see_is_refused_like_a_missing_one(pb_officer):
    mine = submit().report
    unseen = submit("saluran-tersumbat", GAMBIR).report
    assert not selectors.report_sees(pb_officer, unseen)
    for into in (unseen.number, "JK000000000000"):
        with pytest.raises(DomainError) as err:
            services.report_merge(report_id=mine.pk, actor=pb_officer, into_number=into)
        assert (err.value.code, err.value.status, err.value.field) == ("bad_merge_target", 422, "into")
        assert (err.value.message_id, err.value.message_en) == (
            "Laporan tujuan tidak ditemukan.",
            "The report to merge into was not found.",
        )
    mine.refresh_from_db()
    unseen.refresh_from_db()
    assert mine.status == unseen.status == Status.WAITING and mine.merged_into_id is None


def test_a_merge_target_looked_up_before_the_right_to_act_as_the_officer_routes_always_did(staff, pb_officer):
    """Someone who may see the report but not act on it hears first that the target does not exist."""
    supervisor = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    mine, kept = submit().report, submit().report
    with pytest.raises(DomainError) as unseen:
        services.report_merge(report_id=mine.pk, actor=supervisor, into_number="JK000000000000")
    assert unseen.value.code == "bad_merge_target"
    with pytest.raises(PermissionDenied):
        services.report_merge(report_id=mine.pk, actor=supervisor, into_number=kept.number)


def test_dismissing_a_duplicate_whose_original_the_officer_cannot_see_is_not_found(staff, pb_officer, sudin_officer):
    from sigap.reports.models import DuplicateCandidate

    original = submit(description=DRAIN).report
    repeat = submit(description="got mampet gang mawar sampah plastik air meluap").report
    cand = DuplicateCandidate.objects.get(report=repeat, original=original)
    services.report_coordinate(report_id=repeat.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="jalan kota")
    # the Suku Dinas holds the repeat now, and never held the original
    assert selectors.report_sees(sudin_officer, repeat) and not selectors.report_sees(sudin_officer, original)
    with pytest.raises(NotFound) as err:
        services.duplicate_dismiss(candidate_id=cand.pk, actor=sudin_officer)
    assert err.value.message_en == "Duplicate candidate not found."
    assert DuplicateCandidate.objects.get(pk=cand.pk).state == "open"
    # given sight of the original too (a role at Pondok Bambu), the same account dismisses it
    staff(sudin_officer.username, PB_UNIT)
    assert services.duplicate_dismiss(candidate_id=cand.pk, actor=sudin_officer).state == "dismissed"


def _complaint(about_unit: str = ""):
    from sigap.intake.services import Reporter, Submission, report_submit

    from .factories import inner_point

    lat, lon = inner_point("31.75.07.1002")
    return report_submit(
        Submission(
            category="pelayanan-aparatur",
            description=PUNGLI,
            lat=lat,
            lon=lon,
            channel="web",
            reporter=Reporter(name="Ratna Sari"),
            about_unit=about_unit,
        )
    ).report


def test_a_complaint_about_the_actors_own_unit_is_not_found_even_where_another_role_could_act(staff):
    """An account with roles at Inspektorat (which handles complaints about officials) and at the kelurahan a
    complaint is about: the routes never show it the complaint, and the services refuse it the same way."""
    complaint = _complaint()
    assert (complaint.unit.code, complaint.concerned_unit.code) == ("inspektorat", PB_UNIT)
    both = staff("petugas.dua", "inspektorat")
    staff("petugas.dua", PB_UNIT)
    assert not selectors.report_sees(both, complaint)
    calls = [
        lambda: services.report_accept(report_id=complaint.pk, actor=both),
        lambda: services.report_reject(report_id=complaint.pk, actor=both, reason="bukan pengaduan"),
        lambda: services.report_ask_reporter(report_id=complaint.pk, actor=both, question="Kapan kejadiannya?"),
        lambda: services.report_coordinate(report_id=complaint.pk, actor=both, to_unit=SUDIN_BM_JT, reason="x"),
        lambda: services.report_forward(report_id=complaint.pk, actor=both, destination="Ombudsman", reason="x"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING
    # the other officers of Inspektorat act as before
    services.report_accept(report_id=complaint.pk, actor=staff("petugas.insp", "inspektorat"))


def test_a_validator_at_the_unit_a_complaint_is_about_cannot_validate_it(staff, jpeg):
    complaint = _complaint(about_unit="biro-pemerintahan")
    assert complaint.concerned_unit.code == "biro-pemerintahan"
    inspektorat = staff("petugas.insp", "inspektorat")
    services.report_accept(report_id=complaint.pk, actor=inspektorat)
    proof(complaint, inspektorat, jpeg)
    services.report_request_validation(report_id=complaint.pk, actor=inspektorat)
    subject = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    with pytest.raises(NotFound):
        services.report_validate(report_id=complaint.pk, actor=subject, accept=True, reason="Bukti diperiksa.")
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_VALIDATION
    elsewhere = staff("validator.lain", "inspektorat", StaffRole.Role.VALIDATOR)
    services.report_validate(report_id=complaint.pk, actor=elsewhere, accept=True, reason="Bukti diperiksa.")


def test_a_question_on_a_reopened_report_is_answered_and_the_report_goes_back_to_reopened(pb_officer, validator, jpeg):
    """A question asked after a dispute reopened the report: the answer used to be refused ("needs a reason") and
    the report stayed waiting for the reporter until it closed as unanswered."""
    from sigap.intake.services import reporter_answer

    created, report = _selesai_then_disputed(
        pb_officer, validator, jpeg, "Saluran mampet lagi, belum dibersihkan tuntas."
    )
    services.report_ask_reporter(
        report_id=report.pk, actor=pb_officer, question="Di sisi mana saluran yang mampet lagi?"
    )
    report.refresh_from_db()
    assert report.status == Status.AWAITING_REPORTER and report.resume_status == Status.REOPENED
    reporter_answer(tracking_code=created.tracking_code, answer="Sisi utara, depan musala.")
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.resume_status == ""
    last = report.history.order_by("-pk").first()
    assert (last.old_status, last.new_status) == (Status.AWAITING_REPORTER, Status.REOPENED)
    assert "Sisi utara, depan musala." in last.internal_note


def test_tracking_codes_and_secrets_use_every_character_everywhere_from_one_random_number_each(monkeypatch):
    """Codes were drawn a character at a time, a read of the system's random source each (12 and 16 reads);
    under load each read handed the interpreter's lock to another request thread. One number below 31**n
    now gives all n characters: the lowest number is all '2', the highest all 'Z', and each position still
    takes every character of the alphabet."""
    import secrets as secrets_module

    from sigap.reports.services import TRACKING_ALPHABET, _new_tracking_code, new_secret

    draws = []
    real = secrets_module.randbelow

    def counted(n):
        draws.append(n)
        return real(n)

    monkeypatch.setattr(services.secrets, "randbelow", counted)
    codes = [_new_tracking_code() for _ in range(6000)]
    secrets_drawn = [new_secret() for _ in range(2000)]
    assert draws == [31**12] * 6000 + [31**16] * 2000
    for values, length in ((codes, 14), (secrets_drawn, 19)):
        for position in range(length):
            seen = {value[position] for value in values}
            assert seen == ({"-"} if position % 5 == 4 else set(TRACKING_ALPHABET)), position
    assert len(set(codes)) == len(codes)
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: 0)
    assert _new_tracking_code() == "2222-2222-2222"
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: n - 1)
    assert new_secret() == "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


def test_an_anonymous_reporters_secret_has_no_characters_to_misread_and_is_taken_as_typed():
    """The secret mixed 0/O and l/1 (URL-safe base64), easy to copy wrong by hand."""
    import re

    from sigap.reports.services import TRACKING_ALPHABET

    created = submit(privacy="anonymous", reporter=None)
    assert re.fullmatch(rf"[{TRACKING_ALPHABET}]{{4}}(-[{TRACKING_ALPHABET}]{{4}}){{3}}", created.secret)
    typed = created.secret.lower().replace("-", " ")
    assert services.report_by_tracking(created.tracking_code, secret=typed).pk == created.report.pk
    with pytest.raises(DomainError):
        services.report_by_tracking(created.tracking_code, secret="AAAA-AAAA-AAAA-AAAA")


def test_a_photo_already_cleaned_is_filed_under_its_reports_number(jpeg, settings, tmp_path):
    """reports_create also takes photos de-identified beforehand (no channel sends one today: the worker
    cleans them); their file names begin with the report's number, which must then be known before they
    are saved, whichever order the database lets the rows be written in."""
    from sigap.organization.models import Category
    from sigap.reports.tests.factories import inner_point

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    lat, lon = inner_point("31.75.07.1002")
    new = services.NewReport(
        category=Category.objects.get(code="saluran-tersumbat"),
        description="Got mampet di depan gang.",
        lat=lat,
        lon=lon,
        channel="web",
        privacy="private",
    )
    new.photos = [(photo_clean(jpeg()), "")]
    (created,) = services.reports_create([new])
    (photo,) = created.report.photos.all()
    assert created.report.number and photo.image.name.split("/")[-1].startswith(f"{created.report.number}-report-")


@pytest.mark.parametrize(
    "question",
    [
        "Mohon tulis nama lengkap Anda",
        "Siapa nama Bapak/Ibu?",
        "Nomor rumah Bapak berapa?",
        "Unit apartemen Anda?",
        "Boleh minta nomor HP Anda?",
        "No. WA bapak berapa ya?",
        "Alamat rumah Ibu di mana?",
        "Bapak tinggal di mana?",
        "Mohon kirim NIK Anda",
        "What is your name?",
        "Please send your phone number",
        "Mohon tulis nama lengkap dan nomor Anda",
        "Mohon cantumkan nama dan no HP",
        "Namanya siapa pak?",
        "Dengan Bapak siapa?",
        "Atas nama siapa laporannya?",
        "Nomor HP yang bisa dihubungi?",
        "Alamat rumahnya di mana?",
        "Mohon alamat lengkapnya",
        "Mohon kirim foto KTP",
        "NIK-nya berapa?",
        "Akun IG Bapak?",
        "Siapa\u00a0nama Bapak?",
        "nm bpk siapa",
        "no wa nya brp",
        "hp nya brp pak",
        "alamatnya dmn pak",
        "Emailnya apa kak?",
        "Akun IG nya apa mas?",
        "Mohon info no telp yg bisa dihubungi",
        "Nama pelapor siapa?",
        "Siapa namamu?",
        "Bapak tinggal di mana?",
        # found by a review: the identity asked in other words
        "Nama lengkap?",
        "Pelapor ini siapa?",
        "Rumah Bapak nomor berapa?",
        "Nomornya berapa ya Pak, biar petugas bisa telepon?",
        "Bisa dihubungi di nomor berapa?",
        "Boleh tahu ini dengan siapa?",
        "Siapa yang melaporkan ini?",
        "Panggilannya siapa, Pak?",
        "Rumah pelapor di mana?",
        "Bapak tinggal di RT berapa?",
        "Mohon hubungi saya langsung via WA 0812-3456-7890",
    ],
)
def test_a_question_asking_the_reporter_who_they_are_is_refused_and_nothing_changes(pb_officer, question):
    """An officer may ask about the problem and its place, never for the reporter's identity: the answer to "your
    name?" is the name, and no redaction rule can tell a bare answer from any other text."""
    report = submit("saluran-tersumbat", "31.75.07.1002").report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    with pytest.raises(DomainError) as refused:
        services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question=question)
    assert refused.value.code == "question_asks_identity" and refused.value.status == 422
    report.refresh_from_db()
    assert report.status == "in_progress"


@pytest.mark.parametrize(
    "question",
    [
        "Di RT berapa?",
        "Jam berapa biasanya parkir liar?",
        "Siapa yang bisa kami hubungi di lokasi?",
        "Nomor tiang listrik yang mati berapa?",
        "Apakah alamat lokasi dekat masjid?",
        "Rumah nomor berapa yang paling parah banjirnya?",
        "Siapa nama petugas yang melayani Bapak?",
        "Siapa nama oknum yang meminta uang?",
        "Apakah air masuk ke rumah Bapak?",
        "Sejak kapan rumah Anda tidak mendapat air PAM?",
        "Apakah kamar Anda juga bocor?",
        "Nomor laporan Bapak di LAPOR! berapa?",
        "Nomor tiket Bapak dari call center?",
        "Apakah kontak Bapak dengan pihak pengembang sudah ada?",
        "Sudah berapa lama bapak tinggal dengan kondisi bau sampah ini?",
        "Apakah ibu tinggal di lantai dasar?",
        "Atas nama siapa izin bangunan itu terpasang di papan?",
        "Mohon isi nama kelurahan lokasinya",
        "Nama lurahnya siapa pak?",
    ],
)
def test_a_question_about_the_problem_and_its_place_is_asked(pb_officer, question):
    report = submit("saluran-tersumbat", "31.75.07.1002").report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question=question)
    report.refresh_from_db()
    assert report.status == "awaiting_reporter"


def test_a_tracking_code_and_secret_are_stored_under_a_keyed_hash_and_old_reports_still_open():
    """An unkeyed SHA-256 of a 60-bit code let whoever holds a dump find codes on a GPU (and then answer, dispute
    or rate as the reporter). New reports store a hash keyed from SECRET_KEY; reports stored before keep their old
    hash, which their codes still open."""
    import hashlib

    from sigap.reports.models import Report

    created = submit(privacy="anonymous")
    report = Report.objects.get(pk=created.report.pk)

    def unkeyed(code):
        return hashlib.sha256(("sigap-tracking:" + code.replace("-", "")).encode()).hexdigest()

    assert report.tracking_hash != unkeyed(created.tracking_code)
    assert report.secret_hash != unkeyed(created.secret)
    assert services.report_by_tracking(created.tracking_code, secret=created.secret).pk == report.pk
    with pytest.raises(PermissionDenied):
        services.report_by_tracking(created.tracking_code, secret="AAAA-BBBB-CCCC-DDDD")
    Report.objects.filter(pk=report.pk).update(
        tracking_hash=unkeyed(created.tracking_code), secret_hash=unkeyed(created.secret)
    )  # as stored before
    assert services.report_by_tracking(created.tracking_code.lower(), secret=created.secret).pk == report.pk
    with pytest.raises(PermissionDenied):
        services.report_by_tracking(created.tracking_code, secret="AAAA-BBBB-CCCC-DDDD")


def test_a_tracking_code_still_opens_its_report_after_secret_key_is_rotated(settings):
    created = submit(privacy="anonymous")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old_key]
    assert services.report_by_tracking(created.tracking_code, secret=created.secret).pk == created.report.pk
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(NotFound):
        services.report_by_tracking(created.tracking_code, secret=created.secret)


def test_a_report_waiting_for_the_reporters_answer_cannot_be_disputed(pb_officer, validator, jpeg):
    """Reopened by a dispute, then asked a question: a second "dispute" was taken as the answer and as a second
    dispute, which sent the report to the unit above. Only a Selesai is disputed, as the pages offer it."""
    from sigap.intake.services import reporter_dispute
    from sigap.reports.models import Escalation

    created = submit()
    report = created.report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    for kind in ("before", "after"):
        services.photo_add(report_id=report.pk, actor=pb_officer, kind=kind, photo=photo_clean(jpeg()))
    services.report_request_validation(report_id=report.pk, actor=pb_officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    reporter_dispute(tracking_code=created.tracking_code, reason="Saluran mampet lagi, belum dibersihkan.")
    services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question="Di sisi mana saluran yang mampet?")
    with pytest.raises(TransitionRefused) as refused:
        reporter_dispute(tracking_code=created.tracking_code, reason="Masih mampet, tolong cepat.")
    assert refused.value.code == "not_done"
    report.refresh_from_db()
    assert (report.status, report.disputes) == (Status.AWAITING_REPORTER, 1)
    assert not Escalation.objects.filter(report=report).exists()


def test_a_duplicates_reporter_follows_the_surviving_report_after_a_second_merge(pb_officer):
    """A merged into B, then B into C: A's reporter was told to follow B, which closed; C's progress reached B's
    reporter only. A now follows C."""
    a = submit(description="Got mampet di gang mawar, air meluap ke jalan saat hujan.").report
    b = submit(description="Saluran air depan musala tersumbat sampah, bau sekali.").report
    c = submit(description="Selokan di RT 05 penuh lumpur dan sampah plastik.").report
    services.report_merge(report_id=a.pk, actor=pb_officer, into_number=b.number)
    services.report_merge(report_id=b.pk, actor=pb_officer, into_number=c.number)
    a.refresh_from_db()
    assert a.merged_into_id == c.pk
    before = Notification.objects.filter(report=a).count()
    services.report_accept(report_id=c.pk, actor=pb_officer, note="Tim menuju lokasi.")
    told = Notification.objects.filter(report=a).order_by("pk")
    assert told.count() == before + 1
    assert c.number in told.last().body or "laporan serupa" in told.last().body


@pytest.mark.parametrize("action", ["accept", "reject", "coordinate"])
def test_an_action_takes_its_time_once_the_report_is_locked(pb_officer, monkeypatch, action):
    """Found by a review on PostgreSQL: two officers acting at once, the one that waited for the other's lock had
    read the time before waiting, so its step was stamped first and the reporter's timeline showed the steps out
    of order. Here the clock moves on while the lock is taken: the step carries a time read after it."""
    from django.utils import timezone

    report = submit().report
    locked_at = []
    real_now, real_lock = timezone.now, services._lock
    ticks = iter(range(1, 1000))
    monkeypatch.setattr(services.timezone, "now", lambda: real_now() + timedelta(seconds=next(ticks)))

    def lock(report_id):
        row = real_lock(report_id)
        locked_at.append(services.timezone.now())
        return row

    monkeypatch.setattr(services, "_lock", lock)
    {
        "accept": lambda: services.report_accept(report_id=report.pk, actor=pb_officer),
        "reject": lambda: services.report_reject(report_id=report.pk, actor=pb_officer, reason="bukan wewenang kami"),
        "coordinate": lambda: services.report_coordinate(
            report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi: jalan kota"
        ),
    }[action]()
    step = StatusChange.objects.filter(report=report).order_by("-id").first()
    assert locked_at and step.created_at > locked_at[0]


def test_accepting_marks_only_the_hop_that_brought_the_report_accepted(pb_officer, sudin_officer, staff):
    """A Suku Dinas sent a report back (wrongly routed); it came again later by another way and was accepted: the
    history said the first hop, the one it sent back, had been accepted too (found by a CRM team's walk)."""
    dinas = staff("dinas.bm", "dinas-bina-marga")
    report = submit("jalan-rusak").report
    services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="jalan kota")
    services.report_coordinate(report_id=report.pk, actor=sudin_officer, to_unit=PB_UNIT, reason="salah alamat")
    services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit="dinas-bina-marga", reason="ke dinas")
    services.report_dispose(report_id=report.pk, actor=dinas, to_unit=SUDIN_BM_JT, reason="wilayah Jakarta Timur")
    services.report_accept(report_id=report.pk, actor=sudin_officer)
    hops = list(report.hops.order_by("created_at", "pk"))
    assert [h.to_unit.code for h in hops] == [SUDIN_BM_JT, PB_UNIT, "dinas-bina-marga", SUDIN_BM_JT]
    assert [h.accepted_at is not None for h in hops] == [False, False, False, True]
