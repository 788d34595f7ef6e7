"""compare.pivot / compare.chart on a small long-format indicator table (no batch run needed)."""
from __future__ import annotations

import pandas as pd
import pytest

from extractor.batch.compare import chart, pivot, select
from extractor.output.table import COLUMNS


def row(**kw) -> dict:
    r = {c: None for c in COLUMNS}
    r.update(kw)
    return r


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame([
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023,
            indicator="reconsideration.applications_received", value=54.0, unit="件", period="actual", confidence=0.9),
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023,
            indicator="reconsideration.applications_received", value=5.0, unit="件", period="actual", confidence=0.4),
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023,
            indicator="reconsideration.correction_rate", value=15.0, unit="%", period="target", confidence=0.9),
        row(source="a/zc.txt", region="周村区", region_code="370306", province="山东省", year=2023,
            indicator="mediation.success_rate", value=98.0, unit="%", period="actual", confidence=0.9),
        # two documents whose region was not recognised: each keeps its own row
        row(source="b/qinghe.txt", year=2023, indicator="reconsideration.applications_received", value=58.0,
            unit="件", period="actual", confidence=0.9),
        row(source="c.csv#7", year=2023, indicator="reconsideration.applications_received", value=37.0,
            unit="件", period="actual", confidence=0.9),
        row(source="d.txt", region="某区", region_code="1", province="某省", year=2022,
            indicator="reconsideration.applications_received", value=11.0, unit="件", period="actual", confidence=0.9),
    ])


def test_pivot_one_row_per_region_and_year(table):
    wide = pivot(table, ["reconsideration.*"])
    assert list(wide.columns) == ["province", "region", "region_code", "year", "reconsideration.applications_received"]
    got = {(r.region, r.year): r["reconsideration.applications_received"] for _, r in wide.iterrows()}
    # the most confident value wins; the target (correction rate 15%) is not an actual value and is left out
    assert got == {("周村区", 2023): 54.0, ("(qinghe)", 2023): 58.0, ("(c#7)", 2023): 37.0, ("某区", 2022): 11.0}


@pytest.mark.parametrize("kw, regions", [
    ({"years": ["2022"]}, {"某区"}),
    ({"regions": ["山东省"]}, {"周村区"}),
    ({"regions": ["370306,某区"]}, {"周村区", "某区"}),
])
def test_filters(table, kw, regions):
    assert set(pivot(table, ["reconsideration.*"], **kw)["region"]) == regions


def test_targets_on_request(table):
    wide = pivot(table, ["reconsideration.correction_rate"], periods=["target"])
    assert wide["reconsideration.correction_rate"].tolist() == [15.0]
    assert select(table, ["reconsideration.correction_rate"]).empty


def test_chart_is_a_png_even_without_values(table, tmp_path):
    p = chart(table, "reconsideration.applications_received", tmp_path / "c.png")
    assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    q = chart(table, "no.such_indicator", tmp_path / "d.png")
    assert q.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
