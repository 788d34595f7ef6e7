"""The numpy n-gram counter of ``ml.linear`` gives exactly the features of the one-n-gram-at-a-time definition
(``_features_python``) for every shipped model, on real report text and on random strings with the awkward
characters: tabs, ideographic spaces, case folding that lengthens (İ), code points above the BMP, NUL."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from extractor.ml import linear

MODELS = sorted(p for p in (Path(linear.__file__).resolve().parents[1] / "data" / "models").iterdir() if p.is_dir())
SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "sample" / "zhoucun-2023.txt"


@pytest.fixture(scope="module", params=[p.name for p in MODELS])
def model(request):
    return linear.LinearTextModel.from_dir(Path(MODELS[0].parent, request.param))


def _same(model, texts):
    a, b = model._features_python(texts), model._features(texts)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and np.array_equal(x, y)


def test_real_lines(model):
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    _same(model, lines)
    _same(model, [" ".join(line) for line in lines[:50]])  # one word per character: many padded words


@pytest.mark.parametrize("texts", [[""], ["", "a"], ["  "], ["\t\u3000"], ["İ"], ["𠀀𠀁 ab"], ["a\0b", "c"]])
def test_edge_cases(model, texts):
    _same(model, texts)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="ab 中文\t\n\u3000数字0%（）İ𠀀\0", max_size=30), min_size=1, max_size=8))
def test_random(texts):
    for m in _loaded():
        _same(m, texts)


_CACHE: list = []


def _loaded() -> list:
    if not _CACHE:
        _CACHE.extend(linear.LinearTextModel.from_dir(d) for d in MODELS)
    return _CACHE
