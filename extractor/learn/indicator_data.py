"""Training data of the indicator classifiers (``indicator_fazhi``, ``indicator_economy``), registered here.

Inference lives in :mod:`extractor.indicators.model`; this module is imported only to train.

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

from extractor.indicators.catalogue import catalogue
from extractor.indicators.model import _fold, context_text
from extractor.learn import registry as models

ROOT = Path(__file__).resolve().parents[2]


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
    from extractor.learn import training
    gold_path = training.SHARED / "corpora" / "dev" / "gold" / "zhoucun-2023.json"
    sample = ROOT / "corpora" / "sample" / "zhoucun-2023.txt"
    if not gold_path.is_file() or not sample.is_file():
        return [], []
    from extractor.batch import inputs as corpus
    from extractor.core.facts import Quantity
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


