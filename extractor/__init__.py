"""extractor: structured, source-grounded facts from Chinese government reports.

>>> import extractor
>>> doc = extractor.load("report.pdf")        # Document: text, pages, layout cues
>>> report = extractor.extract("report.pdf")  # Report: sections, quantities, measures, indicators
>>> report = extractor.extract_text("2023年，周村区……", source="memo", publish_date="2024-03-30")
>>> doc = extractor.load("corpus.csv#3")      # a row of a tabular corpus; also "-" (stdin) and URLs
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
from extractor.pipeline import extract, extract_text

_compat.install()

__all__ = ["load", "extract", "extract_text", "Document", "Report", "ExtractorError", "indicator_table", "catalogue",
           "Catalogue", "Indicator",
           "__version__"]
