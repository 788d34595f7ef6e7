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

from .document import Document


def from_text(text: str, source: str = "<text>", title: Optional[str] = None, meta: Optional[dict] = None) -> Document:
    """A :class:`Document` whose text is ``text`` (id = sha256 of its UTF-8 bytes)."""
    from .ingest import _first_line_title
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
