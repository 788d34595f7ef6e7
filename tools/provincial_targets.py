"""Check the periods and years of the 31 provincial 政府工作报告 (../shared/corpora/external/provincial-gwr-2026):
every indicator row stated after ``今年…主要预期目标`` in its paragraph must be an annual ``target`` for 2026;
five-year figures (``target_plan`` / ``average``) must not be. Prints one line per province and the offenders.

    .venv/bin/python tools/provincial_targets.py [DIR]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import corpus, pipeline  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "external" / "provincial-gwr-2026"
ANNUAL_TARGETS = re.compile(r"[^。\n]*预期目标(?:是|为|：|:)")
PLAN_WORDS = re.compile(r"十五五|五年|20[3-9]\d年|纲要")


def annual_target_spans(text: str) -> list:
    """(start, end) of each paragraph part that follows ``(今年…)主要预期目标是`` (until the paragraph ends), where
    the sentence does not name the five-year plan."""
    out = []
    for m in ANNUAL_TARGETS.finditer(text):
        if PLAN_WORDS.search(m.group()):
            continue
        end = text.find("\n", m.end())
        out.append((m.end(), end if end >= 0 else len(text)))
    return out


def check(path: Path) -> dict:
    doc = corpus.read_csv(path)[0]
    rep = pipeline.run(doc)
    spans = annual_target_spans(doc.text)
    inside = [r for r in rep.indicator_list if any(a <= r.start < b for a, b in spans)]
    wrong = [r for r in inside if (r.period, r.year) != ("target", 2026)]
    return {"province": doc.meta.get("province"), "spans": len(spans), "rows": inside, "wrong": wrong,
            "report": rep}


def main(argv=None) -> int:
    folder = Path((argv or sys.argv[1:] or [DEFAULT])[0])
    results = [check(f) for f in sorted(folder.glob("2026_*_政府工作报告.csv"))]
    for r in results:
        print(f"{r['province']:<10} 今年…预期目标 paragraphs={r['spans']} rows={len(r['rows'])} wrong={len(r['wrong'])}")
        for w in r["wrong"]:
            print(f"    {w.indicator} {w.value} {w.period} {w.year}: {w.evidence[-40:]!r}")
    print(f"\nannual targets filed right: {sum(len(r['rows']) - len(r['wrong']) for r in results)}"
          f"/{sum(len(r['rows']) for r in results)}; provinces without such a paragraph: "
          f"{', '.join(r['province'] for r in results if not r['spans']) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
