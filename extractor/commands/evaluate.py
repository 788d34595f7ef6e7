"""``extractor evaluate GOLD DOCS``: score extraction against gold annotations (same figures as the shared scorer)."""
from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="score extraction against gold annotation files",
                       description="Run the extractor on every document a gold set names (or read JSON already "
                                   "written with --pred) and print quantity, indicator and metadata scores.")
    p.add_argument("gold", help="a gold .json file, a .jsonl file or a folder of .json files")
    p.add_argument("docs", help="the folder holding the documents the gold files name")
    p.add_argument("--pred", help="folder of JSON outputs (<doc>.json) to score instead of running the extractor")
    p.add_argument("--json", action="store_true", help="print the totals as JSON")
    p.add_argument("--verbose", action="store_true", help="list every miss and false positive")
    p.add_argument("--per-doc", action="store_true", help="print a table with one line per document")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from extractor.core import errors
    from extractor.learn.evaluate import evaluate, per_doc_table
    for path in (args.gold, args.docs) + ((args.pred,) if args.pred else ()):
        if not Path(path).exists():
            raise errors.InputNotFound(path, "no such file or folder")
    log = (lambda s: print(s, file=sys.stderr)) if args.verbose else (lambda s: None)
    result = evaluate(args.gold, args.docs, pred=args.pred, log=log)
    per_doc = result.pop("per_doc")
    if args.json:
        if args.per_doc:
            result["per_doc"] = per_doc
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for k, v in result.items():
        print(f"{k:20} {v}")
    if args.per_doc:
        print()
        print(per_doc_table({"per_doc": per_doc}))
    return 0
