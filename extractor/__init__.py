"""extractor: structured, source-grounded facts from Chinese government reports.

>>> import extractor
>>> doc = extractor.load("report.pdf")        # Document: text, pages, layout cues
>>> report = extractor.extract("report.pdf")  # Report: sections, quantities, measures, indicators
"""
from __future__ import annotations

__version__ = "0.1.0"

from .document import Document  # noqa: E402
from .errors import ExtractorError  # noqa: E402
from .ingest import load  # noqa: E402
from .pipeline import extract  # noqa: E402
from .report import Report  # noqa: E402
from .table import indicator_table  # noqa: E402
from . import catalogue as _catalogue_module  # noqa: E402


class _CallableModule(type(_catalogue_module)):
    """``extractor.catalogue`` stays the module (``from extractor.catalogue import Catalogue``) and is also
    the function: ``extractor.catalogue("fazhi")`` browses a catalogue."""

    def __call__(self, *args, **kwargs):
        return self.catalogue(*args, **kwargs)


_catalogue_module.__class__ = _CallableModule
catalogue = _catalogue_module

__all__ = ["load", "extract", "Document", "Report", "ExtractorError", "indicator_table", "catalogue", "__version__"]
