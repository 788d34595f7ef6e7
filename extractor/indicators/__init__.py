"""Indicators: the catalogues, the normalizer (quantities → catalogue indicators) and its classifier."""

from pathlib import Path as _Path

_SUBMODULES = {p.stem for p in _Path(__file__).parent.glob("*.py")}


def __getattr__(name):  # ``from extractor.indicators import …`` the names of the flat layout's module
    if name in _SUBMODULES or name.startswith("__"):
        raise AttributeError(name)
    import importlib
    return getattr(importlib.import_module(__name__ + ".normalizer"), name)
