"""Tests of the pure routing rules (no Django, no database).

Geometry fixtures are tiny squares (a few hundred metres); the Jakarta tests use the shipped
``sigap/data/jakarta_kelurahan.geojson``. Every hard-coded Jakarta coordinate below was checked
against that file (see the comment next to it).
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping

from sigap.core.errors import DomainError, NoTupoksi, OutsideArea
from sigap.routing.rules import KelurahanIndex, Location, RuleBook, TupoksiRule

DATA = Path(__file__).resolve().parents[2] / "data" / "jakarta_kelurahan.geojson"

# Rough metres per degree at 6 deg S (WGS84), independent of the module's own formula; the
# assertions using them allow 0.5 %.
M_PER_DEG_LAT_6S = 110_590.0
M_PER_DEG_LON_6S = 110_715.0


def approx_m(expected: float, rel: float = 0.005):
    return pytest.approx(expected, rel=rel)


# =========================================================================== Jakarta data


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def jakarta(collection) -> KelurahanIndex:
    return KelurahanIndex.from_geojson(collection)


@pytest.fixture(scope="module")
def name(collection) -> dict[str, str]:
    return {f["properties"]["kode_kelurahan"]: f["properties"]["nama_kelurahan"] for f in collection["features"]}


def _features():
    collection = json.loads(DATA.read_text(encoding="utf-8"))
    return [f["properties"] for f in collection["features"]]


def test_jakarta_index_has_all_267_kelurahan(jakarta):
    assert len(jakarta) == 267


@pytest.mark.parametrize("props", _features(), ids=lambda p: f"{p['kode_kelurahan']}-{p['nama_kelurahan']}")
def test_titik_dalam_of_every_kelurahan_locates_inside_that_kelurahan(jakarta, props):
    loc = jakarta.locate(props["titik_dalam_lon"], props["titik_dalam_lat"])
    assert loc == Location(props["kode_kelurahan"], "inside", 0.0)


@pytest.mark.parametrize(
    "place, lon, lat, expected_name",
    [
        ("Monas", 106.8272, -6.1754, "Gambir"),
        ("Blok M", 106.7991, -6.2443, "Melawai"),
        ("Kota Tua / Fatahillah", 106.8133, -6.1352, "Pinangsia"),
        ("Pulau Pramuka", 106.6145, -5.7457, "Pulau Panggang"),
        ("Pluit", 106.7915, -6.1175, "Pluit"),
        ("Pantai Indah Kapuk", 106.7400, -6.1100, "Kamal Muara"),
    ],
)
def test_well_known_places_locate_to_their_kelurahan(jakarta, name, place, lon, lat, expected_name):
    loc = jakarta.locate(lon, lat)
    assert (name[loc.code], loc.method) == (expected_name, "inside")


# Points in two polygons (the data's small overlaps), found by scanning a 0.0005 deg grid. In both
# the deeper polygon has the LARGER code, so a code-only tie-break would fail these.
JAKARTA_OVERLAPS = [
    # lon, lat, expected (depth ~5.8 m), other (depth ~2.7 m)
    (106.8205, -6.1680, "31.71.01.1004", "31.71.01.1003"),  # Petojo Selatan over Petojo Utara
    (106.8100, -6.1610, "31.73.04.1004", "31.71.01.1006"),  # Tanah Sereal over Duri Pulo
]


@pytest.mark.parametrize("lon, lat, expected, other", JAKARTA_OVERLAPS)
def test_jakarta_overlap_goes_to_the_kelurahan_the_point_is_deepest_in(jakarta, collection, lon, lat, expected, other):
    assert jakarta.locate(lon, lat) == Location(expected, "overlap", 0.0)
    # The same answer whatever the order of the features.
    reversed_index = KelurahanIndex.from_geojson(
        {"type": "FeatureCollection", "features": collection["features"][::-1]}
    )
    assert reversed_index.locate(lon, lat) == Location(expected, "overlap", 0.0)
    assert expected > other


# A real sliver gap on the mainland (between Sunter Agung and Sunter Jaya), found by scanning a
# 0.0002 deg grid over the mainland for points in no polygon: 3.25 m from Sunter Agung, 7.15 m from
# Sunter Jaya.
GAP_LON, GAP_LAT = 106.8588, -6.1488
# Ancol beachfront, just seaward of the coarse coastline: 31.6 m north of the Ancol polygon, in no
# polygon.
ANCOL_BEACH_LON, ANCOL_BEACH_LAT = 106.8400, -6.12065
# Reclaimed island Pulau D / Pantai Maju. (106.770, -6.100) is only ~290 m off the Pluit/Kapuk Muara
# polygons, so the point used is farther into the island: ~970 m from Pluit.
PULAU_D_LON, PULAU_D_LAT = 106.7750, -6.0940


def test_point_in_a_real_sliver_gap_snaps_to_the_nearest_kelurahan(jakarta):
    loc = jakarta.locate(GAP_LON, GAP_LAT)
    assert (loc.code, loc.method) == ("31.72.02.1006", "nearest")  # Sunter Agung
    assert 2.0 < loc.distance_m < 5.0


def test_ancol_beachfront_just_off_the_coarse_coastline_snaps_to_ancol(jakarta):
    loc = jakarta.locate(ANCOL_BEACH_LON, ANCOL_BEACH_LAT)
    assert (loc.code, loc.method) == ("31.72.05.1003", "nearest")  # Ancol
    assert 25.0 < loc.distance_m < 40.0


def test_pulau_d_reclamation_is_outside_the_service_area(jakarta):
    with pytest.raises(OutsideArea) as caught:
        jakarta.locate(PULAU_D_LON, PULAU_D_LAT)
    err = caught.value
    assert err.nearest_code == "31.72.01.1005"  # Pluit
    assert 850.0 < err.distance_m < 1100.0
    assert (err.status, err.code) == (422, "outside_area")
    assert "luar wilayah layanan" in err.message_id and "Pluit" in err.message_id
    assert "outside the service area" in err.message_en and "Pluit" in err.message_en
    assert "31.72" not in err.message_id  # a resident reads the kelurahan's name, not its code (a CRM team's walk)
    assert jakarta.locate_many([PULAU_D_LON], [PULAU_D_LAT]) == [None]


def test_far_away_point_is_outside_with_distance_in_kilometres(jakarta):
    # Bandung, ~120 km south-east of Jakarta.
    with pytest.raises(OutsideArea) as caught:
        jakarta.locate(107.6191, -6.9175)
    err = caught.value
    assert err.nearest_code.startswith("31.7")
    assert 90_000 < err.distance_m < 140_000
    assert " km" in err.message_en and " km" in err.message_id


def test_locate_and_locate_many_agree_on_random_jakarta_points(jakarta):
    rng = np.random.default_rng(7)
    lons = rng.uniform(106.68, 106.98, 2000)
    lats = rng.uniform(-6.38, -6.08, 2000)
    extra = [(lon, lat) for lon, lat, *_ in JAKARTA_OVERLAPS] + [
        (GAP_LON, GAP_LAT),
        (ANCOL_BEACH_LON, ANCOL_BEACH_LAT),
        (PULAU_D_LON, PULAU_D_LAT),
    ]
    lons = np.concatenate([lons, [p[0] for p in extra]])
    lats = np.concatenate([lats, [p[1] for p in extra]])

    bulk = jakarta.locate_many(lons, lats)
    single = []
    for lon, lat in zip(lons.tolist(), lats.tolist()):
        try:
            single.append(jakarta.locate(lon, lat))
        except OutsideArea:
            single.append(None)
    assert single == bulk
    methods = {loc.method if loc else None for loc in bulk}
    assert methods == {"inside", "overlap", "nearest", None}


# =========================================================================== tiny-square fixtures

# Near Jakarta's latitude; 0.001 deg is ~111 m.
X0, Y0 = 106.0, -6.0


def sq(x: float, y: float, side: float) -> object:
    """A square with its south-west corner at (X0 + x, Y0 + y), sizes in degrees."""
    return box(X0 + x, Y0 + y, X0 + x + side, Y0 + y + side)


# Two 0.002-deg squares overlapping over x in [0.0015, 0.002].
LEFT = ("31.02", sq(0.0, 0.0, 0.002))
RIGHT = ("31.01", sq(0.0015, 0.0, 0.002))


@pytest.mark.parametrize(
    "x, expected, why",
    [
        (0.0016, "31.02", "0.0004 deg deep in LEFT, 0.0001 in RIGHT: depth beats the smaller code"),
        (0.0019, "31.01", "0.0001 deg deep in LEFT, 0.0004 in RIGHT"),
        (0.00175, "31.01", "equally deep in both: smaller code"),
    ],
)
@pytest.mark.parametrize("order", ["given", "reversed"])
def test_overlap_picks_deeper_polygon_then_smaller_code_whatever_the_input_order(x, expected, why, order):
    areas = [LEFT, RIGHT] if order == "given" else [RIGHT, LEFT]
    index = KelurahanIndex(areas)
    assert index.locate(X0 + x, Y0 + 0.001) == Location(expected, "overlap", 0.0), why
    assert index.locate_many([X0 + x], [Y0 + 0.001]) == [Location(expected, "overlap", 0.0)]


def test_overlap_depth_is_measured_in_metres_not_degrees():
    # At 60 deg N a degree of longitude is half a degree of latitude. The point is 0.0004 deg
    # (~22 m) from A's east edge and 0.0003 deg (~33 m) from B's south edge: deeper in B in metres
    # although deeper in A in degrees.
    a = ("A", box(10.0, 60.0, 10.0014, 60.002))
    b = ("B", box(9.998, 60.0007, 10.004, 60.004))
    index = KelurahanIndex([a, b])
    assert index.locate(10.001, 60.001) == Location("B", "overlap", 0.0)


def test_point_on_shared_edge_of_adjacent_squares_goes_to_the_smaller_code():
    index = KelurahanIndex([("31.09", sq(0.001, 0.0, 0.001)), ("31.08", sq(0.0, 0.0, 0.001))])
    assert index.locate(X0 + 0.001, Y0 + 0.0005) == Location("31.08", "overlap", 0.0)


def test_point_on_outer_boundary_counts_as_inside():
    index = KelurahanIndex([("A", sq(0.0, 0.0, 0.001))])
    for x, y in [(0.0, 0.0), (0.001, 0.001), (0.0005, 0.001), (0.001, 0.0003)]:
        assert index.locate(X0 + x, Y0 + y) == Location("A", "inside", 0.0)


def test_result_does_not_depend_on_the_order_of_many_areas():
    squares = [(f"31.{i:02d}", sq(0.0007 * (i % 5), 0.0007 * (i // 5), 0.001)) for i in range(25)]
    rng = random.Random(3)
    points = [(X0 + rng.uniform(-0.001, 0.005), Y0 + rng.uniform(-0.001, 0.005)) for _ in range(300)]
    expected = KelurahanIndex(squares).locate_many(*zip(*points))
    for _ in range(3):
        shuffled = squares[:]
        rng.shuffle(shuffled)
        index = KelurahanIndex(shuffled)
        assert index.locate_many(*zip(*points)) == expected
        assert [index.locate(*p) if r else None for p, r in zip(points, expected)] == expected


# A 0.001-deg square and another 0.004 deg (~443 m) east of it.
WEST = ("31.05", sq(0.0, 0.0, 0.001))
EAST = ("31.04", sq(0.005, 0.0, 0.001))


@pytest.mark.parametrize(
    "dx_m, expected, method",
    [
        (30.0, "31.05", "nearest"),
        (95.0, "31.05", "nearest"),
        (-30.0, "31.04", "nearest"),  # measured from EAST's west edge
    ],
)
def test_point_in_a_gap_snaps_to_the_nearest_square_within_100_m(dx_m, expected, method):
    index = KelurahanIndex([WEST, EAST])
    x = X0 + 0.001 + dx_m / M_PER_DEG_LON_6S if dx_m > 0 else X0 + 0.005 + dx_m / M_PER_DEG_LON_6S
    loc = index.locate(x, Y0 + 0.0005)
    assert (loc.code, loc.method) == (expected, method)
    assert loc.distance_m == approx_m(abs(dx_m))


def test_gap_distance_uses_metres_for_the_latitude_north_of_a_square():
    index = KelurahanIndex([WEST])
    loc = index.locate(X0 + 0.0005, Y0 + 0.001 + 80.0 / M_PER_DEG_LAT_6S)
    assert (loc.code, loc.method) == ("31.05", "nearest")
    assert loc.distance_m == approx_m(80.0)


def test_gap_point_equally_far_from_two_squares_goes_to_the_smaller_code():
    index = KelurahanIndex([("B", sq(0.0011, 0.0, 0.001)), ("A", sq(0.0, 0.0, 0.001))])
    loc = index.locate(X0 + 0.00105, Y0 + 0.0005)
    assert (loc.code, loc.method) == ("A", "nearest")


def test_point_beyond_100_m_is_outside_with_nearest_code_and_distance():
    index = KelurahanIndex([WEST, EAST])
    with pytest.raises(OutsideArea) as caught:
        index.locate(X0 + 0.001 + 150.0 / M_PER_DEG_LON_6S, Y0 + 0.0005)
    err = caught.value
    assert err.nearest_code == "31.05"
    assert err.distance_m == approx_m(150.0)
    assert (err.status, err.code) == (422, "outside_area")
    assert "150 m" in err.message_en and "150 m" in err.message_id


def test_max_snap_m_is_configurable():
    point = (X0 + 0.001 + 150.0 / M_PER_DEG_LON_6S, Y0 + 0.0005)
    assert KelurahanIndex([WEST], max_snap_m=200).locate(*point).method == "nearest"
    with pytest.raises(OutsideArea):
        KelurahanIndex([WEST], max_snap_m=0).locate(X0 + 0.0011, Y0 + 0.0005)


def test_nearest_search_radius_never_misses_a_polygon_within_max_snap_m_at_high_latitude():
    # At 70 deg N, 90 m east is ~0.0023 deg of longitude, far more than 90 m expressed in degrees
    # of latitude (~0.0008): a radius computed from latitude degrees would miss the square.
    index = KelurahanIndex([("A", box(10.0, 70.0, 10.001, 70.001))])
    kx = 111_695.0 * math.cos(math.radians(70.0))  # approx metres per degree of longitude
    loc = index.locate(10.001 + 90.0 / kx, 70.0005)
    assert (loc.code, loc.method) == ("A", "nearest")
    assert loc.distance_m == approx_m(90.0, rel=0.01)


def test_multipolygon_areas_are_supported():
    island = MultiPolygon([sq(0.0, 0.0, 0.001), sq(0.003, 0.0, 0.001)])
    index = KelurahanIndex([("P", island), ("Q", sq(0.0015, 0.0, 0.001))])
    assert index.locate(X0 + 0.0035, Y0 + 0.0005).code == "P"
    assert index.locate(X0 + 0.002, Y0 + 0.0005).code == "Q"


@pytest.mark.parametrize(
    "lon, lat, field",
    [
        (106.8, float("nan"), "lat"),
        (float("nan"), -6.2, "lon"),
        (106.8, float("inf"), "lat"),
        (float("-inf"), -6.2, "lon"),
        (106.8, 90.0001, "lat"),
        (106.8, -91.0, "lat"),
        (180.5, -6.2, "lon"),
        (-181.0, -6.2, "lon"),
        (106.8, None, "lat"),
        ("timur", -6.2, "lon"),
    ],
)
def test_invalid_coordinates_are_refused(jakarta, lon, lat, field):
    with pytest.raises(DomainError) as caught:
        jakarta.locate(lon, lat)
    err = caught.value
    assert not isinstance(err, OutsideArea)
    assert (err.code, err.status, err.field) == ("invalid_coordinates", 422, field)
    assert err.message_id.startswith("Koordinat tidak valid")


def test_locate_many_refuses_invalid_coordinates_and_names_the_position(jakarta):
    with pytest.raises(DomainError) as caught:
        jakarta.locate_many([106.8, 106.8, 106.8], [-6.2, float("nan"), -6.2])
    assert (caught.value.code, caught.value.field) == ("invalid_coordinates", "lat")
    assert "#1" in caught.value.message_en


def test_extreme_but_valid_coordinates_are_outside_not_invalid(jakarta):
    for lon, lat in [(180.0, 90.0), (-180.0, -90.0), (0.0, 0.0)]:
        with pytest.raises(OutsideArea):
            jakarta.locate(lon, lat)


def test_locate_many_handles_empty_and_mismatched_input(jakarta):
    assert jakarta.locate_many([], []) == []
    with pytest.raises(ValueError):
        jakarta.locate_many([106.8, 106.9], [-6.2])


def test_locate_and_locate_many_agree_on_points_including_exact_edges_and_corners():
    # Binary-fraction coordinates, so lattice points fall exactly on square edges and corners.
    s = 2.0**-10
    squares = [(f"K{i}{j}", box(i * s, j * s, (i + 1) * s, (j + 1) * s)) for i in range(4) for j in range(4)]
    squares.append(("K99", box(0.5 * s, 0.5 * s, 2.5 * s, 1.5 * s)))  # overlaps several
    index = KelurahanIndex(squares, max_snap_m=50)
    lattice = [k * s / 4 for k in range(-3, 20)]
    points = list(itertools.product(lattice, lattice))
    rng = random.Random(11)
    points += [(rng.uniform(-0.001, 0.005), rng.uniform(-0.001, 0.005)) for _ in range(500)]
    lons, lats = zip(*points)
    bulk = index.locate_many(lons, lats)
    single = []
    for lon, lat in points:
        try:
            single.append(index.locate(lon, lat))
        except OutsideArea:
            single.append(None)
    assert single == bulk
    assert {loc.method if loc else None for loc in bulk} == {"inside", "overlap", "nearest", None}


@pytest.mark.parametrize(
    "areas, message",
    [
        ([], "at least one"),
        ([("A", sq(0, 0, 0.001)), ("A", sq(0.002, 0, 0.001))], "duplicate"),
        ([("A", Point(X0, Y0))], "Polygon"),
        ([("", sq(0, 0, 0.001))], "non-empty"),
        ([("A", sq(0, 0, 0.001).boundary)], "Polygon"),
        ([("A", Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]))], "invalid"),  # bow-tie
    ],
)
def test_index_refuses_bad_areas(areas, message):
    with pytest.raises(ValueError, match=message):
        KelurahanIndex(areas)


def test_from_geojson_refuses_features_without_a_code(collection):
    feature = dict(collection["features"][0])
    feature["properties"] = {"name": "tanpa kode"}
    with pytest.raises(ValueError, match="kode_kelurahan"):
        KelurahanIndex.from_geojson({"type": "FeatureCollection", "features": [feature]})


def test_from_geojson_reads_the_given_code_property_and_snap_distance():
    features = [
        {"type": "Feature", "properties": {"code": k}, "geometry": mapping(sq(x, 0.0, 0.001))}
        for k, x in [("X1", 0.0), ("X2", 0.002)]
    ]
    index = KelurahanIndex.from_geojson(
        {"type": "FeatureCollection", "features": features}, code_property="code", max_snap_m=10
    )
    assert len(index) == 2
    assert index.locate(X0 + 0.0025, Y0 + 0.0005) == Location("X2", "inside", 0.0)
    with pytest.raises(OutsideArea):  # ~55 m from both, beyond 10 m
        index.locate(X0 + 0.0015, Y0 + 0.0005)


# =========================================================================== tupoksi rules

JR = "jalan-rusak"
TR = "trotoar-rusak"
SAMPAH = "sampah"
BANJIR = "banjir"
LAIN = "lainnya"

RULES = [
    TupoksiRule(JR, "31", "dinas-bina-marga", True),  # province
    TupoksiRule(JR, "31.75", "sudin-bina-marga-jt", True),  # kota Jakarta Timur
    TupoksiRule(JR, "31.75.02", "kecamatan-jatinegara", False),  # kecamatan
    TupoksiRule(JR, "31.75.02.1001", "kelurahan-bali-mester", False),  # one kelurahan
    TupoksiRule(TR, "31", "dinas-bina-marga", True),
    TupoksiRule(TR, "31.75", "sudin-bina-marga-jt", True),
    TupoksiRule(SAMPAH, "31", "dinas-lh", False),
    TupoksiRule(SAMPAH, "31.75", "sudin-lh-jt", False),
    TupoksiRule(BANJIR, "31", "dinas-sda", True),
    TupoksiRule(LAIN, "", "biro-pemerintahan", False),  # everywhere
    TupoksiRule(LAIN, "31.71", "sudin-kominfo-jp", False),
]
GROUP = {
    JR: "infrastruktur",
    TR: "infrastruktur",
    "lampu-jalan": "infrastruktur",  # a category with no rule at all
    SAMPAH: "lingkungan",
    BANJIR: "lingkungan",
    LAIN: "umum",
}


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return RuleBook(RULES, category_group=GROUP)


@pytest.mark.parametrize(
    "category, kelurahan, unit",
    [
        (JR, "31.75.02.1001", "kelurahan-bali-mester"),  # kelurahan rule beats all
        (JR, "31.75.02.1002", "kecamatan-jatinegara"),  # kecamatan rule beats kota
        (JR, "31.75.01.1001", "sudin-bina-marga-jt"),  # kota rule beats province
        (JR, "31.71.01.1001", "dinas-bina-marga"),  # only the province rule covers it
        (JR, "31.75.02.10010", "kecamatan-jatinegara"),  # "31.75.02.1001" is no segment prefix
        (LAIN, "32.73.01.1001", "biro-pemerintahan"),  # "" covers even another province
        (LAIN, "31.71.01.1001", "sudin-kominfo-jp"),  # specific beats ""
        (LAIN, "", "biro-pemerintahan"),
    ],
)
def test_most_specific_wilayah_wins(book, category, kelurahan, unit):
    assert book.responsible(category=category, kelurahan=kelurahan).unit == unit


def test_responsible_returns_the_rule_with_its_verification_flag(book):
    assert book.responsible(category=JR, kelurahan="31.75.01.1001") == TupoksiRule(
        JR, "31.75", "sudin-bina-marga-jt", True
    )
    assert book.responsible(category=JR, kelurahan="31.75.02.1001").kelurahan_verifies is False


def test_wilayah_prefix_must_match_whole_segments():
    book = RuleBook([TupoksiRule(JR, "31.7", "salah", False)])
    with pytest.raises(NoTupoksi):
        book.responsible(category=JR, kelurahan="31.75.02.1001")
    assert book.responsible(category=JR, kelurahan="31.7.01.1001").unit == "salah"


@pytest.mark.parametrize("order", ["given", "reversed"])
def test_same_wilayah_tie_goes_to_smallest_unit_code(order):
    rules = [TupoksiRule(JR, "31.75", "unit-b", True), TupoksiRule(JR, "31.75", "unit-a", False)]
    book = RuleBook(rules if order == "given" else rules[::-1])
    assert book.responsible(category=JR, kelurahan="31.75.02.1001") == rules[1]


@pytest.mark.parametrize(
    "category, kelurahan",
    [
        (JR, "32.73.01.1001"),  # no rule outside Jakarta for this category
        ("tidak-ada", "31.75.02.1001"),  # unknown category
        (BANJIR, ""),
    ],
)
def test_no_responsible_unit_raises_no_tupoksi_naming_category_and_kelurahan(book, category, kelurahan):
    with pytest.raises(NoTupoksi) as caught:
        book.responsible(category=category, kelurahan=kelurahan)
    err = caught.value
    assert (err.status, err.code) == (422, "no_tupoksi")
    assert category in err.message_id and category in err.message_en
    assert kelurahan in err.message_id and kelurahan in err.message_en


def test_categories_lists_categories_with_rules(book):
    assert book.categories() == {JR, TR, SAMPAH, BANJIR, LAIN}


@pytest.mark.parametrize(
    "category, kelurahan, exclude, limit, expected",
    [
        # responsible first, then the same group (trotoar-rusak); never padded with the units of unrelated
        # categories (banjir, lainnya, sampah) to reach the limit
        (JR, "31.75.02.1001", None, 5, ["kelurahan-bali-mester", "sudin-bina-marga-jt"]),
        # the unit saying "bukan tupoksi" is never offered back
        (
            JR,
            "31.75.02.1001",
            "kelurahan-bali-mester",
            5,
            ["sudin-bina-marga-jt"],
        ),
        (JR, "31.75.02.1001", None, 2, ["kelurahan-bali-mester", "sudin-bina-marga-jt"]),
        (JR, "31.75.02.1001", None, 0, []),
        # same group for sampah is banjir; trotoar and jalan give the same unit (deduplicated)
        (
            SAMPAH,
            "31.71.01.1001",
            None,
            5,
            ["dinas-lh", "dinas-sda"],
        ),
        (SAMPAH, "31.71.01.1001", "dinas-lh", 2, ["dinas-sda"]),
        # outside Jakarta no rule of the group applies: nothing to suggest (the unit search remains)
        (JR, "32.73.01.1001", None, 5, []),
        # a category without a rule here still gets suggestions from its group
        (
            "lampu-jalan",
            "31.75.01.1001",
            None,
            5,
            ["sudin-bina-marga-jt"],
        ),
    ],
)
def test_suggestions_order_dedup_exclusion_and_limit(book, category, kelurahan, exclude, limit, expected):
    got = book.suggestions(category=category, kelurahan=kelurahan, exclude_unit=exclude, limit=limit)
    assert got == expected


def test_suggestions_without_groups_are_the_categorys_own_unit():
    book = RuleBook(RULES)
    assert book.suggestions(category=JR, kelurahan="31.75.02.1001", limit=3) == ["kelurahan-bali-mester"]


@pytest.mark.parametrize(
    "rule",
    [
        TupoksiRule(JR, "31.", "u", False),
        TupoksiRule(JR, ".31", "u", False),
        TupoksiRule(JR, "31..75", "u", False),
        TupoksiRule(JR, " 31", "u", False),
        TupoksiRule("", "31", "u", False),
        TupoksiRule(JR, "31", "", False),
    ],
)
def test_rulebook_refuses_malformed_rules(rule):
    with pytest.raises(ValueError):
        RuleBook([rule])


def test_rulebook_refuses_contradictory_duplicate_rules():
    with pytest.raises(ValueError, match="contradictory"):
        RuleBook([TupoksiRule(JR, "31", "u", False), TupoksiRule(JR, "31", "u", True)])
