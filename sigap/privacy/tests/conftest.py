"""Fixtures shared by the privacy tests."""

from __future__ import annotations

import pytest

from sigap.organization.models import StaffRole
from sigap.privacy.access_log import Action, access_record, access_verify


@pytest.fixture
def chain(staff):
    """Five verified access-log rows written by an officer (returned)."""
    user = staff("petugas.pb", "kel:31.75.07.1002")
    for i in range(5):
        access_record(actor=user, action=Action.VIEW_REPORT, report_number=f"JK2026112800{i:02d}")
    assert access_verify().ok
    return user


@pytest.fixture
def ppid(staff):
    return (
        staff("ppid.satu", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER),
        staff("ppid.dua", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER),
    )
