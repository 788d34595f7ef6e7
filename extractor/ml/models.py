"""Trained classifiers: a registry of models, training with cross-validation, skops files with a card.

A model is registered by name in :data:`REGISTRY` with a data loader (``() -> (texts, labels, groups,
meta)``) and a pipeline builder (``() -> sklearn Pipeline``)::

    from extractor.ml import models
    models.register("my_model", load_my_data, build_my_pipeline, description="…")

``extractor train`` (``extractor/commands/train.py``) trains every registered model (or those named),
cross-validates it (grouped by document), fits it on all data and writes ``models/<name>/model.skops``
and ``models/<name>/card.json`` (training-data hash, library versions, CV scores, date, data sources).

Loading (:func:`load`) never unpickles: skops' untrusted types must all be on :data:`ALLOWED_TYPES`,
else the model is refused. A card whose data hash differs from the current annotations gives a warning
and the model still loads. Without a model file the stages fall back to their rules and log a note.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import logging
import platform
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "models"  # the default; Settings.models_dir (EXTRACTOR_MODELS) overrides it
ANNOTATIONS = ROOT / "corpora" / "annotations"

#: types that skops may load from our model files; anything else is refused
ALLOWED_TYPES = {
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.LinearSVC",
    "numpy.dtype",
    "numpy.float64",
    "numpy.float32",
    "numpy.int64",
    "numpy.ndarray",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.slice",
    "builtins.type",
    "numpy.str_",
    "scipy.sparse._csr.csr_matrix",
}


class ModelError(Exception):
    """A model file that cannot be loaded safely (untrusted types, corrupt file)."""


@dataclass
class ModelSpec:
    name: str
    load_data: Callable  # () -> (texts, labels, groups, meta: dict)
    build: Callable  # () -> sklearn estimator (a Pipeline)
    description: str = ""
    folds: int = 5
    extra: dict = field(default_factory=dict)


REGISTRY: dict[str, ModelSpec] = {}


def register(name: str, load_data: Callable, build: Callable, description: str = "", folds: int = 5) -> None:
    """Register a model for ``extractor train`` (and for :func:`predict` under the same name)."""
    REGISTRY[name] = ModelSpec(name, load_data, build, description, folds)


def text_pipeline(C: float = 4.0, ngram_range=(1, 3), max_features: int = 8000):
    """TF-IDF over character n-grams + logistic regression (the default pipeline of this project)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, min_df=2, max_features=max_features,
                                  sublinear_tf=True, dtype=np.float32)),
        ("clf", LogisticRegression(C=C, max_iter=2000, class_weight="balanced")),
    ])


# ---------------------------------------------------------------- hashing and versions

def data_hash(texts, labels) -> str:
    h = hashlib.sha256()
    for t, y in zip(texts, labels):
        h.update(t.encode("utf-8"))
        h.update(b"\x1f")
        h.update(str(y).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def annotations_hash(paths=None) -> str:
    """sha256 over the annotation files (names and bytes) that the loaders read."""
    h = hashlib.sha256()
    files = sorted(paths) if paths else sorted(p for p in ANNOTATIONS.rglob("*") if p.is_file())
    for p in files:
        h.update(str(Path(p).relative_to(ANNOTATIONS) if ANNOTATIONS in Path(p).parents else p).encode())
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def versions() -> dict:
    import numpy
    import sklearn
    import skops
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "skops": skops.__version__,
            "numpy": numpy.__version__}


# ---------------------------------------------------------------- train

def train(name: str, out_dir: Optional[Path] = None, folds: Optional[int] = None, seed: int = 0) -> dict:
    """Cross-validate and fit one registered model; write model.skops and card.json; return the card."""
    import numpy as np
    import skops.io as sio
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    spec = REGISTRY[name]
    texts, labels, groups, meta = spec.load_data()
    if not texts:
        raise ModelError(f"{name}: no training data")
    labels = list(labels)
    y = np.array(labels)
    k = folds or spec.folds
    n_groups = len(set(groups)) if groups else 0
    if groups and n_groups >= k:
        splits = list(GroupKFold(n_splits=k).split(texts, y, groups))
        cv_kind = f"GroupKFold({k}) by document"
    else:
        kk = max(2, min(k, min(labels.count(c) for c in set(labels))))
        splits = list(StratifiedKFold(n_splits=kk, shuffle=True, random_state=seed).split(texts, y))
        cv_kind = f"StratifiedKFold({kk})"
    pred = np.empty(len(y), dtype=object)
    fold_acc = []
    for tr, te in splits:
        model = spec.build()
        model.fit([texts[i] for i in tr], y[tr])
        p = model.predict([texts[i] for i in te])
        pred[te] = p
        fold_acc.append(float(accuracy_score(y[te], p)))
    acc = float(accuracy_score(y, pred.astype(str)))
    macro = float(f1_score(y, pred.astype(str), average="macro"))
    per_class = {c: {"n": int((y == c).sum()),
                     "recall": round(float(((pred == c) & (y == c)).sum() / max(1, (y == c).sum())), 3)}
                 for c in sorted(set(labels))}
    by_origin = {}
    origins = meta.pop("origin", None)
    if origins and len(origins) == len(labels):
        for o in sorted(set(origins)):
            idx = [i for i, x in enumerate(origins) if x == o]
            by_origin[o] = {"n": len(idx), "accuracy": round(float(accuracy_score(y[idx], pred[idx].astype(str))), 4)}
    model = spec.build()
    model.fit(texts, y)
    _slim(model)
    out = Path(out_dir or MODELS_DIR) / name
    out.mkdir(parents=True, exist_ok=True)
    import zipfile
    sio.dump(model, out / "model.skops", compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    card = {
        "name": name,
        "description": spec.description,
        "trained": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pipeline": str(model),
        "labels": sorted(set(labels)),
        "examples": len(texts),
        "documents": n_groups,
        "data_hash": data_hash(texts, labels),
        "annotations_hash": meta.get("annotations_hash"),
        "data_sources": meta.get("sources", {}),
        "notes": meta.get("notes", []),
        "cv": {"scheme": cv_kind, "accuracy": round(acc, 4), "macro_f1": round(macro, 4),
               "fold_accuracy": [round(a, 4) for a in fold_acc], "per_class": per_class,
               "by_label_origin": by_origin},
        "versions": versions(),
        "model_sha256": hashlib.sha256((out / "model.skops").read_bytes()).hexdigest(),
    }
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return card


def _slim(model) -> None:
    """Drop what prediction does not need (TfidfVectorizer.stop_words_ holds every pruned n-gram)."""
    steps = getattr(model, "steps", [])
    for _, step in steps:
        if hasattr(step, "stop_words_"):
            step.stop_words_ = None


# ---------------------------------------------------------------- load and predict

def load(name: str, models_dir: Optional[Path] = None, check_data: bool = True):
    """Load ``models/<name>/model.skops`` after checking its card and its types; None if absent.

    Raises :class:`ModelError` when the file holds types outside :data:`ALLOWED_TYPES`.
    """
    import skops.io as sio
    _ensure_registered()
    d = Path(models_dir or MODELS_DIR) / name
    path = d / "model.skops"
    if not path.is_file():
        return None
    card_path = d / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else None
    if card is None:
        warnings.warn(f"model {name}: no card.json beside {path}; loading without provenance", stacklevel=2)
    else:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if card.get("model_sha256") and card["model_sha256"] != sha:
            raise ModelError(f"model {name}: {path} does not match the sha256 in its card")
        if check_data and card.get("annotations_hash") and ANNOTATIONS.is_dir():
            current = _current_annotations_hash(name)
            if current and current != card["annotations_hash"]:
                warnings.warn(f"model {name}: trained on other annotations than corpora/annotations holds now "
                              f"(run `extractor train {name}`)", stacklevel=2)
    try:
        untrusted = sio.get_untrusted_types(file=str(path))
    except Exception as exc:
        raise ModelError(f"model {name}: {path} cannot be read: {exc}") from exc
    bad = [t for t in untrusted if t not in ALLOWED_TYPES]
    if bad:
        raise ModelError(f"model {name}: refusing {path}: untrusted types {bad}")
    return sio.load(str(path), trusted=list(untrusted))


def _current_annotations_hash(name: str) -> Optional[str]:
    spec = REGISTRY.get(name)
    files = spec.extra.get("files") if spec else None
    try:
        return annotations_hash(files)
    except Exception:  # pragma: no cover - a missing file: no check
        return None


_NOTED: set = set()


def get(name: str, settings=None):
    """The loaded model ``name`` (cached), or None (rules only; noted once in the log).

    ``settings`` (:class:`~extractor.core.settings.Settings`): ``use_models=False`` gives None,
    ``models_dir`` says where the models are (default: :data:`MODELS_DIR`)."""
    if settings is not None and not settings.use_models:
        return None
    models_dir = getattr(settings, "models_dir", None)
    return _get(name, Path(models_dir) if models_dir else MODELS_DIR)


@functools.lru_cache(maxsize=None)
def _get(name: str, models_dir: Path):  # noqa: D103
    _ensure_registered()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the hash check is for `extractor train` and tests, not for every run
            model = load(name, models_dir=models_dir, check_data=False)
    except ModelError as exc:
        log.warning("%s; using rules only", exc)
        return None
    if model is None and name not in _NOTED:
        _NOTED.add(name)
        log.warning("no trained model %s in %s: using rules only (run `extractor train`)", name, models_dir)
    return model


get.cache_clear = _get.cache_clear  # type: ignore[attr-defined]


def predict(name: str, texts: list, settings=None) -> Optional[list]:
    """``[(label, probability)]`` for each text, or None without a model."""
    if not texts:
        return []
    model = get(name) if settings is None else get(name, settings)
    if model is None:
        return None
    proba = model.predict_proba(texts)
    classes = model.classes_
    idx = proba.argmax(axis=1)
    return [(str(classes[i]), float(proba[k, i])) for k, i in enumerate(idx)]


def predict_one(name: str, text: str, settings=None) -> Optional[tuple]:
    out = predict(name, [text], settings)
    return out[0] if out else None


#: modules whose import registers models (each calls :func:`register`); append yours here
MODEL_MODULES = ["extractor.learn.training", "extractor.learn.indicator_data"]


def _ensure_registered() -> None:
    import importlib
    for mod in MODEL_MODULES:
        importlib.import_module(mod)


def registry() -> dict:
    _ensure_registered()
    return REGISTRY


__all__ = ["register", "train", "load", "get", "predict", "predict_one", "registry", "text_pipeline",
           "ALLOWED_TYPES", "ModelError", "MODELS_DIR", "ANNOTATIONS"]
