"""The result of extracting one document: JSON per ``spec/output.md`` and pandas views."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .document import Document

SCHEMA = "extractor/1"


def as_dict(item: Any) -> dict:
    if isinstance(item, dict):
        return item
    if hasattr(item, "to_dict"):
        return item.to_dict()
    raise TypeError(f"cannot serialise {type(item).__name__}")


@dataclass
class Report:
    """One document's facts. ``sections``/``quantities``/``measures``/``indicators`` are lists of
    stage objects (each with ``to_dict()``); the ``*_frame`` helpers give pandas DataFrames."""

    document: Document
    meta: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    quantities: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    # -- JSON ---------------------------------------------------------------------------------------
    def document_dict(self) -> dict:
        d = self.document
        m = self.meta
        return {
            "id": d.id,
            "source": d.source,
            "title": m.get("title", d.title),
            "genre": m.get("genre"),
            "year": m.get("year"),
            "region": m.get("region"),
            "issuers": m.get("issuers", []),
            "pages": d.pages,
            "format": d.format,
            "encoding": d.encoding,
        }

    def to_dict(self) -> dict:
        """The JSON object of ``extractor extract --format json`` (``spec/output.md``)."""
        return {
            "schema": SCHEMA,
            "document": self.document_dict(),
            "text": self.document.text,
            "sections": [as_dict(s) for s in self.sections],
            "quantities": [as_dict(q) for q in self.quantities],
            "measures": [as_dict(m) for m in self.measures],
            "indicators": [as_dict(i) for i in self.indicators],
        }

    def to_json(self, indent: Optional[int] = None) -> str:
        import json
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- pandas -------------------------------------------------------------------------------------
    def _frame(self, items: list):
        import pandas as pd
        return pd.DataFrame([as_dict(i) for i in items])

    @property
    def sections_frame(self):
        return self._frame(self.sections)

    @property
    def quantities_frame(self):
        return self._frame(self.quantities)

    @property
    def measures_frame(self):
        return self._frame(self.measures)

    @property
    def indicators_frame(self):
        from .table import indicator_table
        return indicator_table([self])

    def to_frame(self):
        """The standard indicator table of this document (``spec/output.md`` columns)."""
        return self.indicators_frame

    def __repr__(self) -> str:
        return (f"Report({self.document.source!r}: {len(self.sections)} sections, {len(self.quantities)} quantities, "
                f"{len(self.measures)} measures, {len(self.indicators)} indicators)")
