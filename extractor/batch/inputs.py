"""Documents from text held elsewhere: a string, or a row of a corpus CSV (one report per row).

>>> from extractor import corpus
>>> doc = corpus.from_text("2023年，周村区……", source="memo")
>>> docs = corpus.read_csv("2026_北京市_政府工作报告.csv")   # columns …, full_text
"""
from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path
from typing import Optional, Union

from extractor.core.document import Document
from extractor.ingest.tabular import BadRow, rows


def from_text(text: str, source: str = "<text>", title: Optional[str] = None, meta: Optional[dict] = None) -> Document:
    """A :class:`Document` whose text is ``text`` (id = sha256 of its UTF-8 bytes)."""
    from extractor.ingest import _first_line_title
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(text=text, source=source, id=doc_id, format="text", encoding="utf-8",
                    title=title or _first_line_title(text), meta=dict(meta or {}))


def read_csv(path: Union[str, Path], text_column: str = "full_text") -> list[Document]:
    """One Document per row of a corpus CSV (UTF-8, BOM allowed); the other columns go to ``doc.meta``.
    The row's ``title`` column is kept in ``meta`` only: the text is what gets analysed."""
    csv.field_size_limit(sys.maxsize)
    out = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            row = {(k or "").strip(): v for k, v in row.items()}
            text = row.pop(text_column, None) or ""
            out.append(from_text(text, source=f"{path}#{i + 1}", meta=row))
    return out


__all__ = ["from_text", "read_csv"]


# ------------------------------------------------------------------------------------ batch inputs

def _empty_stdin():
    from extractor.core.errors import EmptyDocument
    return EmptyDocument("-", "nothing on standard input")



TABULAR_SUFFIXES = {".csv", ".jsonl", ".parquet"}
TEXT_COLUMNS = ("full_text", "content", "text", "body")
ID_COLUMNS = ("id", "doc_id", "title")


class WorkItem:
    """One document of a batch: a file on disk, a text taken from a row of a tabular corpus, or bytes read from
    stdin or fetched from a URL (``data``). ``prov`` is the input's provenance for ``document_sources``."""

    __slots__ = ("path", "text", "meta", "doc_id", "error", "data", "prov")

    def __init__(self, path: str, text: Optional[str] = None, meta: Optional[dict] = None,
                 doc_id: Optional[str] = None, error: Optional[Exception] = None, data: Optional[bytes] = None,
                 prov: Optional[dict] = None):
        self.path, self.text, self.meta, self.doc_id = path, text, meta or {}, doc_id
        self.error = error  # an input that cannot be read as documents at all (e.g. no text column)
        self.data, self.prov = data, prov or {}

    def __repr__(self) -> str:
        return f"WorkItem({self.path!r}{', text' if self.text is not None else ''})"

    def __getstate__(self):
        return (self.path, self.text, self.meta, self.doc_id, self.error, self.data, self.prov)

    def __setstate__(self, state):
        self.path, self.text, self.meta, self.doc_id, self.error, self.data, self.prov = state

    def source_row(self) -> dict:
        """The provenance columns of this input's ``document_sources`` row."""
        row = {k: self.prov.get(k) for k in ("url", "fetched_at", "http_status", "content_type", "format", "raw_path")
               if self.prov.get(k) is not None}
        row["input_id"] = self.doc_id
        if self.text is None:
            row["bytes_sha256"] = self.doc_id
        if self.meta:
            row["meta"] = self.meta
        return row


def file_hash(path: Union[str, Path]) -> Optional[str]:
    """sha256 of a file's bytes (None when it cannot be read: the worker reports why).

    Only regular files are opened: a FIFO, a device (``/dev/zero``) or a socket would block or never end,
    so they get None here and a one-line "not a regular file" error from the worker."""
    import stat
    h = hashlib.sha256()
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):
            return None
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _is_url(s: str) -> bool:
    return s[:8].lower().startswith(("http://", "https://"))


def _is_path_list(p: Path) -> bool:
    """A .txt/.lst whose non-empty lines are all paths of existing files or URLs (a list of inputs, not a report)."""
    if p.suffix.lower() not in {".lst", ".list", ".txt"} or p.stat().st_size > 4 << 20:
        return False
    try:
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except (UnicodeDecodeError, OSError):
        return False
    return _all_inputs(lines, p.parent)


def _all_inputs(lines: list, base: Path) -> bool:
    if not lines or len(lines) > 200000:
        return False

    def exists(ln: str) -> bool:
        if len(ln) > 1024:
            return False
        if _is_url(ln):
            return " " not in ln
        try:
            return (base / ln).exists() or Path(ln).exists()
        except OSError:  # a line of prose too long for a file name
            return False

    return all(exists(ln) for ln in lines[:200])


def tabular_items(path: Path, text_column: Optional[str] = None, id_column: Optional[str] = None,
                  url_column: Optional[str] = None):
    """One WorkItem per row with text; ``source`` is ``FILE#ID`` (the id column, else the row number). With
    ``url_column``, a row without text is the report at its URL (fetched by the batch)."""
    from extractor.core import errors
    for i, row in enumerate(rows(path)):
        if isinstance(row, BadRow):
            yield WorkItem(path=f"{path}#{i + 1}", error=errors.CorruptDocument(f"{path}#{i + 1}", row.cause))
            continue
        if url_column and url_column in row:
            col = text_column or next((c for c in TEXT_COLUMNS if c in row), None)
            url = str(row.get(url_column) or "").strip()
            if (not col or not str(row.get(col) or "").strip()) and _is_url(url):
                meta = {k: v for k, v in row.items() if k != col and isinstance(v, (str, int, float, bool, type(None)))}
                yield WorkItem(path=url, meta=meta, prov={"url": url, "row": f"{path}#{i + 1}"})
                continue
        elif url_column:
            raise errors.ExtractorError(path, f"no URL column {url_column!r} (columns: {', '.join(row)})")
        col = text_column or next((c for c in TEXT_COLUMNS if c in row), None)
        if col is None or col not in row:
            raise errors.ExtractorError(path, f"no text column {text_column or '/'.join(TEXT_COLUMNS)!r} "
                                              f"(columns: {', '.join(row)}); use --text-column")
        text = row.get(col)
        if not isinstance(text, str) or not text.strip():
            continue  # rows without text (resolutions with no body, empty cells) are not documents
        key = row.get(id_column) if id_column else None
        meta = {k: v for k, v in row.items() if k != col and isinstance(v, (str, int, float, bool, type(None)))}
        yield WorkItem(path=f"{path}#{key if key not in (None, '') else i + 1}", text=text, meta=meta,
                       doc_id=hashlib.sha256(text.encode("utf-8")).hexdigest())


def iter_inputs(inputs, text_column: Optional[str] = None, id_column: Optional[str] = None,
                url_column: Optional[str] = None, stdin=None):
    """WorkItems of the batch inputs: files, folders (recursive), globs, lists of paths or URLs, tabular corpora,
    URLs (fetched later by the batch), and ``-``: standard input, either a list of inputs (one per line) or a
    report (its bytes)."""
    import glob as globmod

    from extractor.ingest import SUPPORTED
    supported = set(SUPPORTED)
    seen = set()

    def emit_file(p: Path):
        key = str(p.resolve())
        if key in seen:
            return
        seen.add(key)
        if p.suffix.lower() in TABULAR_SUFFIXES:
            try:
                yield from tabular_items(p, text_column, id_column, url_column)
            except Exception as exc:  # the whole corpus file is unreadable: one error row for it
                from extractor.core.errors import ExtractorError
                err = exc if isinstance(exc, ExtractorError) else ExtractorError(p, f"{type(exc).__name__}: {exc}")
                yield WorkItem(path=str(p), error=err)
        elif p.is_file() and _is_path_list(p):
            for ln in p.read_text(encoding="utf-8").splitlines():
                if ln.strip():
                    if _is_url(ln.strip()):
                        yield from emit_url(ln.strip())
                        continue
                    q = Path(ln.strip())
                    yield from emit_any(q if q.is_absolute() or q.exists() else p.parent / q)
        else:
            yield WorkItem(path=str(p))

    def emit_any(p: Path):
        if p.is_dir():
            outputs = {db.parent for db in p.rglob("extractor.duckdb")}  # batch output folders are not inputs
            for q in sorted(p.rglob("*")):
                if outputs and any(parent in outputs for parent in q.parents):
                    continue
                if q.is_file() and not q.name.startswith(".") and (
                        q.suffix.lower() in supported or q.suffix.lower() in TABULAR_SUFFIXES):
                    yield from emit_file(q)
        else:
            yield from emit_file(p)  # a missing file becomes an error row in the worker

    def emit_url(url: str):
        if url in seen:
            return
        seen.add(url)
        yield WorkItem(path=url, prov={"url": url})

    stdin_data = [None]

    def emit_stdin():
        if stdin_data[0] is None:
            src = stdin if stdin is not None else sys.stdin.buffer
            stdin_data[0] = src if isinstance(src, bytes) else src.read()
        data = stdin_data[0]
        try:
            lines = [ln.strip() for ln in data.decode("utf-8").splitlines() if ln.strip()]
        except UnicodeDecodeError:
            lines = []
        if lines and _all_inputs(lines, Path.cwd()):
            for ln in lines:
                yield from (emit_url(ln) if _is_url(ln) else emit_any(Path(ln)))
        else:
            yield WorkItem(path="-", data=data, doc_id=hashlib.sha256(data).hexdigest(),
                           error=None if data else _empty_stdin())

    for raw in inputs:
        raw = str(raw)
        if raw == "-":
            yield from emit_stdin()
        elif _is_url(raw):
            yield from emit_url(raw)
        elif any(ch in raw for ch in "*?[") and not Path(raw).exists():
            for m in sorted(globmod.glob(raw, recursive=True)):
                yield from emit_any(Path(m))
        else:
            yield from emit_any(Path(raw))
