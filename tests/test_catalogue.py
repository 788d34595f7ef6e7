"""Catalogues: every id of the shared spec, well-formed entries, the economy catalogue's size and inheritance."""
from __future__ import annotations

import re

import pytest
import yaml

from extractor.indicators.catalogue import for_genre
from extractor.indicators.catalogue import catalogue

KINDS = {"count", "rate", "amount", "change"}


@pytest.mark.parametrize("name", ["fazhi", "gongzuo", "gongbao"])
def test_entries_are_well_formed(name):
    cat = catalogue(name)
    ids = [i.id for i in cat]
    assert len(ids) == len(set(ids))
    cats = {c["id"] for c in cat.categories}
    for ind in cat:
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", ind.id), ind.id
        assert ind.unit and ind.kind in KINDS and ind.category in cats, ind.id
        assert ind.aliases or ind.patterns, f"{ind.id} has nothing to match"
        assert ind.compiled  # every alias and pattern compiles
        for u, f in (ind.accept_units or {}).items():
            assert float(f) > 0


def test_economy_catalogue_size_and_inheritance():
    gz, gb = catalogue("gongzuo"), catalogue("gongbao")
    assert len(gz) >= 25 and len(gb) >= 25
    for must in ["output.gdp", "output.gdp_growth", "fiscal.general_budget_revenue", "industry.above_scale_value_added_growth",
                 "investment.fixed_assets_growth", "consumption.retail_sales", "income.urban_per_capita_disposable",
                 "income.rural_per_capita_disposable_growth", "employment.urban_new_jobs",
                 "employment.surveyed_unemployment_rate", "prices.cpi_change", "agriculture.grain_output", "trade.total"]:
        assert must in gz and must in gb
    assert gz.one_per == ["indicator", "period", "year"] and gb.one_per == ["indicator"]


def test_frame_and_lookup():
    cat = catalogue("fazhi")
    df = cat.frame()
    assert len(df) == len(cat) and "aliases" in df.columns
    assert cat["reconsideration.applications_received"].unit == "件"
    assert for_genre("other") is None


def test_unknown_catalogue_is_a_clear_error():
    from extractor.core.errors import ExtractorError
    with pytest.raises(ExtractorError, match="no catalogue named"):
        catalogue("nonesuch")


@pytest.mark.shared
@pytest.mark.parametrize("spec,name", [("indicators.yaml", "fazhi"), ("indicators-economy.yaml", "gongzuo"),
                                       ("indicators-economy.yaml", "gongbao")])
def test_all_spec_ids_with_their_units(shared_dir, spec, name):
    """Gold files and comparisons key on the spec's ids: every one is in the catalogue, same unit and kind."""
    raw = yaml.safe_load((shared_dir / "spec" / spec).read_text(encoding="utf-8"))
    cat = catalogue(name)
    for ind in raw["indicators"]:
        assert ind["id"] in cat, ind["id"]
        assert cat[ind["id"]].unit == str(ind["unit"]) and cat[ind["id"]].kind == ind["kind"], ind["id"]
