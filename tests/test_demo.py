"""`sigap demo` loads the reference data, demo accounts and sample reports, and can run again safely."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from sigap.organization.models import Category, StaffRole, Tupoksi, Unit, Wilayah
from sigap.reports.models import Hop, Report

pytestmark = pytest.mark.django_db


def counts():
    return (
        Wilayah.objects.count(),
        Unit.objects.count(),
        Tupoksi.objects.count(),
        Category.objects.count(),
        get_user_model().objects.count(),
        StaffRole.objects.count(),
        Report.objects.count(),
        Hop.objects.count(),
    )


def test_demo_is_idempotent_and_prints_the_logins(monkeypatch):
    monkeypatch.setenv("SIGAP_DEMO_PASSWORD", "another-demo-pass")
    out = io.StringIO()
    call_command("demo", "--no-progress", stdout=out)
    first = counts()
    text = out.getvalue()
    assert "petugas.pondokbambu" in text and "validator" in text and "$SIGAP_DEMO_PASSWORD" in text
    call_command("demo", "--no-progress", stdout=io.StringIO())
    assert counts() == first
    assert Report.objects.filter(is_demo=True).count() >= 24
    statuses = set(Report.objects.values_list("status", flat=True))
    assert {
        "waiting",
        "koordinasi",
        "in_progress",
        "awaiting_validation",
        "done",
        "followup_rejected",
        "rejected",
        "awaiting_reporter",
    } <= statuses
    assert get_user_model().objects.get(username="petugas.pondokbambu").check_password("another-demo-pass")


def test_the_demo_names_the_sigap_program_as_it_can_be_run_from_here(monkeypatch, tmp_path):
    """After ``make run`` the virtual environment is not activated: ``sigap`` alone is not found, so the demo's
    hint names ``.venv/bin/sigap``; ``sigap`` when that is what the PATH finds."""
    from sigap.config.management.commands.demo import sigap_command

    program = tmp_path / ".venv" / "bin" / "sigap"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [str(program), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert sigap_command() == ".venv/bin/sigap"
    monkeypatch.setenv("PATH", f"{program.parent}:/usr/bin:/bin")
    assert sigap_command() == "sigap"
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # the program is not below the current folder
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert sigap_command() == str(program)
    monkeypatch.setattr("sys.argv", ["manage.py", "demo"])
    assert sigap_command() == "sigap"


def test_reference_data_has_the_whole_jakarta_unit_tree():
    assert Wilayah.objects.filter(level=4, geometry__isnull=False).count() == 267
    assert Unit.objects.filter(kind="kota").count() == 6
    assert Unit.objects.filter(kind="kecamatan").count() == 44
    assert Unit.objects.filter(kind="kelurahan").count() == 267
    assert Unit.objects.filter(template="sudin-bina-marga").count() == 6
    assert Unit.objects.filter(template="satpol-pp-kecamatan").count() == 44
    assert Unit.objects.get(code="sudin-bina-marga:31.75").name == "Suku Dinas Bina Marga Jakarta Timur"
    assert Unit.objects.get(code="disnakertransgi:pengawasan").parent.code == "disnakertransgi"
    assert Unit.objects.get(code="pam-jaya").external is True
    for code in ("biro-pemerintahan", "inspektorat", "disnakertransgi:hubungan-sosial"):
        assert Unit.objects.filter(code=code).exists()


def test_tupoksi_is_data_a_city_changes_without_code():
    from sigap.reports.tests.factories import submit

    # Rubbish is Suku Dinas LH's per kota, verified by the kelurahan first. A more specific rule for
    # Kecamatan Duren Sawit hands it straight to the kecamatan instead; the rest of the city is unchanged.
    Tupoksi.objects.create(
        category=Category.objects.get(code="sampah"),
        wilayah=Wilayah.objects.get(code="31.75.07"),
        unit=Unit.objects.get(code="kec:31.75.07"),
        kelurahan_verifies=False,
    )
    text = "Sampah menumpuk di TPS tidak diangkut tiga hari."
    assert submit("sampah", "31.75.07.1002", description=text).report.unit.code == "kec:31.75.07"
    assert submit("sampah", "31.71.01.1001", description=text).report.unit.code == "kel:31.71.01.1001"
    # ... and turning the kelurahan verification off for the kota rule sends it straight to the Suku Dinas.
    Tupoksi.objects.filter(category__code="sampah", wilayah__code="31.71").update(kelurahan_verifies=False)
    assert submit("sampah", "31.71.01.1001", description=text).report.unit.code == "sudin-lh:31.71"
