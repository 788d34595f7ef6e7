"""Read-only, bounded access to a batch database (``DIR/extractor.duckdb``).

The connection is opened ``read_only`` with external access (files, HTTP), extension auto-install and
auto-load switched off and the configuration locked, so no SQL the explorer runs can read or write
anything but the database itself. Every query runs on its own cursor with a row limit and a timeout
(the cursor is interrupted when the time is up).

Tables and columns are looked up once: pages ask :meth:`DB.has` / :meth:`DB.columns` before using a
table that newer batches add (``texts``, ``sentences``, ``tables``, ``table_cells``, ``document_sources``),
so they work over older and newer batch folders alike.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional, Sequence

DB_NAME = "extractor.duckdb"
CONFIG = {"enable_external_access": False, "autoinstall_known_extensions": False,
          "autoload_known_extensions": False, "lock_configuration": True}
#: most rows any query returns
MAX_ROWS = 5000
#: seconds any query may run
TIMEOUT = 5.0


class QueryTimeout(Exception):
    """A query ran longer than the explorer allows."""


class DB:
    def __init__(self, out_dir, timeout: float = TIMEOUT, max_rows: int = MAX_ROWS):
        import duckdb
        self.dir = Path(out_dir).resolve()
        self.path = self.dir / DB_NAME
        if not self.path.is_file():
            from extractor.core.errors import InputNotFound
            raise InputNotFound(str(self.path), "no batch database here (run `extractor batch ... --out DIR` first)")
        self.timeout = timeout
        self.max_rows = max_rows
        try:
            self.con = duckdb.connect(str(self.path), read_only=True, config=dict(CONFIG))
        except duckdb.Error as exc:
            from extractor.core.errors import CorruptDocument
            raise CorruptDocument(str(self.path), f"cannot open the batch database read-only ({exc})") from exc
        self._lock = threading.Lock()
        rows = self.con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall()
        self._columns: dict[str, list[str]] = {}
        for table, col in rows:
            self._columns.setdefault(table, []).append(col)

    # -- schema ---------------------------------------------------------------------------------------
    def has(self, table: str, column: Optional[str] = None) -> bool:
        cols = self._columns.get(table)
        return cols is not None and (column is None or column in cols)

    def columns(self, table: str) -> list[str]:
        return list(self._columns.get(table) or [])

    # -- queries --------------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = (), limit: Optional[int] = None) -> list[dict]:
        """Rows of ``sql`` as dicts, at most ``limit`` (default :data:`MAX_ROWS`), within the timeout."""
        limit = min(limit or self.max_rows, self.max_rows)
        with self._lock:
            cur = self.con.cursor()
        timer = threading.Timer(self.timeout, cur.interrupt)
        timer.start()
        try:
            res = cur.execute(sql, list(params))
            names = [d[0] for d in res.description]
            rows = res.fetchmany(limit)
        except Exception as exc:
            if "interrupt" in str(exc).lower():
                raise QueryTimeout(f"query took longer than {self.timeout:g} s") from exc
            raise
        finally:
            timer.cancel()
            cur.close()
        return [dict(zip(names, r)) for r in rows]

    def one(self, sql: str, params: Sequence[Any] = ()) -> Optional[dict]:
        rows = self.query(sql, params, limit=1)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()):
        row = self.one(sql, params)
        return next(iter(row.values())) if row else None

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:  # pragma: no cover
            pass
