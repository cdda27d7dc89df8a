"""The console's template helpers (``sigap.officers.templatetags.officer_console``): the nav for the account's roles
with the current page marked, and labels, colours and durations in the active language."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation

from sigap.officers.templatetags import officer_console as tags
from sigap.organization.models import Category, StaffRole
from sigap.reports.states import COLOUR, Status

R = StaffRole.Role


def nav(user, path: str = "/petugas/") -> dict:
    request = RequestFactory().get(path)
    request.user = user
    return tags.console_nav({"request": request, "csrf_token": "t"})


def labels(user, path: str = "/petugas/") -> list[str]:
    with translation.override("id"):
        return [item["label"] for item in nav(user, path)["items"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "items"),
    [
        (R.OFFICER, ["Antrean", "Eskalasi"]),
        (R.VALIDATOR, ["Antrean", "Eskalasi", "Validasi", "Dasbor", "Kinerja unit"]),
        (R.SUPERVISOR, ["Antrean", "Eskalasi", "Dasbor", "Kinerja unit"]),
        (R.OPERATOR, ["Input laporan warga"]),
        (R.AUDITOR, []),
    ],
)
def test_the_nav_shows_the_pages_of_the_accounts_roles(staff, role, items):
    assert labels(staff(f"nav.{role}", "biro-pemerintahan", role)) == items


@pytest.mark.django_db
def test_the_queue_is_current_on_its_own_page_and_on_a_report_page(staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    queue = nav(officer)["items"][0]["url"]
    assert nav(officer, queue)["items"][0]["current"]
    assert nav(officer, queue + "laporan/JK202611200001/")["items"][0]["current"]
    assert not nav(officer, "/petugas/dasbor/")["items"][0]["current"]


def test_a_visitor_gets_an_empty_nav():
    assert nav(AnonymousUser()) == {"items": [], "user": None}
    assert tags.console_nav({}) == {"items": [], "user": None}


def test_category_names_status_labels_and_colours():
    category = Category(code="x", name="Saluran Air Tersumbat", name_en="Clogged drain")
    with translation.override("id"):
        assert tags.category_name(category) == "Saluran Air Tersumbat" and tags.status_label("done") == "Selesai"
    with translation.override("en"):
        assert tags.category_name(category) == "Clogged drain"
        assert tags.category_name(Category(code="y", name="Banjir", name_en="")) == "Banjir"
    assert tags.category_name(None) == ""
    assert tags.status_colour("done") == COLOUR[Status.DONE]
    assert (tags.status_label("no-such-status"), tags.status_colour("no-such-status")) == ("no-such-status", "grey")


def test_durations_are_hours_below_two_days_then_days_with_the_local_decimal_mark():
    with translation.override("id"):
        assert tags.duration(5400) == "1,5 jam" and tags.duration(3 * 86400) == "3,0 hari"
    with translation.override("en"):
        assert "47.0" in tags.duration(47 * 3600) and "2.0" in tags.duration(48 * 3600)
    assert tags.duration(None) == "—"


def test_small_filters():
    assert tags.get({"a": 1}, "a") == 1 and tags.get(None, "a") is None
    with translation.override("id"):
        assert tags.actor_kind_label("reporter") == "pelapor" and tags.actor_kind_label("robot") == "robot"
