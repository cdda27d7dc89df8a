"""``sigap.routing.places``: a kelurahan chosen from a list stands for its inner point (``kelurahan_point``);
free-text place names to kelurahan on the database's regions: the parser of ``routing/address.py`` (tested
without a database in test_address.py) fed with the Wilayah rows."""

from __future__ import annotations

import pytest

from sigap.organization.models import Wilayah
from sigap.routing.places import kelurahan_choosable, kelurahan_point

PB = "31.75.07.1002"  # Kelurahan Pondok Bambu, Jakarta Timur


@pytest.mark.django_db
def test_place_match_uses_the_parser_with_inner_points():
    from sigap.organization.models import Wilayah
    from sigap.routing.places import PlaceMatch, place_match

    matches = place_match("gg. mawar rt 05/03 pondok bambu duren sawit")
    assert matches and isinstance(matches[0], PlaceMatch)
    best = matches[0]
    w = Wilayah.objects.get(code=best.code)
    assert (best.name, best.lat, best.lon) == ("Pondok Bambu", w.inner_lat, w.inner_lon)
    assert 0.9 < best.confidence <= 0.99
    assert place_match("Got mampet parah di gang") == []


@pytest.mark.django_db
def test_place_match_streets_landmarks_and_ambiguity():
    from sigap.routing.places import address_parse, place_match

    assert place_match("depan stasiun manggarai")[0].name == "Manggarai"
    several = place_match("lampu mati di jl. pahlawan revolusi")
    assert {m.name for m in several} == {"Pondok Bambu", "Duren Sawit", "Klender"}
    assert address_parse("banjir di Tebet").ambiguous


@pytest.mark.django_db
def test_place_match_follows_changes_to_the_regions():
    from sigap.organization.models import Wilayah
    from sigap.routing.places import place_match

    assert place_match("banjir di Kelurahan Sukamakmur") == []
    kec = Wilayah.objects.get(code="31.75.07")
    Wilayah.objects.create(
        code="31.75.07.1099",
        name="Sukamakmur",
        level=Wilayah.Level.KELURAHAN,
        kind="kelurahan",
        parent=kec,
        inner_lat=-6.23,
        inner_lon=106.91,
    )
    assert place_match("banjir di Kelurahan Sukamakmur")[0].code == "31.75.07.1099"


# --- a kelurahan chosen from a list -------------------------------------------------------------


@pytest.mark.django_db
def test_a_chosen_kelurahan_stands_for_its_inner_point(django_assert_num_queries):
    w = Wilayah.objects.get(code=PB)
    with django_assert_num_queries(1):
        assert kelurahan_point(PB) == (w.inner_lat, w.inner_lon)


@pytest.mark.django_db
def test_the_inner_point_routes_to_that_kelurahan():
    from sigap.routing.cache import routing_data

    lat, lon = kelurahan_point(PB)
    assert routing_data().index.locate(lon, lat).code == PB


@pytest.mark.parametrize(
    "code",
    [
        "31.75.07",  # a kecamatan (Duren Sawit), not a kelurahan
        "31.75",  # a kota
        "31.75.07.9999",  # no such kelurahan
        "32.73.01.1001",  # a kelurahan of the region list outside the service area (Bandung)
        "31.75.07.1002'; --",
    ],
)
@pytest.mark.django_db
def test_anything_else_has_no_point(code):
    assert kelurahan_point(code) is None


@pytest.mark.django_db
def test_an_empty_choice_has_no_point_and_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert kelurahan_point("") is None


@pytest.mark.django_db
def test_a_kelurahan_without_an_inner_point_or_boundary_cannot_be_chosen():
    Wilayah.objects.filter(code=PB).update(inner_lat=None)
    assert kelurahan_point(PB) is None
    Wilayah.objects.filter(code="31.75.07.1001").update(geometry=None)
    assert kelurahan_point("31.75.07.1001") is None


@pytest.mark.django_db
def test_the_service_area_is_the_configured_province(settings):
    settings.SIGAP_PROVINCE = "32"
    assert kelurahan_point(PB) is None


@pytest.mark.django_db
def test_the_list_is_every_kelurahan_of_the_city_with_a_point():
    codes = set(kelurahan_choosable().values_list("code", flat=True))
    assert PB in codes and all(c.startswith("31.") and c.count(".") == 3 for c in codes)
    assert len(codes) == 267  # sigap/data/jakarta_kelurahan.geojson


@pytest.mark.django_db
def test_place_decide_places_asks_or_says_only_a_kecamatan():
    from sigap.routing.places import place_decide

    sure = place_decide("Jl. Pahlawan Revolusi No. 3, Kel. Pondok Bambu, Kec. Duren Sawit")
    assert sure.placed.code == "31.75.07.1002" and sure.ask == ()
    torn = place_decide("Pondok Bambu atau Pondok Kelapa")
    assert torn.placed is None and {m.label for m in torn.ask} >= {
        "Pondok Bambu (Duren Sawit)",
        "Pondok Kelapa (Duren Sawit)",
    }
    kec = place_decide("Kecamatan Duren Sawit")
    assert kec.placed is None and kec.kecamatan_only == ("Duren Sawit",)
    nothing = place_decide("tolong segera diperbaiki")
    assert nothing.placed is None and nothing.candidates == () and nothing.kecamatan_only == ()


@pytest.mark.django_db
def test_the_place_names_are_checked_at_most_once_per_interval(settings, monkeypatch, django_assert_num_queries):
    """A city's OpenStreetMap names are tens of thousands of rows: counting them for every location text (a chat
    message, an operator's keystroke, a desk page) was a scan per text; they are checked like the other
    reference data."""
    import time

    from sigap.organization import cache
    from sigap.routing.places import place_data

    place_data()
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 5
    clock = [time.monotonic() + 20_000]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(2):  # regions and place names: count and last change
        first = place_data()
    with django_assert_num_queries(0):
        assert place_data() is first
    clock[0] += 6
    with django_assert_num_queries(2):
        assert place_data() is first
