"""``extractor run FOLDER --out DIR``: the main job — batch a corpus and print its indicator table."""
from __future__ import annotations

from pathlib import Path

from extractor.commands.batch import add_batch_options, exit_code, print_summary, run_and_summarise


def register(sub) -> None:
    p = sub.add_parser("run", help="the main job: batch a corpus folder and print its indicator table",
                       description="Batch every report under FOLDER into DIR (as `extractor batch`), write "
                                   "DIR/indicators.csv (UTF-8 with a BOM, for Excel), and print the standard "
                                   "indicator table. --export FILE also writes the table in the format of FILE's "
                                   "extension (.csv .xlsx .parquet .dta .sqlite .json); `-o results.xlsx` is short "
                                   "for `--out results --export results.xlsx`.")
    p.add_argument("inputs", nargs="+", metavar="FOLDER", help="corpus folder(s) or files")
    p.add_argument("--out", "-o", default="out", metavar="DIR", help="output folder (default: out)")
    p.add_argument("--export", metavar="FILE", help="also write the indicator table to FILE (format by extension)")
    p.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.batch import export
    from extractor.batch.store import Store
    from extractor.output.display import print_indicator_table
    out = Path(args.out)
    if out.suffix.lower() in export.FORMATS and out.suffix.lower() != ".txt" and not args.export:
        args.export, args.out = str(out), str(out.with_suffix(""))
    summary = run_and_summarise(args)
    with Store(args.out, read_only=True) as store:
        df = store.indicator_frame()
        docs = store.query("SELECT source, region, year, genre, n_quantities, n_indicators FROM documents "
                           "ORDER BY source")
    export.write(df, Path(args.out) / "indicators.csv", "csv", bom=not args.no_bom)
    if args.export:
        export.write(df, args.export, bom=not args.no_bom)
    print(docs.to_string(index=False) if not docs.empty else "(no documents)")
    print()
    also = f"{args.out}/indicators.csv" + (f", {args.export}" if args.export else "")
    print_indicator_table(df, title=f"standard indicator table ({len(df)} rows; also {also})")
    print()
    print_summary(summary, args.out, file=None)
    print(f"explore it: extractor serve {args.out}   (then open http://127.0.0.1:8000/)")
    return exit_code(args, summary)
