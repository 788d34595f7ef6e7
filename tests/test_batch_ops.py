"""Batch operations and inputs: workers die with their parent, queries while a batch writes, --strict, stdin,
corpus rows as path#row, extract_text, exports by extension, the catalogue command, compare's errors."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import extractor
from extractor import batch
from extractor.batch import export
from extractor.cli import main

REPORT = """测试{n}区人民政府关于2023年度法治政府建设情况的报告
一、推进法治政府建设的主要举措和成效
全年收到行政复议申请{a}件，调解矛盾纠纷{b}件，调解成功率98%以上。
二、2024年主要安排
力争行政复议纠错率保持在15%左右。
"""


def report(n: int) -> str:
    return REPORT.format(n=n, a=40 + n, b=1000 + 7 * n)


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_workers_die_with_their_parent(tmp_path, zhoucun_text):
    d = tmp_path / "in"
    d.mkdir()
    for n in range(12):
        (d / f"r{n}.txt").write_text(report(n) + zhoucun_text, encoding="utf-8")
    cmd = [sys.executable, "-m", "extractor", "batch", str(d), "--out", str(tmp_path / "out"), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = [p for p in _children(proc.pid) if _alive(p)]
    assert len(workers) >= 2, "the batch started no workers"
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)


def test_query_while_a_batch_writes_reads_the_snapshot(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(report(1), encoding="utf-8")
    out = tmp_path / "out"
    batch.run_batch([tmp_path / "a.txt"], out, workers=1, quiet=True)
    # another process holds the database open for writing, as a running batch does
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(60)", str(out / "extractor.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["query", str(out), "SELECT count(*) AS n FROM documents", "--format", "json"]) == 0
        cap = capsys.readouterr()
        assert json.loads(cap.out) == [{"n": 1}]
        assert "another batch is writing" in cap.err and "snapshot" in cap.err
        assert main(["compare", str(out), "-i", "reconsideration.*"]) == 0
        assert "收到行政复议申请" in capsys.readouterr().out
        (out / "parquet" / "documents.parquet").unlink()  # no snapshot: one clear line, exit 2
        t0 = time.monotonic()
        assert main(["query", str(out), "SELECT 1", "--wait", "1"]) == 2
        err = capsys.readouterr().err
        assert time.monotonic() - t0 >= 1 and err.count("\n") == 1 and "another batch is writing" in err
        assert "internal error" not in err
    finally:
        holder.kill()
        holder.wait()
    assert main(["query", str(out), "SELECT count(*) FROM documents"]) == 0  # lock released: the database


def test_strict_exits_non_zero_on_a_failure(tmp_path, capsys):
    (tmp_path / "ok.txt").write_text(report(1), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["batch", str(tmp_path / "ok.txt"), "--out", str(tmp_path / "o1"), "-q", "--strict"]) == 0
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o2"), "-q"]) == 0
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o3"), "-q", "--strict"]) == 1
    assert "1 input(s) failed (--strict)" in capsys.readouterr().err


def test_stdin_report_and_stdin_list(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    r = subprocess.run([sys.executable, "-m", "extractor", "extract", "-"], input=report(5).encode("utf-8"),
                       capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["document"]["source"] == "-"
    r = subprocess.run([sys.executable, "-m", "extractor", "extract", "-"], input=b"", capture_output=True, env=env,
                       timeout=120)
    assert r.returncode == 2 and b"nothing on standard input" in r.stderr
    (tmp_path / "a.txt").write_text(report(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(report(2), encoding="utf-8")
    lst = f"{tmp_path / 'a.txt'}\n{tmp_path / 'b.txt'}\n"
    r = subprocess.run([sys.executable, "-m", "extractor", "batch", "-", "--out", str(tmp_path / "o"), "-q", "-j", "1"],
                       input=lst.encode(), capture_output=True, env=env, timeout=300)
    assert r.returncode == 0 and b"2 inputs: 2 extracted" in r.stderr, r.stderr


def test_corpus_rows_reload_as_path_hash_row(tmp_path):
    p = tmp_path / "corpus.csv"
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "publish_date", "full_text"])
        w.writerow(["a1", "2024-01-02", report(1)])
        w.writerow(["a2", "2024-01-03", report(2)])
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "x1", "content": report(3)}, ensure_ascii=False) + "\n"
                                      + "{broken\n" + json.dumps({"id": "x2", "content": report(4)}) + "\n",
                                      encoding="utf-8")
    doc = extractor.load(f"{p}#2")
    assert "测试2区" in doc.text and doc.meta["publish_date"] == "2024-01-03" and doc.source == f"{p}#2"
    assert extractor.load(f"{p}#a1").text == report(1)
    assert "测试4区" in extractor.load(f"{tmp_path / 'c.jsonl'}#x2").text
    # the id a batch gives the row is the id load gives it
    s = batch.run_batch([p], tmp_path / "out", workers=1, quiet=True)
    assert s.done == 2
    from extractor.batch.store import Store
    with Store(tmp_path / "out", read_only=True) as st:
        src, doc_id = st.con.execute("SELECT source, doc_id FROM documents WHERE source LIKE '%#2'").fetchone()
    assert extractor.load(src).id == doc_id
    assert main(["extract", src, "--format", "table"]) == 0
    assert main(["extract", f"{p}#9"]) == 2
    with pytest.raises(extractor.ExtractorError, match="no row '9'"):
        extractor.load(f"{p}#9")


def test_extract_text():
    rep = extractor.extract_text(report(7), source="memo", publish_date="2024-03-30")
    assert rep.document.source == "memo" and rep.document.meta == {"publish_date": "2024-03-30"}
    ind = {i.indicator: i.value for i in rep.indicator_list}
    assert ind.get("reconsideration.applications_received") == 47
    with pytest.raises(extractor.ExtractorError):
        extractor.extract_text("   ")


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("in")
    for n in (1, 2):
        (d / f"r{n}.txt").write_text(report(n), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    batch.run_batch([d], out, workers=1, quiet=True)
    return out


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".parquet", ".dta", ".sqlite", ".json"])
def test_compare_and_query_write_the_format_of_the_extension(small_batch, tmp_path, ext):
    f = tmp_path / f"cmp{ext}"
    assert main(["compare", str(small_batch), "-i", "reconsideration.*,mediation.*", "-o", str(f)]) == 0
    q = tmp_path / f"q{ext}"
    assert main(["query", str(small_batch), "SELECT doc_id, source, title, chars FROM documents", "-o", str(q)]) == 0
    if ext == ".csv":
        assert f.read_bytes()[:3] == b"\xef\xbb\xbf" and q.read_bytes()[:3] == b"\xef\xbb\xbf"
        df = pd.read_csv(f, encoding="utf-8-sig")
        assert "收到行政复议申请件数（件）·实际" in df.columns
    elif ext == ".xlsx":
        import openpyxl
        wb = openpyxl.load_workbook(f)
        assert wb.sheetnames == ["values", "cells"]
        head = [c.value for c in wb["values"][1]]
        ids = [c.value for c in wb["values"][2]]
        assert "收到行政复议申请件数（件）·实际" in head and "reconsideration.applications_received@actual" in ids
        cells = pd.read_excel(f, sheet_name="cells")
        assert {"value", "unit", "display_value", "display_unit", "qualifier", "period", "evidence", "source",
                "conflicts"} <= set(cells.columns)
    elif ext == ".parquet":
        df = pd.read_parquet(f)
        assert df["value"].dtype.kind == "f" and set(df["period"]) == {"actual"}
        assert len(pd.read_parquet(q)) == 2
    elif ext == ".dta":
        df = pd.read_stata(f)
        assert all(len(c) <= 32 for c in df.columns) and "display_value" in df.columns
        assert len(pd.read_stata(q)) == 2
    elif ext == ".sqlite":
        import sqlite3
        con = sqlite3.connect(f)
        assert con.execute("SELECT count(*) FROM cells").fetchone()[0] > 0
        con.close()
    else:
        rows = json.loads(f.read_text(encoding="utf-8"))
        assert rows and "display" in rows[0]


def test_compare_wide_dta_has_stata_names_and_chinese_labels(small_batch, tmp_path):
    f = tmp_path / "w.dta"
    assert main(["compare", str(small_batch), "-i", "reconsideration.*", "--layout", "wide", "-o", str(f)]) == 0
    with pd.io.stata.StataReader(f) as reader:
        labels = reader.variable_labels()
    assert any("收到行政复议申请件数" in v for v in labels.values())
    assert all(len(k) <= 32 and k.isascii() for k in labels)


def test_no_bom_and_unknown_extension(small_batch, tmp_path, capsys):
    f = tmp_path / "x.csv"
    assert main(["compare", str(small_batch), "-o", str(f), "--no-bom"]) == 0
    assert f.read_bytes()[:8] == b"province"
    assert main(["compare", str(small_batch), "-o", str(tmp_path / "x.docx")]) == 2
    assert "cannot tell the output format" in capsys.readouterr().err


def test_compare_unknown_ids_and_regions_exit_2(small_batch, capsys):
    assert main(["compare", str(small_batch), "-i", "reconsideration.aplications_received"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean reconsideration.applications_received" in err
    assert main(["compare", str(small_batch), "-r", "北京"]) == 2
    assert "unknown region '北京'" in capsys.readouterr().err


def test_compare_chart_goes_under_the_output_folder(small_batch, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(small_batch), "--chart", "reconsideration.applications_received"]) == 0
    assert (small_batch / "chart-reconsideration.applications_received.png").exists()
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_missing_cjk_font_is_a_warning_naming_the_package(small_batch, monkeypatch, capsys):
    import extractor.output.viz as viz
    monkeypatch.setattr(viz, "use_cjk_font", lambda: None)
    assert main(["compare", str(small_batch), "--chart", "reconsideration.applications_received"]) == 0
    assert "fonts-noto-cjk" in capsys.readouterr().err


@pytest.mark.parametrize("argv, expect", [
    (["catalogue", "--search", "复议"], "reconsideration.applications_received"),
    (["catalogue", "fazhi", "--format", "csv"], "catalogue,id,name_zh,name_en,unit,kind,category"),
    (["catalogue", "--search", "reconsideration", "--format", "json"], '"name_zh":"收到行政复议申请件数"'),
    (["catalogue", "--search", "没有这个词"], "no indicator matches"),
])
def test_catalogue_command(argv, expect, capsys):
    assert main(argv) == 0
    assert expect in capsys.readouterr().out


def test_catalogue_lists_every_indicator_once_per_catalogue():
    from extractor.commands.catalogue import frame
    from extractor.indicators.catalogue import catalogue, names
    df = frame()
    assert len(df) == sum(len(catalogue(n)) for n in names())
    assert not df.duplicated(["catalogue", "id"]).any() and df["name_zh"].notna().all()


@pytest.mark.parametrize("cols, want", [
    (["a", "b"], ["a", "b"]),
    (["收到行政复议申请件数（件）·实际"], ["v1"]),
    (["reconsideration.applications_received@actual"], ["reconsideration_applications_rec"]),
    (["x" * 40, "x" * 40], ["x" * 32, "x" * 30 + "_2"]),
    (["1st", "A", "a"], ["v1st", "A", "a_2"]),
    (["start", "end", "in"], ["start", "end_", "in_"]),
])
def test_stata_names(cols, want):
    assert export.stata_names(cols) == want


def test_run_takes_the_export_format_from_the_output_name(tmp_path, monkeypatch, capsys):
    d = tmp_path / "in"
    d.mkdir()
    (d / "r1.txt").write_text(report(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "in", "-o", "results.xlsx", "-q"]) == 0
    assert (tmp_path / "results" / "extractor.duckdb").exists()
    assert (tmp_path / "results" / "indicators.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    df = pd.read_excel(tmp_path / "results.xlsx")
    assert "reconsideration.applications_received" in set(df["indicator"])
    assert main(["run", "in", "--out", "o2", "--export", "t.dta", "-q"]) == 0
    dta = pd.read_stata(tmp_path / "t.dta")
    assert len(dta) == len(df) and {"start", "end_"} <= set(dta.columns)


def test_a_document_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    """Four documents in flight per worker: when one kills its worker, the others in flight are run again and
    stored; only the killer becomes an error row (it is retried alone, so it is known)."""
    import os

    from extractor import pipeline
    from extractor.batch import run_batch
    from extractor.batch.store import Store

    real = pipeline.run

    def run(doc, settings=None):
        if "致命" in doc.text:
            os._exit(3)  # what a segfault in a native library looks like to the parent
        return real(doc, settings)

    monkeypatch.setattr(pipeline, "run", run)  # the workers are forked: they inherit it
    d = tmp_path / "in"
    d.mkdir()
    for i in range(7):
        (d / f"r{i}.txt").write_text(f"测试{i}区2023年法治政府建设情况报告\n全年办理行政复议案件{10 + i}件，调解纠纷{200 + i}件。\n",
                                     encoding="utf-8")
    (d / "r3.txt").write_text("测试区报告\n这一份致命的报告会让进程退出。\n", encoding="utf-8")
    s = run_batch([d], tmp_path / "out", workers=2, quiet=True, parquet=False)
    assert (s.done, s.failed) == (6, 1), s.errors
    assert s.errors[0]["error_class"] == "WorkerDied" and s.errors[0]["path"].endswith("r3.txt")
    with Store(tmp_path / "out", read_only=True) as st:
        assert st.count("documents") == 6


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_failed_group_commit_is_one_clear_error_with_the_summary(tmp_path, monkeypatch, fail_at):
    """A group commit can fail at any commit site (a full group while storing, the last group when the batch
    ends): each time the batch stops with a StoreFailed that carries the summary, and the groups committed
    before it are kept."""
    import duckdb

    from extractor.batch import run_batch, store as store_mod
    from extractor.batch.store import Store, StoreFailed

    monkeypatch.setattr(store_mod, "GROUP_DOCS", 2)
    monkeypatch.setattr(store_mod, "GROUP_SECONDS", 1e9)
    real = Store._insert
    commits = {"n": 0}

    def insert(self, table, rows):
        if table == "documents":
            commits["n"] += 1
            if commits["n"] == fail_at:
                raise duckdb.IOException('Could not write file "extractor.duckdb.wal": No space left on device')
        return real(self, table, rows)

    monkeypatch.setattr(Store, "_insert", insert)
    d = tmp_path / "in"
    d.mkdir()
    for i in range(5):  # two full groups, then one document left for the last commit
        (d / f"r{i}.txt").write_text(report(i), encoding="utf-8")
    with pytest.raises(StoreFailed) as info:
        run_batch([d], tmp_path / "out", workers=1, quiet=True, parquet=False)
    assert "write failed" in str(info.value) and "No space left" in str(info.value) and "kept" in str(info.value)
    assert info.value.summary is not None and info.value.summary.done == 2 * (fail_at - 1)  # what was stored
    monkeypatch.setattr(Store, "_insert", real)
    with Store(tmp_path / "out", read_only=True) as st:
        assert st.count("documents") == 2 * (fail_at - 1)


def test_a_batch_with_snapshots_ends_with_whole_tables(tmp_path, monkeypatch):
    """Snapshots after every document (parts), then the last export: parquet/<table>.parquet alone, equal to
    the database's tables."""
    from extractor.batch import runner
    from extractor.batch.store import TABLES, Store
    monkeypatch.setattr(runner, "SNAPSHOT_SECONDS", 0.0)
    monkeypatch.setattr(runner, "SNAPSHOT_COST_RATIO", 0.0)
    seen = []
    real = Store.export_parquet

    def spy(self, incremental=False):
        seen.append((incremental, self.has_parts()))
        return real(self, incremental)

    monkeypatch.setattr(Store, "export_parquet", spy)
    for n in range(4):
        (tmp_path / f"r{n}.txt").write_text(report(n), encoding="utf-8")
    runner.run_batch(sorted(tmp_path.glob("r*.txt")), tmp_path / "out", workers=1, memory_mb=None, quiet=True)
    assert seen[0] == (False, False) and seen[-1][0] is False
    assert any(inc and parts for inc, parts in seen)  # parts were written and read back between snapshots
    import pyarrow.parquet as papq
    pq = tmp_path / "out" / "parquet"
    assert sorted(p.name for p in pq.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    with Store(tmp_path / "out", read_only=True) as st:
        for t in TABLES:
            assert papq.read_table(pq / f"{t}.parquet").num_rows == st.count(t), t
        assert st.count("documents") == 4
