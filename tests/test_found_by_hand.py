"""Errors found by reading fresh samples of the external corpora by hand (45 paragraphs of 32 reports,
1980–2026; 2026-12-01): each fixed one is a row here, each still open a strict xfail."""
from __future__ import annotations

import pytest

from extractor.stages.quantities import find_quantities


def _one(text, span):
    got = [q for q in find_quantities(text) if text[q.start:q.end] == span]
    assert got, [(text[q.start:q.end], q.value, q.unit) for q in find_quantities(text)]
    return got[0]


@pytest.mark.parametrize("text, span, value, unit, kind", [
    ("发电量达到4455亿千瓦小时", "4455亿千瓦小时", 4.455e11, "千瓦时", "amount"),  # 千瓦小时 = 千瓦时
    ("全年用电3万度电", "3万度电", 30000.0, "千瓦时", "amount"),
    ("比上年增产1199万吨", "1199万吨", 11_990_000.0, "吨", "change"),
    ("粮食减产5%", "5%", -5.0, "%", "change"),
    ("低效建设用地减量7平方公里", "7平方公里", -7.0, "平方公里", "change"),
    ("农民人均增收1200元", "1200元", 1200.0, "元", "change"),
    ("增产量达到300万吨", "300万吨", 3_000_000.0, "吨", "amount"),
    ("一九五九年已经有一亿一千多万青、壮年", "一亿一千多万", 110_000_000.0, "", "count"),  # 万 after 亿: its part only
    ("全国有一亿一千多万人", "一亿一千多万人", 110_000_000.0, "人", "count"),
    ("两亿三千五百万元", "两亿三千五百万元", 235_000_000.0, "元", "amount"),
    ("棉花产量只有八百八十多万担", "八百八十多万", 8_800_000.0, "", "count"),
])
def test_read_right(text, span, value, unit, kind):
    q = _one(text, span)
    assert (q.value, q.unit, q.kind) == (value, unit, kind)


def test_chinese_numeral_with_wan_and_no_counting_word():
    assert _one("安排了四千二百多万城镇劳动力就业", "四千二百多万").value == 42_000_000
    for idiom in ("千万不能放松", "亿万人民", "十万火急", "百万雄师", "千千万万", "成千上万"):
        assert not find_quantities(idiom), idiom


@pytest.mark.parametrize("text, span, qualifier", [
    ("增长1倍多", "1倍多", "lower"),
    ("提高了2倍多的水平", "2倍多", "lower"),
    ("翻了1倍余。", "1倍余", "lower"),
    ("增长1倍多，", "1倍多", "lower"),
    ("增长1倍多元化", "1倍", "exact"),  # 多元 is a word
])
def test_bei_duo_is_lower(text, span, qualifier):
    assert _one(text, span).qualifier == qualifier


@pytest.mark.parametrize("text, span, qualifier", [
    ("增速高于全国8.4个百分点", "8.4个百分点", "exact"),  # the gap between the two rates
    ("低于全省0.3个百分点", "0.3个百分点", "exact"),
    ("高于3个百分点", "3个百分点", "lower"),  # nothing named between: a bound
    ("比重高于全国5%", "5%", "lower"),
    ("失业率低于5.5%", "5.5%", "upper"),
])
def test_a_gap_after_higher_than_is_exact(text, span, qualifier):
    assert _one(text, span).qualifier == qualifier


@pytest.mark.parametrize("text, span, value, unit, qualifier", [
    ("收入1亿1000多万元", "1亿1000多万元", 110_000_000.0, "元", "lower"),
    ("共1亿2千万元", "1亿2千万元", 120_000_000.0, "元", "exact"),
    ("惠及1亿1000余万人", "1亿1000余万人", 110_000_000.0, "人", "lower"),
    ("总数10亿5000万", "10亿5000万", 1_050_000_000.0, "", "exact"),  # was read as 5000万 alone
    ("投资1亿1000万，", "1亿1000万", 110_000_000.0, "", "exact"),
    ("达2亿3000万以上", "2亿3000万以上", 230_000_000.0, "", "lower"),
    ("全年2亿3500万人次", "2亿3500万人次", 235_000_000.0, "人次", "exact"),
])
def test_arabic_yi_then_wan_is_one_quantity(text, span, value, unit, qualifier):
    q = _one(text, span)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert len(find_quantities(text)) == 1


@pytest.mark.parametrize("text, span, period", [
    ("今年赤字率拟按2.8%左右安排。", "2.8%左右", "target"),  # 拟…安排: a budget plan
    ("今年拟安排地方政府专项债券3.65万亿元。", "3.65万亿元", "target"),
    ("拟发行超长期特别国债1.3万亿元。", "1.3万亿元", "target"),
    ("去年农村建成住宅约六亿平方米。", "约六亿平方米", "actual"),  # built during the year: a flow
    ("今年新建成5G基站1.2万个。", "1.2万个", "actual"),
    ("全区建立人民调解委员会183个。", "183个", "stock"),  # no year: what stands
    ("全年生猪存栏50500头。", "50500头", "stock"),  # 存栏 is a level whatever the year
    ("截至年底，建成5G基站1.2万个。", "1.2万个", "cumulative"),
])
def test_period_words_found_by_hand(text, span, period):
    assert _one(text, span).period == period


def test_a_target_list_past_the_full_stop():
    text = "主要预期目标是：地区生产总值增长5%左右。居民消费价格涨幅2%左右。单位GDP能耗下降3%左右。"
    assert [q.period for q in find_quantities(text)] == ["target"] * 3
    later = "今年的主要目标是：新增就业1200万人以上。\n去年完成投资30亿元。"  # the list ends with its paragraph
    assert [q.period for q in find_quantities(later)] == ["target", "actual"]


@pytest.mark.parametrize("text, periods", [
    ("五年来，民生保障扎实有力。建成养老机构357家。", ["cumulative"]),
    ("——这五年高质量发展稳步推进。开通航线483条。", ["cumulative"]),
    ("五年来，民生保障扎实有力。建成养老机构357家。2025年新增就业30万人。", ["cumulative", "actual"]),  # a year of its own
    ("今年完成投资30亿元。五年来建成学校12所。", ["actual", "cumulative"]),  # 五年来 does not open the paragraph
    ("五年来，成绩显著。\n全年新增就业30万人。", ["actual"]),  # the next paragraph is not looked back over
])
def test_five_years_heading_a_paragraph(text, periods):
    assert [q.period for q in find_quantities(text)] == periods


# ------------------------------------------------------------------ the second reading (40 paragraphs, seed 20261205)

@pytest.mark.parametrize("text, span, value, vmax, unit, qualifier, kind", [
    ("算力总规模达到10.36百亿亿次/秒", "10.36百亿亿次/秒", 1.036e19, None, "次/秒", "exact", "amount"),  # 百亿亿 = 10^18
    ("调高到百分之八至九", "百分之八至九", 8.0, 9.0, "%", "lower", "rate"),  # the second bound without 百分之
    ("每年递增百分之四到五", "百分之四到五", 4.0, 5.0, "%", "lower", "change"),
    ("一般可以增产百分之十到二十左右", "百分之十到二十左右", 10.0, 20.0, "%", "approx", "change"),
    ("比上年增长一倍", "一倍", 1.0, None, "倍", "exact", "change"),  # 一 alone is a word, not before 倍 after a change
    ("提高了一倍多", "一倍多", 1.0, None, "倍", "lower", "change"),
    ("比上年增加一倍以上", "一倍以上", 1.0, None, "倍", "lower", "change"),
    ("会同农业农村厅等6部门联合印发", "6部门", 6.0, None, "部门", "exact", "count"),  # not 6 部
])
def test_second_reading_read_right(text, span, value, vmax, unit, qualifier, kind):
    q = _one(text, span)
    assert (q.value, q.max, q.unit, q.qualifier, q.kind) == (value, vmax, unit, qualifier, kind)


@pytest.mark.parametrize("text, absent", [
    ("开工建设10亿元以上重大产业项目47个", "10亿元以上"),  # a threshold that scopes the projects
    ("一倍", "一倍"),  # no change word: no quantity
    ("增长百分之五至十月份", "百分之五至十"),  # 十月 is a month
])
def test_second_reading_not_quantities(text, absent):
    assert absent not in [q.text for q in find_quantities(text)]


@pytest.mark.parametrize("text, span, period", [
    ("稳预期，地区生产总值增长5.3%。", "5.3%", "actual"),  # the slogan 稳预期 is no target cue
    ("经济运行好于预期，增长5.3%。", "5.3%", "actual"),
    ("今年要淘汰燃煤小锅炉5万台。", "5万台", "target"),
    ("中央财政将投入60亿元。", "60亿元", "target"),
])
def test_second_reading_periods(text, span, period):
    assert _one(text, span).period == period


@pytest.mark.xfail(strict=True, reason="an approximate 亿 with no counting word (上亿市场主体, 数亿农民) is not read")
def test_approximate_yi_without_a_unit():
    assert _one("激发上亿市场主体活力", "上亿").qualifier == "approx"


@pytest.mark.xfail(strict=True, reason="连续N年 in one clause makes the other clauses of its sentence cumulative")
def test_lianxu_in_another_clause():
    assert _one("连续六年获“好”的等次，特色产业覆盖率超90%。", "超90%").period == "actual"


# ------------------------------------------------------------------ a review of the session's changes

@pytest.mark.parametrize("text, spans", [
    ("百分之十至二十万人", ["百分之十", "二十万人"]),  # the bare bound takes no multiplier or unit
    ("百分之三至五家企业", ["百分之三", "五家"]),
    ("占百分之二十至六十岁人口", ["百分之二十"]),
    ("降低百分之五至三季度", ["百分之五"]),
    ("百分之八至九。", ["百分之八至九"]),
])
def test_a_bare_second_bound_stands_alone(text, spans):
    assert [q.text for q in find_quantities(text)] == spans


@pytest.mark.parametrize("text, periods", [
    ("今年主要目标：新增就业10万人。去年新增就业9万人。", ["target", "actual"]),  # a year of its own ends the list
    ("主要目标是：新增就业10万人。2023年完成投资9亿元。", ["target", "actual"]),
    ("五年来，民生保障扎实有力。全市常住人口达到1200万人。", ["stock"]),  # a level stands
    ("五年来，经济发展。上半年生产总值增长5.2%。", ["actual"]),
])
def test_paragraph_rules_give_way(text, periods):
    assert [q.period for q in find_quantities(text)] == periods
