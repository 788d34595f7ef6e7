"""The extraction pipeline: ingest → normalise → sections → quantities → tables → measures → indicators.

Each stage is a plain function in its own module; :func:`extract` runs them in order on one
document and wraps an unexpected failure in :class:`~extractor.errors.StageError` naming the stage.
"""
from __future__ import annotations

import bisect
import time
from pathlib import Path
from typing import Optional, Union

from extractor.core import errors
from extractor.core.document import Document
from extractor.ingest import load
from extractor.output.report import Report


def _stage(name: str, doc: Document, timings: dict, fn, *args):
    t0 = time.perf_counter()
    try:
        return fn(*args)
    except errors.ExtractorError:
        raise
    except Exception as exc:  # a bug in a stage: report it with the stage, keep the batch going
        raise errors.StageError(doc.source, name, exc) from exc
    finally:
        timings[name] = round(time.perf_counter() - t0, 6)


def _locate(doc: Document, sections: list, items: list) -> None:
    """Fill ``page`` (PDF) and the innermost ``section`` of every item that has a start offset."""
    spans = sorted(((s.start, -s.level, s.end, s.id) for s in sections), key=lambda t: (t[0], t[1]))
    starts = [t[0] for t in spans]
    for it in items:
        start = getattr(it, "start", None)
        if start is None:
            continue
        if hasattr(it, "page") and getattr(it, "page", None) is None and doc.page_starts:
            it.page = doc.page_at(start)
        if hasattr(it, "section") and getattr(it, "section", None) is None and spans:
            k = bisect.bisect_right(starts, start)
            best = None
            for j in range(k - 1, -1, -1):
                s, neg_level, e, sid = spans[j]
                if s <= start < e and (best is None or -neg_level > best[0]):
                    best = (-neg_level, sid)
                    # a deeper section cannot start before a shallower one that contains it; keep scanning
            if best:
                it.section = best[1]


def run(doc: Document) -> Report:
    """Run every stage on an ingested document."""
    from extractor.indicators import normalizer as indicators
    from extractor.indicators import tables as table_indicators
    from extractor.stages import measures
    from extractor.stages import metadata
    from extractor.stages import quantities
    from extractor.stages import sections
    from extractor.stages import tables
    timings: dict = {}
    meta = _stage("metadata", doc, timings, metadata.detect, doc)
    secs = _stage("sections", doc, timings, sections.find_sections, doc)
    qs = _stage("quantities", doc, timings, quantities.extract_quantities, doc, secs)
    tabs, qs = _stage("tables", doc, timings, tables.apply, doc, qs)
    _locate(doc, secs, qs)
    _locate(doc, secs, tabs)
    ms = _stage("measures", doc, timings, measures.find_measures, doc, secs)
    _locate(doc, secs, ms)
    inds = _stage("indicators", doc, timings, table_indicators.map_with_tables, indicators.map_indicators, doc, meta,
                  secs, qs, tabs)
    _locate(doc, secs, inds)
    return Report(document=doc, meta=meta, section_list=secs, quantity_list=qs, measure_list=ms,
                  indicator_list=inds, timings=timings, table_list=tabs)


def extract(path: Union[str, Path, Document], password: Optional[str] = None) -> Report:
    """Extract one report: a path (text, Markdown, PDF, HTML, Word) or an already loaded Document."""
    doc = path if isinstance(path, Document) else load(path, password=password)
    return run(doc)
