"""Machine categorization for reports that arrive without a category (every channel, and the API).

Uses the trained categorizer (``sigap.triage.categorizer``): the model retrained from officer-confirmed
categories by ``sigap triage retrain`` (kept under SIGAP_HOME) when there is one, else the model trained
from the shipped training set. If no model can be loaded, a plain word overlap with the category catalog
keeps intake working (with low confidence, so a human triages).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from django.conf import settings

from sigap.organization.models import Category

log = logging.getLogger(__name__)
FALLBACK_THRESHOLD = 0.5
_lock = threading.Lock()
_retrained: dict = {"mtime": None, "model": None}


def retrained_model_path() -> Path:
    return Path(settings.SIGAP_HOME) / "triage" / "categorizer.joblib"


def model():
    from sigap.triage.categorizer import Categorizer

    path = retrained_model_path()
    if path.exists():
        mtime = path.stat().st_mtime
        with _lock:
            if _retrained["mtime"] != mtime:
                try:
                    _retrained["model"], _retrained["mtime"] = Categorizer.load(path), mtime
                except Exception:
                    log.exception("categorize: retrained model %s could not be loaded; using the shipped one", path)
                    _retrained["model"], _retrained["mtime"] = None, mtime
            if _retrained["model"] is not None:
                return _retrained["model"]
    return Categorizer.default()


def categorize(text: str, active: set[str] | None = None) -> tuple[list[tuple[str, float]], float]:
    """Top-3 (category, confidence), and the confidence threshold below which a human triages.
    ``active``: the active category codes, when the caller already has them (a page of many reports)."""
    try:
        from sigap.triage.categorizer import THRESHOLD

        predictions = model().predict(text)[:3]
        if active is None:
            active = set(Category.objects.filter(active=True).values_list("code", flat=True))
        predictions = [(c, round(float(p), 3)) for c, p in predictions if c in active]
        if predictions:
            return predictions, THRESHOLD
    except Exception:
        log.warning("categorize: no trained model available; using the catalog word match", exc_info=True)
    words = set(re.findall(r"[a-z]+", text.lower()))
    scored = []
    for k in Category.objects.filter(active=True):
        vocab = set(re.findall(r"[a-z]+", f"{k.name} {k.examples}".lower())) - {"dan", "atau", "di", "yang", "tidak"}
        scored.append((k.code, round(len(words & vocab) / (len(vocab) or 1), 3)))
    scored.sort(key=lambda s: -s[1])
    return scored[:3], FALLBACK_THRESHOLD


def categorizer_retrain() -> dict:
    """Retrain on the shipped set plus every officer-confirmed category; save under SIGAP_HOME."""
    from sigap.reports.models import Report
    from sigap.triage.categorizer import Categorizer

    pairs = list(Report.objects.filter(category_source="officer").values_list("description", "category__code"))
    trained = Categorizer().retrain(pairs, extra_weight=2.0)
    path = trained.save(retrained_model_path())  # written atomically
    return {"confirmed_examples": len(pairs), "path": str(path), "n_texts": trained.meta.get("n_texts")}
