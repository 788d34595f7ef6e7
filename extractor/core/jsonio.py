"""JSON in and out with finite numbers only.

A value such as ``NaN`` or ``1e400`` (infinity once parsed) is not JSON: :func:`dumps` writes it as ``null``
and never emits ``NaN``/``Infinity``; :func:`loads` refuses it with a clear message instead of letting it
reach the arithmetic of a later stage.
"""
from __future__ import annotations

import json
import math


class NonFinite(ValueError):
    pass


def finite(obj):
    """``obj`` with every non-finite float replaced by None (dicts, lists and tuples walked)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


def dumps(obj, **kwargs) -> str:
    kwargs.setdefault("ensure_ascii", False)
    try:  # the common case, all numbers finite: no walk over the whole object first
        return json.dumps(obj, allow_nan=False, **kwargs)
    except ValueError:  # a non-finite float somewhere (json's own check): write it as null
        return json.dumps(finite(obj), allow_nan=False, **kwargs)


def _constant(name: str):
    raise NonFinite(f"the JSON holds {name}, which is not a number JSON allows")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFinite(f"the JSON holds {text}, a number too large to be finite")
    return value


def loads(text: str):
    """``json.loads`` that refuses NaN, Infinity and numbers that overflow to infinity (:class:`NonFinite`)."""
    return json.loads(text, parse_constant=_constant, parse_float=_float)
