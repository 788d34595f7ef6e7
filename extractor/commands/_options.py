"""Options shared by the commands that extract: they become fields of the one :class:`Settings` of a run.

``extractor.cli.main`` builds that object once, ``settings.from_env(**flags)``, and hands it to the command
as ``args.settings`` (the environment is read there and nowhere else).
"""
from __future__ import annotations

from pathlib import Path

#: argparse destination → Settings field
FLAGS = {"password": "password", "pdf_engine": "pdf_engine", "models_dir": "models_dir", "max_bytes": "max_bytes"}


def add_settings_flags(p) -> None:
    """Add the extraction options to the parser of one command."""
    p.add_argument("--password", help="password of an encrypted PDF")
    p.add_argument("--no-models", dest="no_models", action="store_true",
                   help="rules only: do not consult the trained classifiers")
    p.add_argument("--models-dir", dest="models_dir", type=Path, help="the trained models to use (default: shipped)")
    p.add_argument("--pdf-engine", dest="pdf_engine", choices=["pdfium", "pdfplumber"], help="PDF text engine")
    p.add_argument("--max-bytes", dest="max_bytes", type=int, help="refuse larger input files")


def overrides(args) -> dict:
    """The Settings fields the command line sets (None: not given)."""
    out = {field: getattr(args, dest) for dest, field in FLAGS.items() if getattr(args, dest, None) is not None}
    if getattr(args, "no_models", False):
        out["use_models"] = False
    return out
