"""Section tree: heading variants, nesting, parts, categories, the Zhoucun golden tree, provincial reports."""
from __future__ import annotations

import csv
import glob
import io
from pathlib import Path

import pytest
import yaml

import extractor
from extractor.stages import sections
from extractor.core.document import Document
from extractor.text.normalize import normalize

CASES = Path(__file__).parent / "cases"


def _tsv(name: str) -> list[dict]:
    lines = [ln for ln in (CASES / name).read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("//")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE))


HEADINGS = _tsv("headings.tsv")


def test_heading_table_is_large():
    assert len(HEADINGS) >= 100


@pytest.mark.parametrize("row", HEADINGS, ids=[r["line"][:20] for r in HEADINGS])
def test_heading_variant(row):
    w = normalize(row["line"])
    heads = [h for h in sections.find_headings(w.text) if not h.inline and h.style != "unnumbered"]
    if row["style"] == "-":
        assert heads == [] or heads[0].start > 0 and heads[0].style == "runin"
        return
    assert heads, f"no heading found in {row['line']!r}"
    h = heads[0]
    assert h.style == row["style"]
    assert h.num == int(row["num"])
    src_title = row["line"][slice(*w.to_source(h.title_start, h.title_end))]
    assert src_title == row["title"]


def _doc(text: str) -> Document:
    return Document(text=text, source="<test>", id="t", format="text")


TREES = yaml.safe_load((CASES / "section_trees.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TREES, ids=[c["name"] for c in TREES])
def test_tree(case):
    doc = _doc(case["text"])
    secs = sections.find_sections(doc, use_model=False)
    got = [[s.id, s.number, s.title] for s in secs]
    want = case["expect"]
    if want and want[0][0] != "0":
        got = [g for g in got if g[0] != "0"]
    assert got == want
    for s in secs:  # grounding and nesting
        assert 0 <= s.start <= s.end <= len(doc.text)
        if s.title_start is not None:
            assert doc.text[s.title_start:s.title_end] == s.title
        if s.parent:
            p = next(x for x in secs if x.id == s.parent)
            assert p.start <= s.start and s.end <= p.end
            assert s.level == p.level + 1


PARTS = _tsv("parts.tsv")


@pytest.mark.parametrize("row", PARTS, ids=[r["heading"][:16] for r in PARTS])
def test_part_rules(row):
    assert sections._part_by_rule(normalize(row["heading"]).text) == row["part"]


def test_subsection_duties_folded_into_results():
    text = ("一、2023年法治政府建设工作情况\n（一）依法全面履行政府职能。深化放管服改革。\n"
            "（二）党政主要负责人履行推进法治建设第一责任人职责情况。带头述法。\n二、存在的问题\n执法力量薄弱。\n")
    secs = {s.id: s for s in sections.find_sections(_doc(text), use_model=False)}
    assert secs["1"].part == "results"
    assert secs["1.1"].part == "results" and secs["1.1"].category == "functions"
    assert secs["1.2"].part == "leadership" and secs["1.2"].category == "leadership"
    assert secs["2"].part == "shortcomings"


def test_unmatched_heading_falls_back_to_body_cues_without_model():
    text = ("一、一张蓝图绘到底\n今后五年，要坚持稳中求进，将着力推动高质量发展，力争经济总量迈上新台阶，要加快建设现代化产业体系。\n")
    secs = sections.find_sections(_doc(text), use_model=False)
    top = sections.top_level(secs)
    assert top[0].part == "plans" and top[0].method == "rule" and top[0].confidence <= 0.5


def test_no_headings_gives_no_sections():
    assert sections.find_sections(_doc("一段没有标题的正文。只有两句话。"), use_model=False) == []


def test_cn_number():
    assert [sections.cn_number(x) for x in ["一", "十", "十二", "二十", "二十三", "3", "⑤", "百"]] == \
        [1, 10, 12, 20, 23, 3, 5, 100]
    assert sections.cn_number("甲") is None


def test_category_names_match_catalogue(shared_dir):
    cat = yaml.safe_load((shared_dir / "spec" / "indicators.yaml").read_text(encoding="utf-8"))
    want = {c["id"]: c["name_zh"] for c in cat["categories"]}
    assert sections.category_names() == want


# ---------------------------------------------------------------- Zhoucun golden tree

def _golden():
    return _tsv("zhoucun_sections.tsv")


@pytest.fixture(scope="module")
def zhoucun_sections(zhoucun_path):
    doc = extractor.load(zhoucun_path)
    return doc, sections.find_sections(doc)


def test_zhoucun_golden_tree(zhoucun_sections):
    doc, secs = zhoucun_sections
    got = [{"id": s.id, "parent": s.parent or "", "level": str(s.level), "number": s.number or "",
            "part": s.part or "", "category": s.category or "", "title": s.title} for s in secs]
    assert got == _golden()


def test_zhoucun_four_top_level_sections(zhoucun_sections):
    doc, secs = zhoucun_sections
    top = sections.top_level(secs)
    assert [s.part for s in top] == ["results", "leadership", "shortcomings", "plans"]
    assert [s.number for s in top] == ["一、", "二、", "三、", "四、"]


def test_zhoucun_spans(zhoucun_sections):
    doc, secs = zhoucun_sections
    top = sections.top_level(secs)
    for a, b in zip(top, top[1:]):
        assert a.end <= b.start
    assert top[-1].end == len(doc.text.rstrip())
    for s in secs:
        assert doc.text[s.title_start:s.title_end] == s.title
        if s.number:
            assert doc.text[s.start:s.start + len(s.number)] == s.number
    # the plans section holds the 2024 plans, the results section the quantities of 2023
    plans = next(s for s in top if s.part == "plans")
    assert "2024" in doc.text[plans.start:plans.end][:30]


def test_repeated_document(zhoucun_path):
    """A report repeated 5× keeps its top-level sections (the time per size is in benchmarks/bench_speed.py)."""
    doc = extractor.load(zhoucun_path)
    big = Document(text=doc.text * 5, source="<big>", id="b", format="text")
    secs = sections.find_sections(big)
    assert len(sections.top_level(secs)) >= 4


# ---------------------------------------------------------------- provincial 政府工作报告

def _provincial(shared_dir):
    files = sorted(glob.glob(str(shared_dir / "corpora/external/provincial-gwr-2026/2026_*.csv")))
    if not files:
        pytest.skip("provincial reports absent")
    return files


@pytest.mark.shared
def test_provincial_top_level_sections(shared_dir):
    import pandas as pd
    from extractor.learn.training import read_tsv, sha1
    ann = {}
    for r in read_tsv(Path(__file__).parents[1] / "corpora" / "annotations" / "parts.tsv"):
        if r["source"].startswith("shared:"):
            ann.setdefault(r["source"].split("/", 1)[1], []).append(r)
    files = _provincial(shared_dir)
    assert len(files) == 31
    found = 0
    for f in files:
        text = str(pd.read_csv(f, encoding="utf-8-sig").full_text[0])
        secs = sections.find_sections(_doc(text))
        top = sections.top_level(secs)
        want = ann[Path(f).name]  # the top-level headings checked by hand, as offsets and hashes
        got = [(str(s.title_start), sha1(s.title), s.part) for s in top]
        assert got == [(r["title_start"], r["title_sha1"], r["part"]) for r in want], Path(f).name
        assert top[0].part == "results" and "plans" in {s.part for s in top}
        found += 1
    assert found == 31


def test_mixed_heading_has_results_and_plans_segments():
    text = ("一、2025年工作回顾\n过去一年，经济运行稳中有进，地区生产总值增长5.2%。\n"
            "二、“十四五”时期发展成就和“十五五”时期主要目标任务\n过去五年，我们攻坚克难，地区生产总值年均增长5.5%，"
            "城乡居民收入稳步提高。\n“十五五”时期是基本实现现代化的关键时期，今后五年地区生产总值年均增长5%左右。\n"
            "三、2026年重点工作\n今年要扎实推进各项工作。\n")
    doc = _doc(text)
    secs = sections.find_sections(doc, use_model=False)
    two = next(s for s in secs if s.id == "2")
    assert two.part == "plans" and two.segments
    (a, b, p1), (c, d, p2) = two.segments
    assert (p1, p2) == ("results", "plans") and b == c
    assert text[a:].lstrip().startswith("过去五年") and text[c:].startswith("“十五五”时期是")
    assert sections.part_at(secs, text.index("年均增长5.5%")) == "results"
    assert sections.part_at(secs, text.index("年均增长5%左右")) == "plans"
    assert sections.part_at(secs, text.index("增长5.2%")) == "results"
    assert "segments" not in secs[0].to_dict() and "segments" in two.to_dict()


def test_word_counts_equal_str_count():
    """The one-scan counter of category words gives str.count on every slice (self-overlapping words too)."""
    import random
    from extractor.stages.sections import _WordCounts, rules
    words = [w for _, _, _, bw in rules().categories for w in bw] + ["aa", "aba", "法法"]
    rng = random.Random(0)
    text = "".join(rng.choice(words + ["，", "。", "a", "b", "法"]) for _ in range(3000))
    wc = _WordCounts(text, words)
    for _ in range(300):
        a = rng.randrange(len(text))
        b = rng.randrange(a, len(text) + 1)
        for w in rng.sample(words, 20):
            assert wc.count(w, a, b) == text[a:b].count(w), (w, a, b)
