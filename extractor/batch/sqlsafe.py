"""SQL safety for the batch database: quoting helpers and the read-only connection every reader uses.

Paths and names are never pasted into SQL: values go as parameters; where DuckDB takes no parameter (an
identifier, a literal in a ``COPY``), :func:`quote_ident` / :func:`quote_literal` quote them. Readers
(``query``, ``compare``, ``run``'s table, the explorer) open the database with :func:`connect_readonly`:
read-only, no file system or network access from SQL, no extension install/load, and the configuration
locked so a statement cannot undo it; :func:`check_read_only` also allows only reading statements.
"""
from __future__ import annotations

from pathlib import Path

from extractor.core.errors import ExtractorError

#: the settings of every read-only connection (DuckDB configuration options)
READ_ONLY_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
#: statement types a read-only query may run (DESCRIBE and SHOW parse as SELECT)
READING = {"SELECT", "EXPLAIN"}


def quote_ident(name: str) -> str:
    """``name`` as a DuckDB identifier: ``"…"`` with inner quotes doubled."""
    if "\x00" in name:
        raise ValueError("identifier contains a NUL byte")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """``value`` as a DuckDB string literal: ``'…'`` with inner quotes doubled."""
    if "\x00" in value:
        raise ValueError("string contains a NUL byte")
    return "'" + value.replace("'", "''") + "'"


def connect_readonly(path: Path):
    """A read-only connection to the database at ``path`` that cannot write, read other files or reach out."""
    import duckdb
    try:
        return duckdb.connect(str(path), read_only=True, config=dict(READ_ONLY_CONFIG))
    except duckdb.Error as exc:
        raise ExtractorError(path, database_problem(exc)) from exc


def check_read_only(con, sql: str) -> None:
    """Refuse anything but reading statements (one line, exit 2)."""
    import duckdb
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise ExtractorError(None, f"query failed: {str(exc).splitlines()[0]}") from exc
    if not statements:
        raise ExtractorError(None, "query failed: no SQL statement given")
    for st in statements:
        kind = str(st.type).rsplit(".", 1)[-1]
        if kind not in READING:
            raise ExtractorError(None, f"query refused: {kind} statements are not allowed (read-only: "
                                       "SELECT, WITH, DESCRIBE, SHOW, EXPLAIN)")


def database_problem(exc: BaseException) -> str:
    """A one-line cause for a DuckDB error when opening a database."""
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = msg.lower()
    if "lock" in low:
        return ("another process is writing to this batch folder (another `extractor batch` on the same --out?); "
                "wait for it to finish, or use another --out")
    if "not a valid duckdb" in low or "unable to open database" in low and "magic" in low or "magic" in low:
        return "is not a DuckDB database written by extractor (move it away or choose another --out)"
    if "read-only" in low or "permission" in low:
        return f"cannot write here: {msg}"
    return msg
