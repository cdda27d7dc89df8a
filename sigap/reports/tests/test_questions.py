"""Questions to an Anonim reporter come from a list (``sigap.reports.questions``): the answer to a free question
reaches the officer with nothing to redact it against (an Anonim report has no identity record), and a phrase
list cannot tell every way of asking "who are you?" from a question about the problem (found by a review:
"Nama lengkap?" was asked and answered, and the name reached the officer)."""

from __future__ import annotations

import pytest

from sigap.core.errors import DomainError
from sigap.reports import questions, services
from sigap.reports.models import Report
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("question", ["Nama lengkap?", "Di sebelah mana tepatnya got yang mampet?"])
def test_an_anonim_reporter_is_asked_only_from_the_list(pb_officer, question):
    report = submit(privacy="anonymous").report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    with pytest.raises(DomainError) as refused:
        services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question=question)
    assert refused.value.code == "question_from_list" and refused.value.status == 422
    assert Report.objects.get(pk=report.pk).status == "in_progress"
    with pytest.raises(DomainError) as unknown:
        services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question_code="siapa-anda")
    assert unknown.value.code == "unknown_question"
    code, (text_id, _text_en) = next(iter(questions.catalog().items()))
    services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question_code=code)
    report.refresh_from_db()
    assert report.status == "awaiting_reporter"
    assert report.history.last().public_note == f"Pertanyaan petugas: {text_id}"


def test_a_privat_reporter_may_be_asked_from_the_list_or_in_words(pb_officer):
    report = submit().report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    code = next(iter(questions.catalog()))
    services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question_code=code)
    assert Report.objects.get(pk=report.pk).status == "awaiting_reporter"
    with pytest.raises(DomainError) as empty:
        services.report_ask_reporter(report_id=report.pk, actor=pb_officer)
    assert empty.value.code == "question_required"


def test_an_unknown_code_or_both_a_code_and_words_are_refused_for_what_they_are(pb_officer):
    """A Privat report asked with a code not in the list was refused as if it were Anonim ("An anonymous reporter
    can only be asked from the list"); a code with a written question sent the listed one and dropped the words
    unsaid (a review)."""
    report = submit().report
    services.report_accept(report_id=report.pk, actor=pb_officer)
    with pytest.raises(DomainError) as unknown:
        services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question_code="zzz")
    assert unknown.value.code == "unknown_question" and unknown.value.status == 422
    assert "anonim" not in unknown.value.message_id.lower()
    code = next(iter(questions.catalog()))
    with pytest.raises(DomainError) as both:
        services.report_ask_reporter(
            report_id=report.pk, actor=pb_officer, question_code=code, question="Di sisi jalan yang mana?"
        )
    assert both.value.code == "question_or_code" and both.value.field == "question"
    assert Report.objects.get(pk=report.pk).status == "in_progress"


def test_the_list_asks_about_the_problem_and_its_place_only():
    """Every question of the shipped list passes the identity check, in both languages, and a city's own list
    (``SIGAP_ANONYMOUS_QUESTIONS``) is checked the same way when it is read."""
    for text_id, text_en in questions.catalog().values():
        assert not services.question_asks_identity(text_id) and not services.question_asks_identity(text_en)


def test_a_citys_own_list_is_read_and_one_asking_identity_is_refused(settings):
    settings.SIGAP_ANONYMOUS_QUESTIONS = {"patokan": ["Apa patokan terdekat?", "What is the nearest landmark?"]}
    assert questions.catalog() == {"patokan": ("Apa patokan terdekat?", "What is the nearest landmark?")}
    from django.core import checks

    assert [m for m in checks.run_checks() if m.id == "sigap.E001"] == []
    settings.SIGAP_ANONYMOUS_QUESTIONS = {"nama": ["Nama lengkap Bapak?", "Your full name?"]}
    with pytest.raises(ValueError):
        questions.catalog()
    [error] = [m for m in checks.run_checks() if m.id == "sigap.E001"]
    assert "nama" in error.msg


def test_every_question_tells_the_reporter_not_to_write_who_they_are(pb_officer, client):
    """Whatever is asked, the message that carries the question (chat, SMS, email) and the tracking page say that
    the officer needs no name, number or address."""
    from sigap.reports.models import Notification

    created = submit()
    services.report_accept(report_id=created.report.pk, actor=pb_officer)
    services.report_ask_reporter(report_id=created.report.pk, actor=pb_officer, question="Got yang mana?")
    asked = Notification.objects.filter(report=created.report).order_by("pk").last()
    assert "Jangan tuliskan nama" in asked.body and "Do not write your name" in asked.body_en
    client.post("/lacak/", {"code": created.tracking_code})
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert "Jangan tuliskan nama" in page


# --- found by a review of the list: other ways to ask, and ordinary questions the rule refused --------------

ABOUT_THE_REPORTER = [
    "Anda siapa?",
    "Bapak siapa ya?",
    "Siapa yang mengirim laporan ini?",
    "Who reported this?",
    "Rumah Anda yang nomor berapa?",
    "What is your house number?",
    "Where is your house?",
    "Nomor HP?",
    "Nomor WA?",
    "Bagaimana cara menghubungi Bapak?",
    "How can we reach you?",
    "Silakan WA ke nol delapan satu dua tiga empat lima enam tujuh",
    "Boleh tahu ini dengan siapa?",
    "Mohon hubungi saya langsung via WA 0812-3456-7890",
    # a guess put to the reporter to confirm (found by a review): the "ya, benar" that answers it is the identity
    "Apakah Anda Siti Aminah?",
    "Apakah pelapor bernama Siti Aminah, yang tinggal di Blok C2?",
    "Benarkah Bapak suami dari pemilik warung?",
    "Apa benar pelapornya istri mandor?",
    "Are you Mr Budi?",
    "Are you the wife of the owner?",
    # in other words (found by a review: each passed, and a Privat SMS reporter, whose name Sigap does not know,
    # answered bare)
    "Panggilannya apa, biar petugas lapangan bisa menyapa?",
    "Kalau ada, tulis nomor yang bisa ditelepon petugas.",
    "Sebutkan tempat dan tanggal lahir.",
    "Untuk berita acara, tuliskan data diri lengkap.",
    "Ketik 16 digit yang ada di kartu keluarga.",
    "Nomor kartu keluarganya berapa?",
    "TTL?",
    "Dipanggil apa biasanya?",
    # a second review's
    "Nanti petugas cari siapa di lokasi?",
    "Sapaan ibu di kampung apa?",
    "Ibu biasa disapa apa oleh tetangga?",
    "Nomor HP yang aktif?",
    "Ketik NIK",
    "Nomor induk kependudukan?",
    "Kapan Anda lahir?",
    # an office only one person of the neighbourhood holds, guessed or asked (the door cuts it from what the reporter
    # writes; a bare "ya" would give it): found by an attacker's review
    "Apakah Anda ketua RT 03?",
    "Bapak sendiri ketua RW di situ ya?",
    "Benarkah ibu adalah bendahara RT 5?",
    "Apakah pelapor ini sekretaris RW 05?",
    "Anda pengurus RT setempat?",
    # found by the next review
    "Apakah Anda ketua RT03?",
    "Apakah Anda juga ketua RT 03?",
    "Apakah Anda sendiri ketua RT 03?",
    "Anda menjabat sebagai ketua RT 03?",
    "Apakah pelapor merupakan ketua RT 03?",
]

ABOUT_THE_PROBLEM = [
    "Sejak tanggal 01-12-2026?",
    "Sejak 12.10.2026?",
    "Jam 07.00 - 09.00 pagi?",
    "Jam 08.00 - 10.00 pagi?",
    "Kira-kira 100 - 200 meter dari simpang?",
    "Plat nomornya berapa?",
    "Mobil itu plat nomornya berapa?",
    "Ini siapa yang memasang spanduk?",
    "Dengan siapa petugas harus berkoordinasi di lokasi?",
    "Apakah lampu PJU nomor 0123456789 mati?",
    "Nomor meteran listrik 5412 3456 7890?",
    "Koordinatnya -6.2088 106.8456?",
    "Apakah Anda masih melihat genangan di sana?",
    "Apakah Anda sudah memotret lubangnya?",
    "Betul lokasinya di depan pasar?",
    "Apakah mobil B 1234 XYZ masih parkir di sana?",
    "Apakah Pak RT sudah tahu?",
    "Are you still seeing the flooding?",
    # found by the next review: refused by the first version of the rule
    "Apakah Pak Lurah sudah meninjau lokasi got yang mampet?",
    "Apakah Bapak Sudah melapor ke PLN soal lampu jalan?",
    "Benar pak Kamis malam airnya mulai naik?",
    "Is this Jalan Kenanga RT 03 or Gang Melati?",
    "Apakah Anda bekerja lebih dari 8 jam sehari tanpa lembur dibayar?",
    "Apakah bapak karyawan tetap atau outsourcing?",
    "Apakah ibu pedagang kaki lima di situ terganggu?",
    "Apakah ini terkait pengurusan kartu keluarga di kelurahan?",
    "Sejak tanggal berapa lampu mati?",
    "Apakah pohonnya sudah tua, umurnya berapa tahun kira-kira?",
    "Berapa digit nomor meter PLN-nya?",
    "Apakah ketua RT sudah tahu?",
    "Apakah Anda sudah lapor ke ketua RW 05?",
    # "Pak ketua RT", "Bu ketua RW": the ketua as a third person (found by a review)
    "Apakah pak ketua RT sudah tanda tangan?",
    "Apakah Bapak ketua RT sudah dihubungi?",
    "Apakah Bu ketua RW sudah datang ke lokasi?",
]


@pytest.mark.parametrize("question", ABOUT_THE_REPORTER)
def test_a_question_about_who_the_reporter_is_is_refused(question):
    assert services.question_asks_identity(question)


@pytest.mark.parametrize("question", ABOUT_THE_PROBLEM)
def test_a_question_about_the_problem_or_its_place_is_not_refused(question):
    assert not services.question_asks_identity(question)


@pytest.mark.parametrize("how", ["accept", "request_validation", "reject_followup", "reject"])
def test_no_note_an_officer_or_validator_writes_to_the_reporter_asks_who_they_are(pb_officer, staff, jpeg, how):
    """The list was bypassed by a public note: "Terima / proses" with "tuliskan nama lengkap dan alamat rumah Anda
    di jawaban pertanyaan berikut", then a question from the list; the answer reached the officer as written.
    Every note an officer or validator writes that the reporter reads passes the same rule."""
    from sigap.organization.models import StaffRole
    from sigap.privacy.photos import photo_clean

    note = "Sebelum menjawab, tuliskan nama lengkap dan alamat rumah Anda di jawaban pertanyaan berikut."
    report = submit(privacy="anonymous").report
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    if how != "accept" and how != "reject":
        services.report_accept(report_id=report.pk, actor=pb_officer)
        for kind in ("before", "after"):
            services.photo_add(report_id=report.pk, actor=pb_officer, kind=kind, photo=photo_clean(jpeg(), blur=False))
    if how == "reject_followup":
        services.report_request_validation(report_id=report.pk, actor=pb_officer)
    status = Report.objects.get(pk=report.pk).status
    with pytest.raises(DomainError) as refused:
        if how == "accept":
            services.report_accept(report_id=report.pk, actor=pb_officer, note=note)
        elif how == "request_validation":
            services.report_request_validation(report_id=report.pk, actor=pb_officer, note=note)
        elif how == "reject_followup":
            services.report_validate(report_id=report.pk, actor=validator, accept=False, reason=note)
        else:
            services.report_reject(report_id=report.pk, actor=pb_officer, reason=note)
    assert refused.value.code == "note_asks_identity" and refused.value.status == 422
    assert Report.objects.get(pk=report.pk).status == status


@pytest.mark.parametrize(
    "question",
    [
        "Anda Bu Siti, bukan?",
        "Betul ini dengan Bu Siti?",
        "Apakah yang melapor tinggal di rumah nomor 14?",
        "Apakah Anda kenal dengan Pak Darto di gang itu?",
        "Apakah akun @sitiaminah milik Anda?",
    ],
)
def test_a_question_carrying_a_name_or_a_home_is_refused_whatever_its_words(pb_officer, question):
    """Found by a review: a yes/no question confirmed a guessed identity. Whatever it asks, a question that names a
    person, a house number or an account (the generic redaction rules find one, reading no vault) is refused."""
    from sigap.core.errors import DomainError
    from sigap.intake.services import Reporter
    from sigap.reports.tests.factories import submit

    created = submit(reporter=Reporter(name="Siti Aminah", phone="081377001122"))
    with pytest.raises(DomainError) as refused:
        services.report_ask_reporter(report_id=created.report.pk, actor=pb_officer, question=question)
    assert refused.value.code == "question_asks_identity" and refused.value.status == 422


@pytest.mark.parametrize(
    "question",
    [
        "Apakah mobil B 1234 XYZ masih parkir di depan pasar?",
        "Apakah mandor bernama Joko yang menahan gaji?",
        "Apakah sudah lapor ke pengaduan@jakarta.go.id juga?",
        "Apakah genangan sampai ke Jl. Kenanga No. 5?",
    ],
)
def test_a_question_about_the_problem_or_someone_else_is_still_asked(pb_officer, question):
    """The name, address or contact of someone else (an employer's foreman, a city's own mailbox, the problem's own
    address) is a case's question, not a guess at the reporter."""
    from sigap.intake.services import Reporter
    from sigap.reports.tests.factories import submit

    created = submit(reporter=Reporter(name="Siti Aminah", phone="081377001122"))
    change = services.report_ask_reporter(report_id=created.report.pk, actor=pb_officer, question=question)
    assert change.new_status == "awaiting_reporter"


# --- found by an attacker's review: what places the reporter, and a way out of Sigap ---------------------------
@pytest.mark.parametrize(
    "question",
    [
        # the officer's own contact or a link: a reply mail gives the reporter's address, a click their IP address
        # and browser (to a form's owner or a shortener's), a message to an account the reporter's account
        "Foto kurang jelas. Silakan kirim foto yang lebih jelas ke andi.dinas@gmail.com agar cepat kami proses.",
        "Kirim ke andi.dinas [at] gmail [dot] com ya",
        "Mohon isi formulir lokasi di https://forms.gle/Xy7pQ2 agar tim bisa datang.",
        "Lihat foto hasil pengecekan di https://bit.ly/cek-lokasi-3 lalu balas apakah benar ini lokasinya?",
        "isi di bit.ly/lapor-rt5 ya pak",
        "Silakan DM ke instagram @sudin.sda.jakbar untuk koordinasi.",
        "DM ke IG kami ya",
        # what places them: their home's number, colour or position, their RT, their section or tenure, their face
        "Rumah Anda yang paling dekat dengan lokasi, nomor berapa pagarnya?",
        "Warna pagar rumah Bapak apa?",
        "Rumah Ibu catnya warna apa?",
        "Di RT berapa Anda tinggal?",
        "Anda bekerja di bagian apa di pabrik itu, dan sejak kapan?",
        "Sudah berapa lama Bapak bekerja di pabrik itu?",
        "Jabatan Anda di perusahaan apa?",
        "Mohon kirim foto tampak depan rumah Anda, termasuk pagar dan nomornya.",
        "Kirim swafoto Anda di lokasi sebagai bukti kehadiran.",
        "Please send a photo of yourself at the site.",
    ],
)
def test_a_question_that_places_the_reporter_or_leads_outside_sigap_is_refused(pb_officer, question):
    """Each was relayed as asked; its bare answer ("12, pagar hijau", "RT 04 RW 02", "bagian gudang, sejak 2019")
    passes the door unchanged, and a photo of a house front names the house with every face blurred."""
    from sigap.core.errors import DomainError
    from sigap.intake.services import Reporter
    from sigap.reports.tests.factories import submit

    created = submit(reporter=Reporter(name="Siti Aminah", phone="081377001122"))
    with pytest.raises(DomainError) as refused:
        services.report_ask_reporter(report_id=created.report.pk, actor=pb_officer, question=question)
    assert refused.value.code == "question_asks_identity" and refused.value.status == 422
    assert Report.objects.get(pk=created.report.pk).status == "waiting"


@pytest.mark.parametrize(
    "question",
    [
        "Di RT berapa tepatnya?",
        "Foto yang Anda kirim kurang jelas, bisa kirim ulang?",
        "Mohon kirim foto lokasi yang lebih jelas.",
        "Mohon foto saluran di depan rumah warga.",
        "Rumah Bapak kebanjiran setinggi berapa cm?",
        "Berapa lama gaji belum dibayar?",
        "Apakah pelaku bekerja sebagai satpam?",
        "Apakah jalan itu Jl. Sudirman no. 5?",
        "Ukurannya sekitar 2.5 m?",
        "Jadwal pengangkutan ada di https://www.jakarta.go.id, apakah truk datang sesuai jadwal?",
    ],
)
def test_a_question_about_the_problem_near_their_home_or_a_government_page_is_asked(pb_officer, question):
    from sigap.intake.services import Reporter
    from sigap.reports.tests.factories import submit

    created = submit(reporter=Reporter(name="Siti Aminah", phone="081377001122"))
    services.report_ask_reporter(report_id=created.report.pk, actor=pb_officer, question=question)
    assert Report.objects.get(pk=created.report.pk).status == "awaiting_reporter"


@pytest.mark.parametrize(
    "question, because",
    [
        ("Boleh minta nomor WA Bapak?", "menanyakan atau menebak siapa pelapor"),
        ("Silakan WA saya di 0812 3456 7890.", "untuk menghubungi petugas di luar Sigap"),
        ("Di RT berapa Anda tinggal?", "tempat tinggal atau tempat kerja pelapor"),
        ("Anda Bu Siti, bukan?", "memuat nama orang"),
    ],
)
def test_a_refusal_says_which_part_of_the_question_it_refused(pb_officer, question, because):
    """Every refusal was one sixty-word sentence listing all that is forbidden; the officer could not tell which part
    of their question it was (a CRM team's walk). It now starts with the part that applies, in both languages."""
    from sigap.intake.services import Reporter

    created = submit(reporter=Reporter(name="Siti Aminah", phone="081377001122"))
    with pytest.raises(DomainError) as refused:
        services.report_ask_reporter(report_id=created.report.pk, actor=pb_officer, question=question)
    assert refused.value.code == "question_asks_identity" and refused.value.message_id.startswith("Teks ini ")
    assert because in refused.value.message_id and refused.value.message_en.startswith("This text ")
    assert len(refused.value.message_id.split()) < 40


def test_a_note_refusal_says_why_too(pb_officer):
    outside = submit().report
    with pytest.raises(DomainError) as refused:
        services.report_reject(
            report_id=outside.pk, actor=pb_officer, reason="Bukan tupoksi, isi https://forms.gle/AbC1"
        )
    assert refused.value.code == "note_asks_identity"
    assert refused.value.message_id.startswith("Teks ini memberi pelapor nomor, email, tautan atau akun")


def test_a_rejection_may_point_to_a_government_site_but_not_to_the_officers_own(pb_officer):
    """A note the reporter reads passes the same rule: a rejection that sends the reporter to LAPOR! is written;
    one that sends them to the officer's form or mail is refused, and the report stays as it was."""
    from sigap.core.errors import DomainError
    from sigap.reports.tests.factories import submit

    outside = submit().report
    with pytest.raises(DomainError) as refused:
        services.report_reject(
            report_id=outside.pk, actor=pb_officer, reason="Bukan tupoksi kami, isi saja https://forms.gle/AbC123"
        )
    assert refused.value.code == "note_asks_identity"
    assert Report.objects.get(pk=outside.pk).status == "waiting"
    services.report_reject(
        report_id=outside.pk, actor=pb_officer, reason="Bukan tupoksi kami: silakan lapor ke https://www.lapor.go.id"
    )
    assert Report.objects.get(pk=outside.pk).status == "rejected"


# The rules read without a database: what places the reporter or leads them out of Sigap in the ways officers write
# (chat spelling, written-out dots and ats, lookalike letters, English), and what officers must still be able to
# write (the problem at the reporter's home, labour complaints' facts, official channels, times, coordinates).
# Found by a review of the first form of these rules (90 ways past it, 24 refusals of ordinary questions).
PLACES_OR_LEADS_OUT = [
    "No rmh bpk brp?",
    "Rmh bpk nomor berapa?",
    "Pagar rmh bpk warna apa?",
    "Rumah Bapak pagarnya hijau atau hitam?",
    "Rumah Bapak yang ke berapa dari ujung gang?",
    "Rumah Bapak di sebelah kiri atau kanan lokasi?",
    "Berapa meter jarak lokasi dari rumah Bapak?",
    "Bapak tinggal di rumah nomor berapa?",
    "Bapak tinggalnya di RT berapa?",
    "Bapak warga RT berapa?",
    "Anda RT berapa?",
    "RT/RW Bapak berapa?",
    "Tinggal di RT berapa pak?",
    "Rumah Bapak masuk RT berapa?",
    "Bapak tinggal di lantai berapa?",
    "Unit Bapak nomor berapa?",
    "Kamar kos Anda nomor berapa?",
    "Which house number is yours?",
    "What RT do you live in?",
    "Bapak di bagian apa?",
    "Bapak bagian apa di pabrik?",
    "Anda shift berapa?",
    "Bapak masuk shift apa?",
    "Udah berapa tahun kerja di situ pak?",
    "Bapak masuk kerja tahun berapa?",
    "Bapak mulai kerja kapan?",
    "Anda di divisi apa?",
    "Atasan langsung Bapak siapa?",
    "Nomor induk karyawan Bapak berapa?",
    "Bapak bekerja di mana?",
    "Tempat kerja Bapak di mana?",
    "Bapak kerja di PT apa?",
    "What department do you work in?",
    "How long have you worked there?",
    "Which shift do you work?",
    "Where do you work?",
    "Mohon selfi di lokasi",
    "Mohon kirim foto Bapak sedang berdiri di lokasi.",
    "Mohon kirim foto dengan wajah Bapak terlihat.",
    "Kirim foto rmh bpk dari depan",
    "Fotokan rumah Bapak",
    "Nomor pelanggan PDAM Bapak berapa?",
    "ID pelanggan PLN Bapak berapa?",
    "Nomor BPJS Bapak berapa?",
    "Plat nomor motor Bapak berapa?",
    "NIP Bapak berapa?",
    "Kirim ke andi.dinas at gmail dot com",
    "Kirim ke andi.dinas{at}gmail{dot}com",
    "Kirim ke andi.dinas@gmail",
    "Email to andi dot dinas at gmail dot com",
    "Balas ke email saya ya",
    "Imel Bapak apa?",
    "Isi di forms dot gle slash Xy7pQ2",
    "Isi di forms . gle / Xy7pQ2",
    "Isi di hxxps://forms[.]gle/Xy7pQ2",
    "Isi di forms[.]gle/Xy7pQ2",
    "Isi di forms\u3002gle/Xy7pQ2",  # an ideographic full stop
    "Isi di f\u043erms.gle/Xy7",  # a Cyrillic o
    "Cek linktr.ee/sudinsda",
    "Isi di bit.do/abc",
    "Isi di rb.gy/abc",
    "Isi di shorturl.at/abc",
    "Isi di is.gd/abc",
    "Isi di sudinsda.online",
    "Isi di sudinsda.dev",
    "Isi di 203.0.113.5/form",
    "Isi di bit.ly.",
    "Link ada di bio ig kami",
    "ig: sudin_sda",
    "IG sudin_sda",
    "telegram: sudinsda",
    "line id: sudinsda",
    "ID Line sudinsda",
    "Add line sudinsda",
    "@ sudinsda",
    "DM aja ke ig",
    "Hubungi kami via Instagram sudinsda",
    "Chat kami di Telegram",
    "Kirim pesan ke akun Twitter kami sudinsda",
    "Inbox ke fanpage kami",
    "WA kami ya",
    "Hubungi kami lewat WA",
    "WA 0812 - 3456 - 7890",
    "WA (0812) 3456 7890",
    "WA 0812/3456/7890",
    "WA o812 3456 7890",
    "WA kosong delapan satu dua tiga empat",
    "Mohon Bapak menunggu di lokasi jam 10 agar bisa kami temui.",
    "Bisa ketemu di lokasi besok pak?",
    "Petugas akan ke rumah Bapak jam 10, mohon ada di rumah.",
    "Rumah Anda yang paling dekat dengan lokasi, nomor berapa pagarnya?",
    "Di RT berapa Anda tinggal?",
    "Isi di forms.gle/Xy7pQ2",
    "Isi di hxxps://forms.gle/Xy7pQ2",
    "Join t.me/sudinsda",
    "Chat di wa.me/c/abc",
    "telegram @sudinsda",
    "Cek cutt.ly/abc123",
    "Cek tinyurl.com/abc123",
    "Isi di s.id/lapor-rt5",
    "Kirim ke andi.dinas(at)gmail(dot)com",
    "Isi di https://lapor.go.id@evil.com/x",
    "Isi di https://sda.go.id.evil.com",
]
ASKED_AS_WRITTEN = [
    "Di rumah Bapak, warna airnya keruh atau kuning?",
    "Rumah Bapak airnya warna apa?",
    "Mohon foto kerusakan di dalam rumah Bapak (dinding retak), tanpa orang di foto.",
    "Boleh foto atap rumah Bapak yang bocor akibat pohon tumbang?",
    "Foto selokan dekat rumah Bapak ya",
    "Your photo is blurry, could you send another one of the site?",
    "Thanks for your photo. Is the hole still there?",
    "Mohon jangan kirim foto diri atau swafoto, cukup foto lokasinya.",
    "Tidak perlu selfie, cukup foto lokasi.",
    "Please do not send a selfie, only the site.",
    "Berapa lama Bapak bekerja tanpa kontrak?",
    "Apakah Bapak bekerja sebagai karyawan tetap atau kontrak?",
    "Apakah Bapak bekerja shift malam tanpa uang lembur?",
    "Apakah Anda bekerja di bagian yang terpapar bahan kimia tanpa APD?",
    "Berapa lama Anda sudah bekerja tanpa BPJS?",
    "Sejak kapan Bapak bekerja lembur tanpa dibayar?",
    "Apakah shift Bapak lebih dari 12 jam?",
    "Is your shift longer than 12 hours?",
    "Is your job covered by BPJS Ketenagakerjaan?",
    "Silakan kirim email ke pengaduan@jakarta.go.id",
    "Gangguan listrik urusan PLN, silakan lapor lewat pln.co.id atau PLN Mobile.",
    "Ditolak: ini urusan PLN. Hubungi PLN 123 atau www.pln.co.id.",
    "Gangguan air PAM, silakan hubungi PAM JAYA di pamjaya.co.id",
    "Masalah Transjakarta: hubungi 1500-102 atau transjakarta.co.id",
    "Di RT berapa lokasinya?",
    "Lokasinya di RT berapa?",
    "Foto yang Anda kirim kurang jelas, bisa kirim ulang?",
    "Apakah air masuk ke rmh bpk?",
    "Sejak kapan rumah Anda tidak mendapat air?",
    "Apakah semua karyawan bagian produksi juga belum digaji?",
    "Bukan kewenangan kami, silakan lapor ke https://www.lapor.go.id",
    "Silakan email ke pengaduan@dinkes.jakarta.go.id",
    "Informasi ada di https://jakarta.go.id/layanan",
    "Silakan cek di https://www.bpjs-kesehatan.go.id",
    "Untuk keadaan darurat hubungi 112.",
    "Call 112 for emergencies.",
    "Hubungi Call Center PLN 123",
    "Hubungi Call Center 1500-400 (BPJS Kesehatan)",
    "Genangan terjadi jam 07.00-09.00 atau 07.00 - 09.00?",
    "Titiknya di -6.2, 106.8?",
    "Koordinatnya -6.208763,106.845599 ya?",
    "Lubangnya sekitar 2.5 m?",
    "Kendaraan dengan plat B 1234 XYZ parkir di trotoar?",
    "Lokasinya di depan No. 12?",
    "Apakah di Jl. Sudirman no. 5?",
    "Tim akan datang besok pukul 09.00-11.00.",
    "Rejected: please report directly at www.lapor.go.id.",
    "Rejected: electricity is PLN's; please call 123 or use PLN Mobile.",
    "Apakah Bapak bertemu pelaku?",
    "Berapa meter genangan di depan rumah Bapak?",
    "Apakah ibu tinggal di lantai dasar?",
    "Di bagian apa Bapak melihat kebocoran?",
    "Bagian apa yang rusak?",
    "Apakah Anda masih bekerja di sana?",
    "Apakah Bapak karyawan tetap?",
    "Apakah sudah lapor ke pengaduan@jakarta.go.id juga?",
    "Saluran di Jl. Kemuning no. 5 atau no. 7?",
    "Apakah banjir sampai ke rumah Bapak?",
    "Apakah Bapak bekerja di sana sejak sebelum kejadian?",
    "Kapan terakhir truk sampah datang?",
    "Apakah atap rumah Bapak rusak?",
    "Kapan kerja bakti terakhir di RT?",
    "Tanggal 12.03.2026 jam 10?",
    "Kabelnya putus di tiang no. 14/B?",
]


def test_the_official_hosts_are_the_citys_setting(settings):
    """A rejection may send the reporter to a public service's site the city lists (SIGAP_OFFICIAL_HOSTS), with its
    subdomains; a host that only starts or ends like one is not it."""
    note = "Bukan kewenangan kami, silakan lapor di https://layanan.pln.co.id/gangguan"
    settings.SIGAP_OFFICIAL_HOSTS = ["pln.co.id"]
    assert not services.question_asks_identity(note)
    assert services.question_asks_identity("Silakan lapor di https://pln.co.id.formulir.xyz/gangguan")
    assert services.question_asks_identity("Silakan lapor di https://fakepln.co.id/gangguan")
    settings.SIGAP_OFFICIAL_HOSTS = []
    assert services.question_asks_identity(note)
    assert not services.question_asks_identity("Silakan lapor di https://www.lapor.go.id")  # .go.id always


# A second review of the rules above (242 ways still past them, 28 ordinary questions refused): phone numbers in any
# separator, with words or digit words between groups or a country code; other channels named without a handle;
# meetings; "-nya" and short forms put to the reporter; their numbers, photos and videos.
STILL_PLACES_OR_LEADS_OUT = [
    "WA 0812 3456 7890 12 Maret jam 10",
    "WA 0812 3456 7890 / 0813 1111 2222",
    "WA 812 3456 7890",
    "WA +62 0812 3456 7890",
    "WA 0062 812 3456 7890",
    "WA 0812\u20133456\u20137890"  # en dashes,
    "WA 0812\u20143456\u20147890"  # em dashes,
    "WA 0812\u20223456\u20227890"  # bullets,
    "WA 0812, 3456, 7890",
    "WA 0812,3456,7890",
    "WA 0812*3456*7890",
    "WA 0812~3456~7890",
    "WA 0812 + 3456 + 7890",
    "WA 08l2 3456 7890",
    "WA 0812 3456 lalu 7890",
    "Nomor saya awalnya 0812, lalu 3456, lalu 7890",
    "Nomor saya 0812 dan sisanya 34567890",
    "Hubungi 0812 (kantor) 3456 7890",
    "Nomor petugas: 0812 tiga empat lima enam 7890",
    "WA 0812 tiga empat 5678 90",
    "WA delapan satu dua tiga empat lima enam tujuh delapan sembilan nol",
    "WA nol 8 1 2 3456 7890",
    "WA kosong lapan satu dua 3456 7890",
    "WA zero eight one two 3456 7890",
    "WhatsApp +65 8123 4567",
    "WA +60 12 345 6789",
    "Call +1 415 555 0100",
    "Telepon kantor kami (021) 5551234",
    "Hubungi 021 5555 1234 (kantor kami)",
    "Zoom meeting ID 812 3456 7890",
    "Join Zoom ID 81234567890",
    "Cari saya di Telegram",
    "Cari saya di IG ya: sudinsda",
    "Cari saya di Instagram, namanya sudinsda",
    "Cari akun sudinsda di IG",
    'Cari "sudinsda" di Instagram',
    "Ketik sudinsda di pencarian Instagram",
    "Search sudinsda di TikTok",
    "Nama akun saya sudinsda",
    "Username: sudinsda (IG)",
    "Japri saya ya",
    "Japri aja pak",
    "PM saya ya",
    "Chat pribadi saja dengan saya",
    "Kirim lewat WA saja",
    "Kirim foto via WA",
    "Kirim ke gmail saya: andidinas",
    "Send it to my gmail andidinas",
    "Kirim email ke andidinas, gmail",
    "Silakan scan QR code berikut untuk chat dengan petugas",
    "Scan barcode di lampiran untuk bergabung ke grup WA",
    "Scan QR di bawah ini",
    "Masuk grup WA ya pak",
    "Gabung grup Telegram warga",
    "Silakan gabung grup WhatsApp warga, linknya saya kirim",
    "Google Meet kode abc-defg-hij",
    "Silakan video call dengan saya",
    "Bisa video call sebentar pak?",
    "Bisa VC pak?",
    "Video call lewat WA",
    "Video call untuk verifikasi",
    "Boleh saya telpon?",
    "Bisa ditelepon?",
    "Nanti saya telepon",
    "Nanti kami hubungi ya pak",
    "Saya hubungi Bapak lewat telepon ya",
    "Petugas akan menelepon Bapak",
    "Boleh kami telepon untuk konfirmasi?",
    "Bapak bisa dihubungi lewat nomor berapa?",
    "Message me on Signal",
    "Reach me via Signal",
    "Find me on Telegram as sudinsda",
    "Search for sudinsda on Instagram",
    "Ping me on Telegram",
    "Find us on Facebook",
    "Please call me",
    "Please text me",
    "WhatsApp me",
    "Email me",
    "Send me an email",
    "Contact me directly",
    "Isi di bit. ly/abc",
    "Isi di bit ly/abc",
    "Isi di bit,ly/abc",
    "Isi di bitly slash abc",
    "Kunjungi sudinsda,com",
    "Kunjungi www sudinsda com",
    "Kunjungi sudinsda dot kom",
    "Cek discord.gg/abc",
    "Isi di 203.0.113.5",
    "Kita ketemu di lokasi ya pak",
    "Kita jumpa di lokasi jam 10",
    "Sampai jumpa di lokasi besok",
    "Can we meet at the site?",
    "Can I meet you tomorrow?",
    "Let's meet at the site",
    "Could we meet in person?",
    "Silakan datang ke kantor Sudin SDA, temui saya",
    "Silakan datang ke kelurahan, cari Pak Andi",
    "Mohon datang ke kantor kecamatan membawa bukti",
    "Tunggu kami di depan rumah ya pak",
    "Bapak di rumah jam berapa?",
    "Jam berapa Bapak ada di rumah?",
    "Kapan Bapak ada di rumah?",
    "Kami akan mampir ke rumah, Bapak di rumah?",
    "Petugas mau ke rumah ibu",
    "Kami ke rmh bpk besok",
    "Petugas akan datang ke tempat Bapak",
    "Petugas akan mengetuk pintu rumah Bapak",
    "Nanti kami samperin ke rumah pak",
    "Rumahnya nomor berapa pak?",
    "Rumahnya Bapak nomor berapa?",
    "Bapak rumahnya nomor berapa?",
    "No rumahnya berapa pak?",
    "Rumahnya yang mana pak?",
    "Bapak rumahnya yang mana?",
    "Rumahnya di mana pak?",
    "Ibu rumahnya di mana?",
    "Rumah Bapak persis di mana?",
    "Rumah Bapak di depan lokasi?",
    "Apakah rumah Bapak tepat di depan lokasi?",
    "Apakah rumah Bapak di sebelah lokasi?",
    "Rumah Bapak persis di seberang lokasi?",
    "Apakah rumah Bapak yang di pojok?",
    "Apakah rumah Bapak yang bercat hijau?",
    "Rumah Bapak yang ada warungnya?",
    "Rumah Bapak yang dua lantai?",
    "Rumah Bapak berlantai berapa?",
    "Rumah bapak pas di samping selokan ya? nomor berapa?",
    "Cat rumah Bapak apa?",
    "Pagar Bapak warna apa?",
    "Pagarnya warna apa pak?",
    "Warna rumahnya apa pak?",
    "Kontrakan Bapak nomor berapa?",
    "Kontrakan Bapak yang mana?",
    "Kos Bapak di mana?",
    "Bapak ngekos di mana?",
    "Bapak ngontrak di mana?",
    "Koordinat rumah Bapak?",
    "Share lokasi rumah Bapak",
    "Kirim share location rumah Bapak",
    "Kirim titik lokasi rumah Bapak",
    "Kirim link Google Maps rumah Bapak",
    "Kirim live location",
    "Share your live location",
    "What colour is your gate?",
    "Bapak tinggalnya di mana?",
    "Tinggalnya di mana pak?",
    "Tinggal di mana pak?",
    "RT Bapak?",
    "RT-nya Bapak berapa?",
    "Bapak RT 03 kan?",
    "Bapak di RT 03?",
    "Apakah Bapak warga RT 03?",
    "Bapak warga mana?",
    "Bapak di blok apa?",
    "Blok rumah Bapak apa?",
    "Blok Bapak berapa?",
    "Gang Bapak apa?",
    "Bapak di gang berapa?",
    "Bapak di lantai berapa?",
    "Bapak lantai berapa?",
    "Bapak tinggal di lantai 3?",
    "Unit bapak di tower mana?",
    "Bapak di tower apa?",
    "What floor do you live on?",
    "What is your RT?",
    "Which block do you live in?",
    "Which building do you live in?",
    "Where are you living?",
    "Kerja di mana pak?",
    "Kerjanya di mana pak?",
    "Kantor Bapak di mana?",
    "Pabrik Bapak di mana?",
    "Perusahaan tempat Bapak bekerja apa namanya?",
    "Nama perusahaan tempat Bapak bekerja?",
    "Nama PT tempat Bapak kerja?",
    "Bapak karyawan mana?",
    "Bapak karyawan PT apa?",
    "Bapak kerja sebagai apa?",
    "Pekerjaan Bapak apa?",
    "Profesi Bapak apa?",
    "Bagian apa pak?",
    "Departemen apa pak?",
    "Bapak shift pagi atau malam?",
    "Bapak shiftnya apa?",
    "Mandornya Bapak siapa?",
    "Siapa mandor Bapak?",
    "Siapa atasan Bapak?",
    "Siapa supervisor Anda?",
    "Siapa kepala bagian Bapak?",
    "Bapak masuk tahun berapa?",
    "Sudah berapa lama Bapak di sana?",
    "Masa kerja Bapak berapa tahun?",
    "What company do you work for?",
    "Who do you work for?",
    "Who is your employer?",
    "What is your job?",
    "What is your position at work?",
    "What is your shift?",
    "When did you start working there?",
    "Nomor pegawai Bapak berapa?",
    "Nomor karyawan Bapak berapa?",
    "ID karyawan Bapak?",
    "Nomor ID pegawai Anda?",
    "Nomor BPJS-nya berapa pak?",
    "No BPJS nya berapa?",
    "No pelanggan PLN nya berapa?",
    "Nomor pelanggannya berapa pak?",
    "ID pelanggannya berapa?",
    "ID PLN Bapak?",
    "Nomor PDAM Bapak?",
    "Nomor polisi kendaraan Bapak?",
    "Nopol motor Bapak?",
    "Nopol Bapak berapa?",
    "What is your BPJS number?",
    "Kirim foto Bapak",
    "Mohon kirim foto Bapak",
    "Foto Bapak di lokasi ya",
    "Mohon foto Bapak di lokasi",
    "Kirim foto Anda",
    "Kirim pasfoto Bapak",
    "Kirim pas foto",
    "Kirim foto close up wajah",
    "Kirim foto wajahnya",
    "Kirim video Bapak di lokasi",
    "Rekam video Bapak menjelaskan di lokasi",
    "Kirim foto pagar rumah Bapak",
    "Foto pintu rumah Bapak",
    "Foto teras rumah Bapak",
]
STILL_ASKED_AS_WRITTEN = [
    "Mohon foto papan nama proyek.",
    "Mohon kirim foto papan nama.",
    "Mohon sebutkan nama proyeknya.",
    "Mohon kirim nama kontraktornya jika terlihat di papan proyek.",
    "Kapan proyek mulai kerja?",
    "Apakah air dari rumah Bapak berwarna keruh?",
    "We will inspect the site on 12/03/2026 at 09.00.",
    "We met the contractor at 10.00 and the work resumes tomorrow.",
    "The crew will arrive at 08.30.",
    "Work resumes at 7.30 on Monday.",
    "Which floor of the parking building?",
    "Which floor is the broken lift on?",
    "Which room in the school is flooded?",
    "Which unit in the flats block is leaking?",
    "Which unit of the fire department came?",
    "Which section of the road is damaged?",
    "What section of the drain is blocked?",
    "Which house is damaged, the one next to the mosque?",
    "Which shift at the factory is unpaid?",
    "Who made the hole?",
    "Apakah pelaku memakai akun Instagram untuk menjual?",
    "Surat nomor 081/1234/2026?",
    "Nomor kontrak 08.12.3456.78.90?",
    "Nomor NIB 0812345678901 milik perusahaan?",
    "Apakah Bapak Ingat jam berapa kejadiannya?",
    "Apakah Anda Yakin lokasinya benar?",
    "Apakah Bapak Kemarin melihat truknya?",
    "Apakah Anda Warga sekitar yang terdampak?",
    # a house not named as theirs may be the site's (a damaged house), and an RT or a gang asked with a polite "pak"
    # the site's: asked
    "RT berapa pak?",
    "RTnya berapa pak?",
    "Gang yang mana, Pak?",
    "Siapa yang bisa kami hubungi?",
    "Nomor rumahnya berapa?",
    "Nomor rumah berapa?",
    "Warna pagar rumahnya apa?",
    "Bapak tinggal di sekitar lokasi?",
    "Kirim foto tampak depan rumah",
    "Kirim foto depan rumah",
    "Kirim foto rumahnya",
    "Foto rumahnya dari depan ya",
    "Kirim foto nomor rumah",
]


@pytest.mark.parametrize("question", PLACES_OR_LEADS_OUT + STILL_PLACES_OR_LEADS_OUT)
def test_the_rules_refuse_what_places_the_reporter_or_leads_out_however_written(question):
    assert services.question_asks_identity(question)


@pytest.mark.parametrize("question", ASKED_AS_WRITTEN + STILL_ASKED_AS_WRITTEN)
def test_the_rules_let_officers_ask_about_the_problem_and_point_to_official_channels(question):
    assert not services.question_asks_identity(question)


def test_a_link_to_sigaps_own_public_pages_may_be_given(settings):
    settings.ALLOWED_HOSTS = ["sigap.kotaku.id"]
    assert not services.question_asks_identity("Perkembangan ada di https://sigap.kotaku.id/lacak/JK202612070005")
    assert services.question_asks_identity("Perkembangan ada di https://sigap-kotaku.id/lacak/JK202612070005")
