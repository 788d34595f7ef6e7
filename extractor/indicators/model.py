"""The indicator classifier: proposes a catalogue indicator for a quantity the catalogue's rules leave unmapped.

One model per catalogue family — ``indicator_fazhi`` and ``indicator_economy`` — trained by
:mod:`extractor.learn.indicator_data` (``extractor train`` fits them, writes ``extractor/data/models/<name>/`` with a card).
Input: the text before the quantity in its clause, the quantity as ``<Q:unit:kind>`` and a few characters
after it, digits folded (:func:`context_text`). Labels: an indicator id or ``none``.

Training data, all of it text the project may hold or read:

- the catalogue's own examples (short phrases quoted in the spec, one label each) and its aliases with a
  made-up number (``接收行政复议申请 <Q:件:count>``);
- the Zhoucun sample (``corpora/sample``) with the ids of its gold file in ``../shared`` when present
  (read there, never copied), its quantities without an id giving ``none``.
"""
from __future__ import annotations

import re
from typing import Optional

from extractor.ml import models

FAMILIES = {"fazhi": "indicator_fazhi", "gongzuo": "indicator_economy", "gongbao": "indicator_economy",
            "economy": "indicator_economy"}


def context_text(work: str, sent_start: int, ws: int, we: int, q) -> str:
    left = work[max(sent_start, ws - 30):ws]
    right = work[we:we + 8]
    return _fold(left) + f" <Q:{q.unit}:{q.kind}> " + _fold(right)


def _fold(s: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?", "0", s)


def predict(catalogue_name: str, texts: list, settings=None) -> Optional[list]:
    """(label, probability) per text, or None when the model is not trained (or ``settings`` say rules only)."""
    name = FAMILIES.get(catalogue_name)
    model = models.get(name, settings) if name else None
    if model is None or not texts:
        return None
    probs = model.predict_proba(texts)
    classes = list(model.classes_)
    out = []
    for row in probs:
        k = int(row.argmax())
        out.append((classes[k], float(row[k])))
    return out


__all__ = ["predict", "context_text", "FAMILIES"]
