"""``extractor train [NAME ...]``: train the registered classifiers from corpora/annotations/."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("train", help="train the classifiers (part, sentence_type, …) from corpora/annotations",
                       description="Cross-validate and fit the registered scikit-learn models on the annotations in "
                                   "corpora/annotations/ and write models/<name>/model.skops with its card.json. "
                                   "Provincial reports are read from ../shared when present.")
    p.add_argument("names", nargs="*", help="models to train (default: all registered)")
    p.add_argument("--out", default=None, help="models directory (default: models/)")
    p.add_argument("--folds", type=int, default=None, help="cross-validation folds (default: 5)")
    p.add_argument("--list", action="store_true", help="list the registered models and exit")
    p.add_argument("--gold-extra", action="append", default=[], metavar="DIR",
                   help="more gold files for the indicator classifiers (DIR/*.json and DIR/annotations/*.json "
                        "in the format of spec/annotation.md, e.g. corrections exported by the review page)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from extractor.core.errors import ExtractorError, InputNotFound
    from extractor.ml import models
    for path in args.gold_extra:
        if not Path(path).exists():
            raise InputNotFound(path, "no such file or folder")
    if args.gold_extra:
        from extractor.learn import indicator_data
        indicator_data.EXTRA_GOLD[:] = list(args.gold_extra)
    reg = models.registry()
    if args.list:
        for name, spec in reg.items():
            print(f"{name}\t{spec.description}")
        return 0
    names = args.names or list(reg)
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise ExtractorError(None, f"unknown model(s) {', '.join(unknown)} (registered: {', '.join(reg)})")
    for name in names:
        card = models.train(name, out_dir=args.out, folds=args.folds)
        cv = card["cv"]
        print(f"{name}: {card['examples']} examples from {card['documents']} documents; "
              f"CV accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f} ({cv['scheme']})")
        for note in card["notes"]:
            print(f"  note: {note}")
    sys.stdout.flush()
    return 0
