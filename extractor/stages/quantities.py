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

import functools
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Optional

import regex
import yaml

from extractor.core.facts import Quantity
from extractor.text import sentences as bounds
from extractor.text.normalize import Working, normalize

DATA = Path(__file__).resolve().parents[1] / "data" / "quantities"



def _load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _alt(words: Iterable[str], escape: bool = True) -> str:
    """A regex alternation of ``words``, longest first (so 个百分点 wins over 个)."""
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w) if escape else w for w in ws)


@dataclass
class _Tables:
    pattern: regex.Pattern
    units: dict  # surface -> (canonical, kind); kind "reject" for dates and durations
    mults: dict  # surface -> Decimal
    digits: dict
    small: dict
    big: dict
    lone: frozenset
    before_q: dict
    inner_q: dict
    after_q: dict
    context_q: regex.Pattern  # searched at the end of the text before a quantity
    context_q_map: dict
    traps: regex.Pattern
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
    override: regex.Pattern
    cumulative: regex.Pattern
    stock_sentence: regex.Pattern
    stock_clause: regex.Pattern
    strip_leading: regex.Pattern
    strip_trailing: regex.Pattern
    subject_max: int


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

    units: dict = {}
    for kind in ("count", "amount", "rate", "change"):
        for surface, canon in (u.get(kind) or {}).items():
            units[str(surface)] = (str(canon) if canon is not None else str(surface), kind)
    for surface in u.get("reject") or []:
        units[str(surface)] = (str(surface), "reject")
    mults = {str(k): Decimal(str(v)) for k, v in u["multipliers"].items()}

    digits = {k: int(v) for k, v in num["digits"].items()}
    small = {k: int(v) for k, v in num["small_units"].items()}
    big = {k: int(v) for k, v in num["big_units"].items()}
    dp = num["decimal_point"]
    cn_digit = "".join(digits)
    cn_all = cn_digit + "".join(small) + "".join(big)
    cn_frac_digits = "".join(k for k in digits if k != "两")
    # 千 that starts a unit (千瓦, 千米, 千克) is not part of the numeral: 四十万千瓦
    unit_千 = "".join(sorted({k[1] for k in units if k.startswith("千") and len(k) > 1}))
    cn_body = "".join(c for c in cn_all if c != "千")
    num_cn = (f"(?:[{cn_digit}]|十)(?:[{cn_body}]|千(?![{unit_千}]))*(?:{dp}[{cn_frac_digits}]+)?")
    num_ar = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?"
    # atomic numbers that never start inside another number: 2023年 is one failed try, not four
    # a bare 百/千/万 is a numeral before 余/多 or after a bound word: 百余家, 千余人, 近千家, 逾万人
    bare_words = "|".join(regex.escape(w) for w in sorted(q["before"], key=len, reverse=True))
    num_bare = rf"(?:[百千万亿](?=[{''.join(q['inner'])}])|(?<={bare_words})[百千万亿](?![{cn_digit}十百千]))"
    number = (rf"(?:(?<!\d)(?<!\d[.,])(?>{num_ar})|(?<![{cn_all}数几上])(?>{num_cn}|{num_bare}))")
    pct = _alt(num["percent_prefixes"])
    frac = regex.escape(num["fraction_word"])
    mult = _alt(mults)
    unit_alt = _alt(k for k, v in units.items() if v[1] != "reject")
    reject = _alt(k for k, v in units.items() if v[1] == "reject")
    pre = _alt(q["before"])
    inner = _alt(q["inner"])
    after = _alt(q["after"])
    # a number needs a unit, or a multiplier (3.5万); dates and durations (2023年, 5个工作日) never match
    pattern = regex.compile(
        rf"(?P<pre>{pre})?"
        rf"(?:(?P<pct>{pct})(?P<pn>{number})"
        rf"|(?P<fd>{num_cn}){frac}(?P<fn>{num_cn})"
        rf"|(?:(?<![0-9A-Za-z.])(?P<neg>[-−])(?=\d))?(?P<n1>{number})(?!{reject})"
        rf"(?:(?P<m0>{mult})?(?P<u0>[%‰])?(?P<rs>[—–\-~～至到])(?P<n2>{number})(?!{reject}))?"
        rf"(?:(?P<q1>{inner})?(?P<unit>{unit_alt})|(?P<q0>{inner})?(?P<mult>{mult})(?P<q1>{inner})?(?P<unit>{unit_alt})?))"
        rf"(?P<q2>{after})?",
        regex.V1,
    )

    ctx = q["context_before"]
    context_q = regex.compile(rf"(?:{_alt(ctx)}).{{0,{int(q.get('context_gap', 2))}}}$", regex.V1)

    trap_parts = [_alt(tr["slogans"])] + [f"(?:{p})" for p in tr["patterns"].values()]
    traps = regex.compile("|".join(trap_parts), regex.V1)

    inc = "|".join(f"(?:{p})" for p in ch["increase"])
    dec = "|".join(f"(?:{p})" for p in ch["decrease"])
    gap = ch.get("adjacent_gap", "")
    level_after = _alt(ch.get("level_after") or [])
    change_adjacent = regex.compile(
        rf"(?P<word>{inc}|{dec})(?P<level>{level_after})?{gap}$", regex.V1)
    change_far = regex.compile(rf"(?:{inc}|{dec})", regex.V1)
    decrease = regex.compile(rf"^(?:{dec})", regex.V1)
    level_between = regex.compile(rf"\d|{ch['level_words']}", regex.V1)

    def cues(key):
        return regex.compile("|".join(f"(?:{p})" for p in pe[key]), regex.V1)

    return _Tables(
        pattern=pattern, units=units, mults=mults, digits=digits, small=small, big=big,
        lone=frozenset(num.get("lone_words") or []),
        before_q=dict(q["before"]), inner_q=dict(q["inner"]), after_q=dict(q["after"]),
        context_q=context_q, context_q_map=dict(ctx),
        traps=traps,
        glued_before=_charset(tr["glued_before"]),
        glued_after=_charset(tr["glued_after"]),
        arabic_trap_free=regex.compile(f"[^{regex.escape(tr['arabic_trap_chars'])}]*+\\Z"),
        quote_open=tr["quote_open"], quote_close=tr["quote_close"], quote_max=int(tr["quote_max"]),
        change_adjacent=change_adjacent, change_far=change_far, decrease=decrease,
        level_between=level_between, far_gap=int(ch["far_gap"]),
        target=cues("target"), override=cues("actual_override"), cumulative=cues("cumulative"),
        stock_sentence=cues("stock_sentence"), stock_clause=cues("stock_clause"),
        strip_leading=regex.compile(su["strip_leading"], regex.V1),
        strip_trailing=regex.compile(su["strip_trailing"], regex.V1),
        subject_max=int(su["max_chars"]),
    )


# ---------------------------------------------------------------------------------------------- numbers

def parse_chinese(s: str, t: Optional[_Tables] = None) -> Optional[Decimal]:
    """Value of a Chinese numeral (``一百二十`` 120, ``两千`` 2000, ``三万`` 30000, ``七十二点四三``
    72.43, ``二〇二三`` 2023, ``十`` 10); None when it is not a well-formed numeral."""
    t = t or tables()
    if not s:
        return None
    if s in t.big:  # 逾万人
        return Decimal(t.big[s])
    frac = ""
    if "点" in s:
        s, frac = s.split("点", 1)
        if not frac or any(c not in t.digits for c in frac):
            return None
    if s and all(c in t.digits for c in s):  # a digit string: 二〇二三, 五
        if len(s) > 1 and frac:
            return None
        whole = int("".join(str(t.digits[c]) for c in s))
    else:
        total = section = 0
        digit = None
        for c in s:
            if c in t.digits:
                if digit is not None and digit != 0:
                    return None  # two digits in a row inside a numeral with units
                digit = t.digits[c]
            elif c in t.small:
                section += (digit if digit is not None else 1) * t.small[c]
                digit = None
            elif c in t.big:
                section += digit or 0
                if section == 0:
                    if total == 0 or t.big[c] <= 10000:
                        return None
                    total *= t.big[c]  # 三万亿
                else:
                    total = (total + section) * t.big[c] if t.big[c] > 10000 else total + section * t.big[c]
                section = 0
                digit = None
            else:
                return None
        whole = total + section + (digit or 0)
    value = Decimal(whole)
    if frac:
        value += Decimal("0." + "".join(str(t.digits[c]) for c in frac))
    return value


def parse_number(s: str, t: Optional[_Tables] = None) -> Optional[Decimal]:
    """Value of an Arabic (``27,366``, ``72.43``) or Chinese numeral."""
    if not s:
        return None
    if s[0].isdigit():
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:
            return None
    return parse_chinese(s, t)


def _num(x: Decimal) -> float:
    v = float(x)
    if not math.isfinite(v):
        return v
    r = round(v, 6)
    return r if abs(r - v) < 1e-9 * max(1.0, abs(v)) else v


# ----------------------------------------------------------------------------------------- the finder

@dataclass
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


def _inside_quotes(w: str, s: int, e: int, t: _Tables) -> bool:
    lo = max(0, s - t.quote_max)
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


def _candidates(w: str, t: _Tables) -> list[_Found]:
    out: list[_Found] = []
    n = len(w)
    gb, ga = t.glued_before, t.glued_after
    gi = {name: i - 1 for name, i in t.pattern.groupindex.items()}
    I_UNIT, I_N1, I_NEG, I_MULT, I_N2, I_M0, I_U0 = (gi[k] for k in ("unit", "n1", "neg", "mult", "n2", "m0", "u0"))
    I_PN, I_PCT, I_FD, I_FN, I_PRE, I_Q0, I_Q1, I_Q2 = (gi[k] for k in ("pn", "pct", "fd", "fn", "pre", "q0", "q1",
                                                                         "q2"))
    for m in t.pattern.finditer(w):
        g = m.groups()
        unit_text = g[I_UNIT] or ""
        n1 = g[I_N1]
        if n1 is not None:
            num_start = m.start("neg") if g[I_NEG] else m.start("n1")
            if g[I_NEG] and unit_text not in ("%", "‰", "个百分点", "百分点"):
                continue  # a minus sign only before a rate or a change: 增长-2.3%
            if unit_text:
                canon, kind = t.units[unit_text]
                if kind == "reject":
                    continue
            elif g[I_MULT] and n1[0].isdigit():
                canon, kind = "", "count"
            else:
                continue
            if n1 in t.lone and not g[I_MULT] and not g[I_N2]:
                continue
            if len(n1) > 18:  # a code or an identifier, not a figure
                continue
            value = parse_number(n1, t)
            if value is None:
                continue
            vmax = None
            if g[I_N2]:
                vmax = parse_number(g[I_N2], t)
                if vmax is None:
                    continue
                if g[I_M0]:  # 1万至2万元: the first number has its own multiplier
                    value *= t.mults[g[I_M0]]
                    value /= t.mults[g[I_MULT]] if g[I_MULT] else 1
                if g[I_U0] and g[I_U0] != unit_text:
                    continue
        elif g[I_PN] is not None:
            num_start = m.start("pct")
            value = parse_number(g[I_PN], t)
            if value is None:
                continue
            vmax = None
            canon = unit_text = "%" if g[I_PCT] == "百分之" else "‰"
            kind = "rate"
        else:
            num_start = m.start("fd")
            den, nom = parse_chinese(g[I_FD], t), parse_chinese(g[I_FN], t)
            if not den or nom is None:
                continue
            value = (nom / den * 100).quantize(Decimal("0.01"))
            vmax = None
            canon = unit_text = "%"
            kind = "rate"
        if g[I_NEG]:
            value = -value
        if g[I_MULT]:
            factor = t.mults[g[I_MULT]]
            value *= factor
            if vmax is not None:
                vmax *= factor
        s, e = m.start(), m.end()
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
        if (cn or not t.arabic_trap_free.match(w, max(0, s - 12), min(n, e + 12))) and _trapped(w, s, e, t):
            continue
        if _inside_quotes(w, s, e, t):
            continue
        # qualifier
        qual = "exact"
        if g[I_PRE]:
            qual = t.before_q[g[I_PRE]]
        elif vmax is not None:
            qual = "lower"
        if g[I_Q0] or g[I_Q1]:
            qual = t.inner_q[g[I_Q0] or g[I_Q1]]
        if g[I_Q2]:
            qual = t.after_q[g[I_Q2]]
        if qual == "exact":
            cm = t.context_q.search(w, max(0, s - 6), s)
            if cm:
                word = cm.group(0)
                for k, v in t.context_q_map.items():
                    if word.startswith(k):
                        qual = v or qual
                        break
        fv, fmax = _num(value), (_num(vmax) if vmax is not None else None)
        if not math.isfinite(fv) or (fmax is not None and not math.isfinite(fmax)):
            continue
        out.append(_Found(s, e, fv, canon, unit_text, qual, kind, 1, False, fmax, num_start))
    return out


def _trapped(w: str, s: int, e: int, t: _Tables) -> bool:
    lo = max(0, s - 12)
    hi = min(len(w), e + 12)
    for tm in t.traps.finditer(w, lo, hi, overlapped=False):
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


class _Cues:
    """Matches of the period cues in each sentence of one text, found once per sentence."""

    def __init__(self, w: str, t: _Tables, year: Optional[int]):
        self.w, self.t, self.year = w, t, year
        self.cache: dict = {}

    def before(self, name: str, pattern, start: int, marks: str, pos: int) -> list:
        """``(start, end, match)`` of ``pattern`` in the sentence beginning at ``start`` that end by ``pos``."""
        key = (name, start)
        hits = self.cache.get(key)
        if hits is None:
            end = bounds.end_of(self.w, pos, marks, window=400)
            sub = self.w[start:end]
            hits = [(m.start() + start, m.end() + start, m) for m in pattern.finditer(sub)]
            self.cache[key] = hits
        return [h for h in hits if h[1] <= pos]


def _period(w: str, f: _Found, sent_start: int, full_start: int, c_start: int, c_end: int, t: _Tables,
            cues: _Cues) -> str:
    if cues.before("target", t.target, full_start, bounds.FULL_STOP, f.start):
        return "target"
    cm = None
    for s, e, m in cues.before("cumulative", t.cumulative, sent_start, bounds.SENTENCE, f.start):
        y = m.groupdict().get("year")
        if y and (cues.year is None or int(y) >= cues.year):  # 2023年以来 in a 2023 report: this year
            continue
        cm = s
    if cm is not None:
        if not any(e <= cm for _, e, _ in cues.before("override", t.override, sent_start, bounds.SENTENCE,
                                                        f.start)):
            return "cumulative"
    if f.kind == "change":
        return "actual"
    if (cues.before("stock", t.stock_sentence, full_start, bounds.FULL_STOP, f.start)
            or (f.kind != "rate" and t.stock_clause.search(w, c_start, c_end))):
        return "stock"
    return "actual"


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
def _ratio_pattern() -> regex.Pattern:
    nouns = _load("ratios.yaml")["nouns"]
    return regex.compile(rf"(?:{_alt(nouns)})(?:[（(][^（）()\n]{{0,30}}[）)])?(?:为|是|达到?)"
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
        if f.sign < 0:
            f.value = -f.value
            if f.max is not None:
                f.max = -f.max
        sent = bounds.start_of(w, f.start, bounds.SENTENCE, window=400, continues=True)
        full = bounds.start_of(w, f.start, bounds.FULL_STOP, window=400, continues=True)
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


def find_quantities(text: str, subjects: bool = True, with_tables: bool = True) -> list[Quantity]:
    """Every quantity of ``text``; offsets index ``text`` itself (``text[q.start:q.end] == q.text``).

    ``subjects=False`` skips naming what each number measures (the only step that may call jieba);
    ``with_tables=False`` reads table cells as prose (no table detection).
    """
    if not text:
        return []
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
    return _to_quantities(work, doc.text, _find(work.text), part_of)
