"""Duplicate candidates: same category, close in space and time, similar text. Pure scoring plus the
query that finds candidates for a new report. An officer decides (merge or dismiss).

Cost that does not grow at a hot spot:

* **Features are computed once, when a report is written**, and stored on it: its words (``dup_tokens``,
  sorted, space-separated), its character trigrams as a sorted array of CRC-32 values (``dup_grams``), and
  its **cell** (``dup_cell``) on a fixed grid whose cells are at least the category's ``dup_radius_m`` wide,
  so everything within the radius lies in the 3×3 block of cells around a report's own.
* **Clusters.** A report judged a duplicate (its best candidate) joins that candidate's cluster
  (``dup_rep`` points at the cluster's representative, the first report of it); a report that matches
  nothing is the representative of a new cluster (``dup_rep`` empty). A new report is compared with
  **representatives only**: a flood evening's 500 reports about one underpass are one cluster, one
  comparison. By design this differs from comparing with every member: a report that repeats a member
  but not the representative is not linked; and the window counts from the representative's filing.
* **One bounded, indexed query** per batch: for each (category, cell) of the batch, the most recent
  ``SCAN_LIMIT`` open representatives in the 3×3 block and the category's window (a partial index on
  ``(category, dup_cell, created_at) WHERE dup_rep IS NULL``), all in one ``UNION ALL`` statement.

The similarity is the one used before features were stored (half word overlap, half trigram overlap);
trigrams are compared by their CRC-32, which only differs from comparing the strings on a collision.
"""

from __future__ import annotations

import math
import re
import sys
import zlib
from array import array
from datetime import timedelta

from django.db import models

from sigap.core.geo import distance_m

from .states import OPEN_STATUSES

STOP = {
    "di",
    "yang",
    "dan",
    "ke",
    "dari",
    "ini",
    "itu",
    "ada",
    "sudah",
    "tidak",
    "dengan",
    "untuk",
    "saya",
    "kami",
    "mohon",
    "tolong",
    "pak",
    "bu",
    "the",
    "a",
    "of",
    "in",
    "is",
    "dekat",
    "depan",
    "sangat",
    "sekali",
    "jalan",
}
TEXT_THRESHOLD = 0.15
MAX_CANDIDATES = 5  # per new report, best first: enough for the triage desk to decide
SCAN_LIMIT = 50  # representatives read per (category, cell) of a batch, most recent first

M_PER_DEG = 111_000  # metres per degree of latitude, rounded down (a cell is never narrower than the radius)
COS_FLOOR = 0.5  # cells are 1/COS_FLOOR as wide in longitude: at least the radius up to 60° of latitude
_ROW = 1 << 25  # cell key = row * _ROW + column + _COL (rows and columns stay below 2**24 for a radius ≥ 1 m)
_COL = 1 << 24


class DuplicateState(models.TextChoices):
    OPEN = "open", "open"
    MERGED = "merged", "merged"
    DISMISSED = "dismissed", "dismissed"


# --- features (pure) -------------------------------------------------------------------------------


def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w for w in words if len(w) > 2 and w not in STOP}


def _trigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", " ", text.lower())
    return {t[i : i + 3] for i in range(max(0, len(t) - 2))}


def _gram_hashes(text: str) -> set[int]:
    return {zlib.crc32(g.encode()) for g in _trigrams(text)}


def _features(text: str) -> tuple[frozenset[str], frozenset[int]]:
    return frozenset(_tokens(text)), frozenset(_gram_hashes(text))


def text_features(text: str) -> tuple[str, bytes]:
    """What a report stores: its words (sorted, space-separated) and its trigram hashes (sorted uint32, little-endian)."""
    return _packed(_features(text))


def _packed(features: tuple[frozenset[str], frozenset[int]]) -> tuple[str, bytes]:
    words, grams = features
    packed = array("I", sorted(grams))
    if sys.byteorder == "big":
        packed.byteswap()
    return " ".join(sorted(words)), packed.tobytes()


def stored_features(tokens: str, grams) -> tuple[frozenset[str], frozenset[int]]:
    packed = array("I")
    packed.frombytes(bytes(grams or b""))
    if sys.byteorder == "big":
        packed.byteswap()
    return frozenset(tokens.split()), frozenset(packed)


def _similarity(fa: tuple[frozenset, frozenset], fb: tuple[frozenset, frozenset]) -> float:
    (ta, ca), (tb, cb) = fa, fb
    words = len(ta & tb) / len(ta | tb) if ta and tb else 0.0
    chars = len(ca & cb) / len(ca | cb) if ca and cb else 0.0
    return round(0.5 * words + 0.5 * chars, 3)


def text_similarity(a: str, b: str) -> float:
    """Blend of word overlap and character-trigram overlap (robust to typos), 0..1."""
    return _similarity(_features(a), _features(b))


# --- cells (pure) ----------------------------------------------------------------------------------


def cell_steps(radius_m: int) -> tuple[float, float]:
    """Cell size in degrees (latitude, longitude) for a category's duplicate radius."""
    r = max(1, int(radius_m or 0))
    return r / M_PER_DEG, r / (M_PER_DEG * COS_FLOOR)


def cell_key(lat: float, lon: float, radius_m: int) -> int:
    dlat, dlon = cell_steps(radius_m)
    return math.floor(lat / dlat) * _ROW + math.floor(lon / dlon) + _COL


def cells_around(lat: float, lon: float, radius_m: int) -> list[int]:
    """The keys of the block of cells that holds every point within ``radius_m``: 3×3 up to 60° of latitude
    (wider in longitude beyond, where a degree of longitude is shorter)."""
    dlat, dlon = cell_steps(radius_m)
    row, col = math.floor(lat / dlat), math.floor(lon / dlon)
    cos = math.cos(math.radians(min(89.9, abs(lat) + dlat)))
    reach = max(1, math.ceil(COS_FLOOR / cos))
    return [(row + dr) * _ROW + col + dc + _COL for dr in (-1, 0, 1) for dc in range(-reach, reach + 1)]


# --- the write path --------------------------------------------------------------------------------


def features_set(report) -> None:
    """Compute and set a new report's stored features (words, trigram hashes, cell)."""
    report._dup_features = _features(report.description or "")
    report.dup_tokens, report.dup_grams = _packed(report._dup_features)
    report.dup_cell = (
        cell_key(report.lat, report.lon, report.category.dup_radius_m)
        if report.lat is not None and report.lon is not None
        else None
    )


def _representatives(groups: list[tuple[int, list[int], object, object]]) -> list:
    """One statement: for each (category, cells, since, until), the most recent open representatives."""
    from django.db import connection

    from sigap.core.rows import execute

    from .models import Report

    qn = connection.ops.quote_name
    table = qn(Report._meta.db_table)
    wanted = {"id", "category_id", "lat", "lon", "created_at", "status", "dup_cell", "dup_tokens", "dup_grams"}
    fields = [f for f in Report._meta.concrete_fields if f.attname in wanted]  # in the model's order (from_db)
    names = [f.attname for f in fields]
    cols = ", ".join(qn(f.column) for f in fields)
    statuses = [s.value for s in OPEN_STATUSES]
    at = connection.ops.adapt_datetimefield_value
    parts, params = [], []
    for category_id, cells, since, until in groups:
        parts.append(
            f"SELECT * FROM (SELECT {cols} FROM {table} WHERE {qn('category_id')} = %s"
            f" AND {qn('dup_cell')} IN ({', '.join(['%s'] * len(cells))}) AND {qn('dup_rep_id')} IS NULL"
            f" AND {qn('created_at')} BETWEEN %s AND %s AND {qn('status')} IN ({', '.join(['%s'] * len(statuses))})"
            f" ORDER BY {qn('created_at')} DESC LIMIT {SCAN_LIMIT}) {qn(f'g{len(parts)}')}"
        )
        params += [category_id, *cells, at(since), at(until), *statuses]
    sql = " UNION ALL ".join(parts)
    if connection.vendor != "postgresql":  # the ORM's converters (SQLite stores times as text)
        return list(Report.objects.raw(sql, params))
    # PostgreSQL hands back every value as the model holds it: rows become instances without the ORM's
    # per-query machinery, and the statement's values travel bound (its text changes with the batch)
    return [Report.from_db(connection.alias, names, row) for row in execute(sql, params)]


def candidates_for_many(reports: list) -> list[list[tuple[object, float, float]]]:
    """Candidates for each of several new reports (in the order given), with one query for all of them.

    Sets each report's stored features, and its cluster: a report whose best candidate is found joins that
    candidate's cluster (``dup_rep``; for a candidate of the same batch, ``cluster_link_batch`` writes it
    once the ids are known). Each report is compared with the open **representatives** of its category in
    the 3×3 cells around it, inside its category's radius and time window, and with the representatives
    filed before it in ``reports`` (a batch written together)."""
    windows: dict[int, tuple] = {}
    groups: dict[tuple[int, int], list] = {}
    for i, report in enumerate(reports):
        features_set(report)
        report.dup_rep = None
        report._dup_rep_pending = None
        if report.dup_cell is None:
            continue
        since = report.created_at - timedelta(days=report.category.dup_window_days)
        windows[i] = (report.category.dup_radius_m, since)
        group = groups.get((report.category_id, report.dup_cell))
        if group is None:
            groups[(report.category_id, report.dup_cell)] = [
                report.category_id,
                cells_around(report.lat, report.lon, report.category.dup_radius_m),
                since,
                report.created_at,
            ]
        else:  # one read per (category, cell): the widest window of the batch's reports there
            group[2], group[3] = min(group[2], since), max(group[3], report.created_at)
    if not windows:
        return [[] for _ in reports]
    new_ids = {r.pk for r in reports if r.pk is not None}
    by_cell: dict[tuple[int, int], list] = {}
    seen: set[int] = set()
    for other in _representatives([tuple(g) for g in groups.values()]):
        if other.pk in new_ids or other.pk in seen:
            continue
        seen.add(other.pk)
        other._dup_features = stored_features(other.dup_tokens, other.dup_grams)
        by_cell.setdefault((other.category_id, other.dup_cell), []).append(other)

    results = []
    batch_reps: list = []  # representatives of this batch, filed before the report looked at
    for i, report in enumerate(reports):
        window = windows.get(i)
        if window is None:
            results.append([])
            continue
        radius, since = window
        mine = report._dup_features
        found = []
        near = [
            other
            for cell in cells_around(report.lat, report.lon, radius)
            for other in by_cell.get((report.category_id, cell), ())
        ]
        for other in near + [r for r in batch_reps if r.category_id == report.category_id]:
            if other.lat is None or other.lon is None or not since <= other.created_at <= report.created_at:
                continue
            d = distance_m(report.lat, report.lon, other.lat, other.lon)
            if d > radius:
                continue
            sim = _similarity(mine, other._dup_features)
            if sim >= TEXT_THRESHOLD:
                found.append((other, round(d, 1), sim))
        found.sort(key=lambda f: (-f[2], f[1]))
        found = found[:MAX_CANDIDATES]
        if found:
            best = found[0][0]
            if best.pk is not None and best.pk not in new_ids:
                report.dup_rep_id = best.pk
            else:
                report._dup_rep_pending = best
        else:
            batch_reps.append(report)
        results.append(found)
    return results


def cluster_link_batch(reports: list, *, written: bool = True) -> None:
    """Once a batch's ids are known: the reports that joined a cluster whose representative is in the same
    batch learn its id; if their rows are already ``written``, one UPDATE (only when there are such reports)."""
    from django.db.models import Case, IntegerField, When

    from .models import Report

    pending = {r.pk: r._dup_rep_pending.pk for r in reports if getattr(r, "_dup_rep_pending", None) is not None}
    if not pending:
        return
    for r in reports:
        if r.pk in pending:
            r.dup_rep_id = pending[r.pk]
    if written:
        Report.objects.filter(pk__in=list(pending)).update(
            dup_rep_id=Case(*[When(pk=pk, then=rep) for pk, rep in pending.items()], output_field=IntegerField())
        )


def cluster_merge(report, target) -> None:
    """``report`` was merged into ``target``: it and the members of its cluster join ``target``'s cluster."""
    from .models import Report

    rep = target.dup_rep_id or target.pk
    if rep == report.pk:  # a representative merged into a member of its own cluster: that member takes over
        rep = target.pk
        Report.objects.filter(pk=target.pk).update(dup_rep_id=None)
        target.dup_rep_id = None
    Report.objects.filter(dup_rep_id=report.pk).exclude(pk=rep).update(dup_rep_id=rep)
    Report.objects.filter(pk=report.pk).update(dup_rep_id=rep)
    report.dup_rep_id = rep


def cluster_leave(report, original_id: int) -> None:
    """An officer said ``report`` is not a duplicate of ``original``: if that was its cluster, it leaves it
    and represents a cluster of its own from now on."""
    from .models import Report

    if report.dup_rep_id == original_id:
        Report.objects.filter(pk=report.pk, dup_rep_id=original_id).update(dup_rep_id=None)
        report.dup_rep_id = None


def place_changed(report) -> None:
    """The report's category or point changed (the triage desk): its cell follows."""
    from .models import Report

    cell = (
        cell_key(report.lat, report.lon, report.category.dup_radius_m)
        if report.lat is not None and report.lon is not None
        else None
    )
    Report.objects.filter(pk=report.pk).update(dup_cell=cell)
    report.dup_cell = cell


# --- rebuild (after a bulk load, or a category's radius changed) -----------------------------------

REBUILD_BATCH = 2_000


def features_rebuild(*, connection=None, category_id: int | None = None) -> int:
    """Recompute every report's stored features, cell and cluster, as the write path would have: reports in
    filing order, each compared with the representatives open at its filing time (not closed before it,
    not merged) in its cell block and window. Words and trigrams are computed in Python (the same code as
    the write path), streamed with COPY into a temporary table and applied with one ``UPDATE … FROM`` on
    PostgreSQL (``executemany`` in batches on SQLite); nothing is saved row by row through the ORM.
    Works on the tables directly, so the data migration can use it too. Returns the number of reports."""
    from collections import deque

    from django.db import connection as default_connection

    from .states import Status

    conn = connection or default_connection
    qn = conn.ops.quote_name
    cats = {}
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT {qn('id')}, {qn('dup_radius_m')}, {qn('dup_window_days')} FROM {qn('organization_category')}"
        )
        for kid, radius, days in cur.fetchall():
            cats[kid] = (radius, days)
    table = qn("reports_report")
    where = f" WHERE {qn('category_id')} = %s" if category_id is not None else ""
    sql = (
        f"SELECT {qn('id')}, {qn('category_id')}, {qn('description')}, {qn('lat')}, {qn('lon')}, "
        f"{qn('created_at')}, {qn('closed_at')}, {qn('status')}, {qn('status_changed_at')} FROM {table}{where} "
        f"ORDER BY {qn('created_at')}, {qn('id')}"
    )
    update = (
        f"UPDATE {table} SET {qn('dup_tokens')} = %s, {qn('dup_grams')} = %s, {qn('dup_cell')} = %s, "
        f"{qn('dup_rep_id')} = %s WHERE {qn('id')} = %s"
    )
    # per (category, cell): the representatives of the last window, oldest first
    reps: dict[tuple[int, int], deque] = {}
    rows_out, count = [], 0
    args = [category_id] if category_id is not None else []
    postgres = conn.vendor == "postgresql"
    tmp = qn("dup_features_rebuild")
    with conn.chunked_cursor() if postgres else conn.cursor() as cur, conn.cursor() as write:
        if postgres:  # PostgreSQL: COPY into a temporary table, then one UPDATE … FROM it
            write.execute(f"DROP TABLE IF EXISTS {tmp}")
            write.execute(
                f"CREATE TEMPORARY TABLE {tmp} (id bigint, tokens text, grams bytea, cell bigint, rep bigint)"
            )
        cur.execute(sql, args)
        # PostgreSQL streams through a server-side cursor; SQLite (the embedded default, small) reads it all
        # first, so the UPDATEs never run under its open SELECT
        everything = None if postgres else cur.fetchall()
        while True:
            if everything is None:
                chunk = cur.fetchmany(REBUILD_BATCH)
            else:
                chunk, everything = everything[:REBUILD_BATCH], everything[REBUILD_BATCH:]
            if not chunk:
                break
            for pk, kid, text, lat, lon, created, closed, status, changed in chunk:
                count += 1
                tokens, grams = text_features(text or "")
                radius, days = cats[kid]
                cell, rep = None, None
                if lat is not None and lon is not None:
                    cell = cell_key(lat, lon, radius)
                    since = created - timedelta(days=days)
                    mine = stored_features(tokens, grams)
                    best = None
                    for key in cells_around(lat, lon, radius):
                        queue = reps.get((kid, key))
                        if not queue:
                            continue
                        while queue and queue[0][1] < since:
                            queue.popleft()
                        for opk, _ocreated, olat, olon, ofeat, ogone in list(queue)[-SCAN_LIMIT:]:
                            if ogone is not None and ogone <= created:
                                continue
                            d = distance_m(lat, lon, olat, olon)
                            if d > radius:
                                continue
                            sim = _similarity(mine, ofeat)
                            if sim >= TEXT_THRESHOLD and (best is None or (-sim, d) < best[0]):
                                best = ((-sim, d), opk)
                    if best is not None:
                        rep = best[1]
                    else:
                        gone = closed if status != Status.MERGED else changed
                        reps.setdefault((kid, cell), deque()).append((pk, created, lat, lon, mine, gone))
                rows_out.append((tokens, grams, cell, rep, pk))
            if postgres:
                with write.cursor.copy(f"COPY {tmp} (tokens, grams, cell, rep, id) FROM STDIN") as copy:
                    for row in rows_out:
                        copy.write_row(row)
            else:
                write.executemany(update, rows_out)
            rows_out = []
        if postgres:
            write.execute(f"ANALYZE {tmp}")
            write.execute(
                f"UPDATE {table} AS r SET {qn('dup_tokens')} = t.tokens, {qn('dup_grams')} = t.grams, "
                f"{qn('dup_cell')} = t.cell, {qn('dup_rep_id')} = t.rep FROM {tmp} AS t WHERE r.{qn('id')} = t.id"
            )
            write.execute(f"DROP TABLE {tmp}")
    return count


def rebuild() -> None:
    """``reports.derived`` entry: every report's duplicate features and clusters."""
    features_rebuild()
