"""The spaCy pipeline: jieba tokenizer (text preserved, domain words, private dictionary) and span groups."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from extractor import nlp

from extractor.text import segment


@pytest.fixture(scope="module")
def pipe():
    return nlp.load()


def test_pipeline_components(pipe):
    assert pipe.lang == "zh"
    assert "extractor_sections" in pipe.pipe_names and "extractor_measures" in pipe.pipe_names
    assert isinstance(pipe.tokenizer, nlp.JiebaTokenizer)


def test_span_groups_on_zhoucun(pipe, zhoucun_text):
    doc = pipe(zhoucun_text)
    assert doc.text == zhoucun_text
    secs = doc.spans["sections"]
    top = [s for s in secs if "." not in s.kb_id_ and s.kb_id_ != "0"]
    assert [s.label_ for s in top] == ["results", "leadership", "shortcomings", "plans"]
    assert len(doc.spans["measures"]) > 50
    assert {s.label_ for s in doc.spans["measures"]} == {"action", "initiative", "document", "campaign"}
    assert "quantities" in doc.spans
    for s in doc.spans["measures"]:
        assert s.text.strip()
    facts = doc.user_data["sections"]
    assert len(facts) == len(secs)


def test_domain_words_are_tokens(pipe):
    doc = pipe.make_doc("推动部门联合开展“双随机、一公开”监管，行政机关负责人出庭应诉率100%，实行告知承诺制，加强法治督察。")
    words = [t.text for t in doc]
    for w in ["双随机、一公开", "出庭应诉率", "告知承诺制", "法治督察"]:
        assert w in words


def test_global_jieba_untouched(pipe):
    import jieba
    pipe.make_doc("公职律师参与行政复议")
    assert segment.tokenizer() is not jieba.dt
    if jieba.dt.initialized:
        assert "出庭应诉率" not in jieba.dt.FREQ


TEXT = st.text(st.sampled_from(list("法治政府建设双随机、一公开行政复议 \n\t　0123456789.%“”《》abc")), max_size=120)


@given(TEXT)
@settings(max_examples=150, deadline=None)
def test_tokenizer_keeps_text(text):
    doc = nlp.JiebaTokenizer(nlp.load().vocab)(text)
    assert doc.text == text
    toks = segment.tokenize(text)
    assert "".join(w for w, _, _ in toks) == text
    assert all(text[s:e] == w for w, s, e in toks)


def test_empty_text(pipe):
    doc = pipe("")
    assert doc.text == "" and len(doc.spans["sections"]) == 0
