"""PDFs as WPS / 方正 / Word make them: scaled text matrices, ruled tables, contents pages, hidden
text, scanned pages, budget lists (``tests/fixtures/make_producer_pdfs.py``), an embedded TrueType CID
font with Identity-H (``tests/fixtures/make_cid_pdf.py``), and the real PDFs of ../shared.

Each generated PDF is checked against what its builder drew (headings, paragraphs, table grids,
title) and against a golden summary (``tests/golden/pdf/<name>.json``: headings, paragraph count,
table count and cell grids; ``EXTRACTOR_UPDATE_GOLDEN=1`` rewrites them after a reviewed change).
"""
from __future__ import annotations

import functools
import json
import os
import re
import sys
import unicodedata

import pytest

from conftest import FIXTURES, ROOT
from extractor.core import errors
from extractor.ingest import ocr as ocr_mod
from extractor.ingest.pdf import read_pdf, read_raw_pages

sys.path.insert(0, str(FIXTURES))
import make_producer_pdfs as mp  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "pdf"
TEXT_BUILDERS = ["wps_scaled", "wps_size400", "ruled_table", "contents", "hidden"]
needs_ocr = pytest.mark.skipif(not ocr_mod.available(), reason="the ocr extra (rapidocr-onnxruntime) is not installed")


class _NoOCR:
    ocr = "never"
    pdf_engine = "pdfium"


@functools.lru_cache(maxsize=None)
def built(name: str):
    return mp.BUILDERS[name]()


@functools.lru_cache(maxsize=None)
def read(name: str, engine: str = "pdfium"):
    data, _ = built(name)
    return read_pdf(data, f"{name}.pdf", name, engine=engine, settings=_NoOCR())


def heading_texts(doc) -> list:
    return [doc.text[h.start:h.end] for h in doc.headings if h.cue != "title"]


def grids(doc) -> list:
    out = []
    for t in doc.tables:
        g = [[""] * t.n_cols for _ in range(t.n_rows)]
        for c in t.cells:
            g[c.row][c.col] = doc.text[c.start:c.end]
        out.append(g)
    return out


def summary(doc) -> dict:
    return {"title": doc.title, "headings": [[doc.text[h.start:h.end], h.level] for h in doc.headings],
            "paragraphs": len([l for l in doc.text.split("\n") if l.strip()]), "tables": len(doc.tables),
            "grids": grids(doc)}


PLUMBER_HIDDEN = pytest.mark.xfail(strict=True, reason="pdfminer reports no clip paths: clipped text is read")


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("name", [n if n != "hidden" else pytest.param(n, marks=[]) for n in TEXT_BUILDERS])
def test_generated_layout_is_recovered(name, engine, request):
    if name == "hidden" and engine == "pdfplumber":
        request.applymarker(PLUMBER_HIDDEN)
    doc = read(name, engine)
    _, truth = built(name)
    assert doc.title == truth["title"]
    assert heading_texts(doc) == [h for h, _ in truth["headings"]]
    lines = doc.text.split("\n")
    for p in truth["paragraphs"]:
        assert p in lines, p
    assert grids(doc) == truth["tables"]
    for h in doc.headings:  # headings are whole lines
        assert h.start == 0 or doc.text[h.start - 1] == "\n"
        assert h.end == len(doc.text) or doc.text[h.end] == "\n"


@pytest.mark.parametrize("name", TEXT_BUILDERS + ["budget"])
def test_golden_summary(name):
    got = summary(read(name))
    path = GOLDEN / f"{name}.json"
    if os.environ.get("EXTRACTOR_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["wps_scaled", "wps_size400"])
def test_scaled_text_matrix_gives_true_sizes(name):
    doc = read(name)
    assert abs(doc.meta["body_font_size"] - 16.0) < 0.5
    assert doc.text.count("\n") >= 10  # lines, not one paragraph per page


def test_ruled_table_cells_never_fuse():
    doc = read("ruled_table")
    (t,) = doc.tables
    assert t.source == "pdf-ruled" and t.page == 1 and t.n_rows == len(mp.TABLE) and t.n_cols == len(mp.TABLE[0])
    for c in t.cells:
        assert "\n" not in doc.text[c.start:c.end] and c.bbox and c.page == 1
    rows = doc.text[t.start:t.end].split("\n")
    assert rows == ["\t".join(r) for r in mp.TABLE]
    assert "210000021" not in doc.text and "113.9人" not in doc.text
    assert "表1 2023年末" in doc.text and "表12023" not in doc.text
    printed = {tok for row in mp.TABLE for cell in row for tok in re.findall(r"\d+(?:\.\d+)?", cell)}
    printed |= {tok for p in mp.PARAS for tok in re.findall(r"\d+(?:\.\d+)?", p)} | {"1", "2023"}
    for tok in re.findall(r"\d+(?:\.\d+)?", doc.text):
        assert tok in printed, tok


def test_contents_page_kept_out_of_the_sections():
    from extractor.stages.sections import find_sections
    doc = read("contents")
    assert doc.meta["contents_pages"] == [2]
    for entry in built("contents")[1]["contents"]:
        assert any(line.startswith(entry) for line in doc.text.split("\n"))  # each entry its own line
    secs = find_sections(doc, use_model=False)
    titles = [s.title for s in secs]
    for h, level in built("contents")[1]["headings"]:
        assert titles.count(re.sub(r"^(第.部分 |[一二三四五六七八九十]+、)", "", h)) == 1, h
    toc_end = doc.meta["contents_spans"][-1][1]
    assert all(s.start >= toc_end for s in secs if s.title != doc.title)


def test_budget_lists_are_no_sections_and_table_titles_are():
    """部门预算 (WPS-style): the duties under 主要职能, the units under 机构设置 and run-in 一是… items are
    lists in the body, not sections; a table title right after the previous table's last row is one;
    the 编制部门：…  单位：元 line over a table is no heading."""
    from extractor.stages.sections import find_sections
    doc = read("budget")
    truth = built("budget")[1]
    secs = find_sections(doc, use_model=False)
    assert [(s.level, s.title) for s in secs if s.level > 0] == truth["sections"]
    assert grids(doc) == truth["tables"]
    lines = doc.text.split("\n")
    for d in truth["duties"]:  # each duty its own paragraph, none a heading
        assert d in lines
    assert not any(doc.text[h.start:h.end].startswith("编制部门") for h in doc.headings)
    for name, _ in mp.BUDGET_TABLES:
        (h,) = [h for h in doc.headings if doc.text[h.start:h.end] == name]
        assert h.level == 2


@functools.lru_cache(maxsize=None)
def _cid_pdf():
    import make_cid_pdf
    if make_cid_pdf.cjk_font() is None:
        return None
    return make_cid_pdf.build()


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_fangzheng_cid_font_with_scaled_text_matrix(engine):
    """方正 / WPS style: an embedded TrueType CID font (Type0, Identity-H, ToUnicode, CIDFontType2),
    every line at font size 1 or 400 scaled by the text matrix: the true sizes, lines, headings with
    their levels (黑体 by its name), the title and the paragraphs joined across lines and pages."""
    pytest.importorskip("fontTools")
    built_ = _cid_pdf()
    if built_ is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk, fonts-wqy-zenhei, …)")
    data, truth = built_
    for token in (b"/Identity-H", b"/CIDFontType2", b"/FontFile2", b"/ToUnicode", b"/CIDToGIDMap /Identity"):
        assert token in data
    doc = read_pdf(data, "fz.pdf", "fz", engine=engine, settings=_NoOCR())
    assert doc.pages == truth["pages"] == 2
    assert doc.title == truth["title"]
    assert [(doc.text[h.start:h.end], h.level) for h in doc.headings if h.cue != "title"] == truth["headings"]
    assert abs(doc.meta["body_font_size"] - truth["sizes"]["body"]) < 0.3
    lines = doc.text.split("\n")
    for p in truth["paragraphs"]:
        assert p in lines, p
    raw, _ = read_raw_pages(data, "fz.pdf", engine=engine)
    title_sizes = {round(c.size, 1) for c in raw[0].chars if c.ch in truth["title"] and c.top < 100}
    assert title_sizes == {truth["sizes"]["title"]}
    if engine == "pdfium":  # the embedded fonts' names, subset tag and all
        assert {c.font.split("\0")[0] for rp in raw for c in rp.chars if not c.ch.isspace()} == set(truth["fonts"])


def test_hidden_text_is_dropped():
    doc = read("hidden")
    for n in built("hidden")[1]["absent"]:
        assert n not in doc.text
    assert set(doc.meta["dropped_chars"]) == {"invisible", "clipped", "white"}


def test_info_title_fallback():
    from reportlab.pdfgen import canvas
    import io
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setTitle("青禾县2023年政府信息公开工作年度报告")
    w = mp.Writer(c)
    w.para(mp.PARAS[0])  # no larger type on page 1: no title from the layout
    c.showPage()
    c.save()
    doc = read_pdf(buf.getvalue(), "t.pdf", "t", settings=_NoOCR())
    assert doc.title == "青禾县2023年政府信息公开工作年度报告" and doc.meta["title_from"] == "info"


def test_mixed_pdf_without_ocr_names_the_scanned_page():
    doc = read("mixed")
    assert doc.meta["image_only_pages"] == [2] and doc.meta["ocr_pages"] == 0
    assert doc.pages == 3 and "法治政府建设" in doc.text


def test_image_only_without_the_extra_names_it(monkeypatch):
    monkeypatch.setattr(ocr_mod, "available", lambda: False)
    data = mp.scanned_copy(built("hidden")[0])

    class Auto:
        ocr = "auto"
        pdf_engine = "pdfium"

    with pytest.raises(errors.NoTextLayer, match=r"needs OCR, install the extra: pip install 'extractor\[ocr\]'"):
        read_pdf(data, "scan.pdf", "s", settings=Auto())


def cer(ref: str, hyp: str) -> float:
    """Character error rate (Levenshtein distance / reference length), spaces and line breaks ignored."""
    a = [c for c in unicodedata.normalize("NFKC", ref) if not c.isspace()]
    b = [c for c in unicodedata.normalize("NFKC", hyp) if not c.isspace()]
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1] / max(1, len(a))


class _Auto:
    ocr = "auto"
    pdf_engine = "pdfium"


@needs_ocr
def test_mixed_pdf_ocr_fills_the_scanned_page():
    data, truth = built("mixed")
    doc = read_pdf(data, "mixed.pdf", "m", settings=_Auto())
    assert doc.meta["ocr_pages"] == 1 and doc.meta["ocr_page_numbers"] == [2]
    assert heading_texts(doc) == [h for h, _ in truth["headings"]]
    page2 = doc.text[doc.page_starts[1]:doc.page_starts[2]]
    assert cer(mp.PARAS[1], page2.split("\n", 1)[1]) <= 0.02
    for o in doc.meta["ocr_lines"]:
        assert o["page"] == 2 and 0 < o["confidence"] <= 1 and doc.page_at(o["start"]) == 2


@needs_ocr
def test_scanned_copy_reads_like_its_original():
    """A scan (150 dpi) of a generated report: the same headings, ≥ 98 % of its quantities, CER ≤ 2 %."""
    import extractor
    data, _ = built("wps_scaled")
    original = read("wps_scaled")
    scan = read_pdf(mp.scanned_copy(data, dpi=150), "scan.pdf", "s", settings=_Auto())
    assert scan.meta["ocr_pages"] == original.pages
    assert heading_texts(scan) == heading_texts(original)
    assert cer(original.text, scan.text) <= 0.02
    q0 = [(q.text, q.value) for q in extractor.extract(original).quantity_list]
    q1 = [(q.text, q.value) for q in extractor.extract(scan).quantity_list]
    found = sum(1 for q in q0 if q in q1)
    assert found >= 0.98 * len(q0), set(q0) - set(q1)


# -------------------------------------------------------------------------------- real PDFs


def _score(shared_dir):
    import subprocess
    gold = shared_dir / "corpora" / "pdfs" / "headings.json"
    tool = shared_dir / "tools" / "score_headings.py"
    if not gold.exists() or not tool.exists():
        pytest.skip("no real PDFs in ../shared")
    import importlib.util
    spec = importlib.util.spec_from_file_location("score_headings", tool)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from extractor.ingest import load
    from extractor.stages.sections import find_sections
    heads = json.loads(gold.read_text(encoding="utf-8"))
    tp = {"top": [0, 0, 0], "second": [0, 0, 0]}
    for name, h in heads.items():
        if name.startswith("_"):
            continue
        doc = load(shared_dir / "corpora" / "pdfs" / name)
        out = {"sections": [s.to_dict() for s in find_sections(doc, use_model=False)]}
        res, _ = mod.score_file(h, out, "anchored", ordered=True)
        for k in tp:
            tp[k][0] += res[k]["tp"]; tp[k][1] += res[k]["gold"]; tp[k][2] += res[k]["pred"]
    del subprocess
    return {k: (v[0] / v[1], v[0] / max(1, v[2])) for k, v in tp.items()}


@pytest.fixture(scope="module")
def real_scores(shared_dir):
    return _score(shared_dir)


def test_real_pdfs_heading_floor(real_scores):
    """What the reader reaches now on the four real PDFs (guards against regressions)."""
    assert real_scores["top"][0] >= 0.95 and real_scores["second"][0] >= 0.95
    assert real_scores["top"][1] >= 0.80 and real_scores["second"][1] >= 0.70


def test_real_pdfs_heading_targets(real_scores):
    """The target of issue 11: recall ≥ 0.95 and precision ≥ 0.90 at both levels (a duty list under
    主要职能, run-in 一是… items and table titles after a table's last row were what kept it below)."""
    for r, p in real_scores.values():
        assert r >= 0.95 and p >= 0.90


def _real_pdfs(shared_dir):
    folder = shared_dir / "corpora" / "pdfs"
    files = sorted(folder.glob("*.pdf"))
    if not files:
        pytest.skip("no real PDFs in ../shared")
    return files


def test_real_pdfs_titles_and_no_fused_numbers(shared_dir):
    """Every numeric token of the document text is a number printed on its page (or the next: a
    paragraph runs on), so no cells were glued together; every document has a title."""
    import pypdfium2 as pdfium
    from extractor.ingest import load
    num = re.compile(r"\d[\d,]*(?:\.\d+)?")
    for path in _real_pdfs(shared_dir):
        doc = load(path)
        assert doc.title, path.name
        pdf = pdfium.PdfDocument(str(path))
        printed = []
        for page in pdf:
            raw = page.get_textpage().get_text_range()
            printed.append(set(num.findall(raw)) | set(num.findall(raw.replace("\r\n", ""))))
        pdf.close()
        bounds = doc.page_starts + [len(doc.text)]
        for p in range(doc.pages):
            seg = doc.text[bounds[p]:bounds[p + 1]]
            allowed = printed[p] | (printed[p + 1] if p + 1 < len(printed) else set()) | \
                (printed[p - 1] if p else set())
            for tok in num.findall(seg):
                assert tok in allowed, (path.name, p + 1, tok)


# -------------------------------------------------------------------------------- inspect


def test_inspect_draws_the_pages(tmp_path, capsys):
    from PIL import Image
    from extractor.cli import main
    data, _ = built("ruled_table")
    pdf = tmp_path / "ruled.pdf"
    pdf.write_bytes(data)
    rc = main(["inspect", str(pdf), "--pages", "1-3", "-o", str(tmp_path / "out"), "--ocr", "never"])
    assert rc == 0
    files = sorted((tmp_path / "out").glob("*.png"))
    assert [f.name for f in files] == ["ruled-p001.png"]  # the PDF has one page
    img = Image.open(files[0]).convert("RGB")
    colours = {img.getpixel((x, y)) for x in range(0, img.width, 2) for y in range(0, img.height, 2)}
    assert (0, 90, 220) in colours or any(b > 150 and r < 120 for r, g, b in colours)  # table cells drawn
    assert any(r > 180 and g < 60 and b < 60 for r, g, b in colours)  # headings in red


def test_inspect_bad_input_is_one_line(tmp_path, capsys):
    from extractor.cli import main
    txt = tmp_path / "a.txt"
    txt.write_text("not a pdf", encoding="utf-8")
    assert main(["inspect", str(txt), "-o", str(tmp_path / "o")]) == 2
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(built("hidden")[0])
    assert main(["inspect", str(pdf), "--pages", "x-y", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("extractor: ") for line in err)


def test_parse_pages():
    from extractor.commands.inspect import parse_pages
    assert parse_pages("1-3,5", 10) == [0, 1, 2, 4]
    assert parse_pages("8-", 10) == [7, 8, 9]
    assert parse_pages(None, 3) == [0, 1, 2]
    assert parse_pages("20", 3) == []
