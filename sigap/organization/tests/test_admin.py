"""The organization admin (``sigap.organization.admin``): a staff role is never edited or moved, and the
privacy-officer role is neither added nor deleted there directly (it takes two admins: test_rolechanges.py).

Issue 10, leak 3: a superuser alone could give privacy-officer powers (and reassign roles) in the admin.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sigap.organization.models import StaffRole

from .helpers import admin_client

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PB_UNIT = "kel:31.75.07.1002"


def test_a_staff_role_cannot_be_moved_to_another_account_in_the_admin(staff, two_admins):
    officer = staff("petugas.pb", PB_UNIT)
    other = staff("petugas.lain", "kel:31.71.01.1001")
    role = StaffRole.objects.get(user=officer)
    response = admin_client(two_admins[0]).post(
        f"/admin/organization/staffrole/{role.pk}/change/",
        {"user": other.pk, "unit": role.unit_id, "role": R.PRIVACY_OFFICER},
    )
    assert response.status_code == 403
    role.refresh_from_db()
    assert (role.user_id, role.role) == (officer.pk, R.OFFICER)


def test_the_privacy_officer_role_cannot_be_added_directly_in_the_admin(staff, two_admins, biro):
    someone = staff("petugas.pb", PB_UNIT)
    c = admin_client(two_admins[0])
    response = c.post(
        "/admin/organization/staffrole/add/", {"user": someone.pk, "unit": biro.pk, "role": R.PRIVACY_OFFICER}
    )
    assert response.status_code == 200  # the form again, with the choice refused
    assert not StaffRole.objects.filter(user=someone, role=R.PRIVACY_OFFICER).exists()
    # other roles are still added as before
    response = c.post("/admin/organization/staffrole/add/", {"user": someone.pk, "unit": biro.pk, "role": R.OPERATOR})
    assert response.status_code == 302 and StaffRole.objects.filter(user=someone, role=R.OPERATOR).exists()


def test_the_privacy_officer_role_cannot_be_deleted_directly_in_the_admin(staff, two_admins):
    ppid = staff("ppid.x", "biro-pemerintahan", R.PRIVACY_OFFICER)
    role = StaffRole.objects.get(user=ppid)
    c = admin_client(two_admins[0])
    assert c.post(f"/admin/organization/staffrole/{role.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = c.post(
        "/admin/organization/staffrole/", {"action": "delete_selected", "_selected_action": [role.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert StaffRole.objects.filter(pk=role.pk).exists()
    assert c.post(f"/admin/auth/user/{ppid.pk}/delete/", {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(pk=ppid.pk).exists()


def test_a_regions_code_and_level_are_not_edited_in_the_admin(two_admins):
    """A region's code is the Kemendagri code that routing, the unit tree, the public statistics and the kota
    figures key on (a unit lies in a kota by its region's code); editing it in the admin moved units between kota
    behind every counter's back. Only the name and the parent are edited there; a corrected list is loaded."""
    from sigap.organization.models import Wilayah

    region = Wilayah.objects.get(code="31.75.07")
    c = admin_client(two_admins[0])
    page = c.get(f"/admin/organization/wilayah/{region.pk}/change/").content.decode()
    assert 'name="code"' not in page and 'name="level"' not in page and 'name="name"' in page
    c.post(
        f"/admin/organization/wilayah/{region.pk}/change/",
        {"code": "31.71.07", "level": 2, "name": region.name, "kind": region.kind, "parent": region.parent_id or ""},
    )
    region.refresh_from_db()
    assert (region.code, region.level) == ("31.75.07", Wilayah.Level.KECAMATAN)


def _region_form(region, **changes) -> dict:
    import json

    data = {
        "name": region.name,
        "kind": region.kind,
        "parent": region.parent_id or "",
        "geometry": json.dumps(region.geometry),
        "inner_lat": region.inner_lat if region.inner_lat is not None else "",
        "inner_lon": region.inner_lon if region.inner_lon is not None else "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes",
    [
        {"geometry": "3.5"},  # saved, it took down routing: every report filed and the console answered 500
        {"geometry": "1e309"},  # infinity: PostgreSQL refused the JSON (500)
        {"geometry": '{"type": "Point", "coordinates": [106.9, -6.23]}'},
        {"geometry": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}'},
        {
            "geometry": '{"type": "Polygon", "coordinates": [[[106.9, -6.2], [106.95, -6.2], [106.9, 95], [106.9, -6.2]]]}'
        },
        {"geometry": '{"type": "Polygon", "coordinates": "x"}'},
        {"inner_lat": "1e20"},
        {"inner_lon": "nan"},
    ],
)
def test_a_boundary_or_inner_point_that_is_no_place_on_earth_is_refused_in_the_admin(two_admins, changes):
    """Found by a fuzzing review: the admin saved a kelurahan's boundary as a number, and routing, the report
    form, the API and the officer console answered 500 until it was mended."""
    from django.test import Client

    from sigap.organization.models import Wilayah
    from sigap.routing.cache import routing_data

    region = Wilayah.objects.get(code="31.75.07.1002")
    before = (region.geometry, region.inner_lat, region.inner_lon)
    response = admin_client(two_admins[0]).post(
        f"/admin/organization/wilayah/{region.pk}/change/", _region_form(region, **changes)
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()  # the form, with its error
    region.refresh_from_db()
    assert (region.geometry, region.inner_lat, region.inner_lon) == before
    assert routing_data() is not None and Client().get("/").status_code == 200


def test_a_valid_boundary_is_saved_in_the_admin(two_admins):
    from sigap.organization.models import Wilayah

    region = Wilayah.objects.get(code="31.75.07.1002")
    response = admin_client(two_admins[0]).post(
        f"/admin/organization/wilayah/{region.pk}/change/", _region_form(region, name="Pondok Bambu (baru)")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    region.refresh_from_db()
    assert region.name == "Pondok Bambu (baru)" and region.geometry["type"] in ("Polygon", "MultiPolygon")
