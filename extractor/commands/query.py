"""``extractor query DIR "SQL"``: read-only SQL over a batch database."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("query", help="run read-only SQL over a batch output folder",
                       description="Run SQL (DuckDB dialect) on DIR/extractor.duckdb, opened read-only. Tables: "
                                   "documents, sections, quantities, measures, indicators, errors, meta.")
    p.add_argument("dir", metavar="DIR", help="batch output folder")
    p.add_argument("sql", metavar="SQL", help='e.g. "SELECT region, value FROM indicators WHERE indicator = ..."')
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def query(out_dir, sql: str):
    """The result of ``sql`` on the batch database of ``out_dir`` as a DataFrame (read-only connection)."""
    from extractor.batch.store import Store
    with Store(out_dir, read_only=True) as store:
        return store.query(sql)


def run(args) -> int:
    df = query(args.dir, args.sql)
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        sys.stdout.write("\n")
    else:
        print(df.to_string(index=False) if not df.empty else "(no rows)")
    return 0
