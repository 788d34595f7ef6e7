"""Gazetteer: lookup, short forms, traditional script, apps that are not places, mentions."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.stages import gazetteer

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "gazetteer.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["lookup"], ids=[c["name"] for c in CASES["lookup"]])
def test_lookup(case):
    got = sorted((d.code, d.province, d.city or (d.name if d.level == "city" else None), d.level)
                 for d in gazetteer.lookup(case["name"]))
    want = sorted((str(c), p, city, lvl) for c, p, city, lvl in case["expect"])
    assert got == want


@pytest.mark.parametrize("case", CASES["mentions"], ids=[c["text"] for c in CASES["mentions"]])
def test_mentions(case):
    assert [m.surface for m in gazetteer.find_mentions(case["text"])] == case["expect"]


def test_table_is_well_formed():
    divs = gazetteer.divisions()
    assert len(divs) > 3000
    codes = [d.code for d in divs]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    provinces = [d for d in divs if d.level == "province"]
    assert len(provinces) == 34  # 31 + 台湾, 香港, 澳门
    for d in divs:
        assert d.province_code == d.code[:2] + "0000"
        if d.level == "county" and d.city_code:
            assert gazetteer.by_code(d.city_code) is not None


def test_as_region_matches_output_contract():
    r = gazetteer.lookup("周村区")[0].as_region()
    assert r == {"name": "周村区", "code": "370306", "city": "淄博市", "province": "山东省", "level": "county"}


def test_frame():
    df = gazetteer.table()
    assert {"code", "name", "level", "city", "province", "short"} <= set(df.columns)


def _scan_reference(text):
    """The plain leftmost-longest scan, character by character."""
    from extractor.stages import gazetteer
    names, lengths = gazetteer._index()
    i, n, out = 0, len(text), []
    while i < n:
        for L in lengths.get(text[i], ()):
            if text[i:i + L] in names:
                out.append((i, i + L))
                i += L
                break
        else:
            i += 1
    return out


def test_scan_equals_the_plain_scan(zhoucun_text):
    from extractor.stages import gazetteer
    texts = [zhoucun_text, "北京市海淀区中关村", "山东省淄博市周村区人民政府", "", "京", "淄博淄博市周村"]
    for t in texts:
        assert list(gazetteer._scan(t)) == _scan_reference(t)
