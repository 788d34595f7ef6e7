"""The extraction pipeline: ingest → normalise → sections → quantities → tables → measures → indicators.

Each stage is a plain function in its own module; :func:`extract` runs them in order on one
document and wraps an unexpected failure in :class:`~extractor.errors.StageError` naming the stage.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional, Union

from extractor.core import errors
from extractor.core.document import Document
from extractor.core.settings import DEFAULT, Settings, from_env
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


def settings_for(settings: Optional[Settings] = None, **options) -> Settings:
    """The settings of one extraction: ``settings`` (else the environment's, :func:`~extractor.core.settings.from_env`)
    with the keyword ``options`` replacing its fields (``use_models=False``, ``catalogue=cat`` …)."""
    base = settings if settings is not None else from_env()
    options = {k: v for k, v in options.items() if v is not None}
    return base.replace(**options) if options else base


def run(doc: Document, settings: Optional[Settings] = None) -> Report:
    """Run every stage on an ingested document."""
    from extractor.indicators import normalizer as indicators
    from extractor.indicators import tables as table_indicators
    from extractor.stages import measures
    from extractor.stages import metadata
    from extractor.stages import quantities
    from extractor.stages import sections
    from extractor.stages import tables
    from extractor.stages.index import SectionIndex
    settings = settings if settings is not None else DEFAULT
    timings: dict = {}
    meta = _stage("metadata", doc, timings, metadata.detect, doc)
    secs = _stage("sections", doc, timings, sections.find_sections, doc, settings.use_models, settings)
    index = SectionIndex(secs)
    qs = _stage("quantities", doc, timings, quantities.extract_quantities, doc, index)
    tabs, qs = _stage("tables", doc, timings, tables.apply, doc, qs)
    index.locate(doc, qs)
    index.locate(doc, tabs)
    ms = _stage("measures", doc, timings, measures.find_measures, doc, index)
    index.locate(doc, ms)
    inds = _stage("indicators", doc, timings, table_indicators.map_with_tables, indicators.map_indicators, tabs, doc,
                  meta, index, qs, settings.use_models, settings)
    index.locate(doc, inds)
    whole_words(doc, inds)
    return Report(document=doc, meta=meta, section_list=secs, quantity_list=qs, measure_list=ms,
                  indicator_list=inds, timings=timings, table_list=tabs)


def whole_words(doc: Document, items: list) -> None:
    """Evidence never begins or ends inside a word: widen each span to the words it cuts."""
    from extractor.text.segment import word_span
    for it in items:
        s, e = word_span(doc.text, it.start, it.end)
        if (s, e) != (it.start, it.end):
            it.start, it.end, it.evidence = s, e, doc.text[s:e]


def extract(path: Union[str, Path, Document], settings: Optional[Settings] = None, **options) -> Report:
    """Extract one report: a path (text, Markdown, PDF, HTML, Word), ``-`` (stdin), a URL, ``corpus.csv#ROW``
    or an already loaded Document.

    ``settings`` (a :class:`~extractor.core.settings.Settings`; default: from the environment) and keyword
    options replacing its fields: ``extract(path, use_models=False)``, ``extract(path, catalogue=cat)``,
    ``extract(path, password="…")``.
    """
    if isinstance(settings, str):  # the old signature extract(path, password)
        settings, options = None, {"password": settings, **options}
    settings = settings_for(settings, **options)
    doc = path if isinstance(path, Document) else load(path, settings=settings)
    return run(doc, settings)


def extract_text(text: str, source: str = "<text>", title: Optional[str] = None,
                 settings: Optional[Settings] = None, **meta) -> Report:
    """Extract a report given as a string (``meta``: the document's own metadata, kept in ``document.meta``).
    The document id is the sha256 of the text's UTF-8 bytes, as for a corpus row."""
    import hashlib

    from extractor.ingest import _first_line_title
    if not isinstance(text, str):
        raise errors.ExtractorError(source, f"extract_text takes a str, not {type(text).__name__}")
    if not text.strip():
        raise errors.EmptyDocument(source, "empty text")
    doc = Document(text=text, source=source, id=hashlib.sha256(text.encode("utf-8")).hexdigest(), format="text",
                   encoding="utf-8", title=title or _first_line_title(text), meta=dict(meta))
    return run(doc, settings_for(settings))
