"""The batch store: typed tables from the start, schema version, one transaction per document, Parquet export."""
from __future__ import annotations

import pytest

from extractor.core.errors import ExtractorError
from extractor.pipeline import extract
from extractor.batch.store import SCHEMA_VERSION, TABLES, Store, StoreFailed, _typed_cols


@pytest.fixture(scope="module")
def zhoucun_out(zhoucun_path) -> dict:
    report = extract(zhoucun_path)
    out = report.to_dict()
    out["meta"] = {"timings": report.timings}
    return out


def counts(store: Store, doc_id: str) -> dict:
    return {t: store.con.execute(f"SELECT count(*) FROM {t} WHERE doc_id = ?", [doc_id]).fetchone()[0]
            for t in ("documents", "sections", "quantities", "measures", "indicators")}


def test_empty_store_has_every_table_typed(tmp_path):
    with Store(tmp_path) as s:
        for t in TABLES:
            assert s.count(t) == 0
        types = dict(s.con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                   "WHERE table_name = 'indicators'").fetchall())
        assert types["value"] == "DOUBLE" and types["year"] == "INTEGER" and types["indicator"] == "VARCHAR"
        assert s.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        pq = s.export_parquet()
    import pyarrow.parquet as papq
    for t in TABLES:  # empty tables still give Parquet files with the columns
        tab = papq.read_table(pq / f"{t}.parquet")
        assert tab.num_rows == 0 and tab.column_names == [name for name, _ in _typed_cols(t)]
    assert not list(pq.glob(".*tmp"))


def test_other_schema_version_is_refused(tmp_path):
    with Store(tmp_path) as s:
        s.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(ExtractorError, match="schema version 999"):
        Store(tmp_path)


def test_document_written_once_and_idempotent(tmp_path, zhoucun_out):
    doc_id = zhoucun_out["document"]["id"]
    with Store(tmp_path) as s:
        s.write_error("zc.txt", doc_id, "ingest", "CorruptDocument", "earlier failure")
        s.write_document(zhoucun_out, "zc.txt")
        first = counts(s, doc_id)
        s.write_document(zhoucun_out, "zc.txt")  # again: replaced, not duplicated
        assert counts(s, doc_id) == first
        assert first["documents"] == 1
        assert first["quantities"] == len(zhoucun_out["quantities"])
        assert first["indicators"] == len(zhoucun_out["indicators"])
        assert s.count("errors") == 0  # a success clears the file's earlier error row
        assert s.done_ids() == {doc_id}


def test_failure_mid_document_leaves_nothing(tmp_path, zhoucun_out, monkeypatch):
    doc_id = zhoucun_out["document"]["id"]
    with Store(tmp_path) as s:
        real = Store._insert

        def failing(self, table, rows):
            if table == "documents":
                raise RuntimeError("disk full")
            return real(self, table, rows)

        monkeypatch.setattr(Store, "_insert", failing)
        with pytest.raises(StoreFailed, match="write failed: disk full"):
            s.write_document(zhoucun_out, "zc.txt")
            s.flush()  # new documents are buffered: the group commit is where the failure comes
        assert counts(s, doc_id) == {t: 0 for t in ("documents", "sections", "quantities", "measures", "indicators")}


def test_read_only_store_needs_a_database(tmp_path):
    with pytest.raises(ExtractorError, match="no batch database"):
        Store(tmp_path / "none", read_only=True)


# -- rows built in the batch worker (store.pack) ----------------------------------------------------------

def _rows_by_definition(out: dict) -> dict:
    """The per-document rows as dicts, as the writer built them before the workers did (``dict(row, doc_id=…)``
    per row, then :func:`arrow_table`): the oracle of :func:`pack`'s column-wise tables."""
    from extractor.batch.store import _cell_rows, _sentence_at, _sentence_rows_reference, row_id
    doc_id = out["document"]["id"]
    text = out.get("text") or ""
    sents = _sentence_rows_reference(text, out.get("sections") or [], out.get("page_starts"))
    starts = [s["start"] for s in sents]
    qrows = []
    for i, q in enumerate(out.get("quantities") or []):
        k = _sentence_at(starts, sents, q.get("start"))
        qrows.append(dict(q, doc_id=doc_id, idx=i, sentence=k, sentence_text=sents[k]["text"] if k is not None else None,
                          row_id=row_id(doc_id, "q", i)))
    return {
        "sections": [dict(s, doc_id=doc_id) for s in out.get("sections") or []],
        "quantities": qrows,
        "measures": [dict(m, doc_id=doc_id, idx=i) for i, m in enumerate(out.get("measures") or [])],
        "tables": [dict(t, doc_id=doc_id) for t in out.get("tables") or []],
        "table_cells": _cell_rows(doc_id, out.get("tables") or []),
        "texts": [{"doc_id": doc_id, "text": text}],
        "sentences": [dict(s, doc_id=doc_id) for s in sents],
    }


def _with_a_table(out: dict) -> dict:
    """``out`` with one source table of two cells (the Zhoucun report has none)."""
    out = dict(out)
    out["tables"] = [{"id": "t1", "page": 2, "caption": "表1", "unit": "万元", "columns": ["项目", "金额"],
                      "rows": ["收入"], "header": [["项目", "金额"]], "n_rows": 2, "n_cols": 2,
                      "cells": [{"row": 0, "col": 0, "text": "收入", "start": 5, "end": 7, "role": "stub"},
                                {"row": 0, "col": 1, "text": "12.5", "start": 8, "end": 12, "value": 12.5,
                                 "unit": "万元", "kind": "amount", "quantity": 0, "colspan": 2}]}]
    return out


def test_packed_rows_equal_the_rows_by_definition(zhoucun_out):
    from extractor.batch.store import PACKED, arrow_table, pack, unpack_table
    out = _with_a_table(zhoucun_out)
    packed = pack(out)
    want = _rows_by_definition(out)
    for table, rows in want.items():
        got = unpack_table(packed[PACKED][table])
        assert got.equals(arrow_table(table, rows)), table
        assert got.num_rows == len(rows) > 0
    assert set(packed[PACKED]) == set(want) | {"indicators"}
    assert packed["chars"] == len(out["text"]) and packed["row"]["n_quantities"] == len(out["quantities"])


def test_a_packed_document_is_stored_as_its_json(tmp_path, zhoucun_out):
    """write_document of pack(out) (what a batch worker sends) and of out itself give the same rows."""
    from extractor.batch.store import pack
    got = {}
    for name, value in (("json", zhoucun_out), ("packed", pack(zhoucun_out))):
        with Store(tmp_path / name) as s:
            s.write_document(value, "zc.txt", 1.5, {"input_id": "x"})
            s.flush()
            got[name] = {t: s.con.execute(f"SELECT * EXCLUDE ({', '.join(c for c in ('extracted_at', 'added_at') if c in dict(_typed_cols(t)))}) "
                                          f"FROM {t} ORDER BY ALL").fetchall()
                         if t in ("documents", "document_sources") else
                         s.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    assert got["json"] == got["packed"]
    assert got["json"]["quantities"] and got["json"]["sentences"]


@pytest.mark.parametrize("seed", range(30))
def test_sentence_sections_in_one_sweep_equal_the_definition(seed):
    """Random (also overlapping, empty, unordered) sections: the sweep gives each sentence the section the
    definition does (the last one by start and level that contains the sentence's start)."""
    import random

    from extractor.batch.store import _sentence_rows_reference, sentence_rows
    rnd = random.Random(seed)
    text = "".join(rnd.choice(["一二三。", "四五，六。", "\n", "“七。”", "八九十？", "  "]) for _ in range(rnd.randint(0, 60)))
    sections = []
    for i in range(rnd.randint(0, 12)):
        a = rnd.randint(0, max(len(text), 1))
        sections.append({"id": f"s{i}", "start": a, "end": a + rnd.randint(-3, len(text) + 3),
                         "level": rnd.randint(0, 3)})
    pages = sorted(rnd.sample(range(len(text) + 1), min(3, len(text) + 1))) if seed % 2 else None
    assert sentence_rows(text, sections, pages) == _sentence_rows_reference(text, sections, pages)


def test_sentence_sections_of_a_real_report(zhoucun_out):
    from extractor.batch.store import _sentence_rows_reference, sentence_rows
    args = (zhoucun_out["text"], zhoucun_out["sections"], None)
    rows = sentence_rows(*args)
    assert rows == _sentence_rows_reference(*args) and sum(r["section"] is not None for r in rows) > len(rows) / 2


def _other(out: dict, n: int) -> dict:
    """``out`` as another document (its own id and source)."""
    return dict(out, document=dict(out["document"], id=f"{n:04d}" + out["document"]["id"][4:], source=f"r{n}.txt"))


def _snapshot_counts(out_dir) -> dict:
    """What a reader sees while a batch holds the database: the Parquet snapshot (base files and parts)."""
    import subprocess
    import sys
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(60)", str(out_dir / "extractor.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Store(out_dir, read_only=True) as r:
            assert r.note and "snapshot" in r.note
            return {t: r.count(t) for t in TABLES}
    finally:
        holder.kill()
        holder.wait()


def test_snapshots_during_a_run_add_parts_and_the_last_export_folds_them(tmp_path, zhoucun_out):
    from extractor.batch.store import PARTS_DIR
    parts = tmp_path / "parquet" / PARTS_DIR
    with Store(tmp_path) as s:
        s.write_document(_other(zhoucun_out, 1), "r1.txt")
        s.flush()
        s.export_parquet()  # the first snapshot, whole
        s.write_document(_other(zhoucun_out, 2), "r2.txt")
        s.write_document(_other(zhoucun_out, 3), "r3.txt")
        s.flush()
        s.export_parquet(incremental=True)  # the two new documents' rows only
        assert sorted(p.name for p in parts.glob("texts-*")) == ["texts-00001.parquet"]
        s.export_parquet(incremental=True)  # nothing new: no empty part
        assert len(list(parts.glob("texts-*"))) == 1
        want = {t: s.count(t) for t in TABLES}
    import pyarrow.parquet as papq
    assert papq.read_table(tmp_path / "parquet" / "texts.parquet").num_rows == 1
    assert papq.read_table(parts / "texts-00001.parquet").num_rows == 2
    assert want["texts"] == 3 and _snapshot_counts(tmp_path) == want
    with Store(tmp_path) as s:
        s.write_document(_other(zhoucun_out, 2), "r2.txt")  # stored rows replaced: the next snapshot is whole
        s.flush()
        s.export_parquet(incremental=True)
        assert not list(parts.glob("texts-*")) and not list(parts.glob("sentences-*"))
        s.write_document(_other(zhoucun_out, 4), "r4.txt")
        s.flush()
        s.export_parquet(incremental=True)
        assert len(list(parts.glob("quantities-*"))) == 1
        assert s.has_parts()
        want = {t: s.count(t) for t in TABLES}
        s.export_parquet()  # the end of a run: whole tables, no parts
        assert not parts.exists() and not s.has_parts()
    for t in TABLES:
        assert papq.read_table(tmp_path / "parquet" / f"{t}.parquet").num_rows == want[t], t
    assert _snapshot_counts(tmp_path) == want



def test_a_snapshot_that_fails_midway_is_written_whole_the_next_time(tmp_path, zhoucun_out, monkeypatch):
    """Parts of some tables written, then a failure: the next snapshot does not add those rows twice."""
    import pyarrow.parquet as papq

    from extractor.batch.store import PARTS_DIR
    with Store(tmp_path) as s:
        s.write_document(_other(zhoucun_out, 1), "r1.txt")
        s.export_parquet()
        s.write_document(_other(zhoucun_out, 2), "r2.txt")
        real, calls = Store._export_part, []

        def failing(self, cur, table, *a):
            calls.append(table)
            if len(calls) == 3:
                raise OSError(28, "No space left on device")
            return real(self, cur, table, *a)

        monkeypatch.setattr(Store, "_export_part", failing)
        with pytest.raises(OSError):
            s.export_parquet(incremental=True)
        monkeypatch.setattr(Store, "_export_part", real)
        s.export_parquet(incremental=True)
        want = {t: s.count(t) for t in TABLES}
    parts = tmp_path / "parquet" / PARTS_DIR
    for t in TABLES:
        n = papq.read_table(tmp_path / "parquet" / f"{t}.parquet").num_rows
        n += sum(papq.read_table(p).num_rows for p in parts.glob(f"{t}-*.parquet"))
        assert n == want[t], t


@pytest.mark.parametrize("typ, values, want", [
    ("DOUBLE", [1.5, 10360000000000000000, None], [1.5, 1.036e19, None]),  # 10.36百亿亿次: past int64
    ("DOUBLE", [2, float("nan"), float("inf"), 0.0], [2.0, None, None, 0.0]),
    ("BIGINT", [3, None, 2**40], [3, None, 2**40]),
    ("VARCHAR", ["a", 5, {"k": 1}, None], ["a", "5", '{"k": 1}', None]),
])
def test_arrow_columns_are_the_values_as_cell_makes_them(typ, values, want):
    from extractor.batch.store import _cell, _column
    assert _column(values, typ).to_pylist() == want == [_cell(v, typ) for v in values]


def test_a_quantity_past_int64_is_stored(tmp_path, zhoucun_out):
    """The value of 10.36百亿亿次/秒 is an integer past int64: it is stored as a DOUBLE, the document with it."""
    out = dict(zhoucun_out, quantities=[dict(zhoucun_out["quantities"][0], value=10360000000000000000)]
               + zhoucun_out["quantities"][1:])
    with Store(tmp_path) as s:
        s.write_document(out, "zc.txt")
        assert s.con.execute("SELECT value FROM quantities WHERE idx = 0").fetchone()[0] == 1.036e19
