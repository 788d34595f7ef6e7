"""The explorer over a batch of 1,000 documents: the time of every page (goal: each under 300 ms).

A batch folder of --docs synthetic reports (200 districts in 20 provinces × 5 years; each ~6,000 characters
with ~60 quantities, ~20 indicator rows from the economy and 法治 catalogues (actual and target), 10 sections; source files beside the
batch, no texts table, so the document page re-reads its source as over a real batch) is written straight
through the batch Store (no extraction run), then every page is requested --repeat times through the app
in-process (Starlette's test client: the app's time, without the network) and the median and worst are
printed. The compare views (page, CSV, XLSX, charts) are asked each time for a new choice, so nothing comes
from the explorer's cache of pivots. The first request of each document page (reading and rendering its text) is reported on its own.

    python benchmarks/bench_serve.py [--docs 1000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
warnings.filterwarnings("ignore")

ECON = [("output.gdp", "地区生产总值", "亿元", 1e8), ("output.gdp_growth", "地区生产总值增长", "%", 1),
        ("fiscal.general_budget_revenue", "一般公共预算收入", "亿元", 1e8),
        ("fiscal.general_budget_revenue_growth", "一般公共预算收入增长", "%", 1),
        ("consumption.retail_sales", "社会消费品零售总额", "亿元", 1e8),
        ("consumption.retail_sales_growth", "社会消费品零售总额增长", "%", 1),
        ("reconsideration.cases_closed", "审结行政复议案件", "件", 1),
        ("reconsideration.corrected_cases", "纠错", "件", 1), ("reconsideration.correction_rate", "纠错率", "%", 1),
        ("litigation.cases_responded", "行政应诉案件", "件", 1), ("litigation.head_appearance_rate", "出庭应诉率", "%", 1)]


def make_docs(n: int, src_dir: Path, rng: random.Random):
    import serve_fixture as sf
    provinces = [f"第{i}省" for i in range(20)]
    regions = [(f"{chr(0x4e00 + 37 * k)}{chr(0x4e00 + 91 * k + 5)}区", provinces[k % 20]) for k in range(200)]
    filler = "坚持以习近平法治思想为指导，深入推进法治政府建设，持续优化营商环境，不断提升依法行政水平。"
    docs = []
    for i in range(n):
        region, province = regions[i % 200]
        year = 2019 + (i // 200) % 5
        parts, rows, mapped = [], [], set()
        for s in range(10):
            parts.append(f"{'一二三四五六七八九十'[s]}、工作情况\n")
            for j in range(3):
                name, zh, unit, _ = ECON[(s * 3 + j) % len(ECON)]
                v = round(rng.uniform(1, 99), 1)
                q = f"{v}{unit}"
                parts.append(f"{filler}{zh}{q}，{filler}另有{rng.randint(2, 900)}件，{rng.randint(2, 90)}个。\n")
                # each indicator once per report, one report in ten states GDP growth twice (a conflict)
                if name not in mapped or (name == "output.gdp_growth" and i % 10 == 0 and s > 5):
                    mapped.add(name)
                    rows.append((q, (name, "actual" if s < 8 else "target")))
            parts.append(filler * 4 + "\n")
        text = f"{region}{year}年工作报告\n" + "".join(parts)
        seen, uniq = {}, []
        for q, spec in rows:
            n_seen = seen.get(q, 0)
            seen[q] = n_seen + 1
            uniq.append((f"{q}#{n_seen}", spec))
        path = src_dir / f"{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        rep = sf.report(str(path), region, year, text, uniq, province=province)
        rep["document"]["id"] = hashlib.sha256(path.read_bytes()).hexdigest()
        docs.append(rep)
    return docs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", help="build the batch here (reused when it exists) instead of a temporary folder")
    args = ap.parse_args(argv)
    from starlette.testclient import TestClient

    from extractor.batch.store import Store
    from extractor.serve import create_app
    tmp = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-serve-"))
    reuse = (tmp / "out" / "extractor.duckdb").exists()
    (tmp / "src").mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    docs = make_docs(args.docs, tmp / "src", random.Random(7))
    with Store(tmp / "out") as store:
        if not reuse:
            for rep in docs:
                store.write_document(rep, rep["document"]["source"])
        n_ind = store.count("indicators")
        n_q = store.count("quantities")
    print(f"batch: {args.docs} documents, {n_q} quantities, {n_ind} indicator rows "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    client = TestClient(create_app(tmp / "out"), base_url="http://127.0.0.1:8000")
    ids = [d["document"]["id"] for d in docs]
    region = docs[0]["document"]["region"]["name"]
    two = "indicator=output.gdp&indicator=output.gdp_growth"
    pages = {
        "documents": "/documents",
        "documents (filtered)": f"/documents?province=第3省&year=2021",
        "documents page 5": "/documents?page=5",
        "documents (failures)": "/documents?failures=1",
        "indicators": "/indicators",
        "compare 2 ind. × 200 regions × 5 years": f"/compare?{two}",
        "compare regions × indicators": f"/compare?{two}&layout=indicators",
        "compare.csv": f"/compare.csv?{two}",
        "compare.xlsx": f"/compare.xlsx?{two}",
        "chart.svg bars (12 regions)": f"/compare/chart.svg?{two}&chart=output.gdp&chart_period=actual&kind=bars",
        "chart.svg lines": f"/compare/chart.svg?{two}&chart=output.gdp&chart_period=actual&kind=lines",
        "series (one region, 5 years)": f"/series?region={region}",
        "series (choose)": "/series",
        "document (cached)": f"/documents/{ids[0]}",
    }
    for url in pages.values():  # warm-up: imports (openpyxl), catalogue
        assert client.get(url).status_code == 200, url
    print(f"{'page':42} {'median ms':>10} {'worst ms':>10}")
    worst_all = 0.0
    years = ["2019", "2020", "2021", "2022", "2023"]
    for j, (name, url) in enumerate(pages.items()):
        times = []
        for k in range(args.repeat):
            # the compare views are cached per choice: every request asks for a choice not asked before
            # (the same years and periods, listed in another order), so each is computed afresh
            cold = f"&year={','.join(years[k % 5:] + years[:k % 5])}&period=actual&period=target" + "&period=actual" * (j + 1)
            t = time.perf_counter()
            r = client.get(url + (cold if "compare" in url else ""))
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        worst_all = max(worst_all, max(times))
        print(f"{name:42} {statistics.median(times):10.1f} {max(times):10.1f}")
    first = []
    for doc_id in ids[1: 1 + 4 * args.repeat]:
        t = time.perf_counter()
        assert client.get(f"/documents/{doc_id}").status_code == 200
        first.append((time.perf_counter() - t) * 1000)
    worst_all = max(worst_all, max(first))
    print(f"{'document (first request: read + render)':42} {statistics.median(first):10.1f} {max(first):10.1f}")
    print(f"worst page: {worst_all:.0f} ms ({'under' if worst_all < 300 else 'OVER'} 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
