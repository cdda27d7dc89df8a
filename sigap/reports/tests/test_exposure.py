"""The one rule for what each audience may see of a report (pure: no database)."""

from __future__ import annotations

import math
import random

import pytest

from sigap.reports.exposure import (
    OVERSIGHT_GRID_DEG,
    PUBLIC_GRID_DEG,
    Audience,
    Facts,
    Precision,
    Shown,
    cell_centre,
    cell_of,
    cells_near,
    expose,
    handler_point,
    snap,
)

PB = dict(area_name="Pondok Bambu", area_lat=-6.23512, area_lon=106.90091)


def facts(privacy="private", sensitive=False, lat=-6.23717, lon=106.89853, address="Jl. Mawar No. 14", **kw) -> Facts:
    return Facts(privacy=privacy, sensitive=sensitive, lat=lat, lon=lon, address=address, **{**PB, **kw})


def test_every_point_of_a_cell_is_shown_at_the_same_grid_point_on_every_request():
    rng = random.Random(7)
    centre = snap(-6.23717, 106.89853, PUBLIC_GRID_DEG)
    assert centre == (-6.238, 106.898)
    half = PUBLIC_GRID_DEG / 2 * 0.999
    for _ in range(500):
        lat = centre[0] + rng.uniform(-half, half)
        lon = centre[1] + rng.uniform(-half, half)
        shown = expose(facts("public", lat=lat, lon=lon), Audience.PUBLIC)
        assert shown.point == centre and shown.precision == Precision.PUBLIC_CELL


def test_the_public_sees_publik_non_sensitive_reports_only_and_never_the_address():
    public = expose(facts("public"), Audience.PUBLIC)
    assert public.listed and public.number and public.category and public.description and public.handling_unit
    assert public.address is None and public.area == "Pondok Bambu" and public.point == (-6.238, 106.898)
    assert not public.notes  # what was written to the reporter is theirs
    assert expose(facts("public"), Audience.REPORTER).notes and expose(facts("public"), Audience.HANDLER).notes
    for privacy in ("private", "anonymous"):
        assert expose(facts(privacy), Audience.PUBLIC) == Shown()  # as if it did not exist
    hidden = expose(facts("public", sensitive=True), Audience.PUBLIC)
    assert not hidden.listed and not hidden.counted and hidden.point is None


def test_a_neighbour_only_counts_a_private_report_by_its_cell():
    shown = expose(facts("private"), Audience.NEIGHBOUR)
    assert shown.counted and not shown.listed and not shown.number
    assert not (shown.category or shown.description or shown.handling_unit or shown.address or shown.point)
    assert shown.cell == cell_of(-6.23717, 106.89853, PUBLIC_GRID_DEG)
    assert expose(facts("private", sensitive=True), Audience.NEIGHBOUR) == Shown()  # not even counted
    assert expose(facts("public"), Audience.NEIGHBOUR) == expose(facts("public"), Audience.PUBLIC)


def test_the_reporter_sees_its_address_except_for_a_sensitive_category_which_shows_only_the_kelurahan():
    own = expose(facts("private"), Audience.REPORTER)
    assert own.listed and own.address == "Jl. Mawar No. 14" and own.point == (-6.238, 106.898)
    sensitive = expose(facts("private", sensitive=True), Audience.REPORTER)
    assert sensitive.address is None and sensitive.precision == Precision.AREA
    assert sensitive.point == (-6.235, 106.901) and sensitive.area == "Pondok Bambu"


def test_a_handler_sees_the_point_to_about_ten_metres_and_an_overseer_only_a_coarse_cell():
    handler = expose(facts("private", lat=-6.2371749, lon=106.8985321), Audience.HANDLER)
    assert handler.point == (-6.2372, 106.8985) and handler.address == "Jl. Mawar No. 14" and handler.number
    over = expose(facts("private", sensitive=True), Audience.OVERSIGHT)
    assert over.counted and not over.listed and not over.category and not over.handling_unit
    assert over.address is None and over.point == (-6.24, 106.9) and over.precision == Precision.OVERSIGHT_CELL
    assert over.cell == cell_of(-6.23717, 106.89853, OVERSIGHT_GRID_DEG)


def test_the_handlers_point_asked_alone_is_the_point_the_whole_rule_gives_a_handler():
    """The dashboard map asks ``handler_point`` for each of up to 2,000 points; it must say what ``expose``
    says to a handler, whatever the privacy or category, and nothing where ``expose`` falls back to the area."""
    rng = random.Random(11)
    cases = [(None, None), (-6.2, None), (math.nan, 106.9), (-6.2, math.inf), (-6.23717, 106.89853)]
    cases += [(rng.uniform(-6.4, -6.1), rng.uniform(106.6, 107.0)) for _ in range(200)]
    for lat, lon in cases:
        for privacy in ("public", "private", "anonymous"):
            for sensitive in (False, True):
                shown = expose(facts(privacy, sensitive=sensitive, lat=lat, lon=lon), Audience.HANDLER)
                point = handler_point(lat, lon)
                if point is None:
                    assert shown.precision == Precision.AREA and shown.point == (-6.235, 106.901)
                else:
                    assert (point, shown.precision) == (shown.point, Precision.FINE)
                # and what the map shows beside the point is what the rule lets a handler see
                assert shown.listed and shown.number and shown.category and shown.handling_unit


def test_reports_without_coordinates_fall_back_to_the_kelurahan():
    shown = expose(facts("public", lat=None, lon=None), Audience.PUBLIC)
    assert shown.point == (-6.235, 106.901) and shown.precision == Precision.AREA
    assert expose(facts("private", lat=None, lon=None, area_lat=None, area_lon=None), Audience.OVERSIGHT).point is None


@pytest.mark.parametrize("audience", list(Audience))
def test_not_a_number_is_never_a_point(audience):
    shown = expose(facts("public", lat=float("nan"), lon=106.9, area_lat=None, area_lon=None), audience)
    assert shown.point is None


def test_neighbourhoods_are_decided_between_cells():
    a = cell_of(-6.2372, 106.8985, PUBLIC_GRID_DEG)
    assert cells_near(a, a) and cells_near(a, (a[0] + 1, a[1] - 1)) and not cells_near(a, (a[0] + 2, a[1]))
    assert cell_centre(a, PUBLIC_GRID_DEG) == (-6.238, 106.898)
