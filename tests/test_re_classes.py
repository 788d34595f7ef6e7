"""The shipped ``re`` translations of the quantity tables' classes equal what the tables themselves give, and
the stage falls back to computing them when the versions differ."""
from __future__ import annotations

import json

import pytest

from extractor.stages import quantities as q


def test_every_shipped_class_is_what_the_tables_give():
    got = json.loads(q.RE_CLASSES.read_text(encoding="utf-8"))
    if got["versions"] != q.re_class_versions():
        pytest.skip(f"shipped for {got['versions']}, running {q.re_class_versions()}: computed at load instead")
    assert got["classes"]
    for cls, translated in got["classes"].items():
        assert q._compute_exact(cls) == translated, cls


def test_other_versions_are_computed(monkeypatch, tmp_path):
    stale = tmp_path / "re_classes.json"
    stale.write_text(json.dumps({"versions": {"regex": "0"}, "classes": {r"\d": "WRONG"}}), encoding="utf-8")
    monkeypatch.setattr(q, "RE_CLASSES", stale)
    q._shipped_classes.cache_clear()
    q._exact.cache_clear()
    try:
        assert q._exact(r"\d") == q._compute_exact(r"\d") != "WRONG"
    finally:
        q._shipped_classes.cache_clear()
        q._exact.cache_clear()
