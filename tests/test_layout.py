"""The shared pieces of the layout: Settings passed down, one SectionIndex, one sentence-bounds module,
Report.from_dict, immutable catalogues, the heading-numeral leaf."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings as hsettings, strategies as st

import extractor
from extractor.core import errors
from extractor.core.document import Document
from extractor.core.facts import Section
from extractor.core.settings import Settings, from_env
from extractor.output.report import Report
from extractor.stages import sections as sections_stage
from extractor.stages.index import SectionIndex
from extractor.text import sentences as tsent
from extractor.text.cardinals import cn_integer

REPORT = """某区2023年法治政府建设情况报告

一、主要工作成效
（一）加强党的领导
全年召开常务会议学法3次，组织旁听庭审2次。
（二）推进依法行政
办理行政复议案件12件，其中纠错2件。新建法治便民驿站6个。
二、存在的不足
法治队伍建设仍需加强。
三、2024年工作安排
力争培训执法人员500人次。
"""


def _sec(id, level, start, end, part="results", parent=None, title="", segments=None):
    return Section(id=id, parent=parent, level=level, number=None, title=title or id, part=part, category=None,
                   start=start, end=end, segments=segments)


# ---------------------------------------------------------------- Settings

def test_settings_are_immutable_and_replaced():
    s = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.max_bytes = 1
    assert s.replace(use_models=False).use_models is False and s.use_models is True


@pytest.mark.parametrize("env, field, value", [
    ({"EXTRACTOR_NO_MODELS": "1"}, "use_models", False),
    ({"EXTRACTOR_MAX_BYTES": "1000"}, "max_bytes", 1000),
    ({"EXTRACTOR_PDF_ENGINE": "pdfplumber"}, "pdf_engine", "pdfplumber"),
    ({}, "use_models", True),
])
def test_from_env(env, field, value):
    assert getattr(from_env(env), field) == value


def test_extract_takes_settings_and_options(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    with pytest.raises(errors.DocumentTooLarge):
        extractor.extract(p, max_bytes=10)
    with pytest.raises(errors.DocumentTooLarge):
        extractor.extract(p, Settings(max_bytes=10))
    with pytest.raises(TypeError):
        extractor.extract(p, no_such_option=1)
    rules_only = extractor.extract(p, use_models=False)
    assert all(s.method == "rule" for s in rules_only.section_list)
    assert extractor.extract(p, None).to_dict() == extractor.extract(p, Settings()).to_dict()


def test_load_reads_the_size_limit_from_settings(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    with pytest.raises(errors.DocumentTooLarge, match="limit"):
        extractor.load(p, settings=Settings(max_bytes=10))
    assert extractor.load(p, settings=Settings(max_bytes=10 ** 6)).text == REPORT


def test_cli_flag_becomes_a_setting(tmp_path, capsys):
    from extractor.cli import main
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    assert main(["extract", str(p), "--max-bytes", "10"]) == 2
    assert "limit" in capsys.readouterr().err


# ---------------------------------------------------------------- SectionIndex

def test_section_index_innermost_part_titles():
    secs = [_sec("0", 1, 0, 10, "preamble"), _sec("1", 1, 10, 100, "results", title="一"),
            _sec("1.1", 2, 12, 50, parent="1", title="甲"), _sec("1.1.1", 3, 20, 30, parent="1.1", title="子"),
            _sec("1.2", 2, 50, 100, parent="1", title="乙"), _sec("2", 1, 100, 150, "plans", title="二")]
    ix = SectionIndex(secs)
    cases = [(0, "0", "preamble", "0"), (9, "0", "preamble", "0"), (10, "1", "results", "一"),
             (12, "1.1", "results", "一 / 甲"), (25, "1.1.1", "results", "一 / 甲 / 子"), (30, "1.1", "results", "一 / 甲"),
             (50, "1.2", "results", "一 / 乙"), (99, "1.2", "results", "一 / 乙"), (100, "2", "plans", "二"),
             (150, None, None, ""), (-1, None, None, "")]
    for off, sid, part, titles in cases:
        s = ix.section_at(off)
        assert (s.id if s else None, ix.part_at(off), ix.titles_at(off)) == (sid, part, titles), off


def test_section_index_tie_rule_and_segments():
    # two sections of one level over one offset (not a proper tree): the later start wins, everywhere
    secs = [_sec("1", 1, 0, 100, "results", segments=[[0, 40, "results"], [40, 100, "plans"]]),
            _sec("1.1", 2, 10, 60, parent="1"), _sec("1.2", 2, 30, 80, parent="1", part=None)]
    ix = SectionIndex(secs)
    assert ix.section_at(35).id == "1.2"
    assert ix.part_at(35) == "results"  # the segment decides
    assert ix.part_at(45) == "plans"
    assert sections_stage.part_at(secs, 45) == "plans"  # the old entry point asks the index


def test_section_index_behaves_like_the_list():
    secs = [_sec("1", 1, 0, 10), _sec("2", 1, 10, 20)]
    ix = SectionIndex(secs)
    assert list(ix) == secs and len(ix) == 2 and ix[1] is secs[1] and SectionIndex.of(ix) is ix
    assert not SectionIndex([]) and SectionIndex([]).section_at(0) is None


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60), st.integers(1, 4)), max_size=12),
       st.integers(-5, 300))
def test_section_index_equals_the_brute_force_rule(spans, off):
    secs = [_sec(str(i), lvl, a, a + n) for i, (a, n, lvl) in enumerate(spans)]
    holding = [s for s in secs if s.start <= off < s.end]
    want = None
    for s in sorted(holding, key=lambda s: s.start):  # deepest; the later start between equals
        if want is None or s.level >= want.level:
            want = s
    assert SectionIndex(secs).section_at(off) is want


# ---------------------------------------------------------------- parts: plans do not spread

def test_a_plans_section_without_a_plans_heading_does_not_make_later_sections_plans():
    """Issue 14: a section classified as plans by its body (or the model), perhaps wrongly, kept every later
    top-level section in the plans part, so all their quantities became targets."""
    text = ("某市2025年工作报告\n\n一、过去一年的工作\n我们完成了很多工作，增长5%。\n"
            "二、重点领域推进\n力争明年增长6%，将加快建设，计划推进，确保完成。拟开展，争取实现，目标是增长。\n"
            "三、政府自身建设\n我们加强政府自身建设，完成培训120人次。\n"
            "四、廉政建设\n查处案件8件，完成整改。\n")
    doc = Document(text=text, source="t", id="t", format="text")
    top = sections_stage.top_level(sections_stage.find_sections(doc, use_model=False))
    assert [s.part for s in top] == ["results", "plans", "results", "results"]
    assert top[1].confidence <= 0.5  # from body cues, not from its heading
    qs = extractor.pipeline.run(doc, Settings(use_models=False)).quantity_list
    assert [q.period for q in qs if q.start > text.index("三、")] == ["actual", "actual"]


def test_a_named_plans_section_passes_its_part_to_the_next_section_only():
    text = ("某市政府工作报告\n\n一、2024年工作回顾\n我们完成了很多工作。\n二、2025年工作安排\n力争增长6%。\n"
            "三、政府自身建设\n加强政府自身建设。\n四、廉政建设\n我们查处案件8件。\n")
    secs = sections_stage.find_sections(Document(text=text, source="t", id="t", format="text"), use_model=False)
    parts = [s.part for s in sections_stage.top_level(secs)]
    assert parts[1:3] == ["plans", "plans"]
    assert parts[3] != "plans"


# ---------------------------------------------------------------- sentence bounds

def _old_normalizer_bounds(work, ws, we):
    sent_end = "。；;！？!?\n"
    clause_end = sent_end + "，,：:"
    ss = max(work.rfind(c, 0, ws) for c in sent_end) + 1
    se = min([p for p in (work.find(c, we) for c in sent_end) if p >= 0] or [len(work)])
    cs = max(work.rfind(c, 0, ws) for c in clause_end) + 1
    ce = min([p for p in (work.find(c, we) for c in clause_end) if p >= 0] or [len(work)])
    return ss, se, cs, ce


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲乙丙其中，,。；;：！？\n 12", max_size=60), st.data())
def test_bounds_equal_the_normalizers_old_computation(text, data):
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    assert tuple(tsent.bounds(text, a, b)) == _old_normalizer_bounds(text, a, b)


@pytest.mark.parametrize("text, pos, kind, kw, want", [
    ("甲。乙，丙", 4, tsent.SENTENCE, {}, 2),
    ("甲。乙，丙", 4, tsent.CLAUSE, {}, 4),
    ("甲；乙", 2, tsent.FULL_STOP, {}, 0),
    ("甲。其中乙", 4, tsent.SENTENCE, {"continues": True}, 0),  # 其中… continues the sentence before
    ("甲。其中乙", 4, tsent.SENTENCE, {}, 2),
    ("甲\n其中乙", 4, tsent.SENTENCE, {"continues": True}, 2),  # not across a line break
    ("甲乙丙丁戊", 4, tsent.SENTENCE, {"window": 2}, 2),  # no mark in the window: the window's start
])
def test_start_of(text, pos, kind, kw, want):
    assert tsent.start_of(text, pos, kind, **kw) == want


def test_one_splitter():
    from extractor.stages import sentences
    assert sentences.split is tsent.split
    assert tsent.sentences("他说：“好。”我们同意。增长72.43%。") == ["他说：“好。”", "我们同意。", "增长72.43%。"]


# ---------------------------------------------------------------- numerals of headings

@pytest.mark.parametrize("s, n", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("四十五", 45), ("一百零三", 103),
                                  ("二〇二三", 2023), ("两千", 2000), ("三万", 30000), ("十一万", 110000),
                                  ("", None), ("甲", None), ("一二十", None)])
def test_cn_integer(s, n):
    assert cn_integer(s) == n


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿", min_size=1, max_size=6))
def test_cn_integer_agrees_with_the_quantities_parser(s):
    from extractor.stages.quantities import parse_chinese
    v = parse_chinese(s)
    assert cn_integer(s) == (int(v) if v is not None and v == int(v) else None)


# ---------------------------------------------------------------- Report.from_dict

def test_report_from_dict_round_trips(zhoucun_path):
    rep = extractor.extract(zhoucun_path, use_models=False)
    d = rep.to_dict()
    back = Report.from_dict(d)
    assert back.to_dict() == d
    assert back.to_frame().equals(rep.to_frame())


def test_report_from_dict_refuses_other_json():
    with pytest.raises(ValueError):
        Report.from_dict({"schema": "extractor/1"})


# ---------------------------------------------------------------- catalogues

def test_catalogue_is_immutable():
    cat = extractor.catalogue("fazhi")
    ind = cat.indicators[0]
    with pytest.raises(AttributeError):
        cat.indicators = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ind.unit = "x"
    with pytest.raises(AttributeError):
        ind.aliases.append("x")  # a tuple
    with pytest.raises(TypeError):
        ind.accept_units["x"] = 1
    new = cat.with_indicator(ind.replace(aliases=("新说法",)))
    assert new[ind.id].aliases == ("新说法",) and cat[ind.id] is ind and len(new) == len(cat)
    assert ind.id not in cat.without(ind.id) and ind.id in cat
    with pytest.raises(ValueError, match="twice"):
        type(cat)("x", {}, [], [ind, ind])


def test_extract_with_a_catalogue(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    base = extractor.extract(p, use_models=False)
    new = extractor.Indicator(id="custom.hearings", name_zh="法治便民驿站", unit="个", kind="count", aliases=["法治便民驿站"])
    cat = extractor.catalogue("fazhi").with_indicator(new)
    mine = extractor.extract(p, use_models=False, catalogue=cat)
    assert "custom.hearings" in {i.indicator for i in mine.indicator_list}
    assert "custom.hearings" not in {i.indicator for i in base.indicator_list}
    assert "custom.hearings" not in extractor.catalogue("fazhi")


def _part_at_by_walking(ix, offset):
    """part_at as it was first written: the chain, its last top-level section, the walk up to a part."""
    chain = ix.chain_at(offset)
    if not chain:
        return None
    tops = [s for s in chain if s.level == 1]
    if tops and tops[-1].segments:
        for a, b, p in tops[-1].segments:
            if a <= offset < b:
                return p
    sec = ix.section_at(offset)
    while sec is not None and sec.part is None and sec.parent is not None:
        sec = ix.by_id(sec.parent)
    return sec.part if sec is not None else None


def test_part_at_is_computed_once_per_interval(zhoucun_text):
    """part_at answers from tables built once (a deep section tree costs no walk per query), as the walk did."""
    from extractor.ingest import from_text
    from extractor.stages.sections import find_sections
    for text in (zhoucun_text, (zhoucun_text + "\n") * 3):
        ix = SectionIndex(find_sections(from_text(text, source="z.txt"), True, Settings()))
        for offset in list(range(-1, len(text) + 2, 7)) + [s.start for s in ix] + [s.end for s in ix]:
            assert ix.part_at(offset) == _part_at_by_walking(ix, offset), offset
    secs = [Section(id="1", parent=None, level=1, number="一、", title="t", part=None, category=None, start=0, end=50,
                    segments=[(0, 20, "results"), (20, 50, "plans")]),
            Section(id="1.1", parent="1", level=2, number="（一）", title="u", part=None, category=None, start=30, end=40)]
    ix = SectionIndex(secs)
    assert [ix.part_at(o) for o in (5, 25, 35, 60)] == [_part_at_by_walking(ix, o) for o in (5, 25, 35, 60)] == \
        ["results", "plans", "plans", None]
