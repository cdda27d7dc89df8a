"""The gazetteer CSV read one way for the place-name loader and the parser's own loader."""

from __future__ import annotations

from sigap.core.gazetteer import GazetteerRow, gazetteer_rows


def test_lists_positions_and_homes(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "name,kind,aliases,kelurahan,lat,lon\n"
        "Jalan Mawar,jalan, mawar ; jl mawar ;,1.1.1;1.1.2,,\n"
        "Pasar Uji,pasar,,1.1.1,-6.2,106.9\n"  # stands in 1.1.3, which the row forgot
        "Stasiun Tepi,stasiun,,1.1.1;1.1.2,-6.3,106.8\n",  # too near a border to tell
        encoding="utf-8",
    )
    homes = {(106.9, -6.2): "1.1.3", (106.8, -6.3): ""}
    rows = list(gazetteer_rows(path, lambda lon, lat: homes[(lon, lat)]))
    assert rows == [
        GazetteerRow("Jalan Mawar", "jalan", ("mawar", "jl mawar"), ("1.1.1", "1.1.2"), None),
        GazetteerRow("Pasar Uji", "pasar", (), ("1.1.1", "1.1.3"), "1.1.3"),
        GazetteerRow("Stasiun Tepi", "stasiun", (), ("1.1.1", "1.1.2"), ""),
    ]
    assert [r.home for r in gazetteer_rows(path)] == [None, None, None]  # without a locator, positions are not read
