"""Speed of quantity finding (issues 3 and 13: at least 2 M characters/s on one core).

Reads the external corpora in ../shared/corpora/external (the provincial 2026 CSVs and the national
JSONL); skips when they are absent. Prints characters per second for:

* ``find_quantities(text)``: normalisation, candidates, traps, kinds, periods and subjects;
* ``find_quantities(text, subjects=False)``: the same without naming subjects;
* the core pass alone on an already normalised working copy (what the pipeline pays, since the
  document's working copy is built once and shared by every stage).

Figures (2026-12-01 17:35 UTC, the 2-core VM with nothing else running; CPU time, best of 7 rounds; two
consecutive runs, the VM's speed moves by a third from one minute to the next; docs/quantities.md has the
details and the A/B against the code of the session's start):

    find_quantities                   0.72 s (2.40 M chars/s), 0.88 s (1.97)
    find_quantities(subjects=False)   0.66 s (2.64), 0.85 s (2.05)
    core on working copy              0.54 s (3.18), 0.73 s (2.38)
    normalize only                    0.09 s (18.4), 0.14 s (12.7)

usage: python benchmarks/bench_quantities.py [--repeat N]   (N rounds, 7 by default: the best of each is printed)
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import quantities  # noqa: E402
from extractor.text.normalize import normalize  # noqa: E402

EXTERNAL = ROOT.parent / "shared" / "corpora" / "external"


def load_texts() -> list[str]:
    texts = []
    csv.field_size_limit(1 << 30)
    for path in sorted((EXTERNAL / "provincial-gwr-2026").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("full_text"):
                    texts.append(row["full_text"])
    jsonl = EXTERNAL / "national-gwr" / "government_work_reports.jsonl"
    if jsonl.exists():
        for line in jsonl.open(encoding="utf-8"):
            content = json.loads(line).get("content")
            if content:
                texts.append(content)
    return texts


def timed_rounds(variants, repeat) -> dict:
    """Best wall-clock and best CPU (process) time of each ``(name, fn, texts)`` over ``repeat`` rounds; each
    round runs every variant once, so that a slow spell of a shared machine (they last seconds here) does not
    fall on all the runs of one variant. On a shared machine the CPU time is the one-core figure, the wall
    clock also counts time waiting for a core."""
    best = {name: [float("inf"), float("inf")] for name, _, _ in variants}
    for _ in range(repeat):
        for name, fn, texts in variants:
            w0, c0 = time.perf_counter(), time.process_time()
            for x in texts:
                fn(x)
            best[name][0] = min(best[name][0], time.perf_counter() - w0)
            best[name][1] = min(best[name][1], time.process_time() - c0)
    return {name: tuple(v) for name, v in best.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7, help="rounds (each runs every variant once); best of them")
    args = ap.parse_args(argv)
    texts = load_texts()
    if not texts:
        print("skipped: ../shared/corpora/external is not present")
        return 0
    chars = sum(map(len, texts))
    quantities.find_quantities(texts[0])  # load tables, jieba
    n_q = sum(len(quantities.find_quantities(x)) for x in texts)
    works = [normalize(x).text for x in texts]
    variants = [
        ("find_quantities", quantities.find_quantities, texts),
        ("find_quantities(subjects=False)", lambda x: quantities.find_quantities(x, subjects=False), texts),
        ("core on working copy", quantities._find, works),
        ("normalize only", normalize, texts),
    ]
    got = timed_rounds(variants, args.repeat)
    rows = [(name, got[name]) for name, _, _ in variants]
    print(f"{len(texts)} texts, {chars:,} characters, {n_q:,} quantities")
    print(f"{'':34} {'wall':>9} {'M chars/s':>10} {'cpu':>9} {'M chars/s':>10}")
    for name, (wall, cpu) in rows:
        print(f"{name:34} {wall:8.3f}s {chars / wall / 1e6:10.2f} {cpu:8.3f}s {chars / cpu / 1e6:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
