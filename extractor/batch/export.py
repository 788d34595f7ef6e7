"""Write tables to the file format named by the output's extension: .csv .xlsx .parquet .dta .sqlite .json.

- **.csv**: UTF-8 with a byte-order mark by default, so Excel on a Chinese-locale Windows reads it right
  (``bom=False`` for tools that dislike it); pandas reads it with ``encoding="utf-8-sig"``.
- **.xlsx**: one sheet per frame; a header row per column and, when ``labels`` are given, the frames' own
  column names kept in a second header row (ids for programs, Chinese names and units for people).
- **.dta** (Stata 14+, format 118): variable names made Stata-safe (ASCII letters, digits, ``_``; at most
  32 characters; unique), the original name kept as the variable label; long texts stored as strL.
- **.sqlite**: one table per frame; **.parquet**: the first frame; **.json**: records (UTF-8, not escaped).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

import pandas as pd

FORMATS = {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet", ".dta": "dta",
           ".sqlite": "sqlite", ".sqlite3": "sqlite", ".db": "sqlite", ".json": "json", ".jsonl": "jsonl",
           ".txt": "table"}
TYPED = {"parquet", "dta", "sqlite", "json", "jsonl"}  # formats whose readers want typed columns (long layout)


def format_of(path, explicit: Optional[str] = None) -> str:
    """The format of an output: ``explicit`` when given, else from the extension of ``path``."""
    from extractor.core.errors import ExtractorError
    if explicit:
        return explicit
    if path in (None, "-"):
        return "table"
    suffix = Path(str(path)).suffix.lower()
    if suffix not in FORMATS:
        raise ExtractorError(path, f"cannot tell the output format from {suffix or 'no extension'!r} "
                                   f"(use {', '.join(sorted(set(FORMATS) - {'.txt'}))} or --format)")
    return FORMATS[suffix]


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed content as strings (None kept), so typed writers accept them."""
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else
                              (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
                               if isinstance(v, (dict, list)) else str(v)))
    return df


def _stata_reserved() -> set:
    try:
        from pandas.io.stata import StataWriter
        return set(StataWriter.RESERVED_WORDS)
    except (ImportError, AttributeError):  # pragma: no cover - another pandas
        return {"end", "in", "if", "int", "long", "float", "double", "byte", "using", "with", "_n", "_N"}


def stata_names(columns) -> list[str]:
    """Stata-safe, unique variable names (≤ 32 ASCII characters, no reserved word: ``end`` → ``end_``)."""
    out, seen = [], set()
    reserved = _stata_reserved()
    for i, c in enumerate(columns):
        name = re.sub(r"[^A-Za-z0-9_]+", "_", str(c)).strip("_") or f"v{i + 1}"
        if name[0].isdigit():
            name = "v" + name
        if name in reserved:
            name += "_"
        name = name[:32]
        base, k = name, 1
        while name.lower() in seen:
            k += 1
            name = f"{base[:32 - len(str(k)) - 1]}_{k}"
        seen.add(name.lower())
        out.append(name)
    return out


def write(frames, path, fmt: Optional[str] = None, bom: bool = True, labels: Optional[dict] = None) -> Path:
    """Write ``frames`` (a DataFrame, or ``{sheet name: DataFrame}``) to ``path`` in ``fmt`` (default: by
    extension). ``labels``: ``{column: human label}`` for the header of xlsx and the variable labels of .dta."""
    fmt = format_of(path, fmt)
    if isinstance(frames, pd.DataFrame):
        frames = {"data": frames}
    path = Path(path)
    first = next(iter(frames.values()))
    labels = labels or {}
    if fmt in ("csv", "tsv"):
        first.to_csv(path, index=False, sep="," if fmt == "csv" else "\t", encoding="utf-8-sig" if bom else "utf-8")
    elif fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in frames.items():
                out = _plain(df)
                if labels and any(c in labels for c in out.columns):
                    head = pd.DataFrame([[c for c in out.columns]], columns=[labels.get(c, c) for c in out.columns])
                    out.columns = [labels.get(c, c) for c in out.columns]
                    out = pd.concat([head, out], ignore_index=True)
                out.to_excel(xw, sheet_name=str(name)[:31], index=False)
                ws = xw.sheets[str(name)[:31]]
                ws.freeze_panes = "A3" if labels and any(c in labels for c in df.columns) else "A2"
                for col in ws.columns:
                    width = max(len(str(c.value or "")) for c in list(col)[:50])
                    ws.column_dimensions[col[0].column_letter].width = min(max(8, width * 1.6), 60)
    elif fmt == "parquet":
        _plain(first).to_parquet(path, index=False)
    elif fmt == "dta":
        df = _plain(first)
        names = stata_names(df.columns)
        var_labels = {n: str(labels.get(c, c))[:80] for n, c in zip(names, df.columns) if n != c or c in labels}
        df.columns = names
        strl = []
        for c in df.columns:
            if df[c].dtype == object:
                df[c] = df[c].fillna("")
                if df[c].map(lambda v: len(str(v).encode("utf-8"))).max() > 2000 if len(df) else False:
                    strl.append(c)
            elif str(df[c].dtype) == "bool":
                df[c] = df[c].astype("int8")
        df.to_stata(path, write_index=False, version=118, variable_labels=var_labels or None,
                    convert_strl=strl or None)
    elif fmt == "sqlite":
        import sqlite3
        if path.exists():
            path.unlink()
        con = sqlite3.connect(path)
        try:
            for name, df in frames.items():
                _plain(df).to_sql(re.sub(r"\W+", "_", str(name)), con, index=False)
        finally:
            con.close()
    elif fmt == "json":
        path.write_text(_plain(first).to_json(orient="records", force_ascii=False, date_format="iso", indent=1)
                        + "\n", encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text(_plain(first).to_json(orient="records", force_ascii=False, date_format="iso", lines=True),
                        encoding="utf-8")
    else:
        path.write_text((first.to_string(index=False) if not first.empty else "(no rows)") + "\n", encoding="utf-8")
    return path
