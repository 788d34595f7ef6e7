"""Measures: the Zhoucun golden list, things that are not measures, small cases, speed."""
from __future__ import annotations

import csv
import io
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


def test_repeated_document(zhoucun_path):
    """A report repeated 5× gives its measures 5× (the time per size is in benchmarks/bench_speed.py)."""
    doc = extractor.load(zhoucun_path)
    one = measures.find_measures(doc, sections.find_sections(doc))
    big = Document(text=doc.text * 5, source="<big>", id="b", format="text")
    ms = measures.find_measures(big, sections.find_sections(big))
    assert len(ms) > 200 and len(ms) >= 4 * len(one)


def test_clauses_equal_the_character_scan(zhoucun_text):
    from hypothesis import given, settings, strategies as st
    from extractor.stages import measures
    end = measures.rules()["_clause_end"]
    for a, b in [(0, len(zhoucun_text)), (10, 500), (3, 3)]:
        assert measures._clauses(zhoucun_text, a, b, end) == measures._clauses_reference(zhoucun_text, a, b, end)

    @given(st.text(st.sampled_from(list("“《(（‘”》)）’，,；;。！？!?：:推进法治ab ")), max_size=60))
    @settings(max_examples=200, deadline=None)
    def same(t):
        assert measures._clauses(t, 0, len(t), end) == measures._clauses_reference(t, 0, len(t), end)
    same()
