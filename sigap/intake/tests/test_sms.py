"""SMS end to end: the keyword format, long messages split by the network, and our own outbound split."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

import pytest

from sigap.intake.models import Conversation
from sigap.reports.models import Report

pytestmark = pytest.mark.django_db


def test_sms_keyword_format_and_long_messages(deliver, fake):
    def sms(data):
        body = urlencode(data).encode()
        sig = "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()
        return deliver("sms", body, {"X-Sigap-Signature": sig}, content_type="application/x-www-form-urlencoded")

    assert (
        sms(
            {
                "from": "081200001111",
                "id": "s1",
                "text": "LAPOR#jalan-rusak#Pondok Bambu Duren Sawit#Jalan berlubang besar",
            }
        ).status_code
        == 200
    )
    assert sms({"from": "081200001111", "id": "s2", "text": "1"}).status_code == 200
    report = Report.objects.get()
    assert report.category.code == "jalan-rusak" and report.kelurahan.name == "Pondok Bambu"
    final = [r["json"]["text"] for r in fake.sent("/sms/send")]
    assert any(report.number in t for t in final)
    assert all(len(t) <= 160 for t in final)

    # a long message split by the network arrives in two parts, in any order
    sms(
        {
            "from": "081233334444",
            "id": "L2",
            "text": "dan sudah tiga hari tidak diangkut petugas.",
            "concat_ref": "9",
            "concat_part": "2",
            "concat_total": "2",
        }
    )
    sms(
        {
            "from": "081233334444",
            "id": "L1",
            "text": "Sampah menumpuk di TPS dekat pasar ",
            "concat_ref": "9",
            "concat_part": "1",
            "concat_total": "2",
        }
    )
    conv = Conversation.objects.exclude(pk=Conversation.objects.get(state="filed").pk).get()
    assert conv.step == "location"
    bad = deliver(
        "sms", b"from=0812&id=x", {"X-Sigap-Signature": "sha256=00"}, content_type="application/x-www-form-urlencoded"
    )
    assert bad.status_code == 401


def test_sms_split_keeps_parts_short():
    from sigap.intake.channels.sms import split_sms

    text = "Laporan JK202611280001: status Proses. " + "Catatan petugas yang panjang sekali " * 10
    parts = split_sms(text)
    assert len(parts) > 1 and all(len(p) <= 153 for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})")
    assert split_sms("pendek") == ["pendek"]


def test_sms_a_place_the_text_does_not_settle_is_asked_once_with_the_candidates(deliver, fake):
    """#15: "Kampung Pulo" lies between Kampung Melayu and Bukit Duri (never Kelurahan Pulo in Kebayoran Baru):
    the resident is asked which, by number, with each kecamatan named; the report is filed where they answer."""

    def sms(mid, text):
        body = urlencode({"from": "081255556666", "id": mid, "text": text}).encode()
        sig = "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()
        return deliver("sms", body, {"X-Sigap-Signature": sig}, content_type="application/x-www-form-urlencoded")

    sms("p1", "LAPOR#saluran-tersumbat#Kampung Pulo#Got mampet, banjir kiriman lagi")
    asked = fake.sent("/sms/send")[-1]["json"]["text"]
    assert asked.startswith("Lokasi mana?") and "Kampung Melayu (Jatinegara)" in asked
    assert "Pulo (Kebayoran Baru)" not in asked and Report.objects.count() == 0
    options = asked.split(": ", 1)[1]
    number = next(part.split(" ", 1)[0] for part in options.split(", ") if "Kampung Melayu" in part)
    sms("p2", number)
    sms("p3", "1")  # privacy: Privat
    report = Report.objects.get()
    assert report.kelurahan.name == "Kampung Melayu" and report.category.code == "saluran-tersumbat"


def _sms(deliver, data):
    body = urlencode(data).encode()
    sig = "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()
    return deliver("sms", body, {"X-Sigap-Signature": sig}, content_type="application/x-www-form-urlencoded")


def _part(sender, mid, text, part, total, ref="77"):
    return {"from": sender, "id": mid, "text": text, "concat_ref": ref, "concat_part": part, "concat_total": total}


def _filed_and_asked(deliver, staff, capture, sender="081255556666"):
    from sigap.reports import services

    _sms(deliver, {"from": sender, "id": "k1", "text": "LAPOR#jalan-rusak#Pondok Bambu Duren Sawit#Jalan berlubang"})
    _sms(deliver, {"from": sender, "id": "k2", "text": "1"})
    report = Report.objects.get()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with capture(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa, dan sebesar apa?")
    return report


def test_a_long_sms_answer_to_an_officers_question_reaches_the_report_whole(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """The network splits a long answer; every part belongs to the answer (the first part used to be the whole
    answer, and the rest opened a new dialog as if it were a new report)."""
    report = _filed_and_asked(deliver, staff, django_capture_on_commit_callbacks)
    sender = "081255556666"
    _sms(deliver, _part(sender, "a2", "lubangnya kira-kira satu meter dan dalam.", 2, 3))
    _sms(deliver, _part(sender, "a1", "Di RT 04 RW 02 depan warung, ", 1, 3))
    report.refresh_from_db()
    assert report.status == "awaiting_reporter"  # not yet: a part is still on its way
    _sms(deliver, _part(sender, "a3", " Sudah dua motor jatuh.", 3, 3))
    report.refresh_from_db()
    assert report.status == "in_progress"
    answer = report.history.last().internal_note
    assert "RT 04 RW 02" in answer and "satu meter" in answer and "dua motor" in answer
    assert answer.index("RT 04") < answer.index("satu meter") < answer.index("dua motor")
    assert Report.objects.count() == 1 and not Conversation.objects.filter(state="open").exists()
    from sigap.intake.models import InboundMessage

    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"processed"}


def test_a_part_whose_siblings_never_come_is_handled_alone_after_the_wait(
    deliver, fake, staff, django_capture_on_commit_callbacks, settings
):
    """An acknowledged message is never lost: if the network loses a part, what came is taken as the message once
    the wait is over (by the periodic inbox flush)."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.intake.inbox import inbox_flush
    from sigap.intake.models import InboundMessage

    report = _filed_and_asked(deliver, staff, django_capture_on_commit_callbacks)
    _sms(deliver, _part("081255556666", "b1", "Di RT 09 RW 01, lubangnya besar", 1, 2))
    report.refresh_from_db()
    assert report.status == "awaiting_reporter"
    assert inbox_flush() == {}  # still within the wait: nothing to do yet
    InboundMessage.objects.filter(state="waiting").update(
        received_at=timezone.now() - timedelta(minutes=settings.SIGAP_SMS_PARTS_WAIT_MINUTES + 1)
    )
    assert inbox_flush() == {"processed": 1}
    report.refresh_from_db()
    assert report.status == "in_progress" and "RT 09 RW 01" in report.history.last().internal_note


def test_sms_the_place_asked_about_is_answered_by_its_name(deliver, fake):
    """#15: an SMS resident answers "which place?" with the kelurahan's name; the report is filed there."""
    _sms(deliver, {"from": "081255557777", "id": "n1", "text": "LAPOR#saluran-tersumbat#Kampung Pulo#Got mampet parah"})
    assert fake.sent("/sms/send")[-1]["json"]["text"].startswith("Lokasi mana?")
    _sms(deliver, {"from": "081255557777", "id": "n2", "text": "kampung melayu"})
    _sms(deliver, {"from": "081255557777", "id": "n3", "text": "1"})  # privacy: Privat
    report = Report.objects.get()
    assert report.kelurahan.name == "Kampung Melayu" and report.category.code == "saluran-tersumbat"


def test_sms_which_place_offers_the_best_three_in_one_message(deliver, fake):
    """#15: a street through many kelurahan is asked about with the best two or three, as Open311 and the desks
    name them, and the question fits one SMS."""
    _sms(deliver, {"from": "081255558888", "id": "d1", "text": "LAPOR#jalan-rusak#jl daan mogot#Jalan berlubang besar"})
    sent = fake.sent("/sms/send")[-1]["json"]["text"]
    assert sent.startswith("Lokasi mana?") and len(sent) <= 153
    assert 2 <= len(sent.split(": ", 1)[1].split(", ")) <= 3
