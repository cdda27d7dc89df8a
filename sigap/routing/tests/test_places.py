"""Free-text place names to kelurahan on the database's regions (``sigap.routing.places``): the parser of
``routing/address.py`` (tested without a database in test_address.py) fed with the Wilayah rows."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_place_match_uses_the_parser_with_inner_points():
    from sigap.organization.models import Wilayah
    from sigap.routing.places import PlaceMatch, place_match

    matches = place_match("gg. mawar rt 05/03 pondok bambu duren sawit")
    assert matches and isinstance(matches[0], PlaceMatch)
    best = matches[0]
    w = Wilayah.objects.get(kode=best.kode)
    assert (best.nama, best.lat, best.lon) == ("Pondok Bambu", w.inner_lat, w.inner_lon)
    assert 0.9 < best.confidence <= 0.99
    assert place_match("Got mampet parah di gang") == []


@pytest.mark.django_db
def test_place_match_streets_landmarks_and_ambiguity():
    from sigap.routing.places import address_parse, place_match

    assert place_match("depan stasiun manggarai")[0].nama == "Manggarai"
    several = place_match("lampu mati di jl. pahlawan revolusi")
    assert {m.nama for m in several} == {"Pondok Bambu", "Duren Sawit", "Klender"}
    assert address_parse("banjir di Tebet").ambiguous


@pytest.mark.django_db
def test_place_match_follows_changes_to_the_regions():
    from sigap.organization.models import Wilayah
    from sigap.routing.places import place_match

    assert place_match("banjir di Kelurahan Sukamakmur") == []
    kec = Wilayah.objects.get(kode="31.75.07")
    Wilayah.objects.create(
        kode="31.75.07.1099",
        nama="Sukamakmur",
        tingkat=Wilayah.Tingkat.KELURAHAN,
        jenis="kelurahan",
        parent=kec,
        inner_lat=-6.23,
        inner_lon=106.91,
    )
    assert place_match("banjir di Kelurahan Sukamakmur")[0].kode == "31.75.07.1099"
