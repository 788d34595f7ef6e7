"""Quantities: every figure of a report as one grounded fact (value, unit, qualifier, kind, period, subject).

:func:`find_quantities` reads any text; :func:`extract_quantities` is the pipeline stage. Both search the
normalised working copy (:mod:`extractor.normalize`) with one compiled pattern and map every span back,
so ``text[q.start:q.end] == q.text`` always holds for the text they were given.

The tables (units and multipliers, numerals, qualifier words, change words, trap patterns, period cues,
subject trimming) are YAML files under ``data/quantities/``; the conventions are those of
``spec/annotation.md``:

* a candidate is ``[qualifier] number [range] [multiplier] [余|多] unit [qualifier]``; a Chinese numeral
  needs a counting word, an Arabic number a unit or a multiplier (``3.5万``); percentages may be written
  ``百分之七十二点四三`` and fractions ``三分之一``;
* it is dropped when it is a date, time or duration (``2023年``, ``5个工作日``), an ordinal or rank
  (``第37次``), part of a name or slogan (``“十个合并”``, ``一站式``, ``四位一体``), a code (``5M``,
  ``部督2.07``, ``〔2019〕28号``) or a bare number without a unit (``“123”``, ``9.16``);
* a change word right before it (``同比增长5.4%``, ``增加555件``, ``下降7.2%``) makes it a ``change``
  with the sign of the word;
* the period comes from cues in its sentence (``累计``, ``目前``, ``力争``) and from the section it is in.
"""
from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Optional

import regex
from extractor.text import yamlio

from extractor.core.facts import Quantity
from extractor.text import numerals as _numerals
from extractor.text import sentences as bounds
from extractor.text.normalize import Working, normalize
from extractor.text.numerals import approx_range, parse as parse_numeral, parse_chinese  # noqa: F401
from extractor.text.units import unit_table

DATA = Path(__file__).resolve().parents[1] / "data" / "quantities"



def _load(name: str) -> dict:
    return yamlio.safe_load((DATA / name).read_text(encoding="utf-8"))


def _alt(words: Iterable[str], escape: bool = True) -> str:
    """A regex alternation of ``words``, longest first (so 个百分点 wins over 个).

    Literal words (``escape``) are written as a trie: ``个(?:百分点)?`` for 个 and 个百分点. It matches what the
    longest-first list matches, in the same order when the engine backtracks (the words that match at one
    position are prefixes of each other, so they lie on one path of the trie, tried from the longest), and the
    engine tries one branch per character instead of every word: a list of hundreds of slogans or units is
    searched several times faster."""
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    if not escape:
        return "|".join(ws)
    root: dict = {}
    for w in ws:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _trie(root)


def _trie(node: dict) -> str:
    """The regex of what may follow at one node of :func:`_alt`'s trie."""
    kids = sorted(k for k in node if k)
    if not kids:
        return ""
    body = "|".join(regex.escape(k) + _trie(node[k]) for k in kids)
    if "" in node:  # a word may end here: the longer ones are tried first
        return f"(?:{body})?"
    return body if len(kids) == 1 else f"(?:{body})"


@dataclass
class _Tables:
    pattern: re.Pattern  # re, not regex: several times faster per position tried
    units: dict  # surface -> (canonical, kind); kind "reject" for dates and durations
    mults: dict  # surface -> Decimal
    digits: dict
    small: dict
    big: dict
    lone: frozenset
    lone_units: frozenset  # … except before these units after a change word (增长一倍)
    scaled: dict  # surface -> (canonical, factor, kind): 成 → (%, 10, rate)
    per_scales: dict  # 百 → 100 in 部/百人
    pct: dict  # 百分之 -> (unit, factor)
    pct_whole: dict  # 百分之百 -> 100
    count_units: frozenset
    before_q: dict
    inner_q: dict
    after_q: dict
    after_unit: frozenset  # units after which an inner word is the qualifier (1倍多)
    after_unit_next: str  # … when one of these (or a mark, a line end) comes next
    context_q: regex.Pattern  # searched at the end of the text before a quantity
    context_q_map: dict
    gap_words: frozenset  # comparison words that, with a gap, make a difference exact (高于全国8.4个百分点)
    gap_units: frozenset
    traps: "re.Pattern | regex.Pattern"  # re when the trap patterns allow it (see _as_re)
    glued_before: frozenset
    glued_after: frozenset
    arabic_trap_free: regex.Pattern  # a window with none of these characters holds no trap for an Arabic number
    quote_open: str
    quote_close: str
    quote_max: int
    change_adjacent: regex.Pattern
    change_far: regex.Pattern
    decrease: regex.Pattern
    level_between: regex.Pattern
    far_gap: int
    target: regex.Pattern
    target_paragraph: regex.Pattern  # a list of targets to the end of its paragraph (预期目标是：…)
    cumulative_paragraph: regex.Pattern  # a paragraph that opens looking back over years (五年来，…)
    paragraph_cumulative_not: regex.Pattern  # … except a sentence with a year of its own
    override: regex.Pattern
    cumulative: regex.Pattern
    stock_sentence: regex.Pattern
    stock_clause: regex.Pattern
    flow_sentence: regex.Pattern  # a year before the number: a stock_clause cue names a flow
    stock_levels: frozenset  # … unless the cue is one of these levels (存栏)
    strip_leading: regex.Pattern
    strip_trailing: regex.Pattern
    subject_max: int
    values: dict = field(default_factory=dict, repr=False)  # numeral as matched -> (value, max): _value's memo


def _charset(spec: str) -> frozenset:
    """Characters of a spec like ``A-Za-z_./#-`` (ranges written ``a-z``; a final ``-`` is itself)."""
    out = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.add(spec[i])
            i += 1
    return frozenset(out)


_HAN = "\ue000"  # stands for \\p{Han} while the standard parser reads a pattern (a private-use character)
_HAN_DIFF = regex.compile(r"\[\\p\{Han\}--\[[^\[\]]*\]\]")


def _first_chars(source: str) -> Optional[str]:
    """A character class (its body, in ``regex`` syntax) holding every character a match of the ``regex``
    pattern ``source`` can start with, or None when that cannot be told (a match may be empty, start with
    any character, or use a construct not understood here). ``(?=[class])(?:source)`` then matches where
    and what ``source`` matches. The standard library's parser reads the pattern; ``\\p{Han}`` (and
    ``[\\p{Han}--[…]]``, a part of it) is read as a placeholder and written back as ``\\p{Han}``."""
    from re import _constants as C, _parser as P

    if _HAN in source:
        return None
    try:
        tree = P.parse(_HAN_DIFF.sub(_HAN, source).replace(r"\p{Han}", _HAN))
    except Exception:  # noqa: BLE001 - a construct of regex the standard parser lacks: no prefilter
        return None
    cats = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s", C.CATEGORY_WORD: r"\w"}

    def first(seq) -> Optional[tuple]:
        """``(items, nullable)`` of a sequence; None: any character."""
        items: set = set()
        for op, av in seq:
            if op is C.LITERAL:
                items.add(chr(av))
                return items, False
            if op is C.IN:
                for iop, iav in av:
                    if iop is C.LITERAL:
                        items.add(chr(iav))
                    elif iop is C.RANGE:
                        items.add((chr(iav[0]), chr(iav[1])))
                    elif iop is C.CATEGORY and iav in cats:
                        items.add(cats[iav])
                    else:  # a negated class or category
                        return None
                return items, False
            if op is C.BRANCH:
                nullable = False
                for alt in av[1]:
                    r = first(alt)
                    if r is None:
                        return None
                    items |= r[0]
                    nullable = nullable or r[1]
                if not nullable:
                    return items, False
            elif op is C.SUBPATTERN:
                if av[1] or av[2]:  # inline flags
                    return None
                r = first(av[3])
                if r is None:
                    return None
                items |= r[0]
                if not r[1]:
                    return items, False
            elif op is C.ATOMIC_GROUP or op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                sub = av if op is C.ATOMIC_GROUP else av[2]
                r = first(sub)
                if r is None:
                    return None
                items |= r[0]
                if not r[1] and (op is C.ATOMIC_GROUP or av[0] > 0):
                    return items, False
            elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                continue  # zero width
            else:  # any character, a back reference, a conditional …
                return None
        return items, True

    r = first(tree)
    if r is None or r[1] or not r[0]:
        return None
    out = []
    for it in sorted(r[0], key=str):
        if isinstance(it, tuple):
            out.append(f"{regex.escape(it[0])}-{regex.escape(it[1])}")
        elif it == _HAN:
            out.append(r"\p{Han}")
        elif it.startswith("\\") and len(it) == 2:
            out.append(it)
        else:
            out.append(regex.escape(it))
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _universe() -> tuple:
    """Every assigned character of Unicode, as ``regex`` knows it, but private use: ``(text, code points)``,
    to read a class off ``regex``'s own tables. (Unassigned and private-use characters are no digit, space,
    letter or mark to either module: a code point never loses its assignment, so ``re``'s older tables
    cannot hold one that ``regex``'s newer ones leave unassigned.)"""
    import array
    cps = array.array("I", range(0xD800)) + array.array("I", range(0xE000, 0x110000))
    full = cps.tobytes().decode("utf-32-le")
    keep, starts = array.array("I"), []  # starts: where in ``keep`` each run of consecutive code points starts
    for m in regex.finditer(r"[^\p{Cn}\p{Co}]+", full):
        starts.append(len(keep))
        keep.extend(cps[m.start():m.end()])
    return keep.tobytes().decode("utf-32-le"), keep, starts


def _runs(pattern, uni: tuple) -> list:
    """``[(first, last)]`` code point runs of the characters of the universe ``pattern`` (a class, repeated)
    matches (a match across a gap of the universe is cut there)."""
    text, cps, starts = uni
    out = []
    for m in pattern.finditer(text):
        a, e = m.start(), m.end()
        for k in starts[bisect.bisect_right(starts, a):bisect.bisect_left(starts, e)]:
            out.append((cps[a], cps[k - 1]))
            a = k
        out.append((cps[a], cps[e - 1]))
    return out


def _minus(xs: list, ys: list) -> list:
    """Code point runs in ``xs`` and not in ``ys`` (both sorted, disjoint)."""
    out, j = [], 0
    for a, b in xs:
        while j < len(ys) and ys[j][1] < a:
            j += 1
        k, lo = j, a
        while k < len(ys) and ys[k][0] <= b:
            if ys[k][0] > lo:
                out.append((lo, ys[k][0] - 1))
            lo = max(lo, ys[k][1] + 1)
            k += 1
        if lo <= b:
            out.append((lo, b))
    return out


def _ranges(runs: list) -> str:
    """The body of an ``re`` class of code point runs."""
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs)


#: translations of :func:`_exact` computed once for the installed ``regex``, Unicode and Python versions and
#: shipped (``tools/build_re_classes.py`` writes it; a test recomputes every entry). With other versions the
#: classes are computed at load, as without the file.
RE_CLASSES = DATA / "re_classes.json"


def re_class_versions() -> dict:
    """What the translations depend on: ``regex``'s tables and ``re``'s (Python's Unicode data)."""
    import sys
    import unicodedata
    return {"regex": regex.__version__, "unicode": unicodedata.unidata_version,
            "python": "%d.%d" % sys.version_info[:2]}


@functools.lru_cache(maxsize=1)
def _shipped_classes() -> dict:
    try:
        got = json.loads(RE_CLASSES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return got.get("classes") or {} if got.get("versions") == re_class_versions() else {}


@functools.lru_cache(maxsize=None)
def _exact(cls: str) -> str:
    """``re`` source for one character that matches exactly where the ``regex`` (V1) class or escape ``cls``
    matches: ``re``'s own reading of it (fast) corrected by the characters the two modules' tables read
    differently (newer digits, U+001C–U+001F, marks …), or the explicit class when ``re`` cannot read it."""
    shipped = _shipped_classes().get(cls)
    if shipped is not None:
        return shipped
    return _compute_exact(cls)


def _compute_exact(cls: str) -> str:
    """:func:`_exact` from the tables themselves."""
    uni = _universe()
    want = _runs(regex.compile(f"(?:{cls})+", regex.V1), uni)
    try:
        have = _runs(re.compile(f"(?:{cls})+"), uni)
    except re.error:
        return f"[{_ranges(want)}]"
    minus, plus = _minus(have, want), _minus(want, have)
    if not minus and not plus:
        return cls
    core = (f"(?![{_ranges(minus)}])" if minus else "") + cls
    return f"(?:{core}|[{_ranges(plus)}])" if plus else f"(?:{core})"


def _as_re(source: str) -> Optional[re.Pattern]:
    """The ``regex`` (V1) pattern ``source`` compiled with ``re`` (several times faster on the short windows
    the stage searches), or None when it uses a construct this translation does not know. Every class and
    escape the two modules may read differently (``\\d``, ``\\s``, ``\\w``, ``\\b``, ``\\p{Han}``,
    ``[\\p{Han}--[…]]``) is rewritten by :func:`_exact` from ``regex``'s own tables, so that both match
    exactly the same."""
    import warnings
    s = source
    if regex.search(r"\(\?<(?![=!])|--(?!\[)|&&|\|\||~~|\(\?[Vrfwbe|]", _HAN_DIFF.sub("", s)):
        return None  # set operations, named groups of the other syntax, version or fuzzy flags
    if regex.search(r"\{(?!\d+(?:,\d*)?\}|,\d+\})", s.replace(r"\p{Han}", "")):
        return None  # a brace that is no counted repeat: fuzzy matching in regex, a literal in re
    out, i, n = [], 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            if i + 1 >= n:
                return None
            e = s[i + 1]
            if e in "dswDSW":
                out.append(_exact(s[i:i + 2]))
            elif e == "b":
                wc = _exact(r"\w")
                out.append(f"(?:(?<={wc})(?!{wc})|(?<!{wc})(?={wc}))")
            elif e == "p" and s.startswith(r"\p{Han}", i):
                out.append(_exact(r"\p{Han}"))
                i += len(r"\p{Han}")
                continue
            elif e.isalpha() and e not in "nrtfvuxUaAZ":
                return None  # \B, \p{…}, \N{…}, \X, \G, \m …: no translation
            else:
                out.append(s[i:i + 2])
            i += 2
            continue
        if c == "[":
            m = _HAN_DIFF.match(s, i)
            if m:
                out.append(_exact(m.group(0)))
                i = m.end()
                continue
            j = i + 1 + s.startswith("^", i + 1)
            if s.startswith("]", j):
                return None  # a leading ]: read differently
            k = j
            while k < n and s[k] != "]":
                if s[k] == "[":
                    return None  # a nested set in regex V1, a literal [ in re
                k += 2 if s[k] == "\\" else 1
            if k >= n:
                return None
            body = s[i:k + 1]
            out.append(_exact(body) if regex.search(r"\\[dswDSWp]", body) else body)
            i = k + 1
            continue
        out.append(c)
        i += 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return re.compile("".join(out))
    except (re.error, FutureWarning, DeprecationWarning):
        return None


def _led(source: str) -> str:
    """``source`` behind a lookahead on the characters its matches start with (:func:`_first_chars`), when
    they can be told: the same matches, found sooner where most positions start none."""
    first = _first_chars(source)
    return f"(?=[{first}])(?:{source})" if first else source


def _compile(source: str):
    """A pattern of the data files (``regex`` syntax, V1): with ``re`` when :func:`_as_re` can, else ``regex``."""
    return _as_re(source) or regex.compile(source, regex.V1)


@functools.lru_cache(maxsize=1)
def tables() -> _Tables:
    """All tables of ``data/quantities``, loaded and compiled once."""
    u = _load("units.yaml")
    num = _load("numerals.yaml")
    q = _load("qualifiers.yaml")
    ch = _load("changes.yaml")
    tr = _load("traps.yaml")
    pe = _load("periods.yaml")
    su = _load("subject.yaml")

    units, mults = unit_table(u)

    nt = _numerals.tables()
    digits, small, big = nt.digits, nt.small, nt.big
    dp = num["decimal_point"]
    plain_digits = "".join(k for k in digits if k not in nt.ambiguous)
    amb = "".join(sorted(nt.ambiguous))
    cn_digit = "".join(digits)
    cn_all = cn_digit + "".join(small) + "".join(big)
    cn_frac_digits = "".join(k for k in digits if k != "两")
    # 千 that starts a unit (千瓦, 千米, 千克) is not part of the numeral: 四十万千瓦
    unit_千 = "".join(sorted({k[1] for k in units if k.startswith("千") and len(k) > 1}))
    cn_body = "".join(c for c in cn_all if c != "千")
    big_chars = "".join(big)
    # a 大写 digit that is also a word (伍, 陆) starts a numeral only before another numeral character
    capitals = "拾佰仟" + big_chars + "".join(k for k in digits if k not in "零〇一二两三四五六七八九")
    num_cn = (f"(?:[{plain_digits}]|十|拾|[{amb}](?=[{capitals}]))(?:[{cn_body}]|千(?![{unit_千}]))*"
              f"(?:{dp}[{cn_frac_digits}]+[{big_chars}]*)?")
    # 1亿1000多万元, 1亿2千万元: an Arabic number with 亿, then a qualifier or a multiplier of 万 (the
    # multiplier multiplies only what follows 亿: _higher_place)
    wan_mults = _alt(k for k in mults if k.endswith("万"))
    yi_then = rf"|\d{{1,4}}亿\d{{1,4}}(?=(?:{_alt(q['inner'])})?(?:{wan_mults}))"
    num_ar = (r"(?=\d{1,4}[亿万]\d)(?:\d{1,4}亿\d{1,4}万(?:\d{2,4}(?![\d.]))?|\d{1,4}万\d{2,4}(?![\d.])" + yi_then
              + r")|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d{1,3}(?:，\d{3})+(?:\.\d+)?(?![\d，])"
              r"|\d+(?:\.\d+| +\. +\d+(?![\d.]))?")
    # atomic numbers that never start inside another number: 2023年 is one failed try, not four
    # a bare 百/千/万 is a numeral before 余/多 or after a bound word: 百余家, 千余人, 近千家, 逾万人
    bare_words = "|".join(regex.escape(w) for w in sorted(q["before"], key=len, reverse=True))
    bare_after = "|".join(f"(?<={w})" for w in bare_words.split("|"))  # re: one fixed-width lookbehind each
    num_bare = rf"(?:[百千万亿](?=[{''.join(q['inner'])}])|(?:{bare_after})[百千万亿](?![{cn_digit}十百千]))"
    ap = num["approx"]
    aw = "".join(ap["digit_words"])
    reach = "".join(ap["reach_words"])
    units_cn = "十百千万亿"
    # approximate numerals: 几十, 数十亿, 十几, 二十几, 上百, 成千 (三四, 七八十 are read from num_cn)
    num_ax = (rf"(?:[{aw}](?=[{units_cn}])[{units_cn}]+|(?:[{plain_digits}]?[十百千])+几[{units_cn}]*"
              rf"|(?<![以线晚马网早路])[{reach}][百千万亿](?![{units_cn}余多{cn_digit}]))")
    cn_all_plain = "".join(c for c in cn_all if c not in nt.ambiguous)
    number = (rf"(?:(?<!\d)(?<!\d[.,])(?>{num_ar})|(?<![{cn_all_plain}数几上])(?>{num_ax}|{num_cn}|{num_bare}))")
    pct_map = {str(k): (str(v[0]), Decimal(str(v[1]))) for k, v in num["percent_prefixes"].items()}
    pct = _alt(pct_map)
    pct_whole = {str(k): Decimal(str(v)) for k, v in (num.get("percent_whole") or {}).items()}
    frac = regex.escape(num["fraction_word"])
    mult = _alt(mults)
    scaled = {str(k): (str(v[0]), Decimal(str(v[1])), str(v[2])) for k, v in (u.get("scaled") or {}).items()}
    scaled_not = u.get("scaled_not_before") or {}
    per = u.get("per") or {}
    per_scales = {str(k): int(v) for k, v in (per.get("scales") or {}).items()}
    plain_units = [k for k, v in units.items() if v[1] != "reject"]
    unit_alt = "|".join([_alt(plain_units)] + [
        regex.escape(k) + (f"(?![{regex.escape(scaled_not[k])}])" if scaled_not.get(k) else "") for k in scaled])
    def per_alt(k: str) -> str:  # re has no repeated group names: ps/pb, ps2/pb2
        return (rf"(?:/(?P<ps{k}>{_alt(per_scales)})?(?P<pb{k}>{_alt(str(b) for b in per.get('bases') or [])}))?"
                if per.get("bases") else f"(?P<ps{k}>)(?P<pb{k}>)")
    reject = _alt(k for k, v in units.items() if v[1] == "reject")
    pre = _alt(q["before"])
    inner = _alt(q["inner"])
    after = _alt(q["after"])
    half = _alt(num.get("half") or ["个半"])
    dbl = num["doubling"]
    cur_words = [k for k in ("人民币", "港币", "澳门币", "美元", "美金", "欧元", "日元", "英镑", "港元", "澳门元", "新台币", "韩元",
                             "澳元", "卢布") if k in units]
    cur = _alt(cur_words)
    # every match starts with one of these characters (a cheap test before the alternatives)
    first = regex.escape("".join(sorted(set(
        "0123456789-−" + cn_all + aw + reach + "".join(nt.negative) + dbl["word"]
        + "".join(w[0] for w in cur_words) + "".join(w[0] for w in q["before"]) + "".join(k[0] for k in pct_map)))))
    # the character a number, percentage, fraction or doubling starts with, after the optional currency and
    # bound words (an Arabic number never starts inside another: 2023年 is one failed try, not four); a
    # lookahead on it rejects most of the positions the first-character test lets through (新的, 大力, 一是)
    starts = regex.escape("".join(sorted(set(
        "".join(k[0] for k in pct_map) + plain_digits + "十拾" + amb + dbl["word"][0] + "-−"
        + "".join(w[0] for w in nt.negative) + aw + "十百千" + reach + "百千万亿"))))
    # a number needs a unit, or a multiplier (3.5万); dates and durations (2023年, 5个工作日) never match
    source = (
        rf"(?=[{first}])(?=(?:{cur})?(?:{pre})?(?:(?<!\d)\d|[{starts}]))(?P<cur>{cur})?(?P<pre>{pre})?"
        rf"(?:(?P<pct>{pct})(?P<pn>{'|'.join(regex.escape(k[len(k) - 1]) for k in pct_whole)}(?![{cn_all}])|{number})"
        # 百分之八至百分之九, or 百分之八至九 when nothing but a qualifier, a mark or the end follows the bare bound
        # (百分之十至二十万人, 百分之五至三季度 are no ranges)
        rf"(?:[至到—–\-~～](?P<pct2>(?P=pct))?(?P<pn2>{number})"
        rf"(?(pct2)|(?:(?=(?:{after}))|(?![\p{{Han}}\dA-Za-z.%‰]))))?"
        rf"|(?P<fd>{num_cn}){frac}(?P<fn>{num_cn})"
        rf"|(?=\d{{1,3}}/\d)(?<![\d/.:\-])(?P<an>\d{{1,3}})/(?P<ad>\d{{1,3}})(?![\d/.:\-%])"
        rf"|(?P<dbl>{regex.escape(dbl['word'])}(?:{regex.escape(dbl['optional_between'])})?"
        rf"(?P<dn>[一两二三四1-4])?{regex.escape(dbl['suffix'])})(?P<dq>{inner})?"
        rf"|(?:(?<![0-9A-Za-z.])(?P<neg>[-−]|{_alt(nt.negative)})(?=[\d{plain_digits}十]))?(?P<n1>{number})(?!{reject})"
        rf"(?:(?P<m0>{mult})?(?P<u0>[%‰])?(?P<rs>[—–\-~～至到])(?P<n2>{number})(?!{reject}))?"
        rf"(?P<half>{half})?"
        rf"(?:(?P<q1>{inner})?(?P<unit>{unit_alt}){per_alt('')}|(?P<q0>{inner})?(?P<mult>{mult})(?P<q1b>{inner})?"
        rf"(?:(?P<unit2>{unit_alt}){per_alt('2')})?|(?(cur)(?=[^\d.]|$)|(?!))|(?<=\d万)))"
        rf"(?P<q2>{after})?"
    )
    # compiled with re (several times faster per position tried than regex), \d read as regex reads it
    pattern = _as_re(source) or re.compile(source)
    count_units = frozenset(k for k, v in units.items() if v[1] == "count")

    ctx = q["context_before"]
    context_q = _compile(rf"(?:{_alt(ctx)}).{{0,{int(q.get('context_gap', 2))}}}$")

    trap_parts = [_alt(tr["slogans"])] + [f"(?:{p})" for p in tr["patterns"].values()]
    trap_source = "|".join(trap_parts)
    trap_first = _first_chars(trap_source)  # most positions of a window start no trap: tested at once
    trap_source = f"(?=[{trap_first}])(?:{trap_source})" if trap_first else trap_source
    traps = _as_re(trap_source) or regex.compile(trap_source, regex.V1)

    inc = "|".join(f"(?:{p})" for p in ch["increase"])
    dec = "|".join(f"(?:{p})" for p in ch["decrease"])
    gap = ch.get("adjacent_gap", "")
    level_after = _alt(ch.get("level_after") or [])
    change_adjacent = _compile(rf"(?P<word>{inc}|{dec})(?P<level>{level_after})?{gap}$")
    change_far = _compile(_led(rf"(?:{inc}|{dec})"))
    decrease = _compile(rf"^(?:{dec})")
    level_between = _compile(rf"\d|{ch['level_words']}")

    def cues(key):  # a list absent from the data file matches nothing
        words = pe.get(key) or []
        return _compile(_led("|".join(f"(?:{p})" for p in words))) if words else re.compile(r"(?!)")

    return _Tables(
        pattern=pattern, units=units, mults=mults, digits=digits, small=small, big=big,
        lone=frozenset(num.get("lone_words") or []),
        lone_units=frozenset(num.get("lone_after_change") or []),
        scaled=scaled, per_scales=per_scales, pct=pct_map, pct_whole=pct_whole,
        count_units=count_units,
        before_q=dict(q["before"]), inner_q=dict(q["inner"]), after_q=dict(q["after"]),
        after_unit=frozenset((q.get("after_unit") or {}).get("units") or ()),
        after_unit_next=str((q.get("after_unit") or {}).get("followed_by") or ""),
        context_q=context_q, context_q_map=dict(ctx),
        gap_words=frozenset((q.get("context_gap_exact") or {}).get("words") or ()),
        gap_units=frozenset((q.get("context_gap_exact") or {}).get("units") or ()),
        traps=traps,
        glued_before=_charset(tr["glued_before"]),
        glued_after=_charset(tr["glued_after"]),
        arabic_trap_free=_compile(f"[^{regex.escape(tr['arabic_trap_chars'])}]*+\\Z"),
        quote_open=tr["quote_open"], quote_close=tr["quote_close"], quote_max=int(tr["quote_max"]),
        change_adjacent=change_adjacent, change_far=change_far, decrease=decrease,
        level_between=level_between, far_gap=int(ch["far_gap"]),
        target=cues("target"), override=cues("actual_override"), cumulative=cues("cumulative"),
        target_paragraph=cues("target_paragraph"), cumulative_paragraph=cues("cumulative_paragraph"),
        paragraph_cumulative_not=cues("paragraph_cumulative_not"),
        stock_sentence=cues("stock_sentence"), stock_clause=cues("stock_clause"),
        flow_sentence=cues("flow_sentence"),
        stock_levels=frozenset(pe.get("flow_not_for") or ()),
        strip_leading=_compile(su["strip_leading"]),
        strip_trailing=_compile(su["strip_trailing"]),
        subject_max=int(su["max_chars"]),
    )


# ---------------------------------------------------------------------------------------------- numbers

# the numeral parser is extractor.text.numerals (parse_chinese is kept importable from here)
parse_number = parse_numeral


def _num(x: Decimal) -> float:
    v = float(x)
    if v.is_integer():  # the common case: round(v, 6) is v itself
        return v
    if not math.isfinite(v):
        return v
    r = round(v, 6)
    return r if abs(r - v) < 1e-9 * max(1.0, abs(v)) else v


# ----------------------------------------------------------------------------------------- the finder

@dataclass(slots=True)
class _Found:
    start: int  # working offsets
    end: int
    value: float
    unit: str
    unit_text: str
    qualifier: str
    kind: str
    sign: int
    changed: bool  # an explicit change word
    max: Optional[float]
    num_start: int
    neg: bool = False  # written with a minus sign (−3.9%, 负3.9%): a fall word does not flip it again


@functools.lru_cache(maxsize=4)
def _quote_class(chars: str) -> re.Pattern:
    return re.compile("[" + re.escape(chars) + "]")


def _inside_quotes(w: str, s: int, e: int, t: _Tables, opens: Optional[list] = None) -> bool:
    """Whether ``w[s:e]`` stands inside quotes (“9.16”案) opened at most ``quote_max`` characters before.
    ``opens``: the sorted positions of the text's opening quotes (found once per text)."""
    lo = max(0, s - t.quote_max)
    if opens is not None:
        k = bisect.bisect_left(opens, s) - 1
        best = opens[k] if k >= 0 and opens[k] >= lo else -1
    else:
        best = -1
        for ch in t.quote_open:
            i = w.rfind(ch, lo, s)
            if i > best:
                best = i
    if best < 0:
        return False
    between = w[best + 1:s]
    if any(c in between for c in t.quote_close) or "\n" in between:
        return False
    hi = min(len(w), best + 1 + t.quote_max + 1)
    tail = w[e:hi]
    for i, c in enumerate(tail):
        if c in t.quote_close:
            return True
        if c in t.quote_open or c == "\n":
            return False
    return False


_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d{2})年")


def _text_year(w: str) -> Optional[int]:
    """The year a text mostly speaks of (its most frequent ``20XX年``), for ``2023年以来``."""
    counts: dict = {}
    for y in _YEAR.findall(w):
        counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    return int(max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0])


_HEX = frozenset("0123456789ABCDEFabcdef")
_PERCENT_UNITS = ("%", "‰", "个百分点", "百分点", "个千分点", "千分点")
_FRACTION_CONTEXT = regex.compile(r"(?:占|约|近|超过|超|逾|仅|达到|达|为|的|不足|不到|接近|将近)\s?\Z")
_FRACTION_AFTER = ("以上", "以下", "左右", "的", "强", "多")


_VALUES_MAX = 50_000  # numerals remembered per table set (a report repeats its figures and their forms)


def _value(s: str, t: _Tables) -> tuple:
    """``(value, max)`` of a number as matched: exact (max None), or an approximate numeral's range
    (三四 3–4, 几十 20–90, 上百). ``(None, None)`` when it is neither."""
    got = t.values.get(s)
    if got is None:
        if len(t.values) >= _VALUES_MAX:
            t.values.clear()
        got = t.values[s] = _parse_value(s, t)
    return got


def _parse_value(s: str, t: _Tables) -> tuple:
    if s.isdigit() and s.isascii():  # the common case first: 54, 2023
        return Decimal(s), None
    s = s.replace(" ", "") if " " in s else s
    if not s[0].isdigit():
        if len(s) > 1 and all(c in t.digits for c in s) or any(c in "几数上成" for c in s):
            r = approx_range(s)  # a digit string is a range (三四, 两三) or no count at all (一三三四)
            return (r[0], r[1]) if r else (None, None)
        v = parse_numeral(s)
        if v is None:
            r = approx_range(s)  # 七八十, 十七八
            return (r[0], r[1]) if r else (None, None)
        return v, None
    return parse_numeral(s), None


def _higher_place(n1: str, mult: str, t: _Tables) -> Optional[tuple]:
    """``(head, tail)`` values when the numeral before the multiplier ``mult`` holds a higher place than it
    (一亿一千 before 万, 1亿2 before 千万: 一亿 and 一千, 1亿 and 2), else None."""
    if not mult.endswith("万") or "亿" not in n1 or n1.endswith("亿"):
        return None
    k = n1.rindex("亿")
    head, _ = _value(n1[:k + 1], t)
    tail, tmax = _value(n1[k + 1:], t)
    if head is None or tail is None or tmax is not None:
        return None
    return head, tail


def _split_multiplier(s: str, t: _Tables) -> tuple:
    """A Chinese numeral's trailing big units (一百五十万 → 一百五十, 10^4), for a range whose multiplier
    belongs to both bounds."""
    k = len(s)
    while k > 0 and s[k - 1] in t.big:
        k -= 1
    if k == len(s) or k == 0:
        return s, None
    tail = s[k:]
    return s[:k], Decimal(10000) ** tail.count("万") * Decimal(100000000) ** tail.count("亿")


def _merged_unit(w: str, us: int, ue: int) -> bool:
    """True when the unit at ``w[us:ue]`` is really the first character of the next word (113.9人造板,
    14.0集成电路, 442.6台湾同胞), as the segmenter cuts the text after the number."""
    if ue >= len(w) or not ("\u4e00" <= w[ue] <= "\u9fff"):
        return False
    from extractor.text.segment import tokenize
    toks = tokenize(w[us:min(len(w), us + 8)])
    return bool(toks) and toks[0][2] > ue - us


def _spelled_count(n1: str, t: "_Tables") -> bool:
    """A Chinese numeral with 万 or 亿 and no unit is a count when a digit word leads a place in it
    (四千二百多万, 三千万): 千万, 亿万, 百万, 十万 alone are words (千万不能, 亿万人民, 十万火急). The digit words
    and places are those of ``data/quantities/numerals.yaml``."""
    return (len(n1) >= 3 and bool(t.digits.get(n1[0])) and any(c in t.small or c in t.big for c in n1[1:-1]))


def _candidates(w: str, t: _Tables) -> list[_Found]:
    out: list[_Found] = []
    n = len(w)
    gb, ga = t.glued_before, t.glued_after
    gi = {name: i - 1 for name, i in t.pattern.groupindex.items()}
    I_UNIT, I_N1, I_NEG, I_MULT, I_N2, I_M0, I_U0 = (gi[k] for k in ("unit", "n1", "neg", "mult", "n2", "m0", "u0"))
    I_PN, I_PCT, I_FD, I_FN, I_PRE, I_Q0, I_Q1, I_Q2 = (gi[k] for k in ("pn", "pct", "fd", "fn", "pre", "q0", "q1",
                                                                         "q2"))
    I_CUR, I_AN, I_AD, I_DBL, I_DN, I_DQ, I_HALF, I_PS, I_PB = (
        gi[k] for k in ("cur", "an", "ad", "dbl", "dn", "dq", "half", "ps", "pb"))
    # the unit after a multiplier has its own groups (re has no repeated group names)
    I_UNIT2, I_Q1B, I_PS2, I_PB2 = (gi[k] for k in ("unit2", "q1b", "ps2", "pb2"))
    opens = None  # positions of the opening quotes, found at the first number that needs them
    for m in t.pattern.finditer(w):
        g = m.groups()
        unit_text = g[I_UNIT] or g[I_UNIT2] or ""
        n1 = g[I_N1]
        vmax = None
        approx = False
        neg = bool(g[I_NEG])
        s, e = m.start(), m.end()
        changed = False
        if n1 is not None:
            num_start = m.start("neg") if g[I_NEG] else m.start("n1")
            if num_start >= 2 and w[num_start - 1] == " " and "0" <= w[num_start - 2] <= "9":
                continue  # the end of a spaced run of digits the working copy did not join (共有 3 5 个): no number
            if neg and unit_text not in _PERCENT_UNITS:
                continue  # a minus sign only before a rate or a change: 增长-2.3%
            scale = None
            if unit_text in t.scaled:
                canon, scale, kind = t.scaled[unit_text]
            elif unit_text:
                canon, kind = t.units[unit_text]
                if kind == "reject":
                    continue
                pb = g[I_PB] or g[I_PB2]
                if pb:  # a per-unit: 部/百人, 人/万人, 立方米/秒
                    canon, kind = f"{canon}/{g[I_PS] or g[I_PS2] or ''}{pb}", "amount"
                    unit_text = (w[m.start("unit"):m.end("pb")] if g[I_PB] else w[m.start("unit2"):m.end("pb2")])
            elif (g[I_MULT] or "万" in n1 or "亿" in n1) and (n1[0].isdigit() or g[I_CUR] or _spelled_count(n1 + (g[I_MULT] or ""), t)):
                canon, kind = "", "count"  # 505万下岗失业人员, 四千二百多万城镇劳动力 (not 千万, 亿万, 十万火急)
            elif g[I_CUR]:
                canon, kind = "", "amount"
            else:
                continue
            if g[I_CUR]:  # 人民币3.14元, 港币2960元, 美元3.2亿: the currency named before the number
                cur_canon = t.units[g[I_CUR]][0]
                if not unit_text or canon == "元":
                    canon, kind = cur_canon, "amount"
                elif kind != "amount":
                    continue
                if unit_text:
                    s = m.start("pre") if g[I_PRE] else num_start  # the currency word stays outside the span
            if n1 in t.lone and not g[I_MULT] and not g[I_N2] and unit_text not in t.scaled and not g[I_HALF] \
                    and not (unit_text in t.lone_units
                             and t.change_adjacent.search(w, max(0, num_start - 10), num_start)):
                continue  # 一批, 一线 (but 增长一倍)
            if n1 == "一" and unit_text in t.scaled and num_start > 0 and w[num_start - 1] in "统唯同单万第逐划均专合归整如始":
                continue  # 统一成本
            if len(n1) > 18 and n1[0].isdigit():  # a code or an identifier, not a figure
                continue
            value, amax = _value(n1, t)
            if value is None:
                continue
            if amax is not None:
                vmax, approx = amax, True
            if g[I_N2]:
                v2, a2 = _value(g[I_N2], t)
                if v2 is None or a2 is not None or approx:
                    continue
                vmax = v2
                if g[I_M0]:  # 1万至2万元: the first number has its own multiplier
                    value *= t.mults[g[I_M0]]
                    value /= t.mults[g[I_MULT]] if g[I_MULT] else 1
                elif not n1[0].isdigit() and not any(c in t.big for c in n1):
                    core, shared = _split_multiplier(g[I_N2], t)
                    if shared is not None and value * shared <= vmax:
                        value *= shared  # 一百二十到一百五十万元: 万 belongs to both bounds
                elif n1[0].isdigit() and not g[I_MULT] and not g[I_N2][0].isdigit():
                    continue
                if g[I_U0] and g[I_U0] != unit_text:
                    continue
            if g[I_HALF]:  # 1个半百分点, 两个半亿
                if vmax is not None or not (g[I_MULT] or kind in ("change", "amount")):
                    continue
                value += Decimal("0.5")
            if scale is not None:
                if e < n and w[e] in t.inner_q and not g[I_Q2]:  # 五成多
                    e += 1
                    scale_q = t.inner_q[w[e - 1]]
                value *= scale
                if vmax is not None:
                    vmax *= scale
            if (unit_text in t.after_unit and e < n and w[e] in t.inner_q and not g[I_Q2]
                    and (e + 1 >= n or w[e + 1] in t.after_unit_next or not w[e + 1].isalnum())):
                e += 1  # 1倍多
                scale_q = t.inner_q[w[e - 1]]
            decimal_count = (kind == "count" and not g[I_MULT] and "." in n1 and len(unit_text) == 1)
            if decimal_count and _merged_unit(w, *m.span("unit" if g[I_UNIT] else "unit2")):
                continue  # 113.9人造板: no unit, and a bare number is no quantity
        elif g[I_PN] is not None:
            num_start = m.start("pct")
            pn = g[I_PN]
            whole = t.pct_whole.get(g[I_PCT] + pn)
            value = whole if whole is not None else parse_numeral(pn)
            if value is None:
                continue
            canon, factor = t.pct[g[I_PCT]]
            value *= factor
            if m.group("pn2"):  # 百分之四至百分之五: a range
                v2 = parse_numeral(m.group("pn2"))
                if v2 is None or v2 * factor < value:
                    continue
                vmax = v2 * factor
            unit_text = canon
            kind = "rate"
        elif g[I_AN] is not None:
            num_start = m.start("an")
            a, b = int(g[I_AN]), int(g[I_AD])
            after = w[m.end("ad"):m.end("ad") + 2]
            if not (0 < a < b) or not (g[I_PRE] or _FRACTION_CONTEXT.search(w, max(0, s - 4), s)
                                       or after.startswith(_FRACTION_AFTER)):
                continue
            value = (Decimal(a) / Decimal(b) * 100).quantize(Decimal("0.01"))
            canon = unit_text = "%"
            kind = "rate"
        elif g[I_DBL] is not None:
            num_start = m.start("dbl")
            times = parse_numeral(g[I_DN]) if g[I_DN] else Decimal(1)
            if times is None:
                continue
            value = (Decimal(2) ** int(times) - 1) * 100  # 翻一番 +100 %, 翻两番 +300 %
            canon = unit_text = "%"
            kind, changed = "change", True
        else:
            num_start = m.start("fd")
            den, nom = parse_numeral(g[I_FD]), parse_numeral(g[I_FN])
            if not den or nom is None:
                continue
            value = (nom / den * 100).quantize(Decimal("0.01"))
            canon = unit_text = "%"
            kind = "rate"
        if neg:
            value = -value
            if vmax is not None:
                vmax = -vmax
        split = _higher_place(n1, g[I_MULT], t) if g[I_MULT] and n1 and vmax is None else None
        if split is not None:  # 一亿一千多万: 万 multiplies what follows 亿, not the whole
            value = (split[0] + split[1] * t.mults[g[I_MULT]]) * (-1 if neg else 1)
        elif g[I_MULT]:
            factor = t.mults[g[I_MULT]]
            value *= factor
            if vmax is not None:
                vmax *= factor
                if not approx and value > vmax and not g[I_M0]:
                    value /= factor  # 5000至1万元: the multiplier is the upper bound's own
        # glued to a code or a word: G312, 5M, 部督2.07 (the letters), v6.0
        if num_start > 0 and w[num_start - 1] in gb:
            continue
        if e < n and w[e] in ga:
            continue
        if s > 0 and w[s - 1] == "第":
            continue
        # a Chinese numeral count glued to another numeral: 四位一体, 三推进两提升
        cn = n1 is not None and not n1[0].isdigit()
        if cn and e < n and w[e] in "一二三四五六七八九两":
            continue
        look = (cn or not t.arabic_trap_free.match(w, max(0, s - 12), min(n, e + 12))
                or (unit_text == "%" and e < n and w[e] in _HEX) or (s > 0 and w[s - 1] == "(")
                or (n1 is not None and len(n1) in (5, 7) and n1.isdigit()))
        if look and _trapped(w, s, e, t):
            continue
        if opens is None:
            opens = [q.start() for q in _quote_class(t.quote_open).finditer(w)]
        if _inside_quotes(w, s, e, t, opens):
            continue
        # qualifier
        qual = "approx" if approx else "exact"
        if g[I_PRE]:
            qual = t.before_q[g[I_PRE]]
        elif vmax is not None and not approx:
            qual = "lower"
        if g[I_Q0] or g[I_Q1] or g[I_Q1B]:
            qual = t.inner_q[g[I_Q0] or g[I_Q1] or g[I_Q1B]]
        if g[I_DQ]:
            qual = t.inner_q[g[I_DQ]]
        if g[I_Q2]:
            qual = t.after_q[g[I_Q2]]
        if n1 is not None and e > m.end():
            qual = scale_q
        if qual == "exact":
            cm = t.context_q.search(w, max(0, s - 6), s)
            if cm:
                word = cm.group(0)
                for k, v in t.context_q_map.items():
                    if word.startswith(k):
                        if not (len(word) > len(k) and k in t.gap_words and canon in t.gap_units):
                            qual = v or qual  # (高于全国8.4个百分点 is a gap: exact)
                        break
        if vmax is not None and vmax < value and kind != "change":
            continue  # a descending "range" (1到0%) is no range of values
        fv, fmax = _num(value), (_num(vmax) if vmax is not None else None)
        if not math.isfinite(fv) or (fmax is not None and not math.isfinite(fmax)):
            continue
        out.append(_Found(s, e, fv, canon, unit_text, qual, kind, 1, changed, fmax, num_start, neg))
    return out


def _trapped(w: str, s: int, e: int, t: _Tables) -> bool:
    lo = max(0, s - 12)
    hi = min(len(w), e + 12)
    for tm in t.traps.finditer(w, lo, hi):
        if tm.start() < e and tm.end() > s:
            return True
        if tm.start() >= e:
            break
    return False


def _change(w: str, f: _Found, clause_start: int, t: _Tables) -> None:
    """Kind ``change`` and the sign, from a change word before the number."""
    s = f.start
    cm = t.change_adjacent.search(w, max(clause_start, s - 10), s)
    if cm:
        word = cm["word"]
        neg = bool(t.decrease.match(word))
        if cm["level"]:  # 增长到5%, 降至3%: a level
            return
        before = w[max(clause_start, cm.start() - 2):cm.start()]
        if f.kind == "rate" and before.endswith(("为", "是")):  # 自然增长率为下降0.5‰
            f.sign = -1 if neg else 1
            return
        f.kind, f.sign, f.changed = "change", (-1 if neg else 1), True
        return
    if f.unit in ("%", "‰", "百分点", "千分点", "倍"):
        lo = max(clause_start, s - t.far_gap - 6)
        last = None
        for m in t.change_far.finditer(w, lo, s):
            last = m
        if last is not None and s - last.end() <= t.far_gap:
            between = w[last.end():s]
            if not t.level_between.search(between):
                neg = bool(t.decrease.match(last.group(0)))
                f.kind, f.sign, f.changed = "change", (-1 if neg else 1), True


_WINDOW = 400  # how far back a sentence start and forward a sentence end are looked for around a number
_PARAGRAPH_KEYS = ("paragraph", "looks_back")  # cached per paragraph, not per sentence


class _Cues:
    """Matches of the period cues in each sentence of one text, found once per sentence."""

    def __init__(self, w: str, t: _Tables, year: Optional[int]):
        self.w, self.t, self.year = w, t, year
        self.cache: dict = {}
        self._para = (0, 0)  # (the position asked last, its paragraph start)
        self.misses = 0

    def _hits(self, name: str, pattern, start: int, marks: str, pos: int) -> tuple:
        key = (name, start)
        got = self.cache.get(key)
        if got is None:
            self.misses += 1
            if self.misses % 2048 == 0:  # sentences that start a window behind this number are never asked again
                self.cache = {k: v for k, v in self.cache.items() if k[0] in _PARAGRAPH_KEYS or k[1] >= pos - _WINDOW}
            end = bounds.end_of(self.w, pos, marks, window=_WINDOW)
            sub = self.w[start:end]
            hits = [(m.start() + start, m.end() + start, m) for m in pattern.finditer(sub)]
            got = self.cache[key] = (hits, [h[1] for h in hits])  # the ends never decrease (no overlaps)
        return got

    def paragraph_start(self, pos: int) -> int:
        """Where the paragraph (line) of ``pos`` starts. The numbers are asked about in order: the search goes
        back only to the position asked before (a text of one long line costs no more than a short one)."""
        last, start = self._para
        if pos >= last:
            k = self.w.rfind("\n", last, pos)
            start = k + 1 if k >= 0 else start
        else:
            start = self.w.rfind("\n", 0, pos) + 1
        self._para = (pos, start)
        return start

    def list_opened(self, pos: int) -> bool:
        """Whether a list of targets (``target_paragraph``) opens in the paragraph before ``pos``."""
        start = self.paragraph_start(pos)
        key = ("paragraph", start)
        end = self.cache.get(key)
        if end is None:
            stop = self.w.find("\n", pos)
            m = self.t.target_paragraph.search(self.w, start, len(self.w) if stop < 0 else stop)
            end = self.cache[key] = m.end() if m else -1
        return 0 <= end <= pos

    def paragraph_looks_back(self, pos: int) -> bool:
        """Whether the paragraph of ``pos`` opens with a cue of several years (``cumulative_paragraph``)."""
        start = self.paragraph_start(pos)
        key = ("looks_back", start)
        got = self.cache.get(key)
        if got is None:
            while start < pos and self.w[start] in " \t\u3000":
                start += 1
            got = self.cache[key] = bool(self.t.cumulative_paragraph.match(self.w, start, pos))
        return got

    def before(self, name: str, pattern, start: int, marks: str, pos: int) -> list:
        """``(start, end, match)`` of ``pattern`` in the sentence beginning at ``start`` that end by ``pos``."""
        hits, ends = self._hits(name, pattern, start, marks, pos)
        return hits[:bisect.bisect_right(ends, pos)]

    def any_before(self, name: str, pattern, start: int, marks: str, pos: int, by: Optional[int] = None) -> bool:
        """Whether :meth:`before` is not empty (with ``by``: holds a match that ends by ``by`` ≤ ``pos``)."""
        ends = self._hits(name, pattern, start, marks, pos)[1]
        return bool(ends) and ends[0] <= (pos if by is None else by)


def _period(w: str, f: _Found, sent_start: int, full_start: int, c_start: int, c_end: int, t: _Tables,
            cues: _Cues) -> str:
    if cues.any_before("target", t.target, full_start, bounds.FULL_STOP, f.start):
        return "target"
    own_year = None  # a sentence that names a time of its own (去年, 2023年, 上半年): outside a paragraph's rule

    def named_own_year() -> bool:
        nonlocal own_year
        if own_year is None:
            own_year = cues.any_before("own_year", t.paragraph_cumulative_not, sent_start, bounds.SENTENCE, f.start)
        return own_year

    if cues.list_opened(f.start) and not named_own_year():
        return "target"
    cm = None
    for s, e, m in cues.before("cumulative", t.cumulative, sent_start, bounds.SENTENCE, f.start):
        y = m.groupdict().get("year")
        if y and (cues.year is None or int(y) >= cues.year):  # 2023年以来 in a 2023 report: this year
            continue
        cm = s
    if cm is not None:
        if not cues.any_before("override", t.override, sent_start, bounds.SENTENCE, f.start, min(f.start, cm)):
            return "cumulative"
    elif cues.paragraph_looks_back(f.start) and not named_own_year() \
            and not _stock(w, f, sent_start, full_start, c_start, c_end, t, cues, levels_only=True):
        return "cumulative"  # 五年来，…。建成养老机构357家 (but 常住人口达到1200万人 is what stands)
    if f.kind == "change":
        return "actual"
    if _stock(w, f, sent_start, full_start, c_start, c_end, t, cues):
        return "stock"
    return "actual"


def _stock(w: str, f: _Found, sent_start: int, full_start: int, c_start: int, c_end: int, t: _Tables,
           cues: _Cues, levels_only: bool = False) -> bool:
    """A standing total: a stock cue in the sentence, or one in the clause (for counts and amounts) that no year
    of the sentence makes a flow of that year (a level word of ``flow_not_for`` stays a stock). ``levels_only``:
    of the clause cues only the level words count (in a look-back paragraph 建成 is what the years built)."""
    if cues.any_before("stock", t.stock_sentence, full_start, bounds.FULL_STOP, f.start):
        return True
    sm = t.stock_clause.search(w, c_start, c_end) if f.kind != "rate" else None
    if not sm:
        return False
    if sm.group(0) in t.stock_levels:
        return True
    return not levels_only and not cues.any_before("flow", t.flow_sentence, sent_start, bounds.SENTENCE, f.start)


def _subject(w: str, f: _Found, c_start: int, c_end: int, t: _Tables, prev: Optional[_Found] = None,
             prev_subject: Optional[str] = None, sent_start: int = 0) -> Optional[str]:
    start = c_start
    if prev is not None and c_start <= prev.end <= f.start:  # 60余次、政府合同30余个: after the one before
        start = prev.end
    pre = w[start:f.start]
    # a list: 审查政府常务会议题材料60余次、政府合同30余个 → the item after the last 、
    k = pre.rfind("、")
    if 0 <= k < len(pre) - 1 and len(pre) - k > 2:
        pre = pre[k + 1:]
    pre = t.strip_leading.sub("", pre)
    pre = t.strip_trailing.sub("", pre)
    post = w[f.end:c_end]
    if post.startswith("的"):
        post = post[1:]
    if 0 < len(pre) <= 2 and len(post) >= 2:
        pre = ""  # 建立8个行政复议便民联系点: the verb alone names nothing, the words after do
    if len(pre) >= 2:
        if len(pre) > t.subject_max:
            pre = _tail_words(pre, t.subject_max)
        return pre
    if (prev_subject and prev is not None and prev.end >= sent_start
            and ((f.kind == "change" and len(w[prev.end:f.start]) <= 10)
                 or (prev.unit == f.unit and len(w[prev.end:f.start]) <= 1))):
        return prev_subject  # 增加值25.45亿元，增长4.4%; 贡献率分别为25%、35.8%
    k = post.find("、")
    if k > 0:
        post = post[:k]
    post = t.strip_trailing.sub("", post)
    if len(post) >= 2:
        return post[: t.subject_max]
    return pre or None


def _tail_words(s: str, limit: int) -> str:
    """The last words of ``s`` (jieba with the domain dictionary) that fit in ``limit`` characters."""
    from extractor.text.segment import cut
    words = cut(s)
    out = ""
    for wd in reversed(words):
        if len(out) + len(wd) > limit:
            break
        out = wd + out
    return out or s[-limit:]


_PARALLEL = regex.compile(r"[、和及与]\p{Han}{1,4}\Z")


def _inherit(w: str, prev: Optional[_Found], f: _Found) -> None:
    """A list after 分别 or 、 shares the kind and sign of its first item (增长5%、6%和7%)."""
    if prev is None or f.changed or prev.unit != f.unit:
        return
    gap = w[prev.end:f.start]
    if len(gap) <= 1 and (gap == "" or gap in "、和及与,，"):
        f.kind, f.sign = prev.kind, prev.sign
    elif prev.changed and _PARALLEL.match(gap) and not tables().level_between.search(gap):
        f.kind, f.sign = prev.kind, prev.sign  # 压减时间58%、材料52%


@functools.lru_cache(maxsize=1)
def _ratio_pattern():
    nouns = _load("ratios.yaml")["nouns"]
    return _compile(rf"(?:{_alt(nouns)})(?:[（(][^（）()\n]{{0,30}}[）)])?(?:为|是|达到?)"
                    r"(?P<n>(?<!\d)\d{1,4}(?:\.\d+)?)(?![\d.%‰])(?!\s*(?:[\p{Han}A-Za-z]))")


def _unitless_ratios(w: str, found: list) -> list:
    """``性别比为102.08``: a ratio noun (``data/quantities/ratios.yaml``) and a bare number → a rate, unit ""."""
    if "比" not in w and "率" not in w:
        return []
    taken = [(f.start, f.end) for f in found]
    out = []
    for m in _ratio_pattern().finditer(w):
        s, e = m.span("n")
        if any(a < e and s < b for a, b in taken):
            continue
        out.append(_Found(s, e, _num(Decimal(m.group("n"))), "", "", "exact", "rate", 1, False, None, s))
    return out


def _find(w: str, subjects: bool = True) -> list:
    """Quantities in the working text ``w``: ``(found, period, clause, subject)`` tuples."""
    t = tables()
    found = _candidates(w, t)
    ratios = _unitless_ratios(w, found)
    if ratios:
        found = sorted(found + ratios, key=lambda f: f.start)
    cues = _Cues(w, t, _text_year(w) if found else None)
    out = []
    prev, prev_subject = None, None
    for f in found:
        c_start = bounds.start_of(w, f.start, bounds.CLAUSE, window=200)
        c_end = bounds.end_of(w, f.end, bounds.CLAUSE, window=200)
        _change(w, f, c_start, t)
        _inherit(w, prev, f)
        if f.sign < 0 and not f.neg:
            f.value = -f.value
            if f.max is not None:
                f.max = -f.max
        sent = bounds.start_of(w, f.start, bounds.SENTENCE, window=_WINDOW, continues=True)
        full = bounds.start_of(w, f.start, bounds.FULL_STOP, window=_WINDOW, continues=True)
        period = _period(w, f, sent, full, c_start, c_end, t, cues)
        subject = _subject(w, f, c_start, c_end, t, prev, prev_subject, sent) if subjects else None
        out.append((f, period, w[c_start:c_end], subject))
        prev, prev_subject = f, subject
    return out


def _to_quantities(work: Working, source: str, found: list, part_of=None) -> list[Quantity]:
    """``part_of(offset)`` gives the report part at a document offset (None: no sections)."""
    res = []
    for f, period, clause, subject in found:
        a, b = work.to_source(f.start, f.end)
        if part_of is not None and period != "cumulative":  # 过去五年…年均增长5.2% stays a record even in plans
            if part_of(a) == "plans":
                period = "target"
        res.append(Quantity(text=source[a:b], start=a, end=b, value=f.value, unit=f.unit,
                            qualifier=f.qualifier, kind=f.kind, period=period, subject=subject,
                            max=f.max, unit_text=f.unit_text or None, clause=clause))
    return res


@contextlib.contextmanager
def _collector_paused():
    """The cyclic garbage collector paused while the stage runs (and resumed only if it was running): the
    stage allocates tens of thousands of short-lived objects that form no cycles (matches, tuples, records), and
    the collections they trigger cost ~8 % of its time. Reference counting frees them as usual. Only in a
    process with one thread: the switch is global."""
    import threading
    if threading.active_count() > 1:  # the switch is the process's: never pause it under other threads
        yield
        return
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def find_quantities(text: str, subjects: bool = True, with_tables: bool = True) -> list[Quantity]:
    """Every quantity of ``text``; offsets index ``text`` itself (``text[q.start:q.end] == q.text``).

    ``subjects=False`` skips naming what each number measures (the only step that may call jieba);
    ``with_tables=False`` reads table cells as prose (no table detection).
    """
    if not text:
        return []
    with _collector_paused():
        work = normalize(text)
        found = _to_quantities(work, text, _find(work.text, subjects=subjects))
    if with_tables:  # the cells of the text's tables (Markdown, flattened, aligned columns): extractor.stages.tables
        from extractor.stages.tables import with_text_tables
        found = with_text_tables(text, found)
    return found


def extract_quantities(doc, sections) -> list[Quantity]:
    """The pipeline stage: quantities of ``doc`` (document-text offsets); those inside a section whose
    part is ``plans`` are targets, unless their sentence makes them cumulative (过去五年…年均增长).
    ``sections``: a list or a :class:`~extractor.stages.index.SectionIndex`."""
    from extractor.stages.index import SectionIndex
    work = doc.working
    index = SectionIndex.of(sections)
    part_of = index.part_at if any(getattr(s, "part", None) == "plans" for s in index) else None
    with _collector_paused():
        return _to_quantities(work, doc.text, _find(work.text), part_of)
