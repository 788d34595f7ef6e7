"""Check the 31 provincial 政府工作报告 of ../shared/corpora/external/provincial-gwr-2026: province, year 2025,
genre gongzuo, and GDP level and growth (actual, 2025) found. Prints one line per province and the failures.

    .venv/bin/python tools/provincial_gdp.py [DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import corpus, pipeline  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "external" / "provincial-gwr-2026"


def check(path: Path) -> dict:
    doc = corpus.read_csv(path)[0]
    rep = pipeline.run(doc)
    meta = rep.meta
    prov = doc.meta.get("province")
    rows = [i for i in rep.indicator_list if i.period in ("actual", "cumulative") and i.year == 2025]
    gdp = next((i for i in rows if i.indicator == "output.gdp" and i.period == "actual"), None) or next((i for i in rows if i.indicator == "output.gdp"), None)
    growth = next((i for i in rows if i.indicator == "output.gdp_growth" and i.period == "actual"), None)
    return {"province": prov, "region": (meta.get("region") or {}).get("name"), "year": meta.get("year"),
            "genre": meta.get("genre"), "gdp": gdp, "growth": growth,
            "meta_ok": (meta.get("region") or {}).get("name") == prov and meta.get("year") == 2025 and meta.get("genre") == "gongzuo"}


def main(argv=None) -> int:
    folder = Path((argv or sys.argv[1:] or [DEFAULT])[0])
    files = sorted(folder.glob("2026_*_政府工作报告.csv"))
    results = [check(f) for f in files]
    for r in results:
        g, gr = r["gdp"], r["growth"]
        print(f"{r['province']:<10} meta={'ok' if r['meta_ok'] else 'FAIL'} "
              f"gdp={g.value / 1e12 if g else None!s:<8} growth={gr.value if gr else None!s:<5} "
              f"{(g.evidence[-30:] if g else '') !r}")
    meta_ok = sum(r["meta_ok"] for r in results)
    both = sum(bool(r["gdp"] and r["growth"]) for r in results)
    print(f"\nmeta right: {meta_ok}/{len(results)}; GDP level and growth: {both}/{len(results)}")
    for r in results:
        if not (r["gdp"] and r["growth"]):
            print(f"  missing {'level' if not r['gdp'] else ''} {'growth' if not r['growth'] else ''}: {r['province']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
