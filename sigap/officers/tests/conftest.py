"""Fixtures shared by the officer tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def otp_on(settings):
    """The second factor required, as in production (the test settings switch it off)."""
    settings.SIGAP_OTP_REQUIRED = True
    return settings
