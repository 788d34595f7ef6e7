"""The fast segmenter (rjieba, jieba-rs) gives exactly jieba's tokens with the domain dictionary."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from extractor.text import segment

ROOT = Path(__file__).resolve().parents[1]
rjieba_missing = segment._rjieba_class() is None


def _jieba(text):
    return list(segment.tokenizer().tokenize(text, HMM=False))


def _rjieba(text):
    name, seg = segment.engine()
    assert name == "rjieba"
    return [tuple(t) for t in seg.tokenize(text, hmm=False)]


def _texts(shared):
    out = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora").rglob("*.txt"))]
    out += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))]
    if shared:
        out += [p.read_text(encoding="utf-8") for p in sorted((shared / "corpora" / "dev").glob("*.txt"))]
        csv.field_size_limit(sys.maxsize)
        for p in sorted((shared / "corpora" / "external").rglob("*.csv")):
            with p.open(encoding="utf-8-sig", newline="") as f:
                out += [r["full_text"] for r in csv.DictReader(f) if r.get("full_text")]
    return out


@pytest.mark.skipif(rjieba_missing, reason="rjieba not installed")
def test_rjieba_equals_jieba_on_the_sample_corpus():
    texts = _texts(None)
    assert sum(map(len, texts)) > 20_000
    for t in texts:
        assert _rjieba(t) == _jieba(t)


@pytest.mark.slow
@pytest.mark.skipif(rjieba_missing, reason="rjieba not installed")
def test_rjieba_equals_jieba_on_the_shared_corpora(shared_dir):
    texts = _texts(shared_dir)
    assert len(texts) > 40
    bad = [i for i, t in enumerate(texts) if _rjieba(t) != _jieba(t)]
    assert bad == []


def test_userdict_words_stay_whole():
    for w in ("出庭应诉率", "行政复议", "告知承诺制"):
        assert [x for x, _, _ in segment.tokenize("今年" + w + "提高")][1] == w
    assert "双随机、一公开" in segment.cut("推行双随机、一公开监管")


_ALPHA = st.sampled_from(list("法治政府建设双随机、一公开行政复议出庭应诉率达到增长亿元 \n\t　0123456789.%“”《》abcAB"))


@pytest.mark.skipif(rjieba_missing, reason="rjieba not installed")
@given(st.text(_ALPHA, max_size=200))
@settings(max_examples=300, deadline=None)
def test_rjieba_equals_jieba_property(text):
    assert _rjieba(text) == _jieba(text)


def test_engine_does_not_touch_the_global_rjieba():
    if rjieba_missing:
        pytest.skip("rjieba not installed")
    import rjieba
    segment.engine()
    assert not rjieba.has_word("出庭应诉率") or rjieba._DEFAULT_JIEBA is not segment.engine()[1]
