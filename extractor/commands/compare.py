"""``extractor compare DIR --indicators ...``: regions × years × indicators, and a chart."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("compare", help="pivot the indicator table of a batch: one row per region and year",
                       description="Pivot DIR's standard indicator table: one row per (region, year), one column per "
                                   "indicator. Indicators may be ids or globs (reconsideration.*). Targets are left "
                                   "out unless --periods names them. A document whose region was not recognised is a row "
                                   "of its own, labelled (file name).")
    p.add_argument("dir", metavar="DIR", help="batch output folder")
    p.add_argument("--indicators", "-i", nargs="*", help="indicator ids or globs (comma or space separated)")
    p.add_argument("--years", "-y", nargs="*", help="years to keep")
    p.add_argument("--regions", "-r", nargs="*", help="regions to keep (name, code, city or province)")
    p.add_argument("--periods", nargs="*", help="periods to keep (default: actual stock cumulative)")
    p.add_argument("--format", choices=["table", "csv", "xlsx"], default="table", help="output format")
    p.add_argument("--output", "-o", help="output file (required for xlsx; default: stdout)")
    p.add_argument("--chart", metavar="INDICATOR", help="also draw this indicator across regions")
    p.add_argument("--chart-out", default="chart.png", help="PNG path of the chart (default: chart.png)")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.batch.compare import chart, pivot
    from extractor.core.errors import ExtractorError
    from extractor.batch.store import Store
    with Store(args.dir, read_only=True) as store:
        table = store.indicator_frame()
    wide = pivot(table, args.indicators, args.years, args.regions, args.periods)
    if args.format == "xlsx":
        if not args.output:
            raise ExtractorError(None, "--format xlsx needs --output FILE.xlsx")
        wide.to_excel(args.output, index=False, sheet_name="indicators")
        print(f"wrote {args.output} ({len(wide)} rows × {len(wide.columns)} columns)", file=sys.stderr)
    elif args.format == "csv":
        wide.to_csv(args.output or sys.stdout, index=False)
    else:
        from extractor.output.display import format_number
        text = (wide.to_string(index=False, float_format=format_number) if not wide.empty
                else "(no indicator values match)")
        if args.output:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        else:
            print(text)
    if args.chart:
        path = chart(table, args.chart, args.chart_out, args.years, args.regions, args.periods)
        print(f"chart: {path}", file=sys.stderr)
    return 0
