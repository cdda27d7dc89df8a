"""A chat resident with two reports that both wait for their answer (``conversations._answer_to_question``). The
answer went to the report whose dialog changed last: an answer about the other report reached the wrong unit, and
told that unit's officer what else the same resident had reported (found by an attacker's review). Now Sigap asks
which report the answer is for, and takes it once it names one."""

from __future__ import annotations

import pytest

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import replies_to, reporter_answers, wa_file, wa_say
from sigap.reports import services
from sigap.reports.models import Notification, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_asked(deliver, fake, staff, django_capture_on_commit_callbacks):
    drain = wa_file(deliver, "A", "Got mampet parah di gang buntu")
    light = wa_file(deliver, "B", "Lampu penerangan jalan mati total di depan masjid")
    assert drain.pk != light.pk
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        for report, question in ((drain, "Di RT berapa?"), (light, "Sejak kapan lampunya mati?")):
            services.report_accept(report_id=report.pk, actor=officer)
            services.report_ask_reporter(report_id=report.pk, actor=officer, question=question)
    return drain, light


def test_an_answer_that_names_no_report_is_asked_about_and_reaches_neither(deliver, fake, two_asked):
    drain, light = two_asked
    wa_say(deliver, "wamid.X1", "sejak tiga hari yang lalu")
    for report in (drain, light):
        report.refresh_from_db()
        assert report.status == "awaiting_reporter" and not reporter_answers(report), report.number
    asked = replies_to(fake)[-1]
    assert drain.number in asked and light.number in asked and "nomor laporan" in asked
    # the question names both reports; it is attached to neither (an officer reading either's messages sees no other)
    note = Notification.objects.filter(kind="dialog:answer_which").get()
    assert note.report_id is None
    assert not Conversation.objects.filter(state="open").exists() and Report.objects.count() == 2


def test_an_answer_that_names_its_report_reaches_that_report_only(deliver, fake, two_asked):
    drain, light = two_asked
    wa_say(deliver, "wamid.X2", f"{drain.number.lower()} RT 05 RW 03")
    drain.refresh_from_db()
    light.refresh_from_db()
    assert drain.status == "in_progress" and any("RT 05 RW 03" in a for a in reporter_answers(drain))
    assert light.status == "awaiting_reporter" and not reporter_answers(light)
    assert f"laporan {drain.number}" in replies_to(fake)[-1]
    # the other one, named with its number, after
    wa_say(deliver, "wamid.X3", f"Laporan {light.number}: sejak Senin malam")
    light.refresh_from_db()
    assert light.status == "in_progress" and any(a.endswith(": sejak Senin malam") for a in reporter_answers(light))
    assert not any(
        light.number in a or drain.number.lower() in a for a in reporter_answers(light) + reporter_answers(drain)
    ), reporter_answers(light) + reporter_answers(drain)


def test_one_waiting_report_takes_the_answer_as_before(deliver, fake, staff, django_capture_on_commit_callbacks):
    drain = wa_file(deliver, "C", "Got mampet parah di gang buntu")
    wa_file(deliver, "D", "Lampu penerangan jalan mati total di depan masjid")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=drain.pk, actor=officer)
        services.report_ask_reporter(report_id=drain.pk, actor=officer, question="Di RT berapa?")
    wa_say(deliver, "wamid.X4", "RT 05 RW 03")
    drain.refresh_from_db()
    assert drain.status == "in_progress" and any("RT 05 RW 03" in a for a in reporter_answers(drain))


# the rest of an answer given in two messages (found by the next review: it went to the other waiting report)
def test_the_rest_of_an_answer_naming_its_report_does_not_land_on_the_other_waiting_report(deliver, fake, two_asked):
    drain, light = two_asked
    wa_say(deliver, "wamid.Y1", f"{drain.number}: RT 05 RW 03, got di depan rumah saya")
    # the same answer, in a second message a moment later (the chat explicitly takes "the answer in two messages")
    wa_say(deliver, "wamid.Y2", "airnya sudah masuk ke rumah Bu Ratna di sebelah")
    light.refresh_from_db()
    assert not reporter_answers(light), reporter_answers(
        light
    )  # HEAD: the drain answer's rest is the light report's answer
    assert light.status == "awaiting_reporter"
