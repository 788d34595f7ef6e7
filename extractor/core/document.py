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
