"""``extractor run FOLDER --out DIR``: the main job — batch a corpus and print its indicator table."""
from __future__ import annotations

from extractor.commands.batch import add_batch_options, print_summary, run_and_summarise


def register(sub) -> None:
    p = sub.add_parser("run", help="the main job: batch a corpus folder and print its indicator table",
                       description="Batch every report under FOLDER into DIR (as `extractor batch`), write "
                                   "DIR/indicators.csv, and print the standard indicator table.")
    p.add_argument("inputs", nargs="+", metavar="FOLDER", help="corpus folder(s) or files")
    p.add_argument("--out", "-o", default="out", metavar="DIR", help="output folder (default: out)")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.output.display import print_indicator_table
    from extractor.batch.store import Store
    summary = run_and_summarise(args)
    with Store(args.out, read_only=True) as store:
        df = store.indicator_frame()
        docs = store.query("SELECT source, region, year, genre, n_quantities, n_indicators FROM documents "
                           "ORDER BY source")
    df.to_csv(f"{args.out}/indicators.csv", index=False)
    print(docs.to_string(index=False) if not docs.empty else "(no documents)")
    print()
    print_indicator_table(df, title=f"standard indicator table ({len(df)} rows; also {args.out}/indicators.csv)")
    print()
    print_summary(summary, args.out, file=None)
    return 0
