"""PDF reports → :class:`~extractor.document.Document`: text reconstructed from the layout.

Characters, their boxes, sizes and font names come from pypdfium2 (the default: fast, and it keeps
the "·" that pdfminer/pdfplumber drops in CID fonts such as STSong-Light); ``engine="pdfplumber"``
runs the same reconstruction on pdfplumber's characters. ``benchmarks/bench_pdf.py`` measures both
(on a 10-page generated report about 55–80 pages/s with pypdfium2 against 35–55 with pdfplumber;
on LibreOffice output with embedded fonts about 130–155 against 24–35 pages/s). From the
characters the reader builds lines (rotated text such as watermarks left out; wide gaps inside a
row become tabs, so table rows keep their cells), then:

* drops running headers/footers (a line repeated as the first or last line of several pages, or a
  small line set apart at the top or foot of a page) and page numbers (``— 1 —``, ``- 1 -``,
  ``第1页 共7页``, ``1/7`` ...; patterns in ``data/pdf/layout.yaml``);
* joins lines wrapped mid-sentence and paragraphs broken at a page end. A line continues on the next
  one unless the next line is indented or offset, either is a heading or a table row, paragraph
  spacing separates them, or the first unit of the next line would have fitted in the room left at
  the end of this line (the line ended on purpose). Where the document indents its paragraphs, a
  line at the left margin continues the paragraph unless the line before also closes a sentence;
* keeps headings (bold / larger / centred lines; a bold run-in head followed by body text stays in
  its paragraph) and the title (largest lines on page 1) on their own lines and records them as
  :class:`~extractor.document.Heading` (title: level 0, ``cue="title"``; others ``cue="font"``);
* records where each page's text begins (``page_starts``), so every character has a page; a page
  without text starts where the next page's text starts.
"""
from __future__ import annotations

import ctypes
import functools
import io
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import regex
import yaml

from extractor.core import errors
from extractor.core.document import Document, Heading

_DATA = Path(__file__).resolve().parents[1] / "data" / "pdf" / "layout.yaml"
_SOFT = "\0generated"  # font name marking a space that pdfium generated


@functools.lru_cache(maxsize=1)
def rules() -> dict:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return {
        "page_number": [regex.compile(p) for p in data["page_number"]],
        "heading_font": regex.compile(data["heading_font"]),
        "markers": [(regex.compile(m["pattern"]), int(m["level"])) for m in data["heading_markers"]],
        "title_skip": [regex.compile(p) for p in data["title_skip"]],
        "sentence_end": set(data["sentence_end"]),
        "no_line_start": set(data["no_line_start"]),
        "no_line_end": set(data["no_line_end"]),
    }


# --------------------------------------------------------------------------------------------
# characters and lines


@dataclass
class Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str


@dataclass
class Line:
    chars: list
    page: int
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: float = 0.0  # share of (non-space) characters in a heading font
    bold_end: bool = False  # the last character is in a heading font (not a bold run-in head)
    space_after: bool = False  # the line ends with a space character (kept when the line is joined)
    role: str = "body"  # body, title, heading
    level: int = 0
    starts: list = field(default_factory=list)  # x0 of each char of .text (for measuring units)
    ends: list = field(default_factory=list)


def _is_ascii_word(c: str) -> bool:
    return c.isascii() and c.isalnum()


@functools.lru_cache(maxsize=512)
def _heading_font(name: str) -> bool:
    """Bold or display faces (黑体, 小标宋, ...Bold) by font name."""
    return bool(name) and bool(rules()["heading_font"].search(name))


def _is_cjk(c: str) -> bool:
    return "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"


def _letter_spacing(chars: list) -> float:
    """The usual extra space between two Chinese glyphs of a line (justified or letter-spaced lines)."""
    gaps = [b.x0 - a.x1 for a, b in zip(chars, chars[1:]) if _is_cjk(a.ch) and _is_cjk(b.ch)]
    return max(0.0, statistics.median(gaps)) if len(gaps) >= 3 else 0.0


def _finish(line: Line) -> Line:
    """Compute text, extents, size and boldness of a line from its characters.

    Between two glyphs, a gap wider than 2.5 characters becomes a tab (table cells); spaces in the
    PDF are kept; a space that pdfium generated is kept where the glyphs stand apart by about a
    space's width beyond the line's letter spacing (so LibreOffice's narrower CJK–Latin autospace
    and the spread of justified lines are not taken for spaces).
    """
    out, starts, ends = [], [], []
    spread = _letter_spacing(line.chars)
    prev = None  # previous glyph
    pending: list = []  # whitespace chars since prev
    for c in line.chars:
        if c.ch.isspace():
            pending.append(c)
            continue
        if prev is not None:
            gap = c.x0 - prev.x1
            size = max(prev.size, c.size, 1.0)
            real = [x for x in pending if x.font is not _SOFT]
            if gap > 2.5 * size:
                out.append("\t"); starts.append(prev.x1); ends.append(c.x0)
            elif real:
                for x in real:
                    out.append(x.ch); starts.append(x.x0); ends.append(x.x1)
            elif pending and gap - spread >= 0.235 * size:  # about a space's width beyond the line's spacing
                out.append(" "); starts.append(prev.x1); ends.append(c.x0)
            elif gap - spread > 0.2 * size and _is_ascii_word(prev.ch) and _is_ascii_word(c.ch):  # words set apart
                out.append(" "); starts.append(prev.x1); ends.append(c.x0)
        elif pending:  # leading spaces
            for x in pending:
                if x.font is not _SOFT:
                    out.append(x.ch); starts.append(x.x0); ends.append(x.x1)
        pending = []
        out.append(c.ch); starts.append(c.x0); ends.append(c.x1)
        prev = c
    for x in pending:  # trailing spaces (real ones) are remembered in space_after
        if x.font is not _SOFT:
            out.append(x.ch); starts.append(x.x0); ends.append(x.x1)
    chars = line.chars
    text = "".join(out)
    # strip surrounding whitespace, keeping starts/ends aligned
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    line.text, line.starts, line.ends = text[lead:trail], starts[lead:trail], ends[lead:trail]
    line.space_after = trail < len(text) and " " in text[trail:]
    ink = [c for c in chars if not c.ch.isspace()]
    if ink:
        line.x0 = min(c.x0 for c in ink)
        line.x1 = max(c.x1 for c in ink)
        line.top = min(c.top for c in ink)
        line.bottom = max(c.bottom for c in ink)
        line.size = statistics.median(c.size for c in ink)
        line.bold = sum(1 for c in ink if _heading_font(c.font)) / len(ink)
        line.bold_end = _heading_font(ink[-1].font)
    return line


def _group_lines(chars: list, page: int) -> list:
    """Group characters (in content-stream order) into visual lines, top to bottom."""
    lines: list = []
    cur: Optional[Line] = None
    band = None
    for c in chars:
        if c.ch in "\r\n":
            continue
        height = c.bottom - c.top
        if c.ch.isspace() or height <= 0.01:
            if cur is not None:
                cur.chars.append(c)
            continue
        mid = (c.top + c.bottom) / 2
        new = cur is None
        if not new:
            top, bottom = band
            if not (top - 0.15 * height <= mid <= bottom + 0.15 * height):
                new = True
            else:
                last = next((x for x in reversed(cur.chars) if not x.ch.isspace()), None)
                if last is not None and c.x0 < last.x0 - 2 * max(c.size, 1):
                    new = True
        if new:
            cur = Line(chars=[c], page=page)
            lines.append(cur)
            band = (c.top, c.bottom)
        else:
            cur.chars.append(c)
            band = (min(band[0], c.top), max(band[1], c.bottom)) if height < 2 * (band[1] - band[0]) else band
    lines = [_finish(l) for l in lines]
    lines = [l for l in lines if l.text]
    lines.sort(key=lambda l: (round(l.top), l.x0))
    # merge fragments that share a row (cells of a table row, text written out of order)
    merged: list = []
    for l in lines:
        if merged:
            m = merged[-1]
            overlap = min(m.bottom, l.bottom) - max(m.top, l.top)
            apart = l.x0 >= m.x1 - 1 or l.x1 <= m.x0 + 1
            if overlap > 0.5 * min(m.bottom - m.top, l.bottom - l.top) and apart:
                row = m.chars + l.chars if l.x0 >= m.x1 - 1 else l.chars + m.chars
                merged[-1] = _finish(Line(chars=row, page=page))
                continue
        merged.append(l)
    return merged


# --------------------------------------------------------------------------------------------
# engines


def pdfium_error() -> type:
    import pypdfium2 as pdfium
    return pdfium.PdfiumError


def _open_pdfium(data: bytes, src: str, password: Optional[str]):
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4:  # FPDF_ERR_PASSWORD
            if password:
                raise errors.EncryptedPDF(src, "encrypted: the password given does not open it") from exc
            raise errors.EncryptedPDF(src, "encrypted: needs a password (use --password)") from exc
        if code == 5:  # FPDF_ERR_SECURITY
            raise errors.EncryptedPDF(src, "encrypted with an unsupported security handler") from exc
        raise errors.CorruptDocument(src, "corrupt or truncated PDF (cannot be parsed)") from exc


def _pdfium_pages(pdf) -> tuple:
    """(page index, width, height, chars, image-only) per page via pypdfium2."""
    import pypdfium2.raw as raw
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    out = []
    for i in range(len(pdf)):
        page = pdf[i]
        width, height = page.get_size()
        tp = page.get_textpage()
        n = raw.FPDFText_CountChars(tp.raw)
        chars = []
        last_obj, font = None, ""
        for k in range(n):
            u = raw.FPDFText_GetUnicode(tp.raw, k)
            if raw.FPDFText_IsGenerated(tp.raw, k):
                # pdfium generates a space where glyphs stand apart, and turns some real space
                # glyphs into generated ones: keep them as "soft" spaces (see _finish)
                if u == 32 and chars:
                    prev = chars[-1]
                    chars.append(Char(" ", prev.x1, prev.x1, prev.top, prev.bottom, prev.size, _SOFT))
                continue
            if u == 0 or 0xD800 <= u <= 0xDFFF or u == 0xFFFE or u == 0xFFFF:
                continue
            angle = raw.FPDFText_GetCharAngle(tp.raw, k)
            if 0.02 < angle < 6.26:  # rotated text: watermarks, stamps, margin notes
                continue
            # x from the loose box (the glyph's advance), y from the baseline: every glyph of a line
            # then shares one band, whatever its ink (quotes, 一, dots)
            raw.FPDFText_GetLooseCharBox(tp.raw, k, ctypes.byref(rect))
            raw.FPDFText_GetCharOrigin(tp.raw, k, ctypes.byref(ox), ctypes.byref(oy))
            size = raw.FPDFText_GetFontSize(tp.raw, k) or (rect.top - rect.bottom) or 1.0
            obj = ctypes.cast(raw.FPDFText_GetTextObject(tp.raw, k), ctypes.c_void_p).value
            if obj != last_obj or obj is None:
                raw.FPDFText_GetFontInfo(tp.raw, k, buf, 256, ctypes.byref(flags))
                font = buf.value.decode("utf-8", "replace")
                last_obj = obj
            base = height - oy.value
            chars.append(Char(chr(u), rect.left, rect.right, base - 0.88 * size, base + 0.12 * size, size, font))
        has_images = False
        if not chars:
            has_images = any(raw.FPDFPageObj_GetType(o.raw) == raw.FPDF_PAGEOBJ_IMAGE
                             for o in page.get_objects(max_depth=3))
        out.append((i, width, height, chars, has_images))
        tp.close()
        page.close()
    return out


def _upright(c: dict) -> bool:
    """A pdfplumber char set straight (not rotated like a watermark or a stamp)."""
    m = c.get("matrix")
    if not m:
        return bool(c.get("upright", True))
    a, b, cc, d = m[:4]
    return abs(b) <= 0.02 * abs(a) and abs(cc) <= 0.02 * abs(d) and a > 0


def _pdfplumber_pages(data: bytes, src: str, password: Optional[str]) -> tuple:
    """The same per-page tuples via pdfplumber (pdfminer)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    out = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            for i, page in enumerate(pdf.pages):
                chars = [Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or 0.0,
                              c.get("fontname") or "") for c in page.chars if _upright(c)]
                out.append((i, float(page.width), float(page.height), chars, bool(page.images) and not chars))
    except PDFPasswordIncorrect as exc:
        raise errors.EncryptedPDF(src, "encrypted: needs a password (use --password)") from exc
    except errors.ExtractorError:
        raise
    except Exception as exc:
        raise errors.CorruptDocument(src, f"corrupt or truncated PDF ({type(exc).__name__})") from exc
    return out


# --------------------------------------------------------------------------------------------
# layout analysis


def _is_page_number(text: str) -> bool:
    s = text.strip()
    return bool(s) and len(s) <= 24 and any(p.match(s) for p in rules()["page_number"])


def _running_key(text: str) -> str:
    return regex.sub(r"\d+", "#", regex.sub(r"\s+", "", text))


def _small_edge_line(lines: list, idx: int, height: float, g: "Geometry") -> bool:
    """A header or footer by its look: small type, in the outer band of the page, set apart."""
    l = lines[idx]
    if l.size > 0.8 * g.size or len(l.text) > 40:
        return False
    if idx == 0:
        nxt = lines[1] if len(lines) > 1 else None
        return l.top < 0.12 * height and (nxt is None or nxt.top - l.top > 1.2 * g.gap)
    prv = lines[-2] if len(lines) > 1 else None
    return l.bottom > 0.88 * height and (prv is None or l.top - prv.top > 1.2 * g.gap)


def _drop_furniture(pages: list, heights: list, g: "Geometry") -> int:
    """Remove page numbers and running headers/footers (in place); return how many lines went."""
    dropped = 0
    n = len(pages)
    # running lines: the same text (digits aside) as first or last line on several pages
    keys = Counter()
    for lines in pages:
        seen = set()
        for l in lines[:2] + lines[-2:]:
            k = _running_key(l.text)
            if k and len(k) <= 60 and k not in seen:
                seen.add(k)
                keys[k] += 1
    running = {k for k, c in keys.items() if c >= 2 and c >= 0.3 * n}
    for p, lines in enumerate(pages):
        keep = list(lines)
        # page numbers / running lines among the first two and last two lines
        for idx in [0, 1, -1, -2]:
            if not keep:
                break
            if idx >= len(keep) or -idx > len(keep):
                continue
            l = keep[idx]
            edge = idx in (0, -1) or _is_page_number(keep[0 if idx == 1 else -1].text) \
                or _running_key(keep[0 if idx == 1 else -1].text) in running
            if edge and (_is_page_number(l.text) or _running_key(l.text) in running):
                l.role = "drop"
        for idx in (0, -1):
            if keep and _small_edge_line(keep, idx, heights[p], g):
                keep[idx].role = "drop"
        # drop from the edges inwards
        while keep and keep[0].role == "drop":
            keep.pop(0); dropped += 1
        while keep and keep[-1].role == "drop":
            keep.pop(); dropped += 1
        for l in keep:
            if l.role == "drop":
                l.role = "body"
        pages[p] = keep
    return dropped


@dataclass
class Geometry:
    size: float  # body font size
    left: float  # left margin of body lines
    right: float  # right margin of body lines
    gap: float  # usual distance between consecutive body lines (top to top)
    indented: bool = False  # paragraphs start with an indented first line


def _geometry(pages: list) -> Geometry:
    sizes = Counter()
    for lines in pages:
        for l in lines:
            sizes[round(l.size * 2) / 2] += len(l.text)
    size = sizes.most_common(1)[0][0] if sizes else 12.0
    body = [l for lines in pages for l in lines if abs(l.size - size) <= 0.6 and len(l.text) >= 4]
    if not body:
        body = [l for lines in pages for l in lines]
    lefts = Counter(round(l.x0) for l in body)
    left = float(lefts.most_common(1)[0][0]) if lefts else 0.0
    # continuation lines start at the left margin; their right ends show the text width
    rights = sorted(l.x1 for l in body if abs(l.x0 - left) <= 0.5 * size) or sorted(l.x1 for l in body) or [left]
    right = rights[int(0.9 * (len(rights) - 1))] if len(rights) >= 5 else rights[-1]
    gaps = []
    for lines in pages:
        for a, b in zip(lines, lines[1:]):
            if abs(a.size - size) <= 0.6 and abs(b.size - size) <= 0.6:
                d = b.top - a.top
                if 0 < d < 4 * size:
                    gaps.append(d)
    gap = statistics.median(gaps) if gaps else 1.5 * size
    right = max(right, left + size)
    # does the document indent the first line of its paragraphs? look at what follows lines that
    # clearly end a paragraph (short, closing a sentence)
    ends = rules()["sentence_end"]
    after = [b.x0 > left + 0.8 * size for lines in pages for a, b in zip(lines, lines[1:])
             if a.text[-1] in ends and a.x1 < right - 4 * size and abs(a.x0 - left) <= 3 * size]
    indented = len(after) >= 2 and sum(after) >= 0.6 * len(after)
    return Geometry(size=size, left=left, right=right, gap=gap, indented=indented)


def _marker_level(text: str) -> Optional[int]:
    for pat, level in rules()["markers"]:
        if pat.match(text):
            return level
    return None


def _centred(l: Line, g: Geometry) -> bool:
    mid = (g.left + g.right) / 2
    return (abs((l.x0 + l.x1) / 2 - mid) <= 1.0 * g.size and l.x0 > g.left + 2.5 * g.size
            and l.x1 < g.right - 2.5 * g.size)


def _classify(pages: list, g: Geometry) -> Optional[list]:
    """Mark title and heading lines (role/level); return the title lines."""
    r = rules()
    title_lines: list = []
    first = pages[0] if pages else []
    if first:
        cands = [l for l in first[:8] if not any(p.search(l.text) for p in r["title_skip"])]
        big = [l for l in cands if l.size >= g.size * 1.15]
        if big:
            top_size = max(l.size for l in big)
            big_ids = {id(l) for l in big}
            start = next(k for k, l in enumerate(first) if id(l) in big_ids and l.size >= top_size - 0.6)
            for l in first[start:]:
                near = not title_lines or l.top - title_lines[-1].bottom < 1.5 * l.size
                if abs(l.size - first[start].size) <= 0.6 and near:
                    title_lines.append(l)
                else:
                    break
        else:  # no larger type: a centred bold line at the top
            for l in cands[:3]:
                if _centred(l, g) and l.bold >= 0.6:
                    title_lines = [l]
                    break
    for l in title_lines:
        l.role, l.level = "title", 0
    for lines in pages:
        for l in lines:
            if l.role != "body":
                continue
            larger = l.size >= g.size + 1.5
            bold = l.bold >= 0.6 and l.bold_end  # a bold run-in head followed by body text is body
            centred = _centred(l, g)
            short = l.x1 < g.right - 1.5 * g.size
            if larger or (bold and short) or (centred and len(l.text) <= 40):
                l.role = "heading"
                lvl = _marker_level(l.text)
                l.level = lvl if lvl is not None else (1 if larger else 2)
    # a full bold line is the first line of a long heading when the heading goes on below it; when
    # body text follows, it is a bold run-in head that fills the line
    for lines in pages:
        for k in range(len(lines) - 2, -1, -1):
            a, b = lines[k], lines[k + 1]
            if a.role == "body" and a.bold >= 0.6 and a.bold_end and b.role == "heading" \
                    and abs(a.size - b.size) < 0.6 and b.bold >= 0.6 and _marker_level(b.text) is None:
                a.role = "heading"
                lvl = _marker_level(a.text)
                a.level = b.level = lvl if lvl is not None else b.level
    return title_lines


def _first_unit_width(l: Line) -> float:
    """Width of the first unbreakable unit of a line: a CJK char or an ASCII run, plus closing punctuation."""
    text, starts, ends = l.text, l.starts, l.ends
    if not text:
        return 0.0
    nls, nle = rules()["no_line_start"], rules()["no_line_end"]
    k = 0
    while k < len(text) - 1 and text[k] in nle:  # opening marks travel with what follows
        k += 1
    k += 1
    if _is_ascii_word(text[k - 1]):
        while k < len(text) and (_is_ascii_word(text[k]) or text[k] in ".,%-+/"):
            k += 1
    while k < len(text) and text[k] in nls:
        k += 1
    return ends[k - 1] - starts[0]


def _breaks(a: Line, b: Line, g: Geometry) -> bool:
    """True when a paragraph ends between line ``a`` and the next line ``b``."""
    if a.role != "body" or b.role != "body":
        if a.role == b.role == "heading" and abs(a.size - b.size) < 0.6 and (a.bold >= 0.6) == (b.bold >= 0.6) \
                and a.x1 - a.x0 >= 0.6 * (g.right - g.left) and _marker_level(b.text) is None \
                and a.text[-1] not in rules()["sentence_end"] and a.page == b.page:
            return False  # a long heading wrapped onto a second line
        return True
    if "\t" in a.text or "\t" in b.text:  # table rows stand alone
        return True
    if b.x0 > g.left + 0.8 * g.size:  # next line indented (new paragraph) or offset
        return True
    if a.x0 > g.left + 2.6 * g.size:  # this line is offset (right-aligned signature, centred)
        return True
    if a.page == b.page and b.top - a.top > g.gap + 0.8 * g.size:  # paragraph spacing
        return True
    ends = rules()["sentence_end"]
    if _marker_level(b.text) is not None and a.text[-1] in ends:
        return True
    # would the first unit of the next line have fitted in the room left? then the line ended on
    # purpose. Where paragraphs are indented, a line at the left margin continues the paragraph
    # unless this one also closes a sentence (ragged right edges from line-breaking rules).
    fits = g.right - a.x1 > _first_unit_width(b) + 0.35 * g.size
    if fits and (not g.indented or a.text[-1] in ends or a.text[-1] in "”’」』）)》"):
        return True
    return False


def _join(a: Line, b: Line) -> str:
    """The text of ``b`` as it continues line ``a`` (a space where ``a`` ended in one or between words)."""
    if a.space_after:
        return " " + b.text
    if a.text[-1].isascii() and a.text[-1].isalpha() and b.text[0].isascii() and b.text[0].isalpha():
        return " " + b.text
    return b.text


def _assemble(pages: list, title_lines: list, g: Geometry) -> tuple:
    """Build the document text, page starts and headings from classified lines."""
    flow = [l for lines in pages for l in lines]
    parts: list = []
    pos = 0
    page_first: dict = {}
    headings: list = []
    para_start = 0
    cur_role = None
    cur_level = 0

    def close_para():
        if cur_role in ("title", "heading") and pos > para_start:
            headings.append(Heading(start=para_start, end=pos, level=cur_level,
                                    cue="title" if cur_role == "title" else "font"))

    prev: Optional[Line] = None
    for l in flow:
        if prev is None:
            piece = l.text.lstrip(" \u3000")
            para_start, cur_role, cur_level = pos, l.role, l.level
        elif (prev.role == "title" and l.role == "title") or not _breaks(prev, l, g):
            piece = _join(prev, l)
        else:
            # end the paragraph: trim trailing blanks
            if parts and parts[-1] != parts[-1].rstrip():
                trimmed = parts[-1].rstrip()
                pos -= len(parts[-1]) - len(trimmed)
                parts[-1] = trimmed
            close_para()
            parts.append("\n")
            pos += 1
            piece = l.text.lstrip(" \u3000")
            para_start, cur_role, cur_level = pos, l.role, l.level
        if l.page not in page_first:
            page_first[l.page] = pos
        parts.append(piece)
        pos += len(piece)
        prev = l
    if parts and parts[-1] != parts[-1].rstrip():
        trimmed = parts[-1].rstrip()
        pos -= len(parts[-1]) - len(trimmed)
        parts[-1] = trimmed
    close_para()
    text = "".join(parts)
    n = len(pages)
    starts = [0] * n
    nxt = len(text)
    for p in range(n - 1, -1, -1):
        if p in page_first:
            nxt = min(page_first[p], len(text))
        starts[p] = nxt
    if starts:
        starts[0] = 0
    title = None
    if title_lines:
        t = next((h for h in headings if h.cue == "title"), None)
        title = text[t.start:t.end] if t else None
    return text, starts, headings, title


# --------------------------------------------------------------------------------------------


def read_pdf(data: bytes, src: str, doc_id: str, password: Optional[str] = None,
             engine: str = "pdfium") -> Document:
    """Read a PDF into a Document (see the module docstring)."""
    t0 = time.perf_counter()
    if b"%PDF" not in data[:1024]:
        raise errors.CorruptDocument(src, "not a PDF file (no %PDF header): corrupt or mislabelled")
    tail = data[-4096:]
    if engine == "pdfplumber":
        raw_pages = _pdfplumber_pages(data, src, password)
    else:
        pdf = _open_pdfium(data, src, password)
        try:
            if len(pdf) == 0:
                raise errors.CorruptDocument(src, "corrupt or truncated PDF (no pages)")
            raw_pages = _pdfium_pages(pdf)
        except pdfium_error() as exc:  # a page pdfium cannot load
            raise errors.CorruptDocument(src, f"corrupt PDF (a page cannot be read: {exc})") from exc
        finally:
            pdf.close()
    if b"%%EOF" not in tail:
        raise errors.CorruptDocument(src, "truncated PDF (the end-of-file marker is missing)")
    t1 = time.perf_counter()
    if not any(chars for _, _, _, chars, _ in raw_pages):
        if any(img for *_, img in raw_pages):
            raise errors.NoTextLayer(src, "has no text layer (image-only): needs OCR")
        raise errors.EmptyDocument(src, "PDF has no text")
    pages = [_group_lines(chars, i) for i, _, _, chars, _ in raw_pages]
    g = _geometry(pages)
    dropped = _drop_furniture(pages, [h for _, _, h, _, _ in raw_pages], g)
    g = _geometry(pages)
    title_lines = _classify(pages, g)
    text, starts, headings, title = _assemble(pages, title_lines, g)
    if not text.strip():
        raise errors.EmptyDocument(src, "PDF has no text besides page numbers")
    t2 = time.perf_counter()
    meta = {"extractor": "pypdfium2" if engine != "pdfplumber" else "pdfplumber",
            "pages": len(raw_pages), "dropped_lines": dropped,
            "body_font_size": g.size, "text_width": round(g.right - g.left, 1),
            "seconds_chars": round(t1 - t0, 4), "seconds_layout": round(t2 - t1, 4)}
    scanned = [i + 1 for i, _, _, chars, img in raw_pages if img]
    if scanned:  # some pages are images only: their text is missing until OCR
        meta["image_only_pages"] = scanned
    return Document(text=text, source=src, id=doc_id, format="pdf", title=title, page_starts=starts,
                    headings=headings, meta=meta)


__all__ = ["read_pdf", "rules"]
