"""Training data of the indicator classifiers (``indicator_fazhi``, ``indicator_economy``), registered here.

Inference lives in :mod:`extractor.indicators.model`; this module is imported only to train and to
cross-validate (``extractor train``, ``extractor evaluate --cv``).

Training rows — each the classifier's input for one quantity (:func:`extractor.indicators.model.features`)
and a label (an indicator id or ``none``) — come from:

- **gold documents** in the format of ``spec/annotation.md``: every gold file of ``../shared/corpora/dev/gold``
  (read there, never copied) and any folder given with ``--gold-extra DIR`` (``DIR/*.json`` and
  ``DIR/annotations/*.json``, e.g. the corrections exported by the review page). Each document is run through
  the pipeline without a classifier; every quantity it finds is labelled with the id of the gold row whose
  span it overlaps, else ``none`` (a gold file with ``"partial": true`` — a file of corrections — labels only
  the quantities it names);
- **the catalogues**: every alias and example of ``extractor/data/catalogues`` and ``../shared/spec/indicators*.yaml``
  in a made-up sentence;
- **synthetic variations**: the catalogue aliases behind the verbs and scope words real reports put before them
  (``data/indicators/synthetic.yaml``), and every gold positive with its sentence start cut at a clause.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from extractor.text import yamlio

from extractor.indicators.catalogue import catalogue
from extractor.indicators.model import FAMILIES, _fold, features
from extractor.learn import registry as models

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC = ROOT / "extractor" / "data" / "indicators" / "synthetic.yaml"
FAMILY_GENRES = {"indicator_fazhi": ("fazhi",), "indicator_economy": ("gongzuo", "gongbao")}

#: folders of extra gold files (``--gold-extra``) added to every loader run in this process
EXTRA_GOLD: list = []


def _shared() -> Path:
    from extractor.learn.training import SHARED
    return SHARED


def dev_gold() -> Path:
    return _shared() / "corpora" / "dev" / "gold"


def dev_docs() -> Path:
    return _shared() / "corpora" / "dev"


# ---------------------------------------------------------------- gold documents

@dataclass
class GoldDoc:
    gold: dict
    path: Path
    group: str  # one report: zhoucun-2023.txt/.pdf/.docx are one group
    partial: bool = False
    extra: list = field(default_factory=list)  # gold dicts of corrections for the same document


def report_key(name: str) -> str:
    """The report a gold file is about: ``zhoucun-2023.pdf`` and ``zhoucun-2023.txt`` are one."""
    return re.sub(r"\.(txt|pdf|docx?|html?|md)$", "", Path(name).name)


def _gold_files(folder: Path) -> list:
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    files = sorted(folder.glob("*.json")) + sorted((folder / "annotations").glob("*.json"))
    return files


def _resolve(doc: str, folder: Path, gold: dict, docs: Optional[Path] = None) -> Optional[Path]:
    cands = [Path(doc)] if Path(doc).is_absolute() else []
    if docs:
        cands.append(Path(docs) / doc)
    for base in (folder, folder.parent, folder.parent.parent, dev_docs()):
        cands.append(base / doc)
    if gold.get("path"):
        cands.insert(0, Path(gold["path"]))
    return next((p for p in cands if p.is_file()), None)


def gold_docs(folders: Iterable = (), main: Optional[Path] = None, docs: Optional[Path] = None) -> list:
    """Every gold document of ``main`` (default: the dev set) and of ``folders`` (corrections add to, and
    override, the rows of a document already there). ``docs`` is where the documents are (default: beside)."""
    out: dict = {}
    sources = [(Path(main) if main else dev_gold(), False)] + [(Path(f), True) for f in folders]
    for folder, is_extra in sources:
        if not Path(folder).exists():
            continue
        for f in _gold_files(Path(folder)):
            try:
                g = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(g, dict) or "doc" not in g:
                continue
            path = _resolve(g["doc"], f.parent if f.parent.name != "annotations" else f.parent.parent, g, docs)
            if path is None:
                continue
            key = str(path.resolve())
            if key in out and is_extra:
                out[key].extra.append(g)
                continue
            out[key] = GoldDoc(g, path, report_key(g["doc"]), partial=bool(g.get("partial")))
    return list(out.values())


def _gold_rows(g: dict) -> list:
    rows = [q for q in g.get("quantities", []) if "indicator" in q]
    rows += [r for r in g.get("indicators", [])]
    return rows


def run_rules(path: Path):
    """The pipeline's report of one document without any classifier (the input of the training rows)."""
    from extractor.indicators import model as indicator_model
    from extractor.pipeline import extract
    with indicator_model.override({n: None for n in set(FAMILIES.values())}):
        return extract(path)


def doc_rows(report, gd: GoldDoc) -> tuple[list, list]:
    """(feature texts, labels) of every quantity of one document, labelled from its gold file(s)."""
    from extractor.indicators import normalizer
    from extractor.learn.evaluate import locate
    doc = report.document
    work = doc.working.text
    qs = report.quantity_list
    if not qs:
        return [], []
    from extractor.stages.index import SectionIndex
    index = SectionIndex.of(report.section_list)
    spans = [normalizer._work_span(doc, q) for q in qs]
    ctxs = normalizer._contexts(work, spans)
    labels: dict = {}
    sources = [(gd.gold, gd.partial)] + [(x, True) for x in gd.extra]
    for g, _ in sources:
        taken: set = set()
        for row in _gold_rows(g):
            if not row.get("text"):
                continue
            loc = locate(doc.text, row, taken) or locate(doc.text, {"text": row["text"]}, taken)
            if not loc:
                continue
            taken.add(loc[0])
            best, ov = None, 0
            for i, q in enumerate(qs):
                o = min(loc[1], q.end) - max(loc[0], q.start)
                if o > ov:
                    best, ov = i, o
            if best is not None:
                labels[best] = row.get("indicator") or "none"
    year = gd.gold.get("year")
    rule_year = {r.quantity: r.year for r in report.indicator_list}
    texts, ys = [], []
    partial = gd.partial
    for i, (q, c) in enumerate(zip(qs, ctxs)):
        if i in labels:
            y = labels[i]
        elif partial:
            continue
        else:
            ry = rule_year.get(i)
            if isinstance(year, int) and isinstance(ry, int) and ry not in (year, year + 1):
                continue  # a 2030 goal is not a gold row: neither a positive nor a negative
            y = "none"
        sec = index.section_at(q.start)
        texts.append(features(work, c.sent_start, c.item_start, c.ws, c.we, q, sec.category if sec else None))
        ys.append(y)
    return texts, ys


# ---------------------------------------------------------------- catalogue and synthetic rows

class _Q:
    def __init__(self, unit: str, kind: str):
        self.unit, self.kind = unit, kind


def _sentence_row(left: str, unit: str, kind: str, right: str = "", category: Optional[str] = None) -> str:
    text = left + "0" + unit + right
    ws = len(left)
    return features(text, 0, 0, ws, ws + 1 + len(unit), _Q(unit, kind), category)


@__import__("functools").lru_cache(maxsize=1)
def _synthetic() -> dict:
    if SYNTHETIC.is_file():
        return yamlio.safe_load(SYNTHETIC.read_text(encoding="utf-8")) or {}
    return {}


def _spec_examples(name: str) -> dict:
    """Examples of ``../shared/spec/indicators*.yaml`` per id (quoted phrases of real reports)."""
    f = _shared() / "spec" / ("indicators.yaml" if name == "fazhi" else "indicators-economy.yaml")
    if not f.is_file():
        return {}
    data = yamlio.safe_load(f.read_text(encoding="utf-8")) or {}
    out: dict = {}
    for ind in data.get("indicators") or []:
        exs = [e.get("text") if isinstance(e, dict) else e for e in ind.get("examples") or []]
        out[ind.get("id")] = [e for e in exs if e] + list(ind.get("aliases") or [])
    return out


NUM_UNIT = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:万|亿)?\s*"


def catalogue_rows(name: str, seed: int = 0) -> tuple[list, list]:
    """Aliases, examples and synthetic sentences of one catalogue family (``fazhi`` / ``economy``)."""
    rng = random.Random(seed)
    syn = _synthetic()
    verbs = syn.get("verbs", {}).get(name, [""])
    tails = syn.get("tails", {}).get(name, [""])
    spec = _spec_examples(name)
    texts, labels = [], []
    for ind in catalogue(name):
        phrases = list(dict.fromkeys([str(a) for a in ind.aliases] + [ind.name_zh]))
        for a in phrases:
            texts.append(_sentence_row(_fold(a), ind.unit, ind.kind, "", ind.category))
            labels.append(ind.id)
            for v in rng.sample(verbs, min(2, len(verbs))):
                texts.append(_sentence_row(_fold(v + a), ind.unit, ind.kind, rng.choice(tails), ind.category))
                labels.append(ind.id)
        for ex in list(ind.examples or []) + spec.get(ind.id, []):
            ex = str(ex)
            units = [ind.unit] + list(ind.accept_units or [])
            m = re.search(NUM_UNIT + "(" + "|".join(re.escape(u) for u in units if u) + ")", ex) if any(units) else None
            if m:
                texts.append(_sentence_row(_fold(ex[: m.start()]), m.group(1), ind.kind, _fold(ex[m.end():][:8]),
                                           ind.category))
                labels.append(ind.id)
    return texts, labels


def _cut_variants(text: str, label: str, rng: random.Random) -> list:
    """A gold positive with its sentence start cut at a clause boundary (the model must not need the start)."""
    if label == "none":
        return []
    left, sep, rest = text.partition(" <Q:")
    cuts = [m.end() for m in re.finditer(r"[，,、；]", left)]
    return [left[rng.choice(cuts):] + sep + rest] if cuts else []


# ---------------------------------------------------------------- the loaders

def family_rows(family: str, reports: Optional[dict] = None, exclude_group: Optional[str] = None,
                folders: Iterable = (), gds: Optional[list] = None, cache: Optional[dict] = None) -> tuple[list, list, list]:
    """(texts, labels, groups) of one family: gold documents (minus ``exclude_group``), catalogue, synthetic.

    ``reports`` maps a GoldDoc's path to its rules-only report (computed when missing); ``cache`` keeps the
    rows of each document between calls (cross-validation)."""
    rng = random.Random(0)
    genres = FAMILY_GENRES[family]
    texts, labels, groups = [], [], []
    cat_name = "fazhi" if family == "indicator_fazhi" else "economy"
    key = ("catalogue", cat_name)
    if cache is not None and key in cache:
        t, y = cache[key]
    else:
        t, y = catalogue_rows(cat_name)
        if cache is not None:
            cache[key] = (t, y)
    texts += t
    labels += y
    groups += ["catalogue"] * len(t)
    for gd in (gds if gds is not None else gold_docs(list(folders) + EXTRA_GOLD)):
        if gd.gold.get("genre") not in genres or gd.group == exclude_group:
            continue
        if cache is not None and str(gd.path) in cache:
            texts_d, labels_d, groups_d = cache[str(gd.path)]
            texts += texts_d
            labels += labels_d
            groups += groups_d
            continue
        n0 = len(texts)
        rep = (reports or {}).get(str(gd.path))
        if rep is None:
            try:
                rep = run_rules(gd.path)
            except Exception:  # an unreadable gold document: no rows
                continue
            if reports is not None:
                reports[str(gd.path)] = rep
        t, y = doc_rows(rep, gd)
        for a, b in zip(t, y):
            texts.append(a)
            labels.append(b)
            groups.append(gd.group)
            for v in _cut_variants(a, b, rng):
                texts.append(v)
                labels.append(b)
                groups.append(gd.group)
        if cache is not None:
            cache[str(gd.path)] = (texts[n0:], labels[n0:], groups[n0:])
    return texts, labels, groups


def _loader(family: str):
    def load():
        texts, labels, groups = family_rows(family)
        n_docs = len({g for g in groups if g != "catalogue"})
        notes = [] if n_docs else ["no gold documents found (../shared/corpora/dev/gold): catalogue rows only"]
        return texts, labels, groups, {
            "sources": {"catalogue": "extractor/data/catalogues + ../shared/spec/indicators*.yaml + data/indicators/synthetic.yaml",
                        "gold": "../shared/corpora/dev/gold (every document, quantities found by the rules pipeline)"
                                + (f" + {', '.join(map(str, EXTRA_GOLD))}" if EXTRA_GOLD else "")},
            "notes": notes, "origin": ["catalogue" if g == "catalogue" else "gold" for g in groups]}
    return load


def build():
    """TF-IDF over character 1–2-grams + multinomial logistic regression (probabilities are the confidence;
    no class re-weighting, so they stay close to calibrated: see ``extractor evaluate --cv``)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), min_df=1, max_features=8000,
                                  sublinear_tf=True, dtype=np.float32)),
        ("clf", LogisticRegression(C=8.0, max_iter=3000)),
    ])


models.register("indicator_fazhi", _loader("indicator_fazhi"), build,
                description="catalogue indicator of a quantity in a 法治政府建设 report (context → id or none)")
models.register("indicator_economy", _loader("indicator_economy"), build,
                description="catalogue indicator of a quantity in a 政府工作报告 / 统计公报 (context → id or none)")
