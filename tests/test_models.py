"""Models: registry, training with a card, safe loading (skops, allow-list), fallbacks, shipped models."""
from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

from extractor.ml import models

from extractor.stages import sections

from extractor.stages import sentences
from extractor.core.document import Document

ROOT = Path(__file__).resolve().parents[1]


def _toy_data():
    texts = ["将持续推进", "要加快建设", "力争完成目标", "明年将推动", "计划开展", "预计增长",
             "完成投资", "实现增长", "建成项目", "累计办理", "达到百分之百", "共调解纠纷"]
    labels = ["plan"] * 6 + ["result"] * 6
    groups = [f"d{i % 4}" for i in range(12)]
    return texts, labels, groups, {"sources": {"toy": 12}, "notes": ["toy"], "annotations_hash": None}


@pytest.fixture
def toy_model(tmp_path, monkeypatch):
    monkeypatch.setitem(models.REGISTRY, "toy", models.ModelSpec("toy", _toy_data, lambda: models.text_pipeline(),
                                                                 "a toy model", folds=2))
    card = models.train("toy", out_dir=tmp_path, folds=2)
    return tmp_path, card


def test_train_writes_model_and_card(toy_model):
    out, card = toy_model
    assert (out / "toy" / "model.skops").is_file()
    saved = json.loads((out / "toy" / "card.json").read_text(encoding="utf-8"))
    assert saved == card
    for key in ("data_hash", "versions", "cv", "trained", "model_sha256", "examples"):
        assert key in card
    assert set(card["versions"]) >= {"python", "scikit-learn", "skops"}
    assert 0.0 <= card["cv"]["accuracy"] <= 1.0
    model = models.load("toy", models_dir=out)
    assert list(model.predict(["明年将继续推进"])) == ["plan"]


def test_training_is_deterministic(toy_model, tmp_path_factory):
    out, card = toy_model
    other = tmp_path_factory.mktemp("again")
    card2 = models.train("toy", out_dir=other, folds=2)
    assert card2["data_hash"] == card["data_hash"] and card2["cv"] == card["cv"]
    a = models.load("toy", models_dir=out).predict_proba(["完成投资", "将推动"])
    b = models.load("toy", models_dir=other).predict_proba(["完成投资", "将推动"])
    assert (abs(a - b) < 1e-9).all()


def test_untrusted_types_are_refused(tmp_path):
    import skops.io as sio
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer
    d = tmp_path / "evil"
    d.mkdir()
    sio.dump(Pipeline([("f", FunctionTransformer(func=shutil.rmtree))]), d / "model.skops")
    with pytest.raises(models.ModelError, match="untrusted"):
        models.load("evil", models_dir=tmp_path)


def test_tampered_model_is_refused(toy_model):
    out, card = toy_model
    path = out / "toy" / "model.skops"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(models.ModelError, match="sha256"):
        models.load("toy", models_dir=out)


def test_missing_model_means_rules(tmp_path, monkeypatch):
    assert models.load("nothing", models_dir=tmp_path) is None
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path)
    models.get.cache_clear()
    try:
        assert models.predict("part", ["一、工作回顾 ‖ 正文"]) is None
        doc = Document(text="一、一张蓝图绘到底\n今后要着力推动发展，将加快建设，力争实现目标。\n", source="t", id="t",
                       format="text")
        top = sections.top_level(sections.find_sections(doc))
        assert top[0].method == "rule"
        assert sentences.sentence_type("将加快建设。", None)[2] == "rule"
    finally:
        models.get.cache_clear()


def test_card_hash_mismatch_warns_but_loads(tmp_path):
    src = ROOT / "models" / "part"
    if not (src / "model.skops").is_file():
        pytest.skip("no shipped part model")
    d = tmp_path / "part"
    shutil.copytree(src, d)
    card = json.loads((d / "card.json").read_text(encoding="utf-8"))
    card["annotations_hash"] = "0" * 64
    (d / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        model = models.load("part", models_dir=tmp_path)
    assert model is not None
    assert any("other annotations" in str(x.message) for x in w)


def test_registry_has_the_project_models():
    reg = models.registry()
    assert {"part", "sentence_type"} <= set(reg)


@pytest.mark.parametrize("name", ["part", "sentence_type"])
def test_shipped_model_card(name):
    d = ROOT / "models" / name
    card = json.loads((d / "card.json").read_text(encoding="utf-8"))
    assert card["name"] == name
    assert card["cv"]["accuracy"] >= 0.85
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped model matches the shipped annotations
        assert models.load(name) is not None


@pytest.mark.parametrize("name", ["part", "sentence_type"])
def test_shipped_model_reproducible_data(name, shared_dir):
    """`extractor train` would see exactly the data the shipped model was trained on."""
    card = json.loads((ROOT / "models" / name / "card.json").read_text(encoding="utf-8"))
    texts, labels, groups, meta = models.registry()[name].load_data()
    assert models.data_hash(texts, labels) == card["data_hash"]
    assert meta["annotations_hash"] == card["annotations_hash"]


def test_part_model_on_unusual_headings():
    if models.get("part") is None:
        pytest.skip("no shipped part model")
    cases = {
        "一鼓作气勇争先 ‖ 2026年是开局之年。要着力扩大内需，将推动投资，力争经济增长5%左右。": "plans",
        "一年来的工作 ‖ 过去一年，我们完成地区生产总值增长5.2%，新增就业12万人，建成项目30个。": "results",
        "几点体会 ‖ 部分单位重视不够，执法力量薄弱，普法针对性不强，有待进一步提升。": "shortcomings",
    }
    got = models.predict("part", list(cases))
    assert [g[0] for g in got] == list(cases.values())


def test_train_command_lists_models(capsys):
    from extractor.cli import main
    assert main(["train", "--list"]) == 0
    out = capsys.readouterr().out
    assert "part" in out and "sentence_type" in out
    assert main(["train", "no_such_model"]) == 2
