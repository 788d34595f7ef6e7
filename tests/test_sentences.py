"""Sentence splitting (table and properties) and sentence types."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

import extractor
from extractor.stages import sections
from extractor.stages import sentences

CASES = Path(__file__).parent / "cases"
SPLITS = yaml.safe_load((CASES / "sentences.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SPLITS, ids=[c["text"][:12] or "empty" for c in SPLITS])
def test_split(case):
    assert sentences.sentences(case["text"]) == case["expect"]


def test_split_clauses():
    assert sentences.sentences("甲；乙。丙", clauses=True) == ["甲；", "乙。", "丙"]


ALPHABET = st.sampled_from(list("法治政府建设年度报告一二三0123456789.%，。；！？“”《》（）() \n亿万"))


@given(st.text(ALPHABET, max_size=200))
@settings(max_examples=200, deadline=None)
def test_split_properties(text):
    spans = sentences.split(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip(" \t\r\n\u3000")
        last = b
    # nothing but whitespace is lost, and nothing is duplicated
    assert "".join(text[a:b] for a, b in spans) == "".join(c for c in text if c not in " \t\r\n\u3000") or \
        "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "").replace("\n", "")


@given(st.from_regex(r"[0-9]{1,3}\.[0-9]{1,2}(%|亿|万)?", fullmatch=True))
def test_decimals_never_split(num):
    text = f"增长{num}，达到“{num}”。"
    assert sentences.sentences(text) == [text]


TYPES = [r for r in csv.DictReader(io.StringIO("\n".join(
    ln for ln in (CASES / "sentence_types.tsv").read_text(encoding="utf-8").splitlines()
    if ln and not ln.startswith("//"))), delimiter="\t")]


@pytest.mark.parametrize("row", TYPES, ids=[r["sentence"][:12] for r in TYPES])
def test_rule_type(row):
    part = None if row["part"] == "-" else row["part"]
    assert sentences.rule_type(row["sentence"], part) == row["type"]


def test_classify_zhoucun(zhoucun_path):
    doc = extractor.load(zhoucun_path)
    secs = sections.find_sections(doc)
    ss = sentences.classify(doc, secs)
    assert len(ss) > 90
    for s in ss:
        assert doc.text[s.start:s.end] == s.text
        assert s.type in sentences.TYPES
    by_part = {}
    for s in ss:
        by_part.setdefault(s.part, []).append(s.type)
    assert by_part["plans"].count("plan") >= 0.8 * len(by_part["plans"])
    assert by_part["shortcomings"].count("problem") >= 0.6 * len(by_part["shortcomings"])
    res = by_part["results"]
    assert res.count("result") + res.count("action") >= 0.8 * len(res)
    # headings are "other"
    heads = [s for s in ss if s.text.startswith("（一）全面依法履行政府职能")]
    assert heads and heads[0].type == "other"


def test_sentence_type_without_model(monkeypatch):
    from extractor.ml import models
    monkeypatch.setattr(models, "get", lambda name, settings=None: None)
    assert sentences.sentence_type("开展行政执法案卷评查。", "results") == ("action", 0.6, "rule")
