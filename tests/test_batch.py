"""Batch runs: inputs of every kind, failures as rows, resumability (also after SIGKILL), query, compare, dask."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor import batch
from extractor.cli import main
from extractor.batch.inputs import iter_inputs
from extractor.batch.store import Store

SYNTHETIC = """测试{n}区人民政府关于2023年度法治政府建设情况的报告
2023年，测试{n}区坚持以习近平法治思想为指导，全面推进法治政府建设。
一、推进法治政府建设的主要举措和成效
全年收到行政复议申请{a}件，行政机关负责人出庭应诉率100%，调解矛盾纠纷{b}件，调解成功率98%以上。
二、存在的不足和原因
法治宣传教育的针对性有待加强。
三、2024年主要安排
力争行政复议纠错率保持在15%左右。
"""


def synthetic(n: int) -> str:
    return SYNTHETIC.format(n=n, a=40 + n, b=1000 + 7 * n)


@pytest.fixture
def folder(tmp_path, zhoucun_text):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "zhoucun-2023.txt").write_text(zhoucun_text, encoding="utf-8")
    (d / "a.txt").write_text(synthetic(1), encoding="utf-8")
    (d / "sub" / "b.md").write_text(synthetic(2), encoding="gb18030")
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (d / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    (d / "notes.xyz").write_text("ignored: not a supported extension", encoding="utf-8")
    return d


def tables(out: Path) -> dict:
    """Every table's content, without timings and timestamps, in a stable order."""
    with Store(out, read_only=True) as s:
        return {
            "documents": s.con.execute("SELECT doc_id, source, genre, year, region, n_quantities, n_indicators "
                                       "FROM documents ORDER BY doc_id").fetchall(),
            "quantities": s.con.execute("SELECT * FROM quantities ORDER BY doc_id, idx").fetchall(),
            "indicators": s.con.execute("SELECT * FROM indicators ORDER BY doc_id, indicator, start").fetchall(),
            "sections": s.con.execute('SELECT * FROM sections ORDER BY doc_id, "start", id').fetchall(),
            "measures": s.con.execute("SELECT * FROM measures ORDER BY doc_id, idx").fetchall(),
            "errors": s.con.execute("SELECT path, stage, error_class FROM errors ORDER BY path").fetchall(),
        }


def test_folder_batch_then_resume(folder, tmp_path):
    out = tmp_path / "out"
    s1 = batch.run_batch([folder], out, workers=2, quiet=True)
    assert (s1.total, s1.done, s1.failed) == (5, 3, 2)
    t = tables(out)
    assert len(t["documents"]) == 3 and len(t["errors"]) == 2
    assert {e[2] for e in t["errors"]} <= {"CorruptDocument", "EncryptedPDF", "NoTextLayer", "EmptyDocument"}
    assert len(t["indicators"]) > 50
    assert any(d[4] == "周村区" for d in t["documents"])
    for table in ("documents", "sections", "quantities", "measures", "indicators", "errors"):
        assert (out / "parquet" / f"{table}.parquet").exists()
    s2 = batch.run_batch([folder], out, workers=2, quiet=True)
    assert (s2.done, s2.skipped, s2.failed) == (0, 5, 0)  # nothing extracted again (no timing: a shared machine)
    assert tables(out) == t
    # retrying the errors re-runs only the two broken files, and they fail again (no duplicates)
    s3 = batch.run_batch([folder], out, workers=1, quiet=True, retry_errors=True)
    assert (s3.done, s3.failed) == (0, 2)
    assert tables(out) == t


def test_parquet_matches_duckdb(folder, tmp_path):
    import pyarrow.parquet as pq
    out = tmp_path / "out"
    batch.run_batch([folder], out, workers=1, quiet=True)
    with Store(out, read_only=True) as s:
        for table in ("documents", "indicators", "errors"):
            assert pq.read_table(out / "parquet" / f"{table}.parquet").num_rows == s.count(table)


def test_inputs_of_every_kind(tmp_path, zhoucun_text):
    d = tmp_path
    (d / "r1.txt").write_text(synthetic(1), encoding="utf-8")
    (d / "r2.txt").write_text(synthetic(2), encoding="utf-8")
    (d / "list.lst").write_text("r1.txt\nr2.txt\n", encoding="utf-8")
    with open(d / "corpus.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["province", "year", "full_text"])
        w.writerow(["测试省", "2024", synthetic(3)])
        w.writerow(["测试省", "2024", ""])  # a row without text is not a document
    with open(d / "corpus.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "x1", "content": synthetic(4)}, ensure_ascii=False) + "\n")
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"doc": ["p1", "p2"], "wenben": [synthetic(5), synthetic(6)]}), d / "corpus.parquet")
    items = list(iter_inputs([d / "list.lst", d / "corpus.csv", str(d / "*.jsonl")], id_column="id"))
    assert [Path(i.path).name for i in items] == ["r1.txt", "r2.txt", "corpus.csv#1", "corpus.jsonl#x1"]
    assert items[2].meta == {"province": "测试省", "year": "2024"} and items[2].doc_id
    items = list(iter_inputs([d / "corpus.parquet"], text_column="wenben", id_column="doc"))
    assert [Path(i.path).name for i in items] == ["corpus.parquet#p1", "corpus.parquet#p2"]
    out = tmp_path / "out"
    s = batch.run_batch([d / "corpus.csv", d / "corpus.jsonl", d / "corpus.parquet"], out, workers=1, quiet=True,
                        text_column=None)
    assert s.failed == 1  # the parquet's text column is not one of the defaults: a clear error row
    assert "no text column" in s.errors[0]["message"]
    s = batch.run_batch([d / "corpus.parquet"], out, workers=1, quiet=True, text_column="wenben", id_column="doc",
                        retry_errors=True)
    assert s.done == 2


def test_unknown_text_column_is_an_error_row(tmp_path, capsys):
    (tmp_path / "c.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["batch", str(tmp_path / "c.csv"), "--out", str(tmp_path / "o"), "-q"]) == 0
    assert "no text column" in capsys.readouterr().err


def test_time_limit_makes_an_error_row(tmp_path, monkeypatch):
    (tmp_path / "slow.txt").write_text(synthetic(1), encoding="utf-8")
    import extractor.pipeline as pipeline

    def slow(*a, **k):
        time.sleep(5)

    monkeypatch.setattr(pipeline, "extract", slow)
    s = batch.run_batch([tmp_path / "slow.txt"], tmp_path / "out", workers=1, timeout=0.5, quiet=True)
    assert s.failed == 1 and s.errors[0]["stage"] == "timeout"


def _vm_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) // 1024
    pytest.skip("no /proc/self/status")


def _limited_allocation(conn, limit_mb):
    batch._init_worker(limit_mb)
    try:
        bytearray(1024 * 1024 * 1024)
        conn.send("allocated")
    except MemoryError:
        conn.send("MemoryError")


def test_worker_memory_limit():
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    _vm_mb()  # skips where /proc does not tell the address space the limit counts from
    p = ctx.Process(target=_limited_allocation, args=(child, 300))  # 300 MiB more than the fork holds
    p.start()
    assert parent.poll(30)
    assert parent.recv() == "MemoryError"
    p.join(10)


def test_out_of_memory_document_is_an_error_row(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_text(synthetic(1), encoding="utf-8")
    (tmp_path / "ok.txt").write_text(synthetic(2), encoding="utf-8")
    import extractor.pipeline as pipeline
    real = pipeline.extract

    def hungry(path, *a, **k):
        if str(path).endswith("big.txt"):
            raise MemoryError()
        return real(path, *a, **k)

    monkeypatch.setattr(pipeline, "extract", hungry)
    s = batch.run_batch([tmp_path], tmp_path / "out", workers=1, quiet=True)
    assert (s.done, s.failed) == (1, 1) and s.errors[0]["stage"] == "memory"


def test_sigkill_and_restart_loses_and_duplicates_nothing(tmp_path, zhoucun_text):
    d = tmp_path / "in"
    d.mkdir()
    total = 120
    for n in range(total):
        (d / f"r{n:03d}.txt").write_text(synthetic(n) + zhoucun_text[: 3000 + 20 * n], encoding="utf-8")
    clean = tmp_path / "clean"
    batch.run_batch([d], clean, workers=2, quiet=True)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "extractor", "batch", str(d), "--out", str(out), "-j", "1", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(float(os.environ.get("EXTRACTOR_KILL_AFTER", "3")))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(out, read_only=True) as s:
        partial = s.count("documents")
    if partial == total:
        pytest.skip("the run finished before the kill (a fast machine): lower EXTRACTOR_KILL_AFTER")
    s2 = batch.run_batch([d], out, workers=2, quiet=True)
    assert s2.skipped == partial and s2.done == total - partial
    assert tables(out) == tables(clean)


def test_query_is_read_only(folder, tmp_path, capsys):
    out = tmp_path / "out"
    batch.run_batch([folder], out, workers=1, quiet=True)
    assert main(["query", str(out), "SELECT count(*) AS n FROM documents", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 3}]
    assert main(["query", str(out), "DELETE FROM documents"]) == 2
    assert "query refused" in capsys.readouterr().err
    assert main(["query", str(out), "SELECT path, stage FROM errors", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("path,stage")
    assert main(["query", str(tmp_path / "nowhere"), "SELECT 1"]) == 2


def test_compare_pivot_xlsx_and_chart(folder, tmp_path, capsys):
    out = tmp_path / "out"
    batch.run_batch([folder], out, workers=1, quiet=True)
    ids = "reconsideration.*,disputes.*"
    assert main(["compare", str(out), "-i", ids, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("province,region,region_code,year")
    assert len(lines) >= 2
    xlsx, png = tmp_path / "cmp.xlsx", tmp_path / "chart.png"
    assert main(["compare", str(out), "-i", ids, "--format", "xlsx", "-o", str(xlsx), "--chart",
                 "reconsideration.applications_received", "--chart-out", str(png)]) == 0
    import pandas as pd
    assert not pd.read_excel(xlsx).empty
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_main_job(tmp_path, zhoucun_text, capsys):
    d = tmp_path / "sample"
    d.mkdir()
    (d / "zhoucun-2023.txt").write_text(zhoucun_text, encoding="utf-8")
    assert main(["run", str(d), "--out", str(tmp_path / "out"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "standard indicator table" in out and "周村区" in out
    assert (tmp_path / "out" / "indicators.csv").exists()


@pytest.mark.slow
def test_dask_engine_same_tables(folder, tmp_path):
    pytest.importorskip("dask.distributed")
    a, b = tmp_path / "a", tmp_path / "b"
    batch.run_batch([folder], a, workers=1, quiet=True)
    s = batch.run_batch([folder], b, engine="dask", workers=2, quiet=True)
    assert (s.done, s.failed) == (3, 2)
    assert tables(a) == tables(b)


@pytest.mark.slow
@pytest.mark.shared
def test_done_when_zhoucun_provinces_and_broken_pdfs(shared_dir, tmp_path, zhoucun_text):
    from extractor.batch.inputs import read_csv
    d = tmp_path / "in"
    d.mkdir()
    (d / "zhoucun-2023.txt").write_text(zhoucun_text, encoding="utf-8")
    csvs = sorted((shared_dir / "corpora" / "external" / "provincial-gwr-2026").glob("2026_*.csv"))[:8]
    for p in csvs:
        (d / f"{p.stem}.txt").write_text(read_csv(p)[0].text, encoding="utf-8")
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    (d / "truncated.pdf").write_bytes((Path(__file__).parent / "fixtures" / "pdf").glob("*.pdf").__next__()
                                      .read_bytes()[:700])
    out = tmp_path / "out"
    s1 = batch.run_batch([d], out, quiet=True)
    t = tables(out)
    assert (len(t["documents"]), len(t["errors"])) == (9, 2)
    assert len(t["indicators"]) > 100
    s2 = batch.run_batch([d], out, quiet=True)
    assert s2.done == 0 and s2.skipped == s1.total
    assert tables(out) == t
