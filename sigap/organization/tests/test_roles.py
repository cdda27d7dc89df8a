"""Who may do what (``sigap.organization.roles``): each sentence with who may and who may not, and the unit tree
(ancestors and descendants) read from the cached reference data, on Jakarta's real units."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sigap.organization import roles
from sigap.organization.cache import reference_data, reference_reset
from sigap.organization.models import StaffRole, Unit

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PB = "kel:31.75.07.1002"  # Kelurahan Pondok Bambu, below Kecamatan Duren Sawit, Kota Jakarta Timur, Pemprov
GAMBIR = "kel:31.71.01.1001"
EVERY_ROLE = [choice for choice, _label in R.choices]


def uid(code: str) -> int:
    return Unit.objects.get(code=code).pk


def ids(*kodes: str) -> set[int]:
    return {uid(k) for k in kodes}


@pytest.fixture(autouse=True)
def _fresh_tree():
    reference_reset()
    yield
    reference_reset()


# -- unit_ids_where, has_role -------------------------------------------------------------------------------------


def test_unit_ids_where_lists_the_units_of_the_roles_asked_for(staff):
    user = staff("dua.peran", PB)
    staff("dua.peran", "kec:31.75.07", R.SUPERVISOR)
    assert roles.unit_ids_where(user) == ids(PB, "kec:31.75.07")
    assert roles.unit_ids_where(user, R.OFFICER) == ids(PB)
    assert roles.unit_ids_where(user, R.SUPERVISOR, R.VALIDATOR) == ids("kec:31.75.07")
    assert roles.unit_ids_where(user, R.VALIDATOR) == set()


def test_an_anonymous_visitor_has_no_unit_and_no_role():
    visitor = AnonymousUser()
    assert roles.unit_ids_where(visitor) == set()
    assert not any(roles.has_role(visitor, role) for role in EVERY_ROLE)
    assert not roles.user_can_work_at_unit(visitor, uid(PB))
    assert not roles.user_can_validate(visitor)
    assert not roles.user_can_enter_reports_for_residents(visitor)


def test_an_account_without_any_role_may_do_nothing(django_user_model):
    nobody = django_user_model.objects.create(username="tanpa.peran")
    assert roles.unit_ids_where(nobody) == set()
    assert not any(roles.has_role(nobody, role) for role in EVERY_ROLE)
    assert not roles.user_can_work_at_unit(nobody, uid(PB))


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_has_role_is_true_for_that_role_only(staff, role):
    user = staff(f"peran.{role}", PB, role)
    assert roles.has_role(user, role)
    assert not any(roles.has_role(user, other) for other in EVERY_ROLE if other != role)


# -- "works at the unit": officers and unit admins of the unit now holding the report -------------------------------


@pytest.mark.parametrize("role", [R.OFFICER, R.UNIT_ADMIN])
def test_officers_and_unit_admins_may_work_at_their_own_unit(staff, role):
    user = staff(f"kerja.{role}", PB, role)
    assert roles.user_can_work_at_unit(user, uid(PB))


@pytest.mark.parametrize("role", [R.VALIDATOR, R.OPERATOR, R.SUPERVISOR, R.PRIVACY_OFFICER, R.AUDITOR])
def test_other_roles_may_not_work_at_a_unit_even_their_own(staff, role):
    user = staff(f"bukan.{role}", PB, role)
    assert not roles.user_can_work_at_unit(user, uid(PB))


def test_nobody_works_at_another_unit_nor_at_a_unit_above_or_below_theirs(staff):
    officer = staff("petugas.pb", PB)
    camat = staff("admin.kec", "kec:31.75.07", R.UNIT_ADMIN)
    assert not roles.user_can_work_at_unit(officer, uid(GAMBIR))
    assert not roles.user_can_work_at_unit(officer, uid("kec:31.75.07"))  # above
    assert not roles.user_can_work_at_unit(camat, uid(PB))  # below
    assert not roles.user_can_work_at_unit(officer, None)  # a report held by no unit (the triage desk)


# -- validating, entering reports for residents -----------------------------------------------------------------------


def test_only_validators_may_validate(staff):
    assert roles.user_can_validate(staff("validator.biro", "biro-pemerintahan", R.VALIDATOR))
    for role in (R.OFFICER, R.UNIT_ADMIN, R.SUPERVISOR, R.OPERATOR, R.PRIVACY_OFFICER, R.AUDITOR):
        assert not roles.user_can_validate(staff(f"tidak.{role}", "biro-pemerintahan", role)), role


def test_only_channel_operators_may_enter_reports_for_residents(staff):
    assert roles.user_can_enter_reports_for_residents(staff("operator.balkot", "biro-pemerintahan", R.OPERATOR))
    for role in (R.OFFICER, R.UNIT_ADMIN, R.SUPERVISOR, R.VALIDATOR, R.PRIVACY_OFFICER, R.AUDITOR):
        assert not roles.user_can_enter_reports_for_residents(staff(f"tidak.{role}", "biro-pemerintahan", role)), role


# -- the unit tree ---------------------------------------------------------------------------------------------------


def test_ancestors_are_the_units_and_every_unit_above_them():
    assert roles.ancestor_unit_ids(ids(PB)) == ids(PB, "kec:31.75.07", "kota:31.75", "pemprov")
    assert roles.ancestor_unit_ids(ids("sudin-bina-marga:31.75")) == ids(
        "sudin-bina-marga:31.75", "dinas-bina-marga", "pemprov"
    )
    assert roles.ancestor_unit_ids(ids("pemprov")) == ids("pemprov")
    assert roles.ancestor_unit_ids(ids(PB, GAMBIR)) == ids(
        PB, "kec:31.75.07", "kota:31.75", GAMBIR, "kec:31.71.01", "kota:31.71", "pemprov"
    )
    assert roles.ancestor_unit_ids(set()) == set()


def test_descendants_are_the_units_and_every_unit_below_them():
    kecamatan = Unit.objects.get(code="kec:31.75.07")
    below = roles.descendant_unit_ids({kecamatan.pk})
    assert below == {kecamatan.pk} | set(Unit.objects.filter(parent=kecamatan).values_list("pk", flat=True))
    assert uid(PB) in below and uid(GAMBIR) not in below and uid("kota:31.75") not in below
    assert roles.descendant_unit_ids(ids(PB)) == ids(PB)  # a kelurahan has no unit below it
    assert roles.descendant_unit_ids(ids("disnakertransgi")) == ids(
        "disnakertransgi", "disnakertransgi:pengawasan", "disnakertransgi:hubungan-sosial"
    )
    assert roles.descendant_unit_ids(set()) == set()


def test_every_unit_below_the_city_government_is_its_descendant_at_any_depth():
    pemprov = uid("pemprov")
    below = roles.descendant_unit_ids({pemprov})
    assert ids(PB, GAMBIR, "kec:31.75.07", "kota:31.75", "sudin-bina-marga:31.75") <= below
    for pk in below:
        assert pemprov in roles.ancestor_unit_ids({pk})  # the two walks agree


def test_the_tree_keeps_inactive_units_so_a_past_holder_still_has_its_place():
    Unit.objects.filter(code=PB).update(active=False)
    assert uid(PB) in roles.descendant_unit_ids(ids("kec:31.75.07"))
    assert roles.ancestor_unit_ids(ids(PB)) == ids(PB, "kec:31.75.07", "kota:31.75", "pemprov")


def test_the_tree_follows_an_edit_in_the_admin():
    unit = Unit.objects.get(code=PB)
    unit.parent = Unit.objects.get(code="kec:31.71.01")  # moved under Kecamatan Gambir
    unit.save()  # as the admin does: updated_at changes, so the cached tree is rebuilt
    assert roles.ancestor_unit_ids({unit.pk}) == ids(PB, "kec:31.71.01", "kota:31.71", "pemprov")
    assert unit.pk in roles.descendant_unit_ids(ids("kota:31.71"))
    assert unit.pk not in roles.descendant_unit_ids(ids("kota:31.75"))


def test_tree_lookups_cost_no_query_once_the_reference_data_is_cached(settings, django_assert_num_queries):
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 3600  # as in production: the fingerprint is read every few seconds
    pb, pemprov = uid(PB), uid("pemprov")
    reference_data()
    with django_assert_num_queries(0):
        assert pemprov in roles.ancestor_unit_ids({pb})
        assert pb in roles.descendant_unit_ids({pemprov})


# -- role_pairs: one read per request ---------------------------------------------------------------------------


def _role_reads(queries) -> int:
    return sum(1 for q in queries if "organization_staffrole" in q["sql"])


def test_an_accounts_roles_are_read_once_per_user_object_and_a_role_written_since_is_seen(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sigap.reports.selectors import scope_of

    user = staff("satu.baca", PB)
    with CaptureQueriesContext(connection) as q:
        assert roles.unit_ids_where(user, R.OFFICER) == ids(PB)
        assert roles.has_role(user, R.OFFICER) and not roles.user_can_validate(user)
        assert scope_of(user).working == frozenset(ids(PB))
    assert _role_reads(q.captured_queries) == 1
    StaffRole.objects.create(user=user, unit=Unit.objects.get(code=PB), role=R.VALIDATOR)
    assert roles.user_can_validate(user) and scope_of(user).validator
    StaffRole.objects.filter(user=user, role=R.VALIDATOR).delete()
    assert not roles.user_can_validate(user)
    assert roles.role_pairs(AnonymousUser()) == frozenset()


def test_an_api_page_acts_on_the_roles_its_credential_seal_was_checked_against(staff, settings):
    """The token's seal check reads the account's roles; the page's scope and access checks use that read."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sigap.officers.models import ApiToken

    settings.SIGAP_REFERENCE_CHECK_SECONDS = 3600
    user = staff("petugas.token", PB)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, name='api', otp_verified=False)}")
    assert client.get("/api/v1/officer/reports").status_code == 200
    with CaptureQueriesContext(connection) as q:
        assert client.get("/api/v1/officer/reports").status_code == 200
    assert _role_reads(q.captured_queries) == 1
