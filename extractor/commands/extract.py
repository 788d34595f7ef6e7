"""``extractor extract PATH [--format json|table]``."""
from __future__ import annotations

import sys

from extractor.commands._options import add_limit_flags, add_settings_flags, extract_limited


def register(sub) -> None:
    p = sub.add_parser("extract", help="extract one report and print its JSON or indicator table",
                       description="Extract one report (text, Markdown, PDF, HTML or Word) and print the JSON of "
                                   "spec/output.md or its indicator table.")
    p.add_argument("path", help="the report file, an http(s) URL, corpus.csv#ROW (a row of a tabular corpus) "
                                "or - (read the report from standard input)")
    p.add_argument("--format", choices=["json", "table"], default="json", help="output format (default: json)")
    add_settings_flags(p)
    add_limit_flags(p)
    p.add_argument("--indent", type=int, default=None, help="indent the JSON")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def run(args) -> int:
    report = extract_limited(args)
    if args.format == "json":
        sys.stdout.write(report.to_json(indent=args.indent))
        sys.stdout.write("\n")
    else:
        from extractor.output.display import print_indicator_table
        print_indicator_table(report.to_frame(), title=report.document.source)
    return 0
