"""Great-circle distance (``sigap.core.geo``). Pure: no database."""

from __future__ import annotations

import math

import pytest

from sigap.core.geo import EARTH_RADIUS_M, distance_m, on_earth


def test_the_same_point_is_zero_metres_away():
    assert distance_m(-6.2, 106.8, -6.2, 106.8) == 0.0


def test_one_degree_of_latitude_is_about_111_km_and_the_distance_is_symmetric():
    one_degree = distance_m(-6.0, 106.8, -7.0, 106.8)
    assert one_degree == pytest.approx(111_195, rel=1e-3)
    assert distance_m(-7.0, 106.8, -6.0, 106.8) == pytest.approx(one_degree)


def test_a_degree_of_longitude_shrinks_away_from_the_equator():
    at_equator = distance_m(0.0, 106.0, 0.0, 107.0)
    at_jakarta = distance_m(-6.2, 106.0, -6.2, 107.0)
    assert at_jakarta < at_equator and at_jakarta == pytest.approx(at_equator * 0.99415, rel=1e-3)


def test_monas_to_the_pondok_bambu_area_is_about_ten_km():
    assert distance_m(-6.1754, 106.8272, -6.2339, 106.9006) == pytest.approx(10_390, rel=0.02)


def test_antipodes_are_half_the_circumference_without_a_math_domain_error():
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(3.141592653589793 * EARTH_RADIUS_M)


def test_on_earth_takes_finite_latitudes_and_longitudes_only():
    assert on_earth(-6.23, 106.9) and on_earth(90, 180) and on_earth(-90, -180)
    for lat, lon in ((90.1, 0), (0, 180.5), (math.nan, 0), (0, math.inf), (-math.inf, 0)):
        assert not on_earth(lat, lon)
