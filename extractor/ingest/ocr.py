"""OCR for PDF pages without a text layer: rendered with pypdfium2, read by RapidOCR (PP-OCRv4).

The engine is ``rapidocr-onnxruntime`` 1.4.x, which ships its Chinese detection and recognition
models inside the wheel (nothing is downloaded at run time). It is an extra, not a default
dependency (``pip install 'extractor[ocr]'``): with onnxruntime and OpenCV it adds about 300 MB to an
environment, and it reads an A4 page in several seconds on one core (``benchmarks/bench_pdf.py``
measures it). Without it, an image-only PDF is refused with one line naming the extra.

Each text line the engine finds becomes characters laid out across its box (widths in proportion:
a Chinese character one em, Latin letters and digits half) with the line's confidence, so OCR'd
pages go through the same layout reconstruction as text pages (lines, headings, paragraphs,
aligned tables). ``mode``: ``auto`` reads pages with no (or almost no) text that carry an image;
``always`` reads every page with an image (its text layer is replaced); ``never`` reads none.
"""
from __future__ import annotations

import functools
import unicodedata
from typing import Optional

from extractor.core import errors

DPI = 150  # rendering resolution: 150–200 dpi reads body text of official documents reliably
EXTRA = "pip install 'extractor[ocr]'  (rapidocr-onnxruntime)"
MIN_TEXT_CHARS = 8  # a page with fewer characters than this and a large image counts as scanned


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine (loaded once per process; about 2 s)."""
    import logging
    from rapidocr_onnxruntime import RapidOCR
    eng = RapidOCR()
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return eng


def needs_ocr(rp, mode: str) -> bool:
    if mode == "never" or not rp.has_images:
        return False
    if mode == "always":
        return True
    ink = sum(1 for c in rp.chars if not c.ch.isspace())
    return ink == 0 or (ink < MIN_TEXT_CHARS and rp.image_area >= 0.4)


def _em(ch: str) -> float:
    """Width of a character in ems (full-width 1, others 0.5)."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def line_chars(text: str, box: list, conf: float, scale: float, char_cls) -> list:
    """Characters of one OCR'd line spread across its box (page points, top-down)."""
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    x0, x1, top, bottom = min(xs) / scale, max(xs) / scale, min(ys) / scale, max(ys) / scale
    text = text.strip()
    if not text:
        return []
    ems = [_em(ch) for ch in text]
    total = sum(ems) or 1.0
    height = bottom - top
    # the detector's box has some padding around the glyphs: the font size is about its height
    size = max(1.0, min(height * 0.92, (x1 - x0) / total * 1.05 if total >= 2 else height))
    base = bottom - 0.12 * height
    out = []
    x = x0
    step = (x1 - x0) / total
    for ch, em in zip(text, ems):
        w = em * step
        if ch == " ":
            out.append(char_cls(" ", x, x + w, base - 0.88 * size, base + 0.12 * size, size, "\0ocr", conf))
        else:
            out.append(char_cls(ch, x, x + w, base - 0.88 * size, base + 0.12 * size, size, "ocr", conf))
        x += w
    return out


def _even_sizes(chars: list) -> list:
    """Box heights of OCR'd lines vary by ±15 % around the true size: sizes within 20 % of the page's
    usual size are set to it (a title or a much larger heading keeps its own)."""
    import statistics
    sizes = [c.size for c in chars if not c.ch.isspace()]
    if len(sizes) < 20:
        return chars
    usual = statistics.median(sizes)
    for c in chars:
        if abs(c.size - usual) <= 0.2 * usual:
            mid = c.bottom - 0.12 * c.size
            c.size = usual
            c.top, c.bottom = mid - 0.88 * usual, mid + 0.12 * usual
    return chars


def ocr_pages(data: bytes, src: str, raw_pages: list, mode: str, password: Optional[str] = None,
              char_cls=None) -> list:
    """Fill the characters of the pages that need OCR (in place, as ``char_cls`` objects: the PDF
    reader's ``Char``); return their indexes.

    Raises :class:`~extractor.core.errors.NoTextLayer` naming the extra when the whole document is
    image-only and the engine is not installed; otherwise pages that need OCR stay empty without it.
    """
    todo = [rp for rp in raw_pages if needs_ocr(rp, mode)]
    if not todo:
        return []
    if not available():
        if not any(rp.chars for rp in raw_pages):
            raise errors.NoTextLayer(src, f"has no text layer (image-only): needs OCR, install the extra: {EXTRA}")
        return []
    import pypdfium2 as pdfium
    Char = char_cls
    eng = engine()
    pdf = pdfium.PdfDocument(data, password=password)
    done = []
    try:
        scale = DPI / 72.0
        for rp in todo:
            page = pdf[rp.index]
            img = page.render(scale=scale).to_numpy()
            page.close()
            result, _ = eng(img)
            chars = []
            for box, text, conf in result or []:
                chars += line_chars(text, box, float(conf), scale, Char)
            rp.chars = _even_sizes(chars)
            rp.ocr = True
            done.append(rp.index)
    finally:
        pdf.close()
    return done


__all__ = ["ocr_pages", "available", "needs_ocr", "DPI", "EXTRA"]
