"""The batch store: an embedded DuckDB database ``DIR/extractor.duckdb`` and Parquet copies of its tables.

Tables (schema version :data:`SCHEMA_VERSION`, recorded in ``meta``):

``documents``   one row per extracted document (``doc_id`` = sha256 of the source bytes, or of a corpus row's text)
``sections``    ``doc_id`` + the section fields of spec/output.md
``quantities``  ``doc_id``, ``idx`` (position in the document's quantity list) + the quantity fields
``measures``    ``doc_id``, ``idx`` + the measure fields
``indicators``  the standard indicator table (spec/output.md columns) + ``quantity``, ``note``
``errors``      one row per input that failed: ``path``, ``doc_id``, ``stage``, ``error_class``, ``message``
``texts``       ``doc_id``, ``text``: the document text every ``start``/``end`` indexes
``sentences``   ``doc_id``, ``idx`` (sentence id), ``start``, ``end``, ``text``, ``section``, ``page``
``tables``      ``doc_id`` + one row per table (id, page, caption, unit, header rows, labels; docs/tables.md)
``table_cells`` ``doc_id``, ``table_id`` + one row per cell (row, col, text, offsets, value, unit, kind, the
                ``quantity`` idx it became, its row and column labels)
``document_sources`` every input that gave a document: its own file, and each duplicate of it (same report as
                another file, format or corpus row), with its provenance (URL, fetch time, HTTP status …)

Quantity and indicator rows carry ``section``, ``sentence`` (the ``sentences.idx``) and ``sentence_text``.
Version 1 databases are upgraded in place (columns and tables added; their old rows keep NULLs there).
The meaning of every column: ``docs/data-dictionary.md`` (also ``COMMENT ON COLUMN`` in the database).

Documents are written in group commits: the rows of up to :data:`GROUP_DOCS` new documents (or those that
waited :data:`GROUP_SECONDS`) in one transaction, so a run killed at any moment leaves each document either
complete or absent (at most the last few seconds' documents are extracted again by a restart, which skips the
``doc_id``s present). Reading the store (``con``, ``query``, ``done_ids`` …) commits the buffer first.
"""
from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import time
from pathlib import Path
from typing import Optional

from extractor.core import jsonio
from extractor.core.errors import ExtractorError
from extractor.output.table import COLUMNS, rows_of

SCHEMA_VERSION = 2
#: a group commit writes the buffered documents when this many are waiting, or the oldest waited this long
#: (an INSERT costs DuckDB ~3 ms whatever its size: groups of 8 documents cost 6 ms per document, of 64 3.5)
GROUP_DOCS = 128
GROUP_SECONDS = 5.0
#: DuckDB's memory for the batch writer (it keeps written pages cached up to this; the rest spills to disk)
WRITER_MEMORY = "256MB"
#: the write-ahead log's size that makes DuckDB checkpoint (write the logged rows into the database file). Its
#: default, 16 MB, is a few dozen documents: every checkpoint also rewrites the table's last, growing row group,
#: so group commits cost more the larger the store (8 → 29 ms per document from 1,000 to 4,000 documents); at
#: 256 MB a checkpoint comes every ~1,000 documents and a commit costs ~1 ms per document plus ~3 for checkpoints
CHECKPOINT_WAL = "256MB"
#: rows per Arrow batch of the Parquet export, where a row is large (a whole text): memory stays bounded
EXPORT_BATCH_ROWS = {"texts": 256, "documents": 4096}
DB_NAME = "extractor.duckdb"
COMMENTS = Path(__file__).resolve().parents[1] / "data" / "batch" / "columns.yaml"

DDL = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "documents": ("doc_id VARCHAR PRIMARY KEY, source VARCHAR, format VARCHAR, title VARCHAR, genre VARCHAR, "
                  "year INTEGER, region VARCHAR, region_code VARCHAR, city VARCHAR, province VARCHAR, "
                  "level VARCHAR, issuers VARCHAR, pages INTEGER, chars BIGINT, n_sections INTEGER, "
                  "n_quantities INTEGER, n_measures INTEGER, n_indicators INTEGER, seconds DOUBLE, "
                  "meta VARCHAR, extracted_at TIMESTAMP DEFAULT current_timestamp, text_sha256 VARCHAR, "
                  "fingerprint VARCHAR, n_sources INTEGER"),
    "sections": ('doc_id VARCHAR, id VARCHAR, parent VARCHAR, level INTEGER, number VARCHAR, title VARCHAR, '
                 'part VARCHAR, category VARCHAR, "start" BIGINT, "end" BIGINT'),
    "quantities": ('doc_id VARCHAR, idx INTEGER, text VARCHAR, "start" BIGINT, "end" BIGINT, value DOUBLE, '
                   '"max" DOUBLE, unit VARCHAR, qualifier VARCHAR, kind VARCHAR, period VARCHAR, subject VARCHAR, '
                   'section VARCHAR, page INTEGER, sentence INTEGER, sentence_text VARCHAR, row_id VARCHAR'),
    "measures": ('doc_id VARCHAR, idx INTEGER, text VARCHAR, "start" BIGINT, "end" BIGINT, name VARCHAR, '
                 'type VARCHAR, section VARCHAR, category VARCHAR, part VARCHAR, page INTEGER'),
    "indicators": ('doc_id VARCHAR, source VARCHAR, region_code VARCHAR, region VARCHAR, city VARCHAR, '
                   'province VARCHAR, level VARCHAR, year INTEGER, genre VARCHAR, indicator VARCHAR, '
                   'name_zh VARCHAR, category VARCHAR, value DOUBLE, unit VARCHAR, qualifier VARCHAR, '
                   'period VARCHAR, evidence VARCHAR, page INTEGER, "start" BIGINT, "end" BIGINT, '
                   'confidence DOUBLE, method VARCHAR, quantity INTEGER, note VARCHAR, "max" DOUBLE, section VARCHAR, '
                   'sentence INTEGER, sentence_text VARCHAR, idx INTEGER, row_id VARCHAR'),
    "errors": ("path VARCHAR, doc_id VARCHAR, stage VARCHAR, error_class VARCHAR, message VARCHAR, "
               "failed_at TIMESTAMP DEFAULT current_timestamp"),
    "texts": "doc_id VARCHAR PRIMARY KEY, text VARCHAR",
    "sentences": 'doc_id VARCHAR, idx INTEGER, "start" BIGINT, "end" BIGINT, text VARCHAR, section VARCHAR, page INTEGER',
    "document_sources": ("doc_id VARCHAR, source VARCHAR, relation VARCHAR, similarity DOUBLE, format VARCHAR, "
                         "bytes_sha256 VARCHAR, meta VARCHAR, url VARCHAR, fetched_at VARCHAR, http_status INTEGER, "
                         "content_type VARCHAR, added_at TIMESTAMP DEFAULT current_timestamp, input_id VARCHAR, "
                         "raw_path VARCHAR"),
    # the tables of docs/tables.md: one row per table, one per cell (``quantity`` = idx in quantities)
    "tables": ('doc_id VARCHAR, id VARCHAR, page INTEGER, caption VARCHAR, unit VARCHAR, source VARCHAR, '
               '"start" BIGINT, "end" BIGINT, section VARCHAR, n_rows INTEGER, n_cols INTEGER, header_rows INTEGER, '
               'stub_cols INTEGER, header VARCHAR, "columns" VARCHAR, "rows" VARCHAR'),
    "table_cells": ('doc_id VARCHAR, table_id VARCHAR, "row" INTEGER, col INTEGER, rowspan INTEGER, colspan INTEGER, '
                    'text VARCHAR, "start" BIGINT, "end" BIGINT, role VARCHAR, value DOUBLE, unit VARCHAR, '
                    'kind VARCHAR, quantity INTEGER, page INTEGER, row_label VARCHAR, column_label VARCHAR'),
}
TABLES = ["documents", "sections", "quantities", "measures", "indicators", "errors", "texts", "sentences",
          "document_sources", "tables", "table_cells"]
#: per-document tables (every row has the document's doc_id)
DOC_TABLES = ("sections", "quantities", "measures", "indicators", "sentences", "texts", "document_sources",
              "tables", "table_cells", "documents")
TIMESTAMPS = ("extracted_at", "failed_at", "added_at")
#: the large per-document tables, whose snapshots during a batch are written in parts (the new rows only)
PART_TABLES = ("sections", "quantities", "measures", "indicators", "texts", "sentences", "tables", "table_cells")
#: parts per table before a snapshot writes the table whole again
MAX_PARTS = 32
PARTS_DIR = ".parts"



class StoreFailed(ExtractorError):
    """A write to the batch output failed (disk full, read-only, I/O error); what was committed is kept."""

    def __init__(self, where, exc: BaseException, doc: Optional[str]):
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        on = f" while storing {doc}" if doc else ""
        super().__init__(where, f"write failed{on}: {reason}; the documents committed before are kept "
                                "(free space or fix the folder, then run the same command again to resume)")
        self.doc = doc
        self.summary = None

class Store:
    """The DuckDB database of one batch output folder."""

    def __init__(self, out_dir, read_only: bool = False, wait: float = 0.0, snapshot: bool = True):
        """``read_only``: for readers (query, compare, show, run's table). While a batch writes to the folder,
        its database is locked: a reader waits up to ``wait`` seconds for the lock, then reads the Parquet
        snapshot the batch keeps in ``DIR/parquet/`` (``snapshot``, with a note on stderr: :attr:`note`), else
        fails with one line saying so."""
        import duckdb

        from extractor.batch.sqlsafe import connect_readonly, database_problem
        from extractor.core.errors import ExtractorError
        self.dir = Path(out_dir)
        self.path = self.dir / DB_NAME
        self.note = None
        self._pending: dict = {}  # table → rows buffered for the next group commit
        self._broken = False  # a group commit failed
        self._recount: set = set()  # doc_ids whose n_sources the next commit recounts
        self._pending_docs = 0
        self._pending_since = 0.0
        self._seen: Optional[dict] = None
        self._new_ids: list = []  # doc_ids committed as new documents since the last Parquet snapshot
        self.snapshots = True  # False: no incremental snapshot will be asked for (the new doc_ids are not kept)
        self._dirty: set = set()  # tables whose stored rows were replaced or deleted since the last snapshot
        if read_only:
            if not self.path.exists():
                from extractor.core.errors import InputNotFound
                raise InputNotFound(self.path, "no batch database here (run `extractor batch ... --out DIR` first)")
            deadline = time.monotonic() + max(0.0, float(wait or 0))
            while True:
                try:
                    self._con = connect_readonly(self.path)
                    return
                except ExtractorError as exc:
                    if "lock" not in str(exc.__cause__ or "").lower():
                        raise
                    if time.monotonic() < deadline:
                        time.sleep(0.5)
                        continue
                    self._open_snapshot(snapshot, wait)
                    return
        if self.dir.exists() and not self.dir.is_dir():
            raise ExtractorError(self.dir, "--out must be a folder, and this is a file")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a parent is a file, a read-only file system, no permission
            raise ExtractorError(self.dir, f"cannot create the output folder: {exc.strerror or exc}") from exc
        try:
            self._con = duckdb.connect(str(self.path), config={"memory_limit": WRITER_MEMORY,
                                                               "checkpoint_threshold": CHECKPOINT_WAL})
            self._create()
        except duckdb.Error as exc:
            raise ExtractorError(self.path, database_problem(exc)) from exc

    @contextlib.contextmanager
    def _transaction(self):
        """One transaction: committed when the block ends, rolled back when anything (a kill included) stops it."""
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
            self._con.execute("COMMIT")
        except BaseException:
            import duckdb
            try:
                self._con.execute("ROLLBACK")
            except duckdb.Error:  # a failed COMMIT (a full disk) has already ended the transaction
                pass
            raise

    @property
    def con(self):
        """The DuckDB connection, with every buffered write committed first (:meth:`flush`)."""
        self.flush()
        return self._con

    # -- group commits ------------------------------------------------------------------------------
    def _known(self) -> dict:
        """What the writer must know to tell a new document from one that replaces stored rows: the stored
        doc_ids and sources, the (doc_id, source) pairs of document_sources, the paths and doc_ids of errors."""
        if self._seen is None:
            con = self._con
            self._seen = {
                "ids": {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()},
                "sources": {r[0] for r in con.execute("SELECT source FROM documents").fetchall()},
                "pairs": {(r[0], r[1]) for r in con.execute("SELECT doc_id, source FROM document_sources").fetchall()},
                "src_any": {r[0] for r in con.execute("SELECT source FROM document_sources").fetchall()},
                "err_paths": {r[0] for r in con.execute("SELECT path FROM errors").fetchall()},
                "err_ids": {r[0] for r in con.execute("SELECT doc_id FROM errors WHERE doc_id IS NOT NULL").fetchall()},
            }
        return self._seen

    def _buffer(self, rows: dict, recount=()) -> None:
        for table, rs in rows.items():
            if isinstance(rs, list):
                if rs:
                    self._pending.setdefault(table, []).extend(rs)
            elif rs.num_rows:  # an Arrow table of pack()
                self._pending.setdefault(table, []).append(rs)
        self._recount.update(recount)
        if not self._pending_docs:
            self._pending_since = time.monotonic()
        self._pending_docs += 1
        if self._pending_docs >= GROUP_DOCS or time.monotonic() - self._pending_since >= GROUP_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered documents and sources in one transaction (each one complete, or none of them)."""
        if not self._pending_docs:
            return
        pending, recount = self._pending, self._recount
        self._pending, self._recount, self._pending_docs = {}, set(), 0
        try:
            with self._transaction():
                for table in TABLES:
                    if pending.get(table):
                        self._insert(table, pending[table])
                if recount:
                    self._con.execute("UPDATE documents SET n_sources = (SELECT count(*) FROM document_sources s "
                                      "WHERE s.doc_id = documents.doc_id) WHERE list_contains(?, doc_id)",
                                      [sorted(recount)])
            if self.snapshots:
                self._new_ids.extend(r["doc_id"] for r in pending.get("documents", ()))
        except Exception as exc:  # disk full, read-only, I/O error: one clear error, what was committed is kept
            self._seen = None  # what was buffered is not stored: read it back from the database next time
            self._broken = True
            if isinstance(exc, ExtractorError):
                raise
            raise StoreFailed(self.path, exc, None) from exc
        except BaseException:
            self._seen = None
            self._broken = True
            raise

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

    def _open_snapshot(self, allowed: bool, wait: float) -> None:
        """An in-memory copy of the Parquet snapshot, or a one-line error when there is none."""
        import duckdb

        from extractor.batch.sqlsafe import READ_ONLY_CONFIG, quote_literal
        from extractor.core.errors import ExtractorError
        pq = self.dir / "parquet"
        files = {t: pq / f"{t}.parquet" for t in TABLES}
        if not allowed or not all(f.exists() for t, f in files.items() if t in ("documents", "indicators")):
            raise ExtractorError(self.dir, "another batch is writing to this folder (its database is locked) and "
                                           "there is no snapshot in parquet/ yet; wait for it to finish, or use "
                                           f"--wait SECONDS{' (waited %gs)' % wait if wait else ''}")
        self._con = duckdb.connect(":memory:")
        for table, f in files.items():
            for attempt in range(3):  # a part may be folded into <table>.parquet between the listing and the read
                found = ([f] if f.exists() else []) + sorted(_parts_dir(self.dir).glob(f"{table}-*.parquet"))
                try:
                    if found:
                        names = ", ".join(quote_literal(str(p)) for p in found)
                        self._con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet([{names}])")
                    else:
                        self._con.execute(f"CREATE OR REPLACE TABLE {table} ({DDL[table]})")
                    break
                except duckdb.IOException:
                    if attempt == 2:
                        raise
        self._con.execute(f"CREATE TABLE meta ({DDL['meta']})")
        for key, value in READ_ONLY_CONFIG.items():  # the same limits as a read-only database connection
            self._con.execute(f"SET {key} = {str(value).lower()}")
        import datetime
        when = datetime.datetime.fromtimestamp(files["documents"].stat().st_mtime).strftime("%H:%M:%S")
        self.note = (f"note: another batch is writing to {self.dir}; reading its snapshot parquet/ of {when} "
                     f"({self.count('documents')} documents; --wait SECONDS to wait for the database instead)")
        import sys
        print(self.note, file=sys.stderr)

    def _create(self) -> None:
        from extractor.core.errors import ExtractorError
        existing = {r[0] for r in self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        version = None
        if "meta" in existing:
            row = self._con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else (row[0] if row else None)
        if version is not None and version != SCHEMA_VERSION and not (isinstance(version, int) and version < SCHEMA_VERSION):
            raise ExtractorError(self.path, f"database schema version {version}, this extractor writes "
                                            f"{SCHEMA_VERSION}: use a new --out folder")
        for table, ddl in DDL.items():
            self._con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({ddl})")
            if table in existing:  # an older database: add the columns this version writes
                have = {r[0] for r in self._con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
                for name, typ in _typed_cols(table):
                    if name not in have:
                        self._con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {typ}')
        if version is None:
            self._con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif version != SCHEMA_VERSION:
            self._con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        self._comment()

    def _comment(self) -> None:
        """``COMMENT ON COLUMN`` for every column described in ``data/batch/columns.yaml``."""
        from extractor.batch.sqlsafe import quote_ident, quote_literal
        try:
            from extractor.text import yamlio
            comments = yamlio.safe_load(COMMENTS.read_text(encoding="utf-8")) or {}
        except (OSError, ValueError):  # pragma: no cover - the package data is missing
            return
        for table, cols in comments.items():
            if table not in DDL:
                continue
            names = {n for n, _ in _typed_cols(table)}
            for col, text in (cols or {}).items():
                if col == "_table":
                    self._con.execute(f"COMMENT ON TABLE {table} IS {quote_literal(str(text))}")
                elif col in names:
                    self._con.execute(f"COMMENT ON COLUMN {table}.{quote_ident(col)} IS {quote_literal(str(text))}")

    # -- reading ------------------------------------------------------------------------------------
    def done_ids(self) -> set:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM documents").fetchall()}

    def failed_paths(self) -> dict:
        return {r[0]: r[1] for r in self.con.execute("SELECT path, doc_id FROM errors").fetchall()}

    def stored_documents(self) -> int:
        """The documents committed (what is buffered not counted, nothing flushed: safe after a failed commit)."""
        try:
            return self._con.execute("SELECT count(*) FROM documents").fetchone()[0]
        except Exception:  # noqa: BLE001 - a broken connection: nothing known to be stored
            return 0

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    # -- writing ------------------------------------------------------------------------------------
    def write_document(self, out: dict, path: str, seconds: float = 0.0, source: Optional[dict] = None,
                       supersedes: Optional[tuple] = None) -> None:
        """Write one document's extraction (the JSON of spec/output.md): its rows, its text and sentences, and
        ``path`` as its first source (``source``: provenance of that input), all in one transaction. A new
        document is buffered and committed with the next group (:data:`GROUP_DOCS` documents or
        :data:`GROUP_SECONDS`); one that replaces stored rows is written at once.
        ``supersedes``: ``(doc_id, similarity)`` of a stored duplicate this one replaces as the original (a
        text file over the PDF of the same report); its sources become this document's duplicates."""
        doc = out["document"]
        doc_id = doc["id"]
        src_name = doc.get("source") or path
        rows = self._document_rows(out, path, seconds, source)
        seen = self._known()
        fresh = (not supersedes and doc_id not in seen["ids"] and src_name not in seen["sources"]
                 and src_name not in seen["src_any"] and path not in seen["err_paths"] and doc_id not in seen["err_ids"])
        seen["ids"].add(doc_id)
        seen["sources"].add(src_name)
        seen["src_any"].add(src_name)
        seen["pairs"].add((doc_id, src_name))
        if fresh:
            self._buffer(rows)
            return
        self.flush()
        self._seen = None  # rows are replaced below: read the sets back next time
        self._dirty.update(PART_TABLES)  # the next snapshot writes these tables whole
        con = self._con
        with self._transaction():
            # the same source with other bytes (a corrected file re-batched) is replaced, never kept beside
            stale = [r[0] for r in con.execute("SELECT doc_id FROM documents WHERE source = ? AND doc_id <> ?",
                                               [src_name, doc_id]).fetchall()]
            for old in [doc_id] + stale:
                for table in DOC_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [old])
            con.execute("DELETE FROM document_sources WHERE source = ?", [src_name])
            if supersedes:
                prev, sim = supersedes
                for table in DOC_TABLES:
                    if table != "document_sources":
                        con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [prev])
                con.execute("UPDATE document_sources SET doc_id = ?, relation = 'duplicate', similarity = ? "
                            "WHERE doc_id = ?", [doc_id, sim, prev])
            con.execute("DELETE FROM errors WHERE path = ? OR doc_id = ?", [path, doc_id])
            for table in TABLES:
                rs = rows.get(table)
                if rs is not None and (rs if isinstance(rs, list) else rs.num_rows):
                    self._insert(table, rs if isinstance(rs, list) else [rs])
            if supersedes:
                con.execute("UPDATE documents SET n_sources = (SELECT count(*) FROM document_sources s "
                            "WHERE s.doc_id = documents.doc_id) WHERE doc_id = ?", [doc_id])

    def _document_rows(self, out: dict, path: str, seconds: float, source: Optional[dict]) -> dict:
        """``{table: rows}`` of one document's extraction (``out``: its JSON, or :func:`pack` of it): the rows of
        ``documents`` and ``document_sources`` as dicts (they name the input), the others as Arrow tables."""
        packed = out if PACKED in out else pack(out)
        doc = packed["document"]
        doc_id = doc["id"]
        src = _source_row(dict(source or {}))
        src.setdefault("format", doc.get("format"))
        rows = {t: unpack_table(b) for t, b in packed[PACKED].items()}
        rows["document_sources"] = [dict(src, doc_id=doc_id, source=doc.get("source") or path, relation="original")]
        rows["documents"] = [dict(packed["row"], source=doc.get("source") or path, seconds=round(seconds, 4))]
        return rows

    def add_source(self, doc_id: str, path: str, relation: str = "duplicate", similarity: Optional[float] = None,
                   source: Optional[dict] = None) -> None:
        """Record ``path`` as another source of the stored document ``doc_id`` (a duplicate of it); buffered with
        the next group commit unless it replaces a recorded source or error."""
        row = _source_row(dict(source or {}, doc_id=doc_id, source=path, relation=relation, similarity=similarity))
        seen = self._known()
        fresh = (doc_id, path) not in seen["pairs"] and path not in seen["err_paths"]
        seen["pairs"].add((doc_id, path))
        seen["src_any"].add(path)
        if fresh:
            self._buffer({"document_sources": [row]}, recount=[doc_id])
            return
        self.flush()
        self._seen = None
        con = self._con
        with self._transaction():
            con.execute("DELETE FROM document_sources WHERE doc_id = ? AND source = ?", [doc_id, path])
            con.execute("DELETE FROM errors WHERE path = ?", [path])
            self._insert("document_sources", [row])
            con.execute("UPDATE documents SET n_sources = (SELECT count(*) FROM document_sources s "
                        "WHERE s.doc_id = documents.doc_id) WHERE doc_id = ?", [doc_id])

    def sources(self) -> dict:
        """``{source: input_id}`` of every recorded source (the sha256 of its bytes or text when it was read)."""
        return {r[0]: r[1] for r in self.con.execute("SELECT source, input_id FROM document_sources").fetchall()}

    def fingerprints(self) -> list:
        """``(doc_id, text_sha256, fingerprint, year, region_code, title, format)`` of every stored document."""
        return self.con.execute("SELECT doc_id, text_sha256, fingerprint, year, region_code, title, format "
                                "FROM documents").fetchall()

    def write_error(self, path: str, doc_id: Optional[str], stage: str, error_class: str, message: str) -> None:
        self.flush()
        if self._seen is not None:
            self._seen["err_paths"].add(path)
            if doc_id:
                self._seen["err_ids"].add(doc_id)
        con = self._con
        with self._transaction():
            con.execute("DELETE FROM errors WHERE path = ?", [path])
            con.execute("INSERT INTO errors (path, doc_id, stage, error_class, message) VALUES (?, ?, ?, ?, ?)",
                        [path, doc_id, stage, error_class, message])

    def _insert(self, table: str, rows: list) -> None:
        """Insert rows (dicts, or Arrow tables of :func:`pack`) as one Arrow table (DuckDB's executemany goes row
        by row: ~100x slower)."""
        if not rows:
            return
        import pyarrow as pa
        if isinstance(rows[0], pa.Table):
            data = rows[0] if len(rows) == 1 else pa.concat_tables(rows)
        else:
            data = arrow_table(table, rows)
        quoted = ", ".join(f'"{name}"' for name in data.column_names)
        self._con.register("_rows", data)
        try:
            self._con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _rows")
        finally:
            self._con.unregister("_rows")

    # -- export -------------------------------------------------------------------------------------
    def export_parquet(self, incremental: bool = False) -> Path:
        """Parquet files of every table in ``DIR/parquet/`` (each written to a temp file, then renamed).

        ``incremental`` (the snapshots of a running batch): the large per-document tables get only the rows of
        the documents committed since the last snapshot, as one more part in ``parquet/.parts/`` (readers of the
        snapshot read ``<table>.parquet`` and its parts), so a snapshot costs what was added, not the whole
        store; a table whose stored rows were replaced or deleted since, and the small tables (documents,
        sources, errors), are written whole. A full export (the end of a run) writes every table whole and
        removes the parts: the layout is then ``parquet/<table>.parquet`` alone.
        Rows stream from DuckDB as Arrow batches into pyarrow's writer: no path is ever part of an SQL string.
        """
        pq = self.dir / "parquet"
        pq.mkdir(exist_ok=True)
        cur = self.con.cursor()  # its own connection: a caller's unfinished result does not block the stream
        try:
            self._export_tables(cur, pq, incremental)
        finally:
            cur.close()
        return pq

    def has_parts(self) -> bool:
        """Whether ``parquet/`` holds snapshot parts (a batch is running, or one stopped before its last export)."""
        return any(_parts_dir(self.dir).glob("*.parquet"))

    def _export_tables(self, cur, pq: Path, incremental: bool = False) -> None:
        parts = _parts_dir(self.dir)
        new_ids, self._new_ids = self._new_ids, []
        dirty, self._dirty = self._dirty, set()
        try:
            for table in TABLES:
                final = pq / f"{table}.parquet"
                have = sorted(parts.glob(f"{table}-*.parquet"))
                if (incremental and table in PART_TABLES and table not in dirty and final.exists()
                        and len(have) < MAX_PARTS):
                    if new_ids:
                        self._export_part(cur, table, parts, have, new_ids)
                    continue
                # the parts go just before the whole table replaces <table>.parquet: a reader never gets both
                self._export_table(cur, table, final, f"SELECT * FROM {table}", drop=have)
        except BaseException:  # some parts may be written: the next snapshot writes the large tables whole
            self._dirty |= dirty | set(PART_TABLES)
            raise
        if not incremental:
            with contextlib.suppress(OSError):
                parts.rmdir()

    def _export_part(self, cur, table: str, parts: Path, have: list, new_ids: list) -> None:
        import pyarrow as pa
        parts.mkdir(exist_ok=True)
        n = int(have[-1].stem.rsplit("-", 1)[1]) + 1 if have else 1
        cur.register("_snapshot_ids", pa.table({"doc_id": pa.array(new_ids, pa.string())}))
        try:
            self._export_table(cur, table, parts / f"{table}-{n:05d}.parquet",
                               f"SELECT * FROM {table} WHERE doc_id IN (SELECT doc_id FROM _snapshot_ids)",
                               skip_empty=True)
        finally:
            cur.unregister("_snapshot_ids")

    @staticmethod
    def _export_table(cur, table: str, final: Path, sql: str, skip_empty: bool = False, drop=()) -> None:
        import pyarrow.parquet as papq
        tmp = final.with_name(f".{final.name}.tmp")
        rel = cur.sql(sql)  # in the order written (sorting costs 3x the export)
        rows = EXPORT_BATCH_ROWS.get(table, 65536)
        reader = rel.to_arrow_reader(rows) if hasattr(rel, "to_arrow_reader") else rel.fetch_arrow_reader(rows)
        n = 0
        try:
            with papq.ParquetWriter(str(tmp), reader.schema) as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    n += batch.num_rows
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            reader.close()  # the connection takes no other statement while a stream is open
        if skip_empty and not n:
            tmp.unlink(missing_ok=True)
            return
        for f in drop:
            f.unlink(missing_ok=True)
        os.replace(tmp, final)

    def indicator_frame(self):
        import pandas as pd
        df = self.con.execute("SELECT * FROM indicators ORDER BY region, year, indicator").df()
        return df if not df.empty else pd.DataFrame(columns=COLUMNS)

    def close(self) -> None:
        """Commit what is buffered, then close the database (a store whose writes failed before keeps quiet
        when this last commit fails too: the first failure is the one reported)."""
        try:
            broken = self._broken
            try:
                self.flush()
            except StoreFailed:
                if not broken:
                    raise
        finally:
            try:
                self._con.close()
            except Exception:  # pragma: no cover
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


#: the key of :func:`pack`'s Arrow tables
PACKED = "arrow"


def _source_row(row: dict) -> dict:
    """A ``document_sources`` row with its provenance ``meta`` as JSON text (the column is text)."""
    if isinstance(row.get("meta"), dict):
        row["meta"] = jsonio.dumps(row["meta"], default=str)
    return row


def pack(out: dict) -> dict:
    """What the store keeps of one extraction (the JSON of spec/output.md), built where the extraction ran (a
    batch worker), so that the writer only concatenates and inserts: the document header (``document``, the
    dedup key and fingerprint, ``chars``), its ``documents`` row but for ``source`` and ``seconds`` (``row``), and
    the rows of every other per-document table, but ``document_sources``, as Arrow IPC streams (``arrow``:
    ``{table: bytes}``, empty tables left out). Much smaller to pickle than the report's JSON and its text."""
    from extractor.batch.dedup import key_and_fingerprint
    doc = out["document"]
    doc_id = doc["id"]
    region = doc.get("region") or {}
    text = out.get("text") or ""
    sections = out.get("sections") or []
    sents = sentence_rows(text, sections, out.get("page_starts"))
    starts = [s["start"] for s in sents]
    stexts = [s["text"] for s in sents]
    quantities = out.get("quantities") or []
    q_sent = [_sentence_at(starts, sents, q.get("start")) for q in quantities]
    inds = rows_of(out)
    for n, (row, ind) in enumerate(zip(inds, out.get("indicators") or [])):
        row["idx"], row["row_id"] = n, row_id(doc_id, "i", n)
        qi = ind.get("quantity")
        row["quantity"] = qi
        row["note"] = ind.get("note")
        q = quantities[qi] if isinstance(qi, int) and 0 <= qi < len(quantities) else None
        anchor = q.get("start") if q else ind.get("start")
        k = _sentence_at(starts, sents, anchor)
        row["sentence"] = k
        row["sentence_text"] = stexts[k] if k is not None else None
        row["section"] = ind.get("section") or (q.get("section") if q else None)
        if q and q.get("max") is not None and ind.get("max") is None and q.get("value"):
            row["max"] = float(q["max"]) * float(ind.get("value") or 0) / float(q["value"])
        else:
            row["max"] = ind.get("max")
    tables = out.get("tables") or []
    measures = out.get("measures") or []
    key, fp = out.get("text_sha256"), out.get("fingerprint")
    if not key or not fp:
        key, fp = key_and_fingerprint(text)
    arrow = {  # (tables without rows are left out: the writer has nothing to insert)
        "sections": _table_of("sections", sections, doc_id=doc_id),
        "quantities": _table_of("quantities", quantities, doc_id=doc_id, idx=list(range(len(quantities))),
                                sentence=q_sent, sentence_text=[stexts[k] if k is not None else None for k in q_sent],
                                row_id=[row_id(doc_id, "q", i) for i in range(len(quantities))]),
        "measures": _table_of("measures", measures, doc_id=doc_id, idx=list(range(len(measures)))),
        "indicators": arrow_table("indicators", inds),
        "tables": _table_of("tables", tables, doc_id=doc_id) if tables else None,
        "table_cells": arrow_table("table_cells", _cell_rows(doc_id, tables)) if tables else None,
        "texts": _table_of("texts", [{}], doc_id=doc_id, text=[text]),
        "sentences": _table_of("sentences", sents, doc_id=doc_id),
    }
    return {
        "document": doc, "text_sha256": key, "fingerprint": fp, "chars": len(text),
        "row": {
            "doc_id": doc_id, "format": doc.get("format"),
            "title": doc.get("title"), "genre": doc.get("genre"), "year": doc.get("year"),
            "region": region.get("name"), "region_code": region.get("code"), "city": region.get("city"),
            "province": region.get("province"), "level": region.get("level"),
            "issuers": json.dumps(doc.get("issuers") or [], ensure_ascii=False), "pages": doc.get("pages"),
            "chars": len(text), "n_sections": len(sections),
            "n_quantities": len(quantities), "n_measures": len(measures),
            "n_indicators": len(out.get("indicators") or []),
            "meta": jsonio.dumps(out.get("meta") or {}, default=str),
            "text_sha256": key, "fingerprint": fp, "n_sources": 1,
        },
        PACKED: {t: _ipc(a) for t, a in arrow.items() if a is not None and a.num_rows},
    }


def _parts_dir(out_dir: Path) -> Path:
    return Path(out_dir) / "parquet" / PARTS_DIR


def _ipc(table) -> bytes:
    import pyarrow as pa
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def unpack_table(data: bytes):
    """The Arrow table of one :func:`pack` stream."""
    import pyarrow as pa
    return pa.ipc.open_stream(data).read_all()


def arrow_table(table: str, rows: list):
    """The Arrow table of ``rows`` (dicts) for ``table``: its columns but the timestamps, typed as in :data:`DDL`."""
    import pyarrow as pa
    cols = [(name, typ) for name, typ in _typed_cols(table) if name not in TIMESTAMPS]
    return pa.table({name: _column([r.get(name) for r in rows], typ) for name, typ in cols})


def _table_of(table: str, rows: list, **fixed):
    """:func:`arrow_table` of ``[dict(r, **fixed_i) for r in rows]`` without building those dicts: ``fixed``
    gives a column's values (a list) or one value for every row."""
    import pyarrow as pa
    n = len(rows)
    arrays = {}
    for name, typ in _typed_cols(table):
        if name in TIMESTAMPS:
            continue
        if name in fixed:
            v = fixed[name]
            values = v if isinstance(v, list) else [v] * n
        else:
            values = [r.get(name) for r in rows]
        arrays[name] = _column(values, typ)
    return pa.table(arrays)


def _cell_rows(doc_id: str, tables: list) -> list:
    cells = []
    for t in tables:
        cols, rows = t.get("columns") or [], t.get("rows") or []
        for c in t.get("cells") or []:
            r, k = c.get("row", 0), c.get("col", 0)
            cells.append(dict(c, doc_id=doc_id, table_id=t.get("id"), rowspan=c.get("rowspan", 1),
                              colspan=c.get("colspan", 1), page=c.get("page", t.get("page")),
                              row_label=rows[r] if r < len(rows) else None,
                              column_label=cols[k] if k < len(cols) else None))
    return cells


def sentence_rows(text: str, sections: list, page_starts=None) -> list[dict]:
    """The sentences of ``text`` with their innermost section and page (rows of the ``sentences`` table).

    A sentence's section is the last one, ordered by (start, level), that starts at or before the sentence and
    ends after its start (later, i.e. deeper or later-starting, sections that contain it win). One sweep: the
    sentences come in order, so a section that ended before one sentence's start has ended for all the next."""
    import bisect
    import heapq

    from extractor.stages.sentences import split
    spans = sorted(((s.get("start") or 0, s.get("end") or 0, s.get("level") or 0, s.get("id")) for s in sections),
                   key=lambda t: (t[0], t[2]))
    rows = []
    open_: list = []  # -(position in spans) of the sections started so far that may still contain a sentence
    j, n = 0, len(spans)
    for i, (a, b) in enumerate(split(text)):
        while j < n and spans[j][0] <= a:
            heapq.heappush(open_, -j)
            j += 1
        while open_ and spans[-open_[0]][1] <= a:
            heapq.heappop(open_)  # ended at or before this start: before every later one too
        sec = spans[-open_[0]][3] if open_ else None
        page = bisect.bisect_right(page_starts, a) if page_starts else None
        rows.append({"idx": i, "start": a, "end": b, "text": text[a:b], "section": sec, "page": page or None})
    return rows


def _sentence_rows_reference(text: str, sections: list, page_starts=None) -> list[dict]:
    """:func:`sentence_rows` by its definition (every section tried for every sentence): the tests' oracle."""
    import bisect

    from extractor.stages.sentences import split
    spans = sorted(((s.get("start") or 0, s.get("end") or 0, s.get("level") or 0, s.get("id")) for s in sections),
                   key=lambda t: (t[0], t[2]))
    rows = []
    for i, (a, b) in enumerate(split(text)):
        sec = None
        for s0, e0, lvl, sid in spans:
            if s0 > a:
                break
            if a < e0:
                sec = sid
        page = bisect.bisect_right(page_starts, a) if page_starts else None
        rows.append({"idx": i, "start": a, "end": b, "text": text[a:b], "section": sec, "page": page or None})
    return rows


def row_id(doc_id: str, kind: str, idx: int) -> str:
    """The id ``extractor show`` takes: 12 characters of the doc_id, ``:``, ``i`` (indicator) or ``q``
    (quantity) and the row's position in the document (``3f9a1c07d2be:i4``)."""
    return f"{doc_id[:12]}:{kind}{idx}"


def _sentence_at(starts: list, sents: list, offset) -> Optional[int]:
    """Index of the sentence containing ``offset`` (the nearest one before it when between sentences)."""
    import bisect
    if offset is None or not starts:
        return None
    k = bisect.bisect_right(starts, int(offset)) - 1
    return max(k, 0)


@functools.lru_cache(maxsize=None)
def _typed_cols(table: str) -> tuple[tuple[str, str], ...]:
    out = []
    for part in DDL[table].split(","):
        words = part.strip().split()
        if words[0] != "PRIMARY":
            out.append((words[0].strip('"'), words[1]))
    return tuple(out)


def _arrow_types():
    import pyarrow as pa
    return {"VARCHAR": pa.string, "INTEGER": pa.int32, "BIGINT": pa.int64, "DOUBLE": pa.float64,
            "TIMESTAMP": pa.timestamp}


class _Lazy(dict):
    def __missing__(self, key):
        self.update(_arrow_types())
        return dict.__getitem__(self, key)


_ARROW = _Lazy()


_PLAIN = {"VARCHAR": frozenset((str, type(None))), "INTEGER": frozenset((int, type(None))),
          "BIGINT": frozenset((int, type(None))), "DOUBLE": frozenset((float, int, type(None)))}


def _column(values: list, typ: str):
    """One Arrow column of ``values`` as :func:`_cell` makes each of them (the common cases without a call
    per value: strings, integers, finite floats, None)."""
    import pyarrow as pa
    kinds = set(map(type, values))
    if kinds <= _PLAIN.get(typ, frozenset()):
        try:
            arr = pa.array(values, type=_ARROW[typ]())
        except (pa.ArrowInvalid, OverflowError):  # an integer past int64 (10.36百亿亿次 = 1.036e19) for a DOUBLE
            return pa.array([_cell(v, typ) for v in values], type=_ARROW[typ]())
        if typ == "DOUBLE" and float in kinds and not all(map(math.isfinite, filter(None, values))):
            import pyarrow.compute as pc  # NaN or an infinity: None, as _cell makes them
            finite = pc.is_finite(arr)
            arr = pc.if_else(finite, arr, pa.scalar(None, pa.float64()))
        return arr
    return pa.array([_cell(v, typ) for v in values], type=_ARROW[typ]())


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
