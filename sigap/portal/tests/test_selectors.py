"""Portal reads (``sigap.portal.selectors``). "Similar reports nearby" at a hot spot: the rows read do not grow
with the open reports around the resident."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.portal import selectors
from sigap.reports import exposure
from sigap.reports.tests.factories import inner_point

from .conftest import PB

pytestmark = pytest.mark.django_db


def file_near(n: int, privacy: str) -> list:
    lat, lon = inner_point(PB)
    subs = [
        Submission(
            category="saluran-tersumbat",
            description=f"Got mampet di gang Mawar, air meluap ({i}).",
            lat=lat + (i % 7) * 1e-4,
            lon=lon + (i % 5) * 1e-4,
            channel="api",
            privacy=privacy,
            reporter=Reporter() if privacy == "anonymous" else Reporter(name="Budi", phone="081234567890"),
        )
        for i in range(n)
    ]
    return [r.report for start in range(0, n, 100) for r in report_submit_many(subs[start : start + 100])]


@pytest.mark.parametrize("nearby", [10, 200])
def test_similar_reports_read_a_bounded_number_of_rows_however_many_are_open_nearby(monkeypatch, nearby):
    public = file_near(nearby, "public")
    file_near(nearby, "private")
    file_near(3, "anonymous")
    placed = []
    real = exposure.expose_report
    monkeypatch.setattr(exposure, "expose_report", lambda r, a: placed.append(r) or real(r, a))
    lat, lon = inner_point(PB)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.similar_reports_near(category_code="saluran-tersumbat", lat=lat, lon=lon)
    # every private report is still counted and the most recent Publik ones of the resident's cell are shown
    assert found.private_count == nearby + 3
    here = exposure.cell_of(lat, lon, exposure.PUBLIC_GRID_DEG)

    def step(r):
        cell = exposure.cell_of(r.lat, r.lon, exposure.PUBLIC_GRID_DEG)
        return max(abs(cell[0] - here[0]), abs(cell[1] - here[1]))

    best = sorted((r for r in public if step(r) <= 1), key=lambda r: (step(r), -r.created_at.timestamp()))
    assert [s.number for s in found.public] == [r.number for r in best][: selectors.SIMILAR_LIMIT]
    # ... yet no more rows are read into Python, nor statements run, with 200 around than with 10
    assert len(placed) <= 4 * selectors.SIMILAR_LIMIT
    assert len(queries.captured_queries) == 5  # the category, two short lists, a count, the edge of the block
