"""Fixtures shared by the organization tests: two administrators, and the Biro Pemerintahan unit."""

from __future__ import annotations

import pytest

from sigap.organization.models import Unit

from .helpers import superuser


@pytest.fixture
def two_admins():
    return superuser("admin.satu"), superuser("admin.dua")


@pytest.fixture
def biro():
    return Unit.objects.get(code="biro-pemerintahan")
