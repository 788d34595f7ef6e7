"""Terminal rendering of indicator tables."""
from __future__ import annotations

import sys
from pathlib import Path

SHOW = ["region", "year", "indicator", "value", "unit", "qualifier", "period", "page", "evidence"]


def print_indicator_table(df, title: str = "", file=None) -> None:
    import pandas as pd
    file = file or sys.stdout
    if title:
        print(f"== {title}", file=file)
    if df is None or df.empty:
        print("(no indicator rows)", file=file)
        return
    cols = [c for c in SHOW if c in df.columns]
    view = df[cols].copy()
    if "value" in view:
        view["value"] = view["value"].map(format_number)
    for col in ("page", "year"):
        if col in view:
            view[col] = view[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
    if "region" in view:  # a document whose region is not recognised is named by its file
        sources = df["source"] if "source" in df else pd.Series([None] * len(df), index=df.index)
        view["region"] = [r if not pd.isna(r) and r else (f"({Path(str(src)).stem})" if not pd.isna(src) else "")
                          for r, src in zip(view["region"], sources)]
    if "evidence" in view:
        view["evidence"] = view["evidence"].astype(str).map(lambda e: e if len(e) <= 30 else e[:29] + "…")
    print(view.to_string(index=False), file=file)


def format_number(v) -> str:
    """A value for the terminal: no scientific notation, thousands separated (``8,134,660,000``)."""
    import pandas as pd
    if pd.isna(v):
        return ""
    v = float(v)
    return f"{int(v):,}" if v.is_integer() else f"{v:,.6f}".rstrip("0").rstrip(".")
