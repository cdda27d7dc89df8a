"""The chat dialog (``sigap.intake.conversations``) as residents meet it: cancelling, English prompts, answering
an officer's question, and answers passing the redaction door."""

from __future__ import annotations

import re

import pytest

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import PHONE, replies_to, wa_location, wa_payload, wa_sign, wa_text
from sigap.reports import services
from sigap.reports.models import Report, UnitDay
from sigap.reports.tests.factories import inner_point

ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")

pytestmark = pytest.mark.django_db


def test_cancel_ends_the_dialog(deliver, fake):
    for msg in (wa_text("wamid.C1", "Ada parkir liar depan sekolah"), wa_text("wamid.C2", "batal")):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    assert Conversation.objects.get().state == "cancelled" and Report.objects.count() == 0
    assert "dibatalkan" in replies_to(fake)[-1]


def test_english_speaker_gets_english_prompts(deliver, fake):
    body = wa_payload(wa_text("wamid.E1", "There is a broken street light near my house, please fix it"))
    deliver("whatsapp", body, wa_sign(body))
    assert replies_to(fake)[0].startswith("Thank you. Where is it?")


def test_answering_an_officers_question_on_whatsapp_resumes_the_report(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.Q1", "Got mampet parah di gang buntu"),
        wa_location("wamid.Q2", lat, lon),
        wa_text("wamid.Q3", "ya"),
        wa_text("wamid.Q4", "1"),
    ):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa?")
    assert "Di RT berapa?" in replies_to(fake)[-1]
    body = wa_payload(wa_text("wamid.Q5", "RT 05 RW 03, hubungi saya di 0812-1111-2222"))
    deliver("whatsapp", body, wa_sign(body))
    report.refresh_from_db()
    assert report.status == "in_progress" and Report.objects.count() == 1
    answer = report.history.last().internal_note
    assert "RT 05 RW 03" in answer and "1111" not in answer
    assert "jawaban Anda untuk laporan" in replies_to(fake)[-1]


def test_an_answer_sent_in_two_messages_reaches_the_officer_whole(
    deliver, fake, staff, django_capture_on_commit_callbacks, settings
):
    """A resident answers in two messages a moment apart: the second was not the officer's any more (the report had
    resumed) and opened a new dialog asking where the problem is (found by a review of the dialog under races).
    Within ``SIGAP_ANSWER_MORE_MINUTES`` of the answer it is more of it; after, a message is a new report again."""
    from datetime import timedelta

    from django.utils import timezone

    report = _filed_on_whatsapp(deliver, "M")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Bagaimana kondisinya sekarang?")
    _say(deliver, "wamid.M5", "Ini pak kondisinya sekarang")
    _say(deliver, "wamid.M6", "airnya sudah sampai lutut, hubungi saya 0812-1111-2222")
    report.refresh_from_db()
    notes = [h.internal_note for h in report.history.order_by("created_at", "pk")]
    assert any("Ini pak kondisinya sekarang" in n for n in notes)
    more = [n for n in notes if "airnya sudah sampai lutut" in n]
    assert more and more[0].startswith("Jawaban pelapor (lanjutan):") and "1111" not in more[0]
    assert not Conversation.objects.filter(state="open").exists() and Report.objects.count() == 1
    assert "laporan " + report.number in replies_to(fake)[-1]
    # later, a message is a new report
    report.history.filter(internal_note__startswith="Jawaban pelapor").update(
        created_at=timezone.now() - timedelta(minutes=settings.SIGAP_ANSWER_MORE_MINUTES + 1)
    )
    _say(deliver, "wamid.M7", "Ada pohon tumbang di jalan depan sekolah")
    assert Conversation.objects.filter(state="open").exists()


def test_a_chat_answer_is_redacted_with_the_reporters_own_names(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """An officer asks for a name; the WhatsApp answer carries the reporter's profile name bare: officers never read it."""
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.N1", "Got mampet parah di gang buntu"),
        wa_location("wamid.N2", lat, lon),
        wa_text("wamid.N3", "ya"),
        wa_text("wamid.N4", "1"),
    ):
        body = wa_payload(msg, name="Zyxwvut Qoppaname")
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Bagaimana kondisi gotnya sekarang?")
    body = wa_payload(
        wa_text("wamid.N5", "Zyxwvut Qoppaname, rumah cat hijau. 0812 9988 7766"), name="Zyxwvut Qoppaname"
    )
    deliver("whatsapp", body, wa_sign(body))
    report.refresh_from_db()
    answer = report.history.last().internal_note
    assert report.status == "in_progress" and "rumah cat hijau" in answer
    for marker in ("Zyxwvut", "Qoppaname", "9988"):
        assert marker not in answer, answer


def test_the_engine_keeps_the_dialog_in_the_vault_and_speaks_the_residents_language():
    """What every dialog is made of: the conversation record, its encrypted state, bilingual messages."""
    from sigap.intake.channels.base import Inbound
    from sigap.intake.conversations import dialog_create, dialog_load, dialog_save, dialog_say, sender_hash
    from sigap.privacy import vault

    inbound = Inbound(
        channel="sms", message_id="e1", sender="081299990000", text="There is a broken street light near my house"
    )
    conv = dialog_create(inbound)
    assert conv.language == "en" and conv.sender_hash == sender_hash("sms", "081299990000")
    assert "081299990000" not in conv.sender_hash
    # the address sits under the field the channel's adapter names (a phone number for SMS)
    assert vault.identity_for_reveal(conv.identity_ref)["phone"] == "081299990000"
    data = dialog_load(conv)
    data["texts"].append("Lampu jalan mati")
    assert dialog_load(conv)["texts"] == []  # a fresh empty state each time, never a shared one
    dialog_save(conv, data)
    assert dialog_load(conv)["texts"] == ["Lampu jalan mati"] and conv.data_ref
    note = dialog_say(conv, "refused", reason=("alasannya", "the reason"))
    assert note.body == note.body_en == "Sorry, the report could not be filed: the reason"
    assert note.recipient_ref == conv.identity_ref and note.kind == "dialog:refused"


def _filed_on_whatsapp(deliver, prefix: str, name: str = "Pak Warga", privacy: str = "1") -> Report:
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text(f"wamid.{prefix}1", "Got mampet parah di gang buntu"),
        wa_location(f"wamid.{prefix}2", lat, lon),
        wa_text(f"wamid.{prefix}3", "ya"),
        wa_text(f"wamid.{prefix}4", privacy),
    ):
        body = wa_payload(msg, name=name)
        deliver("whatsapp", body, wa_sign(body))
    return Report.objects.order_by("-pk").first()


def _say(deliver, mid: str, text: str) -> None:
    body = wa_payload(wa_text(mid, text))
    deliver("whatsapp", body, wa_sign(body))


def test_a_whatsapp_resident_confirms_the_fix_by_replying_yes_then_rates_it(deliver, fake, selesai):
    """#12: the Selesai message asks on the chat the report came from; YA confirms, a number rates it after."""
    report = _filed_on_whatsapp(deliver, "Y")
    selesai(report)
    asked = replies_to(fake)[-1]
    assert "status Selesai" in asked and "balas YA jika sudah beres, atau TIDAK diikuti alasannya" in asked
    _say(deliver, "wamid.Y5", "Ya")
    report.refresh_from_db()
    assert report.confirmed_at is not None and report.status == "done"
    assert "konfirmasi Anda untuk laporan" in replies_to(fake)[-1] and "angka 1" in replies_to(fake)[-1]
    _say(deliver, "wamid.Y6", "5")
    report.refresh_from_db()
    assert report.rating == 5 and "penilaian Anda" in replies_to(fake)[-1]
    assert Report.objects.count() == 1 and not Conversation.objects.filter(state="open").exists()
    assert sum(UnitDay.objects.values_list("confirmed", flat=True)) == 1
    assert sum(UnitDay.objects.values_list("rating_sum", flat=True)) == 5


def test_yes_and_a_rating_sent_twice_are_taken_and_answered_once(deliver, fake, selesai):
    """A double tap on "ya" confirmed once but said so twice, and a second "5" failed in the inbox and was then told
    as a new report (found by a review of the dialog under duplicates)."""
    report = _filed_on_whatsapp(deliver, "D")
    selesai(report)
    before = len(replies_to(fake))
    for message_id, text in (("wamid.D5", "ya"), ("wamid.D6", "ya"), ("wamid.D7", "5"), ("wamid.D8", "5")):
        _say(deliver, message_id, text)
    said = replies_to(fake)[before:]
    assert sum("konfirmasi Anda" in m for m in said) == 1 and sum("penilaian Anda" in m for m in said) == 1
    assert len(said) == 2
    report.refresh_from_db()
    assert report.rating == 5 and Report.objects.count() == 1
    assert not Conversation.objects.filter(state="open").exists()


def test_a_whatsapp_resident_says_not_fixed_with_a_reason_and_the_report_reopens(deliver, fake, selesai):
    report = _filed_on_whatsapp(deliver, "T")
    selesai(report)
    _say(deliver, "wamid.T5", "tidak")  # no reason yet: asked for one, nothing changes
    report.refresh_from_db()
    assert report.status == "done" and "Balas TIDAK diikuti alasannya" in replies_to(fake)[-1]
    _say(deliver, "wamid.T6", "Tidak, got masih mampet. Hubungi saya di 0812-1111-2222")
    report.refresh_from_db()
    assert report.status == "done" and "Balas 1 untuk membuka kembali" in replies_to(fake)[-1]  # checked once
    _say(deliver, "wamid.T7", "1")
    report.refresh_from_db()
    assert report.status == "reopened" and report.disputes == 1 and Report.objects.count() == 1
    change = report.history.last()
    assert "got masih mampet" in change.public_note and "1111" not in change.public_note + change.internal_note
    assert "dibuka kembali" in replies_to(fake)[-1]


def test_a_new_report_that_starts_with_tidak_is_told_as_a_new_report_when_the_resident_says_so(deliver, fake, selesai):
    report = _filed_on_whatsapp(deliver, "B")
    selesai(report)
    _say(deliver, "wamid.B5", "Tidak ada lampu jalan di gang kami, gelap sekali")
    assert "atau 2 jika pesan Anda adalah laporan baru" in replies_to(fake)[-1]
    _say(deliver, "wamid.B6", "2")
    report.refresh_from_db()
    assert report.status == "done" and report.disputes == 0
    conv = Conversation.objects.get(state="open")  # the new report is being told, from that first message
    from sigap.intake.conversations import dialog_load

    assert dialog_load(conv)["texts"] == ["Tidak ada lampu jalan di gang kami, gelap sekali"]


def test_an_anonim_report_is_never_answered_from_the_chat(deliver, fake, selesai):
    report = _filed_on_whatsapp(deliver, "A", privacy="3")
    assert report.privacy == "anonymous"
    selesai(report)
    for mid, text in (("wamid.A5", "ya"), ("wamid.A6", "Tidak masih mampet, tanya Pak Warga"), ("wamid.A7", "1")):
        _say(deliver, mid, text)
    report.refresh_from_db()
    assert report.status == "done" and report.confirmed_at is None and report.disputes == 0


def test_an_anonim_filing_leaves_nothing_that_finds_its_sender_again(deliver, fake):
    """An Anonim report's dialog keeps no key of its sender: with one, the same sender's later Privat report (whose
    identity a PPID can reveal) was linked to it by the database alone."""
    report = _filed_on_whatsapp(deliver, "N", privacy="3")
    assert report.privacy == "anonymous"
    conv = Conversation.objects.get(report=report)
    assert conv.sender_hash == "" and conv.state == "filed"
    later = _filed_on_whatsapp(deliver, "P")
    assert later.privacy != "anonymous" and later.pk != report.pk
    assert not Conversation.objects.filter(report=later, sender_hash="").exists()


def test_a_dispute_waiting_in_the_chat_has_retention_read_its_report_again(deliver, fake, selesai):
    """The resident's "not fixed" waits in the dialog's vault blob for their "1": retention, which may have passed the
    report already (a period shorter than the reply window), reads it again (a review of retention's marks)."""
    from django.utils import timezone

    report = _filed_on_whatsapp(deliver, "R")
    selesai(report)
    Report.objects.filter(pk=report.pk).update(retained_at=timezone.now())
    _say(deliver, "wamid.R5", "Tidak, masih mampet di depan gang")
    assert Report.objects.get(pk=report.pk).retained_at is None


def test_a_new_report_weeks_after_selesai_is_a_new_report_not_a_dispute(deliver, fake, selesai, settings):
    report = _filed_on_whatsapp(deliver, "W")
    selesai(report)
    settings.SIGAP_CONFIRM_REPLY_DAYS = 0  # the answer window has passed
    _say(deliver, "wamid.W5", "Tidak ada lampu jalan di gang kami, gelap sekali")
    report.refresh_from_db()
    assert report.status == "done" and report.disputes == 0
    assert Conversation.objects.filter(state="open").count() == 1  # a new report is being told


def test_a_chat_dispute_is_redacted_with_the_reporters_own_names_on_every_officer_surface(
    deliver, fake, selesai, staff
):
    """The canary on the chat's "not fixed" path: the reason names the reporter (their WhatsApp profile name, bare)
    and their number; the officer's report page, panel and API show the reason without them."""
    from sigap.officers.tests.helpers import console

    report = _filed_on_whatsapp(deliver, "D", name="Zyxwvut Qoppaname")
    officer = selesai(report)
    body = wa_payload(
        wa_text("wamid.D5", "TIDAK masih mampet, tanya Zyxwvut Qoppaname di 0812 9988 7766"), name="Zyxwvut Qoppaname"
    )
    deliver("whatsapp", body, wa_sign(body))
    _say(deliver, "wamid.D6", "1")
    report.refresh_from_db()
    assert report.status == "reopened"
    c = console(officer)
    pages = [
        c.get(f"/petugas/laporan/{report.number}/").content.decode(),
        c.get(f"/petugas/laporan/{report.number}/panel/").content.decode(),
        c.get(f"/api/v1/officer/reports/{report.number}").content.decode(),
    ]
    assert "masih mampet" in pages[0]
    for page in pages:
        # the page's own moments (``<time datetime>``, the API's timestamps) carry microseconds, which may hold any
        # four digits: they are taken out first (a phone number is never written as an ISO 8601 moment)
        text = ISO_MOMENT.sub("", page)
        for marker in ("Zyxwvut", "Qoppaname", "9988", "7766"):
            assert marker not in text, marker
    assert ISO_MOMENT.sub("", '<time datetime="2026-12-05T04:03:28.377666+07:00">') == '<time datetime="">'
    assert ISO_MOMENT.sub("", "0812 9988 7766 at 2026-12-05T04:03:28Z") == "0812 9988 7766 at "


def test_whatsapp_a_place_the_text_does_not_settle_is_asked_once_with_the_candidates(deliver, fake):
    """#15: a written place that fits two kelurahan is asked about by number, each with its kecamatan."""
    for mid, text in (("wamid.K1", "Got mampet parah, banjir kiriman lagi"), ("wamid.K2", "di kampung pulo")):
        _say(deliver, mid, text)
    asked = replies_to(fake)[-1]
    assert asked.startswith("Lokasi mana?") and "Kampung Melayu (Jatinegara)" in asked
    options = asked.split(": ", 1)[1]
    number = next(part.split(" ", 1)[0] for part in options.split(", ") if "Kampung Melayu" in part)
    for mid, text in (("wamid.K3", number), ("wamid.K4", "ya"), ("wamid.K5", "1")):
        _say(deliver, mid, text)
    report = Report.objects.get()
    assert report.kelurahan.name == "Kampung Melayu"


def test_one_open_chat_dialog_per_sender_and_what_the_migration_does_with_older_twins():
    """Two open chat dialogs of one sender are refused by the database (an email may have several); the
    migration that added that rule first expired all but the newest of any such twins."""
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.db import IntegrityError, connection, transaction
    from django.utils import timezone

    later = timezone.now() + timedelta(hours=1)

    def dialog(channel="telegram", sender="s-1", state="open"):
        return Conversation.objects.create(channel=channel, sender_hash=sender, state=state, expires_at=later)

    dialog()
    dialog(state="filed")
    dialog(sender="s-2")
    dialog(channel="email", sender="e")
    dialog(channel="email", sender="e")
    with pytest.raises(IntegrityError), transaction.atomic():
        dialog()
    if connection.vendor != "postgresql":
        return  # the twins below need the constraint taken away for a moment: transactional DDL (PostgreSQL)
    constraint = next(c for c in Conversation._meta.constraints if c.name == "one_open_dialog_per_sender")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Conversation, constraint)
    twins = [dialog(sender="s-3"), dialog(sender="s-3"), dialog(sender="s-3")]
    step = importlib.import_module("sigap.intake.migrations.0007_one_open_dialog_per_sender")
    step.older_duplicates_expire(apps, None)
    assert [Conversation.objects.get(pk=t.pk).state for t in twins] == ["expired", "expired", "open"]
    assert Conversation.objects.filter(state="open").count() == 5  # s-1, s-2, the two emails, the newest s-3


def test_a_photo_sent_as_the_answer_to_an_officers_question_joins_the_report(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """Officers ask "kirim foto kondisinya sekarang": a photo sent back (with or without words) is the answer. It
    opened a new dialog instead, which asked the resident what their (new) problem was, and the report waited."""
    from sigap.intake.tests.fake_services import jpeg
    from sigap.reports.models import Photo

    report = _filed_on_whatsapp(deliver, "F")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Bisa kirim foto kondisinya?")
    fake.media["ANSWER1"] = jpeg((30, 120, 60))
    image = {"id": "ANSWER1", "mime_type": "image/jpeg"}
    body = wa_payload({"from": PHONE, "id": "wamid.F5", "timestamp": "1764300000", "type": "image", "image": image})
    deliver("whatsapp", body, wa_sign(body))
    report.refresh_from_db()
    assert report.status == "in_progress" and Report.objects.count() == 1
    assert not Conversation.objects.filter(state="open").exists()
    photos = Photo.objects.filter(report=report, kind="report")
    assert photos.count() == 1 and photos.get().unit_id is None
    assert "1 foto" in report.history.last().internal_note
    assert "jawaban Anda untuk laporan" in replies_to(fake)[-1]


def test_a_chat_photo_answer_past_the_limit_is_told_not_failed(
    deliver, fake, staff, settings, django_capture_on_commit_callbacks
):
    """The report already holds as many photos as it takes and the answer is a photo alone: the message failed on
    every retry, fetching the photo again each time, and nobody was told (found by a review)."""
    from sigap.intake.models import InboundMessage
    from sigap.intake.tests.fake_services import jpeg
    from sigap.reports.models import Photo

    settings.SIGAP_PHOTOS_PER_REPORT = 1
    report = _filed_on_whatsapp(deliver, "L")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    fake.media["A1"] = jpeg((30, 120, 60))
    fake.media["A2"] = jpeg((130, 20, 60))
    for n, media_id in enumerate(("A1", "A2")):
        with django_capture_on_commit_callbacks(execute=True):
            if n == 0:
                services.report_accept(report_id=report.pk, actor=officer)
            services.report_ask_reporter(report_id=report.pk, actor=officer, question="Bisa kirim foto kondisinya?")
        image = {"id": media_id, "mime_type": "image/jpeg"}
        body = wa_payload(
            {"from": PHONE, "id": f"wamid.L{5 + n}", "timestamp": "1764300000", "type": "image", "image": image}
        )
        told = len(replies_to(fake))
        with django_capture_on_commit_callbacks(execute=True):
            deliver("whatsapp", body, wa_sign(body))
    assert Photo.objects.filter(report=report, kind="report").count() == 1
    assert InboundMessage.objects.order_by("pk").last().state == "processed"
    assert any("paling banyak 1 foto" in r for r in replies_to(fake)[told:]), replies_to(fake)[told:]


# --- a reply sent twice (found by a review of the dialog under duplicates) -----------------------------------------


@pytest.fixture
def repeat_window(settings):
    settings.SIGAP_DIALOG_REPEAT_SECONDS = 3  # as in production (the suite's default is 0: scripted answers are fast)


def _asked_where_exactly(deliver, fake) -> None:
    for message_id, text in (("wamid.K1", "Got mampet parah, banjir kiriman lagi"), ("wamid.K2", "di kampung pulo")):
        _say(deliver, message_id, text)
    assert replies_to(fake)[-1].startswith("Lokasi mana?")


def test_a_pick_sent_twice_at_once_does_not_answer_the_next_question(deliver, fake, repeat_window):
    """A double tap, or a gateway sending the same reply again under a new id: the copy came before the resident
    could have read the next question, so it does not answer it."""
    from sigap.intake import conversations

    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.K3", "2")
    asked = len(replies_to(fake))
    _say(deliver, "wamid.K3b", "2")
    conv = Conversation.objects.get(state="open")
    data = conversations.dialog_load(conv)
    assert conv.step == "category" and not data.get("category_confirmed")
    assert len(replies_to(fake)) == asked  # the copy is not answered either


def test_a_pick_sent_three_times_at_once_never_chooses_publik(deliver, fake, repeat_window):
    _asked_where_exactly(deliver, fake)
    for message_id in ("wamid.K3", "wamid.K3b", "wamid.K3c"):
        _say(deliver, message_id, "2")
    assert Report.objects.count() == 0
    assert Conversation.objects.get(state="open").step == "category"


def test_the_same_answer_given_again_after_reading_the_question_is_taken(deliver, fake, settings, repeat_window):
    """Two questions answered "1" each, the second after the resident read it, is two answers."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.intake import conversations

    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.K3", "1")
    conv = Conversation.objects.get(state="open")
    data = conversations.dialog_load(conv)
    data["asked_at"] = (timezone.now() - timedelta(seconds=settings.SIGAP_DIALOG_REPEAT_SECONDS + 1)).timestamp()
    conversations.dialog_save(conv, data)
    conv.save()
    _say(deliver, "wamid.K4", "1")
    conv.refresh_from_db()
    assert conv.step == "privacy" and conversations.dialog_load(conv)["category_confirmed"]


# --- answering "which place?" in words (#15) -----------------------------------------------------------------------


def _options(asked: str) -> dict[str, str]:
    """{kelurahan name: its number} from the "which place?" question."""
    found = {}
    for part in asked.split(": ", 1)[1].split(", "):
        number, label = part.split(" ", 1)
        found[label.split(" (", 1)[0]] = number
    return found


def _finish_and_get(deliver, prefix: str) -> Report:
    for i, text in enumerate(("ya", "1"), 1):  # the category as guessed, then Privat
        _say(deliver, f"wamid.{prefix}F{i}", text)
    return Report.objects.get()


@pytest.mark.parametrize(
    "reply",
    ["Kampung Melayu", "yang kampung melayu pak", "kp melayu", "di Kampung Melayu, Jatinegara"],
)
def test_whatsapp_the_place_asked_about_can_be_answered_by_its_name(deliver, fake, reply):
    """Residents answer "which place?" with the place's name as often as with its number; the name of one option
    (with or without its kecamatan, a marker or a word around it) is that option."""
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.N1", reply)
    assert not replies_to(fake)[-1].startswith(("Lokasi mana", "Lokasi belum")), replies_to(fake)[-1]
    assert _finish_and_get(deliver, "N").kelurahan.name == "Kampung Melayu"


@pytest.mark.parametrize("reply", ["yang kedua", "no 2", "nomor 2", "pilih 2 aja", "ke-2"])
def test_whatsapp_the_place_asked_about_can_be_answered_by_a_number_in_words(deliver, fake, reply):
    _asked_where_exactly(deliver, fake)
    second = next(name for name, number in _options(replies_to(fake)[-1]).items() if number == "2")
    _say(deliver, "wamid.W1", reply)
    assert _finish_and_get(deliver, "W").kelurahan.name == second


def test_whatsapp_more_of_the_place_narrows_the_question_to_one(deliver, fake):
    """A reply that is not an option but says more of where ("jatinegara": the kecamatan of one of them) is read
    with what was written before: "di kampung pulo, jatinegara" is Kampung Melayu."""
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.J1", "jatinegara")
    report = _finish_and_get(deliver, "J")
    assert report.kelurahan.name == "Kampung Melayu"
    assert "kampung pulo" in report.address and "jatinegara" in report.address


def test_whatsapp_a_reply_naming_another_place_outright_is_that_place(deliver, fake):
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.P1", "bukan, salah. di kel. pondok bambu, duren sawit")
    assert _finish_and_get(deliver, "P").kelurahan.name == "Pondok Bambu"


def test_whatsapp_a_reply_that_says_nothing_of_the_place_is_kept_and_the_same_choice_asked_again(deliver, fake):
    """Not about where: more of the problem, kept in the description; the question is asked again, not dropped for
    "we could not recognise the place"."""
    _asked_where_exactly(deliver, fake)
    first = replies_to(fake)[-1]
    _say(deliver, "wamid.S1", "airnya sudah sepinggang, tolong cepat")
    again = replies_to(fake)[-1]
    assert again == first
    _say(deliver, "wamid.S2", _options(again)["Kampung Melayu"])
    report = _finish_and_get(deliver, "S")
    assert report.kelurahan.name == "Kampung Melayu" and "sepinggang" in report.description


@pytest.mark.parametrize("reply", ["bukan semua", "0", "tidak ada"])
def test_whatsapp_none_of_them_asks_for_the_place_again(deliver, fake, reply):
    _asked_where_exactly(deliver, fake)
    _say(deliver, "wamid.Z1", reply)
    assert replies_to(fake)[-1].startswith("Lokasi belum dapat kami kenali")
    assert Conversation.objects.get().step == "location"
    _say(deliver, "wamid.Z2", "kel. pondok bambu, duren sawit")
    assert _finish_and_get(deliver, "Z").kelurahan.name == "Pondok Bambu"


def test_what_a_resident_writes_in_answer_to_which_place_passes_the_redaction_door(deliver, fake, staff):
    """The canary on the "which place?" reply, a path a reporter writes on: read as more of the place (the address)
    and as more of the problem (the description), it names the reporter (their WhatsApp profile name) and their
    number; the officer's report page, panel and API show neither."""
    from sigap.officers.tests.helpers import console

    name = "Zyxwvut Qoppaname"
    for mid, text in (("wamid.R1", "Got mampet parah, banjir kiriman lagi"), ("wamid.R2", "di kampung pulo")):
        body = wa_payload(wa_text(mid, text), name=name)
        deliver("whatsapp", body, wa_sign(body))
    for mid, text in (
        ("wamid.R3", "airnya sepinggang, tanya Zyxwvut Qoppaname 0812 9988 7766"),  # not a place: the problem
        ("wamid.R4", "jatinegara, rumah Zyxwvut Qoppaname hp 0812 9988 7766"),  # more of where: the address
        ("wamid.R5", "ya"),
        ("wamid.R6", "1"),
    ):
        body = wa_payload(wa_text(mid, text), name=name)
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    assert report.kelurahan.name == "Kampung Melayu" and "sepinggang" in report.description
    assert "jatinegara" in report.address
    officer = staff("petugas.km", f"kel:{report.kelurahan.code}")
    c = console(officer)
    pages = [
        c.get(f"/petugas/laporan/{report.number}/").content.decode(),
        c.get(f"/petugas/laporan/{report.number}/panel/").content.decode(),
        c.get(f"/api/v1/officer/reports/{report.number}").content.decode(),
    ]
    assert "sepinggang" in pages[0] and "jatinegara" in pages[0]
    for page in pages:
        text = ISO_MOMENT.sub("", page)
        for marker in ("Zyxwvut", "Qoppaname", "9988", "7766"):
            assert marker not in text, marker
