"""Ingestion: a file on disk → :class:`~extractor.document.Document`.

Dispatches on the file's content and extension to the text, PDF, HTML and Word readers, and turns
every kind of bad input into an :class:`~extractor.errors.ExtractorError` with a one-line cause.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Optional, Union

from extractor.core import errors
from extractor.core.document import Document, Heading
from extractor.core.settings import DEFAULT, Settings

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED = sorted(TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES - {""})

#: files larger than this are refused by default (``Settings.max_bytes``; EXTRACTOR_MAX_BYTES)
MAX_BYTES = DEFAULT.max_bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Union[str, Path], max_bytes: Optional[int] = None) -> bytes:
    """The bytes of ``path``; refuses what is not a readable, non-empty file of at most ``max_bytes``."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    p = Path(path)
    if not p.exists():
        raise errors.InputNotFound(path, "no such file")
    if p.is_dir():
        raise errors.NotAFile(path, "is a directory, not a file")
    if not p.is_file():
        raise errors.NotAFile(path, "is not a regular file")
    size = p.stat().st_size
    if size == 0:
        raise errors.EmptyDocument(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise errors.DocumentTooLarge(path, f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit"
                                            " (set EXTRACTOR_MAX_BYTES to raise it)")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise errors.NotAFile(path, f"cannot be read: {exc.strerror or exc}") from exc


def sniff(data: bytes, suffix: str) -> str:
    """The format of ``data``: 'pdf', 'docx', 'html' or 'text' (content first, extension second)."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in DOCX_SUFFIXES or b"word/" in data[:4096] or b"[Content_Types].xml" in data[:4096]:
            return "docx"
        return "zip"
    if suffix in PDF_SUFFIXES:
        return "pdf"  # a .pdf without a header: the PDF reader reports it as corrupt
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    low = head.lower()
    if suffix in TEXT_SUFFIXES and (b"<html" in low or b"<!doctype html" in low):
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "unsupported"


def load(path: Union[str, Path], password: Optional[str] = None, data: Optional[bytes] = None,
         settings: Optional[Settings] = None, suffix: Optional[str] = None) -> Document:
    """Read a report (text, Markdown, PDF, HTML or Word) into a :class:`Document`.

    ``settings`` gives the size limit, the PDF engine, the OCR mode and the password (``password`` wins when given).
    ``path`` may also be ``-`` (the bytes of standard input), an ``http(s)://`` URL (fetched politely, see
    :mod:`extractor.ingest.fetch`) or ``corpus.csv#3`` (a row of a tabular corpus, see
    :mod:`extractor.ingest.tabular`). ``data``: the bytes, already read; ``suffix``: the file type they
    have when ``path`` does not say it (``.pdf``).

    Raises an :class:`~extractor.errors.ExtractorError` subclass naming the file and the cause for
    missing, empty, corrupt, encrypted, image-only or unsupported input.
    """
    settings = settings if settings is not None else DEFAULT
    password = password if password is not None else settings.password
    src = str(path)
    if data is None:
        if src == "-":
            data = sys.stdin.buffer.read()
            if not data:
                raise errors.EmptyDocument("<stdin>", "nothing on standard input")
            if len(data) > settings.max_bytes:
                raise errors.DocumentTooLarge("<stdin>", f"over the {settings.max_bytes / 2**20:.0f} MiB limit "
                                                         "(set EXTRACTOR_MAX_BYTES to raise it)")
        elif src[:8].lower().startswith(("http://", "https://")):
            from extractor.ingest.fetch import fetch
            got = fetch(src, max_bytes=settings.max_bytes)
            data, suffix = got.data, suffix or got.suffix
        elif "#" in src and not Path(src).exists():
            from extractor.ingest.tabular import read_row, split_ref
            if split_ref(src) is not None:
                return read_row(src)
            data = read_bytes(path, settings.max_bytes)
        else:
            data = read_bytes(path, settings.max_bytes)
    elif not data:
        raise errors.EmptyDocument(src, "empty file (0 bytes)")
    suffix = (suffix or Path(src).suffix).lower()
    kind = sniff(data, suffix)
    from extractor.ingest import limits
    limits.check(kind, data, src, settings.max_inflated)
    doc_id = sha256(data)
    if kind == "text":
        from extractor.ingest.text import decode
        text, encoding = decode(data, src)
        return from_text(text, src, "markdown" if suffix in {".md", ".markdown"} else "text", encoding, doc_id)
    if kind == "pdf":
        from extractor.ingest.pdf import read_pdf
        return read_pdf(data, src, doc_id, password=password, engine=settings.pdf_engine, settings=settings)
    if kind == "html":
        from extractor.ingest.html import read_html
        return read_html(data, src, doc_id)
    if kind == "docx":
        from extractor.ingest.docx import read_docx
        return read_docx(data, src, doc_id)
    if kind == "zip":
        raise errors.UnsupportedFormat(src, "a ZIP archive that is not a Word .docx file")
    raise errors.UnsupportedFormat(src, f"unsupported file type {suffix!r} (supported: {', '.join(SUPPORTED)})")


def from_text(text: str, source: str = "<text>", format: str = "text", encoding: Optional[str] = "utf-8",
              doc_id: Optional[str] = None) -> Document:
    """The Document of a text already in memory, built as :func:`load` builds that of a text file."""
    from extractor.ingest.text import markdown_headings
    return Document(text=text, source=source, id=doc_id or sha256(text.encode("utf-8")), format=format,
                    encoding=encoding, headings=markdown_headings(text), title=_first_line_title(text))


def _first_line_title(text: str) -> Optional[str]:
    for line in text.splitlines():
        s = line.strip().lstrip("#").strip().strip("*").strip()
        if s:
            return s if len(s) <= 120 else None
    return None


__all__ = ["load", "from_text", "sniff", "read_bytes", "Document", "Heading", "SUPPORTED"]
