"""``extractor inspect FILE.pdf [--pages 1-3] -o DIR``: see why the PDF reader did what it did.

Writes one PNG per page: the page rendered, with the reader's analysis drawn over it — body lines
(grey boxes), the title and headings (red, with their level), table cells (blue) and ruling lines
(light blue), contents entries (purple), dropped furniture (orange: page numbers, running headers),
dropped glyphs (magenta crosses: invisible, clipped, white or rotated text) and OCR'd lines (green,
with their confidence).
"""
from __future__ import annotations

import sys
from pathlib import Path

COLOURS = {"body": (150, 150, 150), "title": (220, 0, 0), "heading": (220, 0, 0), "table": (0, 90, 220),
           "rule": (120, 180, 255), "contents": (150, 0, 200), "furniture": (255, 140, 0),
           "dropped": (255, 0, 200), "ocr": (0, 170, 0)}


def register(sub) -> None:
    p = sub.add_parser("inspect", help="draw the PDF reader's analysis (lines, headings, tables, dropped text, "
                                       "OCR boxes) on PNG images of the pages",
                       description="One PNG per page with the lines, headings, tables, contents entries, dropped "
                                   "text and OCR boxes the PDF reader found.")
    p.add_argument("path", help="a PDF file")
    p.add_argument("--pages", help="pages to draw, e.g. 1-3,5 (default: all)")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--dpi", type=int, default=100, help="resolution of the images (default 100)")
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto", help="OCR mode (as for extract)")
    p.add_argument("--password", help="password of an encrypted PDF")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def parse_pages(spec, n: int) -> list:
    """'1-3,5' → [0, 1, 2, 4] (0-based, within 1..n); None → every page."""
    from extractor.core import errors
    if not spec:
        return list(range(n))
    out = []
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                a, b = part.split("-", 1)
                lo, hi = int(a), int(b) if b else n
            else:
                lo = hi = int(part)
        except ValueError:
            raise errors.ExtractorError("--pages", f"cannot read the page range {spec!r} (use e.g. 1-3,5)") from None
        out += [p - 1 for p in range(max(1, lo), min(n, hi) + 1)]
    return sorted(set(out))


def draw(path: str, out_dir: str, pages=None, dpi: int = 100, ocr: str = "auto", password=None) -> list:
    """Write the PNGs; return their paths."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    from extractor.ingest import read_bytes
    from extractor.ingest.ocr import ocr_pages
    from extractor.ingest.pdf import Char, _find_grids, analyse, read_raw_pages

    data = read_bytes(path)
    raw_pages, _ = read_raw_pages(data, str(path), password)
    wanted = parse_pages(pages, len(raw_pages))
    if ocr != "never":
        ocr_pages(data, str(path), [raw_pages[i] for i in wanted], ocr, password, Char)
    lay = analyse(raw_pages)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pdf = pdfium.PdfDocument(data, password=password)
    scale = dpi / 72.0
    written = []
    try:
        for i in wanted:
            rp = raw_pages[i]
            img = pdf[i].render(scale=scale).to_pil().convert("RGB")
            over = Image.new("RGBA", img.size, (0, 0, 0, 0))
            d = ImageDraw.Draw(over)

            def box(b, colour, width=1, fill=None):
                x0, top, x1, bottom = (v * scale for v in b)
                d.rectangle([x0, top, max(x0 + 1, x1), max(top + 1, bottom)], outline=colour + (255,), width=width,
                            fill=fill)

            for x0, top, x1, bottom, *_ in rp.rules:
                d.line([x0 * scale, top * scale, x1 * scale, bottom * scale], fill=COLOURS["rule"] + (255,), width=2)
            for g in _find_grids(rp):
                box(g.bbox, COLOURS["table"], 2)
            for l in lay.pages[i]:
                if l.role == "table" and l.cells:
                    for c in l.cells:
                        box(c.bbox, COLOURS["table"], 1, fill=COLOURS["table"] + (30,))
                    continue
                colour = COLOURS.get(l.role, COLOURS["body"])
                box((l.x0, l.top, l.x1, l.bottom), colour, 2 if l.role in ("title", "heading") else 1)
                if l.role in ("title", "heading"):
                    d.text((l.x0 * scale, max(0, l.top * scale - 11)), f"H{l.level}", fill=colour + (255,))
                if l.ocr is not None:
                    box((l.x0 - 1, l.top - 1, l.x1 + 1, l.bottom + 1), COLOURS["ocr"], 1)
                    d.text((l.x1 * scale + 2, l.top * scale), f"{l.ocr:.2f}", fill=COLOURS["ocr"] + (255,))
            for l in lay.furniture:
                if l.page == i:
                    box((l.x0, l.top, l.x1, l.bottom), COLOURS["furniture"], 2)
            for c, reason in rp.dropped:
                x, y = (c.x0 + c.x1) / 2 * scale, (c.top + c.bottom) / 2 * scale
                if 0 <= x <= img.size[0] and 0 <= y <= img.size[1]:
                    d.line([x - 3, y - 3, x + 3, y + 3], fill=COLOURS["dropped"] + (255,), width=1)
                    d.line([x - 3, y + 3, x + 3, y - 3], fill=COLOURS["dropped"] + (255,), width=1)
            img = Image.alpha_composite(img.convert("RGBA"), over).convert("RGB")
            target = out / f"{Path(path).stem}-p{i + 1:03d}.png"
            img.save(target)
            written.append(target)
    finally:
        pdf.close()
    return written


def run(args) -> int:
    from extractor.core import errors
    from extractor.ingest import read_bytes
    if b"%PDF" not in read_bytes(args.path)[:1024]:
        raise errors.UnsupportedFormat(args.path, "inspect reads PDF files only")
    files = draw(args.path, args.out, args.pages, args.dpi, args.ocr, args.password)
    for f in files:
        print(f)
    print(f"{len(files)} page image(s) in {args.out}", file=sys.stderr)
    return 0
