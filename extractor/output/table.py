"""The standard indicator table: one row per document and indicator value (``spec/output.md``)."""
from __future__ import annotations

from typing import Iterable

from extractor.core.facts import as_dict

COLUMNS = ["doc_id", "source", "region_code", "region", "city", "province", "level", "year", "genre",
           "indicator", "name_zh", "category", "value", "unit", "qualifier", "period", "evidence", "page",
           "start", "end", "confidence", "method"]


def rows_of(report) -> list[dict]:
    """Indicator rows of one report (a :class:`~extractor.output.report.Report`; or its JSON dict, as the batch
    store holds it)."""
    if isinstance(report, dict):
        doc, indicators = report["document"], report.get("indicators") or []
    else:  # its document header and indicator rows only, not the whole report's JSON
        doc, indicators = report.document_dict(), report.indicator_list
    region = doc.get("region") or {}
    rows = []
    for ind in indicators:
        ind = as_dict(ind)
        row = {
            "doc_id": doc.get("id"), "source": doc.get("source"),
            "region_code": region.get("code"), "region": region.get("name"), "city": region.get("city"),
            "province": region.get("province"), "level": region.get("level"),
            "year": ind.get("year", doc.get("year")), "genre": doc.get("genre"),
        }
        for col in COLUMNS[9:]:
            if col not in row:
                row[col] = ind.get(col)
        for k, v in ind.items():
            if k not in row and k not in ("quantity",):
                row[k] = v
        rows.append(row)
    return rows


def indicator_table(reports: Iterable):
    """The long indicator table of several reports as a pandas DataFrame, spec columns first."""
    import pandas as pd
    rows = [r for rep in reports for r in rows_of(rep)]
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    extra = [c for c in df.columns if c not in COLUMNS]
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = None
    return df[COLUMNS + extra]
