"""Staff notices (``sigap.organization.notices``): one row per active privacy officer (or admin), written in the
caller's transaction; a mail to each address after commit, one mail per recipient; a failed mail undoes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction

from sigap.organization import notices
from sigap.organization.models import StaffNotice, StaffRole

pytestmark = pytest.mark.django_db
R = StaffRole.Role


@pytest.fixture
def officers(staff):
    first = staff("ppid.satu", "biro-pemerintahan", R.PRIVACY_OFFICER)
    second = staff("ppid.dua", "inspektorat", R.PRIVACY_OFFICER)
    first.email, second.email = "satu@example.org", "dua@example.org"
    first.save()
    second.save()
    return first, second


def test_every_active_privacy_officer_and_nobody_else_gets_a_notice(
    officers, staff, django_capture_on_commit_callbacks
):
    first, second = officers
    gone = staff("ppid.lama", "biro-pemerintahan", R.PRIVACY_OFFICER)
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)
    staff("petugas.pb", "kel:31.75.07.1002")
    staff("auditor", "inspektorat", R.AUDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notices.notify_privacy_officers(
            kind="reveal_request", body="Ada permintaan.", body_en="A request.", report_number="JK1"
        )
    assert [r.user_id for r in rows] == [first.pk, second.pk]
    assert set(StaffNotice.objects.values_list("user_id", "kind", "report_number")) == {
        (first.pk, "reveal_request", "JK1"),
        (second.pk, "reveal_request", "JK1"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["dua@example.org", "satu@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # recipients do not learn each other's addresses
    assert "Ada permintaan." in mail.outbox[0].body and "A request." in mail.outbox[0].body


def test_no_mail_before_commit_and_none_if_the_change_rolls_back(officers):
    with pytest.raises(RuntimeError), transaction.atomic():
        notices.notify_privacy_officers(kind="reveal_request", body="x", body_en="x")
        raise RuntimeError("the change failed")
    assert not StaffNotice.objects.exists() and mail.outbox == []


def test_a_failed_mail_keeps_the_notice(officers, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notices, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify_privacy_officers(kind="reveal_request", body="x", body_en="x")
    assert StaffNotice.objects.count() == 2


def test_admin_notices_go_to_active_superusers_only(staff, django_capture_on_commit_callbacks):
    users = get_user_model().objects
    root = users.create(username="root", is_superuser=True, email="root@example.org")
    users.create(username="root.lama", is_superuser=True, is_active=False)
    staff("ppid.satu", "biro-pemerintahan", R.PRIVACY_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notices.notify_admins(kind="photo_failed", body="Foto gagal.", body_en="Photo failed.")
    assert [r.user_id for r in rows] == [root.pk]
    assert [m.to for m in mail.outbox] == [["root@example.org"]]
