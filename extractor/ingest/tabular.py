"""One row of a tabular corpus (CSV, JSON Lines, Parquet with a text column) as a Document: ``path#row``.

``extractor.load("corpus.csv#3")`` reads the third data row (1-based, as the batch numbers them);
``corpus.jsonl#x1`` the row whose ``id`` (or ``doc_id``) is ``x1``. The row's text column (``full_text``,
``content``, ``text``, ``body``, or ``text_column``) is the document text; its other columns go to ``meta``.
The document id is the sha256 of the text's UTF-8 bytes, the same id a batch gives that row.
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Iterator, Optional

from extractor.core import errors
from extractor.core.document import Document

SUFFIXES = {".csv", ".jsonl", ".parquet"}
TEXT_COLUMNS = ("full_text", "content", "text", "body")
ID_COLUMNS = ("id", "doc_id")


def split_ref(ref: str) -> Optional[tuple[Path, str]]:
    """``(file, row key)`` of ``file#key`` when ``file`` is an existing tabular corpus, else None."""
    path, sep, key = str(ref).rpartition("#")
    if not sep or not key or Path(path).suffix.lower() not in SUFFIXES or not Path(path).is_file():
        return None
    return Path(path), key


class BadRow:
    """A row of a tabular corpus that cannot be read (its line number and why)."""

    def __init__(self, line: int, cause: str):
        self.line, self.cause = line, cause


def rows(path: Path) -> Iterator[object]:
    """The rows of a corpus file as dicts (CSV with or without BOM, JSON Lines, Parquet); a JSON line that is
    not a JSON object is a :class:`BadRow`, so one broken line never hides the lines after it. Blank lines are
    no rows: row numbers (1-based) are the same for the batch and for ``path#row``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                yield {(k or "").strip(): v for k, v in row.items()}
    elif suffix == ".jsonl":
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    yield BadRow(n, f"line {n} is not valid JSON ({exc.msg})")
                    continue
                yield row if isinstance(row, dict) else BadRow(n, f"line {n} is not a JSON object")
    else:
        import pyarrow.parquet as pq
        for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
            yield from batch.to_pylist()


def read_row(ref: str, text_column: Optional[str] = None) -> Document:
    """The Document of ``file#key`` (see the module docstring)."""
    found = split_ref(ref)
    if found is None:
        raise errors.InputNotFound(ref, "no such file (nor a row of a .csv/.jsonl/.parquet corpus)")
    path, key = found
    try:
        for i, row in enumerate(rows(path)):
            if isinstance(row, BadRow):
                continue
            hit = (key.isdigit() and int(key) == i + 1) or any(str(row.get(c)) == key for c in ID_COLUMNS if c in row)
            if not hit:
                continue
            col = text_column or next((c for c in TEXT_COLUMNS if c in row), None)
            text = row.get(col) if col else None
            if not isinstance(text, str) or not text.strip():
                raise errors.EmptyDocument(ref, f"row {key} has no text (columns: {', '.join(map(str, row))})")
            meta = {k: v for k, v in row.items() if k != col and isinstance(v, (str, int, float, bool, type(None)))}
            title = meta.get("title") if isinstance(meta.get("title"), str) else None
            return Document(text=text, source=str(ref), id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                            format="text", encoding="utf-8", title=title or _first_line(text), meta=meta)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise errors.CorruptDocument(ref, f"cannot read the corpus file: {exc}") from exc
    raise errors.InputNotFound(ref, f"{path.name} has no row {key!r} (rows are numbered from 1, or named by "
                                    f"their {'/'.join(ID_COLUMNS)} column)")


def _first_line(text: str) -> Optional[str]:
    for line in text.splitlines():
        s = line.strip().lstrip("#").strip()
        if s:
            return s if len(s) <= 120 else None
    return None
