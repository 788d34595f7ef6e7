"""Word (.docx) reports → :class:`~extractor.document.Document` (python-docx).

The document text is the body in reading order, one paragraph per line ("\\n" between them);
tables are written row by row, cells separated by a tab (a merged cell once, at its top-left), and each
table's grid is given as a :class:`~extractor.core.document.SourceTable` (``Document.tables``). Word's
automatic paragraph numbers (一、 （一） 1.) are written out before the paragraph's text, as shown.
Headings come from paragraph styles (Heading 1.. / 标题 1.. / outline levels → ``cue="style"``)
and from whole-paragraph bold, short lines (``cue="font"``); the title from the Title style, else a
centred first paragraph in bold or larger type, else the first heading.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Optional

from extractor.core import errors
from extractor.core.document import Document, Heading, SourceTable, grid_lines

_HEADING_STYLE = re.compile(r"^(?:heading|标题|titre|überschrift)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|标题|文档标题|主标题)$", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_level(paragraph) -> Optional[int]:
    """0 for a title style, 1.. for heading styles or outline levels, None for body text."""
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:  # a style and the styles it is based on
        name = (style.name or "").strip()
        if _TITLE_STYLE.match(name):
            return 0
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m.group(1))
        style = style.base_style
        seen += 1
    # an outline level set directly on the paragraph or on its style
    style_ppr = getattr(paragraph.style.element, "pPr", None) if paragraph.style is not None else None
    for ppr in (paragraph._p.pPr, style_ppr):
        if ppr is None:
            continue
        lvl = ppr.find(f"{_W}outlineLvl")
        if lvl is not None:
            try:
                v = int(lvl.get(f"{_W}val"))
            except (TypeError, ValueError):
                continue
            if 0 <= v < 9:
                return v + 1
    return None


_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (list numbers)."""
    if n <= 0:
        return str(n)
    if n >= 1000:
        return str(n)
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    out = ""
    if h:
        out += _DIGITS[h] + "百"
        if rest and t == 0:
            out += "零"
    if t:
        out += ("" if (t == 1 and not h) else _DIGITS[t]) + "十"
    if u:
        out += _DIGITS[u]
    return out


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, r in vals:
        while n >= v:
            out, n = out + r, n - v
    return out


def _format_number(n: int, fmt: str) -> Optional[str]:
    if fmt in ("decimal", "decimalZero"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting"):
        return _chinese(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return None  # bullet, none, and formats we do not render


class _Numbering:
    """Word's automatic paragraph numbers (一、 （一） 1.), which are not in the paragraph's text."""

    def __init__(self, document):
        self.levels: dict = {}  # numId → {ilvl: (start, fmt, text, suffix)}
        self.counters: dict = {}  # abstractNumId → [count per level]
        self.abstract_of: dict = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for an in root.findall(f"{_W}abstractNum"):
            lv = {}
            for lvl in an.findall(f"{_W}lvl"):
                def val(tag, default=None):
                    el = lvl.find(f"{_W}{tag}")
                    return el.get(f"{_W}val") if el is not None else default
                try:
                    start = int(val("start", "1"))
                except ValueError:
                    start = 1
                lv[int(lvl.get(f"{_W}ilvl", "0"))] = (start, val("numFmt", "decimal"), val("lvlText", ""),
                                                        val("suff", "tab"))
            abstract[an.get(f"{_W}abstractNumId")] = lv
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            aid = ref.get(f"{_W}val")
            lv = dict(abstract.get(aid, {}))
            for ov in num.findall(f"{_W}lvlOverride"):
                so = ov.find(f"{_W}startOverride")
                il = int(ov.get(f"{_W}ilvl", "0"))
                if so is not None and il in lv:
                    lv[il] = (int(so.get(f"{_W}val")),) + lv[il][1:]
            self.levels[num.get(f"{_W}numId")] = lv
            self.abstract_of[num.get(f"{_W}numId")] = aid

    @staticmethod
    def _num_pr(paragraph):
        for el in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
            ppr = el if el is None or el.tag == f"{_W}pPr" else el.find(f"{_W}pPr")
            if ppr is None:
                continue
            npr = ppr.find(f"{_W}numPr")
            if npr is not None:
                nid = npr.find(f"{_W}numId")
                ilvl = npr.find(f"{_W}ilvl")
                return (nid.get(f"{_W}val") if nid is not None else None,
                        int(ilvl.get(f"{_W}val")) if ilvl is not None else 0)
        return None, 0

    def label(self, paragraph) -> str:
        """The number Word shows before this paragraph ("" for none or bullets); advances the counters."""
        if not self.levels:
            return ""
        nid, ilvl = self._num_pr(paragraph)
        if not nid or nid == "0" or nid not in self.levels or ilvl not in self.levels[nid]:
            return ""
        lv = self.levels[nid]
        key = self.abstract_of.get(nid, nid)
        counts = self.counters.setdefault(key, {})
        counts[ilvl] = counts.get(ilvl, lv[ilvl][0] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        start, fmt, text, suffix = lv[ilvl]
        if _format_number(1, fmt) is None or not text:
            return ""

        def sub(m):
            k = int(m.group(1)) - 1
            if k not in lv:
                return ""
            n = counts.get(k, lv[k][0])
            return _format_number(n, lv[k][1]) or ""
        out = re.sub(r"%(\d)", sub, text)
        if out and suffix != "nothing" and (out[-1].isascii() and out[-1] not in " "):
            out += " "
        return out


def _runs_bold(paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return all((r.bold if r.bold is not None else style_bold) for r in runs)


def _max_size(paragraph) -> float:
    sizes = [r.font.size.pt for r in paragraph.runs if r.text.strip() and r.font.size is not None]
    if not sizes and paragraph.style is not None and paragraph.style.font.size is not None:
        sizes = [paragraph.style.font.size.pt]
    return max(sizes) if sizes else 0.0


def _centred(paragraph) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    align = paragraph.alignment
    if align is None and paragraph.style is not None:
        align = paragraph.style.paragraph_format.alignment
    return align == WD_ALIGN_PARAGRAPH.CENTER


def _table_grid(table) -> list:
    """The table's cells once each, merges resolved: ``[(row, col, rowspan, colspan, text)]``. python-docx
    repeats a merged cell at every grid position it covers (the same ``_tc``)."""
    seen: dict = {}
    order = []
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            key = cell._tc  # the element itself (kept alive by the dict), not id(): proxies are recycled
            if key in seen:
                top = seen[key]
                top[2] = max(top[2], r - top[0] + 1)
                top[3] = max(top[3], c - top[1] + 1)
                continue
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            top = [r, c, 1, 1, text]
            seen[key] = top
            order.append(top)
    return [tuple(t) for t in order]


def _table_rows(table, pos: int):
    """The table's rows as lines (cells separated by a tab, a merged cell written once at its top-left) and
    its :class:`SourceTable` with offsets from ``pos``."""
    lines, cells = grid_lines(_table_grid(table), pos)
    p = pos + sum(len(line) + 1 for line in lines)
    st = SourceTable(start=pos, end=max(pos, p - 1), cells=cells, source="docx") if cells else None
    return lines, st


def read_docx(data: bytes, src: str, doc_id: str) -> Document:
    """Read a Word .docx file into a Document."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise errors.UnsupportedFormat(src, "an encrypted or legacy binary Word file, not .docx"
                                            " (save it as .docx without a password)")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
        d = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise errors.CorruptDocument(src, "corrupt or truncated Word file (cannot be opened as .docx)") from exc
    except Exception as exc:  # lxml syntax errors, missing parts
        raise errors.CorruptDocument(src, f"corrupt Word file ({type(exc).__name__})") from exc

    from extractor.ingest.pdf import rules as pdf_rules
    markers = pdf_rules()["markers"]
    numbering = _Numbering(d)

    # body size: the most common run size, to spot larger type
    sizes: dict = {}
    blocks = []
    for el in d.element.body.iterchildren():
        if el.tag == f"{_W}p":
            blocks.append(Paragraph(el, d))
        elif el.tag == f"{_W}tbl":
            blocks.append(Table(el, d))
    for b in blocks:
        if isinstance(b, Paragraph):
            s = _max_size(b)
            if s:
                sizes[s] = sizes.get(s, 0) + len(b.text)
    body_size = max(sizes, key=sizes.get) if sizes else 0.0

    parts: list = []
    headings: list = []
    tables: list = []
    pos = 0
    title = None
    first_para = True
    for b in blocks:
        if isinstance(b, Table):
            rows, st = _table_rows(b, pos)
            for row in rows:
                parts.append(row)
                pos += len(row) + 1
            if st is not None:
                tables.append(st)
            continue
        text = b.text.strip().replace("\r", "")
        if not text:
            continue
        text = numbering.label(b) + text
        start, end = pos, pos + len(text)
        level = _style_level(b)
        if level == 0 and title is None:
            title = text
            headings.append(Heading(start=start, end=end, level=0, cue="title"))
        elif level is not None and level > 0:
            headings.append(Heading(start=start, end=end, level=level, cue="style"))
        elif first_para and title is None and _centred(b) and len(text) <= 120 and (
                _runs_bold(b) or (body_size and _max_size(b) > body_size)):
            title = text
            headings.append(Heading(start=start, end=end, level=0, cue="title"))
        elif len(text) <= 60 and text[-1] not in "。；;，," and (_runs_bold(b) or (
                body_size and _max_size(b) >= body_size + 1.5)):
            lvl = next((lv for pat, lv in markers if pat.match(text)), 2)
            headings.append(Heading(start=start, end=end, level=lvl, cue="font"))
        first_para = False
        parts.append(text)
        pos = end + 1
    text = "\n".join(parts)
    if not text.strip():
        raise errors.EmptyDocument(src, "Word file has no text")
    if title is None:
        first = next((h for h in headings if h.level >= 1), None)
        if first is not None:
            title = text[first.start:first.end]
    core = d.core_properties
    meta = {"extractor": "python-docx", "paragraphs": len(parts), "tables": sum(isinstance(b, Table) for b in blocks)}
    if core.title:
        meta["core_title"] = core.title
    if core.author:
        meta["author"] = core.author
    return Document(text=text, source=src, id=doc_id, format="docx", title=title, headings=headings, meta=meta,
                    tables=tables)


__all__ = ["read_docx"]
