"""The trained classifiers at inference: loading (lazy, checked against the card) and prediction.

Models ship inside the package, one folder per model in ``extractor/data/models/<name>/``:
``card.json`` (provenance: training data and annotations hashes, library versions, cross-validated scores,
date, and the sha256 of each model file), ``model.json`` and ``model.npz`` (a TF-IDF + linear classifier
in plain data, see :mod:`extractor.ml.linear`). Loading never unpickles and never imports scikit-learn:
it reads JSON and a numbers-only ``npz`` after checking both files against the card, in milliseconds.

``Settings.models_dir`` points at another models folder (same layout); ``Settings.use_models=False``
means rules only. A missing model is noted once in the log and the stages fall back to their rules.
Training (the registry of models and their data loaders) lives in :mod:`extractor.learn.registry`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path
from typing import Optional

from extractor.ml.linear import LinearTextModel

log = logging.getLogger(__name__)

#: the models shipped with the package
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "models"
#: the files of one model (beside its card.json)
FILES = ("model.json", "model.npz")


class ModelError(Exception):
    """A model file that cannot be loaded safely (hash mismatch, corrupt or foreign file)."""


def models_dir(settings=None) -> Path:
    d = getattr(settings, "models_dir", None) if settings is not None else None
    return Path(d) if d else SHIPPED


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def card(name: str, models_dir: Optional[Path] = None) -> Optional[dict]:
    """The card of model ``name`` (None when there is none)."""
    path = Path(models_dir or SHIPPED) / name / "card.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def load(name: str, models_dir: Optional[Path] = None) -> Optional[LinearTextModel]:
    """Load ``<models_dir>/<name>/`` after checking its files against the sha256 in its card; None if absent.

    Raises :class:`ModelError` when a file does not match its card, there is no card, or the files are
    not a model this version reads.
    """
    d = Path(models_dir or SHIPPED) / name
    if not all((d / f).is_file() for f in FILES):
        return None
    c = card(name, d.parent)
    if c is None:
        raise ModelError(f"model {name}: no card.json in {d}: refusing files without provenance")
    want = c.get("files") or {}
    for f in FILES:
        if f not in want:
            raise ModelError(f"model {name}: its card in {d} records no sha256 for {f}")
        if sha256(d / f) != want[f]:
            raise ModelError(f"model {name}: {d / f} does not match the sha256 in its card")
    try:
        return LinearTextModel.from_dir(d)
    except (ValueError, KeyError, OSError) as exc:
        raise ModelError(f"model {name}: {d} cannot be read: {exc}") from exc


_CACHE: dict = {}
_LOCK = threading.Lock()
_NOTED: set = set()


def get(name: str, settings=None) -> Optional[LinearTextModel]:
    """The loaded model ``name`` (loaded on first use, then cached), or None: rules only.

    None when ``settings.use_models`` is False, when the model is absent (noted once in the log) or refused.
    """
    if settings is not None and not getattr(settings, "use_models", True):
        return None
    d = models_dir(settings)
    key = (name, str(d))
    if key in _CACHE:
        return _CACHE[key]
    with _LOCK:
        if key not in _CACHE:
            try:
                model = load(name, d)
            except ModelError as exc:
                log.warning("%s; using rules only", exc)
                model = None
            else:
                if model is None and key not in _NOTED:
                    _NOTED.add(key)
                    log.warning("no trained model %s in %s: using rules only (run `extractor train`)", name, d)
            _CACHE[key] = model
    return _CACHE[key]


def clear_cache() -> None:
    """Forget the loaded models (after training, or in tests)."""
    with _LOCK:
        _CACHE.clear()
        _NOTED.clear()


get.cache_clear = clear_cache  # the name of the former lru_cache's method


def predict(name: str, texts: list, settings=None) -> Optional[list]:
    """``[(label, probability)]`` for each text, or None without a model."""
    if not texts:
        return []
    model = get(name, settings)
    if model is None:
        return None
    proba = model.predict_proba(texts)
    classes = model.classes_
    idx = proba.argmax(axis=1)
    return [(str(classes[i]), float(proba[k, i])) for k, i in enumerate(idx)]


def predict_one(name: str, text: str, settings=None) -> Optional[tuple]:
    out = predict(name, [text], settings)
    return out[0] if out else None


__all__ = ["get", "load", "card", "predict", "predict_one", "clear_cache", "models_dir", "ModelError", "SHIPPED",
           "FILES", "LinearTextModel"]
