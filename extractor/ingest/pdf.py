"""PDF reports → :class:`~extractor.document.Document`: text reconstructed from the layout.

Characters, their boxes, sizes and font names come from pypdfium2 (the default: fast, and it keeps
the "·" that pdfminer/pdfplumber drops in CID fonts such as STSong-Light); ``engine="pdfplumber"``
runs the same reconstruction on pdfplumber's characters. ``docs/pdf.md`` describes it for users;
``benchmarks/bench_pdf.py`` measures it. In order:

* glyphs (:func:`_pdfium_pages`): the size of a glyph is its font size times the scale of its text
  matrix (WPS and 方正 write size 1 or 400 and scale the matrix); invisible (render mode 3/7),
  clipped (outside the crop box or the clip path), white and rotated glyphs are dropped and counted;
  fill-and-stroke glyphs (WPS's fake bold) are bold; ruling lines and images are collected;
* pages without a text layer are OCR'd (:mod:`extractor.ingest.ocr`, the ``ocr`` extra);
* ruled tables (:func:`_find_grids`): crossing rules make a grid, its glyphs go to their cells; each
  row becomes one line of tab-separated cells and a :class:`~extractor.core.document.SourceTable`;
* lines from the other glyphs (wide gaps become tabs; digits of separate text objects never fuse);
* running headers/footers and page numbers dropped (patterns in ``data/pdf/layout.yaml``);
* contents pages (目录, dot leaders) marked: one entry a line, never a heading;
* geometry (body size, margins) and headings: larger, bold, centred (on its own page) or stand-alone
  numbered lines; unnumbered display headings get level 1, or 2 when smaller than the body or right
  above a table; the title from page 1, else the PDF's Info Title;
* lines joined into paragraphs across line and page breaks unless the next line is indented, offset,
  in another size, a caption, a heading or a table row, or spacing / the room left says the line
  ended on purpose; ``page_starts`` records where each page's text begins.
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
from extractor.text import yamlio

from extractor.core import errors
from extractor.core.document import Document, Heading, SourceCell, SourceTable

_DATA = Path(__file__).resolve().parents[1] / "data" / "pdf" / "layout.yaml"
_SOFT = "\0generated"  # font name marking a space that pdfium generated


@functools.lru_cache(maxsize=1)
def rules() -> dict:
    data = yamlio.safe_load(_DATA.read_text(encoding="utf-8"))
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


@dataclass(slots=True)
class Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    ocr: Optional[float] = None  # confidence of the OCR line this glyph was read from
    obj: int = 0  # the text object it was drawn by (0: unknown)


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
    ocr: Optional[float] = None  # lowest OCR confidence of its glyphs (None: from the text layer)
    cells: Optional[list] = None  # table rows: the Cells of this row, in column order
    grid: Optional[object] = None  # table rows: the Grid


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
            real = [x for x in pending if x.font is not _SOFT] if pending else pending
            if gap > 2.5 * size:
                out.append("\t"); starts.append(prev.x1); ends.append(c.x0)
            elif real:
                for x in real:
                    out.append(x.ch); starts.append(x.x0); ends.append(x.x1)
            elif pending and gap - spread >= 0.235 * size:  # about a space's width beyond the line's spacing
                out.append(" "); starts.append(prev.x1); ends.append(c.x0)
            elif gap - spread > 0.2 * size and _is_ascii_word(prev.ch) and _is_ascii_word(c.ch):  # words set apart
                out.append(" "); starts.append(prev.x1); ends.append(c.x0)
            elif prev.obj != c.obj and gap > 0.08 * size and (prev.ch.isdigit() or prev.ch in ".．") and c.ch.isdigit():
                # digits of two text objects set apart (表1 | 2023年): never one number
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
        line.x0 = min([c.x0 for c in ink])
        line.x1 = max([c.x1 for c in ink])
        line.top = min([c.top for c in ink])
        line.bottom = max([c.bottom for c in ink])
        line.size = statistics.median([c.size for c in ink])
        line.bold = sum(k for name, k in Counter([c.font for c in ink]).items() if _heading_font(name)) / len(ink)
        line.bold_end = _heading_font(ink[-1].font)
        confs = [c.ocr for c in ink if c.ocr is not None]
        line.ocr = min(confs) if confs else None
    return line


def _group_lines(chars: list, page: int) -> list:
    """Group characters (in content-stream order) into visual lines, top to bottom."""
    lines: list = []
    cur: Optional[list] = None  # the glyphs of the current line
    top = bottom = 0.0  # its band
    last = None  # its last glyph that is not a space
    for c in chars:
        ch = c.ch
        if ch in "\r\n":
            continue
        ctop, cbottom = c.top, c.bottom
        height = cbottom - ctop
        if ch.isspace() or height <= 0.01:
            if cur is not None:
                cur.append(c)
                if not ch.isspace():
                    last = c
            continue
        if cur is None:
            new = True
        else:
            mid = (ctop + cbottom) / 2
            new = not (top - 0.15 * height <= mid <= bottom + 0.15 * height) or (
                last is not None and c.x0 < last.x0 - 2 * (c.size if c.size > 1 else 1))
        if new:
            cur = [c]
            lines.append(cur)
            top, bottom = ctop, cbottom
        else:
            cur.append(c)
            if height < 2 * (bottom - top):
                if ctop < top:
                    top = ctop
                if cbottom > bottom:
                    bottom = cbottom
        last = c
    lines = [_finish(Line(chars=l, page=page)) for l in lines]
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


@dataclass
class RawPage:
    """What a page engine gives the layout analysis (top-down coordinates, PDF points)."""

    index: int
    width: float
    height: float
    chars: list
    has_images: bool = False
    rules: list = field(default_factory=list)  # (x0, top, x1, bottom) of ruling lines
    dropped: list = field(default_factory=list)  # (Char, reason): invisible, clipped, white, rotated
    ocr: bool = False  # the characters came from OCR
    image_area: float = 0.0  # share of the page covered by images
    truncated: bool = False  # a text object longer than pdfium reads (PDFIUM_OBJECT_CHARS): read again


def _path_rules(obj, raw, height: float, out: list) -> None:
    """Ruling lines drawn by one path object: a thin filled rectangle or line is one rule; the
    edges of a stroked rectangle or polyline are rules."""
    L, B, R, T = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, ctypes.byref(L), ctypes.byref(B), ctypes.byref(R), ctypes.byref(T)):
        return
    x0, x1, top, bottom = L.value, R.value, height - T.value, height - B.value
    w, h = x1 - x0, bottom - top
    if w < 0.5 and h < 0.5:
        return
    if w <= 3.0 or h <= 3.0:  # a thin rectangle or a single line
        out.append((x0, top, x1, bottom))
        return
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not stroke.value:
        # a filled box: a cell drawn as a shaded rectangle (WPS) gives its edges; a full-page
        # background does not
        if raw.FPDFPath_CountSegments(obj) <= 6 and w * h < 0.5 * 842 * 595:
            out += [(x0, top, x1, top, 1), (x0, bottom, x1, bottom, 1), (x0, top, x0, bottom, 1),
                    (x1, top, x1, bottom, 1)]
        return
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m))
    px, py = ctypes.c_float(), ctypes.c_float()
    prev = start = None
    for k in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(px), ctypes.byref(py))
        x = m.a * px.value + m.c * py.value + m.e
        y = height - (m.b * px.value + m.d * py.value + m.f)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            prev = start = (x, y)
            continue
        if prev is not None and kind == raw.FPDF_SEGMENT_LINETO:
            _edge(prev, (x, y), out)
        prev = (x, y)
        if raw.FPDFPathSegment_GetClose(seg) and start is not None:
            _edge(prev, start, out)
            prev = start


def _edge(a: tuple, b: tuple, out: list) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= 1.0 and abs(ax - bx) > 1.0:
        out.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    elif abs(ax - bx) <= 1.0 and abs(ay - by) > 1.0:
        out.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))


_PX, _PY = ctypes.c_float(), ctypes.c_float()
_PXR, _PYR = ctypes.byref(_PX), ctypes.byref(_PY)


def _clip_box(obj: int, f, height: float) -> Optional[tuple]:
    """The box (x0, top, x1, bottom) of the clip path of a page object. Clip paths nest (the page
    area, then a table cell): the innermost one, written last, decides. A 4- or 5-segment path is
    taken as a rectangle from two opposite corners. ``obj`` is the object's address, ``f`` the
    :func:`_fast` calls."""
    cp = f.clip_path(obj)
    if not cp:
        return None
    n = f.clip_count(cp)
    if n <= 0:
        return None
    get_seg, get_pt = f.clip_segment, f.segment_point
    i = n - 1
    nseg = f.clip_segments(cp, i)
    if nseg in (4, 5):  # a rectangle (the usual case)
        get_pt(get_seg(cp, i, 0), _PXR, _PYR)
        ax, ay = _PX.value, _PY.value
        get_pt(get_seg(cp, i, 2), _PXR, _PYR)
        bx, by = _PX.value, _PY.value
        return (min(ax, bx), height - max(ay, by), max(ax, bx), height - min(ay, by))
    xs, ys = [], []
    for k in range(nseg):
        get_pt(get_seg(cp, i, k), _PXR, _PYR)
        xs.append(_PX.value); ys.append(_PY.value)
    return (min(xs), height - max(ys), max(xs), height - min(ys)) if xs else None


class _Fast:
    """The pdfium calls made per glyph and per text object, as ctypes prototypes over the same
    functions that take and return plain addresses (ints) instead of pypdfium2's typed pointers:
    about half the cost of a call, and no pointer object per glyph."""

    def __init__(self, raw):
        vp, ci, cd = ctypes.c_void_p, ctypes.c_int, ctypes.c_double

        stdcall = getattr(ctypes, "_FUNCFLAG_STDCALL", 0)

        def proto(name, res, *args):
            fn = getattr(raw, name, None)
            if fn is None:
                return None
            # the calling convention of pypdfium2's own prototype (stdcall on 32-bit Windows)
            kind = ctypes.WINFUNCTYPE if stdcall and getattr(fn, "_flags_", 0) & stdcall else ctypes.CFUNCTYPE
            return kind(res, *args)(ctypes.cast(fn, vp).value)

        self.count = proto("FPDFText_CountChars", ci, vp)
        self.text_object = proto("FPDFText_GetTextObject", vp, vp, ci)
        self.loose_box = proto("FPDFText_GetLooseCharBox", ci, vp, ci, vp)
        self.origin = proto("FPDFText_GetCharOrigin", ci, vp, ci, vp, vp)
        self.generated = proto("FPDFText_IsGenerated", ci, vp, ci)
        self.unicode = proto("FPDFText_GetUnicode", ctypes.c_uint, vp, ci)
        self.font_size = proto("FPDFText_GetFontSize", cd, vp, ci)
        self.matrix = proto("FPDFText_GetMatrix", ci, vp, ci, vp)
        self.font_info = proto("FPDFText_GetFontInfo", ctypes.c_ulong, vp, ci, vp, ctypes.c_ulong, vp)
        self.font_weight = proto("FPDFText_GetFontWeight", ci, vp, ci)
        self.render_mode = proto("FPDFTextObj_GetTextRenderMode", ci, vp)
        self.fill_color = proto("FPDFPageObj_GetFillColor", ci, vp, vp, vp, vp, vp)
        self.clip_path = proto("FPDFPageObj_GetClipPath", vp, vp)
        self.clip_count = proto("FPDFClipPath_CountPaths", ci, vp)
        self.clip_segments = proto("FPDFClipPath_CountPathSegments", ci, vp, ci)
        self.clip_segment = proto("FPDFClipPath_GetPathSegment", vp, vp, ci, ci)
        self.segment_point = proto("FPDFPathSegment_GetPoint", ci, vp, vp, vp)
        self.count_objects = proto("FPDFPage_CountObjects", ci, vp)
        self.page_object = proto("FPDFPage_GetObject", vp, vp, ci)
        self.object_type = proto("FPDFPageObj_GetType", ci, vp)
        # the font of a text object: its name, flags and weight are asked once per font, not per object
        self.obj_font = proto("FPDFTextObj_GetFont", vp, vp)
        self.font_name = proto("FPDFFont_GetBaseFontName", ctypes.c_size_t, vp, vp, ctypes.c_size_t)
        self.font_flags = proto("FPDFFont_GetFlags", ci, vp)
        self.font_weight_of = proto("FPDFFont_GetWeight", ci, vp)
        self.by_font = None not in (self.obj_font, self.font_name, self.font_flags, self.font_weight_of)


@functools.lru_cache(maxsize=1)
def _fast() -> _Fast:
    import pypdfium2.raw as raw
    return _Fast(raw)


def _form_has_image(form, raw, depth: int = 0) -> bool:
    for k in range(raw.FPDFFormObj_CountObjects(form)):
        o = raw.FPDFFormObj_GetObject(form, k)
        kind = raw.FPDFPageObj_GetType(o)
        if kind == raw.FPDF_PAGEOBJ_IMAGE or (kind == raw.FPDF_PAGEOBJ_FORM and depth < 3
                                              and _form_has_image(o, raw, depth + 1)):
            return True
    return False


#: pdfium reads at most this many characters of one text object (a 50,000-character line is cut there)
PDFIUM_OBJECT_CHARS = 16383


def _pdfium_pages(pdf, pages: Optional[set] = None) -> list:
    """One :class:`RawPage` per page via pypdfium2.

    The size of a glyph is its font size times the scale of its text matrix (WPS and 方正 write size
    1 or several hundred and scale the matrix); a glyph is dropped when it is invisible (render mode
    3 or 7), lies outside the crop box or its clip path, is white, or is rotated (watermarks, stamps).
    A stroked-and-filled glyph (render mode 2, "fake bold") counts as bold.

    This loop runs once per glyph (WPS writes a text object every one or two glyphs): the pdfium
    calls go through :func:`_fast`, what is the same for a text object is computed once for it, and
    the font's name and weight once per font.
    """
    import pypdfium2.raw as raw
    f = _fast()
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    rect = raw.FS_RECTF()
    mat = raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    cr, cg, cb, ca = (ctypes.c_uint() for _ in range(4))
    rect_p, ox_p, oy_p, mat_p, flags_p = (ctypes.byref(x) for x in (rect, ox, oy, mat, flags))
    color_p = tuple(ctypes.byref(x) for x in (cr, cg, cb, ca))
    text_object, loose_box, origin, generated = f.text_object, f.loose_box, f.origin, f.generated
    out = []
    for i in range(len(pdf)):
        if pages is not None and i not in pages:
            continue
        page = pdf[i]
        width, height = page.get_size()
        try:
            cx0, cy0, cx1, cy1 = page.get_cropbox()
        except Exception:  # noqa: BLE001 - a page without boxes: the page size
            cx0, cy0, cx1, cy1 = 0.0, 0.0, width, height
        crop0, crop1, crop2, crop3 = cx0 - 2, height - cy1 - 2, cx1 + 2, height - cy0 + 2
        tp = page.get_textpage()
        tpa = ctypes.cast(tp.raw, ctypes.c_void_p).value
        n = f.count(tpa)
        chars, dropped = [], []
        ubuf = ctypes.create_string_buffer(2 * (n + 1))
        raw.FPDFText_GetText(tp.raw, 0, n, ctypes.cast(ubuf, ctypes.POINTER(ctypes.c_ushort)))
        units = ubuf.raw[:2 * n].decode("utf-16-le", "surrogatepass")
        nu = len(units)
        last_obj, fname, size, hidden, clip = -1, "", 1.0, None, None
        run, truncated = 0, False  # characters of the current text object
        fonts: dict = {}  # font address → (name, bold by its flags or weight), for this page
        for k in range(n):
            ch = units[k] if k < nu else "\0"
            if ch in " \r\n\x02\ufffe" and generated(tpa, k):
                # pdfium generates a space where glyphs stand apart, and turns some real space
                # glyphs into generated ones: keep them as "soft" spaces (see _finish)
                if ch == " " and chars:
                    prev = chars[-1]
                    chars.append(Char(" ", prev.x1, prev.x1, prev.top, prev.bottom, prev.size, _SOFT))
                continue
            if ch == "\0" or "\ud800" <= ch <= "\udfff" or ch in "\ufffe\uffff":
                if "\ud800" <= ch <= "\udbff":  # a surrogate pair: one character
                    ch = chr(f.unicode(tpa, k))
                    if not ch.isprintable():
                        continue
                else:
                    continue
            obj = text_object(tpa, k)
            if obj == last_obj:
                run += 1
                if run >= PDFIUM_OBJECT_CHARS:
                    truncated = True
            else:
                run = 1
            if obj != last_obj or obj is None:
                # everything that is the same for the glyphs of one text object, computed once
                last_obj = obj
                font = f.obj_font(obj) if obj and f.by_font else None
                if font:
                    known = fonts.get(font)
                    if known is None:
                        need = f.font_name(font, buf, 256)
                        name = buf.value.decode("utf-8", "replace") if 0 < need <= 256 else ""
                        known = fonts[font] = (name, bool((f.font_flags(font) >> 18) & 1)
                                               or f.font_weight_of(font) >= 600)
                    font_name, bold_font = known
                else:
                    f.font_info(tpa, k, buf, 256, flags_p)
                    font_name = buf.value.decode("utf-8", "replace")
                    bold_font = bool((flags.value >> 18) & 1) or f.font_weight(tpa, k) >= 600
                nominal = f.font_size(tpa, k)
                f.matrix(tpa, k, mat_p)
                scale = abs(mat.a * mat.d - mat.b * mat.c) ** 0.5
                size = nominal * scale if nominal and scale else 0.0
                rotated = abs(mat.b) > 0.02 * abs(mat.a) or abs(mat.c) > 0.02 * abs(mat.d) or mat.a < 0
                hidden, clip, bold_obj = ("rotated" if rotated else None), None, False
                if obj:
                    mode = f.render_mode(obj)
                    if mode in (3, 7):  # FPDF_TEXTRENDERMODE_INVISIBLE / CLIP
                        hidden = "invisible"
                    bold_obj = mode in (1, 2, 5, 6)  # stroked glyphs: fake bold
                    box = _clip_box(obj, f, height)
                    if box is not None:  # with a point's tolerance
                        clip = (box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1)
                    if f.fill_color(obj, *color_p):
                        if (mode in (0, 4) and cr.value >= 250 and cg.value >= 250 and cb.value >= 250) \
                                or ca.value == 0:
                            hidden = hidden or "white"
                if bold_font:
                    bold_obj = True  # ForceBold flag / a bold weight
                fname = font_name + ("\0bold" if bold_obj else "")
            # x from the loose box (the glyph's advance), y from the baseline: every glyph of a line
            # then shares one band, whatever its ink (quotes, 一, dots)
            loose_box(tpa, k, rect_p)
            origin(tpa, k, ox_p, oy_p)
            sz = size if size > 0.1 else ((rect.top - rect.bottom) or 1.0)
            base = height - oy.value
            x0, x1 = rect.left, rect.right
            c = Char(ch, x0, x1, base - 0.88 * sz, base + 0.12 * sz, sz, fname, None, obj or 0)
            reason = hidden
            if reason is None:
                mx, my = (x0 + x1) / 2, base - 0.3 * sz
                if not (crop0 <= mx <= crop2 and crop1 <= my <= crop3):
                    reason = "clipped"
                elif clip is not None and not (clip[0] <= mx <= clip[2] and clip[1] <= my <= clip[3]):
                    reason = "clipped"
            if reason is None:
                chars.append(c)
            elif not ch.isspace():
                dropped.append((c, reason))
        rp = RawPage(i, width, height, chars, dropped=dropped, truncated=truncated)
        area = 0.0
        L, B, R, T = (ctypes.c_float() for _ in range(4))
        pa = ctypes.cast(page.raw, ctypes.c_void_p).value
        path_kind, image_kind, form_kind = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM
        for oi in range(f.count_objects(pa)):
            oa = f.page_object(pa, oi)
            kind = f.object_type(oa)
            if kind not in (path_kind, image_kind, form_kind):
                continue  # text objects (most of them) were read above
            o = ctypes.cast(oa, raw.FPDF_PAGEOBJECT)
            if kind == path_kind:
                _path_rules(o, raw, height, rp.rules)
            elif kind == image_kind:
                rp.has_images = True
                if raw.FPDFPageObj_GetBounds(o, ctypes.byref(L), ctypes.byref(B), ctypes.byref(R), ctypes.byref(T)):
                    area += max(0.0, R.value - L.value) * max(0.0, T.value - B.value)
            elif kind == form_kind:  # an image inside a form XObject (reportlab, scanners)
                if _form_has_image(o, raw) and raw.FPDFPageObj_GetBounds(o, ctypes.byref(L), ctypes.byref(B),
                                                                         ctypes.byref(R), ctypes.byref(T)):
                    rp.has_images = True
                    area += max(0.0, R.value - L.value) * max(0.0, T.value - B.value)
        rp.image_area = min(1.0, area / max(1.0, width * height))
        out.append(rp)
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


def _white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        return color >= 0.98
    vals = list(color)
    if len(vals) == 1:
        return vals[0] >= 0.98
    if len(vals) == 3:
        return min(vals) >= 0.98
    if len(vals) == 4:  # CMYK
        return max(vals) <= 0.02
    return False


def _pdfplumber_pages(data: bytes, src: str, password: Optional[str], pages: Optional[set] = None) -> list:
    """The same :class:`RawPage` list via pdfplumber (pdfminer); pdfminer's sizes already include the
    text matrix. White and out-of-page glyphs are dropped (pdfminer does not report render modes)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    out = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "") as pdf:
            for i, page in enumerate(pdf.pages):
                if pages is not None and i not in pages:
                    continue
                w, h = float(page.width), float(page.height)
                chars, dropped = [], []
                for c in page.chars:
                    ch = Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c.get("size") or 0.0,
                              c.get("fontname") or "")
                    mx, my = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
                    if not _upright(c):
                        dropped.append((ch, "rotated"))
                    elif not (-2 <= mx <= w + 2 and -2 <= my <= h + 2):
                        dropped.append((ch, "clipped"))
                    elif _white(c.get("non_stroking_color")):
                        dropped.append((ch, "white"))
                    else:
                        chars.append(ch)
                rules_ = []
                for ln in page.lines:
                    rules_.append((ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
                for r in page.rects:
                    x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
                    if x1 - x0 <= 3 or bottom - top <= 3:
                        rules_.append((x0, top, x1, bottom))
                    elif r.get("stroke"):
                        rules_ += [(x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom),
                                   (x1, top, x1, bottom)]
                area = sum((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) for im in page.images)
                out.append(RawPage(i, w, h, chars, has_images=bool(page.images), rules=rules_, dropped=dropped,
                                   image_area=min(1.0, area / max(1.0, w * h))))
    except PDFPasswordIncorrect as exc:
        raise errors.EncryptedPDF(src, "encrypted: needs a password (use --password)") from exc
    except errors.ExtractorError:
        raise
    except Exception as exc:
        raise errors.CorruptDocument(src, f"corrupt or truncated PDF ({type(exc).__name__})") from exc
    return out


# --------------------------------------------------------------------------------------------
# ruled tables


@dataclass
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple
    chars: list = field(default_factory=list)
    text: str = ""
    ocr: Optional[float] = None


@dataclass
class Grid:
    """A ruled table found on one page: its box and cells (before they get document offsets)."""

    page: int
    bbox: tuple
    cells: list
    source: str = "pdf-ruled"
    shaded: bool = False  # drawn by shaded boxes, not rules

    def cell_at(self, x: float, y: float) -> Optional["Cell"]:
        """The cell containing the point (grid lines from the cells' boxes, found by bisection)."""
        import bisect
        if not hasattr(self, "_index"):
            xs = sorted({c.bbox[0] for c in self.cells} | {c.bbox[2] for c in self.cells})
            ys = sorted({c.bbox[1] for c in self.cells} | {c.bbox[3] for c in self.cells})
            at = {}
            for c in self.cells:
                for r in range(bisect.bisect_left(ys, c.bbox[1]), bisect.bisect_left(ys, c.bbox[3])):
                    for k in range(bisect.bisect_left(xs, c.bbox[0]), bisect.bisect_left(xs, c.bbox[2])):
                        at[(r, k)] = c
            self._index = (xs, ys, at)
        xs, ys, at = self._index
        r = min(max(bisect.bisect_right(ys, y) - 1, 0), len(ys) - 2)
        k = min(max(bisect.bisect_right(xs, x) - 1, 0), len(xs) - 2)
        return at.get((r, k))


def _cluster(values: list, tol: float) -> list:
    out: list = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _merge_segments(segs: list, tol: float = 1.5) -> list:
    """Join collinear touching segments: segs of (pos, a, b) → merged list of (pos, a, b)."""
    segs = sorted(segs)
    out: list = []
    for pos, a, b in segs:
        for k in range(len(out) - 1, max(-1, len(out) - 8), -1):
            p2, a2, b2 = out[k]
            if abs(p2 - pos) <= tol and a <= b2 + 2.0 and b >= a2 - 2.0:
                out[k] = (p2, min(a, a2), max(b, b2))
                break
        else:
            out.append((pos, a, b))
    return out


def _find_grids(rp: RawPage) -> list:
    """Ruled tables of a page: connected sets of horizontal and vertical rules forming at least a
    2 x 2 grid; cells follow the rules (a missing rule inside the grid merges cells). The edges of
    shaded boxes (WPS shades cells, and lines of text too) make tables only where no rules are."""
    ruled = _grids_from([r for r in rp.rules if len(r) == 4], rp.index)
    boxes = [g.bbox for g in ruled]

    def outside(r):
        return not any(b[0] - 2 <= r[0] and r[2] <= b[2] + 2 and b[1] - 2 <= r[1] and r[3] <= b[3] + 2 for b in boxes)

    shaded = _grids_from([r for r in rp.rules if len(r) > 4 and outside(r)], rp.index)
    for g in shaded:
        g.shaded = True
    return ruled + shaded


def _grids_from(rules_: list, page: int) -> list:
    hs, vs = [], []
    for r in rules_:
        x0, top, x1, bottom = r[:4]
        w, h = x1 - x0, bottom - top
        if h <= 3.0 and w > 6.0:
            hs.append(((top + bottom) / 2, x0, x1))
        elif w <= 3.0 and h > 4.0:
            vs.append(((x0 + x1) / 2, top, bottom))
    if len(hs) < 2 or len(vs) < 2:
        return []
    hs, vs = _merge_segments(hs), _merge_segments(vs)
    # connected components of crossing rules
    parent = list(range(len(hs) + len(vs)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vt, vb) in enumerate(vs):
            if hx0 - 2.5 <= x <= hx1 + 2.5 and vt - 2.5 <= y <= vb + 2.5:
                parent[find(i)] = find(len(hs) + j)
    comps: dict = {}
    for k in range(len(parent)):
        comps.setdefault(find(k), []).append(k)
    grids = []
    for members in comps.values():
        H = [hs[k] for k in members if k < len(hs)]
        V = [vs[k - len(hs)] for k in members if k >= len(hs)]
        if len(H) < 2 or len(V) < 2:
            continue
        ys = _cluster([y for y, _, _ in H], 2.0)
        xs = _cluster([x for x, _, _ in V], 2.0)
        if len(ys) < 2 or len(xs) < 2:
            continue

        # the rules along each grid line (within 2 points of it), once
        v_near = [[(vt, vb) for vx, vt, vb in V if abs(vx - x) <= 2.0] for x in xs]
        h_near = [[(hx0, hx1) for hy, hx0, hx1 in H if abs(hy - y) <= 2.0] for y in ys]

        def v_at(j, y0, y1):  # a vertical rule on grid line xs[j] covering the middle of (y0, y1)
            mid = (y0 + y1) / 2
            return any(vt - 1 <= mid <= vb + 1 for vt, vb in v_near[j])

        def h_at(i, x0, x1):
            mid = (x0 + x1) / 2
            return any(hx0 - 1 <= mid <= hx1 + 1 for hx0, hx1 in h_near[i])

        nr, nc = len(ys) - 1, len(xs) - 1
        taken = [[False] * nc for _ in range(nr)]
        cells = []
        for r in range(nr):
            for c in range(nc):
                if taken[r][c]:
                    continue
                cs = 1
                while c + cs < nc and not v_at(c + cs, ys[r], ys[r + 1]) and not taken[r][c + cs]:
                    cs += 1
                rs = 1
                while r + rs < nr and not any(h_at(r + rs, xs[k], xs[k + 1]) for k in range(c, c + cs)):
                    rs += 1
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        taken[rr][cc] = True
                cells.append(Cell(r, c, rs, cs, (xs[c], ys[r], xs[c + cs], ys[r + rs])))
        if nr * nc < 2 or (nc < 2 and nr < 2):
            continue
        grids.append(Grid(page, (xs[0], ys[0], xs[-1], ys[-1]), cells))
    return grids


def _cell_text(chars: list, page: int) -> str:
    """The text of one cell: its lines joined (no line break inside a cell)."""
    lines = _group_lines(chars, page)
    out = ""
    for l in lines:
        t = l.text.replace("\t", " ")
        if out and (_is_ascii_word(out[-1]) and _is_ascii_word(t[0])) and not (out[-1].isdigit() and t[0].isdigit()):
            out += " "
        out += t
    return out.strip()


def _take_tables(rp: RawPage) -> tuple:
    """Split a page's characters into ruled tables (with their cells filled) and the rest."""
    grids = _find_grids(rp)
    if not grids:
        return [], rp.chars
    rest = []
    for c in rp.chars:
        if c.ch.isspace():
            rest.append(c)
            continue
        mx, my = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2 + 0.05 * c.size
        for g in grids:
            x0, top, x1, bottom = g.bbox
            if x0 - 0.5 <= mx <= x1 + 0.5 and top - 0.5 <= my <= bottom + 0.5:
                cell = g.cell_at(mx, my)
                if cell is not None:
                    cell.chars.append(c)
                break
        else:
            rest.append(c)
    kept = []
    for g in grids:
        for cell in g.cells:
            cell.text = _cell_text(cell.chars, rp.index) if cell.chars else ""
            confs = [ch.ocr for ch in cell.chars if ch.ocr is not None]
            cell.ocr = min(confs) if confs else None
        filled = [c for c in g.cells if c.text]
        if not filled:
            continue
        # a page number inside the frame (first or last row alone) is furniture
        rows = sorted({c.row for c in filled})
        for r in (rows[0], rows[-1]):
            row_cells = [c for c in filled if c.row == r]
            if len(row_cells) == 1 and _is_page_number(row_cells[0].text):
                row_cells[0].text = ""
        # rows without any text go; renumber the rest
        used = sorted({r for c in g.cells if c.text for r in [c.row]})
        if len(g.cells) < 2 or not used:
            continue
        remap = {r: k for k, r in enumerate(used)}
        cells = []
        for c in g.cells:
            if c.row in remap:
                last = max([r for r in used if r < c.row + c.rowspan])
                c.rowspan = remap[last] - remap[c.row] + 1
                c.row = remap[c.row]
                cells.append(c)
        g.cells = cells
        text_cols = {c.col for c in cells if c.text}
        if len(text_cols) < (3 if getattr(g, "shaded", False) else 2) or len(used) < 2:
            # a framed paragraph, not a table: its text goes back to the flow
            rest.extend(ch for c in cells for ch in c.chars)
            continue
        kept.append(g)
    rest.sort(key=lambda c: 0)  # stable: content order kept
    return kept, rest


def _table_lines(g: Grid) -> list:
    """One Line per table row (role "table"), its cells in column order."""
    out = []
    nrows = max(c.row for c in g.cells) + 1
    for r in range(nrows):
        row = sorted((c for c in g.cells if c.row == r), key=lambda c: c.col)
        if not row:
            continue
        ink = [ch for c in row for ch in c.chars if not ch.ch.isspace()]
        top = min(c.bbox[1] for c in row)
        bottom = max(c.bbox[1] for c in row) if False else min(c.bbox[3] for c in row)
        l = Line(chars=ink, page=g.page, text="\t".join(c.text for c in row), x0=g.bbox[0], x1=g.bbox[2],
                 top=top, bottom=bottom, size=statistics.median(ch.size for ch in ink) if ink else 0.0,
                 role="table")
        l.cells = row
        l.grid = g
        out.append(l)
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


def _drop_furniture(pages: list, heights: list, g: "Geometry", gone: Optional[list] = None) -> int:
    """Remove page numbers and running headers/footers (in place); return how many lines went
    (appended to ``gone`` when given)."""
    gone = [] if gone is None else gone
    dropped = 0
    n = len(pages)
    # running lines: the same text (digits aside) as first or last line on several pages
    keys = Counter()
    for lines in pages:
        seen = set()
        for l in lines[:2] + lines[-2:]:
            k = _running_key(l.text)
            if k and len(k) <= 40 and "。" not in k and k not in seen:  # a sentence is no running header
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
            gone.append(keep.pop(0)); dropped += 1
        while keep and keep[-1].role == "drop":
            gone.append(keep.pop()); dropped += 1
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
    width: float = 0.0  # the usual page width
    widths: Optional[dict] = None  # page index → its width


def _geometry(pages: list) -> Geometry:
    pages = [[l for l in lines if l.role not in ("table", "contents")] for lines in pages]
    sizes = Counter()
    for lines in pages:
        for l in lines:
            sizes[round(l.size * 2) / 2] += len(l.text)
    size = sizes.most_common(1)[0][0] if sizes else 12.0
    body = [l for lines in pages for l in lines if abs(l.size - size) <= 0.6 and len(l.text) >= 4]
    if not body:
        body = [l for lines in pages for l in lines]
    lefts = Counter(round(l.x0) for l in body)
    # the left margin: the leftmost x where many body lines start (first-line indents and headings
    # may start as many lines as the margin in a document of short paragraphs)
    top_count = lefts.most_common(1)[0][1] if lefts else 0
    many = [x for x, k in lefts.items() if k >= max(2, 0.3 * top_count)]
    left = float(min(many)) if many else float(lefts.most_common(1)[0][0]) if lefts else 0.0
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
    """Centred on the text block (on its own page's: a landscape table page has its own)."""
    left, right = g.left, g.right
    if g.widths and l.page in g.widths and abs(g.widths[l.page] - g.width) > 20:
        shift = (g.widths[l.page] - g.width) / 2  # the same margins, a wider page
        left, right = left, right + 2 * shift
    mid = (left + right) / 2
    return (abs((l.x0 + l.x1) / 2 - mid) <= 1.0 * g.size and l.x0 > left + 2.5 * g.size
            and l.x1 < right - 2.5 * g.size)


def _classify(pages: list, g: Geometry) -> Optional[list]:
    """Mark title and heading lines (role/level); return the title lines."""
    r = rules()
    title_lines: list = []
    first = pages[0] if pages else []
    if first:
        cands = [l for l in first[:8] if l.role == "body" and not any(p.search(l.text) for p in r["title_skip"])]
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
            if l.role != "body" or "\t" in l.text:  # cells set apart on one line (编制部门：…  单位：元) are no heading
                continue
            larger = l.size >= g.size + 1.5
            bold = l.bold >= 0.6 and l.bold_end  # a bold run-in head followed by body text is body
            centred = _centred(l, g)
            short = l.x1 < g.right - 1.5 * g.size
            # a numbered line standing alone (short, no sentence in it): a heading in any font
            numbered = short and len(l.text) <= 40 and _marker_level(l.text) is not None \
                and not regex.search(r"[。；！？：:]", l.text) and "\t" not in l.text
            if larger or (bold and short) or (centred and len(l.text) <= 40) or numbered:
                l.role = "heading"
                lvl = _marker_level(l.text)
                # an unnumbered display line: level 1, or 2 when set smaller than the body (a table's title)
                l.level = lvl if lvl is not None else (1 if (larger or centred) and l.size >= g.size - 0.5 else 2)
    # an unnumbered heading right above a table (within three lines of its page: a unit line, a
    # 编制部门 line between) is the table's title: one level below the display headings
    for lines in pages:
        for k, l in enumerate(lines):
            if l.role == "heading" and l.level == 1 and _marker_level(l.text) is None:
                nxt = lines[k + 1:k + 4]
                if any(n.role == "table" for n in nxt) and all(n.role in ("table", "body") for n in nxt):
                    l.level = 2
    # a full-width line opening with a top-level number (第三部分 …) whose heading goes on, centred,
    # on the next line: the first line of a wrapped heading
    for lines in pages:
        for k in range(len(lines) - 1):
            a, b = lines[k], lines[k + 1]
            if a.role == "body" and b.role == "heading" and _marker_level(a.text) == 1 and _marker_level(b.text) is None \
                    and abs(a.size - b.size) < 0.6 and not regex.search(r"[。；！？：:]", a.text) and len(a.text) <= 60:
                a.role, a.level = "heading", 1
                b.level = 1
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
    if a.role == b.role == "contents":  # an entry wrapped onto a second line
        return not (a.page == b.page and a.x1 >= g.right - 2 * g.size and not _LEADER.search(a.text)
                    and _marker_level(b.text) is None and not regex.match(r"^第[一二三四五六七八九十\d]+部分", b.text))
    if a.role != "body" or b.role != "body":
        if a.role == b.role == "heading" and abs(a.size - b.size) < 0.6 and (a.bold >= 0.6) == (b.bold >= 0.6) \
                and a.x1 - a.x0 >= 0.6 * (g.right - g.left) and _marker_level(b.text) is None \
                and a.text[-1] not in rules()["sentence_end"] and a.page == b.page:
            return False  # a long heading wrapped onto a second line
        return True
    if "\t" in a.text or "\t" in b.text:  # table rows stand alone
        return True
    if abs(a.size - b.size) > max(1.0, 0.12 * g.size):  # another type size: another block (a caption, a note)
        return True
    if regex.match(r"^(?:表|图|附表)\s*[\d一二三四五六七八九十]+(?:[\s:：.．、-]|$)", b.text):  # a caption
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
    """Build the document text, page starts, headings and tables from classified lines."""
    flow = [l for lines in pages for l in lines]
    parts: list = []
    pos = 0
    page_first: dict = {}
    headings: list = []
    para_start = 0
    cur_role = None
    cur_level = 0
    rows: list = []  # (Line, start) of table rows
    contents: list = []
    ocr_lines: list = []

    def close_para():
        if cur_role in ("title", "heading") and pos > para_start:
            headings.append(Heading(start=para_start, end=pos, level=cur_level,
                                    cue="title" if cur_role == "title" else "font"))
        if cur_role == "contents" and pos > para_start:
            contents.append((para_start, pos))

    def trim():
        nonlocal pos
        if parts and cur_role != "table" and parts[-1] != parts[-1].rstrip():
            trimmed = parts[-1].rstrip()
            pos -= len(parts[-1]) - len(trimmed)
            parts[-1] = trimmed

    prev: Optional[Line] = None
    for l in flow:
        if prev is None:
            piece = l.text if l.role == "table" else l.text.lstrip(" \u3000")
            para_start, cur_role, cur_level = pos, l.role, l.level
        elif (prev.role == "title" and l.role == "title") or not _breaks(prev, l, g):
            piece = _join(prev, l)
        else:
            trim()  # end the paragraph: trim trailing blanks
            close_para()
            parts.append("\n")
            pos += 1
            piece = l.text if l.role == "table" else l.text.lstrip(" \u3000")
            para_start, cur_role, cur_level = pos, l.role, l.level
        if l.page not in page_first:
            page_first[l.page] = pos
        if l.role == "table":
            rows.append((l, pos))
        if l.ocr is not None or (l.cells and any(c.ocr is not None for c in l.cells)):
            skip = len(piece) - len(piece.lstrip(" "))
            ocr_lines.append({"start": pos + skip, "end": pos + len(piece), "page": l.page + 1,
                              "bbox": [round(l.x0, 1), round(l.top, 1), round(l.x1, 1), round(l.bottom, 1)],
                              "confidence": round(l.ocr if l.ocr is not None else
                                                  min(c.ocr for c in l.cells if c.ocr is not None), 4)})
        parts.append(piece)
        pos += len(piece)
        prev = l
    trim()
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
    tables = _source_tables(text, rows) + _aligned_tables(text, flow, rows)
    tables.sort(key=lambda t: t.start)
    for o in ocr_lines:  # a trimmed paragraph end
        o["end"] = min(o["end"], len(text))
    return text, starts, headings, title, tables, contents, ocr_lines


def _source_tables(text: str, rows: list) -> list:
    """SourceTables of the ruled tables: each row a line, its cells separated by tabs."""
    out: list = []
    by_grid: dict = {}
    for l, start in rows:
        by_grid.setdefault(id(l.grid), []).append((l, start))
    for members in by_grid.values():
        g = members[0][0].grid
        cells = []
        for l, start in members:
            at = start
            for k, c in enumerate(l.cells):
                cells.append(SourceCell(row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan, start=at,
                                        end=at + len(c.text), bbox=tuple(round(v, 1) for v in c.bbox),
                                        page=g.page + 1, ocr=c.ocr))
                at += len(c.text) + 1
        first, last = members[0], members[-1]
        out.append(SourceTable(start=first[1], end=last[1] + len(last[0].text), cells=cells, page=g.page + 1,
                               bbox=tuple(round(v, 1) for v in g.bbox), source=g.source))
    return out


def _aligned_tables(text: str, flow: list, rows: list) -> list:
    """Rows of cells set apart by wide gaps (no rules): runs of at least two such lines on a page."""
    out: list = []
    pos_of: dict = {}
    # positions of body lines with tabs: find them in the text in order
    run: list = []
    search = 0

    def close():
        if len(run) >= 2 and max(len(r[0].text.split("\t")) for r in run) >= 2:
            cells = []
            for ri, (l, start) in enumerate(run):
                at = start
                for ci, field_ in enumerate(l.text.split("\t")):
                    cells.append(SourceCell(row=ri, col=ci, start=at, end=at + len(field_), page=l.page + 1,
                                            ocr=l.ocr))
                    at += len(field_) + 1
            x0 = min(r[0].x0 for r in run); x1 = max(r[0].x1 for r in run)
            out.append(SourceTable(start=run[0][1], end=run[-1][1] + len(run[-1][0].text), cells=cells,
                                   page=run[0][0].page + 1,
                                   bbox=(round(x0, 1), round(run[0][0].top, 1), round(x1, 1),
                                         round(run[-1][0].bottom, 1)), source="pdf-aligned"))
        run.clear()

    for l in flow:
        if l.role == "table":
            close()
            continue
        if "\t" not in l.text:
            # find it anyway to move the search forward
            close()
            continue
        at = text.find(l.text, search)
        if at < 0 or (at > 0 and text[at - 1] != "\n") or text[at + len(l.text):at + len(l.text) + 1] not in ("", "\n"):
            close()
            continue
        if run and run[-1][0].page != l.page:
            close()
        run.append((l, at))
        search = at + len(l.text)
    close()
    del pos_of
    return out


_LEADER = regex.compile(r"(?:[.．·•…⋯_—\-]\s*){4,}\s*[\dⅠ-Ⅻivxlc]{0,5}\s*$|(?:…|⋯){2,}")
_CONTENTS_HEAD = regex.compile(r"^\s*目\s*录\s*$|^\s*(?:Contents|CONTENTS)\s*$")


def _entry_like(l: Line, g: Optional["Geometry"]) -> bool:
    """A line that looks like a contents entry: no sentence in it, short or numbered or led to a page number."""
    t = l.text.strip()
    if not t or len(t) > 70 or regex.search(r"[。；！？]", t):
        return False
    return bool(_LEADER.search(t) or regex.search(r"\S\s+\d{1,3}$", t) or _marker_level(t) is not None
                or regex.match(r"^第[一二三四五六七八九十\d]+部分", t) or len(t) <= 30)


def _mark_contents(pages: list) -> list:
    """Contents pages (目录): a 目录 heading over entry-like lines, or several dot-leader lines, and
    the pages of entries that follow one. Their lines get role "contents" (kept in the text, one entry
    a line, out of the headings); returns their page indexes."""
    out = []
    prev_contents = False
    for p, lines in enumerate(pages):
        body = [l for l in lines if l.role == "body"]
        if not body:
            continue
        leaders = sum(1 for l in body if _LEADER.search(l.text))
        head = next((k for k, l in enumerate(body[:3]) if _CONTENTS_HEAD.match(l.text)), None)
        entries = sum(1 for l in body if _entry_like(l, None))
        rest = len(body) - (1 if head is not None else 0)
        is_contents = leaders >= 3 or (head is not None and rest >= 2 and entries - 1 >= 0.7 * rest) \
            or (prev_contents and rest >= 1 and (entries >= 0.85 * len(body) and leaders + _numbered_share(body) > 0))
        if is_contents:
            start = head or 0
            for l in body[start:]:
                l.role = "contents"
            out.append(p)
        prev_contents = is_contents
    return out


def _numbered_share(body: list) -> int:
    return int(sum(1 for l in body if _marker_level(l.text) is not None or regex.match(r"^第[一二三四五六七八九十\d]+部分", l.text))
               >= 0.6 * len(body))


@dataclass
class Layout:
    """The reader's analysis of a PDF (what ``extractor inspect`` draws)."""

    pages: list  # per page: its kept lines (roles title, heading, body, table, contents)
    title_lines: list
    geometry: Geometry
    dropped: int  # furniture lines removed
    furniture: list  # the removed lines
    contents: list  # indexes of contents pages
    grids: list  # ruled tables


def analyse(raw_pages: list) -> Layout:
    """Lines, tables, furniture, contents, title and headings of the pages."""
    pages, grids = [], []
    for rp in raw_pages:
        found, rest = _take_tables(rp)
        lines = _group_lines(rest, rp.index)
        for gr in found:
            lines += _table_lines(gr)
        grids += found
        lines.sort(key=lambda l: (round(l.top), l.x0))
        pages.append(lines)
    g = _geometry(pages)
    gone: list = []
    dropped = _drop_furniture(pages, [rp.height for rp in raw_pages], g, gone)
    contents = _mark_contents(pages)
    g = _geometry(pages)
    g.widths = {rp.index: rp.width for rp in raw_pages}
    g.width = Counter(round(rp.width) for rp in raw_pages).most_common(1)[0][0] if raw_pages else 0.0
    title_lines = _classify(pages, g)
    return Layout(pages, title_lines, g, dropped, gone, contents, grids)


def _info_title(pdf) -> Optional[str]:
    try:
        t = (pdf.get_metadata_dict().get("Title") or "").strip()
    except Exception:  # noqa: BLE001 - a broken Info dictionary
        return None
    if not t or len(t) > 120 or not any(_is_cjk(c) for c in t):
        return None  # "Microsoft Word - 文档1.docx", "untitled": no title
    if regex.search(r"(?i)\.(docx?|wps|xlsx?|et|pdf)$|^microsoft|untitled|^文档\d*$", t):
        return None
    return t


def read_raw_pages(data: bytes, src: str, password: Optional[str] = None, engine: str = "pdfium",
                   pages: Optional[set] = None) -> tuple:
    """(raw pages, Info title) of a PDF; bad input raises an ExtractorError."""
    if b"%PDF" not in data[:1024]:
        raise errors.CorruptDocument(src, "not a PDF file (no %PDF header): corrupt or mislabelled")
    info_title = None
    if engine == "pdfplumber":
        raw_pages = _pdfplumber_pages(data, src, password, pages)
    else:
        pdf = _open_pdfium(data, src, password)
        try:
            if len(pdf) == 0:
                raise errors.CorruptDocument(src, "corrupt or truncated PDF (no pages)")
            raw_pages = _pdfium_pages(pdf, pages)
            info_title = _info_title(pdf)
            cut = {rp.index for rp in raw_pages if rp.truncated}
            if cut:  # pdfium keeps only the first 16,384 characters of a text object: pdfminer reads them all
                whole = {rp.index: rp for rp in _pdfplumber_pages(data, src, password, cut)}
                raw_pages = [whole.get(rp.index, rp) for rp in raw_pages]
        except pdfium_error() as exc:  # a page pdfium cannot load
            raise errors.CorruptDocument(src, f"corrupt PDF (a page cannot be read: {exc})") from exc
        finally:
            pdf.close()
    if b"%%EOF" not in data[-4096:]:
        raise errors.CorruptDocument(src, "truncated PDF (the end-of-file marker is missing)")
    return raw_pages, info_title


def _run_ocr(data: bytes, src: str, raw_pages: list, mode: str, password: Optional[str]) -> list:
    """OCR the pages without a text layer (``auto``) or every page (``always``); returns their indexes."""
    if mode == "never":
        return []
    from extractor.ingest import ocr
    return ocr.ocr_pages(data, src, raw_pages, mode, password, Char)


def read_pdf(data: bytes, src: str, doc_id: str, password: Optional[str] = None,
             engine: Optional[str] = None, settings=None) -> Document:
    """Read a PDF into a Document (see the module docstring).

    ``settings`` (a :class:`~extractor.core.settings.Settings`) gives ``pdf_engine`` and ``ocr``
    (auto | always | never); ``engine`` overrides the engine.
    """
    t0 = time.perf_counter()
    engine = engine or getattr(settings, "pdf_engine", None) or "pdfium"
    ocr_mode = getattr(settings, "ocr", None) or "auto"
    raw_pages, info_title = read_raw_pages(data, src, password, engine)
    t1 = time.perf_counter()
    ocr_pages = _run_ocr(data, src, raw_pages, ocr_mode, password)
    t_ocr = time.perf_counter()
    if not any(rp.chars for rp in raw_pages):
        if any(rp.has_images for rp in raw_pages):
            if ocr_mode == "never":
                raise errors.NoTextLayer(src, "has no text layer (image-only) and OCR is off (--ocr never)")
            raise errors.NoTextLayer(src, "has no text layer (image-only) and OCR found no text on its pages")
        raise errors.EmptyDocument(src, "PDF has no text")
    lay = analyse(raw_pages)
    text, starts, headings, title, tables, contents, ocr_lines = _assemble(lay.pages, lay.title_lines, lay.geometry)
    if not text.strip():
        raise errors.EmptyDocument(src, "PDF has no text besides page numbers")
    t2 = time.perf_counter()
    g = lay.geometry
    meta = {"extractor": "pypdfium2" if engine != "pdfplumber" else "pdfplumber",
            "pages": len(raw_pages), "dropped_lines": lay.dropped,
            "body_font_size": round(g.size, 2), "text_width": round(g.right - g.left, 1),
            "seconds_chars": round(t1 - t0, 4), "seconds_layout": round(t2 - t_ocr, 4),
            "ocr_pages": len(ocr_pages), "tables": len(tables)}
    if ocr_pages:
        meta["ocr_page_numbers"] = [p + 1 for p in ocr_pages]
        meta["ocr_lines"] = ocr_lines
        meta["seconds_ocr"] = round(t_ocr - t1, 3)
    hidden = Counter(reason for rp in raw_pages for _, reason in rp.dropped)
    if hidden:
        meta["dropped_chars"] = dict(sorted(hidden.items()))
    if lay.contents:
        meta["contents_pages"] = [p + 1 for p in lay.contents]
        meta["contents_spans"] = [list(c) for c in contents]
    from extractor.ingest.ocr import needs_ocr
    scanned = [rp.index + 1 for rp in raw_pages if not rp.ocr and needs_ocr(rp, "auto")]
    if scanned:  # some pages are images only: their text is missing (OCR off or not installed)
        meta["image_only_pages"] = scanned
    if title is None and info_title:
        title = info_title
        meta["title_from"] = "info"
    return Document(text=text, source=src, id=doc_id, format="pdf", title=title, page_starts=starts,
                    headings=headings, meta=meta, tables=tables)


__all__ = ["read_pdf", "rules"]
