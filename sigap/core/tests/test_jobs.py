"""``isolated``: one row's error is logged and the job goes on; a lost database connection stops it."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError

from sigap.core.jobs import FAILED, isolated


def test_a_rows_result_comes_back_and_its_error_is_logged_as_failed(caplog):
    assert isolated("job", 1, lambda a, b=0: a + b, 2, b=3) == 5

    def boom():
        raise KeyError("missing")

    with caplog.at_level("ERROR", logger="sigap.core.jobs"):
        assert isolated("closing of report", 42, boom) is FAILED
    assert "closing of report: 42 failed" in caplog.text and "KeyError" in caplog.text


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_lost_database_connection_stops_the_job(error):
    def lost():
        raise error("server closed the connection unexpectedly")

    with pytest.raises(error):
        isolated("job", 1, lost)
