"""``extractor query DIR "SQL"``: read-only SQL over a batch database (or its snapshot while a batch writes)."""
from __future__ import annotations

import sys

FORMATS = ["table", "csv", "tsv", "json", "jsonl", "xlsx", "parquet", "dta", "sqlite"]


def register(sub) -> None:
    p = sub.add_parser("query", help="run read-only SQL over a batch output folder",
                       description="Run SQL (DuckDB dialect) on DIR/extractor.duckdb, opened read-only. Tables: "
                                   "documents, sections, quantities, measures, indicators, errors, texts, sentences, "
                                   "document_sources, meta (docs/data-dictionary.md). While a batch writes to DIR the "
                                   "query reads the snapshot in DIR/parquet/ (said on stderr), or waits with --wait. "
                                   "-o FILE writes the result in the format of its extension (.csv with a BOM, "
                                   ".xlsx, .parquet, .dta, .sqlite, .json).")
    p.add_argument("dir", metavar="DIR", help="batch output folder")
    p.add_argument("sql", metavar="SQL", help='e.g. "SELECT region, value FROM indicators WHERE indicator = ..."')
    p.add_argument("--format", choices=FORMATS, default=None, help="output format (default: from -o, else table)")
    p.add_argument("--output", "-o", help="output file; its extension sets the format")
    p.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte-order mark")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="while a batch holds the database, wait up to SECONDS for it instead of reading the snapshot")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def query(out_dir, sql: str, wait: float = 0.0):
    """The result of ``sql`` on the batch database of ``out_dir`` as a DataFrame (read-only connection)."""
    from extractor.batch.store import Store
    with Store(out_dir, read_only=True, wait=wait) as store:
        return store.query(sql)


def run(args) -> int:
    from extractor.batch import export
    fmt = export.format_of(args.output, args.format)
    df = query(args.dir, args.sql, wait=args.wait)
    if args.output:
        export.write(df, args.output, fmt, bom=not args.no_bom)
        print(f"wrote {args.output} ({len(df)} rows)", file=sys.stderr)
    elif fmt in ("csv", "tsv"):
        df.to_csv(sys.stdout, index=False, sep="," if fmt == "csv" else "\t")
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        sys.stdout.write("\n")
    elif fmt == "jsonl":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso", lines=True))
    elif fmt == "table":
        print(df.to_string(index=False) if not df.empty else "(no rows)")
    else:
        from extractor.core.errors import ExtractorError
        raise ExtractorError(None, f"--format {fmt} needs --output FILE")
    return 0
