"""The quantities stage (issue 3): phrasing table, traps, the Zhoucun golden document, the dev corpus,
grounding properties, the spaCy component and the pipeline stage."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.stages import quantities
from extractor.core.document import Document
from extractor.core.facts import Section
from extractor.stages.quantities import extract_quantities, find_quantities, parse_chinese

CASES = Path(__file__).parent / "cases" / "quantities.yaml"


def _load_cases():
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    params = []
    for i, c in enumerate(data["cases"]):
        marks = [pytest.mark.xfail(strict=True, reason=c["xfail"])] if c.get("xfail") else []
        params.append(pytest.param(c, id=f"{c['group']}-{i}", marks=marks))
    return params


ALL_CASES = _load_cases()


def test_table_size_and_coverage():
    cases = [p.values[0] for p in ALL_CASES]
    assert len(cases) >= 700
    groups = {c["group"] for c in cases}
    assert {"count", "chinese", "amount", "qualifier", "change", "rate", "range", "zero", "period",
            "trap", "trap+"} <= groups
    # issue 13: every numeral form and every trap class of real documents has rows
    assert {"numeral", "capital", "cheng", "percent", "negative", "half", "doubling", "approx", "fraction",
            "thousands", "ocr", "per", "metric", "currency", "trap-duration", "trap-session", "trap-slogan",
            "trap-category", "trap-budget", "trap-structure", "trap-scope", "trap-url", "trap-footnote",
            "trap-nextword"} <= groups
    # every unit of the units table appears at least once in the table
    tables = yaml.safe_load((quantities.DATA / "units.yaml").read_text(encoding="utf-8"))
    units = {q[2] for c in cases for q in c["q"]}
    for canon in ("元", "%", "‰", "百分点", "倍", "人", "件", "场次", "吨", "亩", "千瓦时", "微克/立方米"):
        assert canon in units
    assert tables["multipliers"]["万"] == 10000
    kinds = {q[4] for c in cases for q in c["q"]}
    assert kinds == {"count", "rate", "amount", "change"}
    quals = {q[3] for c in cases for q in c["q"]}
    assert quals == {"exact", "approx", "lower", "upper"}


@pytest.mark.parametrize("case", ALL_CASES)
def test_phrasing(case):
    text = case["text"]
    got = find_quantities(text)
    for q in got:
        assert text[q.start:q.end] == q.text
    want = case["q"]
    assert [q.text for q in got] == [w[0] for w in want], [(q.text, q.value, q.unit) for q in got]
    for q, w in zip(got, want):
        span, value, unit, qual, kind = w[:5]
        extra = w[5] if len(w) > 5 else {}
        assert math.isclose(q.value, value, rel_tol=1e-6, abs_tol=1e-9), (span, q.value, value)
        assert q.unit == unit, (span, q.unit)
        assert q.qualifier == qual, (span, q.qualifier)
        assert q.kind == kind, (span, q.kind)
        if "period" in extra:
            assert q.period == extra["period"], (span, q.period)
        if "max" in extra:
            assert q.max is not None and math.isclose(q.max, extra["max"], rel_tol=1e-6), (span, q.max)


@pytest.mark.parametrize("numeral,value", [
    ("十", 10), ("十二", 12), ("二十", 20), ("一百二十", 120), ("两千", 2000), ("三万", 30000),
    ("一百零五", 105), ("三万五千", 35000), ("一亿二千万", 120000000), ("三万亿", 3 * 10**12),
    ("二〇二三", 2023), ("七十二点四三", 72.43), ("五十五万", 550000), ("零", 0),
])
def test_parse_chinese(numeral, value):
    assert float(parse_chinese(numeral)) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["", "万万", "三四五十", "一点", "abc"])
def test_parse_chinese_rejects(bad):
    assert parse_chinese(bad) is None


def test_subject_and_clause():
    text = "加强行政复议工作，接收行政复议申请54件，建立8个行政复议便民联系点。调解成功率达98%以上。"
    qs = {q.text: q for q in find_quantities(text)}
    assert qs["54件"].subject == "接收行政复议申请"
    assert qs["8个"].subject == "行政复议便民联系点"
    assert qs["98%以上"].subject == "调解成功率"
    assert qs["54件"].clause == "接收行政复议申请54件"
    assert qs["54件"].unit_text == "件"
    assert all(q.subject for q in find_quantities(text))
    assert all(q.subject is None for q in find_quantities(text, subjects=False))


def test_offsets_index_the_given_text():
    text = "累计为 230 个项目开展联审，部门联合率 72.43%，办件量２．８万余人次。"
    qs = find_quantities(text)
    assert [q.text for q in qs] == ["230 个", "72.43%", "２．８万余人次"]
    for q in qs:
        assert text[q.start:q.end] == q.text


def test_to_dict_follows_output_spec():
    q = find_quantities("接收行政复议申请54件，增长3—5%。")[0]
    d = q.to_dict()
    assert list(d)[:10] == ["text", "start", "end", "value", "unit", "qualifier", "kind", "period", "subject",
                            "section"]
    assert d["value"] == 54 and isinstance(d["value"], int)
    assert "max" not in d
    r = find_quantities("增长3—5%。")[0].to_dict()
    assert r["max"] == 5 and r["qualifier"] == "lower" and r["kind"] == "change"


# ------------------------------------------------------------------------------- the pipeline stage

def _doc(text: str) -> Document:
    return Document(text=text, source="mem.txt", id="x", format="txt")


def test_extract_quantities_marks_plans_as_targets():
    text = ("一、主要成效\n全年办理案件54件，建立调解组织8个。\n"
            "二、2024年主要安排\n新建服务站点10处，培训200人次。\n")
    plans_start = text.index("二、")
    sections = [
        Section(id="1", parent=None, level=1, number="一、", title="主要成效", part="results", category=None,
                start=0, end=plans_start),
        Section(id="2", parent=None, level=1, number="二、", title="2024年主要安排", part="plans", category=None,
                start=plans_start, end=len(text)),
    ]
    qs = extract_quantities(_doc(text), sections)
    # 全年 heads the sentence: the 8 organisations were set up during the year (annotation.md: 全年 is actual)
    assert [(q.text, q.period) for q in qs] == [("54件", "actual"), ("8个", "actual"), ("10处", "target"),
                                              ("200人次", "target")]
    assert [q.text for q in extract_quantities(_doc(text), [])] == ["54件", "8个", "10处", "200人次"]
    for q in qs:
        assert text[q.start:q.end] == q.text


def test_extract_quantities_maps_normalised_spans_back():
    text = "（一）全年\n办理案件 16 次，覆盖率达到 100 %，参与２．８万余人次。"
    qs = extract_quantities(_doc(text), [])
    assert [q.text for q in qs] == ["16 次", "100 %", "２．８万余人次"]
    assert [q.value for q in qs] == [16, 100, 28000]


# ---------------------------------------------------------------------------------- whole documents

def _score(text: str, gold: dict, shared_dir: Path) -> dict:
    """Value and full F1, trap hits and grounding of find_quantities on one gold document (as score.py)."""
    tools = str(shared_dir / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    from goldlib import locate
    qs = find_quantities(text)
    preds = [(q.start, q.end, q) for q in qs]
    taken, used = set(), set()
    value_tp = full_tp = 0
    for g in gold["quantities"]:
        loc = locate(text, g, taken) or locate(text, {"text": g["text"]}, taken)
        assert loc, g
        taken.add(loc[0])
        best, best_ov = None, 0
        for i, (s, e, q) in enumerate(preds):
            ov = max(0, min(loc[1], e) - max(loc[0], s))
            if i not in used and ov > best_ov:
                best, best_ov = i, ov
        if best is None:
            continue
        used.add(best)
        q = preds[best][2]
        canon = {"名": "人", "位": "人", "起": "件", "宗": "件", "场": "场次", "个百分点": "百分点"}
        ok = math.isclose(q.value, g["value"], rel_tol=1e-6, abs_tol=1e-9) and q.unit == canon.get(g["unit"], g["unit"])
        value_tp += ok
        full_tp += ok and q.qualifier == g["qualifier"] and q.kind == g["kind"]
    ignores = [locate(text, t) for t in gold.get("ignore", [])]
    n_pred = sum(1 for i, (s, e, q) in enumerate(preds)
                 if i in used or not any(ig and min(ig[1], e) > max(ig[0], s) for ig in ignores))
    traps = [locate(text, t) for t in gold.get("traps", [])]
    trap_hits = [q.text for s, e, q in preds if any(t and min(t[1], e) > max(t[0], s) for t in traps)]

    def f1(tp):
        p, r = tp / n_pred if n_pred else 1.0, tp / len(gold["quantities"]) if gold["quantities"] else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0
    return {"value_f1": f1(value_tp), "full_f1": f1(full_tp), "trap_hits": trap_hits,
            "grounded": all(text[q.start:q.end] == q.text for q in qs)}


def test_zhoucun_golden(shared_dir, zhoucun_text):
    gold = json.loads((shared_dir / "corpora" / "dev" / "gold" / "zhoucun-2023.json").read_text(encoding="utf-8"))
    sc = _score(zhoucun_text, gold, shared_dir)
    assert sc["grounded"]
    assert sc["trap_hits"] == []
    assert sc["value_f1"] >= 0.97
    assert sc["full_f1"] >= 0.93


def _dev_texts():
    from conftest import SHARED
    gold_dir = SHARED / "corpora" / "dev" / "gold"
    if not gold_dir.is_dir():
        return []
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold.get("scope") == "indicators" or not gold["doc"].endswith(".txt") or "zhoucun" in gold["doc"]:
            continue
        out.append(pytest.param(gold, id=gold["doc"]))
    return out


@pytest.mark.parametrize("gold", _dev_texts())
def test_dev_document(shared_dir, gold):
    text = (shared_dir / "corpora" / "dev" / gold["doc"]).read_text(encoding="utf-8")
    sc = _score(text, gold, shared_dir)
    assert sc["grounded"]
    assert sc["trap_hits"] == []
    assert sc["value_f1"] >= 0.9
    assert sc["full_f1"] >= 0.85


# ------------------------------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(list("0123456789０１２３４５６７８９.,%‰—-至一二两三十百千万亿零〇余多近约超个件项次人名元吨亩"
                                 "年月日第“”（）()，。、；：\n 　增长下降提高率累计目前力争共达为以上左右之分"))


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=80))
def test_no_crash_and_grounded_on_numeral_soup(text):
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text
        assert q.start < q.end
        assert math.isfinite(q.value)
        assert q.kind in {"count", "rate", "amount", "change"}
        assert q.qualifier in {"exact", "approx", "lower", "upper"}
        assert q.period in {"actual", "stock", "cumulative", "target"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_no_crash_and_grounded_on_any_text(text):
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text


# the fast forms of the patterns (issue 13: re instead of regex, a first-character lookahead) match exactly
# what the patterns of the data files match with regex

def _regex_traps():
    import regex
    tr = yaml.safe_load((quantities.DATA / "traps.yaml").read_text(encoding="utf-8"))
    return regex.compile("|".join([quantities._alt(tr["slogans"])] + [f"(?:{p})" for p in tr["patterns"].values()]),
                         regex.V1)


_TRAP_ALPHABET = st.sampled_from(list("0123456789.,:-/%_·#[]()（）〔〕第前强届大每以上下及元人家吨亩类级期次号版"
                                      "一二三四五六七八九十两百千万亿劣水体属于中全会方面部分个条抓好如下www.pdfhtAFaz"
                                      " \n\x1c\u0301的政协人大行政运行营商环境方案") + ["两个确立", "一网通办", "https://"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_TRAP_ALPHABET, max_size=40).map("".join), st.data())
def test_fast_trap_pattern_matches_what_the_data_pattern_matches(text, data):
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    fast, slow = quantities.tables().traps, _regex_traps()
    assert [m.span() for m in fast.finditer(text, lo, hi)] == [m.span() for m in slow.finditer(text, lo, hi)]


def _data_patterns() -> list:
    d = quantities.DATA
    ch = yaml.safe_load((d / "changes.yaml").read_text(encoding="utf-8"))
    pe = yaml.safe_load((d / "periods.yaml").read_text(encoding="utf-8"))
    su = yaml.safe_load((d / "subject.yaml").read_text(encoding="utf-8"))
    tr = yaml.safe_load((d / "traps.yaml").read_text(encoding="utf-8"))
    out = list(ch["increase"]) + list(ch["decrease"]) + [su["strip_leading"], su["strip_trailing"]]
    out += [p for key in ("target", "actual_override", "cumulative", "stock_sentence", "stock_clause") for p in pe[key]]
    return out + list(tr["patterns"].values())


_CUE_ALPHABET = st.sampled_from(list("0123456789.%年月以来累计截至目前今年全年力争将达到实现增长下降减少降低提高"
                                     "率点值额第近届十五期间，、；：。 \n\x1c\u3000的和及其中共计约为分别") + ["2019年以来"])


@pytest.mark.parametrize("source", _data_patterns())
@settings(max_examples=30, deadline=None)
@given(text=st.lists(_CUE_ALPHABET, max_size=30).map("".join))
def test_fast_data_patterns_match_what_regex_matches(source, text):
    import regex
    fast, slow = quantities._compile(source), regex.compile(source, regex.V1)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
    assert bool(fast.search(text, 1, len(text) - 1)) == bool(slow.search(text, 1, len(text) - 1))
    assert fast.sub("", text) == slow.sub("", text)


def test_first_chars_of_a_pattern():
    fc = quantities._first_chars
    assert fc(r"(?<=x)[一二]+类|\d{2}|ab?") == r"\da一二"
    assert fc("a*") is None and fc("[^a]b") is None and fc(".") is None
    assert fc(r"[\p{Han}--[一]]x") == r"\p{Han}"


# ------------------------------------------------------------------------------------------- spaCy

def test_spacy_component():
    spacy = pytest.importorskip("spacy")
    import extractor.nlp  # noqa: F401 (registers the factories; all spaCy glue lives there)
    nlp = spacy.blank("zh")
    nlp.add_pipe("extractor_quantities")
    text = "今年以来联合抽查386家，部门联合率72.43%，“十个合并”改革。"
    doc = nlp(text)
    spans = doc.spans["quantities"]
    assert [s.text for s in spans] == ["386家", "72.43%"]
    assert spans[0]._.fact.value == 386
    assert spans[1]._.fact.kind == "rate"
    assert spans[1].label_ == "rate"


def test_the_stage_resumes_the_collector_only_if_it_was_running():
    import gc
    assert gc.isenabled()
    find_quantities("全年收到行政复议申请54件。")
    assert gc.isenabled()
    gc.disable()
    try:
        find_quantities("全年收到行政复议申请54件。")
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
