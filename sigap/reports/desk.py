"""The triage desk's suggestions for a report a human must place or categorize.

The categorizer's ranking and the place parser's candidate kelurahan depend only on what the report says (its
redacted description and address) and on the reference data, so they are computed once, when the report is
written (``hints``, stored in ``Report.triage_hints``), instead of for every row of the desk's page on every
view: the desk's cost is then a read, whatever the texts. ``rebuild`` (a ``reports.derived`` entry) fills them
for open triage reports written without them; a row without them is computed on the fly (``suggestions``).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q

from sigap.routing.places import place_data, place_match

from .categorize import categorize

VERSION = 3  # 2: the parser knows homes, RW and 129 more places; 3: map services' short forms; older are refreshed
BATCH = 500


def hints(description: str, address: str, *, places=None) -> dict:
    """What the desk will suggest for this text: the top categories and up to five kelurahan, best first.
    Give the redacted text: the officer-facing copy is what the desk reads."""
    ranked, _threshold = categorize(description)
    found = place_match(f"{address} {description}", places)[:5]
    return {
        "v": VERSION,
        "categories": [[code, confidence] for code, confidence in ranked],
        "places": [
            {"code": m.code, "name": m.name, "lat": m.lat, "lon": m.lon, "confidence": m.confidence} for m in found
        ],
    }


def suggestions(report, names: dict[str, str], places=None) -> dict:
    """The desk's suggestions for one report, from its stored hints (computed now for a row without them).
    ``names``: the active categories (code -> name); a category deactivated since is not suggested. ``places``:
    the reference data from ``place_data()``, read once for a page of reports."""
    places = places or place_data()
    stored = report.triage_hints if (report.triage_hints or {}).get("v") == VERSION else None
    stored = stored or hints(report.description, report.address, places=places)
    return {
        "categories": [
            {"code": code, "name": names[code], "confidence": confidence}
            for code, confidence in stored["categories"]
            if code in names
        ],
        "places": [
            {
                "kelurahan": {"code": p["code"], "name": p["name"]},
                "kecamatan": places.kecamatan_of.get(p["code"], ""),  # namesakes (Pulo, Jatinegara) told apart
                "lat": p["lat"],
                "lon": p["lon"],
                "confidence": p["confidence"],
            }
            for p in stored["places"]
        ],
    }


def rebuild() -> None:
    """``reports.derived`` entry: the hints of every open report awaiting triage that has none, or has them from
    an older parser (``VERSION``) (computed in Python by the write path's code, written in batches)."""
    import json

    from .models import Report
    from .states import OPEN_STATUSES

    places = place_data()
    pending = (
        Report.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(triage_hints={}) | ~Q(triage_hints__v=VERSION))  # none yet, or from an older parser
        .exclude(triage_reason="")
        .values_list("pk", "description", "address")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        rows = [(json.dumps(hints(text, address, places=places)), pk) for pk, text, address in batch]
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(f"UPDATE {Report._meta.db_table} SET triage_hints = %s WHERE id = %s", rows)
        last = batch[-1][0]


def refresh_after_migrate(sender=None, using: str = "default", **kwargs) -> None:
    """``post_migrate``: an upgrade that changed the place parser or the categorizer (``VERSION``) refreshes the
    hints of the reports on the desk now, instead of the desk recomputing them on every view until an operator
    runs ``sigap derived rebuild``. Bounded by the desk's open workload; nothing when all are current."""
    from sigap.core.migrated import fully_migrated

    if using == "default" and fully_migrated(using):
        with transaction.atomic():
            rebuild()
