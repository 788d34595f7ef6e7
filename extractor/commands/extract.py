"""``extractor extract PATH [--format json|table]``."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("extract", help="extract one report and print its JSON or indicator table",
                       description="Extract one report (text, Markdown, PDF, HTML or Word) and print the JSON of "
                                   "spec/output.md or its indicator table.")
    p.add_argument("path", help="the report file")
    p.add_argument("--format", choices=["json", "table"], default="json", help="output format (default: json)")
    p.add_argument("--password", help="password of an encrypted PDF")
    p.add_argument("--indent", type=int, default=None, help="indent the JSON")
    add_limit_options(p)
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def add_limit_options(p) -> None:
    """The resource limits of one extraction (``extract``, ``review``); see the README's reliability section."""
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="wall-time limit of the extraction in seconds (default 300; 0: none)")
    p.add_argument("--memory-mb", type=int, default=4096, metavar="MB",
                   help="memory limit of the extraction process (default 4096; 0: none)")
    p.add_argument("--max-inflated-mb", type=int, default=512, metavar="MB",
                   help="largest size a compressed part of a .docx or PDF may inflate to (default 512)")


def extract_limited(args):
    """Extract ``args.path`` in a child process under the limits of :func:`add_limit_options`."""
    from extractor.core.isolate import run_limited
    from extractor.pipeline import extract
    return run_limited(extract, args.path, password=args.password, max_inflated=args.max_inflated_mb * 2**20,
                       source=args.path, timeout=args.timeout or None, memory_mb=args.memory_mb or None)


def run(args) -> int:
    report = extract_limited(args)
    if args.format == "json":
        sys.stdout.write(report.to_json(indent=args.indent))
        sys.stdout.write("\n")
    else:
        from extractor.output.display import print_indicator_table
        print_indicator_table(report.to_frame(), title=report.document.source)
    return 0
