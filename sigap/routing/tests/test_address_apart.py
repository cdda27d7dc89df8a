"""The placement rule on the location set written apart from the parser (#15): a report is placed only where
the text supports it. Kelurahan named are placed right; misroutes stay at most 1 %; asking is not a misroute."""

from __future__ import annotations

import json
from pathlib import Path

from sigap.routing.address import AddressIndex, gazetteer_load, regions_from_csv

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "routing" / "data" / "address_apart.jsonl"


def test_on_the_set_written_apart_kelurahan_are_placed_and_misroutes_stay_under_one_percent():
    index = AddressIndex(regions_from_csv(ROOT / "data" / "wilayah_indonesia.csv", "31"), gazetteer_load())
    items = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) == 240
    placed: dict[str, list[bool]] = {"kelurahan": [], "street": [], "landmark": []}
    misroutes = 0
    for item in items:
        result = index.parse(item["text"])
        if result.candidates and not result.ambiguous:  # what place_decide places
            right = result.best in item["expected"]
            placed[item["kind"]].append(right)
            misroutes += not right
    assert sum(placed["kelurahan"]) / 80 >= 0.98
    assert misroutes / len(items) <= 0.01
