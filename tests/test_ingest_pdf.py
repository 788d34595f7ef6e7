"""PDF ingestion: text reconstruction, page mapping, headings, bad input.

Fixtures: ``tests/fixtures/pdf/*-rl.pdf`` (reportlab, made by ``tests/fixtures/make_pdfs.py``),
``*-lo.pdf`` (python-docx → LibreOffice, embedded subset fonts, committed) and bad inputs; the
expected text comes from the sources (the Zhoucun sample and ``tests/fixtures/reports/*.txt``).
"""
from __future__ import annotations

import functools
import json
import random
import re
import shlex
import sys

import pytest

import extractor
from conftest import unlocated_gold
from extractor.core import errors
from extractor.cli import main
from extractor.ingest.pdf import read_pdf, rules

from conftest import FIXTURES

sys.path.insert(0, str(FIXTURES))
import make_pdfs  # noqa: E402

PDF = FIXTURES / "pdf"
MANIFEST = json.loads((PDF / "manifest.json").read_text(encoding="utf-8"))
GENERATED = {k: v for k, v in MANIFEST.items() if isinstance(v, dict) and "producer" in v}
REPORTLAB = sorted(k for k, v in GENERATED.items() if v["producer"] == "reportlab")
LIBREOFFICE = sorted(k for k, v in GENERATED.items() if v["producer"] == "libreoffice")
KEY_PHRASES = ["“十个合并”", "齐好办·金融管家", "并接入", "作用"]


@functools.lru_cache(maxsize=None)
def _load(name: str):
    return extractor.load(PDF / f"{name}.pdf")


def _squash(s: str) -> str:
    """Text without spaces: LibreOffice's justified lines leave spaces beside numbers ambiguous."""
    return s.replace(" ", "")


def test_fixtures_are_present_and_small():
    assert len(REPORTLAB) >= 4 and len(LIBREOFFICE) >= 3
    total = sum(p.stat().st_size for p in PDF.glob("*.pdf"))
    assert total < 2 * 2**20


@pytest.mark.parametrize("name", REPORTLAB)
def test_reportlab_text_is_the_source(name):
    """Lines joined, paragraphs joined across pages, headers and page numbers gone: the text is
    exactly the source's paragraphs, one per line (table rows with tab-separated cells)."""
    doc = _load(name)
    expected = make_pdfs.expected_lines(make_pdfs.source_blocks(GENERATED[name]["source"]))
    assert doc.text.split("\n") == expected
    assert doc.format == "pdf" and doc.meta["extractor"] == "pypdfium2"


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_libreoffice_text_is_the_source(name):
    doc = _load(name)
    expected = make_pdfs.expected_lines(make_pdfs.source_blocks(GENERATED[name]["source"]))
    assert [_squash(l) for l in doc.text.split("\n")] == [_squash(l) for l in expected]


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_every_page_mapped(name):
    doc = _load(name)
    m = GENERATED[name]
    assert doc.pages == m["pages"] == len(doc.page_starts)
    assert doc.page_starts[0] == 0
    assert all(a <= b for a, b in zip(doc.page_starts, doc.page_starts[1:]))
    # LibreOffice snippets have their spaces removed: search the text without spaces
    squash = m["producer"] == "libreoffice"
    index = [i for i, ch in enumerate(doc.text) if ch != " "] if squash else list(range(len(doc.text)))
    text = _squash(doc.text) if squash else doc.text
    pos = 0
    for page, snippet in enumerate(m["page_first"], start=1):
        assert snippet, f"page {page} has no body text in the manifest"
        at = text.find(snippet, pos)
        assert at >= 0, (page, snippet)
        assert doc.page_at(index[at]) == page, (page, snippet)
        pos = at
    assert doc.page_at(len(doc.text) - 1) == doc.pages


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_no_page_numbers_or_running_headers_left(name):
    doc = _load(name)
    src = make_pdfs.source_blocks(GENERATED[name]["source"])
    for line in doc.text.split("\n"):
        assert not any(p.match(line.strip()) for p in rules()["page_number"]), line
        assert not re.search(r"[—-]\s*\d+\s*[—-]|第\d+页", line), line
    header = GENERATED[name]["header"]
    if header:
        source_text = "\n".join(make_pdfs.expected_lines(src))
        assert doc.text.count(header) == source_text.count(header)
    assert doc.meta["dropped_lines"] >= doc.pages


@pytest.mark.parametrize("name", [n for n in sorted(GENERATED) if GENERATED[n]["source"] == "zhoucun"])
def test_zhoucun_key_phrases_intact(name):
    text = _load(name).text
    for phrase in KEY_PHRASES:
        assert phrase in text, phrase


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_title_and_headings(name):
    doc = _load(name)
    blocks = make_pdfs.source_blocks(GENERATED[name]["source"])
    title = next(b.text for b in blocks if b.kind == "title")
    assert _squash(doc.title) == _squash(title)
    titles = [h for h in doc.headings if h.cue == "title"]
    assert len(titles) == 1 and titles[0].start == 0 and titles[0].level == 0
    found = {_squash(doc.text[h.start:h.end]) for h in doc.headings if h.cue == "font"}
    for b in blocks:
        if b.kind == "heading":
            assert _squash(b.text) in found, b.text
    for h in doc.headings:  # a heading is a whole line of the text
        assert h.start == 0 or doc.text[h.start - 1] == "\n"
        assert h.end == len(doc.text) or doc.text[h.end] == "\n"


def test_heading_levels_follow_markers():
    doc = _load("synthetic-tongji-rl")
    levels = {doc.text[h.start:h.end]: h.level for h in doc.headings}
    assert levels["一、综合"] == 1 and levels["四、固定资产投资"] == 1


def _random_report(seed: int) -> list:
    """Paragraphs of varied lengths mixing Chinese, numbers, quotes and the middle dot."""
    rng = random.Random(seed)
    words = ["法治政府", "建设", "审批", "服务", "“一网通办”", "齐好办·金融管家", "改革", "监督", "执法",
             "案件", "企业", "（街道）", "《实施方案》", "完成率", "、", "，", "项目"]
    blocks = [make_pdfs.Block("title", f"测试县{2020 + seed % 5}年度工作报告")]
    for k in range(rng.randint(6, 12)):
        if k % 4 == 0:
            blocks.append(make_pdfs.Block("heading", "一二三四五六七八九十"[k // 4] + "、" + "".join(rng.sample(words[:4], 2))))
        n = rng.randint(1, 14)
        parts = []
        for _ in range(n):
            parts.append("".join(rng.choice(words) for _ in range(rng.randint(2, 6))))
            parts.append(f"{rng.randint(1, 99999)}{rng.choice(['件', '个', '%', '万元', '.5亿元'])}")
            parts.append(rng.choice(["，", "；", "、"]))
        blocks.append(make_pdfs.Block("para", "".join(parts)[:-1] + "。"))
    return blocks


@pytest.mark.parametrize("seed", range(12))
def test_generated_reports_round_trip(tmp_path, seed):
    """Random reports in every page style: the reconstructed text is the source, pages all mapped."""
    styles = [make_pdfs.Style(footer="dash"), make_pdfs.Style(header="测试县人民政府", footer="alternate"),
              make_pdfs.Style(footer="of", justify=False), make_pdfs.Style(footer="hyphen", header="测试县"),
              make_pdfs.Style(footer="slash"), make_pdfs.Style(footer="header", header="测试县人民政府办公室")]
    blocks = _random_report(seed)
    path = tmp_path / "r.pdf"
    m = make_pdfs.render_reportlab(blocks, path, styles[seed % len(styles)])
    doc = extractor.load(path)
    assert doc.text.split("\n") == make_pdfs.expected_lines(blocks)
    assert doc.pages == m["pages"]
    pos = 0
    for page, snippet in enumerate(m["page_first"], start=1):
        at = doc.text.find(snippet, pos)
        assert at >= 0 and doc.page_at(at) == page
        pos = at


@pytest.mark.parametrize("justify", [True, False])
def test_unindented_paragraphs_set_apart_by_space(tmp_path, justify):
    """Without first-line indents, paragraph spacing (and short last lines) mark the paragraphs.
    (A paragraph that ends exactly at a page end cannot be told from one that runs on: official
    documents indent their paragraphs.)"""
    blocks = _random_report(3)[:4]
    path = tmp_path / "flat.pdf"
    m = make_pdfs.render_reportlab(blocks, path, make_pdfs.Style(indent=False, justify=justify))
    assert m["pages"] == 1
    assert extractor.load(path).text.split("\n") == make_pdfs.expected_lines(blocks)


@pytest.mark.parametrize("head", ["（一）全面依法履行政府职能，营商环境持续优化。",  # ends inside line 1
                                  "（二）健全依法行政制度体系，行政制度落实有力，决策质量稳步提升。"])  # runs onto line 2
def test_bold_run_in_head_stays_in_its_paragraph(tmp_path, head):
    body = "在全市率先建立投资项目线上联审工作机制，整合10余个部门事项，累计为230个项目开展联审。"
    blocks = [make_pdfs.Block("title", "测试区工作报告"), make_pdfs.Block("heading", "一、主要成效"),
              make_pdfs.Block("para", head + body, bold=len(head)), make_pdfs.Block("para", body)]
    path = tmp_path / "runin.pdf"
    make_pdfs.render_reportlab(blocks, path)
    doc = extractor.load(path)
    assert doc.text.split("\n") == make_pdfs.expected_lines(blocks)
    assert [doc.text[h.start:h.end] for h in doc.headings if h.cue == "font"] == ["一、主要成效"]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_rotated_watermark_is_not_text(tmp_path, engine):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    font, _ = make_pdfs._fonts()
    path = tmp_path / "watermark.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 16)
    c.drawString(80, 700, "全年受理行政复议申请54件。")
    c.saveState()
    c.translate(300, 400)
    c.rotate(45)
    c.setFont(font, 48)
    c.setFillGray(0.85)
    c.drawCentredString(0, 0, "内部资料注意保密")
    c.restoreState()
    c.showPage()
    c.save()
    doc = read_pdf(path.read_bytes(), str(path), "id", engine=engine)
    assert doc.text == "全年受理行政复议申请54件。"


def test_page_without_text_keeps_an_entry(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    font, _ = make_pdfs._fonts()
    path = tmp_path / "blank-middle.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 16)
    c.drawString(80, 700, "第一页的正文，共有三段内容。")
    c.showPage()
    c.showPage()  # an empty page
    c.setFont(font, 16)
    c.drawString(80, 700, "第三页的正文。")
    c.showPage()
    c.save()
    doc = extractor.load(path)
    assert doc.pages == 3
    assert doc.page_at(doc.text.index("第三页")) == 3
    assert doc.page_at(doc.text.index("第一页")) == 1


def test_pdfplumber_engine_gives_the_same_text_where_fonts_decode():
    data = (PDF / "zhoucun-lo.pdf").read_bytes()
    a = read_pdf(data, "zhoucun-lo.pdf", "id")
    b = read_pdf(data, "zhoucun-lo.pdf", "id", engine="pdfplumber")
    assert b.meta["extractor"] == "pdfplumber"
    assert _squash(a.text) == _squash(b.text)
    def solid(doc):  # page starts counted in non-space characters
        return [len(_squash(doc.text[:s])) for s in doc.page_starts]
    assert solid(a) == solid(b)


@pytest.mark.xfail(strict=True, reason="pdfminer (pdfplumber) drops '·' in the STSong-Light CID font; "
                                       "the default pypdfium2 engine keeps it")
def test_pdfplumber_engine_keeps_middle_dot():
    data = (PDF / "zhoucun-rl.pdf").read_bytes()
    assert "齐好办·金融管家" in read_pdf(data, "zhoucun-rl.pdf", "id", engine="pdfplumber").text


def _error_cases():
    rows = []
    for line in (FIXTURES.parent / "cases" / "ingest_pdf_errors.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, args, cls, words = line.split("\t")
            rows.append(pytest.param(path, shlex.split(args), cls, words, id=f"{path} {args}".strip()))
    return rows


@pytest.mark.parametrize("path,args,cls,words", _error_cases())
def test_bad_input_one_line_exit_2(capsys, path, args, cls, words):
    target = FIXTURES / path
    with pytest.raises(getattr(errors, cls)) as info:
        extractor.load(target, password=args[1] if args[:1] == ["--password"] else None)
    assert isinstance(info.value, errors.ExtractorError)
    rc = main(["extract", str(target), *args])
    err = capsys.readouterr().err
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"extractor: {target}: ") and words in lines[0]


def test_debug_shows_the_traceback():
    with pytest.raises(errors.NoTextLayer):
        main(["--debug", "extract", str(PDF / "image-only.pdf")])


def test_encrypted_opens_with_password(capsys):
    doc = extractor.load(PDF / "encrypted.pdf", password=MANIFEST["bad"]["password"])
    assert "全年办理审批事项1200件" in doc.text
    rc = main(["extract", str(PDF / "encrypted.pdf"), "--password", MANIFEST["bad"]["password"]])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and "1200件" in out["text"]


def test_truncated_pdf_that_still_opens_is_reported(tmp_path):
    """pdfium rebuilds a damaged cross-reference table: a file cut after its last page is still refused."""
    data = (PDF / "zhoucun-rl.pdf").read_bytes()
    cut = data[: data.rindex(b"startxref")]
    p = tmp_path / "cut.pdf"
    p.write_bytes(cut)
    with pytest.raises(errors.CorruptDocument, match="truncated"):
        extractor.load(p)


# -- the real dev PDF (LibreOffice output of the Zhoucun .docx), from ../shared ------------------------


def test_dev_zhoucun_pdf(shared_dir):
    path = shared_dir / "corpora" / "dev" / "zhoucun-2023.pdf"
    if not path.exists():
        pytest.skip("dev PDF absent")
    doc = extractor.load(path)
    for phrase in KEY_PHRASES:
        assert phrase in doc.text
    assert doc.pages == 10 and len(doc.page_starts) == 10
    assert not re.search(r"—\s*\d+\s*—", doc.text)
    assert doc.title.startswith("中共周村区委")
    assert unlocated_gold(shared_dir, "zhoucun-2023.pdf.json", doc.text) == []
