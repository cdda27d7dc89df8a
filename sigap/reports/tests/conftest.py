"""Fixtures shared by the report tests: an officer at Kelurahan Pondok Bambu, one at the Suku Dinas Bina Marga of
Jakarta Timur, and a validator."""

from __future__ import annotations

import pytest

from sigap.organization.models import StaffRole


@pytest.fixture
def pb_officer(staff):
    return staff("petugas.pb", "kel:31.75.07.1002")


@pytest.fixture
def sudin_officer(staff):
    return staff("sudin.bm.jt", "sudin-bina-marga:31.75")


@pytest.fixture
def validator(staff):
    return staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
