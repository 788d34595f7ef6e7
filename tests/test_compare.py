"""compare: one cell per (region, year, indicator, period), values with their qualifier and range, deterministic
choice with a conflicts marker, Chinese headers, unknown ids / regions refused (golden tests of issue 14)."""
from __future__ import annotations

import pandas as pd
import pytest

from extractor.batch.compare import check, chart, pivot, resolve, select, show, widen
from extractor.core.errors import ExtractorError
from extractor.output.table import COLUMNS

RA = "reconsideration.applications_received"


def row(**kw) -> dict:
    r = {c: None for c in COLUMNS}
    r.update(qualifier="exact", method="rule")
    r.update(kw)
    return r


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame([
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023, indicator=RA,
            name_zh="收到行政复议申请件数", value=54.0, unit="件", period="actual", confidence=0.9),
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023, indicator=RA,
            name_zh="收到行政复议申请件数", value=5.0, unit="件", period="actual", confidence=0.4),
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023,
            indicator="reconsideration.correction_rate", value=15.0, unit="%", period="target", confidence=0.9),
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023,
            indicator="mediation.success_rate", value=98.0, unit="%", period="actual", confidence=0.9),
        # two documents whose region was not recognised: each keeps its own row
        row(source="b/qinghe.txt", year=2023, indicator=RA, value=58.0, unit="件", period="actual", confidence=0.9),
        row(source="c.csv#7", year=2023, indicator=RA, value=37.0, unit="件", period="actual", confidence=0.9),
        row(source="d.txt", region="某区", region_code="1", province="某省", year=2022, indicator=RA, value=11.0,
            unit="件", period="actual", confidence=0.9),
    ])


BJ = dict(region="北京市", region_code="110000", province="北京市", year=2025, indicator="output.gdp_growth",
          name_zh="地区生产总值增长", unit="%", confidence=0.9)


@pytest.fixture
def beijing() -> pd.DataFrame:
    """Beijing 2025 GDP growth: the year's 5.4 and the five-year average 5.2 (same confidence), plus targets
    stated as 5%左右, 5%以上 and 5%—5.5% by three documents."""
    return pd.DataFrame([
        row(source="bj2026.txt", period="five_year_average", value=5.2, evidence="年均增长5.2%", start=10, **BJ),
        row(source="bj2026.txt", period="actual", value=5.4, evidence="增长5.4%", start=90, **BJ),
        row(source="t1.txt", **dict(BJ, province="某省", region="甲市", region_code="1", year=2026), period="annual_target", value=5.0,
            qualifier="approx"),
        row(source="t2.txt", **dict(BJ, province="某省", region="乙市", region_code="2", year=2026), period="annual_target", value=5.0,
            qualifier="lower"),
        row(source="t3.txt", **dict(BJ, province="某省", region="丙市", region_code="3", year=2026), period="annual_target", value=5.0,
            max=5.5),
        row(source="t4.txt", **dict(BJ, province="某省", region="丁市", region_code="4", year=2026), period="annual_target", value=5.0),
    ])


def test_annual_value_and_five_year_average_never_share_a_cell(beijing):
    wide = pivot(beijing, ["output.gdp_growth"], periods=["all"], regions=["北京市"])
    assert len(wide) == 1
    cells = {c: wide.iloc[0][c] for c in wide.columns if "增长" in c}
    assert cells == {"地区生产总值增长（%）·实际": "5.4", "地区生产总值增长（%）·五年年均": "5.2"}
    # the default leaves targets out but keeps both non-target periods apart
    assert set(pivot(beijing, ["output.gdp_growth"], regions=["北京市"]).columns) >= set(cells)
    # asking for one period gives that period's value
    one = pivot(beijing, ["output.gdp_growth"], periods=["actual"], regions=["北京市"], ids=True)
    assert one["output.gdp_growth@actual"].tolist() == ["5.4"]


def test_qualifiers_and_ranges_print_differently(beijing):
    wide = pivot(beijing, ["output.gdp_growth"], periods=["annual_target"], ids=True)
    got = dict(zip(wide["region"], wide["output.gdp_growth@annual_target"]))
    assert got == {"甲市": "≈5", "乙市": "≥5", "丙市": "5–5.5", "丁市": "5"}
    assert len(set(got.values())) == 4


@pytest.mark.parametrize("value, vmax, qualifier, want", [
    (5, None, "exact", "5"), (5.4, None, "exact", "5.4"), (5, None, "approx", "≈5"), (5, None, "lower", "≥5"),
    (3, None, "upper", "≤3"), (5, 5.5, "exact", "5–5.5"), (5, 5.5, "approx", "≈5–5.5"), (5, 5, "exact", "5"),
    (8.5e11, None, "exact", "850000000000"), (1.23456789e-5, None, "exact", "1.23e-05"), (0.25, None, "exact", "0.25"),
])
def test_show(value, vmax, qualifier, want):
    assert show(value, vmax, qualifier) == want


def test_conflicts_are_marked_and_the_choice_is_deterministic(table):
    long = resolve(select(table, [RA]))
    zc = long[long["region"] == "周村区"].iloc[0]
    assert zc["display"] == "54" and zc["conflicts"] == "5" and zc["n_values"] == 2
    wide = pivot(table, [RA], ids=True)
    assert wide.loc[wide["region"] == "周村区", f"{RA}@actual"].item() == "54 [conflicts: 5]"
    # equal confidence: rule before model, exact before approximate, then source order — whatever the row order
    tie = pd.DataFrame([
        row(source="z.txt", region="甲", region_code="1", year=2023, indicator=RA, value=7.0, unit="件",
            period="actual", confidence=0.9, method="model"),
        row(source="y.txt", region="甲", region_code="1", year=2023, indicator=RA, value=8.0, unit="件",
            period="actual", confidence=0.9, qualifier="approx"),
        row(source="x.txt", region="甲", region_code="1", year=2023, indicator=RA, value=9.0, unit="件",
            period="actual", confidence=0.9),
    ])
    for k in range(3):
        shuffled = tie.sample(frac=1, random_state=k)
        r = resolve(shuffled).iloc[0]
        assert (r["display"], r["conflicts"], r["source"]) == ("9", "≈8; 7", "x.txt")
    # the same value stated twice is no conflict
    same = pd.concat([tie.iloc[[2]], tie.iloc[[2]].assign(source="w.txt")])
    assert resolve(same).iloc[0]["conflicts"] is None


def test_pivot_one_row_per_region_and_year(table):
    wide = pivot(table, ["reconsideration.*"], ids=True)
    assert list(wide.columns) == ["province", "region", "region_code", "year", f"{RA}@actual"]
    got = {(r.region, r.year): r[f"{RA}@actual"] for _, r in wide.iterrows()}
    # the most confident value wins; the target (correction rate 15%) is left out by default
    assert got == {("周村区", 2023): "54 [conflicts: 5]", ("(qinghe)", 2023): "58", ("(c#7)", 2023): "37",
                   ("某区", 2022): "11"}
    numbers = pivot(table, ["reconsideration.*"], values="value")
    assert numbers[f"{RA}@actual"].tolist() == [54.0, 58.0, 37.0, 11.0] or set(numbers[f"{RA}@actual"]) == {54, 58, 37, 11}


def test_headers_have_chinese_names_units_and_periods(table):
    wide = pivot(table, ["reconsideration.applications_received", "mediation.success_rate"])
    assert "收到行政复议申请件数（件）·实际" in wide.columns
    assert "mediation.success_rate（%）·实际" in wide.columns  # no Chinese name in the rows: the id stands in


def test_display_units():
    t = pd.DataFrame([row(region=r, region_code=c, year=2024, indicator="output.gdp", name_zh="地区生产总值",
                          value=v, unit="元", period="actual", confidence=0.9)
                      for r, c, v in [("甲", "1", 5.67e12), ("乙", "2", 8.1e11)]])
    long = resolve(t)
    assert set(long["display_unit"]) == {"亿元"} and sorted(long["display"]) == ["56700", "8100"]
    assert sorted(long["value"]) == [8.1e11, 5.67e12]  # the base unit stays next to it
    assert "地区生产总值（亿元）·实际" in widen(long).columns


@pytest.mark.parametrize("kw, regions", [
    ({"years": ["2022"]}, {"某区"}),
    ({"regions": ["山东省"]}, {"周村区"}),
    ({"regions": ["370306,某区"]}, {"周村区", "某区"}),
])
def test_filters(table, kw, regions):
    assert set(pivot(table, ["reconsideration.*"], **kw)["region"]) == regions


def test_targets_on_request(table):
    wide = pivot(table, ["reconsideration.correction_rate"], periods=["target"], ids=True)
    assert wide["reconsideration.correction_rate@target"].tolist() == ["15"]
    assert select(table, ["reconsideration.correction_rate"]).empty


@pytest.mark.parametrize("indicators, regions, message", [
    (["reconsideration.aplications_received"], None, "did you mean reconsideration.applications_received"),
    (["reconsideraton.*"], None, "did you mean reconsideration.*"),
    (["gdp_growth"], None, "unknown indicator 'gdp_growth'"),
    ([RA], ["周村"], "unknown region '周村'"),
    ([RA], ["周村"], "did you mean 周村区"),
])
def test_unknown_ids_and_regions_are_errors(table, indicators, regions, message):
    with pytest.raises(ExtractorError, match=message):
        check(table, indicators, regions)


def test_categories_select_their_indicators(table):
    table = table.assign(category=["disputes", "disputes", "disputes", "mediation", "disputes", "disputes", "disputes"])
    assert set(select(table, ["mediation"])["indicator"]) == {"mediation.success_rate"}
    assert set(select(table, ["disputes.*"], periods=["all"])["indicator"]) == {RA, "reconsideration.correction_rate"}
    check(table, ["disputes.*", "leadership"])


def test_known_ids_and_regions_pass(table):
    check(table, ["reconsideration.*", RA, "output.gdp_growth"], ["山东省", "370306", "周村区"])


def test_chart_is_a_png_even_without_values(table, tmp_path):
    p = chart(table, RA, tmp_path / "c.png")
    assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    q = chart(table, "no.such_indicator", tmp_path / "d.png")
    assert q.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
