"""Options shared by the commands that extract: they become fields of the one :class:`Settings` of a run.

``extractor.cli.main`` builds that object once, ``settings.from_env(**flags)``, and hands it to the command
as ``args.settings`` (the environment is read there and nowhere else).
"""
from __future__ import annotations

from pathlib import Path

#: argparse destination → Settings field
FLAGS = {"password": "password", "pdf_engine": "pdf_engine", "models_dir": "models_dir", "max_bytes": "max_bytes",
         "ocr": "ocr"}


def add_settings_flags(p) -> None:
    """Add the extraction options to the parser of one command."""
    p.add_argument("--password", help="password of an encrypted PDF")
    p.add_argument("--no-models", dest="no_models", action="store_true",
                   help="rules only: do not consult the trained classifiers")
    p.add_argument("--models-dir", dest="models_dir", type=Path, help="the trained models to use (default: shipped)")
    p.add_argument("--pdf-engine", dest="pdf_engine", choices=["pdfium", "pdfplumber"], help="PDF text engine")
    p.add_argument("--max-bytes", dest="max_bytes", type=int, help="refuse larger input files")
    add_ocr_flag(p)


def add_ocr_flag(p) -> None:
    p.add_argument("--ocr", choices=["auto", "always", "never"], default=None,
                   help="OCR of PDF pages: auto (pages without a text layer; the default), always (every page "
                        "with an image), never; needs the 'ocr' extra (pip install 'extractor[ocr]')")


def add_limit_flags(p) -> None:
    """The resource limits of one extraction (``extract``, ``review``; ``batch`` has its own per document)."""
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="wall-time limit of the extraction in seconds (default 300; 0: none)")
    p.add_argument("--memory-mb", type=int, default=4096, metavar="MB",
                   help="memory the extraction process may add to what it starts with, in MiB (default 4096; 0: none)")
    p.add_argument("--max-inflated-mb", dest="max_inflated_mb", type=int, metavar="MB",
                   help="largest size a compressed part of a .docx or PDF may inflate to (default 512)")


def overrides(args) -> dict:
    """The Settings fields the command line sets (None: not given)."""
    out = {field: getattr(args, dest) for dest, field in FLAGS.items() if getattr(args, dest, None) is not None}
    if getattr(args, "no_models", False):
        out["use_models"] = False
    if getattr(args, "max_inflated_mb", None):
        out["max_inflated"] = args.max_inflated_mb * 2**20
    return out


def settings_of(args):
    """The one Settings of this command: built by ``cli.main``, or from the environment and the flags."""
    from extractor.core.settings import from_env
    return getattr(args, "settings", None) or from_env(**overrides(args))


def extract_limited(args):
    """Extract ``args.path`` in a forked child under the limits of :func:`add_limit_flags`."""
    from extractor.core.isolate import run_limited
    from extractor.pipeline import extract
    limits = dict(timeout=getattr(args, "timeout", None) or None, memory_mb=getattr(args, "memory_mb", None) or None)
    if args.path == "-":  # standard input is read here: a forked child's stdin is /dev/null
        import sys

        from extractor.core.errors import EmptyDocument
        data = sys.stdin.buffer.read()
        if not data:
            raise EmptyDocument("<stdin>", "nothing on standard input")
        return run_limited(_extract_bytes, "-", data, settings_of(args), source="<stdin>", **limits)
    return run_limited(extract, args.path, settings_of(args), source=args.path, **limits)


def _extract_bytes(source: str, data: bytes, settings):
    from extractor.ingest import load
    from extractor.pipeline import run
    return run(load(source, data=data, settings=settings), settings)
