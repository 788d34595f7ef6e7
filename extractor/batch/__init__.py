"""Batches: inputs (files, folders, corpora) → worker processes → the DuckDB store; query and compare."""

from pathlib import Path as _Path

_SUBMODULES = {p.stem for p in _Path(__file__).parent.glob("*.py")}


def __getattr__(name):  # ``from extractor.batch import …`` the names of the flat layout's module
    if name in _SUBMODULES or name.startswith("__"):
        raise AttributeError(name)
    import importlib
    return getattr(importlib.import_module(__name__ + ".runner"), name)
