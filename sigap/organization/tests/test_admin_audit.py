"""The admin's changes of who sees what are in the access log and never self-granted (a review of staff
administration): a staff role added or removed, a unit moved in the tree, a staff account deleted. The unit tree
is authority (a pimpinan sees every unit below theirs; the conflict-of-interest bar follows ancestors), so its
shape is changed by a superuser only; nobody but a superuser adds or removes a role on their own account."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from sigap.organization.models import StaffRole, Unit
from sigap.privacy.models import AccessEvent

from .helpers import admin_client
from .helpers import superuser as make_superuser

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PB_UNIT = "kel:31.75.07.1002"


def _last_seq() -> int:
    last = AccessEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def _events(after: int, action: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(seq__gt=after, action=action).order_by("seq"))


def _delegated(username: str, *codenames: str):
    """A staff account that is no superuser, given some of the admin's permissions."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "delegated-pw-123", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def superuser():
    return make_superuser("root")


def test_a_role_added_or_removed_in_the_admin_is_an_access_log_row(staff, superuser):
    officer = staff("petugas.pb", PB_UNIT)
    biro = Unit.objects.get(code="biro-pemerintahan")
    c = admin_client(superuser)
    before = _last_seq()
    response = c.post("/admin/organization/staffrole/add/", {"user": officer.pk, "unit": biro.pk, "role": R.VALIDATOR})
    assert response.status_code == 302
    role = StaffRole.objects.get(user=officer, role=R.VALIDATOR)
    [granted] = _events(before, "staff_role_grant")
    assert granted.actor_username == "root"
    assert granted.detail == {"account": "petugas.pb", "role": R.VALIDATOR, "unit": "biro-pemerintahan"}

    before = _last_seq()
    assert c.post(f"/admin/organization/staffrole/{role.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    [removed] = _events(before, "staff_role_remove")
    assert removed.detail == {"account": "petugas.pb", "role": R.VALIDATOR, "unit": "biro-pemerintahan"}


def test_a_role_admin_who_is_no_superuser_cannot_grant_itself_a_role(staff):
    """A delegated role admin gave itself the validator role and opened the validator queue in the same session."""
    role_admin = _delegated("admin.peran", "view_staffrole", "add_staffrole", "delete_staffrole")
    biro = Unit.objects.get(code="biro-pemerintahan")
    c = admin_client(role_admin)
    assert c.get("/petugas/validasi/").status_code == 403
    response = c.post(
        "/admin/organization/staffrole/add/", {"user": role_admin.pk, "unit": biro.pk, "role": R.VALIDATOR}
    )
    assert response.status_code == 200  # the form again, saying why
    assert "akun Anda sendiri" in response.content.decode()
    assert not StaffRole.objects.filter(user=role_admin).exists()
    assert c.get("/petugas/validasi/").status_code == 403
    # others' roles are still theirs to add and remove
    officer = staff("petugas.pb", PB_UNIT)
    assert (
        c.post(
            "/admin/organization/staffrole/add/", {"user": officer.pk, "unit": biro.pk, "role": R.OPERATOR}
        ).status_code
        == 302
    )
    # nor does it remove its own: given one by a superuser, it stays
    own = StaffRole.objects.create(user=role_admin, unit=biro, role=R.OPERATOR)
    assert c.post(f"/admin/organization/staffrole/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StaffRole.objects.filter(pk=own.pk).exists()


def _unit_form(unit: Unit, **changes) -> dict:
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "wilayah": unit.wilayah_id or "",
        "template": unit.template,
        "active": "on" if unit.active else "",
    }
    if unit.external:
        data["external"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k in ("parent", "wilayah", "template")}


def test_moving_a_unit_in_the_tree_is_an_access_log_row(staff, superuser):
    """Moving Inspektorat (which holds the complaints about officials) under a dinas put those complaints in the
    dinas pimpinan's sight, with no row in the access log."""
    from sigap.reports.selectors import scope_of

    boss = staff("pimpinan.bm", "dinas-bina-marga", R.SUPERVISOR)
    inspektorat = Unit.objects.get(code="inspektorat")
    dinas = Unit.objects.get(code="dinas-bina-marga")
    old_parent = inspektorat.parent.code if inspektorat.parent_id else None
    assert inspektorat.pk not in scope_of(get_user_model().objects.get(pk=boss.pk)).units
    before = _last_seq()
    response = admin_client(superuser).post(
        f"/admin/organization/unit/{inspektorat.pk}/change/", _unit_form(inspektorat, parent=dinas.pk)
    )
    assert response.status_code == 302, response.content[:1500]
    assert inspektorat.pk in scope_of(get_user_model().objects.get(pk=boss.pk)).units  # the superuser may
    [moved] = _events(before, "unit_change")
    assert moved.detail == {"unit": "inspektorat", "parent": [old_parent, "dinas-bina-marga"]}
    # a change of its name alone is no change of who sees what: not logged
    before = _last_seq()
    inspektorat.refresh_from_db()
    response = admin_client(superuser).post(
        f"/admin/organization/unit/{inspektorat.pk}/change/", _unit_form(inspektorat, name="Inspektorat Provinsi")
    )
    assert response.status_code == 302
    assert _events(before, "unit_change") == []


def test_only_a_superuser_changes_the_shape_of_the_unit_tree(staff):
    """An admin who may change units but is no superuser edits a unit's name, never its parent, kind, region or
    whether it is active: each decides who sees which reports."""
    unit_admin = _delegated("admin.unit", "view_unit", "change_unit")
    inspektorat = Unit.objects.get(code="inspektorat")
    dinas = Unit.objects.get(code="dinas-bina-marga")
    c = admin_client(unit_admin)
    page = c.get(f"/admin/organization/unit/{inspektorat.pk}/change/").content.decode()
    assert 'name="name"' in page
    for field in ("parent", "kind", "wilayah", "active"):
        assert f'name="{field}"' not in page, field
    shape = (inspektorat.parent_id, inspektorat.kind, inspektorat.wilayah_id, inspektorat.active)
    response = c.post(
        f"/admin/organization/unit/{inspektorat.pk}/change/",
        _unit_form(inspektorat, parent=dinas.pk, kind=Unit.Kind.KOTA, active="", name="Inspektorat Kota"),
    )
    assert response.status_code == 302
    inspektorat.refresh_from_db()
    assert (inspektorat.parent_id, inspektorat.kind, inspektorat.wilayah_id, inspektorat.active) == shape
    assert inspektorat.name == "Inspektorat Kota"


def test_a_staff_account_deleted_in_the_admin_is_an_access_log_row(staff, superuser):
    officer = staff("petugas.pb", PB_UNIT)
    before = _last_seq()
    assert admin_client(superuser).post(f"/admin/auth/user/{officer.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not get_user_model().objects.filter(pk=officer.pk).exists()
    [deleted] = _events(before, "staff_account_delete")
    assert deleted.detail["account"] == "petugas.pb"
    assert deleted.detail["roles"] == [R.OFFICER]
    assert json.dumps(deleted.detail)  # plain values only


def test_deleting_a_unit_in_the_admin_logs_the_roles_it_takes_with_it():
    """StaffRole.unit is CASCADE: ``UnitAdmin.delete_model`` logs ``unit_delete`` with the unit's shape only, while
    every role on it is gone without a ``staff_role_remove`` row and without being named (``staff_account_delete``
    does list its roles; a guarded role blocks the delete, Django's delete page checks each cascaded row)."""
    from sigap.organization.models import StaffRole, Unit

    parent = Unit.objects.get(code="biro-pemerintahan")
    unit = Unit.objects.create(code="tim-ppid-baru", name="Tim PPID Baru", kind=parent.kind, parent=parent)
    ppid = get_user_model().objects.create_user("ppid.baru", "ppid.baru@example.org", "ppid-pw-123", is_staff=True)
    StaffRole.objects.create(user=ppid, unit=unit, role=StaffRole.Role.SUPERVISOR)
    before = _last_seq()
    response = admin_client(make_superuser("root")).post(f"/admin/organization/unit/{unit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Unit.objects.filter(pk=unit.pk).exists()
    assert not StaffRole.objects.filter(user=ppid).exists()  # the role went with the unit
    rows = list(AccessEvent.objects.filter(seq__gt=before))
    [removed] = [r for r in rows if r.action == "staff_role_remove"]
    assert removed.detail == {
        "account": "ppid.baru",
        "role": StaffRole.Role.SUPERVISOR,
        "unit": "tim-ppid-baru",
        "because": "unit_delete",
    }
    assert [r.action for r in rows] == ["staff_role_remove", "unit_delete"]
