"""Charts of the compare view: SVG drawn on the server (plain markup, a few milliseconds; matplotlib takes
over a second a chart on this machine). Labels are SVG text, so the browser draws the Chinese with its own
fonts; every label is escaped."""
from __future__ import annotations

import html
import math
from typing import Optional

W, H = 720, 340
PAD_L, PAD_R, PAD_T, PAD_B = 70, 150, 34, 58
COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974",
          "#64b5cd", "#1f77b4", "#ff7f0e")
FONT = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    out = [math.floor(lo / step) * step]
    while out[-1] < hi - step * 1e-9:
        out.append(round(out[-1] + step, 10))
    return out


def _num(v: float) -> str:
    a = abs(v)
    if a >= 1e8:
        return f"{v / 1e8:g}亿"
    if a >= 1e4:
        return f"{v / 1e4:g}万"
    return f"{v:g}"


def _points(p: dict, indicator: str, period: Optional[str]):
    cols = [(k, c) for k, c in enumerate(p["columns"]) if c["indicator"] == indicator
            and (period is None or c["period"] == period)]
    points: dict[str, dict] = {}
    name, unit = indicator, ""
    for k, c in cols:
        name, unit = c["name_zh"], c.get("unit") or ""
        for r in p["rows"]:
            cell = r["cells"][k]
            if cell is None or not isinstance(cell["row"].get("value"), (int, float)):
                continue
            year = c["year"] if p["layout"] == "years" else r["label"]["year"]
            points.setdefault(r["label"]["region"], {})[year] = float(cell["row"]["value"])
    return points, name, unit


def chart_svg(p: dict, indicator: str, period: Optional[str], kind: str = "bars", max_series: int = 12) -> bytes:
    """Bars across regions (one bar per region and year) or lines across years (one line per region) of one
    (indicator, period) of the pivot ``p`` (see :func:`extractor.serve.queries.pivot`)."""
    esc = html.escape
    points, name, unit = _points(p, indicator, period)
    regions = list(points)[:max_series]
    years = sorted({y for r in regions for y in points[r] if y is not None})
    title = f"{name}" + (f" [{period}]" if period else "") + (f" ({unit})" if unit else "")
    more = len(points) - len(regions)
    if more > 0:
        title += f" · first {len(regions)} of {len(points)} regions"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
           f'font-family="{FONT}" font-size="11" role="img" aria-label="{esc(title)}">',
           f'<rect width="{W}" height="{H}" fill="#fff"/>',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">{esc(title)}</text>']
    vals = [v for r in regions for v in points[r].values()]
    if not vals:
        out.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" fill="#667085">no values</text></svg>')
        return "".join(out).encode("utf-8")
    lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
    if kind == "lines" and min(vals) > 0:
        lo = min(vals) - (max(vals) - min(vals)) * 0.1 if max(vals) > min(vals) else min(vals) * 0.9
    ticks = _ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    x0, x1, y0, y1 = PAD_L, W - PAD_R, H - PAD_B, PAD_T

    def y(v):
        return y0 - (v - lo) / (hi - lo or 1) * (y0 - y1)
    for t in ticks:
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#eaecf0"/>'
                   f'<text x="{x0 - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="#475467">{esc(_num(t))}</text>')
    out.append(f'<line x1="{x0}" x2="{x1}" y1="{y(max(lo, 0)):.1f}" y2="{y(max(lo, 0)):.1f}" stroke="#667085"/>')
    series_names = []
    if kind == "lines":
        xs = {yr: x0 + (i + 0.5) * (x1 - x0) / max(1, len(years)) for i, yr in enumerate(years)}
        for yr, xv in xs.items():
            out.append(f'<text x="{xv:.1f}" y="{y0 + 16}" text-anchor="middle" fill="#475467">{yr}</text>')
        for j, reg in enumerate(regions):
            color = COLORS[j % len(COLORS)]
            pts = [(xs[yr], y(points[reg][yr])) for yr in years if yr in points[reg]]
            if len(pts) > 1:
                out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                           + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
            for (a, b), yr in zip(pts, [yr for yr in years if yr in points[reg]]):
                out.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3.5" fill="{color}"><title>{esc(reg)} {yr}: '
                           f'{esc(_num(points[reg][yr]))}</title></circle>')
            series_names.append((reg, color))
    else:
        groups = years or [None]
        slot = (x1 - x0) / max(1, len(regions))
        bw = slot * 0.8 / len(groups)
        for i, reg in enumerate(regions):
            cx = x0 + (i + 0.5) * slot
            label = reg if len(reg) <= 8 else reg[:7] + "…"
            out.append(f'<text x="{cx:.1f}" y="{y0 + 16}" text-anchor="middle" fill="#475467">{esc(label)}</text>')
            for j, yr in enumerate(groups):
                v = points[reg].get(yr)
                if v is None:
                    continue
                bx = cx - slot * 0.4 + j * bw
                top, bot = sorted((y(v), y(max(lo, 0))))
                out.append(f'<rect x="{bx:.1f}" y="{top:.1f}" width="{bw * 0.92:.1f}" height="{max(bot - top, 0.5):.1f}" '
                           f'fill="{COLORS[j % len(COLORS)]}"><title>{esc(reg)} {yr or ""}: {esc(_num(v))}</title></rect>')
        series_names = [(str(yr), COLORS[j % len(COLORS)]) for j, yr in enumerate(groups) if yr is not None]
    for j, (label, color) in enumerate(series_names[:16]):
        ly = PAD_T + 6 + j * 16
        out.append(f'<rect x="{x1 + 14}" y="{ly - 8}" width="10" height="10" class="lg" fill="{color}"/>'
                   f'<text x="{x1 + 30}" y="{ly + 1}">{esc(label if len(label) <= 16 else label[:15] + "…")}</text>')
    out.append("</svg>")
    return "".join(out).encode("utf-8")
