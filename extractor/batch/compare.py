"""Compare regions and years: the pivot of the standard indicator table and a chart of one indicator."""
from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Optional, Sequence

import pandas as pd

INDEX = ["province", "region", "region_code", "year"]


def _split(values: Optional[Sequence[str]]) -> list[str]:
    out = []
    for v in values or []:
        out.extend(x.strip() for x in str(v).replace("，", ",").split(",") if x.strip())
    return out


def select(table: pd.DataFrame, indicators=None, years=None, regions=None, periods=None) -> pd.DataFrame:
    """Rows of the long indicator table for the given indicators (ids, globs like ``reconsideration.*``),
    years, regions (name, code, city or province) and periods (default: everything but targets)."""
    df = table
    inds = _split(indicators)
    if inds:
        df = df[df["indicator"].map(lambda i: any(fnmatch.fnmatchcase(str(i), p) for p in inds))]
    yrs = [int(y) for y in _split(years)]
    if yrs:
        df = df[df["year"].isin(yrs)]
    regs = _split(regions)
    if regs:
        mask = False
        for col in ("region", "region_code", "city", "province"):
            mask = mask | df[col].astype(str).isin(regs)
        df = df[mask]
    pers = _split(periods) or ["actual", "stock", "cumulative"]
    return df[df["period"].isin(pers)]


def _source_label(source) -> str:
    """``(stem)`` or ``(stem#row)`` of a document's source: the row label of a document without a region."""
    if not source:
        return ""
    path, _, row = str(source).partition("#")
    return f"({Path(path).stem}{'#' + row if row else ''})"


def pivot(table: pd.DataFrame, indicators=None, years=None, regions=None, periods=None) -> pd.DataFrame:
    """One row per (region, year), one column per indicator; where a document states an indicator more than
    once, the most confident value is kept."""
    df = select(table, indicators, years, regions, periods)
    if df.empty:
        return pd.DataFrame(columns=INDEX)
    df = df.copy()
    for col in INDEX:
        df[col] = df[col].fillna("")
    if "source" in df:  # a document whose region was not recognised keeps a row of its own (its file name)
        label = df["source"].map(_source_label)
        df["region"] = df["region"].where((df["region"] != "") | (df["region_code"] != ""), label)
    df = df.sort_values("confidence", ascending=False)
    wide = df.pivot_table(index=INDEX, columns="indicator", values="value", aggfunc="first")
    wide.columns.name = None
    return wide.reset_index().sort_values(["province", "region", "year"]).reset_index(drop=True)


def chart(table: pd.DataFrame, indicator: str, path, years=None, regions=None, periods=None,
          name_zh: Optional[str] = None) -> Path:
    """A bar chart (PNG) of one indicator across regions, one bar per region and year."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from extractor.output.viz import use_cjk_font
    use_cjk_font()
    wide = pivot(table, [indicator], years, regions, periods)
    path = Path(path)
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * max(len(wide), 1) + 3), 4.5))
    if indicator in wide:
        labels = [f"{r or c}\n{int(y) if str(y).strip() else ''}" for r, c, y in
                  zip(wide["region"], wide["region_code"], wide["year"])]
        ax.bar(range(len(wide)), wide[indicator].astype(float), color="#4c72b0")
        ax.set_xticks(range(len(wide)), labels, fontsize=8)
    else:
        ax.text(0.5, 0.5, f"no values of {indicator}", ha="center", va="center", transform=ax.transAxes)
    rows = table.loc[table["indicator"] == indicator]
    unit = rows["unit"].dropna()
    if name_zh is None and "name_zh" in rows and rows["name_zh"].notna().any():
        name_zh = f"{rows['name_zh'].dropna().iloc[0]} · {indicator}"
    ax.set_title(f"{name_zh or indicator}" + (f" ({unit.iloc[0]})" if len(unit) else ""))
    ax.set_ylabel(unit.iloc[0] if len(unit) else "")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
