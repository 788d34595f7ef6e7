"""Charts of the compare view, drawn server-side by matplotlib as SVG (text kept as text, so the browser
draws the Chinese labels with its own fonts; matplotlib is told about an installed CJK font too)."""
from __future__ import annotations

import io
import threading
from typing import Optional

_LOCK = threading.Lock()  # pyplot's state is global


def chart_svg(p: dict, indicator: str, period: Optional[str], kind: str = "bars", max_series: int = 12) -> bytes:
    """Bars across regions (one bar per region and year) or lines across years (one line per region) of one
    (indicator, period) of the pivot ``p`` (see :func:`extractor.serve.queries.pivot`)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from extractor.output.viz import use_cjk_font

    cols = [(k, c) for k, c in enumerate(p["columns"]) if c["indicator"] == indicator
            and (period is None or c["period"] == period)]
    points: dict[str, dict] = {}  # region → {year: value}
    name, unit = indicator, ""
    for k, c in cols:
        name, unit = c["name_zh"], c.get("unit") or ""
        for r in p["rows"]:
            cell = r["cells"][k]
            if cell is None or not isinstance(cell["row"].get("value"), (int, float)):
                continue
            year = c["year"] if p["layout"] == "years" else r["label"]["year"]
            points.setdefault(r["label"]["region"], {})[year] = float(cell["row"]["value"])
    regions = list(points)[:max_series]
    years = sorted({y for v in points.values() for y in v if y is not None})
    with _LOCK:
        use_cjk_font()
        matplotlib.rcParams["svg.fonttype"] = "none"
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        try:
            if not regions:
                ax.text(0.5, 0.5, "no values", ha="center", va="center", transform=ax.transAxes)
            elif kind == "lines":
                for reg in regions:
                    ys = [y for y in years if y in points[reg]]
                    ax.plot(ys, [points[reg][y] for y in ys], marker="o", label=reg)
                ax.set_xticks(years, [str(y) for y in years])
                ax.legend(fontsize=8, loc="best")
            else:
                n = max(1, len(years))
                width = 0.8 / n
                for j, y in enumerate(years or [None]):
                    xs = [i + (j - (n - 1) / 2) * width for i, reg in enumerate(regions) if y in points[reg]]
                    vs = [points[reg][y] for reg in regions if y in points[reg]]
                    ax.bar(xs, vs, width=width * 0.95, label=str(y) if y is not None else "")
                ax.set_xticks(range(len(regions)), regions, fontsize=8)
                if len(years) > 1:
                    ax.legend(fontsize=8)
            per = f" [{period}]" if period else ""
            ax.set_title(f"{name}{per}" + (f" ({unit})" if unit else ""), fontsize=10)
            ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="svg")
        finally:
            plt.close(fig)
    return buf.getvalue()
