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
    p.add_argument("--cv", action="store_true",
                   help="leave-one-document-out cross-validation of the indicator table: each document's "
                        "classifier is fitted without its own gold rows; P/R/F1 per genre and per indicator")
    p.add_argument("--gold-extra", action="append", default=[], metavar="DIR",
                   help="more gold files (DIR/*.json, DIR/annotations/*.json; e.g. corrections from the review "
                        "page) to train the classifier with in --cv (repeatable)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from extractor.core import errors
    from extractor.learn.evaluate import evaluate, per_doc_table
    for path in (args.gold, args.docs) + ((args.pred,) if args.pred else ()):
        if not Path(path).exists():
            raise errors.InputNotFound(path, "no such file or folder")
    for path in args.gold_extra:
        if not Path(path).exists():
            raise errors.InputNotFound(path, "no such file or folder")
    log = (lambda s: print(s, file=sys.stderr)) if args.verbose else (lambda s: None)
    if args.cv:
        from extractor.learn.cv import cross_validate, text_report
        result = cross_validate(Path(args.gold), Path(args.docs), extra=args.gold_extra, log=log)
        if args.json:
            if not args.per_doc:
                result.pop("per_doc")
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(text_report(result))
            if args.per_doc:
                print()
                for d in result["per_doc"]:
                    print(f"{d['doc'][:34]:<34} {d['genre']:<8} cv F1 {d['cv']['f1']:.3f}  rules F1 {d['rules']['f1']:.3f}")
        return 0
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
