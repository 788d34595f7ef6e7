"""The batch store: an embedded DuckDB database ``DIR/extractor.duckdb`` and Parquet copies of its tables.

Tables (schema version :data:`SCHEMA_VERSION`, recorded in ``meta``):

``documents``   one row per extracted document (``doc_id`` = sha256 of the source bytes, or of a corpus row's text)
``sections``    ``doc_id`` + the section fields of spec/output.md
``quantities``  ``doc_id``, ``idx`` (position in the document's quantity list) + the quantity fields
``measures``    ``doc_id``, ``idx`` + the measure fields
``indicators``  the standard indicator table (spec/output.md columns) + ``quantity``, ``note``
``errors``      one row per input that failed: ``path``, ``doc_id``, ``stage``, ``error_class``, ``message``
``tables``      ``doc_id`` + one row per table (id, page, caption, unit, header rows, labels; docs/tables.md)
``table_cells`` ``doc_id``, ``table_id`` + one row per cell (row, col, text, offsets, value, unit, kind, the
                ``quantity`` idx it became, its row and column labels)

Each document is written in one transaction (its child rows, then its ``documents`` row), so a run killed
at any moment leaves each document either complete or absent; a restart skips the ``doc_id``s present.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Optional

from extractor.core import jsonio
from extractor.output.table import COLUMNS, rows_of

SCHEMA_VERSION = 1
DB_NAME = "extractor.duckdb"

DDL = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "documents": ("doc_id VARCHAR PRIMARY KEY, source VARCHAR, format VARCHAR, title VARCHAR, genre VARCHAR, "
                  "year INTEGER, region VARCHAR, region_code VARCHAR, city VARCHAR, province VARCHAR, "
                  "level VARCHAR, issuers VARCHAR, pages INTEGER, chars BIGINT, n_sections INTEGER, "
                  "n_quantities INTEGER, n_measures INTEGER, n_indicators INTEGER, seconds DOUBLE, "
                  "meta VARCHAR, extracted_at TIMESTAMP DEFAULT current_timestamp"),
    "sections": ('doc_id VARCHAR, id VARCHAR, parent VARCHAR, level INTEGER, number VARCHAR, title VARCHAR, '
                 'part VARCHAR, category VARCHAR, "start" BIGINT, "end" BIGINT'),
    "quantities": ('doc_id VARCHAR, idx INTEGER, text VARCHAR, "start" BIGINT, "end" BIGINT, value DOUBLE, '
                   '"max" DOUBLE, unit VARCHAR, qualifier VARCHAR, kind VARCHAR, period VARCHAR, subject VARCHAR, '
                   'section VARCHAR, page INTEGER'),
    "measures": ('doc_id VARCHAR, idx INTEGER, text VARCHAR, "start" BIGINT, "end" BIGINT, name VARCHAR, '
                 'type VARCHAR, section VARCHAR, category VARCHAR, part VARCHAR, page INTEGER'),
    "indicators": ('doc_id VARCHAR, source VARCHAR, region_code VARCHAR, region VARCHAR, city VARCHAR, '
                   'province VARCHAR, level VARCHAR, year INTEGER, genre VARCHAR, indicator VARCHAR, '
                   'name_zh VARCHAR, category VARCHAR, value DOUBLE, unit VARCHAR, qualifier VARCHAR, '
                   'period VARCHAR, evidence VARCHAR, page INTEGER, "start" BIGINT, "end" BIGINT, '
                   'confidence DOUBLE, method VARCHAR, quantity INTEGER, note VARCHAR'),
    "errors": ("path VARCHAR, doc_id VARCHAR, stage VARCHAR, error_class VARCHAR, message VARCHAR, "
               "failed_at TIMESTAMP DEFAULT current_timestamp"),
    # the tables of docs/tables.md: one row per table, one per cell (``quantity`` = idx in quantities)
    "tables": ('doc_id VARCHAR, id VARCHAR, page INTEGER, caption VARCHAR, unit VARCHAR, source VARCHAR, '
               '"start" BIGINT, "end" BIGINT, section VARCHAR, n_rows INTEGER, n_cols INTEGER, header_rows INTEGER, '
               'stub_cols INTEGER, header VARCHAR, "columns" VARCHAR, "rows" VARCHAR'),
    "table_cells": ('doc_id VARCHAR, table_id VARCHAR, "row" INTEGER, col INTEGER, rowspan INTEGER, colspan INTEGER, '
                    'text VARCHAR, "start" BIGINT, "end" BIGINT, role VARCHAR, value DOUBLE, unit VARCHAR, '
                    'kind VARCHAR, quantity INTEGER, page INTEGER, row_label VARCHAR, column_label VARCHAR'),
}
TABLES = ["documents", "sections", "quantities", "measures", "indicators", "errors", "tables", "table_cells"]


class Store:
    """The DuckDB database of one batch output folder."""

    def __init__(self, out_dir, read_only: bool = False):
        import duckdb
        from extractor.batch.sqlsafe import connect_readonly, database_problem
        self.dir = Path(out_dir)
        self.path = self.dir / DB_NAME
        if read_only:
            if not self.path.exists():
                from extractor.core.errors import InputNotFound
                raise InputNotFound(self.path, "no batch database here (run `extractor batch ... --out DIR` first)")
            self.con = connect_readonly(self.path)
            return
        from extractor.core.errors import ExtractorError
        if self.dir.exists() and not self.dir.is_dir():
            raise ExtractorError(self.dir, "--out must be a folder, and this is a file")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a parent is a file, a read-only file system, no permission
            raise ExtractorError(self.dir, f"cannot create the output folder: {exc.strerror or exc}") from exc
        try:
            self.con = duckdb.connect(str(self.path))
            self._create()
        except duckdb.Error as exc:
            raise ExtractorError(self.path, database_problem(exc)) from exc

    def query(self, sql: str, params=None):
        """A reading statement's result as a DataFrame (writing statements are refused on every connection)."""
        import duckdb

        from extractor.batch.sqlsafe import check_read_only
        from extractor.core.errors import ExtractorError
        check_read_only(self.con, sql)
        try:
            return self.con.execute(sql, params or []).df()
        except duckdb.Error as exc:
            raise ExtractorError(None, f"query failed: {str(exc).splitlines()[0]}") from exc

    def _create(self) -> None:
        for table, ddl in DDL.items():
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({ddl})")
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif int(row[0]) != SCHEMA_VERSION:
            from extractor.core.errors import ExtractorError
            raise ExtractorError(self.path, f"database schema version {row[0]}, this extractor writes "
                                            f"{SCHEMA_VERSION}: use a new --out folder")

    # -- reading ------------------------------------------------------------------------------------
    def done_ids(self) -> set:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM documents").fetchall()}

    def failed_paths(self) -> dict:
        return {r[0]: r[1] for r in self.con.execute("SELECT path, doc_id FROM errors").fetchall()}

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    # -- writing ------------------------------------------------------------------------------------
    def write_document(self, out: dict, path: str, seconds: float = 0.0) -> None:
        """Write one document's extraction (the JSON of spec/output.md) in one transaction."""
        doc = out["document"]
        doc_id = doc["id"]
        region = doc.get("region") or {}
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            # the same source with other bytes (a corrected file re-batched) is replaced, never kept beside
            stale = [r[0] for r in con.execute("SELECT doc_id FROM documents WHERE source = ? AND doc_id <> ?",
                                               [doc.get("source") or path, doc_id]).fetchall()]
            for old in [doc_id] + stale:
                for table in ("sections", "quantities", "measures", "indicators", "tables", "table_cells",
                              "documents"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [old])
            con.execute("DELETE FROM errors WHERE path = ? OR doc_id = ?", [path, doc_id])
            self._insert("sections", [dict(s, doc_id=doc_id) for s in out.get("sections") or []])
            self._insert("quantities", [dict(q, doc_id=doc_id, idx=i) for i, q in enumerate(out.get("quantities") or [])])
            self._insert("measures", [dict(m, doc_id=doc_id, idx=i) for i, m in enumerate(out.get("measures") or [])])
            inds = rows_of(out)
            for row, ind in zip(inds, out.get("indicators") or []):
                row["quantity"] = ind.get("quantity")
                row["note"] = ind.get("note")
            self._insert("indicators", inds)
            self._insert_tables(doc_id, out.get("tables") or [])
            self._insert("documents", [{
                "doc_id": doc_id, "source": doc.get("source") or path, "format": doc.get("format"),
                "title": doc.get("title"), "genre": doc.get("genre"), "year": doc.get("year"),
                "region": region.get("name"), "region_code": region.get("code"), "city": region.get("city"),
                "province": region.get("province"), "level": region.get("level"),
                "issuers": json.dumps(doc.get("issuers") or [], ensure_ascii=False), "pages": doc.get("pages"),
                "chars": len(out.get("text") or ""), "n_sections": len(out.get("sections") or []),
                "n_quantities": len(out.get("quantities") or []), "n_measures": len(out.get("measures") or []),
                "n_indicators": len(out.get("indicators") or []), "seconds": round(seconds, 4),
                "meta": jsonio.dumps(out.get("meta") or {}, default=str),
            }])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _insert_tables(self, doc_id: str, tables: list) -> None:
        self._insert("tables", [dict(t, doc_id=doc_id) for t in tables])
        cells = []
        for t in tables:
            cols, rows = t.get("columns") or [], t.get("rows") or []
            for c in t.get("cells") or []:
                r, k = c.get("row", 0), c.get("col", 0)
                cells.append(dict(c, doc_id=doc_id, table_id=t.get("id"), rowspan=c.get("rowspan", 1),
                                  colspan=c.get("colspan", 1), page=c.get("page", t.get("page")),
                                  row_label=rows[r] if r < len(rows) else None,
                                  column_label=cols[k] if k < len(cols) else None))
        self._insert("table_cells", cells)

    def write_error(self, path: str, doc_id: Optional[str], stage: str, error_class: str, message: str) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM errors WHERE path = ?", [path])
            con.execute("INSERT INTO errors (path, doc_id, stage, error_class, message) VALUES (?, ?, ?, ?, ?)",
                        [path, doc_id, stage, error_class, message])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _insert(self, table: str, rows: list[dict]) -> None:
        """Insert rows as one Arrow table (DuckDB's executemany goes row by row: ~100x slower)."""
        if not rows:
            return
        import pyarrow as pa
        cols = [(name, typ) for name, typ in _typed_cols(table) if name not in ("extracted_at", "failed_at")]
        arrays = {name: pa.array([_cell(r.get(name), typ) for r in rows], type=_ARROW[typ]()) for name, typ in cols}
        self.con.register("_rows", pa.table(arrays))
        try:
            quoted = ", ".join(f'"{name}"' for name, _ in cols)
            self.con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _rows")
        finally:
            self.con.unregister("_rows")

    # -- export -------------------------------------------------------------------------------------
    def export_parquet(self) -> Path:
        """Parquet files of every table in ``DIR/parquet/`` (each written to a temp file, then renamed).

        Rows stream from DuckDB as Arrow batches into pyarrow's writer: no path is ever part of an SQL string.
        """
        pq = self.dir / "parquet"
        pq.mkdir(exist_ok=True)
        cur = self.con.cursor()  # its own connection: a caller's unfinished result does not block the stream
        try:
            self._export_tables(cur, pq)
        finally:
            cur.close()
        return pq

    def _export_tables(self, cur, pq: Path) -> None:
        import pyarrow.parquet as papq
        for table in TABLES:
            final = pq / f"{table}.parquet"
            tmp = pq / f".{table}.parquet.tmp"
            rel = cur.sql(f"SELECT * FROM {table} ORDER BY ALL")
            reader = rel.to_arrow_reader(65536) if hasattr(rel, "to_arrow_reader") else rel.fetch_arrow_reader(65536)
            try:
                with papq.ParquetWriter(str(tmp), reader.schema) as writer:
                    for batch in reader:
                        writer.write_batch(batch)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            finally:
                reader.close()  # the connection takes no other statement while a stream is open
            os.replace(tmp, final)

    def indicator_frame(self):
        import pandas as pd
        df = self.con.execute("SELECT * FROM indicators ORDER BY region, year, indicator").df()
        return df if not df.empty else pd.DataFrame(columns=COLUMNS)

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:  # pragma: no cover
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _typed_cols(table: str) -> list[tuple[str, str]]:
    out = []
    for part in DDL[table].split(","):
        words = part.strip().split()
        if words[0] != "PRIMARY":
            out.append((words[0].strip('"'), words[1]))
    return out


def _arrow_types():
    import pyarrow as pa
    return {"VARCHAR": pa.string, "INTEGER": pa.int32, "BIGINT": pa.int64, "DOUBLE": pa.float64,
            "TIMESTAMP": pa.timestamp}


class _Lazy(dict):
    def __missing__(self, key):
        self.update(_arrow_types())
        return dict.__getitem__(self, key)


_ARROW = _Lazy()


def _cell(v, typ: str = "VARCHAR"):
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return jsonio.dumps(v)
    if typ == "VARCHAR" and not isinstance(v, str):
        return str(v)
    if typ in ("INTEGER", "BIGINT"):
        return int(v)
    if typ == "DOUBLE":
        v = float(v)
        return v if math.isfinite(v) else None
    return v
