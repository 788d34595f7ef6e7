"""The quantity tables write literal alternations (units, slogans, cue words) as tries (stages.quantities._alt):
they must match exactly what the longest-first list of words matches, alone and when what follows makes the
engine backtrack into a shorter word."""
from __future__ import annotations

import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.stages.quantities import _alt

_WORDS = st.lists(st.text(alphabet="个百分点人次万元亿.+*(", min_size=0, max_size=4), min_size=1, max_size=12)
_TEXT = st.text(alphabet="个百分点人次万元亿.+*(x3", max_size=40)


def longest_first(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@settings(max_examples=400, deadline=None)
@given(_WORDS, _TEXT, st.sampled_from(["", "x", "次", "(?=元)", "万?x"]))
def test_the_trie_matches_what_the_list_matches(words, text, after):
    for mod in (re, regex):
        a = mod.compile(f"(?:{longest_first(words)}){after}")
        b = mod.compile(f"(?:{_alt(words)}){after}")
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def test_the_trie_of_real_units():
    words = ["个", "个百分点", "百分点", "人", "人次", "万人次", "万元", "元", "亿元"]
    assert _alt(words) == "(?:万(?:人次|元)|个(?:百分点)?|人(?:次)?|亿元|元|百分点)"
    assert re.findall(f"(?:{_alt(words)})", "增长3个百分点，接待12万人次，共5人，投资2亿元") == \
        ["个百分点", "万人次", "人", "亿元"]
