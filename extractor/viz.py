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

The page needs no network (inline CSS and JS, no CDN). Every piece of document text is ``html.escape``d and
the data the script reads is embedded as JSON with ``<``, ``>`` and ``&`` escaped, so a report containing
``<script>`` shows it as text. Opening the page with ``#selftest`` makes it check its own highlights and
write the result into ``<pre id="selftest-result">`` (used by the browser tests); ``#show=i3`` opens it
with indicator 3 (``q``/``m``/``s`` + index for the others) marked, scrolled to and detailed.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Optional, Union

__all__ = ["render_html", "write_html", "notebook_html", "as_report_dict", "use_cjk_font", "KINDS"]

#: span kinds in nesting order (outermost first when two spans cover the same range)
KINDS = ("section", "measure", "indicator", "quantity")
_PREFIX = {"section": "s", "heading": "h", "measure": "m", "indicator": "i", "quantity": "q"}
_RANK = {"section": 0, "heading": 1, "measure": 2, "indicator": 3, "quantity": 4}
_LIST_KEY = {"section": "sections", "measure": "measures", "indicator": "indicators", "quantity": "quantities"}


def as_report_dict(report: Any) -> dict:
    """The ``spec/output.md`` JSON dict of a Report (or the dict itself, unchanged)."""
    if isinstance(report, dict):
        return report
    if hasattr(report, "to_dict"):
        return report.to_dict()
    raise TypeError(f"render_html needs a Report or its JSON dict, not {type(report).__name__}")


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
    used_q = set()
    for ind in data.get("indicators") or []:
        q = _item_dict(ind).get("quantity")
        if isinstance(q, int):
            used_q.add(q)
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
    if kind == "indicator" and isinstance(it.get("confidence"), (int, float)) and it["confidence"] < 0.6:
        extra += " low"
    if it.get("_mismatch"):
        extra += " mismatch"
    tag = "mark" if kind == "quantity" else "span"
    return f'<{tag} class="hl {cls}{extra}" data-k="{key}">'


def _close_tag(kind: str) -> str:
    return "</div>" if kind == "section" else ("</mark>" if kind == "quantity" else "</span>")


def render_text(text: str, spans: list[tuple], items: dict) -> str:
    """The escaped document text with every span as properly nested elements (boundary sweep).

    At every boundary the set of covering spans is ordered outermost first (sections, then by start,
    longer first, then by kind); the elements the next segment shares with the current one as a prefix
    stay open, the rest are closed and reopened, so partial overlaps become several fragments carrying
    the same ``data-k``.
    """
    if not spans:
        return html.escape(text)
    bounds = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
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
        out.append(html.escape(text[a:b]))
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
        if isinstance(conf, (int, float)) and conf < 0.6:
            cls.append("low")
        if not it["_located"]:
            cls.append("unlocated")
        name = it.get("name_zh") or ""
        rows.append(
            f'<tr class="{" ".join(cls)}" data-k="{key}" tabindex="0">'
            f'<td><div class="iname">{esc(name)}</div><div class="iid">{esc(str(it.get("indicator") or ""))}</div></td>'
            f'<td class="num">{esc(value)}&nbsp;<span class="unit">{esc(_fmt(it.get("unit")))}</span></td>'
            f'<td>{esc(_fmt(it.get("qualifier")))}</td><td>{esc(_fmt(it.get("year")))}</td>'
            f'<td><div class="conf"><div class="bar" style="width:{width}%"></div></div>{esc(conf_s)}</td></tr>')
    if not rows:
        return '<p class="empty">No indicator values in this report.</p>'
    return ('<table id="itable"><thead><tr><th>indicator</th><th>value</th><th>qual.</th><th>year</th>'
            '<th>conf.</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


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


def _json_for_script(obj: Any) -> str:
    s = json.dumps(obj, ensure_ascii=False, default=str)
    return s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_html(report: Any, title: Optional[str] = None) -> str:
    """The review page of one report as a self-contained HTML string.

    ``report`` is a :class:`~extractor.report.Report` or the JSON dict of ``extractor extract``.
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
    body = render_text(text, spans, items)
    script_data = {
        "items": {k: {kk: vv for kk, vv in v.items() if kk != "clause"} for k, v in items.items()},
        "problems": problems,
        "counts": counts,
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
    return _PAGE.format(
        title=esc(str(page_title)),
        css=_CSS,
        js=_JS,
        doc_title=esc(str(page_title)),
        meta=esc(" · ".join(str(b) for b in meta_bits)),
        filters=filters,
        problem_note=problem_note,
        indicators=_indicator_rows(items),
        outline=_outline(items),
        body=body,
        data=_json_for_script(script_data),
    )


def write_html(report: Any, path: Union[str, Path], title: Optional[str] = None) -> Path:
    """Write the review page of ``report`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render_html(report, title=title), encoding="utf-8")
    return path


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


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="extractor review">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<div id="app">
<main id="doc">
<header class="dochead"><h1>{doc_title}</h1><div class="meta">{meta}</div></header>
<div id="text" class="text">{body}</div>
</main>
<aside id="side">
<section class="box"><h2>Show</h2><div id="filters">{filters}</div>{problem_note}</section>
<section class="box" id="details"><h2>Details</h2><div id="detail-body"><p class="empty">Hover or click a highlight.</p></div></section>
<section class="box"><h2>Indicators</h2>{indicators}</section>
<section class="box"><h2>Sections</h2>{outline}</section>
</aside>
</div>
<div id="tip" role="tooltip" hidden></div>
<pre id="selftest-result" hidden></pre>
<script type="application/json" id="extractor-data">{data}</script>
<script>{js}</script>
</body>
</html>
"""

_CSS = """
:root{--sec:#3b6fb6;--ms:#2e9d5b;--ms-bg:#e3f4e8;--ind:#8a4fd3;--ind-bg:#f1e8fc;--qt-bg:#ffd77a;--qt:#b07400;
--free:#e0553b;--ink:#1f2328;--muted:#667085;--line:#e4e7ec;--side:#f8f9fb}
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:15px/1.5 "Noto Sans CJK SC","Noto Serif CJK SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;color:var(--ink);background:#fff}
#app{display:grid;grid-template-columns:minmax(0,1fr) 420px;height:100vh}
#doc{overflow:auto;padding:20px 32px 80px}
#side{overflow:auto;background:var(--side);border-left:1px solid var(--line);padding:12px 14px 40px;font-size:13px}
.dochead h1{font-size:20px;margin:0 0 4px}
.dochead .meta{color:var(--muted);font-size:13px;margin-bottom:14px}
.text{white-space:pre-wrap;word-break:break-word;line-height:2.0;font-size:15.5px;max-width:60em}
.sec{border-left:3px solid var(--sec);padding:2px 0 2px 12px;margin:10px 0 4px;position:relative;border-radius:2px}
.sec.sec-l1{background:rgba(59,111,182,.035)}
.sec.sec-l2{border-left-color:#7aa0d6}
.sec.sec-l3,.sec.sec-l4{border-left-color:#b3c7e6;border-left-style:dashed}
.sec[data-label]::before{content:attr(data-label);position:absolute;right:4px;top:-11px;font-size:11px;line-height:1.4;color:var(--sec);background:#fff;border:1px solid #c9d7ee;border-radius:8px;padding:0 6px}
.hd{font-weight:700;color:#17457e}
.hl{cursor:pointer;border-radius:3px}
.ms{background:var(--ms-bg);box-shadow:inset 0 -2px 0 var(--ms)}
.ind{border-bottom:3px solid var(--ind);background:var(--ind-bg);padding-bottom:1px}
.ind.low{border-bottom-style:dashed}
mark.qt{background:var(--qt-bg);color:inherit;font-weight:600;padding:0 1px;box-shadow:inset 0 0 0 1px rgba(176,116,0,.35)}
mark.qt.free{box-shadow:inset 0 0 0 1px var(--free)}
.mismatch{outline:2px dashed #d92d20}
.hl.active,.sec.active,.hd.active{outline:3px solid #f04438;outline-offset:1px}
.hl.flash{animation:flash 1.2s ease-out 2}
@keyframes flash{0%{background:#fde272}100%{}}
body.hide-section .sec{border-left-color:transparent;background:none}
body.hide-section .sec::before{display:none}
body.hide-section .hd{font-weight:inherit;color:inherit}
body.hide-measure .ms{background:none;box-shadow:none}
body.hide-indicator .ind{background:none;border-bottom-color:transparent}
body.hide-quantity mark.qt{background:none;box-shadow:none;font-weight:inherit}
body.only-free mark.qt:not(.free){background:none;box-shadow:none;font-weight:inherit}
body.only-free mark.qt.free{background:#ffc2b3}
.box{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin-bottom:10px}
.box h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 6px}
#filters{display:flex;flex-wrap:wrap;gap:4px 14px}
.f{display:inline-flex;align-items:center;gap:5px;cursor:pointer;user-select:none}
.f b{color:var(--muted);font-weight:600}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px}
.sw-section{border-left:4px solid var(--sec);background:rgba(59,111,182,.1)}
.sw-measure{background:var(--ms-bg);box-shadow:inset 0 -2px 0 var(--ms)}
.sw-indicator{background:var(--ind-bg);border-bottom:3px solid var(--ind)}
.sw-quantity{background:var(--qt-bg)}
.sw-free{background:#ffc2b3;box-shadow:inset 0 0 0 1px var(--free)}
.warn{color:#b42318;margin:6px 0 0}
.empty{color:var(--muted);margin:2px 0}
#itable{width:100%;border-collapse:collapse;table-layout:fixed}
#itable th:nth-child(2){width:84px}#itable th:nth-child(3){width:50px}#itable th:nth-child(4){width:42px}#itable th:nth-child(5){width:50px}
#itable td:first-child{overflow-wrap:anywhere}
#itable th{text-align:left;font-weight:600;color:var(--muted);border-bottom:1px solid var(--line);padding:3px 4px;font-size:12px}
#itable td{border-bottom:1px solid #f0f1f3;padding:4px;vertical-align:top}
#itable tr.irow{cursor:pointer}
#itable tr.irow:hover,#itable tr.irow.active{background:var(--ind-bg)}
#itable tr.low .iname::after{content:" low";color:#b42318;font-size:11px}
#itable tr.unlocated{opacity:.55}
.iid{color:var(--muted);font-size:11px;font-family:ui-monospace,monospace;word-break:break-all}
.num{white-space:nowrap;font-variant-numeric:tabular-nums;font-weight:600}
.unit{font-weight:400;color:var(--muted)}
.conf{width:44px;height:5px;background:#eee;border-radius:3px;margin:6px 0 2px}
.conf .bar{height:5px;background:var(--ind);border-radius:3px}
#outline{list-style:none;margin:0;padding:0}
#outline li{padding:2px 4px;cursor:pointer;border-radius:4px}
#outline li:hover{background:#eef3fb}
#outline li small{color:var(--muted)}
#outline .ol-l2{padding-left:16px}#outline .ol-l3{padding-left:28px}#outline .ol-l4{padding-left:40px}
#tip{position:fixed;z-index:10;max-width:360px;background:#1f2328;color:#fff;border-radius:6px;padding:6px 9px;font-size:12.5px;line-height:1.45;pointer-events:none;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.card{border-left:4px solid #ccc;padding:2px 0 2px 8px;margin:4px 0}
.card.k-quantity{border-color:#e3a008}.card.k-indicator{border-color:var(--ind)}.card.k-measure{border-color:var(--ms)}.card.k-section{border-color:var(--sec)}
.card .kt{font-size:11px;text-transform:uppercase;letter-spacing:.05em;opacity:.75}
.card .big{font-size:15px;font-weight:700}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:2px 0}
.card dt{opacity:.7}.card dd{margin:0;word-break:break-word}
"""

_JS = r"""
(function(){
"use strict";
var DATA = JSON.parse(document.getElementById("extractor-data").textContent);
var ITEMS = DATA.items;
var SELFTEST = /selftest/.test(location.hash+location.search);
var tip = document.getElementById("tip");
var detail = document.getElementById("detail-body");
var textEl = document.getElementById("text");
var docEl = document.getElementById("doc");
var FIELDS = {
  quantity: ["text","value","max","unit","unit_text","qualifier","kind","period","subject","section","page"],
  indicator: ["indicator","name_zh","value","unit","qualifier","period","year","confidence","method","evidence","section","page","note"],
  measure: ["text","name","type","category","part","section","page"],
  section: ["id","number","title","part","category","level","page"]
};
function el(tag, cls, txt){var e=document.createElement(tag); if(cls) e.className=cls; if(txt!=null) e.textContent=txt; return e;}
function headline(it){
  var k = it._kind;
  if(k==="quantity"||k==="indicator"){var v=String(it.value); if(it.max!=null) v+="–"+it.max; return v+" "+(it.unit||"");}
  if(k==="measure") return it.name||it.type||"";
  return (it.number||"")+(it.title||"");
}
function card(it){
  var c = el("div","card k-"+it._kind);
  var t = it._kind; if(t==="indicator" && it.name_zh) t+=" · "+it.name_zh;
  if(t==="quantity" && it._free) t+=" · not used by an indicator";
  c.appendChild(el("div","kt",t));
  c.appendChild(el("div","big",headline(it)));
  var dl = el("dl");
  (FIELDS[it._kind]||[]).forEach(function(f){
    var v = it[f]; if(v===null||v===undefined||v==="") return;
    if(f==="confidence" && typeof v==="number") v=v.toFixed(2);
    dl.appendChild(el("dt",null,f)); dl.appendChild(el("dd",null,String(v)));
  });
  if(it._mismatch){dl.appendChild(el("dt",null,"warning")); dl.appendChild(el("dd",null,"text[start:end] differs from the item's text"));}
  c.appendChild(dl);
  return c;
}
function itemsAt(node){
  var out=[], seen={};
  for(var n=node; n && n!==textEl; n=n.parentElement){
    var k = n.getAttribute && n.getAttribute("data-k");
    if(k && !seen[k] && ITEMS[k]){seen[k]=1; out.push(ITEMS[k]);}
  }
  return out;
}
function fragments(key){return document.querySelectorAll('#text [data-k="'+key+'"]:not(.hd)');}
var current = [];
function clearActive(){current.forEach(function(e){e.classList.remove("active");}); current=[];
  document.querySelectorAll("#itable tr.active").forEach(function(r){r.classList.remove("active");});}
function activate(key, scroll){
  clearActive();
  var fr = fragments(key);
  fr.forEach(function(e){
    if(e.classList.contains("sec")){ var h=e.querySelector('.hd[data-k="'+key+'"]'); if(h){h.classList.add("active"); current.push(h);} }
    else { e.classList.add("active"); current.push(e); }
  });
  var row = document.querySelector('#itable tr[data-k="'+key+'"]'); if(row) row.classList.add("active");
  if(scroll && fr.length){ fr[0].scrollIntoView({block:"center", behavior: scroll==="smooth"?"smooth":"auto"});
    fr.forEach(function(e){e.classList.remove("flash"); void e.offsetWidth; e.classList.add("flash");}); }
  showDetails([ITEMS[key]]);
  return fr;
}
function showDetails(list){
  detail.textContent="";
  if(!list.length){detail.appendChild(el("p","empty","Hover or click a highlight.")); return;}
  list.forEach(function(it){detail.appendChild(card(it));});
}
textEl.addEventListener("mousemove", function(ev){
  var its = itemsAt(ev.target).filter(function(it){return it._kind!=="section";});
  if(!its.length){tip.hidden=true; return;}
  tip.textContent="";
  its.reverse().forEach(function(it){tip.appendChild(card(it));});
  tip.hidden=false;
  var x=Math.min(ev.clientX+14, window.innerWidth-370), y=ev.clientY+16;
  if(y+tip.offsetHeight>window.innerHeight) y=Math.max(4, ev.clientY-tip.offsetHeight-10);
  tip.style.left=x+"px"; tip.style.top=y+"px";
});
textEl.addEventListener("mouseleave", function(){tip.hidden=true;});
textEl.addEventListener("click", function(ev){
  var its = itemsAt(ev.target);
  if(!its.length) return;
  clearActive();
  var inner = its[0];
  var key = (inner._kind==="section"?"s":inner._kind[0])+inner._idx;
  fragments(key).forEach(function(e){ if(!e.classList.contains("sec")){e.classList.add("active"); current.push(e);} });
  showDetails(its.slice().reverse());
});
function bindRows(sel){
  document.querySelectorAll(sel).forEach(function(r){
    var go=function(){activate(r.getAttribute("data-k"), SELFTEST ? "auto" : "smooth");};
    r.addEventListener("click", go);
    r.addEventListener("keydown", function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault(); go();}});
  });
}
bindRows("#itable tr.irow"); bindRows("#outline li");
document.querySelectorAll("#filters input").forEach(function(cb){
  cb.addEventListener("change", function(){
    var f=cb.getAttribute("data-filter");
    if(f==="free") document.body.classList.toggle("only-free", cb.checked);
    else document.body.classList.toggle("hide-"+f, !cb.checked);
  });
});
if(DATA.problems.length){
  var note = el("div","card"); note.appendChild(el("div","kt","spans not shown as given"));
  var dl = el("dl"); DATA.problems.slice(0,50).forEach(function(p){dl.appendChild(el("dt",null,p.key)); dl.appendChild(el("dd",null,p.problem+" ["+p.start+", "+p.end+")"));});
  note.appendChild(dl); detail.appendChild(note);
}
// -- self test (open the page with #selftest): checks written into <pre id="selftest-result">
function selftest(){
  var res = {ok:true, kinds:{}, mismatched:[], click:null, scripts:document.scripts.length, pwned:!!window.__pwned};
  ["section","measure","indicator","quantity"].forEach(function(kind){
    var want=0, shown=0;
    Object.keys(ITEMS).forEach(function(key){
      var it=ITEMS[key]; if(it._kind!==kind || !it._located) return;
      want++;
      var fr = fragments(key); if(!fr.length) return;
      shown++;
      var got = Array.prototype.map.call(fr, function(e){return e.textContent;}).join("");
      var exp = kind==="indicator" ? it.evidence : (kind==="section" ? null : it.text);
      if(kind==="section"){ if(got.length!==it.end-it.start) res.mismatched.push(key); }
      else if(!it._mismatch && got!==exp) res.mismatched.push(key);
    });
    res.kinds[kind]={located:want, highlighted:shown};
    if(want!==shown) res.ok=false;
  });
  if(res.mismatched.length) res.ok=false;
  var rows = document.querySelectorAll("#itable tr.irow:not(.unlocated)");
  if(rows.length){
    var row = rows[rows.length-1], key=row.getAttribute("data-k");
    docEl.scrollTop = 0;
    row.click();
    var fr = fragments(key), box = docEl.getBoundingClientRect(), r = fr.length ? fr[0].getBoundingClientRect() : null;
    res.click = {key:key, fragments:fr.length, active: fr.length>0 && fr[0].classList.contains("active"),
                 visible: !!r && r.bottom>box.top && r.top<box.bottom, details: detail.textContent.indexOf(ITEMS[key].indicator)>=0};
    if(!(res.click.active && res.click.visible && res.click.details)) res.ok=false;
  }
  var q = document.querySelector("#text mark.qt");
  if(q){
    var r2 = q.getBoundingClientRect();
    q.dispatchEvent(new MouseEvent("mousemove", {bubbles:true, clientX:r2.left+2, clientY:r2.top+2}));
    var it = ITEMS[q.getAttribute("data-k")];
    res.hover = {shown: !tip.hidden, value: tip.textContent.indexOf(String(it.value))>=0 && tip.textContent.indexOf(it.unit||"")>=0};
    tip.hidden = true;
    var cb = document.querySelector('#filters input[data-filter="quantity"]');
    var before = getComputedStyle(q).backgroundColor;
    cb.click();
    var after = getComputedStyle(q).backgroundColor;
    cb.click();
    res.filter = {before:before, after:after, restored:getComputedStyle(q).backgroundColor===before};
    if(!(res.hover.shown && res.hover.value && before!==after && res.filter.restored)) res.ok=false;
  }
  if(res.pwned) res.ok=false;
  var out = document.getElementById("selftest-result");
  out.textContent = JSON.stringify(res);
  out.hidden = false;
}
if(SELFTEST) selftest();
else { var m = /show=([a-z]\d+)/.exec(location.hash); if(m && ITEMS[m[1]]) activate(m[1], "auto"); }
})();
"""
