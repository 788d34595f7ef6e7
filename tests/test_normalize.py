"""The working copy and its offset map."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.text.normalize import fold, normalize

# (document text, expected working copy)
CASES = [
    ("关于 2023 年度", "关于2023年度"),
    ("抽查 386 家，", "抽查386家，"),
    ("率 72.43 %", "率72.43%"),
    ("８.８％", "8.8%"),
    ("１９５５年", "1955年"),
    ("（四）", "(四)"),
    ("(四)", "(四)"),
    ("法治政府建設與責任落實", "法治政府建设与责任落实"),
    ("臺灣", "台湾"),
    ("６０００余条", "6000余条"),
    ("全角　空格", "全角 空格"),
    ("Ａ级", "A级"),
    ("，；：？！", "，；：？！"),  # Chinese sentence marks are kept
    ("2 000", "2 000"),  # space between two digits stays
    ("中共周村区委 周村区人民政府", "中共周村区委 周村区人民政府"),  # space between CJK words stays
    ("集成打造“政务服务专区”并行政，建设工作也在不断推进中并\n\n接入“爱山东”", "集成打造“政务服务专区”并行政，建设工作也在不断推进中并接入“爱山东”"),
    ("充分发挥法律顾问、公职律师“智库”作\n\n用，为区委", "充分发挥法律顾问、公职律师“智库”作\n\n用，为区委"),  # short line: kept
    ("充分发挥法律顾问、公职律师、各位专家学者的“智库”作\n\n用，为区委", "充分发挥法律顾问、公职律师、各位专家学者的“智库”作用，为区委"),
    ("现将工作情况报告如下：\n\n一、主要举措", "现将工作情况报告如下：\n\n一、主要举措"),  # sentence ended
    ("在全市率先建立项目联审机制，整合部门事项，为企业提供“十\n个合并”", "在全市率先建立项目联审机制，整合部门事项，为企业提供“十个合并”"),
    ("在全市率先建立项目联审机制，整合部门事项，为企业提供服务\n(二)健全制度", "在全市率先建立项目联审机制，整合部门事项，为企业提供服务\n(二)健全制度"),  # heading
    ("关于2023年度法治政府建设工作的报告\n\n2023年以来", "关于2023年度法治政府建设工作的报告\n\n2023年以来"),  # title: no body marks
    # a table row (tab-separated cells) stands alone: its last number never runs into the next line
    ("收入总计\t96,282,213.44\t支出总计\t96,282,213.44\n2026年部门收入预算总表",
     "收入总计96,282,213.44支出总计96,282,213.44\n2026年部门收入预算总表"),
    ("本年度一般公共预算财政拨款支出合计，比上年增加较多，主要原因是\n2025年\t1,200.50\t1,180.20",
     "本年度一般公共预算财政拨款支出合计，比上年增加较多，主要原因是\n2025年1,200.50\t1,180.20"),
]


@pytest.mark.parametrize("src,expected", CASES, ids=[c[0][:20] for c in CASES])
def test_working_copy(src, expected):
    w = normalize(src)
    assert w.text == expected
    _check_map(w)


def _check_map(w):
    """Every working character maps to a source character it was folded from."""
    folded = fold(w.source)
    for i, ch in enumerate(w.text):
        s, e = w.to_source(i, i + 1)
        assert e == s + 1
        assert folded[s] == ch
    # spans map to increasing, non-overlapping source spans
    prev = -1
    for i in range(len(w.text)):
        s, _ = w.to_source(i, i + 1)
        assert s > prev
        prev = s


def test_span_maps_to_exact_source(zhoucun_text):
    w = normalize(zhoucun_text)
    for needle, src in [("并接入", "并\n\n接入"), ("2023年度", "2023 年度"), ("作用", "作\n\n用"),
                        ("“十个合并”", "“十个合并”"), ("齐好办·金融管家", "齐好办·金融管家")]:
        i = w.text.find(needle)
        assert i >= 0, needle
        s, e = w.to_source(i, i + len(needle))
        assert zhoucun_text[s:e] == src


def test_to_work_roundtrip(zhoucun_text):
    w = normalize(zhoucun_text)
    for i in range(0, len(w.text), 37):
        s, _ = w.to_source(i, i + 1)
        assert w.to_work(s) == i


ALPHABET = st.sampled_from(list("一二三十百千万年月日个件项次%％０１２３4567.,，。；、“”（）()  \n\t\u3000法治政府建設與為周村区并接入作用ABCａｂ"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(ALPHABET, max_size=200).map("".join))
def test_map_property(text):
    w = normalize(text)
    _check_map(w)
    assert w.to_source(0, len(w.text))[1] <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    w = normalize(text)
    assert len(w.text) <= len(text)
    for a in range(0, len(w.text), 7):
        b = min(len(w.text), a + 5)
        s, e = w.to_source(a, b)
        assert 0 <= s <= e <= len(text)


def test_heading_with_enumeration_comma_is_not_joined():
    src = "二、“十四五”时期发展成就、主要目标和重点任务\n2025年，全省地区生产总值增长5%，完成全年目标。"
    assert normalize(src).text == src
