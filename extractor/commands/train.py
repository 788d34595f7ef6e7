"""``extractor train [NAME ...]``: train the registered classifiers from corpora/annotations/."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("train", help="train the classifiers (part, sentence_type, …) from corpora/annotations",
                       description="Cross-validate and fit the registered scikit-learn models on the annotations in "
                                   "corpora/annotations/ of a checkout and write <models>/<name>/model.json, "
                                   "model.npz and card.json (default: the package's extractor/data/models). "
                                   "Provincial reports are read from ../shared (EXTRACTOR_SHARED) when present. "
                                   "A model trained on more examples than this run finds is kept unless --force.")
    p.add_argument("names", nargs="*", help="models to train (default: all registered)")
    p.add_argument("--out", default=None, help="models directory (default: the package's extractor/data/models)")
    p.add_argument("--folds", type=int, default=None, help="cross-validation folds (default: 5)")
    p.add_argument("--force", action="store_true",
                   help="replace a model even when it was trained on more examples than this run finds")
    p.add_argument("--list", action="store_true", help="list the registered models and exit")
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.core.errors import ExtractorError
    from extractor.core.settings import from_env
    try:
        from extractor.learn import registry, training
    except ImportError as exc:  # scikit-learn is a training-only dependency
        raise ExtractorError(None, f"training needs scikit-learn ({exc}); pip install 'extractor[train]'") from exc
    from extractor.ml.models import ModelError
    settings = from_env()
    if settings.shared_dir:
        training.use_shared(settings.shared_dir)
    reg = registry.registry()
    if args.list:
        for name, spec in reg.items():
            print(f"{name}\t{spec.description}")
        return 0
    names = args.names or list(reg)
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise ExtractorError(None, f"unknown model(s) {', '.join(unknown)} (registered: {', '.join(reg)})")
    failed = []
    for name in names:
        try:
            card = registry.train(name, out_dir=args.out, folds=args.folds, force=args.force)
        except ModelError as exc:
            print(f"extractor: {exc}", file=sys.stderr)
            failed.append(name)
            continue
        cv = card["cv"]
        print(f"{name}: {card['examples']} examples from {card['documents']} documents; "
              f"CV accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f} ({cv['scheme']})")
        for note in card["notes"]:
            print(f"  note: {note}")
    sys.stdout.flush()
    return 2 if failed else 0
