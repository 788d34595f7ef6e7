"""Training side of the classifiers: the registry (name → data loader + scikit-learn pipeline), training with
cross-validation, and export to the plain files that inference reads (:mod:`extractor.ml.linear`).

A model is registered by name with a data loader (``() -> (texts, labels, groups, meta)``) and a pipeline
builder (``() -> sklearn Pipeline`` of a ``TfidfVectorizer(analyzer="char_wb")`` and a ``LogisticRegression``)::

    from extractor.learn import registry
    registry.register("my_model", load_my_data, build_my_pipeline, description="…")

``extractor train`` trains every registered model (or those named), cross-validates it (grouped by document),
fits it on all data, checks that the numpy inference gives the same probabilities as scikit-learn on every
training text, and writes ``<models>/<name>/model.json``, ``model.npz`` and ``card.json`` (training-data hash,
library versions, CV scores, date, data sources, the sha256 of each file). It refuses to replace a model
trained on more examples unless ``force=True`` (``--force``). scikit-learn is needed here only.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from extractor.ml import linear
from extractor.ml.models import SHIPPED, ModelError, sha256

ROOT = Path(__file__).resolve().parents[2]
ANNOTATIONS = ROOT / "corpora" / "annotations"


class TrainingRefused(ModelError):
    """Training would replace a model trained on more data (pass ``force=True``)."""


@dataclass
class ModelSpec:
    name: str
    load_data: Callable  # () -> (texts, labels, groups, meta: dict)
    build: Callable  # () -> sklearn estimator (a Pipeline)
    description: str = ""
    folds: int = 5
    extra: dict = field(default_factory=dict)


REGISTRY: dict[str, ModelSpec] = {}

#: modules whose import registers the project's models (each calls :func:`register`)
MODEL_MODULES = ["extractor.learn.training", "extractor.learn.indicator_data"]


def register(name: str, load_data: Callable, build: Callable, description: str = "", folds: int = 5) -> None:
    """Register a model for ``extractor train``."""
    REGISTRY[name] = ModelSpec(name, load_data, build, description, folds)


def registry() -> dict:
    import importlib
    for mod in MODEL_MODULES:
        importlib.import_module(mod)
    return REGISTRY


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
        if not Path(p).is_file():
            continue
        h.update(str(Path(p).relative_to(ANNOTATIONS) if ANNOTATIONS in Path(p).parents else p).encode())
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def versions() -> dict:
    import numpy
    import sklearn
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": numpy.__version__}


def stale(name: str, models_dir: Optional[Path] = None) -> Optional[str]:
    """A message when the model's card was trained on other annotations than the checkout holds, else None."""
    from extractor.ml import models
    c = models.card(name, models_dir)
    spec = registry().get(name)
    files = spec.extra.get("files") if spec else None
    if not c or not c.get("annotations_hash") or not files or not ANNOTATIONS.is_dir():
        return None
    try:
        current = annotations_hash(files)
    except OSError:
        return None
    if current != c["annotations_hash"]:
        return (f"model {name}: trained on other annotations than corpora/annotations holds now "
                f"(run `extractor train {name}`)")
    return None


# ---------------------------------------------------------------- export to plain files

def export(model, out: Path, check_texts=()) -> dict:
    """Write a fitted TF-IDF + LogisticRegression pipeline as ``model.json`` + ``model.npz`` in ``out``.

    Returns ``{file: sha256}``. The numpy inference is checked against ``model.predict_proba`` on
    ``check_texts``: a difference raises :class:`ModelError` (nothing unverified is written as a model).
    """
    import numpy as np
    steps = dict(getattr(model, "steps", []))
    vec, clf = steps.get("tfidf"), steps.get("clf")
    if vec is None or clf is None or getattr(vec, "analyzer", None) != "char_wb":
        raise ModelError("export: only Pipeline([('tfidf', TfidfVectorizer(analyzer='char_wb')), ('clf', …)])")
    if vec.preprocessor is not None or vec.tokenizer is not None or vec.strip_accents is not None:
        raise ModelError("export: custom preprocessing is not supported")
    n = len(vec.vocabulary_)
    vocab = [None] * n
    for g, j in vec.vocabulary_.items():
        vocab[j] = g
    classes = [str(c) for c in clf.classes_]
    spec = {
        "format": linear.FORMAT,
        "analyzer": "char_wb",
        "ngram_range": list(vec.ngram_range),
        "lowercase": bool(vec.lowercase),
        "sublinear_tf": bool(vec.sublinear_tf),
        "norm": vec.norm,
        "use_idf": bool(vec.use_idf),
        "proba": "sigmoid" if len(classes) == 2 else "softmax",
        "classes": classes,
        "vocabulary": vocab,
    }
    idf = vec.idf_.astype(np.float32) if vec.use_idf else np.ones(n, dtype=np.float32)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.json").write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n",
                                    encoding="utf-8")
    np.savez_compressed(out / "model.npz", idf=idf, coef=np.asarray(clf.coef_, dtype=np.float64),
                        intercept=np.asarray(clf.intercept_, dtype=np.float64))
    check = list(check_texts)
    if check:
        ours = linear.LinearTextModel.from_dir(out).predict_proba(check)
        theirs = model.predict_proba(check)
        diff = float(np.abs(ours - theirs).max())
        if diff > 1e-5 or (ours.argmax(1) != theirs.argmax(1)).any():
            for f in ("model.json", "model.npz"):
                (out / f).unlink()
            raise ModelError(f"export: numpy inference differs from scikit-learn (max |Δp| = {diff:.2e})")
    return {f: sha256(out / f) for f in ("model.json", "model.npz")}


# ---------------------------------------------------------------- train

def train(name: str, out_dir: Optional[Path] = None, folds: Optional[int] = None, seed: int = 0,
          force: bool = False) -> dict:
    """Cross-validate and fit one registered model; write its files and card.json; return the card.

    Raises :class:`TrainingRefused` (before any work) when ``<out_dir>/<name>`` holds a model trained on more
    examples than the loader finds now, unless ``force``.
    """
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    spec = REGISTRY.get(name) or registry()[name]
    texts, labels, groups, meta = spec.load_data()
    out = Path(out_dir or SHIPPED) / name
    missing = (meta.get("sources") or {}).get("missing") or []
    where = meta.get("expected") or f"annotations in {ANNOTATIONS}"
    if not texts:
        raise ModelError(f"{name}: no training data ({where})")
    old = _old_card(out)
    if old and not force and int(old.get("examples") or 0) > len(texts):
        why = f"; {len(missing)} annotated sources absent ({where})" if missing else f" ({where})"
        raise TrainingRefused(f"{name}: {out} holds a model trained on {old['examples']} examples, this run finds "
                              f"{len(texts)}{why}; pass --force to replace it")
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
    files = export(model, out, check_texts=texts)
    card = {
        "name": name,
        "description": spec.description,
        "trained": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pipeline": str(model),
        "format": linear.FORMAT,
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
        "files": files,
    }
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    from extractor.ml import models
    models.clear_cache()
    return card


def _old_card(d: Path) -> Optional[dict]:
    p = d / "card.json"
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except ValueError:
        warnings.warn(f"{p}: unreadable card (replaced)", stacklevel=3)
        return None


__all__ = ["register", "registry", "train", "export", "stale", "text_pipeline", "data_hash", "annotations_hash",
           "versions", "ModelSpec", "REGISTRY", "TrainingRefused", "ANNOTATIONS", "ROOT"]
