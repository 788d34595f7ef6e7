"""Whole Chinese numerals of headings and years (``十二`` → 12, ``二〇二三`` → 2023).

A thin name over :mod:`extractor.text.numerals`, the one numeral parser (over
``data/quantities/numerals.yaml``); kept so that older callers keep working. New code imports
``extractor.text.numerals``.
"""
from __future__ import annotations

from typing import Optional

from extractor.text import numerals


def table() -> tuple[dict, dict, dict]:
    """``(digits, small units, big units)`` of the numeral table."""
    t = numerals.tables()
    return dict(t.digits), dict(t.small), dict(t.big)


def digits() -> dict:
    """``{digit character: value}`` (一 → 1, 〇 → 0, 两 → 2, 伍 → 5)."""
    return dict(numerals.tables().digits)


def cn_integer(s: str) -> Optional[int]:
    """The value of a whole Chinese numeral (``一百二十`` 120, ``十`` 10, ``二〇二三`` 2023, ``一千零十`` 1010);
    None when ``s`` is not a well-formed whole numeral."""
    v = numerals.parse(s) if s else None
    return int(v) if v is not None and v == int(v) and v >= 0 else None


__all__ = ["cn_integer", "digits", "table"]
