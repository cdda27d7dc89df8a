"""Which console pages a staff account may open (``sigap.officers.access``): each sentence with who may and who may
not, and the decorator every console view wears (sign-in, htmx-aware; a staff role; the page's own check)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from sigap.officers import access
from sigap.organization.models import StaffRole

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PB = "kel:31.75.07.1002"
EVERY_ROLE = [choice for choice, _label in R.choices]


def request_as(user, path: str = "/petugas/antrean/?status=open", **headers):
    request = RequestFactory().get(path, headers=headers)
    request.user = user
    return request


def sentences(user) -> dict[str, bool]:
    request = request_as(user)
    return {
        "queue": access.user_can_use_queue(request),
        "validate": access.user_can_open_validation_queue(request),
        "dashboard": access.user_can_see_dashboard(request),
        "enter": access.user_can_enter_reports(request),
    }


@pytest.mark.parametrize(
    ("role", "queue", "validate", "dashboard", "enter"),
    [
        (R.OFFICER, True, False, False, False),
        (R.UNIT_ADMIN, True, False, False, False),
        (R.SUPERVISOR, True, False, True, False),
        (R.VALIDATOR, True, True, True, False),
        (R.OPERATOR, False, False, False, True),
        (R.PRIVACY_OFFICER, False, False, False, False),
        (R.AUDITOR, False, False, False, False),
    ],
)
def test_each_role_opens_its_pages_and_no_other(staff, role, queue, validate, dashboard, enter):
    user = staff(f"akses.{role}", PB, role)
    assert sentences(user) == {"queue": queue, "validate": validate, "dashboard": dashboard, "enter": enter}


def test_the_table_above_covers_every_role():
    covered = {R.OFFICER, R.UNIT_ADMIN, R.SUPERVISOR, R.VALIDATOR, R.OPERATOR, R.PRIVACY_OFFICER, R.AUDITOR}
    assert covered == set(EVERY_ROLE)


def test_a_visitor_and_an_account_without_a_role_open_nothing(django_user_model):
    assert not any(sentences(AnonymousUser()).values())
    assert not any(sentences(django_user_model.objects.create(username="tanpa.peran")).values())


def test_roles_are_read_once_per_request(staff, django_assert_num_queries):
    request = request_as(staff("petugas.pb", PB))
    with django_assert_num_queries(1):
        for _ in range(3):
            access.user_can_use_queue(request)
            access.user_can_open_validation_queue(request)


def page(request):
    return HttpResponse("halaman")


def test_a_visitor_is_sent_to_the_sign_in_page_and_back():
    response = access.console_view()(page)(request_as(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/petugas/masuk/?next=/petugas/antrean/%3Fstatus%3Dopen"


def test_an_htmx_request_after_the_session_expired_redirects_the_whole_page():
    request = request_as(AnonymousUser(), HX_Request="true", HX_Current_URL="http://testserver/petugas/laporan/JK1/")
    response = access.console_view()(page)(request)
    assert response.status_code == 200 and response["HX-Redirect"] == "/petugas/masuk/?next=/petugas/laporan/JK1/"


def test_an_account_without_a_staff_role_or_failing_the_pages_check_is_refused(staff, django_user_model):
    nobody = django_user_model.objects.create(username="tanpa.peran")
    assert access.console_view()(page)(request_as(nobody)).status_code == 403
    officer = staff("petugas.pb", PB)
    assert access.console_view(access.user_can_open_validation_queue)(page)(request_as(officer)).status_code == 403
    allowed = access.console_view(access.user_can_use_queue)(page)(request_as(officer))
    assert allowed.status_code == 200 and allowed.content == b"halaman"


def test_a_refusal_speaks_the_active_language():
    from django.utils import translation

    from sigap.core.errors import DomainError
    from sigap.core.language import error_text

    err = DomainError("Alasan wajib diisi.", "A reason is required.")
    with translation.override("id"):
        assert error_text(err) == "Alasan wajib diisi."
    with translation.override("en"):
        assert error_text(err) == "A reason is required."
