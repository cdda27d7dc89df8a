"""A chat resident with one report at Selesai, whose "is it really fixed?" (YA / TIDAK + reason) waits for their reply,
and another whose officer asked them a question (``conversations._answer_to_question`` and ``_answer_to_done``). A
reply shaped like the first was taken as the answer to the second: a dispute about one report reached the other's
unit, which read what else the resident had reported, and the first was never reopened or confirmed (an attacker's
review). Now the report the reply names takes it, and Sigap asks which when it names none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.intake.tests.channel_helpers import replies_to, reporter_answers, wa_file, wa_say
from sigap.reports import services
from sigap.reports.models import Notification, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_and_asked(deliver, fake, staff, django_capture_on_commit_callbacks):
    drain = wa_file(deliver, "A", "Got mampet parah di gang buntu dekat pos ronda")
    light = wa_file(deliver, "B", "Lampu penerangan jalan mati total di depan masjid")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=drain.pk, actor=officer)
        # the state a reply to "is it really fixed?" finds (Selesai announced; its validation is tested elsewhere)
        Report.objects.filter(pk=drain.pk).update(status="done", closed_at=timezone.now())
        services.report_accept(report_id=light.pk, actor=officer)
        services.report_ask_reporter(report_id=light.pk, actor=officer, question="Sejak kapan lampunya mati?")
    return drain, light


def untouched(light: Report) -> None:
    light.refresh_from_db()
    assert light.status == "awaiting_reporter" and not reporter_answers(light), reporter_answers(light)


@pytest.mark.parametrize("reply", ["TIDAK got masih mampet parah, air meluap ke jalan", "YA", "belum, masih bau"])
def test_a_reply_shaped_for_selesai_naming_no_report_is_asked_about(deliver, fake, done_and_asked, reply):
    drain, light = done_and_asked
    wa_say(deliver, "wamid.X1", reply)
    untouched(light)
    drain.refresh_from_db()
    assert drain.status == "done" and drain.confirmed_at is None
    asked = replies_to(fake)[-1]
    assert drain.number in asked and light.number in asked, asked
    assert f"{drain.number} {'YA' if reply == 'YA' else 'TIDAK'}" in asked, asked  # how to send it again
    assert "mampet" not in asked and "bau" not in asked  # their words are not written back into the outbox
    assert Notification.objects.get(kind="dialog:reply_which").report_id is None  # attached to neither


def test_the_reply_naming_the_report_at_selesai_confirms_or_disputes_it(deliver, fake, done_and_asked):
    drain, light = done_and_asked
    wa_say(deliver, "wamid.X1", f"{drain.number} TIDAK got masih mampet parah, air meluap ke jalan")
    untouched(light)
    assert "1" in replies_to(fake)[-1]  # the dispute is checked once before the report reopens
    wa_say(deliver, "wamid.X2", "1")
    drain.refresh_from_db()
    untouched(light)
    assert drain.status != "done", drain.status  # disputed: back to the unit
    assert not reporter_answers(drain)


def test_ya_naming_the_report_at_selesai_confirms_it(deliver, fake, done_and_asked):
    drain, light = done_and_asked
    wa_say(deliver, "wamid.Y1", f"{drain.number} ya")
    drain.refresh_from_db()
    assert drain.confirmed_at is not None
    untouched(light)
    # Sigap asked for a rating of that report after the officer's question: the bare number that follows is it
    wa_say(deliver, "wamid.Y2", "4")
    drain.refresh_from_db()
    assert drain.rating == 4
    untouched(light)


def test_a_bare_number_after_a_later_question_is_asked_about(deliver, fake, staff, done_and_asked):
    """The rating was asked before the officer's question: "2" may answer either ("Di RT berapa?")."""
    from datetime import timedelta

    drain, light = done_and_asked
    Report.objects.filter(pk=drain.pk).update(confirmed_at=light.status_changed_at - timedelta(minutes=5))
    wa_say(deliver, "wamid.Y2", "2")
    drain.refresh_from_db()
    assert drain.rating is None
    untouched(light)
    assert drain.number in replies_to(fake)[-1]


def test_an_answer_in_words_or_naming_the_asked_report_answers_the_question(deliver, fake, done_and_asked):
    drain, light = done_and_asked
    wa_say(deliver, "wamid.Z1", "sejak tiga hari yang lalu")  # no "is it fixed?" reply reads like this
    light.refresh_from_db()
    assert light.status != "awaiting_reporter" and reporter_answers(light)
    drain.refresh_from_db()
    assert drain.confirmed_at is None and drain.status == "done"


def test_ya_naming_the_asked_report_answers_its_question(deliver, fake, done_and_asked):
    drain, light = done_and_asked
    wa_say(deliver, "wamid.Z1", f"{light.number} ya")
    light.refresh_from_db()
    assert reporter_answers(light) and light.status != "awaiting_reporter"
    drain.refresh_from_db()
    assert drain.confirmed_at is None


def test_a_reply_the_report_at_selesai_would_not_take_answers_the_question(deliver, fake, done_and_asked):
    """Unconfirmed, no dispute pending: "3" is no reply to "is it fixed?" ("Berapa tiang yang mati?" takes it)."""
    _drain, light = done_and_asked
    wa_say(deliver, "wamid.N1", "3")
    light.refresh_from_db()
    assert reporter_answers(light)


def test_ya_after_the_report_at_selesai_was_confirmed_answers_the_question(deliver, fake, done_and_asked):
    """Confirmed and waiting only for a rating, "ya" would only be swallowed there as a repeat: the question's."""
    drain, light = done_and_asked
    Report.objects.filter(pk=drain.pk).update(confirmed_at=timezone.now() - timedelta(hours=1))
    wa_say(deliver, "wamid.N2", "ya")
    light.refresh_from_db()
    assert reporter_answers(light)
