"""Document metadata: title, genre, year, region on synthetic texts; the dev set and the 31 provincial reports."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from extractor.batch import inputs as corpus

from extractor.stages import metadata

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "metadata.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_metadata_cases(case):
    m = metadata.detect(corpus.from_text(case["text"]))
    if "title" in case:
        assert m["title"] == case["title"]
    if "genre" in case:
        assert m["genre"] == case["genre"]
    if "genre_not" in case:
        assert m["genre"] != case["genre_not"]
    assert m["year"] == case["year"]
    if case["region"] is None:
        assert m["region"] is None
    else:
        name, code, province = case["region"]
        assert (m["region"]["name"], m["region"]["code"], m["region"]["province"]) == (name, code, province)


def test_issuers_from_title():
    m = metadata.detect(corpus.from_text("中共周村区委 周村区人民政府 关于2022年度法治政府建设工作的报告\n正文。"))
    assert m["issuers"] == ["中共周村区委", "周村区人民政府"]


def test_zhoucun_sample(zhoucun_path):
    import extractor
    m = metadata.detect(extractor.load(zhoucun_path))
    assert m["genre"] == "fazhi" and m["year"] == 2023
    assert m["region"] == {"name": "周村区", "code": "370306", "city": "淄博市", "province": "山东省", "level": "county"}
    assert m["title"] == "中共周村区委 周村区人民政府 关于2023年度法治政府建设工作的报告"


@pytest.mark.shared
def test_dev_set_region_year_genre(shared_dir):
    """Region, year and genre right for every dev document with a gold region (the scorer's rule)."""
    import extractor
    dev = shared_dir / "corpora" / "dev"
    wrong = []
    for g in sorted((dev / "gold").glob("*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        if not gold.get("region"):
            continue
        m = metadata.detect(extractor.load(dev / gold["doc"]))
        region = (m["region"] or {}).get("name") or ""
        ok_region = bool(region) and (region == gold["region"] or gold["region"].startswith(region)
                                      or region.startswith(gold["region"]))
        if not (ok_region and m["year"] == gold["year"] and m["genre"] == gold["genre"]):
            wrong.append((gold["doc"], region, m["year"], m["genre"]))
    assert wrong == []


@pytest.mark.shared
def test_provincial_reports_metadata(shared_dir):
    folder = shared_dir / "corpora" / "external" / "provincial-gwr-2026"
    files = sorted(folder.glob("2026_*_政府工作报告.csv"))
    assert len(files) == 31
    wrong = []
    for f in files:
        doc = corpus.read_csv(f)[0]
        m = metadata.detect(doc)
        got = ((m["region"] or {}).get("name"), m["year"], m["genre"])
        if got != (doc.meta["province"], 2025, "gongzuo"):
            wrong.append((f.name, got))
    assert wrong == []


def test_pdf_info_title_is_the_fallback_title():
    doc = corpus.from_text("2023年，周村区坚持依法行政，行政复议、行政执法、普法工作规范。")
    doc.meta["info_title"] = "周村区2023年法治政府建设年度报告"
    m = metadata.detect(doc)
    assert m["title"] == "周村区2023年法治政府建设年度报告"
