"""``SectionIndex``: which section, report part and titles hold a document offset — asked once, one rule.

Built once per document from the section list of :func:`extractor.stages.sections.find_sections` and passed
to every later stage (quantities, measures, sentences, the normalizer) and to the pipeline's locating step.

The rule: the section at an offset is the *innermost* section whose span ``[start, end)`` holds it (the
deepest level; between two of the same level, the one that starts later). The part at an offset is that
section's part, except inside a top-level section that names two parts (``Section.segments``), where the
segment holding the offset decides; a section without a part takes its nearest enclosing section's.

Queries are a binary search over the elementary intervals between section boundaries, computed once.
"""
from __future__ import annotations

import bisect
from typing import Iterable, Iterator, Optional

from extractor.core.facts import Section


class SectionIndex:
    """The sections of one document, indexed by offset. Iterates (and indexes) like the section list."""

    def __init__(self, sections: Iterable[Section] = ()):
        self.sections: list[Section] = list(sections or [])
        bounds = sorted({b for s in self.sections for b in (s.start, s.end)})
        self._bounds = bounds
        # per elementary interval [bounds[k], bounds[k+1]): enclosing sections, outermost first
        order = sorted(range(len(self.sections)), key=lambda i: self.sections[i].start)
        chains: list[tuple] = []
        active: list[int] = []
        nxt = 0
        for k, b in enumerate(bounds[:-1]):
            active = [i for i in active if self.sections[i].end > b]
            while nxt < len(order) and self.sections[order[nxt]].start <= b:
                i = order[nxt]
                if self.sections[i].end > b:
                    active.append(i)
                nxt += 1
            # outermost first: by level, then by start (then list order)
            chain = sorted(active, key=lambda i: (self.sections[i].level, self.sections[i].start, i))
            chains.append(tuple(self.sections[i] for i in chain))
        self._chains = chains
        self._inner = [self._innermost(c) for c in chains]  # section_at per interval, computed once
        self._by_id = {s.id: s for s in self.sections}
        # part_at per interval: the innermost top-level section (its segments decide) and the innermost
        # section's part (or its nearest enclosing section's), computed once: a query costs no walk
        self._top = [next((s for s in reversed(c) if s.level == 1), None) for c in chains]
        self._part = [self._part_of(sec) for sec in self._inner]

    def _part_of(self, sec: Optional[Section]) -> Optional[str]:
        while sec is not None and sec.part is None and sec.parent is not None:
            sec = self._by_id.get(sec.parent)
        return sec.part if sec is not None else None

    @staticmethod
    def _innermost(chain: tuple) -> Optional[Section]:
        if not chain:
            return None
        deepest = chain[-1].level
        best = None
        for s in chain:  # the deepest level; the later start between equals
            if s.level == deepest:
                best = s
        return best

    @classmethod
    def of(cls, sections) -> "SectionIndex":
        """``sections`` itself when it is an index, else a new index of the list."""
        return sections if isinstance(sections, SectionIndex) else cls(sections or [])

    # -- the list ------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def __getitem__(self, i):
        return self.sections[i]

    def __bool__(self) -> bool:
        return bool(self.sections)

    def by_id(self, section_id: Optional[str]) -> Optional[Section]:
        return self._by_id.get(section_id) if section_id is not None else None

    # -- queries -------------------------------------------------------------------------------------
    def chain_at(self, offset: int) -> tuple:
        """The sections holding ``offset``, outermost first (empty outside every section)."""
        k = bisect.bisect_right(self._bounds, offset) - 1
        if k < 0 or k >= len(self._chains):
            return ()
        return self._chains[k]

    def section_at(self, offset: int) -> Optional[Section]:
        """The innermost section holding ``offset`` (None outside every section)."""
        k = bisect.bisect_right(self._bounds, offset) - 1
        if k < 0 or k >= len(self._inner):
            return None
        return self._inner[k]

    def part_at(self, offset: int) -> Optional[str]:
        """The report part at ``offset``: the segment of a two-part top-level section holding it, else the
        innermost section's part (or its nearest enclosing section's when it has none)."""
        k = bisect.bisect_right(self._bounds, offset) - 1
        if k < 0 or k >= len(self._chains) or not self._chains[k]:
            return None
        top = self._top[k]
        if top is not None and top.segments:
            for a, b, p in top.segments:
                if a <= offset < b:
                    return p
        return self._part[k]

    def titles_at(self, offset: int, sep: str = " / ") -> str:
        """The titles of the sections holding ``offset``, outermost first, joined by ``sep``."""
        return sep.join(s.title or "" for s in self.chain_at(offset))

    def locate(self, doc, items: list) -> None:
        """Fill ``page`` (PDF) and the innermost ``section`` of every item that has a start offset and none yet."""
        for it in items:
            start = getattr(it, "start", None)
            if start is None:
                continue
            if hasattr(it, "page") and getattr(it, "page", None) is None and getattr(doc, "page_starts", None):
                it.page = doc.page_at(start)
            if hasattr(it, "section") and getattr(it, "section", None) is None:
                sec = self.section_at(start)
                if sec is not None:
                    it.section = sec.id


__all__ = ["SectionIndex"]
