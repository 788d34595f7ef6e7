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
    facts = doc._.extractor["sections"]  # plain data (the JSON of extract), so the Doc serialises
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


# ---------------------------------------------------------------- one pipeline: the same facts as extract()

FACT_KEYS = ("sections", "quantities", "measures", "indicators")


def _same_as_extract(doc, path):
    import extractor
    want = extractor.extract(path).to_dict()
    got = doc._.extractor
    for k in FACT_KEYS:
        assert got[k] == want[k], k
    for k in ("genre", "year", "region", "issuers", "title"):
        assert got["document"][k] == want["document"][k], k


def test_components_equal_extract(pipe, zhoucun_path):
    doc = pipe(zhoucun_path.read_text(encoding="utf-8"))
    _same_as_extract(doc, zhoucun_path)
    assert len(doc.spans["indicators"]) == len(doc._.extractor["indicators"]) > 10
    rep = doc._.report
    assert rep.to_frame()["indicator"].tolist() == [i["indicator"] for i in doc._.extractor["indicators"]]
    q = doc.spans["quantities"][0]
    assert q._.fact.start == q.start_char and q._.fact.text == q.text


def test_components_declare_what_they_assign(pipe):
    from spacy.language import Language
    for name in nlp.PIPES:
        meta = Language.get_factory_meta(name)
        assert meta.assigns and meta.default_config == {"use_models": True}, name
    assert pipe.pipe_names == nlp.PIPES


def test_sents_come_from_the_toolkit_splitter(pipe):
    from extractor.text.sentences import split
    text = "联合抽查386家，部门联合率72.43%。推行“双随机、一公开”监管。他说：“好。”我们同意！"
    doc = pipe(text)
    assert [s.text for s in doc.sents] == [text[a:b] for a, b in split(text)]


def test_to_bytes_and_docbin_keep_every_fact(pipe, zhoucun_text):
    from spacy.tokens import Doc, DocBin
    doc = pipe(zhoucun_text)
    back = Doc(pipe.vocab).from_bytes(doc.to_bytes())
    assert back._.extractor == doc._.extractor
    db = DocBin(store_user_data=True)
    db.add(doc)
    again = list(DocBin().from_bytes(db.to_bytes()).get_docs(pipe.vocab))[0]
    assert again._.extractor == doc._.extractor
    for d in (back, again):
        for k in ("sections", "quantities", "measures", "indicators"):
            assert [(s.start_char, s.end_char, s.label_) for s in d.spans[k]] == \
                   [(s.start_char, s.end_char, s.label_) for s in doc.spans[k]], k
        sp = d.spans["indicators"][0]
        assert sp._.fact.indicator == sp.label_


def test_saved_pipeline_loads_in_a_fresh_process(pipe, tmp_path, zhoucun_text):
    import json
    import subprocess
    import sys
    pipe.to_disk(tmp_path / "pipe")
    (tmp_path / "t.txt").write_text(zhoucun_text, encoding="utf-8")
    code = ("import json, sys, spacy; nlp = spacy.load(sys.argv[1]); "
            "doc = nlp(open(sys.argv[2], encoding='utf-8').read()); "
            "print(json.dumps({'pipes': nlp.pipe_names, 'tok': type(nlp.tokenizer).__name__, "
            "'spans': {k: [[s.start_char, s.end_char, s.label_] for s in doc.spans[k]] for k in doc.spans}, "
            "'facts': doc._.extractor}, ensure_ascii=False))")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pipe"), str(tmp_path / "t.txt")],
                       capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    doc = pipe(zhoucun_text)
    assert out["pipes"] == nlp.PIPES and out["tok"] == "JiebaTokenizer"
    assert out["spans"] == {k: [[s.start_char, s.end_char, s.label_] for s in doc.spans[k]] for k in doc.spans}
    assert out["facts"] == json.loads(json.dumps(doc._.extractor, ensure_ascii=False))


def test_extract_and_batch_do_not_import_spacy(zhoucun_path, tmp_path):
    import subprocess
    import sys
    code = ("import sys, extractor; from extractor.batch import runner; extractor.extract(sys.argv[1]); "
            "import extractor.cli; "
            "assert 'spacy' not in sys.modules, sorted(m for m in sys.modules if m.startswith(('spacy', 'thinc')))")
    r = subprocess.run([sys.executable, "-c", code, str(zhoucun_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]


def test_sentence_types_are_output_by_the_spacy_pipeline(pipe, zhoucun_text):
    from extractor.stages import sentences
    doc = pipe(zhoucun_text)
    spans = doc.spans["sentences"]
    assert len(spans) == len([s for s in doc.sents if s.text.strip()]) > 50  # (leading blank lines: a sentence of their own)
    assert {s.label_ for s in spans} <= set(sentences.TYPES)
    assert {"action", "plan", "problem"} <= {s.label_ for s in spans}
    plan = next(s for s in spans if s.label_ == "plan")
    assert plan._.fact.part in ("plans", "shortcomings", None) or plan._.fact.type == "plan"


def test_components_read_the_tables_as_extract_does(pipe, tmp_path):
    """A text with a table: the quantities of its cells and the indicators of its rows, as extract() gives them."""
    text = ("测试区2023年法治政府建设情况报告\n一、主要成效\n全年收到行政复议申请54件。\n"
            "| 项目 | 2022年 | 2023年 |\n| --- | --- | --- |\n| 行政复议申请（件） | 40 | 54 |\n"
            "| 行政应诉案件（件） | 12 | 15 |\n")
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    doc = pipe(text)
    _same_as_extract(doc, path)
    assert any(q.get("table") for q in doc._.extractor["quantities"])
    import extractor
    assert doc._.extractor["tables"] == extractor.extract(path).to_dict()["tables"]
