"""Compare regions and years: the standard indicator table resolved to one value per cell, pivoted, and charted.

A cell is one (region, year, indicator, period): annual values, five-year averages and targets never share a
cell. When the documents state more than one value for a cell, the choice is deterministic (highest
confidence, then rule before model, exact before approximate, then the first source and offset) and the
other values are kept in ``conflicts``. Values are shown with their qualifier and range (``≈5``, ``≥5``,
``5–5.5``) in the catalogue's display unit (亿元, 万人); headers carry the Chinese name, unit and period.
Unknown indicator ids and regions are an :class:`~extractor.core.errors.ExtractorError` suggesting close ones.
"""
from __future__ import annotations

import difflib
import fnmatch
import functools
from pathlib import Path
from typing import Optional, Sequence

import pandas as pd
from extractor.text import yamlio

INDEX = ["province", "region", "region_code", "year"]
KEY = INDEX + ["indicator", "period"]
DATA = Path(__file__).resolve().parents[1] / "data" / "batch" / "compare.yaml"
#: the columns of the resolved (long) layout
LONG = INDEX + ["indicator", "name_zh", "period", "period_zh", "display", "value", "max", "unit", "qualifier",
                "display_value", "display_max", "display_unit", "conflicts", "n_values", "evidence",
                "sentence_text", "page", "source", "doc_id", "confidence", "method"]


@functools.lru_cache(maxsize=1)
def _rules() -> dict:
    return yamlio.safe_load(DATA.read_text(encoding="utf-8"))


def _split(values: Optional[Sequence[str]]) -> list[str]:
    out = []
    for v in values or []:
        out.extend(x.strip() for x in str(v).replace("，", ",").split(",") if x.strip())
    return out


def period_label(period) -> str:
    return _rules()["periods"].get(str(period), str(period))


def is_default_period(period) -> bool:
    p = str(period)
    return not any(x in p for x in _rules()["default_exclude"])


# ------------------------------------------------------------------------------------------ checks

def known_categories() -> set:
    from extractor.indicators.catalogue import catalogue, names
    return {c.get("id") for name in names() for c in catalogue(name).categories if c.get("id")}


def _matches(indicator, category, pattern: str) -> bool:
    """An indicator id matches a pattern (id or glob), or its category does (``disputes`` / ``disputes.*``)."""
    if fnmatch.fnmatchcase(str(indicator), pattern):
        return True
    cat = pattern[:-2] if pattern.endswith(".*") else pattern
    return isinstance(category, str) and fnmatch.fnmatchcase(category, cat)


def known_ids() -> dict:
    """``{indicator id: Indicator}`` of every catalogue."""
    from extractor.indicators.catalogue import catalogue, names
    out = {}
    for name in names():
        for ind in catalogue(name):
            out.setdefault(ind.id, ind)
    return out


def check(table: pd.DataFrame, indicators=None, regions=None) -> None:
    """Raise an ExtractorError (exit 2) naming unknown indicator ids / regions, with close suggestions."""
    from extractor.core.errors import ExtractorError
    ids = set(known_ids()) | set(table["indicator"].dropna().astype(str)) if "indicator" in table else set(known_ids())
    bad = []
    cats = known_categories() | (set(table["category"].dropna().astype(str)) if "category" in table else set())
    for pat in _split(indicators):
        if any(fnmatch.fnmatchcase(c, pat[:-2] if pat.endswith(".*") else pat) for c in cats):
            continue  # a category: every indicator of it
        if any(ch in pat for ch in "*?["):
            if not any(fnmatch.fnmatchcase(i, pat) for i in ids):
                bad.append((pat, difflib.get_close_matches(pat.rstrip("*.?"), sorted({i.split(".")[0] + ".*" for i in ids}), 3, 0.5)))
        elif pat not in ids:
            bad.append((pat, difflib.get_close_matches(pat, sorted(ids), 3, 0.5)))
    if bad:
        pat, close = bad[0]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `extractor catalogue` lists the ids"
        more = f" (and {len(bad) - 1} more unknown)" if len(bad) > 1 else ""
        raise ExtractorError(None, f"unknown indicator {pat!r}{more}{hint}")
    regs = _split(regions)
    if regs:
        names = set()
        for col in ("region", "region_code", "city", "province"):
            if col in table:
                names |= set(table[col].dropna().astype(str))
        missing = [r for r in regs if r not in names]
        if missing:
            close = difflib.get_close_matches(missing[0], sorted(n for n in names if n), 3, 0.4)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                "; no region of this batch is like it" if names else "; the batch has no indicator rows")
            raise ExtractorError(None, f"unknown region {missing[0]!r} (not in this batch){hint}")


# ------------------------------------------------------------------------------------------ selection

def select(table: pd.DataFrame, indicators=None, years=None, regions=None, periods=None) -> pd.DataFrame:
    """Rows of the long indicator table for the given indicators (ids, globs like ``reconsideration.*``, or
    category ids: ``disputes``),
    years, regions (name, code, city or province) and periods (default: every period but targets; ``all``)."""
    df = table
    inds = _split(indicators)
    if inds:
        cats = df["category"] if "category" in df else pd.Series([None] * len(df), index=df.index)
        df = df[[any(_matches(i, c, p) for p in inds) for i, c in zip(df["indicator"], cats)]]
    yrs = [int(y) for y in _split(years)]
    if yrs:
        df = df[df["year"].isin(yrs)]
    regs = _split(regions)
    if regs:
        mask = False
        for col in ("region", "region_code", "city", "province"):
            mask = mask | df[col].astype(str).isin(regs)
        df = df[mask]
    pers = _split(periods)
    if "all" in pers:
        return df
    if pers:
        return df[df["period"].isin(pers)]
    return df[df["period"].map(is_default_period)]


def _source_label(source) -> str:
    """``(stem)`` or ``(stem#row)`` of a document's source: the row label of a document without a region."""
    if not source:
        return ""
    path, _, row = str(source).partition("#")
    return f"({Path(path).stem}{'#' + row if row else ''})"


# ------------------------------------------------------------------------------------------ values

def _num(v) -> str:
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v)}"
    return f"{v:.6g}" if abs(v) >= 1e-4 else f"{v:.3g}"


def display_unit(unit, values) -> tuple[str, float]:
    """(display unit, factor) for values in ``unit``: 亿元 for billions of yuan, 万人 for many people …"""
    vals = pd.to_numeric(pd.Series(list(values)), errors="coerce").abs().dropna()
    med = float(vals.median()) if len(vals) else 0.0
    for threshold, name, factor in _rules()["display_units"].get(str(unit), []):
        if med >= float(threshold):
            return name, float(factor)
    return ("" if unit is None or (isinstance(unit, float) and pd.isna(unit)) else str(unit)), 1.0


def show(value, vmax=None, qualifier="exact", factor: float = 1.0) -> str:
    """A value with its qualifier and range: ``5.4``, ``≈5``, ``≥5``, ``≤3``, ``5–5.5``."""
    if value is None or pd.isna(value):
        return ""
    q = _rules()["qualifiers"]
    v = _num(float(value) / factor)
    if vmax is not None and not pd.isna(vmax) and float(vmax) != float(value):
        key = "range_approx" if qualifier == "approx" else "range"
        return q[key].format(v=v, max=_num(float(vmax) / factor))
    return q.get(str(qualifier), "{v}").format(v=v)


_METHOD_ORDER = {"rule": 0, "model": 1}
_QUAL_ORDER = {"exact": 0, "approx": 1, "lower": 2, "upper": 2}


def resolve(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (region, year, indicator, period), the :data:`LONG` columns; see the module docstring."""
    if df.empty:
        return pd.DataFrame(columns=LONG)
    df = df.copy()
    for col in ("max", "name_zh", "sentence_text", "page", "source", "doc_id", "confidence", "method", "start",
                "qualifier", "evidence", "unit"):
        if col not in df:
            df[col] = None
    for col in INDEX + ["period"]:
        df[col] = df[col].astype(object).where(df[col].notna(), "")
    df["region"] = df["region"].astype(str)
    label = df["source"].map(_source_label)  # a document whose region was not recognised keeps its own rows
    df["region"] = df["region"].where((df["region"] != "") | (df["region_code"].astype(str) != ""), label)
    df["_m"] = df["method"].map(lambda m: _METHOD_ORDER.get(m, 2))
    df["_q"] = df["qualifier"].map(lambda q: _QUAL_ORDER.get(q, 3))
    df["_c"] = -pd.to_numeric(df["confidence"], errors="coerce").fillna(0.0)
    df["_s"] = df["source"].astype(str)
    df["_o"] = pd.to_numeric(df["start"], errors="coerce").fillna(0)
    df = df.sort_values(["_c", "_m", "_q", "_s", "_o"], kind="mergesort")
    units = {ind: display_unit(g["unit"].dropna().iloc[0] if g["unit"].notna().any() else None, g["value"])
             for ind, g in df.groupby("indicator")}
    rows = []
    for key, g in df.groupby(KEY, sort=True, dropna=False):
        first = g.iloc[0]
        dunit, factor = units[first["indicator"]]
        shown = [show(r.value, r.max, r.qualifier, factor) for r in g.itertuples()]
        distinct = list(dict.fromkeys(shown))
        rec = {k: v for k, v in zip(KEY, key)}
        rec.update(
            name_zh=first["name_zh"], period_zh=period_label(first["period"]), display=distinct[0],
            value=first["value"], max=first["max"], unit=first["unit"], qualifier=first["qualifier"],
            display_value=None if pd.isna(first["value"]) else float(first["value"]) / factor,
            display_max=None if first["max"] is None or pd.isna(first["max"]) else float(first["max"]) / factor,
            display_unit=dunit, conflicts="; ".join(distinct[1:]) or None, n_values=len(g),
            evidence=first["evidence"], sentence_text=first["sentence_text"], page=first["page"],
            source=first["source"], doc_id=first["doc_id"], confidence=first["confidence"], method=first["method"])
        rows.append(rec)
    out = pd.DataFrame(rows, columns=LONG)
    return out.sort_values(["province", "region", "year", "indicator", "period"], kind="mergesort").reset_index(drop=True)


def header(indicator, name_zh, period, unit, ids: bool = False) -> str:
    """The wide column of (indicator, period): ``行政复议申请（件）·实际`` (or ``id@period`` with ``ids``)."""
    if ids:
        return f"{indicator}@{period}"
    name = name_zh if isinstance(name_zh, str) and name_zh else str(indicator)
    return f"{name}（{unit}）·{period_label(period)}" if unit else f"{name}·{period_label(period)}"


def widen(long: pd.DataFrame, ids: bool = False, conflicts: bool = True) -> pd.DataFrame:
    """The resolved long table as one row per (region, year) and one text column per (indicator, period)."""
    if long.empty:
        return pd.DataFrame(columns=INDEX)
    long = long.copy()
    long["_col"] = [header(r.indicator, r.name_zh, r.period, r.display_unit, ids) for r in long.itertuples()]
    if conflicts:
        long["display"] = [f"{d} [conflicts: {c}]" if isinstance(c, str) and c else d for d, c in zip(long["display"], long["conflicts"])]
    order = list(dict.fromkeys(long.sort_values(["indicator", "period"])["_col"]))
    wide = long.pivot_table(index=INDEX, columns="_col", values="display", aggfunc="first")
    wide.columns.name = None
    wide = wide.reset_index()
    wide = wide[INDEX + [c for c in order if c in wide.columns]]
    return wide.sort_values(["province", "region", "year"]).reset_index(drop=True).fillna("")


def pivot(table: pd.DataFrame, indicators=None, years=None, regions=None, periods=None, ids: bool = False,
          values: str = "display") -> pd.DataFrame:
    """One row per (region, year), one column per (indicator, period). ``values="display"``: the value as text
    with its qualifier, range and a ``[conflicts: …]`` marker; ``values="value"``: the chosen value as a number
    in the base unit (columns ``indicator@period``)."""
    long = resolve(select(table, indicators, years, regions, periods))
    if values == "display":
        return widen(long, ids=ids)
    if long.empty:
        return pd.DataFrame(columns=INDEX)
    long["_col"] = long["indicator"] + "@" + long["period"].astype(str)
    wide = long.pivot_table(index=INDEX, columns="_col", values=values, aggfunc="first")
    wide.columns.name = None
    return wide.reset_index().sort_values(["province", "region", "year"]).reset_index(drop=True)


def chart(table: pd.DataFrame, indicator: str, path, years=None, regions=None, periods=None,
          name_zh: Optional[str] = None) -> Path:
    """A bar chart (PNG) of one indicator across regions, one bar per region, year and period."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from extractor.output.viz import use_cjk_font
    use_cjk_font()
    long = resolve(select(table, [indicator], years, regions, periods))
    path = Path(path)
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * max(len(long), 1) + 3), 4.5))
    unit = long["display_unit"].iloc[0] if len(long) else ""
    if len(long):
        several = long["period"].nunique() > 1
        labels = [f"{r.region or r.region_code}\n{int(r.year) if str(r.year).strip() else ''}"
                  + (f"\n{r.period_zh}" if several else "") for r in long.itertuples()]
        ax.bar(range(len(long)), long["display_value"].astype(float), color="#4c72b0")
        ax.set_xticks(range(len(long)), labels, fontsize=8)
    else:
        ax.text(0.5, 0.5, f"no values of {indicator}", ha="center", va="center", transform=ax.transAxes)
    rows = table.loc[table["indicator"] == indicator]
    if name_zh is None and "name_zh" in rows and rows["name_zh"].notna().any():
        name_zh = f"{rows['name_zh'].dropna().iloc[0]} · {indicator}"
    ax.set_title(f"{name_zh or indicator}" + (f" ({unit})" if unit else ""))
    ax.set_ylabel(unit or "")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
