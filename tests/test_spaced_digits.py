"""Digits written one by one with spaces between them (found by hand in a published text of the 1998 report):
the run is one number, never its last digit; a row of table cells separated by spaces is never joined."""
from __future__ import annotations

import pytest

from extractor.stages.quantities import find_quantities


def _got(text):
    return [(text[q.start:q.end], q.value, q.unit, q.kind) for q in find_quantities(text)]


@pytest.mark.parametrize("text, span, value, unit", [
    ("全国人口的7 2 ％", "7 2 ％", 72.0, "%"),
    ("再扫除3 5 0 万青壮年文盲", "3 5 0 万", 3_500_000.0, ""),
    ("国内生产总值达到7 4 7 7 2 亿元", "7 4 7 7 2 亿元", 7.4772e12, "元"),
    ("平均每年增长1 1 ％", "1 1 ％", 11.0, "%"),
    ("覆盖率达到7 4 . 5 %", "7 4 . 5 %", 74.5, "%"),
    ("收入3 . 5 亿元", "3 . 5 亿元", 3.5e8, "元"),
    ("第1 2 3条规定罚款5 0 0 元", "5 0 0 元", 500.0, "元"),
])
def test_a_run_of_spaced_digits_is_one_number(text, span, value, unit):
    got = _got(text)
    assert (span, value, unit) in [(s, v, u) for s, v, u, _ in got], got


@pytest.mark.parametrize("text, forbidden", [
    ("合计 21 0 0 0 0 0 21个", 210000021.0),  # table cells: never fused
    ("2023 2024年", 20232024.0),
    ("表1 2023年末全市常住人口", 12023.0),
])
def test_cells_and_captions_are_not_joined(text, forbidden):
    assert forbidden not in [v for _, v, _, _ in _got(text)]


def test_the_last_digit_of_a_run_after_a_space_is_not_a_number():
    assert 5.0 not in [v for _, v, _, _ in _got("共有 3 5 个")]
