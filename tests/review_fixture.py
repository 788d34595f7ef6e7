"""Hand-built report JSON (``spec/output.md`` shape) for the review-page tests.

The spans are made here with simple regular expressions, independent of the extraction stages, so the
review page is tested on sections, measures, indicators and quantities that overlap and nest the way
real output does: quantities inside indicator evidence inside measures inside sections, plus one
indicator that only partly overlaps a measure.
"""
from __future__ import annotations

import re

_TOP = re.compile(r"^#+\s*\**\s*([一二三四五六七八九十]+、)([^\n*]*)", re.M)
_SUB = re.compile(r"^([（(][一二三四五六七八九十]+[）)])([^。\n]*)", re.M)
_QTY = re.compile(r"(\d+(?:\.\d+)?)\s*(余)?\s*(个百分点|人次|场次|个|件|处|次|名|家|条|项|%|人|支)")
_MEASURE = re.compile(r"(?:建立|开展|印发|设立|建成|编制|出台)[^，。,；;\n]{2,40}")


def _sections(text: str) -> list[dict]:
    tops = [(m.start(), m.start(1), m.end(2), m.group(1), m.group(2).strip()) for m in _TOP.finditer(text)]
    out = []
    for i, (start, ts, te, number, title) in enumerate(tops):
        end = tops[i + 1][0] if i + 1 < len(tops) else len(text)
        sid = str(i + 1)
        out.append({"id": sid, "parent": None, "level": 1, "number": number, "title": title,
                    "part": "results" if i == 0 else "other", "category": None,
                    "start": start, "end": end, "title_start": ts, "title_end": te})
        body = text[start:end]
        subs = list(_SUB.finditer(body))
        for j, m in enumerate(subs):
            s = start + m.start()
            e = start + subs[j + 1].start() if j + 1 < len(subs) else end
            out.append({"id": f"{sid}.{j + 1}", "parent": sid, "level": 2, "number": m.group(1),
                        "title": m.group(2), "part": None, "category": None, "start": s, "end": e,
                        "title_start": s + len(m.group(1)), "title_end": start + m.end()})
    return out


def _quantities(text: str) -> list[dict]:
    out = []
    for m in _QTY.finditer(text):
        value = float(m.group(1))
        out.append({"text": m.group(0), "start": m.start(), "end": m.end(),
                    "value": int(value) if value.is_integer() else value, "unit": m.group(3),
                    "qualifier": "lower" if m.group(2) else "exact", "kind": "rate" if m.group(3) == "%" else "count",
                    "period": "actual", "subject": text[max(0, m.start() - 8):m.start()].strip(), "section": None,
                    "page": None})
    return out


def build(text: str, source: str = "zhoucun-2023.txt", n_indicators: int = 12) -> dict:
    """A report JSON on ``text`` with spans of every type (see the module docstring)."""
    secs = _sections(text)
    qs = _quantities(text)
    ms = [{"text": m.group(0), "start": m.start(), "end": m.end(), "name": None, "type": "action",
           "section": None, "category": None} for m in _MEASURE.finditer(text)]
    inds = []
    step = max(1, len(qs) // max(1, n_indicators))
    for k, qi in enumerate(range(0, len(qs), step)):
        if len(inds) >= n_indicators:
            break
        q = qs[qi]
        start = q["start"] - 6 if k % 3 else q["start"] - 3  # evidence reaches back into the context
        start = max(0, start)
        while "\n" in text[start:q["start"]]:
            start += 1
        inds.append({"indicator": f"test.indicator_{k}", "value": q["value"], "unit": q["unit"],
                     "qualifier": q["qualifier"], "period": "actual", "year": 2023,
                     "evidence": text[start:q["end"]], "start": start, "end": q["end"], "quantity": qi,
                     "confidence": 0.5 if k % 4 == 3 else 0.95, "method": "rule", "name_zh": f"测试指标{k}",
                     "category": "test", "section": None, "page": None})
    return {"schema": "extractor/1",
            "document": {"id": "test", "source": source,
                         "title": "周村区 2023 年度法治政府建设工作的报告（测试标注）",
                         "genre": "fazhi", "year": 2023,
                         "region": {"name": "周村区", "code": "370306", "city": "淄博市", "province": "山东省",
                                    "level": "county"},
                         "issuers": [], "pages": None, "format": "text", "encoding": "utf-8"},
            "text": text, "sections": secs, "quantities": qs, "measures": ms, "indicators": inds}


#: a tiny hostile document: markup, script and entity-like text that must show as text
HOSTILE_TEXT = ("一、总体情况\n受理<script>window.__pwned=1</script>案件12件，"
                "<img src=x onerror=\"window.__pwned=1\">办结率100%。&amp;\r\n建立“<b>便民</b>”站点3处。\n")


def hostile() -> dict:
    text = HOSTILE_TEXT
    qs = _quantities(text)
    i12 = text.index("12件")
    return {"schema": "extractor/1",
            "document": {"id": "x", "source": "<script>alert(1)</script>.txt",
                         "title": "</title><script>window.__pwned=1</script>",
                         "genre": None, "year": None, "region": None, "issuers": []},
            "text": text,
            "sections": [{"id": "1", "parent": None, "level": 1, "number": "一、", "title": "总体情况",
                          "part": "results", "category": "<b>x</b>", "start": 0, "end": len(text),
                          "title_start": 2, "title_end": 6}],
            "quantities": qs,
            "measures": [{"text": text[text.index("建立"):text.index("3处") + 2], "start": text.index("建立"),
                          "end": text.index("3处") + 2, "name": "<i>便民</i>", "type": "action"}],
            "indicators": [{"indicator": "x.<script>", "value": 12, "unit": "件", "qualifier": "exact",
                            "period": "actual", "year": None, "evidence": text[i12 - 10:i12 + 3],
                            "start": i12 - 10, "end": i12 + 3, "quantity": 0, "confidence": 0.9,
                            "method": "rule", "name_zh": "</script><script>window.__pwned=1</script>"}]}


def parse_text_pane(page: str) -> dict:
    """Parse the ``#text`` pane of a review page (or a DOM dump of it).

    Returns ``{"text": plain text, "keys": {data-k: text covered by its fragments},
    "classes": {data-k: set of classes}, "tags": {data-k: tag name}}`` and raises AssertionError when
    elements are not properly nested.
    """
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.depth = 0  # >0 while inside #text
            self.stack: list[tuple[str, str | None]] = []
            self.text: list[str] = []
            self.keys: dict[str, list[str]] = {}
            self.classes: dict[str, set] = {}
            self.tags: dict[str, str] = {}

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if self.depth == 0:
                if a.get("id") == "text":
                    self.depth = 1
                    self.stack = [(tag, None)]
                return
            key = a.get("data-k")
            if key and "hd" not in (a.get("class") or "").split():
                self.classes.setdefault(key, set()).update((a.get("class") or "").split())
                self.tags[key] = tag
                self.keys.setdefault(key, [])
            else:
                key = None
            self.stack.append((tag, key))

        def handle_endtag(self, tag):
            if self.depth == 0:
                return
            open_tag, _ = self.stack.pop()
            assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
            if not self.stack:
                self.depth = 0

        def handle_data(self, data):
            if self.depth == 0:
                return
            self.text.append(data)
            for key in {k for _, k in self.stack if k}:
                self.keys[key].append(data)

    p = P()
    p.feed(page)
    p.close()
    return {"text": "".join(p.text), "keys": {k: "".join(v) for k, v in p.keys.items()},
            "classes": p.classes, "tags": p.tags}
