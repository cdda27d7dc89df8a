"""The rule that refuses an officer's question asking who the reporter is, on officers' questions written apart from
it (``sigap/reports/data/README.md``): floors that a later change of the rules must keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigap.reports.services import question_asks_identity

DATA = Path(__file__).resolve().parent.parent / "data"


def _load(half: str) -> list[dict]:
    with open(DATA / f"officer_questions_{half}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_the_corpus_is_labelled_licensed_and_its_halves_are_disjoint():
    halves = {half: _load(half) for half in ("dev", "test")}
    assert all(len(rows) >= 200 for rows in halves.values())
    assert not {r["text"] for r in halves["dev"]} & {r["text"] for r in halves["test"]}
    for rows in halves.values():
        assert all(set(r) == {"text", "label", "category"} and r["label"] in ("ok", "identifying") for r in rows)
    assert "CC0-1.0" in (DATA / "README.md").read_text(encoding="utf-8")


# measured when the corpus was added: dev 80/82 identifying refused, 0/159 ordinary; test 54/84 and 1/161
FLOORS = {"dev": (0.95, 0.02), "test": (0.60, 0.02)}


@pytest.mark.parametrize("half", ["dev", "test"])
def test_the_rule_refuses_identifying_questions_and_lets_ordinary_ones_through(half):
    least_caught, most_refused = FLOORS[half]
    rows = _load(half)
    identifying = [r["text"] for r in rows if r["label"] == "identifying"]
    ordinary = [r["text"] for r in rows if r["label"] == "ok"]
    missed = [t for t in identifying if not question_asks_identity(t)]
    refused = [t for t in ordinary if question_asks_identity(t)]
    assert 1 - len(missed) / len(identifying) >= least_caught, missed if half == "dev" else len(missed)
    assert len(refused) / len(ordinary) <= most_refused, refused if half == "dev" else len(refused)
