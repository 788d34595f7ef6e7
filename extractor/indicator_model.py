"""The indicator classifier: proposes a catalogue indicator for a quantity the catalogue's rules leave unmapped.

One model per catalogue family — ``indicator_fazhi`` and ``indicator_economy`` — registered with
:mod:`extractor.models` (``extractor train`` fits them, writes ``models/<name>/model.skops`` and a card).
Input: the text before the quantity in its clause, the quantity as ``<Q:unit:kind>`` and a few characters
after it, digits folded (:func:`context_text`). Labels: an indicator id or ``none``.

Training data, all of it text the project may hold or read:

- the catalogue's own examples (short phrases quoted in the spec, one label each) and its aliases with a
  made-up number (``接收行政复议申请 <Q:件:count>``);
- the Zhoucun sample (``corpora/sample``) with the ids of its gold file in ``../shared`` when present
  (read there, never copied), its quantities without an id giving ``none``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from . import models
from .catalogue import catalogue

FAMILIES = {"fazhi": "indicator_fazhi", "gongzuo": "indicator_economy", "gongbao": "indicator_economy",
            "economy": "indicator_economy"}
ROOT = Path(__file__).resolve().parents[1]


def context_text(work: str, sent_start: int, ws: int, we: int, q) -> str:
    left = work[max(sent_start, ws - 30):ws]
    right = work[we:we + 8]
    return _fold(left) + f" <Q:{q.unit}:{q.kind}> " + _fold(right)


def _fold(s: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?", "0", s)


def _catalogue_rows(name: str) -> tuple[list, list]:
    texts, labels = [], []
    cat = catalogue(name)
    for ind in cat:
        for a in ind.aliases:
            texts.append(_fold(str(a)) + f" <Q:{ind.unit}:{ind.kind}> ")
            labels.append(ind.id)
        for ex in ind.examples or []:
            m = re.search(r"\d+(?:\.\d+)?\s*(?:万|亿)?\s*(" + re.escape(ind.unit) + r")", str(ex))
            if m:
                texts.append(_fold(str(ex)[: m.start()]) + f" <Q:{ind.unit}:{ind.kind}> " + _fold(str(ex)[m.end():][:8]))
                labels.append(ind.id)
    return texts, labels


def _zhoucun_rows() -> tuple[list, list]:
    """The Zhoucun sample's quantities with their gold ids (``none`` where the gold has none)."""
    from .training import SHARED
    gold_path = SHARED / "corpora" / "dev" / "gold" / "zhoucun-2023.json"
    sample = ROOT / "corpora" / "sample" / "zhoucun-2023.txt"
    if not gold_path.is_file() or not sample.is_file():
        return [], []
    from . import corpus
    from .facts import Quantity
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = corpus.from_text(sample.read_text(encoding="utf-8"))
    work = doc.working.text
    texts, labels = [], []
    for g in gold.get("quantities", []):
        probe = (g.get("before") or "") + g["text"]
        pos = doc.text.find(probe)
        if pos < 0:
            continue
        s = pos + len(g.get("before") or "")
        e = s + len(g["text"])
        ws, we = doc.working.to_work(s), doc.working.to_work(e - 1) + 1
        sent = max(work.rfind(c, 0, ws) for c in "。；\n") + 1
        q = Quantity(text=g["text"], start=s, end=e, value=g["value"], unit=g["unit"], kind=g["kind"])
        texts.append(context_text(work, sent, ws, we, q))
        labels.append(g.get("indicator") or "none")
    return texts, labels


def _loader(family: str):
    def load():
        texts, labels = [], []
        groups = []
        names = ["fazhi"] if family == "fazhi" else ["economy"]
        for n in names:
            t, y = _catalogue_rows(n)
            texts += t
            labels += y
            groups += ["catalogue"] * len(t)
        if family == "fazhi":
            t, y = _zhoucun_rows()
            texts += t
            labels += y
            groups += ["zhoucun"] * len(t)
        return texts, labels, None, {"sources": {"catalogue": f"extractor/data/catalogues ({', '.join(names)})",
                                                 "zhoucun": "corpora/sample/zhoucun-2023.txt + ../shared gold ids"},
                                     "origin": groups}
    return load


def _build():
    return models.text_pipeline(C=4.0, ngram_range=(1, 3))


models.register("indicator_fazhi", _loader("fazhi"), _build,
                description="catalogue indicator of a quantity in a 法治政府建设 report (context → id or none)")
models.register("indicator_economy", _loader("economy"), _build,
                description="catalogue indicator of a quantity in a 政府工作报告 / 统计公报 (context → id or none)")


def predict(catalogue_name: str, texts: list) -> Optional[list]:
    """(label, probability) per text, or None when the model is not trained."""
    name = FAMILIES.get(catalogue_name)
    model = models.get(name) if name else None
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
