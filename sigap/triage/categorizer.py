"""Suggest a report's category from its text (pure Python + scikit-learn; no Django, nothing downloaded).

    from sigap.triage.categorizer import Categorizer, THRESHOLD
    cat = Categorizer.default()
    cat.predict("got mampet depan rumah")   # → [("saluran-tersumbat", 0.99...), (second, p2), (third, p3)]
    cat.needs_triage(cat.predict(text))      # top-1 confidence < THRESHOLD → human triage desk

Model: ``sigap.triage.normalize.analyze`` gives two views of each text; TF-IDF over word 1–2-grams of the
stemmed, stop-word-free view plus TF-IDF over character 3–5-grams (within word boundaries) of the
slang-normalized unstemmed view (robust to typos and unseen inflections); a multinomial logistic regression on
the concatenation. Its class probabilities are the confidences: they sum to 1 over all categories, so the
top three sum to at most 1. ``THRESHOLD`` is the top-1 confidence below which a report should go to the human
triage desk instead of being routed on the suggestion (how it was chosen: see its comment and
``bench/triage_categorizer.py``).

Training data: ``data/training.csv`` (CC0-1.0, synthetic, see ``data/README.md``), plus, through ``retrain``,
officer-confirmed (text, category) pairs. Training on the shipped set takes a few seconds.

``save``/``load`` use joblib (pickle): only load files this code wrote. A saved model records the scikit-learn
version, the normalizer version and a SHA-256 of its training data; ``default()`` reuses the file shipped at
``data/model.joblib`` only if all three still match, else it trains from ``data/training.csv`` (once per
process, then cached in memory).
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from sigap.triage.normalize import NORMALIZE_VERSION, analyze_many

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_CSV = DATA_DIR / "training.csv"
MODEL_PATH = DATA_DIR / "model.joblib"  # optional; not shipped in the repository (see data/README.md)
FORMAT_VERSION = 1
TOP_K = 3
CALIBRATION_FOLDS = 3

# Top-1 confidence below which a report goes to the human triage desk. Chosen on out-of-fold predictions
# (5-fold stratified cross-validation over the whole deduplicated training set; run
# bench/triage_categorizer.py, section "threshold"): the lowest cut-off (in steps of 0.05) at which the
# reports routed automatically are >= 95 % correct top-1. At 0.80 that is 84 % of the reports routed
# automatically (95.2 % of them correct) and 16 % sent to the desk (about 40 % of which the model had
# wrong). Confidences are temperature-scaled (see TemperatureScaledLogisticRegression), which is what makes a
# fixed cut-off meaningful. The data are synthetic: re-derive it from officer-confirmed reports once they exist.
THRESHOLD = 0.80

# Held-out evaluation protocol shared by the benchmark and the regression test.
HOLDOUT_FRACTION = 0.25
HOLDOUT_SEED = 20260820


class TemperatureScaledLogisticRegression(ClassifierMixin, BaseEstimator):
    """Multinomial logistic regression whose probabilities are softmax(log p / temperature).

    On small, many-class text data a regularized logistic regression is under-confident (its top
    probability is far below its actual accuracy), which makes a confidence threshold meaningless.
    ``Categorizer.train`` estimates the temperature on out-of-fold predictions (``fit_temperature``) and passes
    it here; the ranking of the categories does not change, only the confidences move towards calibration.
    """

    def __init__(self, C: float = 50.0, temperature: float = 1.0):
        self.C = C
        self.temperature = temperature

    def fit(self, X, y, sample_weight=None):
        self.lr_ = LogisticRegression(C=self.C, solver="newton-cg", max_iter=300)
        self.lr_.fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.lr_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        p = self.lr_.predict_proba(X)
        if self.temperature == 1.0:
            return p
        z = np.log(np.clip(p, 1e-12, 1.0)) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return p

    def predict(self, X) -> np.ndarray:
        return self.lr_.predict(X)


def fit_temperature(log_proba: np.ndarray, target: np.ndarray) -> float:
    """The temperature T minimizing the negative log-likelihood of softmax(log_proba / T) (Guo et al., 2017)."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(target))

    def nll(log_t: float) -> float:
        z = log_proba / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[rows, target] - np.log(np.exp(z).sum(axis=1))).mean())

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(5.0)), method="bounded")
    return float(np.exp(result.x))


class _FastScorer:
    """The fitted pipeline's arithmetic without scikit-learn's per-call overhead.

    normalize → each TF-IDF block (the vectorizer's own analyzer and vocabulary; sublinear tf, idf, L2 norm,
    union weight) → logits = X @ coef.T + intercept → softmax(logits / temperature). For multinomial logistic
    regression softmax(log p / T) == softmax(logits / T), so this equals ``pipeline.predict_proba``
    (checked by the tests)."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        union = pipeline.named_steps["features"]
        clf = pipeline.named_steps["clf"]
        weights = union.transformer_weights or {}
        self.prep = pipeline.named_steps["normalize"].func
        self.analyzers = []
        idfs, col_weights = [], []
        offset = 0
        for name, vec in union.transformer_list:
            if not (vec.use_idf and vec.sublinear_tf and vec.norm == "l2"):
                raise ValueError("_FastScorer supports sublinear-tf, idf, l2-normalized TF-IDF blocks only")
            self.analyzers.append((vec.build_analyzer(), vec.vocabulary_, offset))
            idfs.append(np.asarray(vec.idf_, dtype=np.float64))
            col_weights.append(np.full(len(vec.vocabulary_), float(weights.get(name, 1.0))))
            offset += len(vec.vocabulary_)
        self.n_features = offset
        self.idf = np.concatenate(idfs)
        self.col_weight = np.concatenate(col_weights)
        lr = clf.lr_
        coef = np.asarray(lr.coef_, dtype=np.float64)
        intercept = np.asarray(lr.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # binary: P(class 1) = sigmoid(z) = softmax([0, z])[1]
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.concatenate([[0.0], intercept])
        self.coef_t = np.ascontiguousarray(coef.T)
        self.intercept = intercept
        self.temperature = float(getattr(clf, "temperature", 1.0))

    def features(self, texts: list[str]):
        from scipy import sparse

        cols: list[int] = []
        counts: list[int] = []
        seg_starts: list[int] = []  # one segment per (text, block) with at least one known n-gram
        indptr = [0]
        for doc in self.prep(texts):
            for analyzer, vocab, offset in self.analyzers:
                start = len(cols)
                for gram, n in Counter(analyzer(doc)).items():
                    j = vocab.get(gram)
                    if j is not None:
                        cols.append(j + offset)
                        counts.append(n)
                if len(cols) > start:
                    seg_starts.append(start)
            indptr.append(len(cols))
        col = np.asarray(cols, dtype=np.int64)
        val = np.asarray(counts, dtype=np.float64)
        if len(val):
            val = (1.0 + np.log(val)) * self.idf[col]
            starts = np.asarray(seg_starts, dtype=np.int64)
            norms = np.sqrt(np.add.reduceat(val * val, starts))
            val /= np.repeat(norms, np.diff(np.append(starts, len(val))))
            val *= self.col_weight[col]
        return sparse.csr_matrix((val, col, np.asarray(indptr, dtype=np.int64)), shape=(len(texts), self.n_features))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        z = np.asarray(self.features(texts) @ self.coef_t) + self.intercept
        z /= self.temperature
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return p


def build_pipeline(C: float = 50.0, temperature: float = 1.0) -> Pipeline:
    """The untrained scikit-learn pipeline (text → normalized views → TF-IDF features → classifier)."""
    word = TfidfVectorizer(
        preprocessor=itemgetter(0),
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
        dtype=np.float32,
    )
    char = TfidfVectorizer(
        preprocessor=itemgetter(1),
        analyzer="char_wb",
        lowercase=False,
        ngram_range=(3, 5),
        sublinear_tf=True,
        min_df=2,
        dtype=np.float32,
    )
    return Pipeline(
        [
            ("normalize", FunctionTransformer(analyze_many)),
            ("features", FeatureUnion([("word", word), ("char", char)])),
            ("clf", TemperatureScaledLogisticRegression(C=C, temperature=temperature)),
        ]
    )


def load_training_data(path: str | os.PathLike = TRAINING_CSV) -> tuple[list[str], list[str]]:
    """(texts, labels) of a ``text,category`` CSV file, rows with an empty text or category skipped."""
    texts: list[str] = []
    labels: list[str] = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text, label = (row.get("text") or "").strip(), (row.get("category") or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    return texts, labels


def data_hash(texts: Sequence[str], labels: Sequence[str]) -> str:
    """SHA-256 over the (text, label) pairs in order: identifies the data a model was trained on."""
    h = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        h.update(text.encode("utf-8"))
        h.update(b"\x1f")
        h.update(label.encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def holdout_split(
    texts: Sequence[str], labels: Sequence[str], *, test_size: float = HOLDOUT_FRACTION, seed: int = HOLDOUT_SEED
):
    """Deterministic stratified split after removing texts whose normalized form repeats an earlier one
    (so no test text is a normalized duplicate of a training text). Returns (train_x, test_x, train_y, test_y)."""
    from sklearn.model_selection import train_test_split

    from sigap.triage.normalize import normalize

    seen: set[str] = set()
    keep_x: list[str] = []
    keep_y: list[str] = []
    for text, label in zip(texts, labels, strict=True):
        key = normalize(text)
        if key in seen:
            continue
        seen.add(key)
        keep_x.append(text)
        keep_y.append(label)
    return train_test_split(keep_x, keep_y, test_size=test_size, random_state=seed, stratify=keep_y)


class Categorizer:
    """A trained (or not yet trained) text → category model."""

    def __init__(self, pipeline: Pipeline | None = None, meta: dict | None = None):
        self.pipeline = pipeline
        self.meta = dict(meta or {})

    # --- training ---------------------------------------------------------------------------------------
    def train(
        self,
        texts: Iterable[str],
        labels: Iterable[str],
        *,
        sample_weight: Sequence[float] | None = None,
        calibrate: bool = True,
    ) -> Categorizer:
        """Fit on (texts, labels). With ``calibrate`` (default), first estimate the confidence temperature on
        ``CALIBRATION_FOLDS``-fold out-of-fold predictions (features refitted per fold, so nothing leaks)."""
        texts, labels = list(texts), list(labels)
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(set(labels)) < 2:
            raise ValueError("need at least two categories to train")
        weights = None if sample_weight is None else np.asarray(sample_weight, float)
        started = time.perf_counter()
        temperature = self._calibrate(texts, labels, weights) if calibrate else 1.0
        pipeline = build_pipeline(temperature=temperature)
        pipeline.fit(texts, labels, **({} if weights is None else {"clf__sample_weight": weights}))
        self.pipeline = pipeline
        self.meta = {
            "format": FORMAT_VERSION,
            "normalize_version": NORMALIZE_VERSION,
            "sklearn": sklearn.__version__,
            "data_sha256": data_hash(texts, labels),
            "n_texts": len(texts),
            "classes": [str(c) for c in pipeline.classes_],
            "temperature": round(temperature, 4),
            "train_seconds": round(time.perf_counter() - started, 3),
        }
        return self

    @staticmethod
    def _calibrate(texts: list[str], labels: list[str], weights: np.ndarray | None) -> float:
        import warnings

        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(labels)
        classes, counts = np.unique(y, return_counts=True)
        if len(y) < 10 * CALIBRATION_FOLDS or np.sort(counts)[-2] < CALIBRATION_FOLDS:
            return 1.0
        index = {c: i for i, c in enumerate(classes)}
        oof = np.full((len(y), len(classes)), np.log(1e-12))
        folds = StratifiedKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=0)
        with warnings.catch_warnings():  # a category with fewer examples than folds is fine here
            warnings.simplefilter("ignore", UserWarning)
            splits = list(folds.split(np.zeros(len(y)), y))
        for train_idx, test_idx in splits:
            if len(np.unique(y[train_idx])) < 2:
                continue
            fold = build_pipeline()
            fit_params = {} if weights is None else {"clf__sample_weight": weights[train_idx]}
            fold.fit([texts[i] for i in train_idx], y[train_idx], **fit_params)
            cols = [index[c] for c in fold.classes_]
            proba = fold.predict_proba([texts[i] for i in test_idx])
            oof[np.ix_(test_idx, cols)] = np.log(np.clip(proba, 1e-12, 1.0))
        return fit_temperature(oof, np.array([index[c] for c in y]))

    def retrain(
        self,
        extra: Iterable[tuple[str, str]],
        *,
        extra_weight: float = 1.0,
        base: tuple[Sequence[str], Sequence[str]] | None = None,
        calibrate: bool = True,
    ) -> Categorizer:
        """Train anew on the shipped set (or ``base``) plus officer-confirmed ``(text, category)`` pairs.

        ``extra_weight`` > 1 makes each confirmed example count more than a synthetic one. A category code
        that is not in the shipped set (a city's own category) is learnt like any other. Pairs with an empty
        text or category are skipped. Returns ``self``, retrained in place (other threads see either the old
        or the new model). Save the result under its own path: ``default()`` only reuses a file trained on
        exactly the shipped set."""
        texts, labels = (list(base[0]), list(base[1])) if base is not None else load_training_data()
        n_base = len(texts)
        weights = [1.0] * n_base
        for text, label in extra:
            text, label = (text or "").strip(), (label or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
                weights.append(float(extra_weight))
        self.train(texts, labels, sample_weight=None if extra_weight == 1.0 else weights, calibrate=calibrate)
        self.meta["n_extra"] = len(texts) - n_base
        return self

    # --- prediction -------------------------------------------------------------------------------------
    @property
    def classes(self) -> list[str]:
        self._require_trained()
        return [str(c) for c in self.pipeline.classes_]

    def predict(self, text: str, k: int = TOP_K) -> list[tuple[str, float]]:
        """The ``k`` most likely categories with their confidence, most likely first."""
        return self.predict_many([text], k=k)[0]

    def predict_many(self, texts: Iterable[str], k: int = TOP_K) -> list[list[tuple[str, float]]]:
        """``predict`` for many texts in one vectorized pass (use this for throughput)."""
        proba = self.predict_proba(texts)
        classes = np.asarray(self.pipeline.classes_)
        k = min(k, proba.shape[1])
        if proba.shape[0] == 0:
            return []
        top = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [[(str(classes[j]), float(row[j])) for j in idx] for row, idx in zip(proba, top)]

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Probabilities for every class (columns in ``self.classes`` order).

        Computed by a compiled copy of the fitted pipeline (``_FastScorer``: same analyzers, vocabularies,
        IDF weights and coefficients, without scikit-learn's per-call validation, which costs ~10 ms a
        call); ``self.pipeline.predict_proba`` gives the same numbers, only slower."""
        self._require_trained()
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return np.zeros((0, len(self.pipeline.classes_)))
        fast = self.__dict__.get("_fast")
        if fast is None or fast.pipeline is not self.pipeline:
            fast = self._fast = _FastScorer(self.pipeline)
        return fast.predict_proba(texts)

    def needs_triage(self, prediction: Sequence[tuple[str, float]], threshold: float = THRESHOLD) -> bool:
        """True when a suggestion is too unsure to route automatically (to the human triage desk)."""
        return not prediction or prediction[0][1] < threshold

    # --- persistence ------------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Write the pipeline and its metadata (joblib, compressed). Only load such files from trusted places."""
        self._require_trained()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        joblib.dump({"meta": self.meta, "pipeline": self.pipeline}, tmp, compress=3)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Categorizer:
        payload = joblib.load(path)
        if not isinstance(payload, dict) or "pipeline" not in payload:
            raise ValueError(f"{path}: not a saved Categorizer")
        meta = payload.get("meta") or {}
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: model format {meta.get('format')!r}, expected {FORMAT_VERSION}")
        return cls(payload["pipeline"], meta)

    def is_current(self, texts: Sequence[str] | None = None, labels: Sequence[str] | None = None) -> bool:
        """Whether this model was trained on exactly the given data (default: the shipped training set) with
        the installed scikit-learn and normalizer versions."""
        if texts is None or labels is None:
            texts, labels = load_training_data()
        return (
            self.meta.get("sklearn") == sklearn.__version__
            and self.meta.get("normalize_version") == NORMALIZE_VERSION
            and self.meta.get("data_sha256") == data_hash(texts, labels)
        )

    # --- the shared default model ------------------------------------------------------------------------
    _default: Categorizer | None = None
    _default_lock = threading.Lock()

    @classmethod
    def default(cls, model_path: str | os.PathLike | None = None) -> Categorizer:
        """The process-wide model: the shipped ``data/model.joblib`` if present and current, else trained from
        ``data/training.csv`` on first use. Thread-safe; later calls return the cached instance."""
        if cls._default is not None:
            return cls._default
        with cls._default_lock:
            if cls._default is None:
                cls._default = cls._load_or_train(Path(model_path) if model_path else MODEL_PATH)
        return cls._default

    @classmethod
    def _load_or_train(cls, path: Path) -> Categorizer:
        texts, labels = load_training_data()
        if path.exists():
            try:
                model = cls.load(path)
                if model.is_current(texts, labels):
                    return model
                log.warning("triage model %s is stale (data, scikit-learn or normalizer changed); retraining", path)
            except Exception as exc:  # noqa: BLE001 - a corrupt or incompatible file must not take the intake down
                log.warning("triage model %s could not be loaded (%s); retraining", path, exc)
        return cls().train(texts, labels)

    def _require_trained(self) -> None:
        if self.pipeline is None:
            raise RuntimeError("Categorizer is not trained: call train(), load() or Categorizer.default()")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sigap.triage.categorizer build [PATH]``: train on the shipped set and save the model
    (default: data/model.joblib, which ``Categorizer.default()`` then loads instead of training)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sigap.triage.categorizer")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="train on data/training.csv and save the model")
    build.add_argument("path", nargs="?", default=str(MODEL_PATH))
    predict = sub.add_parser("predict", help="print the top-3 categories of each text argument")
    predict.add_argument("texts", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "build":
        model = Categorizer().train(*load_training_data())
        path = model.save(args.path)
        print(f"saved {path} ({path.stat().st_size:,} bytes; trained in {model.meta['train_seconds']} s)")
    else:
        model = Categorizer.default()
        for text, pred in zip(args.texts, model.predict_many(args.texts)):
            flag = "  → triage desk" if model.needs_triage(pred) else ""
            print(text)
            print("   " + ", ".join(f"{c} {p:.2f}" for c, p in pred) + flag)
    return 0


if __name__ == "__main__":
    # Run the canonical module's main(), so that pickled classes are recorded as sigap.triage.categorizer.*,
    # not __main__.* (which no other process could load).
    from sigap.triage.categorizer import main as _main

    raise SystemExit(_main())
