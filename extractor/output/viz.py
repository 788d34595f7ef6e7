"""The review page: one self-contained HTML file showing where every extracted fact sits in the text.

:func:`render_html` takes a :class:`~extractor.report.Report` or the JSON dict of ``extractor extract``
(``spec/output.md``) and returns a page with

* the document text, with sections (framed blocks, headings in bold), measures (green), indicator evidence
  (violet underline) and quantities (amber) highlighted; overlapping and nested spans are split at every
  boundary into properly nested elements, so a quantity inside an indicator's evidence inside a measure
  inside a section shows all four;
* hover (tooltip) or click (details panel) on a highlight: value, unit, qualifier, kind, period, subject,
  indicator, confidence, section;
* a side table of indicators (a click scrolls to and marks the evidence), a section outline and filters by
  type.

The page template, stylesheet and script are package data (``extractor/data/review/``), inlined into
every page: it needs no network (no CDN, no external file). Every piece of document text is ``html.escape``d and
the data the script reads is embedded as JSON with ``<``, ``>`` and ``&`` escaped, so a report containing
``<script>`` shows it as text. Opening the page with ``#selftest`` makes it check its own highlights and
write the result into ``<pre id="selftest-result">`` (used by the browser tests); ``#show=i3`` opens it
with indicator 3 (``q``/``m``/``s`` + index for the others) marked, scrolled to and detailed.
"""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, Optional

from extractor.core import jsonio
from extractor.core.facts import as_dict

__all__ = ["render_html", "notebook_html", "as_report_dict", "use_cjk_font", "KINDS"]

#: the page template, its stylesheet and script (inlined into every page)
ASSETS = Path(__file__).resolve().parents[1] / "data" / "review"

#: span kinds in nesting order (outermost first when two spans cover the same range)
KINDS = ("section", "measure", "indicator", "quantity")
_PREFIX = {"section": "s", "heading": "h", "measure": "m", "indicator": "i", "quantity": "q"}
_RANK = {"section": 0, "heading": 1, "measure": 2, "indicator": 3, "quantity": 4}
_LIST_KEY = {"section": "sections", "measure": "measures", "indicator": "indicators", "quantity": "quantities"}


@lru_cache(maxsize=None)
def _low() -> float:
    """The one "low confidence" threshold (``data/indicators/normalizer.yaml``)."""
    from extractor.indicators.normalizer import LOW_CONFIDENCE
    return LOW_CONFIDENCE


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _template(name: str) -> Template:
    return Template(_asset(name))


def as_report_dict(report: Any) -> dict:
    """The ``spec/output.md`` JSON dict of a Report (or the dict itself, unchanged)."""
    return as_dict(report)


def _item_dict(item: Any) -> dict:
    if isinstance(item, dict):
        return item
    return item.to_dict()


def _expected_text(kind: str, item: dict) -> Optional[str]:
    if kind == "indicator":
        return item.get("evidence")
    if kind in ("quantity", "measure"):
        return item.get("text")
    return None


def _collect(data: dict) -> tuple[list[tuple], dict, list]:
    """Spans ``(start, end, kind, key)``, the per-key item data for the script, and problems found."""
    text = data.get("text") or ""
    n = len(text)
    spans: list[tuple] = []
    items: dict[str, dict] = {}
    problems: list[dict] = []
    used_q: dict[int, list[str]] = {}  # quantity index → the indicators that took it
    for ind in data.get("indicators") or []:
        ind = _item_dict(ind)
        q = ind.get("quantity")
        if isinstance(q, int):
            used_q.setdefault(q, []).append(str(ind.get("indicator")))
    for kind in KINDS:
        for idx, raw in enumerate(data.get(_LIST_KEY[kind]) or []):
            it = dict(_item_dict(raw))
            key = f"{_PREFIX[kind]}{idx}"
            it["_kind"] = kind
            it["_idx"] = idx
            start, end = it.get("start"), it.get("end")
            located = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n
            it["_located"] = located
            if kind == "quantity":
                it["_free"] = idx not in used_q
                if idx in used_q and not it.get("indicator"):
                    it["indicator"] = ", ".join(used_q[idx])
            if located and kind in ("quantity", "indicator"):
                it["_before"] = gold_before(text, start, end)
            if not located:
                problems.append({"key": key, "kind": kind, "problem": "no valid span", "start": start, "end": end})
            else:
                want = _expected_text(kind, it)
                if want is not None and text[start:end] != want:
                    it["_mismatch"] = True
                    problems.append({"key": key, "kind": kind, "problem": "text[start:end] differs from its text",
                                     "start": start, "end": end})
                spans.append((start, end, kind, key))
                if kind == "section":
                    ts, te = it.get("title_start"), it.get("title_end")
                    if isinstance(ts, int) and isinstance(te, int) and start <= ts < te <= end:
                        spans.append((ts, te, "heading", key))
            items[key] = it
    return spans, items, problems


def gold_before(text: str, start: int, end: int, longest: int = 12) -> str:
    """The ``before`` of a gold row (spec/annotation.md): the text just before ``text[start:end]``, the
    shortest of 0, 2, 4 … 12 characters that makes ``before + text`` occur once (12 if none does)."""
    span = text[start:end]
    for n in range(0, longest + 1, 2):
        b = max(0, start - n)
        probe = text[b:end]
        first = text.find(probe)
        if first == b and text.find(probe, first + 1) < 0:
            return text[b:start]
        if b == 0:
            break
    return text[max(0, start - longest):start] if span else ""


def _label(it: dict) -> str:
    parts = [str(it.get("id") or "")]
    if it.get("part"):
        parts.append(str(it["part"]))
    if it.get("category"):
        parts.append(str(it["category"]))
    return " · ".join(p for p in parts if p)


def _open_tag(kind: str, key: str, it: dict, first: bool) -> str:
    esc = html.escape
    if kind == "section":
        level = it.get("level") if isinstance(it.get("level"), int) else 1
        label = f' data-label="{esc(_label(it))}"' if first else ""
        return f'<div class="sec sec-l{min(max(level, 1), 4)}" data-k="{key}"{label}>'
    if kind == "heading":
        return f'<span class="hd" data-k="{key}">'
    cls = {"measure": "ms", "indicator": "ind", "quantity": "qt"}[kind]
    extra = ""
    if kind == "quantity" and it.get("_free"):
        extra += " free"
    if kind == "indicator" and isinstance(it.get("confidence"), (int, float)) and it["confidence"] < _low():
        extra += " low"
    if it.get("_mismatch"):
        extra += " mismatch"
    tag = "mark" if kind == "quantity" else "span"
    return f'<{tag} class="hl {cls}{extra}" data-k="{key}">'


def _close_tag(kind: str) -> str:
    return "</div>" if kind == "section" else ("</mark>" if kind == "quantity" else "</span>")


def _esc_text(s: str) -> str:
    # a carriage return as a character reference: the HTML parser would turn a literal CR LF into LF
    return html.escape(s).replace("\r", "&#13;")


def render_text(text: str, spans: list[tuple], items: dict, markers: Optional[dict] = None) -> str:
    """The escaped document text with every span as properly nested elements (boundary sweep).

    At every boundary the set of covering spans is ordered outermost first (sections, then by start,
    longer first, then by kind); the elements the next segment shares with the current one as a prefix
    stay open, the rest are closed and reopened, so partial overlaps become several fragments carrying
    the same ``data-k``.
    """
    markers = markers or {}
    if not spans and not markers:
        return _esc_text(text)
    bounds = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans),
                     *(m for m in markers if 0 <= m < len(text))})
    starts: dict[int, list] = {}
    for sp in spans:
        starts.setdefault(sp[0], []).append(sp)
    active: list[tuple] = []
    stack: list[tuple] = []
    seen_first: set = set()
    out: list[str] = []

    def order(sp):
        s, e, kind, _key = sp
        return (0 if kind == "section" else 1, s, -e, _RANK[kind], sp[3])

    for a, b in zip(bounds, bounds[1:]):
        active = [sp for sp in active if sp[1] > a] + starts.get(a, [])
        want = sorted(active, key=order)
        k = 0
        while k < len(stack) and k < len(want) and stack[k] == want[k]:
            k += 1
        for sp in reversed(stack[k:]):
            out.append(_close_tag(sp[2]))
        for sp in want[k:]:
            ident = (sp[2], sp[3])
            out.append(_open_tag(sp[2], sp[3], items[sp[3]], ident not in seen_first))
            seen_first.add(ident)
        stack = want
        if a in markers:
            out.append(markers[a])
        out.append(_esc_text(text[a:b]))
    for sp in reversed(stack):
        out.append(_close_tag(sp[2]))
    return "".join(out)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _indicator_rows(items: dict) -> str:
    esc = html.escape
    rows = []
    for key, it in items.items():
        if it["_kind"] != "indicator":
            continue
        conf = it.get("confidence")
        conf_s = f"{conf:.2f}" if isinstance(conf, (int, float)) else ""
        width = int(round(100 * conf)) if isinstance(conf, (int, float)) else 0
        value = _fmt(it.get("value")) + (f"–{_fmt(it.get('max'))}" if it.get("max") is not None else "")
        cls = ["irow"]
        if isinstance(conf, (int, float)) and conf < _low():
            cls.append("low")
        if not it["_located"]:
            cls.append("unlocated")
        name = it.get("name_zh") or ""
        ind_id = str(it.get("indicator") or "")
        rows.append(
            f'<tr class="{" ".join(cls)}" data-k="{key}" tabindex="0">'
            f'<td><div class="iname">{esc(name)}</div><div class="iid" title="{esc(ind_id)}">{esc(ind_id)}</div></td>'
            f'<td class="num">{esc(value)}&nbsp;<span class="unit">{esc(_fmt(it.get("unit")))}</span></td>'
            f'<td>{esc(_fmt(it.get("qualifier")))}</td><td>{esc(_fmt(it.get("year")))}</td>'
            f'<td><div class="conf"><div class="bar" style="width:{width}%"></div></div>{esc(conf_s)}</td></tr>')
    if not rows:
        return '<p class="empty">No indicator values in this report.</p>'
    return ('<input id="isearch" type="search" placeholder="filter indicators (id, name, unit)" aria-label="filter">'
            '<div class="scroll"><table id="itable"><thead><tr><th>indicator</th><th>value</th><th>qual.</th>'
            '<th>year</th><th>conf.</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")


def _outline(items: dict) -> str:
    esc = html.escape
    lis = []
    for key, it in items.items():
        if it["_kind"] != "section" or not it["_located"]:
            continue
        level = it.get("level") if isinstance(it.get("level"), int) else 1
        title = f'{it.get("number") or ""}{it.get("title") or ""}'
        lis.append(f'<li class="ol-l{min(max(level, 1), 4)}" data-k="{key}" tabindex="0">{esc(title)}'
                   f'{" <small>" + esc(str(it["part"])) + "</small>" if it.get("part") else ""}</li>')
    if not lis:
        return '<p class="empty">No sections found.</p>'
    return '<ul id="outline">' + "".join(lis) + "</ul>"


def _tables_html(data: dict) -> str:
    """The report's tables drawn as tables (docs/tables.md): header cells as <th>, each cell that became a
    quantity highlighted and linked to its place in the text (``data-k`` of the quantity)."""
    esc = html.escape
    out = []
    for t in data.get("tables") or []:
        t = _item_dict(t)
        cells = t.get("cells") or []
        if not cells:
            continue
        rows: dict = {}
        for c in cells:
            rows.setdefault(c.get("row", 0), []).append(c)
        cap = " · ".join(str(x) for x in (t.get("id"), t.get("caption"), t.get("unit"),
                                          f"p. {t['page']}" if t.get("page") else None) if x)
        body = []
        for r in sorted(rows):
            tds = []
            for c in sorted(rows[r], key=lambda c: c.get("col", 0)):
                span = "".join(f' {a}="{c[a]}"' for a in ("rowspan", "colspan") if c.get(a, 1) != 1)
                tag = "th" if c.get("role") in ("header", "stub", "caption") else "td"
                inner = esc(str(c.get("text") or ""))
                if isinstance(c.get("quantity"), int):
                    title = esc(f"{_fmt(c.get('value'))} {c.get('unit') or ''} {c.get('kind') or ''}")
                    inner = f'<mark class="hl qt tcell" data-k="q{c["quantity"]}" title="{title}">{inner}</mark>'
                tds.append(f'<{tag} class="r-{esc(str(c.get("role")))}"{span}>{inner}</{tag}>')
            body.append("<tr>" + "".join(tds) + "</tr>")
        out.append(f'<table class="srctable" data-table="{esc(str(t.get("id")))}"><caption>{esc(cap)}</caption>'
                   + "".join(body) + "</table>")
    if not out:
        return ""
    return '<section id="tables" class="tables"><h2>Tables</h2>' + "".join(out) + "</section>"


def _json_for_script(obj: Any) -> str:
    s = jsonio.dumps(obj, default=str)
    return s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _page_markers(text: str, page_starts) -> dict:
    """Offset → an empty page marker element (its number shows through CSS, so the text stays the text)."""
    out = {}
    if not page_starts:
        return out
    for n, off in enumerate(page_starts, 1):
        if isinstance(off, int) and 0 <= off < len(text) and off not in out:
            out[off] = f'<span class="pg" id="page-{n}" data-page="{n}"></span>'
    return out


@lru_cache(maxsize=1)
def _catalogue_options() -> tuple:
    """``(id, name_zh, unit)`` of every catalogue indicator, for the correction box's list."""
    try:
        from extractor.indicators.catalogue import catalogue, names
    except Exception:  # pragma: no cover
        return ()
    seen: dict = {}
    for name in names():
        try:
            for ind in catalogue(name):
                seen.setdefault(ind.id, (ind.id, ind.name_zh, ind.unit))
        except Exception:  # pragma: no cover - a broken catalogue must not break the page
            continue
    return tuple(sorted(seen.values()))


def _gold_doc(doc: dict) -> dict:
    """The document fields of a gold file (spec/annotation.md) for this report."""
    region = doc.get("region") or {}
    source = str(doc.get("source") or doc.get("id") or "document")
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    return {"doc": name, "doc_id": doc.get("id"), "genre": doc.get("genre"), "region": region.get("name"),
            "province": region.get("province"), "year": doc.get("year")}


def render_html(report: Any, title: Optional[str] = None, *, save_url: Optional[str] = None,
                saved: Optional[dict] = None, nav: str = "", note: Optional[str] = None) -> str:
    """The review page of one report as a self-contained HTML string.

    ``report`` is a :class:`~extractor.report.Report` or the JSON dict of ``extractor extract`` (a
    ``page_starts`` list in the dict puts page markers in the text). The page's correction box exports the
    reviewer's decisions as gold JSON; with ``save_url`` it also POSTs them there (``extractor serve``),
    and ``saved`` (a gold file written before) shows the decisions made earlier. ``nav`` is trusted HTML put
    above the title (the explorer's links); ``note`` a warning shown under it.
    """
    data = as_report_dict(report)
    text = data.get("text") or ""
    spans, items, problems = _collect(data)
    doc = data.get("document") or {}
    region = doc.get("region") or {}
    page_title = title or doc.get("title") or doc.get("source") or "extractor review"
    esc = html.escape
    counts = {kind: sum(1 for it in items.values() if it["_kind"] == kind) for kind in KINDS}
    free = sum(1 for it in items.values() if it.get("_free"))
    meta_bits = [b for b in (region.get("name"), _fmt(doc.get("year")), doc.get("genre"), doc.get("source")) if b]
    page_starts = data.get("page_starts")
    body = render_text(text, spans, items, _page_markers(text, page_starts))
    script_data = {
        "items": {k: {kk: vv for kk, vv in v.items() if kk != "clause"} for k, v in items.items()},
        "problems": problems,
        "counts": counts,
        "gold": _gold_doc(doc),
        "catalogue": [list(x) for x in _catalogue_options()],
        "saveUrl": save_url,
        "saved": (saved or {}).get("corrections") or [],
        "pages": len(page_starts) if page_starts else 0,
    }
    filters = "".join(
        f'<label class="f f-{kind}"><input type="checkbox" data-filter="{kind}" checked>'
        f'<span class="sw sw-{kind}"></span>{label} <b>{counts[kind]}</b></label>'
        for kind, label in (("section", "sections"), ("measure", "measures"), ("indicator", "indicators"),
                            ("quantity", "quantities")))
    filters += ('<label class="f"><input type="checkbox" data-filter="free">'
                f'<span class="sw sw-free"></span>only quantities no indicator took <b>{free}</b></label>')
    problem_note = ""
    if problems:
        problem_note = (f'<p class="warn">{len(problems)} span(s) could not be shown as given '
                        '(no valid offsets or text mismatch); see the details panel.</p>')
    if note:
        problem_note += f'<p class="warn" id="doc-note">{esc(note)}</p>'
    return _template("page.html").substitute(
        title=esc(str(page_title)),
        css=_asset("review.css"),
        js=_asset("review.js") + "\n" + _asset("search.js") + "\n" + _asset("corrections.js"),
        nav=nav,
        doc_title=esc(str(page_title)),
        meta=esc(" · ".join(str(b) for b in meta_bits)),
        filters=filters,
        problem_note=problem_note,
        indicators=_indicator_rows(items),
        outline=_outline(items),
        body=body,
        tables=_tables_html(data),
        data=_json_for_script(script_data),
    )


def notebook_html(report: Any, height: int = 640) -> str:
    """The review page for a notebook cell: the full page in an ``<iframe srcdoc>`` so its CSS and
    script stay isolated from the notebook's own."""
    page = render_html(report)
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{int(height)}px;'
            'border:1px solid #ddd;border-radius:4px" title="extractor review"></iframe>')


#: fonts with Chinese glyphs, preferred first (charts of Chinese labels need one of them)
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "PingFang SC",
             "Microsoft YaHei", "SimHei", "Noto Serif CJK SC", "Arial Unicode MS")


def use_cjk_font() -> Optional[str]:
    """Make matplotlib draw Chinese labels: put the first installed font of :data:`CJK_FONTS` first in
    ``font.sans-serif`` and return its name. Without one, return None and silence the missing-glyph
    warnings (labels then show boxes)."""
    import warnings

    import matplotlib
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            matplotlib.rcParams["font.family"] = "sans-serif"
            matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
            matplotlib.rcParams["axes.unicode_minus"] = False
            return name
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
    return None
