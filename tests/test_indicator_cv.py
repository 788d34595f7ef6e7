"""``extractor evaluate --cv``: leave-one-document-out on a gold set we write ourselves, and --gold-extra rows."""
from __future__ import annotations

import json

import pytest

from extractor.learn import cv, indicator_data

DOCS = {
    "a.txt": "青石区2023年法治政府建设情况报告\n2023年，青石区全年接收行政复议申请32件，办理法律援助案件15件。",
    "b.txt": "青石区2022年法治政府建设情况报告\n2022年，青石区全年接收行政复议申请41件，组织学法考试参考率100%。",
}
GOLD = {
    "a.txt": [("reconsideration.applications_received", 32, "件", "32件", "接收行政复议申请"),
              ("legal_services.legal_aid_cases", 15, "件", "15件", "办理法律援助案件")],
    "b.txt": [("reconsideration.applications_received", 41, "件", "41件", "接收行政复议申请")],
}


@pytest.fixture()
def gold_set(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    gold = tmp_path / "gold"
    docs.mkdir()
    gold.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
        rows = [{"indicator": i, "value": v, "unit": u, "text": t, "before": b, "period": "actual"}
                for i, v, u, t, b in GOLD[name]]
        (gold / (name + ".json")).write_text(json.dumps(
            {"doc": name, "genre": "fazhi", "region": None, "year": int(text[3:7]), "scope": "indicators",
             "indicators": rows}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(indicator_data, "dev_gold", lambda: tmp_path / "no-dev-gold")
    return gold, docs


def test_cv_holds_each_document_out(gold_set):
    gold, docs = gold_set
    result = cv.cross_validate(gold, docs)
    assert result["docs"] == 2 and result["folds"] == 2
    fazhi = result["cv"]["fazhi"]
    assert fazhi["gold"] == 3 and fazhi["tp"] >= 2
    assert "reconsideration.applications_received" in result["per_indicator"]
    assert {d["doc"] for d in result["per_doc"]} == {"a.txt", "b.txt"}
    assert "leave one document out" in cv.text_report(result)


def test_gold_rows_label_the_quantities_they_overlap(gold_set):
    gold, docs = gold_set
    gds = indicator_data.gold_docs(main=gold, docs=docs)
    rep = indicator_data.run_rules(gds[0].path)
    texts, labels = indicator_data.doc_rows(rep, gds[0])
    assert sorted(labels) == sorted(["reconsideration.applications_received", "legal_services.legal_aid_cases"])
    assert all(" <Q:" in t and " § " in t for t in texts)


def test_partial_corrections_label_only_their_rows(gold_set, tmp_path):
    gold, docs = gold_set
    extra = tmp_path / "corrections"
    (extra / "annotations").mkdir(parents=True)
    (extra / "annotations" / "a.json").write_text(json.dumps(
        {"doc": "a.txt", "genre": "fazhi", "partial": True,
         "indicators": [{"indicator": None, "value": 15, "unit": "件", "text": "15件", "before": "办理法律援助案件"}]},
        ensure_ascii=False), encoding="utf-8")
    gds = indicator_data.gold_docs([extra], main=gold, docs=docs)
    a = next(g for g in gds if g.path.name == "a.txt")
    assert len(a.extra) == 1
    _, labels = indicator_data.doc_rows(indicator_data.run_rules(a.path), a)
    assert sorted(labels) == ["none", "reconsideration.applications_received"]  # the correction rejects 15件


def test_evaluate_cv_cli_errors(tmp_path, capsys):
    from extractor.cli import main
    assert main(["evaluate", "--cv", str(tmp_path / "nope"), str(tmp_path)]) == 2
    assert main(["train", "--gold-extra", str(tmp_path / "nope"), "indicator_fazhi"]) == 2
