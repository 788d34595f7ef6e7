"""``extractor evaluate``: the scorer's figures on synthetic gold and predictions, the CLI, and agreement
with the shared scorer on the dev set."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extractor.learn import evaluate as ev

TEXT = "全年接收行政复议申请32件，办理法律援助案件15件，发放资料300份。"


def _pred(indicators, quantities=None, region="周村区", year=2023, genre="fazhi"):
    return {"document": {"region": {"name": region}, "year": year, "genre": genre}, "text": TEXT,
            "quantities": quantities or [], "indicators": indicators}


def _q(text, value, unit, **kw):
    s = TEXT.index(text)
    return dict({"text": text, "start": s, "end": s + len(text), "value": value, "unit": unit,
                 "qualifier": "exact", "kind": "count", "period": "actual"}, **kw)


GOLD = {"doc": "a.txt", "genre": "fazhi", "region": "周村区", "year": 2023,
        "quantities": [
            {"text": "32件", "before": "申请", "value": 32, "unit": "件", "qualifier": "exact", "kind": "count",
             "period": "actual", "indicator": "reconsideration.applications_received"},
            {"text": "15件", "value": 15, "unit": "件", "qualifier": "exact", "kind": "count", "period": "actual",
             "indicator": "legal_services.legal_aid_cases"}],
        "traps": [{"text": "300份"}]}


def _ind(iid, value, text, year=2023):
    s = TEXT.index(text)
    return {"indicator": iid, "value": value, "evidence": text, "start": s, "end": s + len(text), "year": year}


def test_counts_on_synthetic_gold(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    pred = tmp_path / "pred"
    pred.mkdir()
    out = _pred([_ind("reconsideration.applications_received", 32, "接收行政复议申请32件"),
                 _ind("legal_services.legal_aid_cases", 16, "15件"),          # wrong value
                 _ind("legal_services.legal_aid_cases", 99, "15件", year=2030)],  # other year: not scored
                [_q("32件", 32, "件"), _q("15件", 15, "件", kind="rate"), _q("300份", 300, "份")])
    (pred / "a.txt.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    r = ev.evaluate(tmp_path / "gold.json", tmp_path, pred=pred)
    assert r["indicator"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "pred": 2, "gold": 2}
    assert r["quantity_span"]["tp"] == 2 and r["quantity_span"]["pred"] == 3
    assert r["quantity_full"]["tp"] == 1 and r["trap_hits"] == 1
    assert (r["region_acc"], r["year_acc"], r["genre_acc"]) == (1.0, 1.0, 1.0)
    assert r["grounding_broken"] == 0
    assert r["per_doc"][0]["doc"] == "a.txt" and r["per_doc"][0]["region_ok"] is True


def test_broken_grounding_and_failed_document(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    pred = tmp_path / "pred"
    pred.mkdir()
    bad = _ind("reconsideration.applications_received", 32, "32件")
    bad["start"] += 1
    (pred / "a.txt.json").write_text(json.dumps(_pred([bad]), ensure_ascii=False), encoding="utf-8")
    r = ev.evaluate(tmp_path / "gold.json", tmp_path, pred=pred)
    assert r["grounding_broken"] == 1
    r = ev.evaluate(tmp_path / "gold.json", tmp_path, pred=tmp_path / "nothing")
    assert r["failed"] == 1 and r["indicator"]["tp"] == 0


def test_cli_runs_the_extractor(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    gold = dict(GOLD, region=None)
    (tmp_path / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "extractor", "evaluate", str(tmp_path / "gold.json"), str(tmp_path),
                           "--json", "--per-doc"], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["docs"] == 1 and r["failed"] == 0 and r["per_doc"][0]["doc"] == "a.txt"
    proc = subprocess.run([sys.executable, "-m", "extractor", "evaluate", str(tmp_path / "missing"), str(tmp_path)],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2 and "missing" in proc.stderr


@pytest.mark.shared
def test_same_figures_as_the_shared_scorer(shared_dir, tmp_path):
    """Write predictions for a few dev documents, score them with both scorers: identical totals."""
    import extractor
    dev = shared_dir / "corpora" / "dev"
    names = ["002.txt", "043.txt", "056.txt", "zhoucun-2023.txt"]
    gold = tmp_path / "gold"
    gold.mkdir()
    pred = tmp_path / "pred"
    pred.mkdir()
    for n in names:
        g = json.loads((dev / "gold" / (n.rsplit(".", 1)[0] + ".json")).read_text(encoding="utf-8"))
        (gold / (n + ".json")).write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
        (pred / (n + ".json")).write_text(extractor.extract(dev / n).to_json(), encoding="utf-8")
    ours = ev.evaluate(gold, dev, pred=pred)
    ours.pop("per_doc")
    proc = subprocess.run([sys.executable, str(shared_dir / "tools" / "score.py"), "--gold", str(gold), "--docs",
                           str(dev), "--pred", str(pred), "--json"], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    assert ours == theirs
