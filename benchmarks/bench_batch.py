"""Batch throughput and memory: reports/s, characters/s and peak memory per corpus size and worker count.

The 83 external reports of ../shared/corpora/external (31 provincial 政府工作报告 and the 52 national ones
that have a year) are repeated to at least --docs documents (each copy gets a marker line so that its
doc_id differs and nothing is skipped as done), written as one JSONL corpus, and batched into a fresh
output folder per corpus size and worker count. Bare ``jieba.lcut`` over the same texts on one core is the
yardstick. Goal (issue 15): 10,000 reports of ~16k characters on 2 cores at ≥ 17 reports/s, peak memory
< 1 GB and flat in the corpus size (the peak of the parent and of the largest worker are printed per size).

The Parquet copies are written as ``extractor batch`` writes them (snapshots while running, the last one at the
end; ``--no-parquet`` skips them). Each copy is stored as a document of its own (``dedup=False``; ``--dedup`` makes the copies duplicates of the
first 83, which the store then records as sources only). Besides the wall-clock rates the CPU milliseconds per
report of the parent (store writes) and of the workers (extraction) are printed with the load average: on a
shared machine the wall rates fall with the load, the CPU costs much less.

    python benchmarks/bench_batch.py [--docs 1000 10000] [--workers 2] [--shared ../shared] [--dedup]

Measured (2026-12-01, 2 cores shared with another agent, load 2–4; docs/speed.md has the whole table), CPU ms per
report parent + workers, before → after the workers built the store rows, DuckDB checkpointed at 256 MB of log,
groups of 128 and incremental snapshots: 1,000 reports 19.9–34.6 + 55–87 → 12.6–20.2 + 80–102; 3,000 reports
35.9 + 72.3 → 13.1 + 64.5 (10.6 → 15.2 reports/s); peak parent 686 MiB, worker 223 MiB at 3,000.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def external_texts(shared: Path) -> list[str]:
    from extractor.batch.inputs import read_csv
    texts = [read_csv(p)[0].text for p in sorted((shared / "corpora/external/provincial-gwr-2026").glob("2026_*.csv"))]
    with open(shared / "corpora/external/national-gwr/government_work_reports.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("year") and rec.get("content"):
                texts.append(rec["content"])
    return texts


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child so far (MiB)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, nargs="+", default=[2])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--jieba-docs", type=int, default=83, help="documents timed with bare jieba.lcut")
    ap.add_argument("--no-parquet", action="store_true", help="skip the Parquet snapshots (on by default, as for users)")
    ap.add_argument("--dedup", action="store_true",
                    help="detect near-duplicates (the copies then become sources of the first 83 documents); by "
                         "default every copy is stored as a document of its own, as in a corpus of distinct reports")
    args = ap.parse_args(argv)
    if not (args.shared / "corpora/external").is_dir():
        print(f"no external corpora under {args.shared}: nothing to measure")
        return 0
    base = external_texts(args.shared)
    print(f"{len(base)} external reports, {sum(map(len, base)) / len(base) / 1e3:.1f}k characters on average")

    # the yardstick runs in its own process: jieba's dictionary stays out of this process's peak memory
    import subprocess
    code = ("import sys, time, logging, jieba; sys.path.insert(0, sys.argv[1]);"
            "from benchmarks.bench_batch import external_texts; from pathlib import Path;"
            "jieba.setLogLevel(logging.WARNING); jieba.lcut('预热');"
            "ts = external_texts(Path(sys.argv[2]))[:int(sys.argv[3])]; t0 = time.perf_counter();"
            "[jieba.lcut(t) for t in ts]; print(sum(map(len, ts)) / (time.perf_counter() - t0))")
    jieba_rate = float(subprocess.run([sys.executable, "-c", code, str(ROOT), str(args.shared), str(args.jieba_docs)],
                                      check=True, capture_output=True, text=True).stdout.split()[-1])
    print(f"bare jieba.lcut, one core: {jieba_rate / 1e6:.3f} M chars/s")

    from extractor.batch import run_batch
    # reports/s: every report extracted, whether stored or found to duplicate another (the copies here do)
    print(f"{'docs':>6} {'workers':>7} {'reports/s':>9} {'M chars/s':>10} {'seconds':>8} {'failed':>6} "
          f"{'peak MiB (parent, worker)':>26} {'CPU ms/report (parent, workers)':>32} {'load':>5}")
    for n_docs in args.docs:
        n_docs = max(n_docs, len(base))

        def docs():  # generated on the fly: the benchmark itself holds no corpus-sized list
            for i in range(n_docs):
                yield f"{base[i % len(base)]}\n（基准测试副本 {i // len(base)}）"

        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            with open(corpus, "w", encoding="utf-8") as f:
                for i, t in enumerate(docs()):
                    f.write(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n")
            for w in args.workers:
                out = Path(tmp) / f"out-{w}"
                t0 = os.times()
                s = run_batch([corpus], out, workers=w, quiet=True, id_column="id",
                              parquet=not args.no_parquet, dedup=args.dedup)
                t1 = os.times()
                parent, child = peak_rss_mb()
                n = s.done + s.duplicates
                own = (t1.user - t0.user + t1.system - t0.system) * 1e3 / max(n, 1)
                kids = (t1.children_user - t0.children_user + t1.children_system - t0.children_system) * 1e3 / max(n, 1)
                chars = sum(len(t) for t in docs())
                print(f"{n_docs:>6} {w:>7} {n / s.seconds:>9.2f} {chars / s.seconds / 1e6:>10.3f} "
                      f"{s.seconds:>8.1f} {s.failed:>6} {parent:>12.0f}, {child:>10.0f} {own:>16.1f}, {kids:>12.1f}"
                      f" {os.getloadavg()[0]:>5.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
