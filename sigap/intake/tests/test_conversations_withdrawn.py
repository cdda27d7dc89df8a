"""An answer that crosses the withdrawal of the question (the resident typed it while the question stood; the unit
went on without it a moment before it came): it is still the reporter's answer, through the same redaction door,
kept on the report's timeline for the officers and acknowledged, on chat, email and the tracking API alike; not taken
for a new complaint (the chat asked "where is it?" and could file a second report) and not dropped. Found by an
attacker's review of the "Lanjutkan tanpa jawaban pelapor" action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.intake.models import Conversation
from sigap.intake.services import reporter_answer_for
from sigap.intake.tests.channel_helpers import replies_to
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import submit

from .test_conversations import _filed_on_whatsapp, _say

pytestmark = pytest.mark.django_db
LATE = services.ANSWER_LATE_NOTE


def asked_then_withdrawn(report, officer, captured):
    with captured(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa tepatnya?")
        services.report_question_withdraw(report_id=report.pk, actor=officer, reason="Lokasinya sudah kami temukan.")


def test_a_whatsapp_answer_that_crossed_the_withdrawal_is_kept_and_acknowledged(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    report = _filed_on_whatsapp(deliver, "W")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    asked_then_withdrawn(report, officer, django_capture_on_commit_callbacks)
    _say(deliver, "wamid.W5", "Di RT 05 RW 03, got-nya di samping musala, hubungi 0812-1111-2222")
    report.refresh_from_db()
    late = [n for n in report.history.values_list("internal_note", flat=True) if n.startswith(LATE)]
    assert len(late) == 1 and "RT 05 RW 03" in late[0] and "1111" not in late[0]  # redacted like any answer
    assert report.status == "in_progress" and Report.objects.count() == 1
    assert report.number in replies_to(fake)[-1]  # acknowledged, with the report's number
    assert not Conversation.objects.filter(state="open").exists()  # no new complaint dialog


def test_a_message_a_day_after_the_withdrawal_is_a_new_conversation(
    deliver, fake, staff, django_capture_on_commit_callbacks, settings
):
    report = _filed_on_whatsapp(deliver, "X")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    asked_then_withdrawn(report, officer, django_capture_on_commit_callbacks)
    settings.SIGAP_CONVERSATION_HOURS = 0  # the window has passed
    _say(deliver, "wamid.X5", "Ada lagi pohon tumbang di jalan raya")
    report.refresh_from_db()
    assert not [n for n in report.history.values_list("internal_note", flat=True) if n.startswith(LATE)]


def test_the_tracking_api_takes_a_late_answer_within_the_window_and_refuses_one_after(staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    report = submit().report
    services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa tepatnya?")
    withdrawn = timezone.now()
    services.report_question_withdraw(report_id=report.pk, actor=officer, reason="Sudah jelas.", now=withdrawn)
    report.refresh_from_db()
    change = reporter_answer_for(report, "RT 05", now=withdrawn + timedelta(minutes=3))
    assert change.internal_note == f"{LATE}RT 05"
    with pytest.raises(services.DomainError) as err:
        reporter_answer_for(report, "RT 06", now=withdrawn + timedelta(hours=25))
    assert err.value.code == "not_waiting_for_reporter"
