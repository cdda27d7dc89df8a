"""Duplicate candidates: same category, close in space and time, similar text. Pure scoring plus the
query that finds candidates for a new report. An officer decides (merge or dismiss)."""
from __future__ import annotations

import math
import re
from datetime import timedelta

from django.db import models

from sigap.core.geo import distance_m

STOP = {"di", "yang", "dan", "ke", "dari", "ini", "itu", "ada", "sudah", "tidak", "dengan", "untuk", "saya", "kami",
        "mohon", "tolong", "pak", "bu", "the", "a", "of", "in", "is", "dekat", "depan", "sangat", "sekali", "jalan"}
TEXT_THRESHOLD = 0.15
MAX_CANDIDATES = 5  # per new report, best first: enough for the triage desk to decide



def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w for w in words if len(w) > 2 and w not in STOP}


def _trigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", " ", text.lower())
    return {t[i:i + 3] for i in range(max(0, len(t) - 2))}


def _features(text: str) -> tuple[set[str], set[str]]:
    return _tokens(text), _trigrams(text)


def _similarity(fa: tuple[set[str], set[str]], fb: tuple[set[str], set[str]]) -> float:
    (ta, ca), (tb, cb) = fa, fb
    words = len(ta & tb) / len(ta | tb) if ta and tb else 0.0
    chars = len(ca & cb) / len(ca | cb) if ca and cb else 0.0
    return round(0.5 * words + 0.5 * chars, 3)


def text_similarity(a: str, b: str) -> float:
    """Blend of word overlap and character-trigram overlap (robust to typos), 0..1."""
    return _similarity(_features(a), _features(b))


def candidates_for_many(reports: list) -> list[list[tuple[object, float, float]]]:
    """Candidates for each of several new reports (in the order given), with one query for all of them.

    Each report is compared with older open reports of its category inside its category's radius and
    time window, and with the reports before it in ``reports`` (a batch written together)."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from .models import Report
    from .states import Status, is_open

    qn = connection.ops.quote_name
    windows: dict[int, tuple] = {}
    where, params = [], []
    for i, report in enumerate(reports):
        if report.lat is None or report.lon is None:
            continue
        radius = report.kategori.dup_radius_m
        since = report.created_at - timedelta(days=report.kategori.dup_window_days)
        # a bounding box first (cheap on both databases), then the exact distance
        dlat = radius / 111_000
        dlon = radius / (111_000 * max(0.2, math.cos(math.radians(report.lat))))
        box = (report.lat - dlat, report.lat + dlat, report.lon - dlon, report.lon + dlon)
        windows[i] = (radius, since, box)
        # One window per report, as plain SQL: building a Q object per report costs more than the query.
        where.append(f"({qn('kategori_id')} = %s AND {qn('created_at')} BETWEEN %s AND %s"
                     f" AND {qn('lat')} BETWEEN %s AND %s AND {qn('lon')} BETWEEN %s AND %s)")
        params += [report.kategori_id, since, report.created_at, *box]
    if not windows:
        return [[] for _ in reports]
    new_ids = [r.pk for r in reports if r.pk is not None]
    rows = (Report.objects.filter(RawSQL(" OR ".join(where), params, output_field=models.BooleanField()))
            .exclude(pk__in=new_ids).exclude(status=Status.MERGED)
            .only("id", "kategori_id", "lat", "lon", "created_at", "status", "description").order_by())
    by_kategori: dict[int, list] = {}
    for other in rows:
        if is_open(other.status):
            by_kategori.setdefault(other.kategori_id, []).append(other)
    features: dict[int, tuple] = {}  # id(report) -> words and trigrams, computed once per batch

    def feat(r) -> tuple:
        f = features.get(id(r))
        if f is None:
            f = features[id(r)] = _features(r.description)
        return f

    results = []
    for i, report in enumerate(reports):
        window = windows.get(i)
        if window is None:
            results.append([])
            continue
        radius, since, (lat0, lat1, lon0, lon1) = window
        found = []
        earlier = [r for r in reports[:i] if r.kategori_id == report.kategori_id]
        for other in by_kategori.get(report.kategori_id, []) + earlier:
            if (other.lat is None or other.lon is None or not lat0 <= other.lat <= lat1
                    or not lon0 <= other.lon <= lon1 or not since <= other.created_at <= report.created_at):
                continue
            d = distance_m(report.lat, report.lon, other.lat, other.lon)
            if d > radius:
                continue
            sim = _similarity(feat(report), feat(other))
            if sim >= TEXT_THRESHOLD:
                found.append((other, round(d, 1), sim))
        found.sort(key=lambda f: (-f[2], f[1]))
        results.append(found[:MAX_CANDIDATES])
    return results


class DuplicateState(models.TextChoices):
    OPEN = "open", "open"
    MERGED = "merged", "merged"
    DISMISSED = "dismissed", "dismissed"
