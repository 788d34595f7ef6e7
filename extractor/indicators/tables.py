"""Indicators from table rows: a cell is the value of the indicator its row label and column header name.

:func:`map_with_tables` wraps the prose normalizer (:func:`extractor.indicators.normalizer.map_indicators`):
the normalizer reads the prose quantities only (a table cell's neighbours in the document text are other
cells, not a sentence about it), then every table cell with a value is matched

- in a catalogue whose entries carry ``table: {row: [regex…], column: [regex…]}`` (``xxgk``): the entry
  all of whose patterns occur in the cell's row label and column label, the most specific (most patterns)
  winning — ``三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密`` × ``申请人情况 / 自然人``;
- otherwise by the catalogue's aliases in the row label (``地区生产总值`` × ``比上年增长(%)`` → change in % →
  ``output.gdp_growth``), ``exclude`` words in the row label vetoing, unit and kind as for prose.

A prose statement of an indicator is preferred as evidence: a table row is added only for indicators the
prose does not state (its ``note`` names the table cell); when the prose states the same figure the prose
row's note says the table confirms it.
"""
from __future__ import annotations

import functools
import re
from typing import Callable, Optional

from extractor.text import yamlio

from extractor.core.facts import IndicatorValue
from extractor.indicators.catalogue import DATA as CATALOGUES, catalogue


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


@functools.lru_cache(maxsize=None)
def _table_rules(name: str) -> dict:
    """id → (row regexes, column regexes) of the catalogue entries that name table cells."""
    path = CATALOGUES / f"{name}.yaml"
    raw = yamlio.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for r in raw.get("indicators") or []:
        t = r.get("table")
        if t:
            out[r["id"]] = ([re.compile(p) for p in t.get("row") or []], [re.compile(p) for p in t.get("column") or []])
    return out


def _catalogue_for(genre: Optional[str]):
    from extractor.stages.tables import rules
    name = (rules().get("catalogues") or {}).get(genre or "")
    return catalogue(name) if name else None


def _match_table_rule(cat, rules: dict, q, row_label: str, col_label: str):
    best = None
    for ind in cat:
        rc = rules.get(ind.id)
        if not rc:
            continue
        rows, cols = rc
        if all(p.search(row_label) for p in rows) and all(p.search(col_label) for p in cols):
            f = ind.unit_factor(q.unit or "") if ind.kind_ok(q.kind or "") else None
            if f is None and not (q.unit or ""):
                f = 1.0  # a table with no unit anywhere: the catalogue's unit
            if f is None:
                continue
            n = len(rows) + len(cols)
            if best is None or n > best[0]:
                best = (n, ind, f)
    return (best[1], best[2]) if best else None


def _match_alias(cat, q, row_label: str, col_label: str, sub_row: bool):
    label = row_label.split("/")[-1]
    best = None
    for ind in cat:
        if not ind.kind_ok(q.kind or ""):
            continue
        f = ind.unit_factor(q.unit or "")
        if f is None:
            continue
        if ind.exclude and any(x in label for x in ind.exclude):
            continue
        for a in ind.aliases:
            a = str(a)
            if a and a in label:
                # the row names the indicator itself, not a part of it: the alias is most of the label
                score = len(a) / max(1, len(label))
                if score < 0.5:
                    continue
                if best is None or score > best[0]:
                    best = (score, ind, f)
    if best is None or (sub_row and best[0] < 0.9):
        return None
    return best[1], best[2]


def table_rows(doc, meta: dict, tabs: list, quantities: list) -> list[IndicatorValue]:
    """Indicator rows read from table cells (one per indicator: the first cell in document order)."""
    genre = (meta or {}).get("genre")
    cat = _catalogue_for(genre)
    if cat is None or not tabs:
        return []
    rules = _table_rules(cat.name)
    by_id = {t.id: t for t in tabs}
    year = (meta or {}).get("year")
    out, seen = [], set()
    for qi, q in enumerate(quantities):
        tid = getattr(q, "table", None)
        if tid is None or tid not in by_id:
            continue
        t = by_id[tid]
        row_label = _norm(t.row_label(q.row, q.col))
        col_label = _norm(t.column_label(q.row, q.col))
        hit = _match_table_rule(cat, rules, q, row_label, col_label) if rules else None
        if hit is None and not rules:
            hit = _match_alias(cat, q, row_label, col_label, q.row in t.sub_rows)
        if hit is None:
            continue
        ind, factor = hit
        if ind.id in seen:
            continue
        seen.add(ind.id)
        unit = ind.unit if (factor != 1.0 or (q.unit or "") == ind.unit or not q.unit) else q.unit
        where = " × ".join(x for x in (t.row_label(q.row, q.col),
                                       t.column_label(q.row, q.col)) if x)
        out.append(IndicatorValue(
            indicator=ind.id, value=q.value * factor, unit=unit, qualifier=q.qualifier,
            period="actual" if q.period == "stock" and ind.kind == "change" else (q.period or "actual"),
            year=year, evidence=doc.text[q.start:q.end], start=q.start, end=q.end, quantity=qi, confidence=0.9,
            method="rule", name_zh=ind.name_zh, category=ind.category, page=q.page,
            note=f"table {t.id}: {where}"))
    return out


def map_with_tables(map_fn: Callable, tabs: list, doc, meta: dict, sections, quantities: list, *args, **kwargs) -> list:
    """The indicators stage with tables: ``map_fn(doc, meta, sections, quantities, *args)`` (the prose
    normalizer) on the prose quantities, then the table rows."""
    prose = [i for i, q in enumerate(quantities) if getattr(q, "table", None) is None]
    if len(prose) == len(quantities):
        rows = map_fn(doc, meta, sections, quantities, *args, **kwargs)
    else:
        rows = map_fn(doc, meta, sections, [quantities[i] for i in prose], *args, **kwargs)
        for r in rows:
            if r.quantity is not None:
                r.quantity = prose[r.quantity]
    extra = table_rows(doc, meta, tabs, quantities)
    if not extra:
        return rows
    have = {}
    for r in rows:
        have.setdefault(r.indicator, r)
    for t in extra:
        p = have.get(t.indicator)
        if p is None:
            rows.append(t)
        elif abs((p.value or 0) - (t.value or 0)) <= 1e-6 * max(1.0, abs(p.value or 0)):
            p.note = (p.note + "; " if p.note else "") + f"the same figure in {t.note}"
    rows.sort(key=lambda r: r.start)
    return rows


__all__ = ["map_with_tables", "table_rows"]
