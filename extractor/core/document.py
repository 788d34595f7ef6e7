"""The ingested document: the text every offset indexes, its pages, layout cues and provenance."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

from extractor.text.normalize import Working, normalize


@dataclass
class Heading:
    """A line that the source's layout marks as a heading (Word style, HTML <h>, PDF font, Markdown #)."""

    start: int
    end: int
    level: int  # 1 = title / top level; larger is deeper
    cue: str  # "style", "font", "html", "markdown", "title"


@dataclass
class SourceCell:
    """One cell of a table as the reader found it; ``text[start:end]`` of the document text is its text.

    ``row``/``col`` index the reader's grid (0-based, top-left); a merged cell is given once, at its
    top-left position, with its ``rowspan``/``colspan``. ``bbox`` (x0, top, x1, bottom in PDF points) and
    ``page`` are set for PDF cells; ``ocr`` confidence for cells read by OCR.
    """

    row: int
    col: int
    start: int
    end: int
    rowspan: int = 1
    colspan: int = 1
    bbox: Optional[tuple] = None
    page: Optional[int] = None
    ocr: Optional[float] = None


@dataclass
class SourceTable:
    """A table region found by a reader (PDF ruling/alignment, Word, HTML, Markdown, flattened text).

    The document text holds every cell separated (a tab or a line break) and every row on its own line;
    ``start``/``end`` bound the whole table in the document text. The tables stage turns these grids into
    table facts (caption, unit, header rows, stub column, typed cells).
    """

    start: int
    end: int
    cells: list[SourceCell] = field(default_factory=list)
    page: Optional[int] = None
    bbox: Optional[tuple] = None
    source: str = ""  # the reader: "pdf-ruled", "pdf-aligned", "docx", "html", "markdown", "flattened", "aligned"

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)


def grid_lines(grid, pos: int) -> tuple[list[str], list[SourceCell]]:
    """A reader's grid of ``(row, col, rowspan, colspan, text)`` (a merged cell once, at its top-left) laid out
    as text from offset ``pos``: one line per row, its cells separated by a tab; and the cells with their
    offsets. The lines are joined with line breaks after one another."""
    by_row: dict = {}
    for r, c, rs, cs, text in grid:
        by_row.setdefault(r, []).append((c, rs, cs, text))
    lines, cells, p = [], [], pos
    for r in sorted(by_row):
        parts, q = [], p
        for i, (c, rs, cs, text) in enumerate(sorted(by_row[r])):
            if i:
                q += 1  # the tab
            cells.append(SourceCell(row=r, col=c, start=q, end=q + len(text), rowspan=rs, colspan=cs))
            parts.append(text)
            q += len(text)
        line = "\t".join(parts)
        lines.append(line)
        p += len(line) + 1
    return lines, cells


@dataclass
class Document:
    """One report as text.

    ``text`` is the document text: for text and Markdown files the decoded file itself; for PDF,
    Word and HTML the text reconstructed from them. Every span the toolkit reports indexes it.
    ``page_starts`` (PDF only) gives the offset where each page's text begins, so every character
    has a page (:meth:`page_at`).
    """

    text: str
    source: str
    id: str
    format: str
    title: Optional[str] = None
    encoding: Optional[str] = None
    page_starts: Optional[list[int]] = None
    headings: list[Heading] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    tables: list[SourceTable] = field(default_factory=list)  # table regions found by the reader

    @property
    def pages(self) -> Optional[int]:
        return len(self.page_starts) if self.page_starts else None

    def page_at(self, offset: int) -> Optional[int]:
        """1-based page of the character at ``offset`` (None for documents without pages)."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    @cached_property
    def working(self) -> Working:
        """The normalised working copy with its offset map (computed once)."""
        return normalize(self.text)

    def __repr__(self) -> str:  # keep reprs short in notebooks
        return (f"Document(source={self.source!r}, format={self.format!r}, chars={len(self.text)}, "
                f"pages={self.pages}, title={self.title!r})")
