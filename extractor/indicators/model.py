"""The indicator classifier (inference only): proposes a catalogue indicator for a quantity the rules leave unmapped.

One linear model per catalogue family — ``indicator_fazhi`` and ``indicator_economy`` — registered, trained
and cross-validated by :mod:`extractor.learn.indicator_data` (``extractor train``; ``extractor evaluate --cv``)
and loaded by :mod:`extractor.ml.models` (plain arrays, no scikit-learn at inference). This module never reads training data.

Input (:func:`features`): the text before the quantity in its sentence, the quantity as ``<Q:unit:kind>``
and a few characters after it (:func:`context_text`, digits folded), then the quantity's *item* — the subject
phrase from the start of its clause or from the previous quantity — segmented into words (``¦`` …), and the
section category (``§`` …). Labels: an indicator id or ``none``. The probability of the best label is the
row's confidence; ``model_min_confidence`` in ``data/indicators/normalizer.yaml`` is the floor (chosen on the
leave-one-document-out figures of ``extractor evaluate --cv``).
"""
from __future__ import annotations

import contextlib
import re
from typing import Optional

from extractor.ml import models

FAMILIES = {"fazhi": "indicator_fazhi", "gongzuo": "indicator_economy", "gongbao": "indicator_economy",
            "economy": "indicator_economy"}

_OVERRIDE: dict = {}


def context_text(work: str, sent_start: int, ws: int, we: int, q) -> str:
    left = work[max(sent_start, ws - 30):ws]
    right = work[we:we + 8]
    return _fold(left) + f" <Q:{q.unit}:{q.kind}> " + _fold(right)


def features(work: str, sent_start: int, item_start: int, ws: int, we: int, q, category: Optional[str] = None) -> str:
    """The classifier's input for one quantity (the same function at training and at inference)."""
    item = work[max(sent_start, item_start):ws]
    item = re.split(r"[、，,：:（(]", item)[-1] if len(item) > 2 else item
    words = " ".join(w for w in _segment(_fold(item)) if w.strip())
    return f"{context_text(work, sent_start, ws, we, q)} ¦ {words} § {category or '-'}"


def _segment(s: str) -> list:
    from extractor.text import segment
    return segment.cut(s) if s else []


def _fold(s: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?", "0", s)


@contextlib.contextmanager
def override(models_by_name: dict):
    """Use these fitted models (name → model, or None for no model) instead of the registry's, e.g. a fold
    model in cross-validation."""
    old = dict(_OVERRIDE)
    _OVERRIDE.update(models_by_name)
    try:
        yield
    finally:
        _OVERRIDE.clear()
        _OVERRIDE.update(old)


def _model(name: str, settings=None):
    if name in _OVERRIDE:
        return _OVERRIDE[name]
    return models.get(name, settings)


def predict(catalogue_name: str, texts: list, settings=None) -> Optional[list]:
    """(label, probability) per text, or None when the model is not trained (or ``settings`` say rules only)."""
    name = FAMILIES.get(catalogue_name)
    model = _model(name, settings) if name else None
    if model is None or not texts:
        return None
    probs = model.predict_proba(texts)
    classes = list(model.classes_)
    out = []
    for row in probs:
        k = int(row.argmax())
        out.append((classes[k], float(row[k])))
    return out


__all__ = ["predict", "features", "context_text", "override", "FAMILIES"]
