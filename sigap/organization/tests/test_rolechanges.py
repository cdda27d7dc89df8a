"""No single admin makes a privacy officer (``sigap.organization.rolechanges``, asked and decided in the admin): the
PPID role takes two. That roles are not reassigned in the admin at all is tested in test_admin.py.

Issue 10, leak 3: a superuser alone could give privacy-officer powers (and reassign roles) in the admin.
"""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.organization.models import RoleChange, StaffNotice, StaffRole
from sigap.privacy.models import AccessEvent

from .helpers import admin_client

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PB_UNIT = "kel:31.75.07.1002"


def ask(c: Client, user, unit, kind="grant", reason="Penunjukan PPID baru berdasarkan SK Sekda."):
    return c.post(
        "/admin/organization/rolechange/add/",
        {"user": user.pk, "unit": unit.pk, "role": R.PRIVACY_OFFICER, "kind": kind, "reason": reason},
    )


def decide(c: Client, change: RoleChange, action: str = "approve"):
    return c.post("/admin/organization/rolechange/", {"action": action, "_selected_action": [change.pk]}, follow=True)


# --- PPID grant and removal take a second admin -------------------------------------------------


def test_a_privacy_officer_grant_by_one_admin_is_pending_until_a_second_approves(staff, two_admins, biro):
    first, second = two_admins
    watchers = [
        staff("ppid.lama1", "biro-pemerintahan", R.PRIVACY_OFFICER),
        staff("ppid.lama2", "biro-pemerintahan", R.PRIVACY_OFFICER),
    ]
    candidate = staff("calon.ppid", PB_UNIT)
    c1, c2 = admin_client(first), admin_client(second)
    assert ask(c1, candidate, biro).status_code == 302
    change = RoleChange.objects.get(user=candidate)
    assert change.state == RoleChange.State.PENDING and change.requested_by == first
    assert not StaffRole.objects.filter(user=candidate, role=R.PRIVACY_OFFICER).exists()

    page = decide(c1, change)  # the asker cannot approve
    assert "admin lain" in page.content.decode()
    change.refresh_from_db()
    assert change.state == RoleChange.State.PENDING
    assert not StaffRole.objects.filter(user=candidate, role=R.PRIVACY_OFFICER).exists()

    decide(c2, change)
    change.refresh_from_db()
    assert change.state == RoleChange.State.APPROVED and change.decided_by == second
    assert StaffRole.objects.filter(user=candidate, unit=biro, role=R.PRIVACY_OFFICER).exists()

    logged = list(
        AccessEvent.objects.filter(action__startswith="role_change")
        .order_by("seq")
        .values_list("action", "actor_username")
    )
    assert logged == [("role_change_request", "admin.satu"), ("role_change_approve", "admin.dua")]
    for ppid in watchers:
        kinds = set(StaffNotice.objects.filter(user=ppid).values_list("kind", flat=True))
        assert kinds == {"ppid_role_request", "ppid_role_decision"}


def test_removing_a_privacy_officer_also_takes_a_second_admin(staff, two_admins, biro):
    first, second = two_admins
    ppid = staff("ppid.x", "biro-pemerintahan", R.PRIVACY_OFFICER)
    c1 = admin_client(first)
    assert ask(c1, ppid, biro, kind="revoke", reason="Pindah tugas ke dinas lain per 1 Desember.").status_code == 302
    change = RoleChange.objects.get(user=ppid)
    decide(c1, change)
    assert StaffRole.objects.filter(user=ppid, role=R.PRIVACY_OFFICER).exists()
    decide(admin_client(second), change)
    assert not StaffRole.objects.filter(user=ppid, role=R.PRIVACY_OFFICER).exists()


def test_an_admin_cannot_approve_a_grant_to_themselves(two_admins, biro):
    first, second = two_admins
    ask(admin_client(first), second, biro)
    change = RoleChange.objects.get(user=second)
    decide(admin_client(second), change)
    change.refresh_from_db()
    assert change.state == RoleChange.State.PENDING
    assert not StaffRole.objects.filter(user=second, role=R.PRIVACY_OFFICER).exists()


def test_a_rejected_grant_changes_nothing_and_a_request_needs_a_reason(staff, two_admins, biro):
    first, second = two_admins
    candidate = staff("calon.ppid", PB_UNIT)
    c1 = admin_client(first)
    assert ask(c1, candidate, biro, reason="x").status_code == 200  # refused: the form again
    assert not RoleChange.objects.exists()
    ask(c1, candidate, biro)
    change = RoleChange.objects.get()
    decide(admin_client(second), change, "reject")
    change.refresh_from_db()
    assert change.state == RoleChange.State.REJECTED
    assert not StaffRole.objects.filter(user=candidate, role=R.PRIVACY_OFFICER).exists()
    assert (
        admin_client(second)
        .post(f"/admin/organization/rolechange/{change.pk}/change/", {"state": "approved"})
        .status_code
        == 403
    )


def test_a_non_admin_cannot_ask_or_decide(staff, biro):
    from sigap.core.errors import PermissionDenied
    from sigap.organization import rolechanges

    officer = staff("petugas.pb", PB_UNIT)
    with pytest.raises(PermissionDenied):
        rolechanges.role_change_request(
            actor=officer,
            user=officer,
            unit=biro,
            role=R.PRIVACY_OFFICER,
            kind="grant",
            reason="Saya ingin menjadi PPID sendiri.",
        )


def test_each_step_goes_to_the_access_log_that_privacy_registers_and_none_runs_without_it(
    staff, two_admins, biro, monkeypatch
):
    from sigap.organization import rolechanges
    from sigap.privacy.access_log import access_record

    assert rolechanges._access_record is access_record  # registered by sigap.privacy at start-up
    officer = staff("petugas.pb", PB_UNIT)
    monkeypatch.setattr(rolechanges, "_access_record", None)
    with pytest.raises(RuntimeError):
        rolechanges.role_change_request(
            actor=two_admins[0],
            user=officer,
            unit=biro,
            role=R.PRIVACY_OFFICER,
            kind="grant",
            reason="Penunjukan PPID baru berdasarkan SK Sekda.",
        )
    assert not RoleChange.objects.exists()  # the step's transaction is undone
