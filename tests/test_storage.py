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
