"""Models: registry and training (learn/), plain-file export, numpy inference equal to scikit-learn, safe and lazy
loading (ml/), fallbacks, the shipped models, `extractor train` refusing to replace a model trained on more data."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from extractor.core.document import Document
from extractor.core.settings import Settings
from extractor.learn import registry
from extractor.ml import linear, models
from extractor.stages import sections, sentences

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["part", "sentence_type", "indicator_fazhi", "indicator_economy"]


def _toy_data():
    texts = ["将持续推进", "要加快建设", "力争完成目标", "明年将推动", "计划开展", "预计增长",
             "完成投资", "实现增长", "建成项目", "累计办理", "达到百分之百", "共调解纠纷"]
    labels = ["plan"] * 6 + ["result"] * 6
    groups = [f"d{i % 4}" for i in range(12)]
    return texts, labels, groups, {"sources": {"toy": 12}, "notes": ["toy"], "annotations_hash": None}


def _toy3_data():
    texts, labels, groups, meta = _toy_data()
    more = ["存在不足", "问题仍然突出", "短板明显", "差距较大", "还不够完善", "有待加强"]
    return texts + more, labels + ["problem"] * 6, groups + [f"d{i % 4}" for i in range(6)], meta


@pytest.fixture
def toy_model(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.REGISTRY, "toy", registry.ModelSpec("toy", _toy_data, lambda: registry.text_pipeline(),
                                                                     "a toy model", folds=2))
    card = registry.train("toy", out_dir=tmp_path, folds=2)
    return tmp_path, card


def test_train_writes_model_and_card(toy_model):
    out, card = toy_model
    assert {p.name for p in (out / "toy").iterdir()} == {"model.json", "model.npz", "card.json"}
    saved = json.loads((out / "toy" / "card.json").read_text(encoding="utf-8"))
    assert saved == card
    for key in ("data_hash", "versions", "cv", "trained", "files", "examples"):
        assert key in card
    assert set(card["files"]) == {"model.json", "model.npz"}
    assert set(card["versions"]) >= {"python", "scikit-learn", "numpy"}
    assert 0.0 <= card["cv"]["accuracy"] <= 1.0
    model = models.load("toy", models_dir=out)
    assert list(model.predict(["明年将继续推进"])) == ["plan"]


def test_training_is_deterministic(toy_model, tmp_path_factory):
    out, card = toy_model
    other = tmp_path_factory.mktemp("again")
    card2 = registry.train("toy", out_dir=other, folds=2)
    assert card2["data_hash"] == card["data_hash"] and card2["cv"] == card["cv"]
    a = models.load("toy", models_dir=out).predict_proba(["完成投资", "将推动"])
    b = models.load("toy", models_dir=other).predict_proba(["完成投资", "将推动"])
    assert (abs(a - b) < 1e-9).all()


def test_tampered_model_is_refused(toy_model):
    out, card = toy_model
    path = out / "toy" / "model.npz"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(models.ModelError, match="sha256"):
        models.load("toy", models_dir=out)


def test_model_without_card_is_refused(toy_model):
    out, _ = toy_model
    (out / "toy" / "card.json").unlink()
    with pytest.raises(models.ModelError, match="no card"):
        models.load("toy", models_dir=out)


def test_pickled_arrays_are_refused(toy_model):
    """An npz holding objects (a pickle) is not read, even when the card's hash matches it."""
    out, card = toy_model
    d = out / "toy"
    np.savez(d / "model.npz", idf=np.array([shutil.rmtree], dtype=object), coef=np.zeros((1, 1)),
             intercept=np.zeros(1))
    card["files"]["model.npz"] = models.sha256(d / "model.npz")
    (d / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(models.ModelError, match="cannot be read"):
        models.load("toy", models_dir=out)


def test_missing_model_means_rules(tmp_path):
    assert models.load("nothing", models_dir=tmp_path) is None
    settings = Settings(models_dir=tmp_path)
    assert models.get("part", settings) is None
    assert models.predict("part", ["一、工作回顾 ‖ 正文"], settings) is None
    assert models.get("part", Settings(use_models=False)) is None
    assert models.get("part") is not None and models.get("part", Settings()) is models.get("part")
    models.clear_cache()
    try:
        (tmp_path / "part").mkdir()
        doc = Document(text="一、一张蓝图绘到底\n今后要着力推动发展，将加快建设，力争实现目标。\n", source="t", id="t",
                       format="text")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(models, "SHIPPED", tmp_path)
            top = sections.top_level(sections.find_sections(doc))
            assert top[0].method == "rule"
            assert sentences.sentence_type("将加快建设。", None)[2] == "rule"
    finally:
        models.clear_cache()


# ---------------------------------------------------------------- numpy inference == scikit-learn

def _texts_for(name: str) -> list:
    """Many texts for one model: its own training texts (shared loaders) or made-up ones, and odd strings."""
    odd = ["", " ", "  a  B  ", "ＡＢＣ全角", "\n\t", "一", "字" * 700, "Ⅻ ‖ x", "同比增长 <Q:%:rate> 百分点"]
    base = {
        "part": ["一、2025年工作回顾 ‖ 过去一年，地区生产总值增长5%。", "三、存在的问题 ‖ 一些短板仍然突出。",
                 "二、2026年工作安排 ‖ 要着力扩大内需，将推动投资。", "加强组织领导 ‖ 各级党委要履行第一责任人职责。"],
        "sentence_type": ["[plans] 将加快建设现代化产业体系。", "[results] 新增就业12万人。", "[none] 部分单位重视不够。"],
        "indicator_fazhi": ["受理行政复议案件 <Q:件:count> ，", "办理法律援助 <Q:件:count> ",
                            "开展普法 <Q:场:count> 次"],
        "indicator_economy": ["全年地区生产总值 <Q:元:amount> ", "增长 <Q:%:rate> ",
                              "城镇新增就业 <Q:人:count> "],
    }[name]
    return base + odd


@pytest.mark.parametrize("name", NAMES)
def test_numpy_inference_equals_sklearn(name, tmp_path):
    """The shipped coefficients in an sklearn pipeline and in the numpy model give the same probabilities."""
    sk = _as_sklearn(models.load(name))
    ours = models.load(name)
    texts = _texts_for(name)
    a, b = ours.predict_proba(texts), sk.predict_proba(texts)
    assert a.shape == b.shape
    assert np.abs(a - b).max() < 1e-6
    assert (a.argmax(1) == b.argmax(1)).all()


def _as_sklearn(m: linear.LinearTextModel):
    """An sklearn pipeline holding the numpy model's parameters (vocabulary, idf, coefficients)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    n = len(m.vocabulary)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=m.ngram_range, sublinear_tf=m.sublinear_tf,
                          lowercase=m.lowercase, dtype=np.float32, vocabulary=m.spec["vocabulary"])
    vec.fit(["x"])
    vec.idf_ = m.idf.copy()
    clf = LogisticRegression()
    clf.classes_ = m.classes_
    clf.coef_ = m.coef_t.T.copy()
    clf.intercept_ = m.intercept.copy()
    clf.n_features_in_ = n
    return Pipeline([("tfidf", vec), ("clf", clf)])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_export_checks_against_sklearn(n_classes, tmp_path):
    """Training on random-ish data, export, reload: same probabilities on many texts (binary: sigmoid)."""
    texts, labels, _, _ = _toy_data() if n_classes == 2 else _toy3_data()
    model = registry.text_pipeline()
    model.fit(texts, labels)
    registry.export(model, tmp_path, check_texts=texts)
    ours = linear.LinearTextModel.from_dir(tmp_path)
    assert ours.proba == ("sigmoid" if n_classes == 2 else "softmax")
    probe = texts + ["将完成", "存在问题", "", "完 成 投 资", "ABC将推进abc"]
    assert np.abs(ours.predict_proba(probe) - model.predict_proba(probe)).max() < 1e-6


_cjk = st.text(alphabet=st.sampled_from(list("将加快建设完成投资增长问题突出存在不足要推动 \n\tAaB0.%‖[]<>")), max_size=80)


@hsettings(max_examples=150, deadline=None)
@given(texts=st.lists(_cjk, min_size=1, max_size=6))
def test_numpy_inference_property(texts):
    sk = _SK.get("part") or _SK.setdefault("part", _as_sklearn(models.load("part")))
    ours = models.load("part")
    assert np.abs(ours.predict_proba(texts) - sk.predict_proba(texts)).max() < 1e-6


_SK: dict = {}


def test_inference_does_not_import_sklearn():
    code = ("import sys, extractor; from extractor.ml import models; "
            "models.predict('part', ['一、工作回顾 ‖ 正文']); r = extractor.extract(sys.argv[1]); "
            "bad = [m for m in ('sklearn', 'skops', 'scipy') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code, str(ROOT / "corpora" / "sample" / "zhoucun-2023.txt")],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr


# ---------------------------------------------------------------- shipped models

@pytest.mark.parametrize("name", NAMES)
def test_shipped_model_card(name):
    card = models.card(name)
    assert card["name"] == name and card["format"] == linear.FORMAT
    assert set(card["files"]) == set(models.FILES)
    assert (models.SHIPPED / name).is_relative_to(ROOT / "extractor")  # inside the package: the wheel has them
    if name in ("part", "sentence_type"):
        assert card["cv"]["accuracy"] >= 0.85
        assert registry.stale(name) is None  # the shipped model matches the shipped annotations
    assert models.load(name) is not None


def test_card_hash_mismatch_is_stale(tmp_path):
    shutil.copytree(models.SHIPPED / "part", tmp_path / "part")
    card = json.loads((tmp_path / "part" / "card.json").read_text(encoding="utf-8"))
    card["annotations_hash"] = "0" * 64
    (tmp_path / "part" / "card.json").write_text(json.dumps(card), encoding="utf-8")
    assert "other annotations" in registry.stale("part", tmp_path)
    assert models.load("part", tmp_path) is not None  # still loads


@pytest.mark.parametrize("name", ["part", "sentence_type"])
def test_shipped_model_reproducible_data(name, shared_dir):
    """`extractor train` would see exactly the data the shipped model was trained on."""
    from extractor.learn import training
    training.use_shared(shared_dir)
    card = models.card(name)
    texts, labels, groups, meta = registry.registry()[name].load_data()
    assert registry.data_hash(texts, labels) == card["data_hash"]
    assert meta["annotations_hash"] == card["annotations_hash"]


def test_registry_has_the_project_models():
    assert set(NAMES) <= set(registry.registry())


def test_part_model_on_unusual_headings():
    cases = {
        "一鼓作气勇争先 ‖ 2026年是开局之年。要着力扩大内需，将推动投资，力争经济增长5%左右。": "plans",
        "一年来的工作 ‖ 过去一年，我们完成地区生产总值增长5.2%，新增就业12万人，建成项目30个。": "results",
        "几点体会 ‖ 部分单位重视不够，执法力量薄弱，普法针对性不强，有待进一步提升。": "shortcomings",
    }
    got = models.predict("part", list(cases))
    assert [g[0] for g in got] == list(cases.values())


# ---------------------------------------------------------------- extractor train

def test_train_command_lists_models(capsys):
    from extractor.cli import main
    assert main(["train", "--list"]) == 0
    out = capsys.readouterr().out
    assert "part" in out and "sentence_type" in out
    assert main(["train", "no_such_model"]) == 2


def test_train_refuses_to_replace_a_model_trained_on_more_data(tmp_path, monkeypatch, capsys):
    """A clean clone without ../shared must not silently replace the shipped model with a smaller one."""
    from extractor.cli import main
    from extractor.learn import training
    shutil.copytree(models.SHIPPED / "part", tmp_path / "part")
    before = (tmp_path / "part" / "model.npz").read_bytes()
    shipped = models.card("part")["examples"]  # what the shipped model was trained on
    shared_before = training.SHARED
    monkeypatch.setenv("EXTRACTOR_SHARED", str(tmp_path / "no-shared"))
    try:
        assert main(["train", "part", "--out", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "--force" in err and f"trained on {shipped} examples" in err
        assert str(tmp_path / "no-shared" / "corpora" / "external") in err  # where the missing texts are expected
        assert (tmp_path / "part" / "model.npz").read_bytes() == before
        monkeypatch.setattr(registry.REGISTRY["part"], "folds", 2)
        assert main(["train", "part", "--out", str(tmp_path), "--force", "--folds", "2"]) == 0
        card = json.loads((tmp_path / "part" / "card.json").read_text(encoding="utf-8"))
        assert card["examples"] < shipped and any("absent" in n for n in card["notes"])
    finally:
        training.use_shared(shared_before)


def test_train_without_annotations_says_where(tmp_path, monkeypatch):
    from extractor.learn import training
    monkeypatch.setattr(training, "PARTS_TSV", tmp_path / "parts.tsv")
    with pytest.raises(models.ModelError, match=str(tmp_path / "parts.tsv")):
        registry.train("part", out_dir=tmp_path)
