"""Numerals: the value of a number as written in a Chinese report.

:func:`parse` reads Arabic numbers (``27,366``, ``82，225.00``, ``72.43``), Chinese numerals in every
style (``一百二十``, ``一千零十``, ``两千``, ``二〇二三``, ``七十二点四三``, 大写 ``壹佰贰拾万``), the
colloquial abbreviations (``二百五`` 250, ``两千六`` 2600, ``三万五`` 35000, ``一万二`` 12000) and mixed
Arabic with 万/亿 (``3亿4500万``, ``1.2万``, ``12万3456``); :func:`approx_range` reads approximate numerals
(``几十`` 20–90, ``数十亿``, ``十几``, ``三四``, ``七八十``, ``上百``). A string that is not a well-formed
numeral gives None: a number is right or absent.

Every table (digits, units, the grammar of abbreviations, the approximate words) is data in
``data/quantities/numerals.yaml``. This module is a leaf: it imports nothing of the project.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional

from extractor.text import yamlio

DATA = Path(__file__).resolve().parents[1] / "data" / "quantities" / "numerals.yaml"

_ARABIC = "0123456789"


@dataclass(frozen=True)
class Numerals:
    """The numeral tables of ``numerals.yaml``, loaded once."""
    raw: dict
    digits: dict  # character -> 0..9
    zeros: frozenset
    ambiguous: frozenset
    liang: str
    small: dict  # 十百千 (and 拾佰仟) -> 10, 100, 1000
    big: dict  # 万亿 -> 10^4, 10^8
    point: str
    negative: tuple
    place_below: dict  # unit -> the value of the place an abbreviated digit after it stands for
    approx_words: frozenset
    approx_first: tuple
    approx_later: tuple
    approx_pairs: frozenset
    reach_words: frozenset
    reach: tuple
    lone: frozenset

    @property
    def digit_chars(self) -> str:
        return "".join(self.digits)

    @property
    def unit_chars(self) -> str:
        return "".join(self.small) + "".join(self.big)

    @property
    def all_chars(self) -> str:
        return self.digit_chars + self.unit_chars


@functools.lru_cache(maxsize=1)
def tables() -> Numerals:
    raw = yamlio.safe_load(DATA.read_text(encoding="utf-8"))
    ab = raw.get("abbreviation") or {}
    ap = raw.get("approx") or {}
    return Numerals(
        raw=raw,
        digits={str(k): int(v) for k, v in raw["digits"].items()},
        zeros=frozenset(raw.get("zeros") or ["零", "〇"]),
        ambiguous=frozenset(raw.get("ambiguous_capitals") or []),
        liang=str(raw.get("liang") or "两"),
        small={str(k): int(v) for k, v in raw["small_units"].items()},
        big={str(k): int(v) for k, v in raw["big_units"].items()},
        point=str(raw["decimal_point"]),
        negative=tuple(raw.get("negative_words") or []),
        place_below={str(k): int(v) for k, v in (ab.get("place_below") or {}).items()},
        approx_words=frozenset(ap.get("digit_words") or []),
        approx_first=tuple(ap.get("first") or (2, 9)),
        approx_later=tuple(ap.get("later") or (1, 9)),
        approx_pairs=frozenset(ap.get("pairs") or []),
        reach_words=frozenset(ap.get("reach_words") or []),
        reach=tuple(ap.get("reach") or (1, 9)),
        lone=frozenset(raw.get("lone_words") or []),
    )


# ---------------------------------------------------------------------------------------- exact values

def _arabic(s: str) -> Optional[Decimal]:
    """``27,366`` / ``82，225.00`` / ``72.43`` (thousands groups of exactly three digits)."""
    if not s or not (s[0] in _ARABIC):
        return None
    body = s
    if "," in s or "，" in s:
        parts = s.replace("，", ",").split(",")
        head, rest = parts[0], parts[1:]
        if not (1 <= len(head) <= 3 and head.isdigit()):
            return None
        for i, p in enumerate(rest):
            g = p.split(".", 1)[0] if i == len(rest) - 1 else p
            if len(g) != 3 or not g.isdigit():
                return None
        body = "".join(parts)
    if not all(c in _ARABIC or c == "." for c in body) or body.count(".") > 1 or body.endswith("."):
        return None
    try:
        return Decimal(body)
    except InvalidOperation:
        return None


def _section(s: str, t: Numerals, abbreviate: bool = True, before_big: bool = False) -> Optional[int]:
    """Value of a numeral below 万 (``三千零五``, ``二百五``, ``十二``, ``3千``), or None."""
    if not s:
        return None
    if s.isascii():
        return int(s) if s.isdigit() else None
    total = 0
    digit = None
    last_unit = None
    zero = False
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _ARABIC:  # an Arabic digit in a Chinese numeral: 3千2百
            j = i
            while j < n and s[j] in _ARABIC:
                j += 1
            if digit is not None or j - i > 1 and j < n:
                return None
            digit = int(s[i:j])
            i = j
            continue
        if c in t.digits:
            d = t.digits[c]
            if c in t.zeros:
                if last_unit is None and digit is None and n > 1:
                    return None  # 零五 is not a numeral
                if digit is not None:
                    return None  # 一零 inside a numeral with units
                digit = None
                zero = True
            else:
                if digit is not None:
                    return None  # two digits in a row
                if c == t.liang and i == n - 1 and last_unit is not None and not before_big:
                    return None  # 十两 is a weight
                digit = d
        elif c in t.small:
            u = t.small[c]
            if last_unit is not None and u >= last_unit:
                return None  # 三百五百
            if digit is None:
                if u == 10 and (last_unit is None or zero):
                    digit = 1  # 十二, 一千零十
                else:
                    return None  # 一千百
            total += digit * u
            last_unit = u
            digit = None
            zero = False
        else:
            return None
        i += 1
    if digit is not None:
        if last_unit is None:
            return digit
        if zero or last_unit == 10:
            return total + digit
        if not abbreviate:
            return None
        return total + digit * (last_unit // 10)  # 二百五, 两千六
    if zero and last_unit is None:
        return 0
    return total


def _integer(s: str, t: Numerals, top: Optional[int] = None, before_big: bool = False) -> Optional[Decimal]:
    """Value of an integer numeral with big units (``一亿二千万``, ``三万亿``, ``三万五``, ``3亿4500万``)."""
    if not s:
        return None
    bigs = [(v, k) for k, v in t.big.items() if k in s]
    if not bigs:
        v = _section(s, t, before_big=before_big)
        return Decimal(v) if v is not None else None
    value, _ = max(bigs)
    # the first occurrence of the largest unit (of any of its spellings) splits the numeral
    i = min(s.index(k) for k, v in t.big.items() if v == value and k in s)
    left, right = s[:i], s[i + 1:]
    if top is not None and value >= top:
        return None
    if not left:
        return None
    # left of 亿 may hold 万 (三万亿 = 3×10^12); left of 万 may not (万万)
    lv = _integer(left, t, top=value if value == min(t.big.values()) else None, before_big=True)
    if lv is None or lv == 0:
        return None
    if value != min(t.big.values()) and any(k in left for k, v in t.big.items() if v >= value):
        return None
    total = lv * value
    if not right:
        return total
    if right[0] in t.zeros:
        rest = right.lstrip("".join(t.zeros))
        if not rest:
            return None
        rv = _integer(rest, t, top=value, before_big=before_big)
        if rv is None or rv >= value:
            return None
        return total + rv
    if len(right) == 1 and (right in t.digits or right in _ARABIC):
        d = t.digits[right] if right in t.digits else int(right)
        if right == t.liang:
            return None
        below = t.place_below.get(s[i], value // 10)
        return total + d * below  # 三万五, 一亿三
    rv = _integer(right, t, top=value, before_big=before_big)
    if rv is None or rv >= value:
        return None
    return total + rv


def _digit_string(s: str, t: Numerals) -> Optional[int]:
    if len(s) > 1 and s[0] not in t.zeros and all(c in t.digits and c != t.liang for c in s):
        return int("".join(str(t.digits[c]) for c in s))
    return None


def parse(s: str) -> Optional[Decimal]:
    """The exact value of a numeral, or None when ``s`` is not one well-formed numeral.

    ``一千零十`` 1010, ``二百五`` 250, ``两千六`` 2600, ``三万五`` 35000, ``一亿二千万`` 1.2×10^8,
    ``三万亿`` 3×10^12, ``七十二点四三`` 72.43, ``三点五亿`` 3.5×10^8, ``二〇二三`` 2023 (a digit string),
    ``壹佰贰拾万`` 1200000, ``3亿4500万`` 345000000, ``82，225.00`` 82225, ``负3.9`` −3.9.
    """
    if not s:
        return None
    t = tables()
    sign = 1
    for w in t.negative + ("-", "−"):
        if s.startswith(w) and len(s) > len(w):
            s, sign = s[len(w):], -1
            break
    v = _unsigned(s, t)
    if v is None:
        return None
    return -v if sign < 0 else v


def _unsigned(s: str, t: Numerals) -> Optional[Decimal]:
    if s[0] in _ARABIC and all(c in _ARABIC or c in ",，." for c in s):
        return _arabic(s)
    if s in t.big:  # 逾万人, 近千: a bare unit after a bound word
        return Decimal(t.big[s])
    if s in t.small and s not in ("十", "拾"):
        return Decimal(t.small[s])
    if all(c in t.ambiguous for c in s):
        return None  # 伍, 陆 alone are names (伍某, 陆家)
    # a decimal: 七十二点四三, 3.5万 (Arabic), 三点五亿
    frac_s, mult = "", 1
    whole_s = s
    point = t.point if t.point in s else ("." if "." in s else None)
    if point:
        whole_s, rest = s.split(point, 1)
        k = len(rest)
        while k > 0 and rest[k - 1] in t.big:
            k -= 1
        frac_s, tail = rest[:k], rest[k:]
        if not frac_s or not all(c in t.digits and c != t.liang or c in _ARABIC for c in frac_s):
            return None
        if point == "." and not (whole_s.isdigit() and frac_s.isdigit()):
            return None
        if tail:
            m = _integer("一" + tail, t)
            if m is None or any(c in t.big for c in whole_s):
                return None
            mult = m
    if not whole_s:
        return None
    ds = _digit_string(whole_s, t)
    if ds is not None:
        if frac_s or mult != 1:
            return None  # 二三点五
        whole = Decimal(ds)
    elif whole_s.isdigit() and whole_s.isascii():
        whole = Decimal(whole_s)
    else:
        whole = _integer(whole_s, t)
        if whole is None:
            return None
    if frac_s:
        whole += Decimal("0." + "".join(str(t.digits[c]) if c in t.digits else c for c in frac_s))
    return whole * mult


def parse_chinese(s: str) -> Optional[Decimal]:
    """The former name of :func:`parse` (stages/sections and stages/metadata read heading and year numerals)."""
    return parse(s)


def digit_value(c: str) -> Optional[int]:
    """The value of one digit character (``〇`` 0, ``五`` 5, ``伍`` 5, ``7`` 7), or None."""
    if c in _ARABIC:
        return int(c)
    return tables().digits.get(c)


# ----------------------------------------------------------------------------------- approximate values

def approx_range(s: str) -> Optional[tuple[Decimal, Decimal]]:
    """``(low, high)`` of an approximate numeral, or None: ``几十`` (20, 90), ``数十亿`` (2×10^9, 9×10^9),
    ``十几`` (11, 19), ``三四`` (3, 4), ``七八十`` (70, 80), ``十七八`` (17, 18), ``三五`` (3, 5),
    ``上百`` (100, 900)."""
    if not s:
        return None
    t = tables()
    # 上百, 成千: a bare unit reached
    if s[0] in t.reach_words and len(s) >= 2:
        rest = s[1:]
        if rest[0] in t.small or rest[0] in t.big:
            lo = parse("一" + rest)
            if lo is None or rest[0] in ("十", "拾"):
                return None
            return lo * t.reach[0], lo * t.reach[1]
        return None
    # 几 / 数 standing for a digit
    k = next((i for i, c in enumerate(s) if c in t.approx_words), -1)
    if k >= 0:
        if any(c in t.approx_words for c in s[k + 1:]):
            return None
        first = k == 0
        lo_d, hi_d = t.approx_first if first else t.approx_later
        if first and (len(s) == 1 or s[1] not in t.small and s[1] not in t.big):
            return None  # 几个 is a few, not a figure
        if not first and s[k - 1] not in t.small and s[k - 1] not in t.big:
            return None
        inv: dict = {}
        for c, v in t.digits.items():
            if c not in t.ambiguous and c != t.liang:
                inv.setdefault(v, c)
        lo = parse(s[:k] + inv[lo_d] + s[k + 1:])
        hi = parse(s[:k] + inv[hi_d] + s[k + 1:])
        if lo is None or hi is None or lo >= hi:
            return None
        return lo, hi
    # two digits naming a range: 三四, 七八十, 十七八, 两三, 三五
    for i in range(len(s) - 1):
        a, b = s[i], s[i + 1]
        if a in t.digits and b in t.digits and a not in t.zeros and b not in t.zeros:
            da, db = t.digits[a], t.digits[b]
            if not (db == da + 1 or a + b in t.approx_pairs):
                return None
            if any(c in t.digits and c not in t.zeros for c in s[i + 2:i + 3]):
                return None
            lo = parse(s[:i] + a + s[i + 2:])
            hi = parse(s[:i] + b + s[i + 2:])
            if lo is None or hi is None or lo >= hi:
                return None
            return lo, hi
    return None
