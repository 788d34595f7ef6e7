"""The explorer and the review page's correction loop in headless Chromium, driven by Playwright for Python
(system Chromium: found or installed as in tests/test_browser.py, skipped otherwise). Screenshots go to
test-artifacts/.

Over a batch of the three sample reports (`extractor run corpora/sample --out DIR`): open the documents
list, filter it, open a document, compare two indicators across the sample districts, click a cell and land
on its highlighted evidence, export CSV, submit corrections and find them in DIR/annotations/. On the
standalone page of `extractor review`: accept, reject, reassign, assign, and export the gold JSON.
"""
from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from test_browser import ARTIFACTS, _find, _install  # noqa: E402

from extractor.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TWO = ("litigation.head_appearance_rate", "reconsideration.applications_received")


@pytest.fixture(scope="module")
def browser():
    path = _find() or _install()
    if not path:
        pytest.skip("no Chromium (set EXTRACTOR_INSTALL_BROWSER=1 as root with apt-get to install Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "out"
    assert main(["batch", str(ROOT / "corpora" / "sample"), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def server(sample_batch):
    import uvicorn

    from extractor.serve import create_app
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    app = create_app(sample_batch)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(10)
    app.state.explorer.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                              bypass_csp=True)  # wait_for_function evaluates strings
    pg = ctx.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "file:", "data:", "blob:"))
          or errors.append("external request " + r.url))
    yield pg
    ctx.close()
    assert not errors, errors


def shot(pg, name, full=False):
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / name), full_page=full)


def test_documents_filter_and_open(page, server):
    page.goto(server + "/documents")
    assert page.locator("#docs a.doclink").count() == 3
    shot(page, "serve-documents.png")
    page.select_option("select[name=format]", "docx")  # submits the form
    page.wait_for_url("**format=docx**")
    assert page.locator("#docs a.doclink").count() == 1
    page.click("#docs a.doclink")
    page.wait_for_selector("#text mark.qt")
    assert page.locator("#itable tr.irow").count() > 0
    assert "tinghe" in page.content()
    # find in text: matches are counted and the current one is scrolled to
    page.fill("#tsearch", "行政")
    page.press("#tsearch", "Enter")
    page.wait_for_function("document.getElementById('tcount').textContent.indexOf('/') > 0")
    shot(page, "serve-document.png")


def test_compare_cell_to_evidence_and_csv(page, server, sample_batch):
    page.goto(server + "/compare")
    page.select_option("select[name=indicator]", list(TWO))
    page.click("#cmp button[type=submit]")
    page.wait_for_selector("#pivot")
    regions = page.locator("#pivot tbody tr").count()
    assert regions == 3  # the three sample districts
    for ind in TWO:
        assert page.locator(f"#pivot th[title='{ind}']").count() >= 1
    page.wait_for_function("Array.from(document.querySelectorAll('.charts img')).every(i => i.complete && i.naturalWidth > 0)")
    shot(page, "serve-compare.png", full=True)
    with page.expect_download() as dl:
        page.click("#csv")
    rows = list(csv.reader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + regions and any(TWO[0] in h for h in rows[0]) and any(TWO[1] in h for h in rows[0])
    cell = page.locator("#pivot td.cell a.ev").first
    value = cell.inner_text()
    cell.click()
    page.wait_for_url("**/documents/**#ev=*")
    active = page.locator("#text .hl.ind.active")
    active.first.wait_for()
    assert active.count() >= 1
    box = active.first.bounding_box()
    assert box and 0 <= box["y"] <= 900  # scrolled into view
    number = value.lstrip("≈≥≤").split()[0].split("–")[0]
    assert number in active.first.inner_text()
    # the batch recorded the evidence's sentence: it is shaded around the evidence
    sent = page.get_attribute("#text", "data-sentence")
    assert sent, "no sentence shaded"
    a, b = map(int, sent.split("-"))
    ev = [int(x) for x in page.url.split("#ev=")[1].split("-")[:2]]
    assert a <= ev[0] < ev[1] <= b
    shot(page, "serve-evidence.png")


def test_correction_saved_under_annotations(page, server, sample_batch):
    page.goto(server + "/documents?region=" + "周村区")
    page.click("#docs a.doclink")
    page.wait_for_selector("#itable tr.irow")
    rows = page.locator("#itable tr.irow")
    first, second = rows.nth(0), rows.nth(1)
    first.click()
    page.click("#caccept")
    second.click()
    page.click("#creject")
    free = page.locator("#text mark.qt.free").first
    free.scroll_into_view_if_needed()
    free.click()
    page.fill("#cind", "leadership.inspected_units")
    page.click("#cassign")
    assert page.locator("#clist li").count() == 3
    page.click("#csave")
    page.wait_for_function("document.getElementById('cstatus').textContent.indexOf('saved') === 0")
    shot(page, "serve-corrections.png")
    files = list((sample_batch / "annotations").glob("*.json"))
    assert len(files) == 1
    gold = json.loads(files[0].read_text(encoding="utf-8"))
    assert gold["doc"] == "zhoucun-2023.txt" and files[0].stem == gold["doc_id"]
    actions = sorted(c["action"] for c in gold["corrections"])
    assert actions == ["accept", "assign", "reject"]
    inds = [q["indicator"] for q in gold["quantities"]]
    assert "leadership.inspected_units" in inds and None in inds
    # the page shows the saved decisions after a reload
    page.reload()
    page.wait_for_selector("#clist li")
    assert page.locator("#clist li").count() == 3
    assert page.locator("#itable tr.irow.c-reject").count() == 1


def test_review_page_exports_gold(page, tmp_path, shared_dir=None):
    """The standalone page of `extractor review` (issue 14's correction loop): accept, reject, reassign and
    assign, then export; the file is gold JSON in the spec/annotation.md format."""
    src = ROOT / "corpora" / "sample" / "zhoucun-2023.txt"
    html = tmp_path / "review.html"
    assert main(["review", str(src), "-o", str(html)]) == 0
    page.goto(html.as_uri())
    rows = page.locator("#itable tr.irow")
    assert rows.count() >= 3
    assert page.locator("#csave").is_hidden()
    rows.nth(0).click()
    page.click("#caccept")
    rows.nth(1).click()
    page.click("#creject")
    rows.nth(2).click()
    page.fill("#cind", "not.an_indicator")
    page.click("#creassign")
    assert "unknown indicator" in page.inner_text("#cstatus")
    page.fill("#cind", "mediation.disputes_mediated")
    page.click("#creassign")
    free = page.locator("#text mark.qt.free").nth(2)
    free.scroll_into_view_if_needed()
    free.click()
    page.fill("#cind", "society.publicity_events")
    page.click("#cassign")
    shot(page, "review-corrections.png")
    with page.expect_download() as dl:
        page.click("#cexport")
    gold_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(str(gold_path))
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert gold["doc"] == "zhoucun-2023.txt" and gold["region"] == "周村区" and gold["partial"] is True
    assert sorted(c["action"] for c in gold["corrections"]) == ["accept", "assign", "reassign", "reject"]
    text = src.read_text(encoding="utf-8")
    for q in gold["quantities"]:
        assert text.count(q["before"] + q["text"]) == 1
        assert text[q["start"]:q["start"] + len(q["text"])] == q["text"]
    assert {"mediation.disputes_mediated", "society.publicity_events", None} <= {q["indicator"] for q in gold["quantities"]}
    from conftest import SHARED
    check = SHARED / "tools" / "check_gold.py"
    if check.exists():
        res = subprocess.run([sys.executable, str(check), str(gold_path), str(src.parent)], capture_output=True, text=True)
        assert res.returncode == 0, res.stdout
