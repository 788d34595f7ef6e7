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

Then the time to read a generated ``--long``-page report with the default reader.

usage: python benchmarks/bench_pdf.py [--repeat N] [--long PAGES]
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


def reader(engine: str):
    def run(data: bytes) -> int:
        return read_pdf(data, "bench.pdf", "bench", engine=engine).pages
    return run


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
    args = ap.parse_args(argv)

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
