"""Ingestion of text, Markdown and HTML, and the one-line errors for bad input."""
from __future__ import annotations

import codecs
import json
import os

import pytest

import extractor
from extractor.core import errors
from extractor.cli import main

REPORT = ("# 测试区人民政府关于2023年度法治政府建设情况的报告\n\n"
          "2023 年以来，测试区收到行政复议申请 54 件，出庭应诉率 100%，调解矛盾纠纷 9057 件。\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5"])
def test_text_encodings(tmp_path, encoding):
    text = REPORT if encoding != "big5" else "測試區法治政府建設情況報告\n行政復議申請54件，調解成功率98%以上。\n"
    p = tmp_path / f"r-{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    doc = extractor.load(p)
    assert doc.text == (text if encoding != "utf-8-sig" else text)
    assert doc.id == extractor.ingest.sha256(p.read_bytes())


def test_utf8_bom_text_excludes_bom(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + REPORT.encode("utf-8"))
    doc = extractor.load(p)
    assert doc.text == REPORT and doc.encoding == "utf-8-sig"


def test_gbk_report_reads_correctly(tmp_path, zhoucun_text):
    p = tmp_path / "zhoucun-gbk.txt"
    p.write_bytes(zhoucun_text.encode("gbk", errors="strict"))
    doc = extractor.load(p)
    assert doc.text == zhoucun_text
    assert doc.encoding == "gb18030"
    assert "齐好办·金融管家" in doc.text


def test_zhoucun_text_is_the_file(zhoucun_path, zhoucun_text):
    doc = extractor.load(zhoucun_path)
    assert doc.text == zhoucun_text
    assert doc.format == "text"
    assert doc.title.startswith("中共周村区委")
    assert any(h.cue == "markdown" for h in doc.headings)
    for h in doc.headings:
        assert doc.text[h.start:h.end].strip() == doc.text[h.start:h.end]


def test_html_main_content(fixtures_dir):
    doc = extractor.load(fixtures_dir / "html" / "gov-page.html")
    assert doc.format == "html"
    assert doc.title == "测试县人民政府关于2022年度法治政府建设情况的报告"
    assert "收到行政复议申请45件" in doc.text
    assert "调解成功率98%以上" in doc.text
    for chrome in ("字号", "索引号", "发布机构", "分享到", "打印", "版权所有", "当前位置", "alert"):
        assert chrome not in doc.text, chrome
    assert doc.text.startswith(doc.title)


def test_html_without_main_content(tmp_path):
    p = tmp_path / "tiny.html"
    p.write_text("<html><head><title>报告</title></head><body><p>全年收到行政复议申请12件。</p></body></html>",
                 encoding="utf-8")
    doc = extractor.load(p)
    assert "行政复议申请12件" in doc.text


# ---- bad input: (name, bytes or None for a missing path, error class, words in the message) ----
BAD = [
    ("missing.txt", None, errors.InputNotFound, "no such file"),
    ("empty.txt", b"", errors.EmptyDocument, "empty"),
    ("blank.txt", b"  \n\n \t", errors.EmptyDocument, "whitespace"),
    ("junk.txt", bytes(range(256)) * 8, errors.NotText, "binary"),
    ("junk.md", os.urandom(4096).replace(b"\x00", b"\x01"), errors.NotText, "cannot be decoded"),
    ("report.xyz", "中文".encode(), errors.UnsupportedFormat, "unsupported file type"),
    ("archive.docx.zip", b"PK\x03\x04" + b"\x00" * 100, errors.UnsupportedFormat, "ZIP"),
    ("empty.html", b"<html><body></body></html>", errors.EmptyDocument, "no main text"),
]


@pytest.mark.parametrize("name,data,cls,words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_errors(tmp_path, name, data, cls, words):
    p = tmp_path / name
    if data is not None:
        p.write_bytes(data)
    with pytest.raises(cls) as info:
        extractor.load(p)
    msg = str(info.value)
    assert str(p) in msg and words in msg
    assert "\n" not in msg


@pytest.mark.parametrize("name,data,cls,words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_cli_exit_2(tmp_path, capsys, name, data, cls, words):
    p = tmp_path / name
    if data is not None:
        p.write_bytes(data)
    assert main(["extract", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("extractor: ") and words in err
    assert "Traceback" not in err


def test_directory_is_not_a_file(tmp_path, capsys):
    assert main(["extract", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_debug_shows_traceback(tmp_path):
    with pytest.raises(errors.InputNotFound):
        main(["extract", str(tmp_path / "nope.txt"), "--debug"])


def test_extract_json_contract(zhoucun_path, capsys):
    assert main(["extract", str(zhoucun_path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "extractor/1"
    assert set(out) >= {"document", "text", "sections", "quantities", "measures", "indicators"}
    assert out["text"] == zhoucun_path.read_text(encoding="utf-8")
    assert out["document"]["id"] == extractor.ingest.sha256(zhoucun_path.read_bytes())
    for key in ("id", "source", "title", "genre", "year", "region", "issuers", "pages"):
        assert key in out["document"]


def test_python_m_extractor(zhoucun_path):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "extractor", "extract", str(zhoucun_path)], capture_output=True,
                       text=True, encoding="utf-8")
    assert r.returncode == 0
    assert json.loads(r.stdout)["schema"] == "extractor/1"


@pytest.mark.parametrize("argv", [["--help"], ["extract", "--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert "usage:" in capsys.readouterr().out
