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



def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {w for w in words if len(w) > 2 and w not in STOP}


def _trigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", " ", text.lower())
    return {t[i:i + 3] for i in range(max(0, len(t) - 2))}


def text_similarity(a: str, b: str) -> float:
    """Blend of word overlap and character-trigram overlap (robust to typos), 0..1."""
    ta, tb = _tokens(a), _tokens(b)
    words = len(ta & tb) / len(ta | tb) if ta and tb else 0.0
    ca, cb = _trigrams(a), _trigrams(b)
    chars = len(ca & cb) / len(ca | cb) if ca and cb else 0.0
    return round(0.5 * words + 0.5 * chars, 3)


def candidates_for(report) -> list[tuple[object, float, float]]:
    """(older open report, distance m, text similarity) for a new report, best first."""
    from .models import Report
    from .states import Status, is_open

    if report.lat is None or report.lon is None:
        return []
    radius = report.kategori.dup_radius_m
    since = report.created_at - timedelta(days=report.kategori.dup_window_days)
    # a bounding box first (cheap on both databases), then the exact distance
    dlat = radius / 111_000
    dlon = radius / (111_000 * max(0.2, math.cos(math.radians(report.lat))))
    nearby = (Report.objects.filter(kategori=report.kategori, created_at__gte=since, created_at__lte=report.created_at,
                                    lat__range=(report.lat - dlat, report.lat + dlat),
                                    lon__range=(report.lon - dlon, report.lon + dlon))
              .exclude(pk=report.pk).exclude(status=Status.MERGED))
    found = []
    for other in nearby:
        if not is_open(other.status):
            continue
        d = distance_m(report.lat, report.lon, other.lat, other.lon)
        if d > radius:
            continue
        sim = text_similarity(report.description, other.description)
        if sim >= TEXT_THRESHOLD:
            found.append((other, round(d, 1), sim))
    found.sort(key=lambda f: (-f[2], f[1]))
    return found


class DuplicateState(models.TextChoices):
    OPEN = "open", "open"
    MERGED = "merged", "merged"
    DISMISSED = "dismissed", "dismissed"
