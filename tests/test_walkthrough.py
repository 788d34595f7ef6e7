"""docs/walkthrough.md, step by step: a batch of mixed formats with a duplicate, then the three exports opened
as a newcomer would (CSV in pandas with utf-8-sig, xlsx with openpyxl, .dta with pandas.read_stata)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from extractor.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_walkthrough(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    for p in (ROOT / "corpora" / "sample").iterdir():
        shutil.copy(p, mine / p.name)
    shutil.copy(ROOT / "corpora" / "sample" / "zhoucun-2023.txt", mine / "zhoucun-again.md")
    n = len(list(mine.iterdir()))
    assert main(["batch", "mine", "--out", "runs/mine", "-q"]) == 0
    err = capsys.readouterr().err
    assert f"{n} inputs: {n - 1} extracted, 0 already done, 1 duplicates of others, 0 failed" in err
    assert main(["batch", "mine", "--out", "runs/mine", "-q"]) == 0
    assert f"{n} inputs: 0 extracted, {n} already done" in capsys.readouterr().err

    assert main(["catalogue", "--search", "复议"]) == 0
    assert "reconsideration.applications_received" in capsys.readouterr().out
    assert main(["query", "runs/mine", "SELECT row_id FROM indicators WHERE indicator = "
                 "'reconsideration.applications_received' LIMIT 1", "--format", "csv"]) == 0
    row_id = capsys.readouterr().out.split()[-1]
    assert main(["show", "runs/mine", row_id]) == 0
    assert "【" in capsys.readouterr().out

    for ext in ("csv", "xlsx", "dta"):
        assert main(["compare", "runs/mine", "-i", "reconsideration.*", "-o", f"cmp.{ext}"]) == 0
    csv = pd.read_csv("cmp.csv", encoding="utf-8-sig")
    assert csv.columns[:4].tolist() == ["province", "region", "region_code", "year"]
    assert "收到行政复议申请件数（件）·实际" in csv.columns
    zc = csv[csv["region"] == "周村区"]
    assert zc["收到行政复议申请件数（件）·实际"].astype(str).tolist() == ["54"]

    import openpyxl
    wb = openpyxl.load_workbook("cmp.xlsx")
    head = [c.value for c in wb["values"][1]]
    ids = [c.value for c in wb["values"][2]]
    assert "收到行政复议申请件数（件）·实际" in head
    assert ids[head.index("收到行政复议申请件数（件）·实际")] == "reconsideration.applications_received@actual"
    cells = pd.read_excel("cmp.xlsx", sheet_name="cells")
    row = cells[(cells["region"] == "周村区") & (cells["indicator"] == "reconsideration.applications_received")].iloc[0]
    assert (row["value"], row["unit"], row["display_unit"], row["qualifier"]) == (54, "件", "件", "exact")
    assert "54" in row["evidence"] and row["source"]

    dta = pd.read_stata("cmp.dta")
    got = dta[(dta["region"] == "周村区") & (dta["indicator"] == "reconsideration.applications_received")]
    assert got["value"].tolist() == [54.0] and got["period"].tolist() == ["actual"]

    # the walk-through's commands are the ones in the doc
    doc = (ROOT / "docs" / "walkthrough.md").read_text(encoding="utf-8")
    for cmd in ("extractor batch mine --out runs/mine", "extractor compare runs/mine -i 'reconsideration.*' -o cmp.csv",
                'pd.read_csv("cmp.csv", encoding="utf-8-sig")', 'pd.read_stata("cmp.dta")', "openpyxl.load_workbook"):
        assert cmd in doc
