"""The numeral parser (issue 13): an oracle test against an independent writer, the forms of the issue,
and Hypothesis properties.

The oracle writes thousands of random integers and decimals as Chinese numerals in every style — plain
and 大写 as ``cn2an.an2cn`` writes them (with 零), with 两, abbreviated (二百五, 三万五), mixed Arabic with
万/亿 (3亿4500万, 3.5万) — and checks that :func:`extractor.text.numerals.parse` gives every value back
exactly, and that :func:`find_quantities` reads the same value from a sentence. cn2an is used here only,
as an oracle; the project never rewrites running text with it.
"""
from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.stages.quantities import find_quantities
from extractor.text.numerals import approx_range, parse

cn2an = pytest.importorskip("cn2an")

SEED = 13
N_INT = 3000
N_DEC = 1000
N_SENTENCE = 600

_LOW = "零一二三四五六七八九"


def _ints(rng: random.Random, n: int) -> list[int]:
    out = []
    for _ in range(n):
        k = rng.choice([1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 15])
        out.append(rng.randrange(0, 10 ** k))
    return out


def _decimals(rng: random.Random, n: int) -> list[Decimal]:
    out = []
    for _ in range(n):
        whole = rng.randrange(0, 10 ** rng.choice([1, 2, 3, 4, 6, 9]))
        places = rng.choice([1, 2, 3, 4])
        frac = rng.randrange(0, 10 ** places)
        out.append(Decimal(f"{whole}.{frac:0{places}d}"))
    return out


def _liang(cn: str) -> str:
    """Our own writer of the 两 style: a leading 二 before 百/千/万/亿 (not after 十) is 两."""
    out = []
    for i, c in enumerate(cn):
        nxt = cn[i + 1] if i + 1 < len(cn) else ""
        prev = cn[i - 1] if i else ""
        out.append("两" if c == "二" and nxt and nxt in "百千万亿" and prev != "十" else c)
    return "".join(out)


def _abbreviated(rng: random.Random) -> tuple[str, int]:
    """Our own writer of the colloquial abbreviation: a head numeral, a unit, one digit for the place below
    (二百五 250, 两千六 2600, 三万五 35000, 十二万八 128000, 一亿三 130000000)."""
    unit, value = rng.choice([("百", 100), ("千", 1000), ("万", 10 ** 4), ("亿", 10 ** 8)])
    head = rng.randrange(1, 10) if value < 10 ** 4 else rng.randrange(1, 100)
    d = rng.randrange(1, 10)
    head_cn = cn2an.an2cn(head)
    if head_cn == "二" and rng.random() < 0.5:
        head_cn = "两"
    return f"{head_cn}{unit}{_LOW[d]}", head * value + d * value // 10


def _mixed(rng: random.Random) -> tuple[str, int]:
    """Arabic digits with 万/亿: 3亿4500万, 12万3456, 7亿, 1亿2000万3456."""
    yi, wan, rest = rng.randrange(0, 100), rng.randrange(0, 10 ** 4), rng.randrange(10, 10 ** 4)
    form = rng.choice(["yw", "wr", "y", "ywr"])
    yi = yi or 1
    wan = wan or 1
    if form == "yw":
        return f"{yi}亿{wan}万", yi * 10 ** 8 + wan * 10 ** 4
    if form == "wr":
        return f"{wan}万{rest}", wan * 10 ** 4 + rest
    if form == "y":
        return f"{yi}亿", yi * 10 ** 8
    return f"{yi}亿{wan}万{rest}", yi * 10 ** 8 + wan * 10 ** 4 + rest


def _oracle_cases() -> list[tuple[str, Decimal]]:
    rng = random.Random(SEED)
    cases = []
    for n in _ints(rng, N_INT):
        plain = cn2an.an2cn(n)
        cases.append((plain, Decimal(n)))
        if n >= 10:  # a lone 大写 digit (伍, 陆) is a name, not a numeral: parse gives None by design
            cases.append((cn2an.an2cn(n, "up"), Decimal(n)))
        if "二" in plain and _liang(plain) != plain:
            cases.append((_liang(plain), Decimal(n)))
        if plain.startswith("一十"):
            cases.append((plain[1:], Decimal(n)))
    for x in _decimals(rng, N_DEC):
        cases.append((cn2an.an2cn(str(x)), x))
        cases.append((cn2an.an2cn(str(x), "up"), x))
    for _ in range(1000):
        s, v = _abbreviated(rng)
        cases.append((s, Decimal(v)))
    for _ in range(1000):
        s, v = _mixed(rng)
        cases.append((s, Decimal(v)))
    for _ in range(500):  # 3.5万, 1.25亿: an Arabic decimal with a multiplier
        x = Decimal(rng.randrange(1, 10 ** 5)) / Decimal(10 ** rng.choice([1, 2]))
        unit, value = rng.choice([("万", 10 ** 4), ("亿", 10 ** 8), ("万亿", 10 ** 12)])
        cases.append((f"{x}{unit}", x * value))
    return cases


ORACLE = _oracle_cases()


def test_oracle_size():
    assert len(ORACLE) >= 10000


def test_oracle_every_value_back():
    wrong = [(s, v, parse(s)) for s, v in ORACLE if parse(s) != v]
    assert not wrong, wrong[:20]


def test_oracle_in_sentences():
    """The same numerals in a sentence: the quantity finder reads the value the oracle wrote."""
    rng = random.Random(SEED + 1)
    picked = rng.sample(ORACLE, N_SENTENCE)
    bad = []
    for s, v in picked:
        if v < 3 or v != int(v):  # 一个, 二个 are words; a count is whole
            continue
        text = f"全年共完成{s}个项目。"
        got = find_quantities(text)
        if len(got) != 1 or Decimal(str(got[0].value)) != v or got[0].text != f"{s}个":
            bad.append((s, v, [(q.text, q.value) for q in got]))
    assert not bad, bad[:20]


@pytest.mark.parametrize("numeral,value", [
    ("一千零十", 1010), ("二百五", 250), ("两千六", 2600), ("三万五", 35000), ("一万二", 12000),
    ("一亿三", 130000000), ("十万八", 108000), ("一万零五", 10005), ("一百零五", 105), ("十万零一十", 100010),
    ("壹佰贰拾万", 1200000), ("贰仟陆佰", 2600), ("壹拾", 10), ("三点五亿", 350000000), ("3亿4500万", 345000000),
    ("12万3456", 123456), ("82，225.00", 82225), ("27,366", 27366), ("负3.9", Decimal("-3.9")),
    ("两万两千", 22000), ("一万亿零五", 10 ** 12 + 5), ("零点零五", Decimal("0.05")), ("百", 100),
])
def test_forms(numeral, value):
    assert parse(numeral) == Decimal(value)


@pytest.mark.parametrize("bad", ["", "万万", "三四五十", "一点", "abc", "十两", "一千百", "三百五百", "零五", "陆", "伍",
                                 "1,2345", "二三点五", "点五"])
def test_rejects(bad):
    assert parse(bad) is None


@pytest.mark.parametrize("numeral,lo,hi", [
    ("几十", 20, 90), ("数十亿", 2 * 10 ** 9, 9 * 10 ** 9), ("十几", 11, 19), ("二十几", 21, 29), ("三四", 3, 4),
    ("七八十", 70, 80), ("十七八", 17, 18), ("三五", 3, 5), ("两三", 2, 3), ("一两", 1, 2), ("上百", 100, 900),
    ("成千", 1000, 9000), ("三四十万", 300000, 400000), ("几百万", 2 * 10 ** 6, 9 * 10 ** 6),
])
def test_approx_range(numeral, lo, hi):
    assert approx_range(numeral) == (Decimal(lo), Decimal(hi))


@pytest.mark.parametrize("bad", ["几个", "一二三", "三六", "上十", "数字", "五"])
def test_approx_rejects(bad):
    assert approx_range(bad) is None


# ------------------------------------------------------------------------------------- properties

_NUMERAL_CHARS = st.sampled_from(list("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点几数上成负0123456789.,，"))


@settings(max_examples=500, deadline=None)
@given(st.text(_NUMERAL_CHARS, max_size=16))
def test_parse_never_raises(s):
    v = parse(s)
    assert v is None or isinstance(v, Decimal)
    r = approx_range(s)
    assert r is None or r[0] < r[1]


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=10 ** 15))
def test_round_trip_any_integer(n):
    assert parse(cn2an.an2cn(n)) == n
    if n >= 10:  # a lone 大写 digit (伍, 陆) is a name
        assert parse(cn2an.an2cn(n, "up")) == n
    assert parse(str(n)) == n
    if n >= 1000:
        assert parse(f"{n:,}") == n


_SOUP = st.sampled_from(list("0123456789.,，%‰—-至到一二两三十百千万亿零几数上成半翻番余多近约超个件项次人名元吨亩部/万"
                             "年月日第“”（）()，。、；：\n 增长下降负提高率之分百分点美元港币人民币及以上类款"))


@settings(max_examples=400, deadline=None)
@given(st.text(_SOUP, max_size=60))
@example("1到0%")  # a descending "range": found by this test in CI
def test_finder_grounded_on_new_forms(text):
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text
        assert q.start < q.end
        if q.max is not None:
            assert q.max >= q.value or q.kind == "change" and q.value < 0
