"""Whole Chinese numerals of headings and years (``十二`` → 12, ``二〇二三`` → 2023): a leaf for the stages.

The numeral table is ``data/quantities/numerals.yaml`` (the quantities stage reads the same table for
running text, with decimals, fractions and percentages). Sections (heading numbers) and metadata (years)
read it here, so that neither depends on the quantities stage.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "quantities" / "numerals.yaml"


@functools.lru_cache(maxsize=1)
def table() -> tuple[dict, dict, dict]:
    """``(digits, small units, big units)`` of the numeral table."""
    t = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return ({str(k): int(v) for k, v in t["digits"].items()}, {str(k): int(v) for k, v in t["small_units"].items()},
            {str(k): int(v) for k, v in t["big_units"].items()})


def digits() -> dict:
    """``{digit character: value}`` (一 → 1, 〇 → 0, 两 → 2)."""
    return table()[0]


def cn_integer(s: str) -> Optional[int]:
    """The value of a whole Chinese numeral (``一百二十`` 120, ``十`` 10, ``二〇二三`` 2023, ``三万`` 30000);
    None when ``s`` is not a well-formed whole numeral."""
    dg, small, big = table()
    if not s:
        return None
    if s in big:
        return big[s]
    if all(c in dg for c in s):  # a digit string: 二〇二三, 五
        return int("".join(str(dg[c]) for c in s))
    total = section = 0
    digit = None
    for c in s:
        if c in dg:
            if digit is not None and digit != 0:
                return None  # two digits in a row inside a numeral with units
            digit = dg[c]
        elif c in small:
            section += (digit if digit is not None else 1) * small[c]
            digit = None
        elif c in big:
            section += digit or 0
            if section == 0:
                if total == 0 or big[c] <= 10000:
                    return None
                total *= big[c]
            else:
                total = (total + section) * big[c] if big[c] > 10000 else total + section * big[c]
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


__all__ = ["cn_integer", "digits", "table"]
