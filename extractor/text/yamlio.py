"""Reading the data files: YAML with libyaml's C parser when PyYAML was built with it (several times faster
than the pure-Python one; a process reads about twenty data files at start), else the pure-Python one. Both
build the same values (``tests/test_yamlio.py`` loads every data file both ways)."""
from __future__ import annotations

import yaml

try:
    _LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _LOADER = yaml.SafeLoader


def safe_load(stream):
    """``yaml.safe_load`` with the C loader when there is one."""
    return yaml.load(stream, Loader=_LOADER)


__all__ = ["safe_load"]
