"""Measures: the Zhoucun golden list, things that are not measures, small cases, speed."""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

import extractor
from extractor.stages import measures
from extractor.stages import sections
from extractor.core.document import Document

CASES = Path(__file__).parent / "cases"


def _tsv(name):
    lines = [ln for ln in (CASES / name).read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("//")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def zhoucun(zhoucun_path):
    doc = extractor.load(zhoucun_path)
    secs = sections.find_sections(doc)
    return doc, secs, measures.find_measures(doc, secs)


GOLDEN = _tsv("measures_zhoucun.tsv")


@pytest.mark.parametrize("row", GOLDEN, ids=[r["text"][:14] for r in GOLDEN])
def test_golden_measure_found(zhoucun, row):
    doc, secs, ms = zhoucun
    hits = [m for m in ms if m.type == row["type"] and m.text == row["text"]]
    assert hits, f"missing {row['type']} {row['text']!r}"
    assert hits[0].section == row["section"]


def test_golden_recall_and_precision(zhoucun):
    doc, secs, ms = zhoucun
    gold = {(r["type"], r["text"]) for r in GOLDEN}
    got = {(m.type, m.text) for m in ms}
    recall = len(gold & got) / len(gold)
    assert recall >= 0.95
    # every golden item is found; the rest of the output is mostly measures a reader would accept too:
    # here we only bound its size (no flood of spurious actions)
    assert len(ms) <= 3 * len(gold)


@pytest.mark.parametrize("row", _tsv("measures_not.tsv"), ids=lambda r: r["text"][:12])
def test_not_a_measure(zhoucun, row):
    doc, secs, ms = zhoucun
    assert not [m for m in ms if m.text.startswith(row["text"])]


def test_grounded_with_part_and_category(zhoucun):
    doc, secs, ms = zhoucun
    ids = {s.id: s for s in secs}
    for m in ms:
        assert doc.text[m.start:m.end] == m.text
        assert m.type in ("action", "initiative", "document", "campaign")
        assert m.section in ids and m.part == ids[m.section].part
        assert m.part != "shortcomings" or m.type != "action"
    cats = {m.category for m in ms}
    assert {"functions", "disputes", "society", "leadership", "enforcement"} <= cats


def test_document_names(zhoucun):
    doc, secs, ms = zhoucun
    names = [m.name for m in ms if m.type == "document"]
    assert "关于建立常态化法治督察工作机制的意见" in names
    assert "专题询问办法" in names


def _find(text):
    doc = Document(text=text, source="<t>", id="t", format="text")
    return measures.find_measures(doc, sections.find_sections(doc, use_model=False))


def test_small_cases():
    ms = _find("一、主要举措\n（一）加强执法。今年出台《某某区行政执法监督办法》，印发《实施方案》、《工作清单》，"
               "深入开展安全生产专项整治行动，推行“首违不罚”清单制度。\n")
    got = {(m.type, m.text) for m in ms}
    assert ("document", "出台《某某区行政执法监督办法》") in got
    assert ("document", "印发《实施方案》") in got
    assert ("document", "《工作清单》") in got
    assert ("campaign", "开展安全生产专项整治行动") in got
    assert ("initiative", "“首违不罚”") in got


def test_speed(zhoucun_path):
    doc = extractor.load(zhoucun_path)
    big = Document(text=doc.text * 5, source="<big>", id="b", format="text")
    big.working
    secs = sections.find_sections(big)
    measures.find_measures(big, secs)
    t0 = time.perf_counter()
    secs = sections.find_sections(big)
    ms = measures.find_measures(big, secs)
    dt = time.perf_counter() - t0
    assert len(ms) > 200
    assert dt < 0.1, f"sections + measures took {dt * 1000:.0f} ms on {len(big.text)} characters"
