"""Where an officer may pass a report on (``sigap.officers.flow``): the tupoksi suggestions for koordinasi (never the
handling unit), the active units directly below it for disposisi, and the unit search. That the unit a complaint is
about is never offered is tested in sigap/reports/tests/test_conflict_of_interest.py."""

from __future__ import annotations

import pytest

from sigap.officers.flow import report_suggestions, units_search
from sigap.organization.models import Unit
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db


def codes(units) -> list[str]:
    return [u.code for u in units]


def test_a_kelurahan_is_offered_the_units_responsible_here_and_has_nobody_below():
    report = submit("jalan-rusak").report
    assert report.unit.code == "kel:31.75.07.1002"
    suggested = report_suggestions(report)
    assert suggested.coordinate and suggested.coordinate[0].code == "sudin-bina-marga:31.75"
    assert "kel:31.75.07.1002" not in codes(suggested.coordinate)  # never the unit holding it
    assert len(suggested.coordinate) <= 5 and suggested.dispose == []


def test_an_agency_may_dispose_to_its_active_units_below(staff):
    report = submit("ketenagakerjaan", description="Gaji karyawan pabrik tidak dibayar dua bulan.").report
    report.unit = Unit.objects.get(code="disnakertransgi")
    assert set(codes(report_suggestions(report).dispose)) == {
        "disnakertransgi:pengawasan",
        "disnakertransgi:hubungan-sosial",
    }
    Unit.objects.filter(code="disnakertransgi:pengawasan").update(active=False)
    assert codes(report_suggestions(report).dispose) == ["disnakertransgi:hubungan-sosial"]


def test_a_report_without_a_place_gets_no_tupoksi_suggestion():
    report = submit().report
    report.kelurahan = None
    assert report_suggestions(report).coordinate == []


def test_the_unit_search_finds_active_units_by_name_or_code_in_code_order():
    found = codes(units_search("bina marga"))
    assert found == sorted(found) and "dinas-bina-marga" in found and "sudin-bina-marga:31.75" in found
    assert codes(units_search("inspektorat")) == ["inspektorat"]
    Unit.objects.filter(code="inspektorat").update(active=False)
    assert codes(units_search("inspektorat")) == []
    assert len(units_search("", limit=3)) == 3 and len(units_search("", limit=10_000)) == 100
    assert len(units_search("", limit=0)) == 1


def test_a_pothole_is_offered_only_units_responsible_for_its_kind_of_problem():
    """The list used to be filled up to five with the units of unrelated categories, by category code (a pothole
    offered Dinas Kependudukan, PAM Jaya, Dishub): only the category's own unit and those of its group now."""
    report = submit("jalan-rusak").report
    assert codes(report_suggestions(report).coordinate) == ["sudin-bina-marga:31.75"]


def test_the_unit_search_matches_every_word_in_any_order():
    """ "bina marga timur" found nothing: the whole phrase had to appear in the name."""
    assert "sudin-bina-marga:31.75" in codes(units_search("bina marga timur"))
    assert "sudin-bina-marga:31.75" in codes(units_search("timur  BINA marga"))
    assert codes(units_search("bina marga timur zzz")) == []
