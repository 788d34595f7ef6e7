"""extractor: structured, source-grounded facts from Chinese government reports.

>>> import extractor
>>> doc = extractor.load("report.pdf")        # Document: text, pages, layout cues
>>> report = extractor.extract("report.pdf")  # Report: sections, quantities, measures, indicators
"""
from __future__ import annotations

__version__ = "0.2.0"

from extractor import _compat
from extractor.core.document import Document
from extractor.core.errors import ExtractorError
from extractor.indicators.catalogue import Catalogue, Indicator, catalogue
from extractor.ingest import load
from extractor.output.report import Report
from extractor.output.table import indicator_table
from extractor.pipeline import extract

_compat.install()

__all__ = ["load", "extract", "Document", "Report", "ExtractorError", "indicator_table", "catalogue", "Catalogue", "Indicator",
           "__version__"]
