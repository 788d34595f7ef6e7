"""HTML pages saved from government sites: the main content (trafilatura), the title, chrome dropped.

The document text is the extracted main content, one paragraph per line. Each ``<table>`` is read by lxml
(rowspan/colspan resolved) and written row by row, cells separated by a tab, at its place in the content;
its grid is a :class:`~extractor.core.document.SourceTable` (``Document.tables``). Page chrome that the
content extractor lets through (字号【大 中 小】, 索引号/发布机构 blocks, share and print links) is
dropped by the line patterns in ``data/html/boilerplate.yaml``.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Optional

import regex
from extractor.text import yamlio

from extractor.core import errors
from extractor.core.document import Document, Heading

_DATA = Path(__file__).resolve().parents[1] / "data" / "html" / "boilerplate.yaml"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


@functools.lru_cache(maxsize=1)
def _rules():
    data = yamlio.safe_load(_DATA.read_text(encoding="utf-8"))
    return [regex.compile(p) for p in data["drop_lines"]], data["drop_tags"]


def decode_html(data: bytes, path: str) -> str:
    m = _META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        enc = {"gb2312": "gb18030", "gbk": "gb18030", "utf8": "utf-8"}.get(enc, enc)
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    from extractor.ingest.text import decode
    return decode(data, path)[0]


def _clean_lines(text: str) -> list[str]:
    patterns, _ = _rules()
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("|") and s.endswith("|"):  # a table row as trafilatura writes it
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):  # the Markdown header rule
                continue
            cells = [c for c in cells if c and not any(p.match(c) for p in patterns)]
            if not cells:
                continue
            s = "\t".join(cells)
        if any(p.match(s) for p in patterns):
            continue
        out.append(s)
    return out


def _fallback_text(html: str) -> tuple[Optional[str], str]:
    """Plain lxml text of <body> when trafilatura finds no main content (very short pages)."""
    import lxml.html
    _, drop_tags = _rules()
    try:  # huge_tree: pages nested deeper than libxml2's default 256 levels keep their text
        tree = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except Exception:
        return None, ""
    for bad in tree.xpath("|".join(f"//{t}" for t in drop_tags)):
        bad.drop_tree()
    title = tree.findtext(".//title")
    blocks = []
    for el in tree.iter("p", "h1", "h2", "h3", "h4", "li", "td", "div"):
        if el.tag == "div" and len(el):  # only leaf-ish divs
            continue
        t = " ".join(el.text_content().split())
        if t:
            blocks.append(t)
    return (title.strip() if title else None), "\n".join(blocks)


_MARK = "EXTRACTORTABLE{:04d}MARK"
_MARK_RE = re.compile(r"EXTRACTORTABLE(\d{4})MARK")


def _html_tables(html: str) -> tuple[str, list]:
    """Every outermost ``<table>`` with two rows or more replaced by a marker paragraph; the tables as
    grids ``[(row, col, rowspan, colspan, text)]`` (rowspan/colspan resolved). Unparsable markup: no tables."""
    import lxml.html
    try:
        tree = lxml.html.fromstring(html)
    except Exception:
        return html, []
    grids = []
    patterns, _ = _rules()
    for tab in tree.xpath("//table[not(.//table)]"):  # data tables hold no tables (layout tables do)
        rows = tab.xpath(".//tr")
        if len(rows) < 2:
            continue
        texts = [" ".join(td.text_content().split()) for td in tab.xpath(".//td|.//th")]
        if max((len(t) for t in texts), default=0) > 300 or any(p.match(t) for t in texts for p in patterns):
            continue  # a layout table holding the article, or the page's 索引号/发布机构 block
        taken: set = set()
        grid = []
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1

                def span(name):
                    try:
                        return max(1, min(int(td.get(name, "1") or 1), 200))
                    except ValueError:
                        return 1
                rs, cs = span("rowspan"), span("colspan")
                for i in range(rs):
                    for j in range(cs):
                        taken.add((r + i, c + j))
                text = " ".join(td.text_content().split())
                grid.append((r, c, rs, cs, text))
                c += cs
        if not any(t for *_, t in grid):
            continue
        marker = lxml.html.fromstring(f"<p>{_MARK.format(len(grids))}</p>")
        marker.tail = tab.tail
        tab.getparent().replace(tab, marker)
        grids.append(grid)
    if not grids:
        return html, []
    return lxml.html.tostring(tree, encoding="unicode"), grids


def _place_tables(lines: list, grids: list) -> tuple[Optional[str], list]:
    """The text with each marker line replaced by its table (rows as lines, cells separated by tabs) and
    the tables as SourceTables; None when a marker went missing (the page is read without grids)."""
    from extractor.core.document import SourceTable, grid_lines
    out, tables, pos = [], [], 0
    found = 0
    for line in lines:
        m = _MARK_RE.fullmatch(line.strip())
        if not m:
            if _MARK_RE.search(line):
                return None, []
            out.append(line)
            pos += len(line) + 1
            continue
        found += 1
        start = pos
        rows, cells = grid_lines(grids[int(m.group(1))], pos)
        out.extend(rows)
        pos += sum(len(row) + 1 for row in rows)
        tables.append(SourceTable(start=start, end=pos - 1, cells=cells, source="html"))
    if found != len(grids):
        return None, []
    return "\n".join(out) + "\n", tables


def read_html(data: bytes, src: str, doc_id: str) -> Document:
    html = decode_html(data, src)
    if not html.strip():
        raise errors.EmptyDocument(src, "the HTML file is empty")
    marked, grids = _html_tables(html)
    if grids:
        try:
            doc = _read_html(marked, src, doc_id, grids)
        except errors.ExtractorError:
            doc = None
        if doc is not None:
            return doc
    return _read_html(html, src, doc_id, [])


def _read_html(html: str, src: str, doc_id: str, grids: list) -> Optional[Document]:
    try:
        import trafilatura
        res = trafilatura.bare_extraction(html, include_tables=True, include_comments=False,
                                          favor_recall=True, with_metadata=True)
        if res is not None and not isinstance(res, dict):
            res = res.as_dict()
    except Exception:  # trafilatura may fail on broken markup: fall back to lxml
        res = None
    title, body = None, ""
    if res:
        title = (res.get("title") or "").strip() or None
        body = res.get("text") or ""
    if len(body.strip()) < 20:
        t2, body2 = _fallback_text(html)
        title = title or t2
        if len(body2) > len(body):
            body = body2
    lines = _clean_lines(body)
    if title:
        title = _clean_title(title)
    if not lines:
        raise errors.EmptyDocument(src, "the HTML page has no main text")
    headings = []
    if title and not any(title == ln for ln in lines[:3]):
        lines.insert(0, title)
    tables: list = []
    if grids:
        text, tables = _place_tables(lines, grids)
        if text is None:
            return None
    else:
        text = "\n".join(lines) + "\n"
    if title:
        i = text.find(title)
        if i >= 0:
            headings.append(Heading(start=i, end=i + len(title), level=0, cue="title"))
    return Document(text=text, source=src, id=doc_id, format="html", title=title, headings=headings,
                    meta={"extractor": "trafilatura" if res else "lxml"}, tables=tables)


def _clean_title(title: str) -> str:
    # "报告标题_XX区人民政府网站" / "报告标题 - 政府门户": keep the report title
    parts = regex.split(r"\s*[_|｜]\s*|\s+[-—–]\s+", title)
    parts = [p for p in parts if p]
    if not parts:
        return title
    best = max(parts, key=lambda p: (("报告" in p or "公报" in p), len(p)))
    return best.strip()
