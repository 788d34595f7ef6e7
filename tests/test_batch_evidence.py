"""Evidence in the database (texts, sentences, section + sentence of every row, `show`), duplicates found and
said (document_sources, counts that add up), column comments and the upgrade of a version 1 database."""
from __future__ import annotations

import csv
import json

import pytest

from extractor import batch
from extractor.batch import dedup
from extractor.batch.store import DDL, SCHEMA_VERSION, TABLES, Store, _typed_cols
from extractor.cli import main

REPORT = """测试{n}区人民政府关于2023年度法治政府建设情况的报告
2023年，测试{n}区坚持以习近平法治思想为指导，全面推进法治政府建设。
一、推进法治政府建设的主要举措和成效
（一）化解行政争议
全年收到行政复议申请{a}件，行政机关负责人出庭应诉率100%。调解矛盾纠纷{b}件，调解成功率98%以上。
二、存在的不足和原因
法治宣传教育的针对性有待加强。
三、2024年主要安排
力争行政复议纠错率保持在15%左右。
"""


def report(n: int) -> str:
    return REPORT.format(n=n, a=40 + n, b=1000 + 7 * n)


def write_docx(path, text: str) -> None:
    import docx
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(path)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder of mixed formats with duplicates: one report as .txt, .docx and a CSV row (with its own
    metadata), a second report, a .md copy of it re-encoded in GB18030, and two empty files."""
    d = tmp_path_factory.mktemp("mixed")
    (d / "r1.txt").write_text(report(1), encoding="utf-8")
    write_docx(d / "r1.docx", report(1))
    (d / "r2.txt").write_text(report(2), encoding="utf-8")
    (d / "r2-copy.md").write_text(report(2).replace("，", "， "), encoding="gb18030")
    with open(d / "rows.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["publish_date", "url", "full_text"])
        w.writerow(["2024-03-30", "http://example.org/r1.html", report(1)])
        w.writerow(["2024-03-31", "", report(3)])
    (d / "empty-a.txt").write_bytes(b"")
    (d / "empty-b.txt").write_bytes(b"")
    out = tmp_path_factory.mktemp("out")
    summary = batch.run_batch([d], out, workers=1, quiet=True)
    return d, out, summary


def test_counts_add_up_and_duplicates_are_said(mixed):
    d, out, s = mixed
    assert s.total == 8
    assert (s.done, s.skipped, s.duplicates, s.failed) == (3, 0, 3, 2)
    assert s.done + s.skipped + s.duplicates + s.failed == s.total
    assert "8 inputs: 3 extracted, 0 already done, 3 duplicates of others, 2 failed" in s.line()
    with Store(out, read_only=True) as st:
        assert st.count("documents") == 3
        srcs = st.con.execute("SELECT d.title, count(*) FROM document_sources s JOIN documents d USING (doc_id) "
                              "GROUP BY d.title ORDER BY d.title").fetchall()
        assert [n for _, n in srcs] == [3, 2, 1]
        # the duplicate CSV row's own metadata is kept with its source
        meta = st.con.execute("SELECT meta FROM document_sources WHERE source LIKE '%rows.csv#1'").fetchone()[0]
        assert json.loads(meta)["publish_date"] == "2024-03-30"
        assert st.con.execute("SELECT sum(n_sources) FROM documents").fetchone()[0] == 6
        # both empty files have their own error row (they are byte-identical)
        errs = st.con.execute("SELECT path, error_class FROM errors ORDER BY path").fetchall()
        assert [(p.rsplit("/", 1)[-1], c) for p, c in errs] == [("empty-a.txt", "EmptyDocument"),
                                                                ("empty-b.txt", "EmptyDocument")]


def test_rerun_is_all_already_done_and_a_new_duplicate_is_said(mixed, tmp_path):
    d, out, _ = mixed
    s = batch.run_batch([d], out, workers=1, quiet=True)
    assert (s.total, s.done, s.skipped, s.duplicates, s.failed) == (8, 0, 8, 0, 0)
    (tmp_path / "again.txt").write_text(report(3), encoding="utf-8")
    s = batch.run_batch([tmp_path / "again.txt"], out, workers=1, quiet=True)
    assert (s.total, s.done, s.duplicates) == (1, 0, 1)


def test_every_row_reaches_its_sentence_in_one_query(mixed):
    _, out, _ = mixed
    with Store(out, read_only=True) as st:
        rows = st.con.execute(
            'SELECT i.evidence, i."start", i."end", s."start", s."end", s.text, i.sentence_text, i.section, '
            'substr(t.text, i."start" + 1, i."end" - i."start") '
            "FROM indicators i JOIN sentences s ON s.doc_id = i.doc_id AND s.idx = i.sentence "
            "JOIN texts t ON t.doc_id = i.doc_id").fetchall()
        n = st.count("indicators")
        q = st.con.execute('SELECT count(*) FROM quantities q JOIN sentences s ON s.doc_id = q.doc_id AND '
                           's.idx = q.sentence WHERE q."start" >= s."start" AND q."end" <= s."end"').fetchone()[0]
        assert q == st.count("quantities") > 0
    assert n > 0 and len(rows) == n
    for ev, a, b, sa, sb, stext, stext2, sec, span in rows:
        assert span == ev  # the exact span indexes the stored text
        assert stext == stext2 and sa <= a < sb
        assert sec is not None


def test_sentences_table_is_grounded(mixed):
    _, out, _ = mixed
    with Store(out, read_only=True) as st:
        bad = st.con.execute('SELECT count(*) FROM sentences s JOIN texts t USING (doc_id) '
                             'WHERE substr(t.text, s."start" + 1, s."end" - s."start") <> s.text').fetchone()[0]
        assert bad == 0 and st.count("sentences") > 10


def test_show_prints_the_row_with_its_sentence(mixed, capsys):
    _, out, _ = mixed
    with Store(out, read_only=True) as st:
        rid, ev = st.con.execute("SELECT row_id, evidence FROM indicators WHERE indicator = "
                                 "'reconsideration.applications_received' LIMIT 1").fetchone()
        qid = st.con.execute("SELECT row_id FROM quantities LIMIT 1").fetchone()[0]
    assert main(["show", str(out), rid]) == 0
    shown = capsys.readouterr().out
    assert f"【{ev}】" in shown and "section   1.1 化解行政争议" in shown and "收到行政复议申请" in shown
    assert main(["show", str(out), qid, "--context", "1"]) == 0
    assert "quantity" in capsys.readouterr().out
    for bad, msg in [("nothex:i1", "not a row id"), ("ffffffffffff:i0", "no document"), (rid[:12] + ":i999", "no indicator row")]:
        assert main(["show", str(out), bad]) == 2
        assert msg in capsys.readouterr().err


@pytest.mark.parametrize("a, b, same", [
    ("全年收到行政复议申请54件，调解成功率98%以上。" * 30, "全年收到行政复议申请54件,调解成功率98%以上.\n" * 30, True),
    ("全年收到行政复议申请５４件。" * 30, "全年收到行政复议申请54件。" * 30, True),  # full-width digits
])
def test_normalised_text_key(a, b, same):
    assert (dedup.text_key(a) == dedup.text_key(b)) is same


def test_near_duplicates_need_the_same_numbers_year_and_region():
    base = "".join(f"第{i}项工作完成情况良好，共办理案件{100 + i}件，同比增长{i % 9}.5%。" for i in range(80))
    pdf_like = base.replace("。", "。\n— 3 —\n", 3)  # page furniture of a PDF
    revised = base.replace("共办理案件150件", "共办理案件151件")
    idx = dedup.Index()
    idx.add("a", dedup.text_key(base), dedup.fingerprint(base), 2023, "370306")
    assert idx.find(dedup.text_key(pdf_like), dedup.fingerprint(pdf_like), 2023, "370306")[0] == "a"
    assert idx.find(dedup.text_key(revised), dedup.fingerprint(revised), 2023, "370306") is None
    assert idx.find(dedup.text_key(pdf_like), dedup.fingerprint(pdf_like), 2024, "370306") is None
    assert idx.find(dedup.text_key(pdf_like), dedup.fingerprint(pdf_like), 2023, "370305") is None
    other = "".join(f"第{i}项改革任务稳步推进，累计服务群众{100 + i}人次。" for i in range(80))
    assert idx.find(dedup.text_key(other), dedup.fingerprint(other), 2023, "370306") is None


def test_every_column_has_a_comment_and_a_dictionary_entry(tmp_path):
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    with Store(tmp_path) as st:
        got = {(t, c): cm for t, c, cm in st.con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main'").fetchall()}
    for table in TABLES + ["meta"]:
        assert f"`{table}`" in doc, table
        for col, _ in _typed_cols(table):
            assert got.get((table, col)), (table, col)
            assert f"`{col}`" in doc, (table, col)


def test_every_environment_setting_is_documented():
    from pathlib import Path

    from extractor.core.settings import ENV
    doc = (Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for var in ENV:
        assert f"`{var}`" in doc, var


def test_version_1_database_is_upgraded_in_place(tmp_path):
    import duckdb
    v1 = {
        "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
        "documents": "doc_id VARCHAR PRIMARY KEY, source VARCHAR, title VARCHAR",
        "quantities": 'doc_id VARCHAR, idx INTEGER, text VARCHAR, "start" BIGINT, "end" BIGINT',
    }
    con = duckdb.connect(str(tmp_path / "extractor.duckdb"))
    for t, ddl in v1.items():
        con.execute(f"CREATE TABLE {t} ({ddl})")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO documents VALUES ('abc', 'old.txt', 'old')")
    con.close()
    with Store(tmp_path) as st:
        assert st.con.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
        cols = {r[0] for r in st.con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'quantities'").fetchall()}
        assert {"sentence", "sentence_text", "row_id"} <= cols
        assert st.con.execute("SELECT source, n_sources FROM documents").fetchall() == [("old.txt", None)]
        assert all(st.count(t) >= 0 for t in DDL if t != "meta")


@pytest.mark.parametrize("text, span, want", [
    ("建立8个行政复议便民联系点，", "8个行政复议便民联", "8个行政复议便民联系点"),
    ("审批事项33个审查通过。", "33个审", "33个审查"),
    ("接收行政复议申请54件，", "接收行政复议申请54件", "接收行政复议申请54件"),
    ("全年调解矛盾纠纷1049件。", "解矛盾纠纷1049件", "调解矛盾纠纷1049件"),
])
def test_evidence_is_widened_to_whole_words(text, span, want):
    from extractor.text.segment import word_span
    a = text.index(span)
    s, e = word_span(text, a, a + len(span))
    assert text[s:e] == want


def test_no_indicator_evidence_ends_inside_a_word(mixed):
    from extractor.text.segment import tokenize
    _, out, _ = mixed
    with Store(out, read_only=True) as st:
        rows = st.con.execute('SELECT t.text, i."start", i."end" FROM indicators i JOIN texts t USING (doc_id)').fetchall()
    for text, a, b in rows:
        line_a = text.rfind("\n", 0, a) + 1
        line_b = text.find("\n", b) if text.find("\n", b) >= 0 else len(text)
        cuts = {p for _, s, e in tokenize(text[line_a:line_b]) for p in range(s + line_a + 1, e + line_a)}
        assert a not in cuts and b not in cuts, text[a:b]


def test_a_text_copy_replaces_a_pdf_original(tmp_path, monkeypatch):
    """Whichever copy finishes first, the stored original is the plain-text one (its offsets index a file the
    user has), and the PDF becomes its duplicate."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(report(1), encoding="utf-8")
    (tmp_path / "in" / "r.md").write_text(report(1).replace("，", "， "), encoding="utf-8")
    from extractor.batch import runner
    real = runner.process

    def as_pdf(item, *a, **k):  # the .md result dressed as a PDF extraction that finished first
        res = real(item, *a, **k)
        if res["ok"] and item.path.endswith(".md"):
            res["out"]["document"]["format"] = "pdf"
        return res

    monkeypatch.setattr(runner, "process", as_pdf)
    order = [tmp_path / "in" / "r.md", tmp_path / "in" / "r.txt"]
    s = batch.run_batch(order, tmp_path / "out", workers=1, memory_mb=None, quiet=True)
    assert (s.total, s.done, s.duplicates) == (2, 1, 1)
    with Store(tmp_path / "out", read_only=True) as st:
        assert st.con.execute("SELECT source, format, n_sources FROM documents").fetchall() == [
            (str(tmp_path / "in" / "r.txt"), "text", 2)]
        rel = dict(st.con.execute("SELECT source, relation FROM document_sources").fetchall())
        assert rel == {str(tmp_path / "in" / "r.txt"): "original", str(tmp_path / "in" / "r.md"): "duplicate"}
        assert st.con.execute("SELECT count(DISTINCT doc_id) FROM indicators").fetchone()[0] == 1
        assert st.con.execute("SELECT count(DISTINCT doc_id) FROM texts").fetchone()[0] == 1


def test_keep_duplicates_stores_every_input_of_other_bytes(tmp_path):
    """--keep-duplicates: the .txt and the .docx of one report are two documents; the same bytes twice stay one."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "r1.txt").write_text(report(1), encoding="utf-8")
    write_docx(d / "r1.docx", report(1))
    (d / "r1-again.txt").write_text(report(1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(d), "--out", str(out), "--keep-duplicates", "-q", "-j", "1"]) == 0
    with Store(out, read_only=True) as s:
        assert s.count("documents") == 2
        assert s.count("document_sources") == 3
    out2 = tmp_path / "out2"
    summary = batch.run_batch([d], out2, workers=1, quiet=True)
    assert (summary.done, summary.duplicates) == (1, 2)
