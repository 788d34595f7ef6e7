"""Speed of one report and of long documents, against bare jieba on the same text, in one run.

1. ``import extractor`` (fresh processes, median of --repeat);
2. ``extractor extract zhoucun-2023.txt --format json`` as a whole process against a bare process that imports
   jieba and segments the same text (``jieba.lcut``): wall and CPU seconds, medians of --repeat;
3. the Zhoucun text repeated 1×, 10× and 60× (357k characters): per-stage seconds of one extraction in this
   process (models and dictionaries warm), the JSON serialisation, the total (wall and CPU), characters per
   CPU second, and ``jieba.lcut`` on the same text; every stage should cost ≤ 60× its 1× time (± noise).
   Medians of --repeat.

    python benchmarks/bench_speed.py [--repeat 3] [--scales 1 10 60] [--text corpora/sample/zhoucun-2023.txt]

The machine may be shared: CPU seconds (user+sys) are printed beside wall seconds and the load average.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

JIEBA = """
import sys, logging, jieba
jieba.setLogLevel(logging.WARNING)
text = open(sys.argv[1], encoding="utf-8").read()
words = jieba.lcut(text)
"""


def run_timed(cmd: list) -> tuple[float, float]:
    """(wall, cpu) seconds of one child process."""
    t0 = time.perf_counter()
    before = os.times()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    after = os.times()
    return time.perf_counter() - t0, (after.children_user - before.children_user) + (after.children_system -
                                                                                       before.children_system)


def medians(cmd: list, repeat: int) -> tuple[float, float]:
    runs = [run_timed(cmd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def header() -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"# {when}  {platform.node()}  {platform.processor() or platform.machine()}"
          f"  {os.cpu_count()} cores  Python {platform.python_version()}  load {os.getloadavg()[0]:.1f}")


def whole_process(text_path: Path, repeat: int) -> None:
    py = sys.executable
    imp = medians([py, "-c", "import extractor"], repeat)
    print(f"import extractor            wall {imp[0]:6.3f} s  cpu {imp[1]:6.3f} s   (goal < 0.3 s)")
    ours = medians([str(BIN / "extractor"), "extract", str(text_path), "--format", "json"], repeat)
    bare = medians([py, "-c", JIEBA, str(text_path)], repeat)
    print(f"extractor extract (1 doc)   wall {ours[0]:6.3f} s  cpu {ours[1]:6.3f} s")
    print(f"bare jieba process          wall {bare[0]:6.3f} s  cpu {bare[1]:6.3f} s")
    print(f"ratio extract / jieba       wall {ours[0] / bare[0]:6.2f}    cpu {ours[1] / bare[1]:6.2f}     (goal ≤ 1.0)")


def scaling(text: str, scales: list, repeat: int) -> None:
    import jieba
    from extractor.batch import inputs
    from extractor.pipeline import run
    jieba.setLogLevel(60)
    jieba.lcut("预热")
    run(inputs.from_text(text))  # warm: models, dictionaries, caches of the rules
    rows = {}
    for k in scales:
        big = "\n".join([text] * k)
        runs = []
        for _ in range(repeat):
            doc = inputs.from_text(big)
            t0, c0 = time.perf_counter(), time.process_time()
            rep = run(doc)
            t1 = time.perf_counter()
            rep.to_json()
            t2, c2 = time.perf_counter(), time.process_time()
            jieba.lcut(big)
            t3, c3 = time.perf_counter(), time.process_time()
            stages = dict(rep.timings, json=t2 - t1)
            sample = {"stages": stages, "total": t2 - t0, "jieba": t3 - t2, "total cpu": c2 - c0, "jieba cpu": c3 - c2}
            runs.append(sample)
        best = {key: statistics.median(r[key] for r in runs) for key in ("total", "jieba", "total cpu", "jieba cpu")}
        best["stages"] = {st: statistics.median(r["stages"].get(st, 0.0) for r in runs) for st in runs[0]["stages"]}
        rows[k] = (len(big), best)
    names = list(rows[scales[0]][1]["stages"])
    print(f"{'stage':<12}" + "".join(f"{f'{k}× s':>10}" for k in scales) + "".join(
        f"{f'{k}×/1×':>9}" for k in scales[1:]))
    for name in names + ["total", "jieba", "total cpu", "jieba cpu"]:
        vals = [rows[k][1]["stages"].get(name, 0.0) if name in names else rows[k][1][name] for k in scales]
        ratios = "".join(f"{v / vals[0]:9.1f}" if vals[0] > 1e-4 else f"{'-':>9}" for v in vals[1:])
        print(f"{name:<12}" + "".join(f"{v:10.3f}" for v in vals) + ratios)
    for k in scales:
        n, b = rows[k]
        print(f"{k:>3}× {n:>8} chars: extract {n / b['total cpu'] / 1e6:5.3f} M chars/cpu-s, jieba.lcut "
              f"{n / b['jieba cpu'] / 1e6:5.3f} M chars/cpu-s, "
              f"ratio extract/jieba cpu {b['total cpu'] / b['jieba cpu']:5.2f}"
              f" (wall {b['total'] / b['jieba']:5.2f})   (goal ≤ 1.0)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 60])
    ap.add_argument("--text", type=Path, default=ROOT / "corpora" / "sample" / "zhoucun-2023.txt")
    ap.add_argument("--skip-process", action="store_true", help="only the in-process scaling table")
    args = ap.parse_args(argv)
    header()
    if not args.skip_process:
        whole_process(args.text.resolve(), args.repeat)
    scaling(args.text.read_text(encoding="utf-8"), args.scales, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
