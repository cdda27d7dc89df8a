"""Street, landmark and kampung names as data (#15): ``sigap places load FILE`` on a small extract the project
made for its tests (``data/extract.geojson`` and the same features as OpenStreetMap XML, ``data/extract.osm``):
a street drawn from Pondok Bambu into Duren Sawit, a mosque in Pondok Bambu, a market in Pondok Bambu 33 m from
Duren Sawit, a kampung by the Ciliwung in Kampung Melayu (2 % of it across the river in Tebet), a market in
Tangerang (outside the city), a nameless road, and four RW boundaries: RW 05 of Pondok Bambu and RW 03 of Duren
Sawit, which the street crosses, and RW 03 of Pondok Bambu and RW 05 of Duren Sawit, which it does not. The names are made up ("Sigap"),
so nothing in the shipped gazetteer already knows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from sigap.organization.models import PlaceName
from sigap.organization.placenames import SHIPPED_SOURCE, kind_of, placenames_load, rw_number
from sigap.routing.places import place_decide

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
PB, DS, KM = "31.75.07.1002", "31.75.07.1001", "31.75.03.1001"


@pytest.mark.parametrize("name", ["extract.geojson", "extract.osm"])
def test_a_city_loads_streets_landmarks_and_kampung_assigned_by_geometry(name):
    result = placenames_load(DATA / name, source="test-extract")
    assert (result.names, result.outside) == (4, 1)  # the Tangerang market is outside; the nameless road is no name
    rows = {r.name: r for r in PlaceName.objects.filter(source="test-extract")}
    street = rows["Jalan Kenari Sigap Raya"]
    assert street.kind == "jalan" and set(street.kelurahan) == {PB, DS}  # a street knows every kelurahan it crosses
    assert street.home == ""  # and stands in none of them more than the others
    # the RW areas it crosses, and those of its kelurahan it does not
    assert street.rw == [f"{DS}:3", f"{DS}:~5", f"{PB}:5", f"{PB}:~3"]
    assert result.rw_areas == 4
    assert {"Kenari Sigap Raya", "Jl. Kenari Sigap"} <= set(street.aliases)
    mosque, market = rows["Masjid Al-Ikhlas Sigap"], rows["Pasar Perbatasan Sigap"]
    assert (mosque.kind, mosque.kelurahan, mosque.home) == ("masjid", [PB], PB)
    # a place at a spot stands in one kelurahan and knows the one across the border 33 m away
    assert (market.kind, set(market.kelurahan), market.home) == ("pasar", {PB, DS}, PB)
    kampung = rows["Kampung Rawa Sigap"]
    assert kampung.kind == "kawasan" and KM in kampung.kelurahan and kampung.home == KM  # 98 % of it


def test_the_parser_knows_a_loaded_name_at_once_and_the_context_narrows_it():
    assert place_decide("got mampet di jalan kenari sigap raya").candidates == ()
    placenames_load(DATA / "extract.geojson", source="test-extract")
    crossing = place_decide("got mampet di jalan kenari sigap raya")
    assert {m.code for m in crossing.candidates} == {PB, DS} and crossing.placed is None  # two fit: asked
    narrowed = place_decide("got mampet di jalan kenari sigap raya, kelurahan pondok bambu")
    assert narrowed.placed is not None and narrowed.placed.code == PB
    mosque = place_decide("lampu jalan mati depan masjid al-ikhlas sigap")
    assert mosque.placed is not None and mosque.placed.code == PB
    market = place_decide("sampah numpuk depan pasar perbatasan sigap")
    assert market.placed is not None and market.placed.code == PB  # where it stands, although it touches two
    assert {m.code for m in market.candidates} == {PB, DS}
    across = place_decide("sampah numpuk depan pasar perbatasan sigap, kelurahan duren sawit")
    assert across.placed is not None and across.placed.code == DS  # the text says which side


@pytest.mark.parametrize(("rw", "where"), [("RW 05", PB), ("rw.03", DS), ("RW 07", None)])
def test_an_rw_narrows_a_street_to_the_kelurahan_whose_rw_it_crosses(rw, where):
    placenames_load(DATA / "extract.osm", source="test-extract")
    decision = place_decide(f"got mampet di jl kenari sigap raya RT 02 {rw}")
    assert (decision.placed.code if decision.placed else None) == where
    if where is None:  # an RW the street does not cross says nothing: both are asked about
        assert {m.code for m in decision.ask} == {PB, DS}


def test_rw_boundaries_are_read_by_their_number():
    boundary = {"boundary": "administrative", "admin_level": "8"}
    assert [rw_number({**boundary, "name": n}) for n in ("RW 03", "RW.03", "Rukun Warga 3", "003")] == ["3"] * 4
    assert rw_number({**boundary, "name": "Kampung Baru", "ref": "12"}) == "12"
    assert rw_number({"boundary": "administrative", "admin_level": "7", "name": "RW 03"}) is None
    assert rw_number({**boundary, "name": "Kampung Baru"}) is None
    assert kind_of({**boundary, "name": "RW 03"}) is None  # not a name residents write for a place


def test_reloading_a_source_replaces_it_and_leaves_the_others():
    shipped = PlaceName.objects.filter(source=SHIPPED_SOURCE).count()
    assert shipped > 400  # the Jakarta gazetteer ships with the reference data
    placenames_load(DATA / "extract.geojson", source="test-extract")
    placenames_load(DATA / "extract.osm", source="test-extract")
    assert PlaceName.objects.filter(source="test-extract").count() == 4
    assert PlaceName.objects.filter(source=SHIPPED_SOURCE).count() == shipped


def test_the_command_loads_and_lists_and_refuses_what_it_cannot_read(tmp_path, capsys):
    call_command("places", "load", str(DATA / "extract.osm"), "--source", "osm-test")
    call_command("places", "list")
    out = capsys.readouterr().out
    assert "osm-test: 4 names" in out and f"{SHIPPED_SOURCE}:" in out
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("places", "load", str(bad))


def test_openstreetmap_tags_give_the_parsers_kinds():
    assert kind_of({"name": "Jalan Mawar", "highway": "residential"}) == "jalan"
    assert kind_of({"name": "Gang Buntu", "highway": "footway"}) == "gang"
    assert kind_of({"name": "Stasiun Manggarai", "railway": "station"}) == "stasiun"
    assert kind_of({"name": "Pasar Jatinegara", "shop": "yes"}) == "pasar"
    assert kind_of({"name": "RSUD Duren Sawit", "amenity": "hospital"}) == "rs"
    assert kind_of({"name": "Kampung Pulo", "place": "neighbourhood"}) == "kawasan"
    assert kind_of({"name": "Pohon besar"}) is None


def test_after_migrating_the_shipped_gazetteer_is_reloaded_when_it_differs_from_the_file():
    """An upgrade that brings a new gazetteer file or a loader that reads more of it (homes) reloads it after
    ``migrate`` (post_migrate), not in a migration through today's models."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from sigap.organization.placenames import shipped_refresh

    organization = apps.get_app_config("organization")
    sync_receivers, _async = post_migrate._live_receivers(organization)
    assert shipped_refresh in sync_receivers  # connected for this app's post_migrate
    assert shipped_refresh(sender=organization) is False  # as loaded: nothing to do
    homes = PlaceName.objects.filter(source=SHIPPED_SOURCE).exclude(home="").count()
    assert homes >= 30
    PlaceName.objects.filter(source=SHIPPED_SOURCE).update(home="")  # as a database from before homes
    PlaceName.objects.filter(source=SHIPPED_SOURCE, name="Lapas Cipinang").delete()
    assert shipped_refresh(sender=organization) is True
    assert PlaceName.objects.filter(source=SHIPPED_SOURCE).exclude(home="").count() == homes
    assert PlaceName.objects.filter(source=SHIPPED_SOURCE, name="Lapas Cipinang").exists()
