"""The result of extracting one document: JSON per ``spec/output.md`` and pandas views."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

from extractor.core.document import Document
from extractor.core.facts import IndicatorValue, Measure, Quantity, Section, as_dict, from_dict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SCHEMA = "extractor/1"


@dataclass
class Report:
    """One document's facts.

    ``report.sections``, ``.quantities``, ``.measures`` and ``.indicators`` are pandas DataFrames (the
    indicators in the standard table's columns), ``report.tables`` a list of DataFrames (one per table);
    the stage objects themselves (each with ``to_dict()``)
    are in ``section_list``, ``quantity_list``, ``measure_list``, ``indicator_list`` and ``table_list``, in the order of the
    JSON (an indicator's ``quantity`` indexes ``quantity_list``).
    """

    document: Document
    meta: dict = field(default_factory=dict)
    section_list: list = field(default_factory=list)
    quantity_list: list = field(default_factory=list)
    measure_list: list = field(default_factory=list)
    indicator_list: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    table_list: list = field(default_factory=list)  # extractor.stages.tables.Table, in document order

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
            "pages": d.pages if d.pages is not None else m.get("pages"),
            "format": d.format,
            "encoding": d.encoding,
            **({"ocr_pages": d.meta.get("ocr_pages", 0)} if d.format == "pdf" else {}),
        }

    def to_dict(self) -> dict:
        """The JSON object of ``extractor extract --format json`` (``spec/output.md``)."""
        return {
            "schema": SCHEMA,
            "document": self.document_dict(),
            "text": self.document.text,
            "sections": [as_dict(s) for s in self.section_list],
            "quantities": [as_dict(q) for q in self.quantity_list],
            "measures": [as_dict(m) for m in self.measure_list],
            "indicators": [as_dict(i) for i in self.indicator_list],
            "tables": [as_dict(t) for t in self.table_list],  # a compatible extension: docs/tables.md
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        """The Report of a JSON dict of :meth:`to_dict` (``extractor extract --format json``):
        ``Report.from_dict(r.to_dict()).to_dict() == r.to_dict()``."""
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError("not the JSON of a report (no 'text')")
        d = data.get("document") or {}
        doc = Document(text=data["text"], source=d.get("source") or "", id=d.get("id") or "",
                       format=d.get("format") or "text", title=d.get("title"), encoding=d.get("encoding"))
        meta = {k: d[k] for k in ("title", "genre", "year", "region", "issuers", "pages") if k in d}
        return cls(document=doc, meta=meta,
                   section_list=[from_dict(Section, x) for x in data.get("sections") or []],
                   quantity_list=[from_dict(Quantity, x) for x in data.get("quantities") or []],
                   measure_list=[from_dict(Measure, x) for x in data.get("measures") or []],
                   indicator_list=[from_dict(IndicatorValue, x) for x in data.get("indicators") or []])

    def to_json(self, indent: Optional[int] = None) -> str:
        """:meth:`to_dict` as a JSON string (UTF-8 characters kept, not escaped)."""
        from extractor.core import jsonio
        return jsonio.dumps(self.to_dict(), indent=indent)

    # -- pandas -------------------------------------------------------------------------------------
    def _frame(self, items: list) -> "pd.DataFrame":
        import pandas as pd
        return pd.DataFrame([as_dict(i) for i in items])

    @property
    def sections_frame(self) -> "pd.DataFrame":
        """Sections as a DataFrame, one row per section (``id``, ``level``, ``title``, ``part``, ``start``, …)."""
        return self._frame(self.section_list)

    @property
    def quantities_frame(self) -> "pd.DataFrame":
        """Quantities as a DataFrame (``text``, ``value``, ``unit``, ``qualifier``, ``kind``, ``start``, …)."""
        return self._frame(self.quantity_list)

    @property
    def measures_frame(self) -> "pd.DataFrame":
        """Measures as a DataFrame (``text``, ``type``, ``name``, ``section``, …)."""
        return self._frame(self.measure_list)

    @property
    def indicators_frame(self) -> "pd.DataFrame":
        """The standard indicator table of this report (same as :meth:`to_frame`)."""
        from extractor.output.table import indicator_table
        return indicator_table([self])

    @property
    def tables(self) -> list:
        """The report's tables as pandas DataFrames, one per table (row labels as index, the header as
        columns, a MultiIndex when the header has several rows; ``df.attrs`` holds id, caption, unit, page)."""
        out = []
        for t in self.table_list:
            df = t.to_frame()
            df.attrs.update({"id": t.id, "caption": t.caption, "unit": t.unit, "page": t.page})
            out.append(df)
        return out

    @property
    def tables_frame(self) -> "pd.DataFrame":
        """Every table cell of the report as one long DataFrame (table, row, col, text, value, unit, …)."""
        import pandas as pd
        rows = [dict(table=t.id, caption=t.caption, row_label=t.rows[c.row] if c.row < len(t.rows) else None,
                     column=t.columns[c.col] if c.col < len(t.columns) else None, **c.to_dict())
                for t in self.table_list for c in t.cells]
        return pd.DataFrame(rows)

    @property
    def sections(self) -> "pd.DataFrame":
        """Sections as a DataFrame (also ``sections_frame``)."""
        return self.sections_frame

    @property
    def quantities(self) -> "pd.DataFrame":
        """Quantities as a DataFrame (also ``quantities_frame``)."""
        return self.quantities_frame

    @property
    def measures(self) -> "pd.DataFrame":
        """Measures as a DataFrame (also ``measures_frame``)."""
        return self.measures_frame

    @property
    def indicators(self) -> "pd.DataFrame":
        """The standard indicator table of this report (also ``to_frame()``)."""
        return self.indicators_frame

    def to_frame(self) -> "pd.DataFrame":
        """The standard indicator table of this document (``spec/output.md`` columns), a pandas DataFrame."""
        return self.indicators_frame

    def unused_quantities(self) -> "pd.DataFrame":
        """Quantities that no indicator value took (DataFrame with the quantity's index as ``quantity``):
        where to look for indicators the catalogue is missing."""
        used = {as_dict(i).get("quantity") for i in self.indicator_list}
        df = self.quantities_frame
        if df.empty:
            return df
        df = df.rename_axis("quantity").reset_index()
        return df[~df["quantity"].isin(used)].reset_index(drop=True)

    def low_confidence(self, threshold: Optional[float] = None) -> "pd.DataFrame":
        """Indicator rows with ``confidence`` below ``threshold`` (lowest first; default: the one "low
        confidence" threshold of ``data/indicators/normalizer.yaml``, also marked on the review page)."""
        if threshold is None:
            from extractor.indicators.normalizer import LOW_CONFIDENCE
            threshold = LOW_CONFIDENCE
        df = self.to_frame()
        if df.empty:
            return df
        conf = df["confidence"].astype(float)
        return df[conf < threshold].sort_values("confidence").reset_index(drop=True)

    # -- review page --------------------------------------------------------------------------------
    def to_html(self, path: Union[str, Path, None] = None, title: Optional[str] = None) -> str:
        """The self-contained review page (``extractor review``); written to ``path`` when given."""
        from extractor.output.viz import render_html
        page = render_html(self, title=title)
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        """Jupyter shows the review page (in an iframe, so its styles stay apart from the notebook's)."""
        from extractor.output.viz import notebook_html
        return notebook_html(self)

    def __repr__(self) -> str:
        return (f"Report({self.document.source!r}: {len(self.section_list)} sections, {len(self.quantity_list)} "
                f"quantities, {len(self.measure_list)} measures, {len(self.indicator_list)} indicators)")
