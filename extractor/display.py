"""Terminal rendering of indicator tables."""
from __future__ import annotations

import sys

SHOW = ["region", "year", "indicator", "value", "unit", "qualifier", "period", "page", "evidence"]


def print_indicator_table(df, title: str = "", file=None) -> None:
    file = file or sys.stdout
    if title:
        print(f"== {title}", file=file)
    if df is None or df.empty:
        print("(no indicator rows)", file=file)
        return
    cols = [c for c in SHOW if c in df.columns]
    view = df[cols].copy()
    if "evidence" in view:
        view["evidence"] = view["evidence"].astype(str).str.slice(0, 30)
    print(view.to_string(index=False), file=file)
