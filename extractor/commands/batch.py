"""``extractor batch INPUT... --out DIR``."""
from __future__ import annotations

import sys

from extractor.core.errors import one_line


def add_batch_options(p) -> None:
    p.add_argument("--workers", "-j", type=int, default=None, help="worker processes (default: the machine's cores)")
    p.add_argument("--engine", choices=["processes", "dask"], default="processes",
                   help="run on local worker processes (default) or on dask.distributed")
    p.add_argument("--scheduler", help="with --engine dask: address of an existing scheduler (tcp://HOST:PORT); "
                                       "default: a LocalCluster")
    p.add_argument("--timeout", type=float, default=300.0, help="time limit per document in seconds (default 300)")
    p.add_argument("--memory-mb", type=int, default=4096,
                   help="memory a worker may add to what it starts with, in MiB (default 4096)")
    p.add_argument("--retry-errors", action="store_true", help="retry inputs that failed in an earlier run")
    p.add_argument("--text-column", help="text column of tabular corpora (default: full_text/content/text)")
    p.add_argument("--id-column", help="id column of tabular corpora (default: the row number)")
    p.add_argument("--url-column", help="URL column of tabular corpora: rows without text are fetched from it")
    p.add_argument("--max-bytes", type=int, default=None, help="largest download in bytes (default 200 MiB)")
    p.add_argument("--rate-limit", type=float, default=1.0, metavar="SECONDS",
                   help="least time between two requests to one host (default 1)")
    p.add_argument("--no-parquet", action="store_true", help="do not write the Parquet copies")
    p.add_argument("--keep-duplicates", action="store_true",
                   help="store every input as a document of its own, even when its text is another's (no "
                        "near-duplicate detection; inputs with the same bytes are still one document)")
    p.add_argument("--strict", action="store_true", help="exit with code 1 when any input failed")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    from extractor.commands._options import add_ocr_flag
    add_ocr_flag(p)
    p.add_argument("--debug", action="store_true", help="show full tracebacks")


def register(sub) -> None:
    p = sub.add_parser("batch", help="extract many reports into DuckDB and Parquet (parallel, resumable)",
                       description="Extract files, folders (recursive), globs, lists of paths and tabular corpora "
                                   "(CSV, JSONL, Parquet with a text column) into DIR/extractor.duckdb and "
                                   "DIR/parquet/. A second run skips what is done; failures become rows of the "
                                   "errors table.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="file, folder, glob, list of paths or URLs, tabular corpus, URL, or - for stdin")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    add_batch_options(p)
    p.set_defaults(func=run)


def batch_from_args(args, inputs):
    from extractor.batch.runner import run_batch
    from extractor.commands._options import overrides
    from extractor.core.settings import from_env
    # the one Settings of the run, pickled to every worker (the environment is read here, once)
    settings = getattr(args, "settings", None) or from_env(**overrides(args))
    fetcher = None
    if args.max_bytes or args.rate_limit != 1.0:
        from extractor.ingest.fetch import Fetcher
        fetcher = Fetcher(rate=args.rate_limit, **({"max_bytes": args.max_bytes} if args.max_bytes else {}))
    return run_batch(inputs, args.out, workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                     timeout=args.timeout, memory_mb=args.memory_mb, retry_errors=args.retry_errors,
                     text_column=args.text_column, id_column=args.id_column, quiet=args.quiet,
                     parquet=not args.no_parquet, url_column=args.url_column, fetcher=fetcher, settings=settings,
                     dedup=not args.keep_duplicates)


def print_summary(summary, out_dir, file=None) -> None:
    file = file or sys.stderr
    print(summary.line(), file=file)
    for err in summary.errors[:20]:
        print(one_line(f"  failed: {err['path']}: [{err['stage']}] {err['error_class']}: {err['message']}"),
              file=file)
    if len(summary.errors) > 20:
        print(f"  … and {len(summary.errors) - 20} more (see the errors table)", file=file)
    print(f"output: {out_dir}/extractor.duckdb, {out_dir}/parquet/", file=file)


def exit_code(args, summary) -> int:
    """1 with ``--strict`` when an input failed (the summary says which), else 0."""
    if getattr(args, "strict", False) and summary.failed:
        print(f"extractor: {summary.failed} input(s) failed (--strict)", file=sys.stderr)
        return 1
    return 0
def run_and_summarise(args, file=None):
    """The batch of ``args``; when the output cannot be written (disk full…), the summary is printed before
    the one-line error."""
    from extractor.batch.runner import StoreFailed
    try:
        return batch_from_args(args, args.inputs)
    except StoreFailed as exc:
        if exc.summary is not None:
            print_summary(exc.summary, args.out, file=file)
        raise


def run(args) -> int:
    summary = run_and_summarise(args)
    print_summary(summary, args.out)
    return exit_code(args, summary)
