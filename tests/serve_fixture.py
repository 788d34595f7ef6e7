"""Batch folders for the explorer's tests, written straight through the batch Store from hand-built report
JSON (no extraction run): regions, years, periods, qualifiers, conflicts and consistency traps on purpose."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from extractor.batch.store import Store

QTY = re.compile(r"(约|近)?(\d+(?:\.\d+)?)(亿元|%|件|个)(左右|以上)?")


def report(source: str, region: str, year: int, text: str, rows: list, genre: str = "gongzuo",
           province: str = "测试省") -> dict:
    """A report JSON whose quantities are every number+unit in ``text``; ``rows`` maps a quantity (by the
    text of its match, the n-th one with ``text#n``) to ``(indicator, period)`` or ``(indicator, period, conf)``."""
    qs = []
    for m in QTY.finditer(text):
        value = float(m.group(2))
        unit = m.group(3)
        mult = 1e8 if unit == "亿元" else 1
        qual = "approx" if (m.group(1) == "约" or m.group(4) == "左右") else (
            "upper" if m.group(1) == "近" else ("lower" if m.group(4) == "以上" else "exact"))
        qs.append({"text": m.group(0), "start": m.start(), "end": m.end(), "value": value * mult,
                   "unit": "元" if unit == "亿元" else unit, "qualifier": qual,
                   "kind": "change" if unit == "%" else "amount", "period": "actual",
                   "subject": text[max(0, m.start() - 6):m.start()], "section": "1", "page": None})
    inds = []
    for key, spec in rows:
        name, _, nth = key.partition("#")
        hits = [i for i, q in enumerate(qs) if q["text"] == name]
        qi = hits[int(nth or 0)]
        q = qs[qi]
        ind, period = spec[0], spec[1]
        conf = spec[2] if len(spec) > 2 else 0.9
        start = max(0, text.rfind("，", 0, q["start"]) + 1, text.rfind("。", 0, q["start"]) + 1)
        inds.append({"indicator": ind, "name_zh": ind, "category": "test", "value": q["value"], "unit": q["unit"],
                     "qualifier": q["qualifier"], "period": period, "year": year + 1 if period == "target" else year,
                     "evidence": text[start:q["end"]], "start": start, "end": q["end"], "quantity": qi,
                     "confidence": conf, "method": "rule", "section": "1", "page": None})
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {"schema": "extractor/1",
            "document": {"id": doc_id, "source": source, "title": f"{region}{year}年政府工作报告", "genre": genre,
                         "year": year, "format": "text", "pages": None, "issuers": [],
                         "region": {"name": region, "code": None, "city": None, "province": province,
                                    "level": "county"}},
            "text": text, "sections": [{"id": "1", "parent": None, "level": 1, "number": "一、", "title": "总体",
                                        "part": "results", "category": None, "start": 0, "end": len(text)}],
            "quantities": qs, "measures": [], "indicators": inds}


#: (region, year, text, rows): 东城 2022→2023 GDP 100→110 亿元 with a stated growth of 10% (consistent) and
#: 西城 2022→2023 GDP 200→202 亿元 with a stated growth of 8% (flagged); 西城 2023 states GDP growth twice
#: (a conflict); 东城 2023 has an annual target 5%左右 for 2024 kept apart from the actual growth.
DOCS = [
    ("东城区", 2022, "一、总体\n2022年，地区生产总值100亿元，增长6.5%。受理行政复议申请50件，纠错率10%，纠错5件。\n",
     [("100亿元", ("output.gdp", "actual")), ("6.5%", ("output.gdp_growth", "actual")),
      ("50件", ("reconsideration.cases_closed", "actual")), ("10%", ("reconsideration.correction_rate", "actual")),
      ("5件", ("reconsideration.corrected_cases", "actual"))]),
    ("东城区", 2023, "一、总体\n2023年，地区生产总值110亿元，增长10%。今年预期目标：地区生产总值增长5%左右。\n"
     "<script>window.__pwned=1</script>受理行政复议申请60件，纠错率25%，纠错6件。\n",
     [("110亿元", ("output.gdp", "actual")), ("10%", ("output.gdp_growth", "actual")),
      ("5%左右", ("output.gdp_growth", "target")), ("60件", ("reconsideration.cases_closed", "actual")),
      ("25%", ("reconsideration.correction_rate", "actual")), ("6件", ("reconsideration.corrected_cases", "actual"))]),
    ("西城区", 2022, "一、总体\n2022年，地区生产总值200亿元，增长4%。\n",
     [("200亿元", ("output.gdp", "actual")), ("4%", ("output.gdp_growth", "actual"))]),
    ("西城区", 2023, "一、总体\n2023年，地区生产总值202亿元，增长8%，其中第三季度增长7.5%。\n",
     [("202亿元", ("output.gdp", "actual")), ("8%", ("output.gdp_growth", "actual", 0.9)),
      ("7.5%", ("output.gdp_growth", "actual", 0.6))]),
]


def make_batch(out: Path, docs=DOCS, sources_dir: Path | None = None) -> list[dict]:
    """Write the documents (and their source files under ``sources_dir``) into ``out``; return the reports."""
    reps = []
    sources_dir = sources_dir or out.parent / "sources"
    sources_dir.mkdir(parents=True, exist_ok=True)
    with Store(out) as store:
        for i, (region, year, text, rows) in enumerate(docs):
            path = sources_dir / f"{region}-{year}.txt"
            path.write_text(text, encoding="utf-8")
            rep = report(str(path), region, year, text, rows)
            rep["document"]["id"] = hashlib.sha256(path.read_bytes()).hexdigest()
            store.write_document(rep, str(path))
            reps.append(rep)
        store.write_error("/data/broken.pdf", None, "ingest", "CorruptDocument", "not a PDF (no %PDF header)")
        # a batch made before the texts table: the third document's text must come from its source file
        if "texts" in {r[0] for r in store.con.execute("SHOW TABLES").fetchall()}:
            store.con.execute("DELETE FROM texts WHERE doc_id = ?", [reps[2]["document"]["id"]])
    return reps
