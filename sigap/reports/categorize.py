"""Machine categorization for reports that arrive without a category (every channel, and the API).

Uses the trained categorizer (``sigap.triage.categorizer``); if no model can be loaded, a plain word
overlap with the category catalog keeps intake working (with low confidence, so a human triages).
"""
from __future__ import annotations

import logging
import re

from sigap.organization.models import Kategori

log = logging.getLogger(__name__)
FALLBACK_THRESHOLD = 0.5


def categorize(text: str) -> tuple[list[tuple[str, float]], float]:
    """Top-3 (category, confidence), and the confidence threshold below which a human triages."""
    try:
        from sigap.triage.categorizer import THRESHOLD, Categorizer

        predictions = Categorizer.default().predict(text)[:3]
        active = set(Kategori.objects.filter(aktif=True).values_list("kode", flat=True))
        predictions = [(c, round(float(p), 3)) for c, p in predictions if c in active]
        if predictions:
            return predictions, THRESHOLD
    except Exception:  # noqa: BLE001 - keep intake working without a model
        log.warning("categorize: no trained model available; using the catalog word match", exc_info=True)
    words = set(re.findall(r"[a-z]+", text.lower()))
    scored = []
    for k in Kategori.objects.filter(aktif=True):
        vocab = set(re.findall(r"[a-z]+", f"{k.nama} {k.contoh}".lower())) - {"dan", "atau", "di", "yang", "tidak"}
        scored.append((k.kode, round(len(words & vocab) / (len(vocab) or 1), 3)))
    scored.sort(key=lambda s: -s[1])
    return scored[:3], FALLBACK_THRESHOLD
