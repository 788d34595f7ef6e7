"""`extractor serve`: the explorer's pages, exports, checks, corrections and its security, through
Starlette's test client over a batch written from hand-built reports (tests/serve_fixture.py)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import warnings

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

import serve_fixture as sf  # noqa: E402
from extractor.cli import main  # noqa: E402
from extractor.serve import create_app  # noqa: E402
from extractor.serve.db import DB, QueryTimeout  # noqa: E402


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "out"
    reps = sf.make_batch(out)
    return out, reps


@pytest.fixture(scope="module")
def client(batch):
    from starlette.testclient import TestClient
    app = create_app(batch[0])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        yield c
    app.state.explorer.close()


def ids(batch):
    return {(r["document"]["region"]["name"], r["document"]["year"]): r["document"]["id"] for r in batch[1]}


def test_documents_list_and_filters(client):
    r = client.get("/documents")
    assert r.status_code == 200 and r.text.count('class="doclink"') == 4
    r = client.get("/documents", params={"region": "西城区"})
    assert r.text.count('class="doclink"') == 2 and "东城区2022" not in r.text
    r = client.get("/documents", params={"year": "2023", "region": "东城区"})
    assert r.text.count('class="doclink"') == 1
    r = client.get("/documents", params={"year": "not a year"})
    assert r.status_code == 200 and r.text.count('class="doclink"') == 4
    r = client.get("/documents", params={"failures": "1"})
    assert "/data/broken.pdf" in r.text and "not a PDF" in r.text
    assert client.get("/").url.path == "/documents"


def test_document_page_is_the_review_view_with_text_escaped(client, batch):
    doc = ids(batch)[("东城区", 2023)]
    r = client.get(f"/documents/{doc}")
    assert r.status_code == 200
    assert "<script>window.__pwned=1</script>" not in r.text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text
    assert 'id="csave"' in r.text and f"/documents/{doc}/annotations" in r.text
    assert 'data-k="i2"' in r.text  # the indicator rows, highlighted in the text
    assert client.get("/documents/" + "0" * 64).status_code == 404


def test_document_text_from_the_source_when_the_batch_has_no_texts_table(client, batch):
    """The sample batch has no texts table: the text is re-read from the recorded source, and the page
    says so when the source changed since the batch ran."""
    import review_fixture as rf
    out, reps = batch
    rep = reps[2]
    r = client.get(f"/documents/{rep['document']['id']}")
    assert rf.parse_text_pane(r.text)["text"] == rep["text"] and "source file changed" not in r.text
    other = reps[0]  # from the texts table
    assert rf.parse_text_pane(client.get(f"/documents/{other['document']['id']}").text)["text"] == other["text"]


@pytest.mark.parametrize("url", [
    "/static/../extractor.duckdb", "/static/%2e%2e/extractor.duckdb", "/static/..%2fextractor.duckdb",
    "/static/%2e%2e%2f%2e%2e%2fsetup.cfg", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    "/documents/..%2f..%2f..%2fetc%2fpasswd", "/documents/%2e%2e", "/documents/../extractor.duckdb",
    "/../../etc/passwd", "/static/..\\..\\extractor.duckdb",
    "/documents/..%2fextractor.duckdb/annotations",
])
def test_no_path_outside_the_package_assets_is_readable(client, url):
    r = client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert b"DUCK" not in r.content and b"root:" not in r.content


def test_the_database_is_read_only_and_closed_to_the_outside(batch):
    db = DB(batch[0])
    import duckdb
    with pytest.raises(duckdb.Error):
        db.query("CREATE TABLE x (a INTEGER)")
    with pytest.raises(duckdb.Error):
        db.query("DELETE FROM documents")
    with pytest.raises(duckdb.Error):
        db.query("SELECT * FROM read_csv_auto('/etc/passwd')")
    with pytest.raises(duckdb.Error):
        db.query("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        db.query("INSTALL httpfs")
    db.close()


def test_queries_are_bounded(batch):
    db = DB(batch[0], timeout=0.3, max_rows=7)
    assert len(db.query("SELECT * FROM range(1000)")) == 7
    with pytest.raises(QueryTimeout):
        db.query("SELECT count(*) FROM range(100000000000) a")
    assert db.scalar("SELECT count(*) FROM documents") == 4  # usable after the interrupt
    db.close()


def test_foreign_host_header_refused(client):
    r = client.get("/documents", headers={"host": "evil.example"})
    assert r.status_code == 400


def _cmp(client, **params):
    return client.get("/compare", params=params)


def test_compare_keeps_periods_apart_marks_conflicts_and_shows_qualifiers(client, batch):
    r = _cmp(client, indicator="output.gdp_growth", layout="indicators")
    html = r.text
    assert r.status_code == 200
    # the 2024 target 5%左右 is its own column ([target]), shown with its qualifier, never the actual 10
    assert "per-target" in html and "≈5" in html
    assert html.count('class="cell conflict"') == 1 and "≠1" in html  # 西城 2023: 8 against 7.5
    assert "7.5" in html.split('class="cell conflict"')[1].split("</td>")[0]
    doc = ids(batch)[("西城区", 2023)]
    best = batch[1][3]["indicators"][1]  # 8%, the most confident of the two, links to its evidence by its offsets
    assert f'href="/documents/{doc}#ev={best["start"]}-{best["end"]}-output.gdp_growth"' in html
    r = _cmp(client, indicator="output.gdp_growth", period="actual", year="2023")
    assert "per-target" not in r.text and "≈5" not in r.text


def test_compare_exports(client):
    r = client.get("/compare.csv", params={"indicator": ["output.gdp", "output.gdp_growth"], "layout": "indicators"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    head = rows[0]
    assert head[:3] == ["province", "region", "year"]
    assert any("output.gdp_growth [target]" in h for h in head)
    body = {(row[1], row[2]): row for row in rows[1:]}
    gdp = head.index(next(h for h in head if h.startswith("地区生产总值") or "output.gdp [actual]" in h))
    assert float(body[("东城区", "2023")][gdp]) == 110e8
    conflict_col = head.index("output.gdp_growth [actual] conflicts")
    assert body[("西城区", "2023")][conflict_col] == "7.5"
    r = client.get("/compare.xlsx", params={"indicator": "output.gdp"})
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "province" and ws.max_row == 3


def test_compare_chart_is_svg(client):
    for kind in ("bars", "lines"):
        r = client.get("/compare/chart.svg", params={"indicator": "output.gdp", "kind": kind})
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg")
        assert b"<svg" in r.content and "东城区".encode() in r.content


def test_unknown_indicator_is_said(client):
    r = _cmp(client, indicator="no.such_indicator")
    assert "Unknown indicator id" in r.text and "no.such_indicator" in r.text


def test_series_flags_inconsistent_growth_and_shares(client):
    r = client.get("/series", params={"region": "西城区"})
    assert r.status_code == 200
    flags = r.text.split('id="flags"')[1].split("</ul>")[0]
    assert "⚑ growth" in flags and "stated 8% against 1.0% implied" in flags
    r = client.get("/series", params={"region": "东城区"})
    flags = r.text.split('id="flags"')[1].split("</ul>")[0]
    assert "✓ growth" in flags and "⚑ growth" not in flags           # 100 → 110 with 10%: consistent
    assert "⚑ share" in flags and "stated 25% against 10.0% = 6 / 60" in flags
    assert "✓ share" in flags                                      # 2022: 5 / 50 = 10%
    assert 'class="cell flagged' in r.text


def _gold(rep, indicator="output.gdp", pick="110亿元"):
    q = next(q for q in rep["quantities"] if q["text"] == pick)
    return {"doc": rep["document"]["source"].rsplit("/", 1)[-1], "genre": "gongzuo", "region": "东城区",
            "province": "测试省", "year": 2023,
            "quantities": [{"text": q["text"], "before": "总值", "value": q["value"], "unit": "元",
                            "qualifier": "exact", "kind": "amount", "subject": "", "indicator": indicator,
                            "period": "actual", "start": q["start"]}],
            "corrections": [{"key": "i0", "action": "accept", "indicator": indicator, "was": indicator,
                             "start": q["start"], "end": q["end"]}]}


def test_corrections_saved_as_gold_under_annotations(client, batch):
    out, reps = batch
    rep = reps[1]
    doc = rep["document"]["id"]
    url = f"/documents/{doc}/annotations"
    r = client.post(url, json=_gold(rep))
    assert r.status_code == 200, r.text
    path = out / "annotations" / f"{doc}.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["partial"] is True and saved["quantities"][0]["indicator"] == "output.gdp"
    # a second save on another span merges; on the same span replaces
    g2 = _gold(rep, "output.gdp_growth", "10%")
    g2["quantities"][0]["before"] = "增长"
    g2["corrections"][0]["key"] = "i1"
    assert client.post(url, json=g2).status_code == 200
    g3 = _gold(rep, None)
    g3["corrections"][0].update(action="reject", indicator=None)
    assert client.post(url, json=g3).status_code == 200
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert sorted((q["text"], q["indicator"]) for q in saved["quantities"]) == [("10%", "output.gdp_growth"),
                                                                              ("110亿元", None)]
    assert {c["key"]: c["action"] for c in saved["corrections"]} == {"i0": "reject", "i1": "accept"}
    assert client.get(url).json()["doc_id"] == doc
    # the page shows the saved decisions again
    assert '"action": "reject"' in client.get(f"/documents/{doc}").text.replace('":"', '": "')


@pytest.mark.shared
def test_saved_corrections_pass_check_gold(client, batch, shared_dir):
    out, reps = batch
    rep = reps[3]
    doc = rep["document"]["id"]
    g = _gold(rep, "output.gdp", "202亿元")
    g["quantities"][0]["before"] = ""
    assert client.post(f"/documents/{doc}/annotations", json=g).status_code == 200
    path = out / "annotations" / f"{doc}.json"
    res = subprocess.run([sys.executable, str(shared_dir / "tools" / "check_gold.py"), str(path),
                          str(out.parent / "sources")], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


@pytest.mark.parametrize("change,status", [
    (lambda g: g["quantities"][0].update(indicator="no.such"), 400),
    (lambda g: g["quantities"][0].update(before="不在文中的"), 400),
    (lambda g: g["quantities"][0].update(value="110"), 400),
    (lambda g: g["quantities"][0].update(period="sometime"), 400),
    (lambda g: g["corrections"][0].update(action="delete_everything"), 400),
    (lambda g: g.pop("doc"), 400),
])
def test_bad_corrections_refused(client, batch, change, status):
    rep = batch[1][1]
    g = _gold(rep)
    change(g)
    r = client.post(f"/documents/{rep['document']['id']}/annotations", json=g)
    assert r.status_code == status and r.json()["error"]


def test_corrections_need_json_from_the_same_origin(client, batch):
    rep = batch[1][1]
    url = f"/documents/{rep['document']['id']}/annotations"
    body = json.dumps(_gold(rep))
    assert client.post(url, content=body, headers={"content-type": "text/plain"}).status_code == 415
    assert client.post(url, content=body, headers={"content-type": "application/json",
                                                   "origin": "http://evil.example"}).status_code == 403
    assert client.post("/documents/" + "0" * 64 + "/annotations", json=_gold(rep)).status_code == 404


def test_indicators_page_coverage(client):
    r = client.get("/indicators", params={"stated": "1"})
    assert r.status_code == 200
    row = r.text.split("output.gdp_growth</a>")[1].split("</tr>")[0]
    assert "<b>4</b>" in row  # four documents state GDP growth
    assert "地区生产总值" in r.text


def test_serve_command_errors(tmp_path, capsys, monkeypatch):
    assert main(["serve", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "extractor.duckdb" in err
    import extractor.serve as srv
    monkeypatch.setattr(srv, "missing_extra", lambda: ["starlette"])
    assert main(["serve", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'serve' extra" in err and "extractor[serve]" in err


@pytest.fixture(scope="module")
def live(batch):
    """The app under uvicorn on a free loopback port (for requests no HTTP client would normalise)."""
    uvicorn = pytest.importorskip("uvicorn")
    import socket
    import threading
    import time
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    app = create_app(batch[0])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    t.join(10)
    app.state.explorer.close()


@pytest.mark.parametrize("path", ["/static/../extractor.duckdb", "/static/../../setup.cfg", "/static/../../../../etc/passwd",
                                  "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%5c..%5cextractor.duckdb",
                                  "/../extractor.duckdb", "/documents/../../extractor.duckdb"])
def test_raw_traversal_requests(live, path):
    import socket
    with socket.create_connection(("127.0.0.1", live), timeout=10) as c:
        c.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := c.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    assert status in (400, 404), (path, data[:200])
    assert b"DUCK" not in data and b"root:" not in data and b"[metadata]" not in data


@pytest.mark.parametrize("values", [[58, 37, 54], [100, 98.5, 100], [-3.2, 7.5, 0.4], [2.2e10, 1.1e9, 5e10], [5, 5, 5]])
def test_chart_bars_and_points_stay_in_the_plot(values):
    import re

    from extractor.serve import charts
    cols = [{"indicator": "x", "period": "actual", "year": 2023, "name_zh": "指标<b>", "unit": "件"}]
    rows = [{"label": {"province": "", "region": f"区{i}<script>", "year": None},
             "cells": [{"row": {"value": v}, "conflicts": [], "text": str(v)}]} for i, v in enumerate(values)]
    p = {"layout": "years", "columns": cols, "rows": rows}
    for kind in ("bars", "lines"):
        svg = charts.chart_svg(p, "x", "actual", kind).decode()
        assert "<script>" not in svg and "&lt;script&gt;" in svg and "指标&lt;b&gt;" in svg
        top, bottom = charts.PAD_T - 0.5, charts.H - charts.PAD_B + 0.5
        for y, h in re.findall(r'<rect x="[\d.]+" y="([-\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#', svg):
            assert top <= float(y) and float(y) + float(h) <= bottom, (values, y, h)
        for cy in re.findall(r'<circle cx="[\d.]+" cy="([-\d.]+)"', svg):
            assert top <= float(cy) <= bottom
        n = len(re.findall(r"<title>", svg))
        assert n == len(values)


def test_review_page_markers_and_gold_before():
    """Page markers are empty elements (the text pane's text stays the document text); ``_before`` makes
    ``before + text`` unique in the text, as spec/annotation.md asks."""
    import review_fixture as rf

    from extractor.output.viz import gold_before, render_html
    text = "第一页：受理12件。\n第二页：受理12件，办结12件。\n第三页：受理12件。"
    starts = [0, text.index("第二页"), text.index("第三页")]
    data = sf.report("x.txt", "东城区", 2023, text, [])
    data["page_starts"] = starts
    page = render_html(data)
    assert rf.parse_text_pane(page)["text"] == text
    for n in (1, 2, 3):
        assert f'id="page-{n}" data-page="{n}"' in page
    for q in data["quantities"]:
        b = gold_before(text, q["start"], q["end"])
        assert len(b) <= 12 and text.count(b + q["text"]) == 1 and text[q["start"] - len(b):q["start"]] == b
