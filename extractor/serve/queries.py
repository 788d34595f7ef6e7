"""The explorer's queries: documents, one document as its report JSON, indicator coverage, the compare pivot
and one region's time series with its consistency checks.

Every query is parameterised (no value is pasted into SQL) and bounded by :class:`~extractor.serve.db.DB`.
"""
from __future__ import annotations

import functools
import math
import re
import urllib.parse
from pathlib import Path
from typing import Optional

from extractor.text import yamlio

from extractor.serve.db import DB

#: the document-list filters: query parameter → column of ``documents``
FILTERS = ("region", "level", "province", "year", "genre", "format")
PAGE_SIZE = 100
CHECKS = Path(__file__).resolve().parents[1] / "data" / "serve" / "checks.yaml"
#: periods of values a report states as having happened (shown by default); the rest are plans
ACTUAL_PERIODS = ("actual", "stock", "cumulative")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]*$")
QUALIFIER_MARK = {"approx": "≈", "lower": "≥", "upper": "≤"}


def _num(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def fmt_value(value, qualifier=None, vmax=None, unit=None) -> str:
    """``≈5 %``, ``≥5``, ``5–5.5 %``: a value shown with its qualifier and range."""
    if value is None:
        return ""
    v = f"{value:,.4g}" if isinstance(value, float) and abs(value) < 1e6 else (
        f"{value:,.0f}" if isinstance(value, (int, float)) else str(value))
    if isinstance(value, float) and abs(value) >= 1e6 and not float(value).is_integer():
        v = f"{value:,.2f}"
    if vmax is not None and vmax != value:
        v = f"{v}–{vmax:,.4g}" if isinstance(vmax, float) else f"{v}–{vmax}"
    elif qualifier in QUALIFIER_MARK:
        v = QUALIFIER_MARK[qualifier] + v
    return f"{v} {unit}".strip() if unit else v


# ------------------------------------------------------------------------------------------ documents

def filter_options(db: DB) -> dict:
    """The distinct values of every document filter (for the select boxes)."""
    out = {}
    for col in FILTERS:
        if not db.has("documents", col):
            out[col] = []
            continue
        rows = db.query(f'SELECT DISTINCT "{col}" AS v FROM documents WHERE "{col}" IS NOT NULL ORDER BY 1', limit=2000)
        out[col] = [r["v"] for r in rows]
    return out


def documents(db: DB, params: dict, page: int = 1) -> tuple[list[dict], int]:
    """One page of documents matching the filters, and the number matching."""
    where, args = [], []
    for col in FILTERS:
        val = params.get(col)
        if val in (None, "") or not db.has("documents", col):
            continue
        if col == "year":
            try:
                val = int(val)
            except ValueError:
                continue
        where.append(f'"{col}" = ?')
        args.append(val)
    q = (params.get("q") or "").strip()
    if q:
        where.append("(coalesce(title, '') ILIKE ? OR coalesce(source, '') ILIKE ? OR coalesce(region, '') ILIKE ?)")
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args += [like, like, like]
    if params.get("failures"):
        where.append("doc_id IN (SELECT doc_id FROM errors WHERE doc_id IS NOT NULL)")
    sql_where = (" WHERE " + " AND ".join(where)) if where else ""
    total = db.scalar(f"SELECT count(*) FROM documents{sql_where}", args) or 0
    offset = max(0, (page - 1) * PAGE_SIZE)
    cols = [c for c in ("doc_id", "source", "format", "title", "genre", "year", "region", "city", "province", "level",
                        "pages", "chars", "n_sections", "n_quantities", "n_measures", "n_indicators")
            if db.has("documents", c)]
    rows = db.query(f"SELECT {', '.join(cols)} FROM documents{sql_where} "
                    f"ORDER BY province NULLS LAST, region NULLS LAST, year NULLS LAST, source "
                    f"LIMIT {PAGE_SIZE} OFFSET {offset}", args, limit=PAGE_SIZE)
    return rows, int(total)


def failures(db: DB, limit: int = 500) -> list[dict]:
    if not db.has("errors"):
        return []
    return db.query("SELECT path, doc_id, stage, error_class, message, failed_at FROM errors ORDER BY path",
                    limit=limit)


def document_row(db: DB, doc_id: str) -> Optional[dict]:
    return db.one("SELECT * FROM documents WHERE doc_id = ?", [doc_id])


def _ordered(db: DB, table: str) -> str:
    return "idx" if db.has(table, "idx") else "rowid"


def report_dict(db: DB, doc_id: str, text_loader) -> Optional[dict]:
    """The document as the ``spec/output.md`` JSON the review page reads (``None`` if unknown).

    The text comes from the ``texts`` table when the batch has one, else from ``text_loader(row)``
    (which re-reads the source file); a ``note`` says when the text is missing or differs.
    """
    import json
    row = document_row(db, doc_id)
    if row is None:
        return None
    text, page_starts, note = None, None, None
    if db.has("texts", "text"):
        t = db.one("SELECT * FROM texts WHERE doc_id = ?", [doc_id])
        if t:
            text = t.get("text")
            ps = t.get("page_starts")
            if isinstance(ps, str):
                try:
                    ps = json.loads(ps)
                except ValueError:
                    ps = None
            page_starts = list(ps) if isinstance(ps, (list, tuple)) else None
    if text is None:
        text, page_starts, note = text_loader(row)
    text = text or ""
    if row.get("chars") is not None and text and len(text) != row["chars"]:
        note = (note + " " if note else "") + (f"the text read now has {len(text)} characters, the batch had "
                                               f"{row['chars']}: highlights may be off")

    def rows(table, order):
        if not db.has(table):
            return []
        return db.query(f"SELECT * EXCLUDE (doc_id) FROM {table} WHERE doc_id = ? ORDER BY {order}", [doc_id])

    sections = rows("sections", '"start", "end" DESC' if db.has("sections", "start") else "rowid")
    quantities = rows("quantities", _ordered(db, "quantities"))
    measures = rows("measures", _ordered(db, "measures"))
    indicators = rows("indicators", _ordered(db, "indicators"))
    for lst in (quantities, measures, indicators):
        for it in lst:
            it.pop("idx", None)
    clean = lambda d: {k: _num(v) for k, v in d.items()}  # noqa: E731
    region = {"name": row.get("region"), "code": row.get("region_code"), "city": row.get("city"),
              "province": row.get("province"), "level": row.get("level")}
    doc = {"id": doc_id, "source": row.get("source"), "title": row.get("title"), "genre": row.get("genre"),
           "year": row.get("year"), "region": region if any(region.values()) else None,
           "pages": row.get("pages"), "format": row.get("format")}
    sents = {}
    if db.has("sentences", "start") and db.has("indicators", "sentence"):
        wanted = sorted({int(i["sentence"]) for i in indicators if isinstance(i.get("sentence"), (int, float))
                         and not (isinstance(i["sentence"], float) and math.isnan(i["sentence"]))})
        if wanted:
            sents = {r["idx"]: (r["start"], r["end"]) for r in db.query(
                'SELECT idx, "start", "end" FROM sentences WHERE doc_id = ? AND idx IN (SELECT unnest(?))',
                [doc_id, wanted])}
    inds = []
    for it in indicators:
        sent = it.get("sentence")
        if isinstance(sent, (int, float)) and not (isinstance(sent, float) and math.isnan(sent)) and int(sent) in sents:
            it["sentence_start"], it["sentence_end"] = sents[int(sent)]
        it = clean(it)
        if isinstance(it.get("quantity"), float):
            it["quantity"] = int(it["quantity"])
        for k in ("doc_id", "source", "region_code", "region", "city", "province", "level", "genre"):
            it.pop(k, None)
        inds.append(it)
    tables = []
    if db.has("tables", "id") and db.has("table_cells", "table_id"):
        cells: dict = {}
        for c in db.query('SELECT * EXCLUDE (doc_id) FROM table_cells WHERE doc_id = ? ORDER BY table_id, "row", col',
                          [doc_id]):
            c = clean(c)
            for k in ("rowspan", "colspan"):
                c[k] = int(c.get(k) or 1)
            if c.get("quantity") is not None:
                c["quantity"] = int(c["quantity"])
            cells.setdefault(c.pop("table_id"), []).append(c)
        for t in db.query('SELECT id, page, caption, unit, section, "start", "end" FROM tables WHERE doc_id = ? '
                          'ORDER BY "start"', [doc_id], limit=500):
            tables.append(dict(clean(t), cells=cells.get(t["id"], [])))
    return {"schema": "extractor/1", "document": doc, "text": text, "page_starts": page_starts, "note": note,
            "tables": tables,
            "sections": [clean(s) for s in sections], "quantities": [clean(q) for q in quantities],
            "measures": [clean(m) for m in measures], "indicators": inds}


# ------------------------------------------------------------------------------------------ catalogue

@functools.lru_cache(maxsize=1)
def catalogue_index() -> dict:
    """Every catalogue indicator by id: name, unit, kind, category, definition and the catalogues listing it."""
    from extractor.indicators.catalogue import catalogue, names
    out: dict[str, dict] = {}
    for name in names():
        try:
            cat = catalogue(name)
        except Exception:  # a broken catalogue file must not take the explorer down
            continue
        for ind in cat:
            entry = out.setdefault(ind.id, {"id": ind.id, "name_zh": ind.name_zh, "unit": ind.unit, "kind": ind.kind,
                                            "category": ind.category, "category_zh": cat.category_name(ind.category),
                                            "name_en": ind.name_en, "notes": ind.notes,
                                            "aliases": list(ind.aliases or [])[:8], "catalogues": []})
            entry["catalogues"].append(name)
    return out


def coverage(db: DB) -> tuple[list[dict], list, list]:
    """Per indicator: documents stating it, per genre and per year (documents, not rows)."""
    rows = db.query("SELECT indicator, any_value(name_zh) AS name_zh, any_value(unit) AS unit, genre, "
                    "CAST(year AS INTEGER) AS year, count(DISTINCT doc_id) AS docs, count(*) AS n_rows "
                    "FROM indicators GROUP BY indicator, genre, year", limit=5000)
    cat = catalogue_index()
    by: dict[str, dict] = {}
    genres, years = set(), set()
    for r in rows:
        e = by.setdefault(r["indicator"], {"id": r["indicator"], "name_zh": r["name_zh"], "unit": r["unit"],
                                           "genre": {}, "year": {}, "docs": 0, "rows": 0})
        g = r["genre"] or "?"
        genres.add(g)
        e["genre"][g] = e["genre"].get(g, 0) + r["docs"]
        if r["year"] is not None:
            years.add(r["year"])
            e["year"][r["year"]] = e["year"].get(r["year"], 0) + r["docs"]
        e["rows"] += r["n_rows"]
    totals = {r["indicator"]: r["docs"] for r in db.query(
        "SELECT indicator, count(DISTINCT doc_id) AS docs FROM indicators GROUP BY indicator", limit=5000)}
    for iid, c in cat.items():
        e = by.setdefault(iid, {"id": iid, "name_zh": c["name_zh"], "unit": c["unit"], "genre": {}, "year": {},
                                "docs": 0, "rows": 0})
    out = []
    for iid, e in by.items():
        e["docs"] = totals.get(iid, 0)
        c = cat.get(iid) or {}
        e.update({k: c.get(k) for k in ("kind", "category", "category_zh", "name_en", "notes", "catalogues", "aliases")})
        e["name_zh"] = c.get("name_zh") or e["name_zh"]
        e["unit"] = c.get("unit") if c.get("unit") is not None else e["unit"]
        out.append(e)
    out.sort(key=lambda e: (-e["docs"], e["id"]))
    return out, sorted(genres), sorted(years)


# ------------------------------------------------------------------------------------------ compare

def _split(v) -> list[str]:
    out = []
    for x in v if isinstance(v, (list, tuple)) else [v]:
        out.extend(s.strip() for s in str(x or "").replace("，", ",").split(",") if s.strip())
    return out


def indicator_rows(db: DB, indicators=(), regions=(), years=(), periods=(), limit: int = 5000,
                   distinct_only: bool = False) -> list[dict]:
    """Indicator rows matching the choice (each links to its evidence by its offsets, see :func:`evidence_href`)."""
    where, args = [], []
    inds = _split(indicators)
    if inds:
        where.append(f"indicator IN ({', '.join('?' * len(inds))})")
        args += inds
    regs = _split(regions)
    if regs:
        ph = ", ".join("?" * len(regs))
        where.append(f"(region IN ({ph}) OR region_code IN ({ph}) OR city IN ({ph}) OR province IN ({ph}))")
        args += regs * 4
    yrs = []
    for y in _split(years):
        try:
            yrs.append(int(y))
        except ValueError:
            pass
    if yrs:
        where.append(f"year IN ({', '.join('?' * len(yrs))})")
        args += yrs
    pers = _split(periods)
    if pers:
        where.append(f"period IN ({', '.join('?' * len(pers))})")
        args += pers
    extra = ', "max"' if db.has("indicators", "max") else ""
    sent = ", sentence" if db.has("indicators", "sentence") else ""
    cond = " AND ".join(where) if where else "TRUE"
    # with distinct_only, one row per distinct value of a cell (province, region or source, year, indicator,
    # period): the best and its competitors
    cell = "province, coalesce(region, source), year, indicator, period"
    keep = (f" QUALIFY row_number() OVER (PARTITION BY {cell}, value{extra} ORDER BY confidence DESC, "
            'doc_id, "start") = 1') if distinct_only else ""
    sql = (f"SELECT doc_id, region, region_code, province, year, indicator, name_zh, value{extra}{sent}, unit, "
           f'qualifier, period, evidence, confidence, "start", "end", source FROM indicators WHERE {cond}{keep}')
    rows = db.query(sql, args, limit=limit)
    for r in rows:
        for k in ("value", "max", "confidence"):
            r[k] = _num(r.get(k))
    return rows


def region_label(r: dict) -> str:
    if r.get("region"):
        return r["region"]
    src = str(r.get("source") or r.get("doc_id") or "")
    path, _, row = src.partition("#")
    return f"({Path(path).stem}{'#' + row if row else ''})"


def _cell(rows: list[dict]) -> dict:
    """One pivot cell from the competing rows: the most confident (ties: the earliest in the text), with
    the other distinct values kept as conflicts."""
    rows = sorted(rows, key=lambda r: (-(r.get("confidence") or 0), r.get("doc_id") or "", r.get("start") or 0))
    best = rows[0]
    others = []
    seen = {(best["value"], best.get("max"), best.get("unit"))}
    for r in rows[1:]:
        key = (r["value"], r.get("max"), r.get("unit"))
        if key not in seen and not _same(r["value"], best["value"]):
            seen.add(key)
            others.append(r)
    return {"row": best, "text": fmt_value(best["value"], best.get("qualifier"), best.get("max")),
            "conflicts": others, "n": len(rows)}


def _same(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    except (TypeError, ValueError):
        return a == b


def pivot(rows: list[dict], layout: str = "years") -> dict:
    """The compare pivot. ``layout="years"``: one row per region, columns (indicator, period, year);
    ``"indicators"``: one row per (region, year), columns (indicator, period). Periods are never merged."""
    cat = catalogue_index()
    cols: dict[tuple, dict] = {}
    groups: dict[tuple, dict[tuple, list]] = {}
    labels: dict[tuple, dict] = {}
    for r in rows:
        reg = (r.get("province") or "", region_label(r))
        if layout == "years":
            rkey, ckey = reg, (r["indicator"], r.get("period") or "", r.get("year"))
        else:
            rkey, ckey = reg + (r.get("year"),), (r["indicator"], r.get("period") or "")
        labels.setdefault(rkey, {"province": reg[0], "region": reg[1], "year": r.get("year") if layout != "years" else None})
        c = cat.get(r["indicator"]) or {}
        cols.setdefault(ckey, {"indicator": r["indicator"], "period": ckey[1],
                               "year": ckey[2] if layout == "years" else None,
                               "name_zh": c.get("name_zh") or r.get("name_zh") or r["indicator"],
                               "unit": c.get("unit") if c.get("unit") is not None else r.get("unit")})
        groups.setdefault(rkey, {}).setdefault(ckey, []).append(r)
    ckeys = sorted(cols, key=lambda k: tuple("" if x is None else (str(x) if not isinstance(x, int) else f"{x:06d}")
                                             for x in k))
    rkeys = sorted(groups, key=lambda k: tuple("" if x is None else str(x) for x in k))
    body = []
    n_conflicts = 0
    for rk in rkeys:
        cells = []
        for ck in ckeys:
            rs = groups[rk].get(ck)
            cell = _cell(rs) if rs else None
            if cell and cell["conflicts"]:
                n_conflicts += 1
            cells.append(cell)
        body.append({"label": labels[rk], "cells": cells})
    return {"layout": layout, "columns": [cols[k] for k in ckeys], "rows": body, "conflicts": n_conflicts}


def evidence_href(r: dict) -> str:
    """The link to an indicator row's evidence: its document's page, opened on the row with these offsets."""
    doc, ind = str(r["doc_id"]), str(r.get("indicator") or "")
    if not _SAFE_ID.match(doc):
        doc = urllib.parse.quote(doc, safe="")
    if not _SAFE_ID.match(ind):
        ind = urllib.parse.quote(ind, safe=".")
    return f"/documents/{doc}#ev={r.get('start')}-{r.get('end')}-{ind}"


def cell_html(cell: Optional[dict], extra_class: str = "", flag: str = "") -> str:
    """One pivot cell as HTML (escaped): the chosen value linking to its evidence in its document, the
    other values stated as a conflict marker; ``flag`` (a failed check's message) marks it flagged."""
    import html as _html
    if cell is None:
        return '<td class="cell none"></td>'
    r = cell["row"]
    esc = _html.escape
    cls = "cell" + (" conflict" if cell["conflicts"] else "") + (" flagged" if flag else "") + extra_class
    ev = str(r.get("evidence") or "")
    title = ev if len(ev) <= 120 else ev[:117] + "…"
    href = evidence_href(r)
    out = [f'<td class="{cls}"' + (f' title="{esc(flag)}"' if flag else "") +
           f'><a class="ev" href="{esc(href)}" title="{esc(title)}">{esc(cell["text"])}</a>']
    if cell["conflicts"]:
        others = "; ".join(f"{fmt_value(o['value'], o.get('qualifier'), o.get('max'))} ({str(o.get('evidence') or '')[:60]})"
                           for o in cell["conflicts"][:5])
        out.append(f'<span class="cf" title="other values stated: {esc(others)}">≠{len(cell["conflicts"])}</span>')
    if flag:
        out.append('<span class="fl">⚑</span>')
    out.append("</td>")
    return "".join(out)


def pivot_table(p: dict) -> tuple[list[str], list[list]]:
    """The pivot as a header and rows of plain values (for CSV / XLSX): value, then qualifier columns."""
    head = ["province", "region"] + (["year"] if p["layout"] != "years" else [])
    for c in p["columns"]:
        name = f"{c['name_zh']} ({c['unit']})" if c.get("unit") else c["name_zh"]
        tag = f"{c['indicator']} [{c['period']}]" + (f" {c['year']}" if c.get("year") is not None else "")
        head += [f"{name} · {tag}", f"{tag} qualifier", f"{tag} conflicts"]
    out = []
    for r in p["rows"]:
        line = [r["label"]["province"], r["label"]["region"]] + ([r["label"]["year"]] if p["layout"] != "years" else [])
        for cell in r["cells"]:
            if cell is None:
                line += [None, None, None]
                continue
            row = cell["row"]
            value = row["value"] if row.get("max") is None else f"{row['value']:g}–{row['max']:g}"
            line += [value, row.get("qualifier"),
                     "; ".join(fmt_value(o["value"], o.get("qualifier"), o.get("max")) for o in cell["conflicts"])
                     or None]
        out.append(line)
    return head, out


# ------------------------------------------------------------------------------------------ time series

@functools.lru_cache(maxsize=1)
def checks_config() -> dict:
    return yamlio.safe_load(CHECKS.read_text(encoding="utf-8")) or {}


def growth_pairs(ids) -> dict:
    """growth indicator → level indicator: the configured pairs and every ``X_growth`` whose ``X`` exists."""
    cfg = checks_config()
    known = set(ids) | set(catalogue_index())
    pairs = dict(cfg.get("growth") or {})
    for i in known:
        if i.endswith("_growth") and i[: -len("_growth")] in known:
            pairs.setdefault(i, i[: -len("_growth")])
    return pairs


def series(db: DB, region: str, periods=ACTUAL_PERIODS) -> dict:
    """One region's indicators across years: ``{indicator: {year: cell}}`` and the checks that failed."""
    rows = [r for r in indicator_rows(db, regions=[region], periods=list(periods), distinct_only=True)
            if r.get("region") == region or r.get("region_code") == region]
    by: dict[str, dict[int, list]] = {}
    for r in rows:
        if r.get("year") is None:
            continue
        by.setdefault(r["indicator"], {}).setdefault(int(r["year"]), []).append(r)
    cells = {i: {y: _cell(rs) for y, rs in ys.items()} for i, ys in by.items()}
    years = sorted({y for ys in cells.values() for y in ys})
    flags = consistency(cells)
    return {"cells": cells, "years": years, "flags": flags, "docs": sorted({r["doc_id"] for r in rows})}


def consistency(cells: dict) -> list[dict]:
    """Checks across documents: stated growth against consecutive levels, a share against its part and
    total, parts against their sum. Each flag names the cells (with their evidence rows) it compares."""
    cfg = checks_config()
    flags = []
    tol = float(cfg.get("growth_tolerance_pp", 3.0))
    for g, lvl in growth_pairs(cells).items():
        if g not in cells or lvl not in cells:
            continue
        for y, gc in cells[g].items():
            a, b = cells[lvl].get(y - 1), cells[lvl].get(y)
            if not a or not b:
                continue
            va, vb, vg = a["row"]["value"], b["row"]["value"], gc["row"]["value"]
            if not va or va <= 0 or vb is None or vg is None:
                continue
            implied = (vb / va - 1) * 100
            diff = abs(implied - vg)
            flags.append({"check": "growth", "indicator": g, "year": y, "ok": diff <= tol,
                          "message": f"stated {vg:g}% against {implied:.1f}% implied by the levels "
                                     f"{va:,.4g} ({y - 1}) → {vb:,.4g} ({y})",
                          "cells": [(g, y), (lvl, y - 1), (lvl, y)]})
    tol = float(cfg.get("ratio_tolerance_pp", 1.0))
    for rule in cfg.get("ratio") or []:
        s, p, t = rule["share"], rule["part"], rule["total"]
        if not all(k in cells for k in (s, p, t)):
            continue
        for y in cells[s]:
            pc, tc = cells[p].get(y), cells[t].get(y)
            if not pc or not tc or not tc["row"]["value"]:
                continue
            implied = pc["row"]["value"] / tc["row"]["value"] * 100
            vs = cells[s][y]["row"]["value"]
            flags.append({"check": "share", "indicator": s, "year": y, "ok": abs(implied - vs) <= tol,
                          "message": f"stated {vs:g}% against {implied:.1f}% = {pc['row']['value']:g} / "
                                     f"{tc['row']['value']:g}",
                          "cells": [(s, y), (p, y), (t, y)]})
    tol = float(cfg.get("sum_tolerance", 0.02))
    for rule in cfg.get("sum") or []:
        t, parts = rule["total"], rule["parts"]
        if t not in cells or not all(p in cells for p in parts):
            continue
        for y, tc in cells[t].items():
            pcs = [cells[p].get(y) for p in parts]
            if not all(pcs) or not tc["row"]["value"]:
                continue
            total = sum(pc["row"]["value"] for pc in pcs)
            vt = tc["row"]["value"]
            flags.append({"check": "sum", "indicator": t, "year": y, "ok": abs(total - vt) <= tol * abs(vt),
                          "message": f"stated {vt:,.4g} against the parts' sum {total:,.4g}",
                          "cells": [(t, y)] + [(p, y) for p in parts]})
    return flags


def regions(db: DB) -> list[dict]:
    return db.query("SELECT region, any_value(province) AS province, count(DISTINCT doc_id) AS docs, "
                    "min(year) AS first, max(year) AS last FROM documents WHERE region IS NOT NULL "
                    "GROUP BY region ORDER BY province NULLS LAST, region", limit=5000)
