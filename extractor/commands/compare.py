"""``extractor compare DIR --indicators ...``: regions × years × (indicator, period), exports and a chart."""
from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("compare", help="pivot the indicator table of a batch: one row per region and year",
                       description="Pivot DIR's standard indicator table: one row per (region, year), one column per "
                                   "(indicator, period) headed by its Chinese name, unit and period. Values show "
                                   "their qualifier and range (≈5, ≥5, 5–5.5); a cell whose documents state different "
                                   "values shows the chosen one (highest confidence, rule before model, exact first) "
                                   "and [conflicts: …]. Indicators may be ids or globs (reconsideration.*). Targets "
                                   "are left out unless --periods names them (or all). A document whose region was "
                                   "not recognised is a row of its own, labelled (file name). The output format "
                                   "follows the -o extension: .csv (with a BOM for Excel), .xlsx (values, then a "
                                   "sheet of every cell with its evidence and source), .parquet, .dta, .sqlite, .json.")
    p.add_argument("dir", metavar="DIR", help="batch output folder")
    p.add_argument("--indicators", "-i", nargs="*", help="indicator ids or globs (comma or space separated)")
    p.add_argument("--years", "-y", nargs="*", help="years to keep")
    p.add_argument("--regions", "-r", nargs="*", help="regions to keep (name, code, city or province)")
    p.add_argument("--periods", "--period", nargs="*", dest="periods",
                   help="periods to keep (default: every period but targets; 'all' for every one)")
    p.add_argument("--format", choices=["table", "csv", "tsv", "xlsx", "parquet", "dta", "sqlite", "json", "jsonl"],
                   default=None, help="output format (default: from the -o extension, else a terminal table)")
    p.add_argument("--layout", choices=["wide", "long"], default=None,
                   help="wide: a column per (indicator, period); long: a row per cell with numbers, qualifier, "
                        "display unit, conflicts, evidence and source (default: wide for the terminal, csv and "
                        "xlsx, long for typed formats)")
    p.add_argument("--id-headers", action="store_true", help="wide headers as indicator@period ids")
    p.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark")
    p.add_argument("--output", "-o", help="output file; its extension sets the format (default: stdout)")
    p.add_argument("--chart", metavar="INDICATOR", help="also draw this indicator across regions")
    p.add_argument("--chart-out", default=None, help="PNG path of the chart (default: DIR/chart-INDICATOR.png)")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.batch import export
    from extractor.batch.compare import check, resolve, select, widen
    from extractor.batch.store import Store
    fmt = export.format_of(args.output, args.format)
    with Store(args.dir, read_only=True) as store:
        table = store.indicator_frame()
    check(table, args.indicators, args.regions)
    long = resolve(select(table, args.indicators, args.years, args.regions, args.periods))
    layout = args.layout or ("long" if fmt in export.TYPED else "wide")
    wide = widen(long, ids=args.id_headers)
    data = long if layout == "long" else wide
    if fmt == "table" and not args.output:
        from extractor.output.display import format_number  # noqa: F401 - same look as the other tables
        print(data.to_string(index=False) if not data.empty else "(no indicator values match)")
    elif fmt == "csv" and not args.output:
        data.to_csv(sys.stdout, index=False)
    elif fmt == "json" and not args.output:
        sys.stdout.write(export._plain(data).to_json(orient="records", force_ascii=False) + "\n")
    else:
        if not args.output:
            from extractor.core.errors import ExtractorError
            raise ExtractorError(None, f"--format {fmt} needs --output FILE")
        if fmt == "xlsx":
            ids = widen(long, ids=True)
            labels = dict(zip(ids.columns, wide.columns)) if layout == "wide" else None
            frames = {"values": ids if layout == "wide" else long, "cells": long} if layout == "wide" else {"cells": long}
            export.write(frames, args.output, fmt, labels=labels)
        elif fmt == "dta" and layout == "wide":
            ids = widen(long, ids=True)
            export.write(ids, args.output, fmt, labels=dict(zip(ids.columns, wide.columns)))
        elif fmt == "sqlite":
            export.write({"compare": data, "cells": long}, args.output, fmt)
        else:
            export.write(data, args.output, fmt, bom=not args.no_bom)
        print(f"wrote {args.output} ({len(data)} rows × {len(data.columns)} columns, {layout} layout)", file=sys.stderr)
    if args.chart:
        from extractor.batch.compare import chart
        out = Path(args.chart_out) if args.chart_out else Path(args.dir) / f"chart-{args.chart.replace('*', '_')}.png"
        path = chart(table, args.chart, out, args.years, args.regions, args.periods)
        print(f"chart: {path}", file=sys.stderr)
        from extractor.output.viz import use_cjk_font
        if use_cjk_font() is None:
            print(FONT_WARNING, file=sys.stderr)
    return 0


FONT_WARNING = ("warning: no Chinese font is installed, so the chart's labels show empty boxes; install one "
                "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; then rm -rf ~/.cache/matplotlib)")
