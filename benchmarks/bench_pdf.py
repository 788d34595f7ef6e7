"""Speed of PDF reading: pdfplumber vs pypdfium2, plain text and with the layout reconstruction.

Generates a 10-page report in the style of an official document with reportlab
(``tests/fixtures/make_pdfs.py``) and also reads the committed LibreOffice fixture
(``tests/fixtures/pdf/zhoucun-lo.pdf``, 11 pages with embedded subset fonts). Prints pages per
second (best of ``--repeat`` runs) for:

* ``pypdfium2 text``: ``PdfTextPage.get_text_range()`` per page (no layout);
* ``pdfplumber text``: ``page.extract_text()`` per page (no layout);
* ``read_pdf pypdfium2``: this project's reader (characters, boxes and fonts from pypdfium2, then
  lines, headers/footers, joining, headings): the default;
* ``read_pdf pdfplumber``: the same reconstruction from pdfplumber's characters.

Then the time to read a generated ``--long``-page report with the default reader; the real PDFs of
``../shared/corpora/pdfs`` (``--real DIR``; WPS / Word output with tables) with wall and CPU time
(on a shared machine the CPU time is the figure to compare: it is what one core spends); and OCR
(``--ocr-pages N``, with the ``ocr`` extra): a scanned copy of a generated report rendered at 150 dpi,
pages per second of the whole read (render + RapidOCR + layout).

usage: python benchmarks/bench_pdf.py [--repeat N] [--long PAGES] [--real DIR] [--ocr-pages N]
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import make_pdfs  # noqa: E402

from extractor.ingest.pdf import read_pdf  # noqa: E402


def pdfium_text(data: bytes) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(data)
    n = 0
    for page in pdf:
        n += len(page.get_textpage().get_text_range())
    return len(pdf)


def plumber_text(data: bytes) -> int:
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


class _Settings:
    def __init__(self, ocr="never", pdf_engine="pdfium"):
        self.ocr, self.pdf_engine = ocr, pdf_engine


def reader(engine: str, ocr: str = "never"):
    def run(data: bytes) -> int:
        return read_pdf(data, "bench.pdf", "bench", engine=engine, settings=_Settings(ocr, engine)).pages
    return run


def cpu_best(fn, data: bytes, repeat: int) -> tuple:
    """(pages, best wall seconds, best CPU seconds)."""
    walls, cpus, pages = [], [], 0
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        pages = fn(data)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return pages, min(walls), min(cpus)


def best(fn, data: bytes, repeat: int) -> tuple:
    times = []
    pages = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        pages = fn(data)
        times.append(time.perf_counter() - t0)
    return pages, min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--long", type=int, default=200, help="pages of the long report (0: skip)")
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "corpora" / "pdfs",
                    help="folder of real PDFs (default ../shared/corpora/pdfs; skipped when absent)")
    ap.add_argument("--ocr-pages", type=int, default=2, help="pages of the scanned report to OCR (0: skip)")
    args = ap.parse_args(argv)
    import os
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
    real = sorted(args.real.glob("*.pdf")) if args.real and args.real.is_dir() else []
    if real:
        print(f"real PDFs ({args.real}):")
        tp = tw = tc = 0
        for path in real:
            data = path.read_bytes()
            pages, wall, cpu = cpu_best(reader("pdfium"), data, args.repeat)
            tp, tw, tc = tp + pages, tw + wall, tc + cpu
            print(f"  {path.name:40s} {pages:3d} pages  {pages / wall:7.1f} pages/s wall  {pages / cpu:7.1f} pages/s CPU")
        print(f"  {'all':40s} {tp:3d} pages  {tp / tw:7.1f} pages/s wall  {tp / tc:7.1f} pages/s CPU")
    if args.ocr_pages:
        from extractor.ingest import ocr
        if not ocr.available():
            print("OCR: the ocr extra is not installed (pip install 'extractor[ocr]'): skipped")
        else:
            sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
            import make_producer_pdfs as mp
            data, _ = mp.wps_scaled()
            scan = mp.scanned_copy(data, pages=list(range(min(args.ocr_pages, 2))), dpi=ocr.DPI)
            t0 = time.perf_counter()
            ocr.engine()
            load = time.perf_counter() - t0
            pages, wall, cpu = cpu_best(reader("pdfium", "auto"), scan, 1)
            print(f"OCR ({ocr.DPI} dpi, RapidOCR PP-OCRv4; engine load {load:.1f} s): {pages} pages "
                  f"{pages / wall:.3f} pages/s wall, {pages / cpu:.3f} pages/s CPU ({cpu / pages:.1f} s CPU a page)")

    with tempfile.TemporaryDirectory() as tmp:
        gen = Path(tmp) / "bench-10.pdf"
        make_pdfs.render_reportlab(make_pdfs.long_report(10), gen)
        inputs = [("reportlab 10-page report", gen.read_bytes())]
        lo = ROOT / "tests" / "fixtures" / "pdf" / "zhoucun-lo.pdf"
        if lo.exists():
            inputs.append(("LibreOffice Zhoucun (embedded fonts)", lo.read_bytes()))
        methods = [("pypdfium2 text", pdfium_text), ("pdfplumber text", plumber_text),
                   ("read_pdf pypdfium2 (default)", reader("pdfium")), ("read_pdf pdfplumber", reader("pdfplumber"))]
        for label, data in inputs:
            print(f"{label}:")
            for name, fn in methods:
                pages, secs = best(fn, data, args.repeat)
                print(f"  {name:30s} {pages:3d} pages  {secs * 1000:8.1f} ms  {pages / secs:8.1f} pages/s")
        if args.long:
            path = Path(tmp) / f"bench-{args.long}.pdf"
            t0 = time.perf_counter()
            make_pdfs.render_reportlab(make_pdfs.long_report(args.long), path)
            made = time.perf_counter() - t0
            data = path.read_bytes()
            pages, secs = best(reader("pdfium"), data, 1)
            print(f"long report: {pages} pages (generated in {made:.1f} s), read_pdf pypdfium2 {secs:.2f} s "
                  f"= {pages / secs:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
