"""Word (.docx) ingestion: paragraphs, heading styles, title, tables, bad input."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, unlocated_gold

import extractor
from extractor.core import errors
from extractor.cli import main

sys.path.insert(0, str(FIXTURES))
import make_pdfs  # noqa: E402

DOCX = FIXTURES / "docx"


def _blocks(name):
    return make_pdfs.source_blocks(name)


@pytest.mark.parametrize("name", ["synthetic-fazhi", "synthetic-tongji"])
def test_text_is_the_paragraphs(name):
    doc = extractor.load(DOCX / f"{name}.docx")
    assert doc.format == "docx" and doc.page_starts is None
    assert doc.text.split("\n") == make_pdfs.expected_lines(_blocks(name))


def test_heading_styles_and_title():
    doc = extractor.load(DOCX / "synthetic-fazhi.docx")
    blocks = _blocks("synthetic-fazhi")
    title = next(b.text for b in blocks if b.kind == "title")
    assert doc.title == title
    assert [(h.level, h.cue) for h in doc.headings if h.cue == "title"] == [(0, "title")]
    styled = [doc.text[h.start:h.end] for h in doc.headings if h.cue == "style"]
    assert styled == [b.text for b in blocks if b.kind == "heading"]
    assert all(h.level == 1 for h in doc.headings if h.cue == "style")


def test_bold_headings_without_styles_and_tables():
    doc = extractor.load(DOCX / "synthetic-tongji.docx")
    fonts = {doc.text[h.start:h.end]: h.level for h in doc.headings if h.cue == "font"}
    assert fonts["一、综合"] == 1 and fonts["二、农业"] == 1
    assert "粮食\t万吨\t28.74\t1.9" in doc.text.split("\n")
    assert doc.meta["tables"] == 1


def _make(tmp_path, build) -> Path:
    import docx
    d = docx.Document()
    build(d)
    p = tmp_path / "t.docx"
    d.save(str(p))
    return p


def test_chinese_heading_style_names_and_outline_levels(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    def build(d):
        st = d.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
        d.add_paragraph("关于某项工作的报告", style="Title")
        d.add_paragraph("（一）工作进展", style=st)
        d.add_paragraph("全年办理事项120件，同比增长5%。")
    doc = extractor.load(_make(tmp_path, build))
    assert doc.title == "关于某项工作的报告"
    got = [(doc.text[h.start:h.end], h.level, h.cue) for h in doc.headings]
    assert got == [("关于某项工作的报告", 0, "title"), ("（一）工作进展", 2, "style")]


def test_title_from_centred_bold_first_paragraph(tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    def build(d):
        p = d.add_paragraph()
        p.add_run("某县2024年政府工作报告").bold = True
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        d.add_paragraph("各位代表：")
        d.add_paragraph("地区生产总值增长5.8%。")
    doc = extractor.load(_make(tmp_path, build))
    assert doc.title == "某县2024年政府工作报告"
    assert doc.text == "某县2024年政府工作报告\n各位代表：\n地区生产总值增长5.8%。"


def test_merged_table_cells_are_not_repeated(tmp_path):
    def build(d):
        t = d.add_table(rows=2, cols=3)
        a = t.cell(0, 0).merge(t.cell(0, 1))
        a.text = "指标"
        t.cell(0, 2).text = "数值"
        t.cell(1, 0).text = "粮食"
        t.cell(1, 1).text = "万吨"
        t.cell(1, 2).text = "28.74"
    doc = extractor.load(_make(tmp_path, build))
    assert doc.text.split("\n") == ["指标\t数值", "粮食\t万吨\t28.74"]


def _chinese_numbering(d, fmt_by_level):
    """Give abstract numbering 0 of python-docx's template Chinese levels, used by a new num."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    numbering = d.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
                   for i, (fmt, text) in enumerate(fmt_by_level))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(d, text, num_id, level):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    p = d.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_automatic_numbers_are_written_out(tmp_path):
    def build(d):
        nid = _chinese_numbering(d, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"),
                                     ("decimal", "%3.")])
        _numbered(d, "主要成效", nid, 0)
        _numbered(d, "优化营商环境", nid, 1)
        _numbered(d, "推行一网通办", nid, 2)
        _numbered(d, "推行容缺受理", nid, 2)
        _numbered(d, "规范行政决策", nid, 1)
        _numbered(d, "推行合法性审查", nid, 2)
        for k in range(9):
            _numbered(d, f"第{k + 2}部分", nid, 0)
        d.add_paragraph("清单事项", style="List Number")
        d.add_paragraph("审批事项", style="List Number")
        d.add_paragraph("不编号的段落。")
    lines = extractor.load(_make(tmp_path, build)).text.split("\n")
    assert lines[:6] == ["一、主要成效", "（一）优化营商环境", "1.推行一网通办", "2.推行容缺受理", "（二）规范行政决策",
                         "1.推行合法性审查"]
    assert lines[6] == "二、第2部分" and lines[14] == "十、第10部分"
    assert lines[15:] == ["1. 清单事项", "2. 审批事项", "不编号的段落。"]


def test_empty_docx(tmp_path, capsys):
    p = _make(tmp_path, lambda d: d.add_paragraph("   "))
    with pytest.raises(errors.EmptyDocument):
        extractor.load(p)


@pytest.mark.parametrize("data,cls,words", [
    ((DOCX / "corrupt.docx").read_bytes(), errors.CorruptDocument, "corrupt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, errors.UnsupportedFormat, "legacy binary Word"),
])
def test_bad_docx_one_line_exit_2(tmp_path, capsys, data, cls, words):
    p = tmp_path / "bad.docx"
    p.write_bytes(data)
    with pytest.raises(cls):
        extractor.load(p)
    assert main(["extract", str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"extractor: {p}: ") and words in err[0]


def test_dev_zhoucun_docx(shared_dir):
    path = shared_dir / "corpora" / "dev" / "zhoucun-2023.docx"
    if not path.exists():
        pytest.skip("dev .docx absent")
    doc = extractor.load(path)
    for phrase in ["“十个合并”", "齐好办·金融管家", "并接入", "作用"]:
        assert phrase in doc.text
    assert doc.title.startswith("中共周村区委")
    assert unlocated_gold(shared_dir, "zhoucun-2023.docx.json", doc.text) == []
