"""The review page in a real browser: headless Chromium (no sandbox, no network) opens the page written by
`extractor review`, runs its script, and we read the DOM after the script ran (``--dump-dom``) and take a
screenshot (saved to ``test-artifacts/``).

Chromium is looked up on PATH. Where it is missing, the tests install Debian's ``chromium`` with apt-get
only when running as root with apt-get available and ``EXTRACTOR_INSTALL_BROWSER=1`` (set by ``.ci/run``);
otherwise they skip.

The page opened with ``#selftest`` checks itself (every located span is highlighted by fragments whose
text is exactly the span's text; a click on the last indicator row marks its evidence, scrolls it into
view and shows its details; hovering a quantity shows its value; the quantity filter switches its
highlight off and on) and writes the result as JSON into ``<pre id="selftest-result">``.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import review_fixture as rf
from extractor.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--disable-dev-shm-usage",
         "--host-resolver-rules=MAP * ~NOTFOUND"]


def _find() -> str | None:
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _install() -> str | None:
    if os.environ.get("EXTRACTOR_INSTALL_BROWSER") != "1" or not hasattr(os, "geteuid") or os.geteuid() != 0 \
            or not shutil.which("apt-get"):
        return None
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    try:
        if subprocess.run(cmd, env=env, capture_output=True, timeout=900).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
            subprocess.run(cmd, env=env, capture_output=True, timeout=900)
        # a small Chinese font for readable screenshots, where none is installed (best effort)
        fc = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, timeout=60) if shutil.which("fc-list") \
            else None
        if fc is None or not fc.stdout.strip():
            subprocess.run(["apt-get", "install", "-y", "-q", "fonts-wqy-microhei"], env=env, capture_output=True,
                           timeout=600)
    except (OSError, subprocess.TimeoutExpired):
        return _find()
    return _find()


@pytest.fixture(scope="session")
def chromium() -> str:
    path = _find() or _install()
    if not path:
        pytest.skip("no Chromium (set EXTRACTOR_INSTALL_BROWSER=1 as root with apt-get to install Debian's chromium)")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _run(chromium: str, tmp_path: Path, args: list[str]) -> str:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    return proc.stdout.decode("utf-8")


def open_page(chromium: str, page: Path, tmp_path: Path) -> tuple[dict, str]:
    """The self-test result and the DOM of ``page`` after its script ran."""
    dom = _run(chromium, tmp_path, ["--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri() + "#selftest"])
    m = re.search(r'<pre id="selftest-result"[^>]*>(.*?)</pre>', dom, re.S)
    assert m and m.group(1).strip(), "the page's script did not run"
    import html
    return json.loads(html.unescape(m.group(1))), dom


def screenshot(chromium: str, page: Path, out: Path, tmp_path: Path, fragment: str = "") -> None:
    out.unlink(missing_ok=True)
    _run(chromium, tmp_path, ["--window-size=1280,2000", "--hide-scrollbars", f"--screenshot={out}",
                              page.resolve().as_uri() + fragment])
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1280, 2000)


def _review(src: Path, out: Path) -> Path:
    assert main(["review", str(src), "-o", str(out)]) == 0
    return out


def _expected_counts(data: dict) -> dict:
    n = len(data["text"])
    keys = {"section": "sections", "measure": "measures", "indicator": "indicators", "quantity": "quantities"}

    def ok(x):
        return isinstance(x.get("start"), int) and isinstance(x.get("end"), int) and 0 <= x["start"] < x["end"] <= n
    return {kind: sum(ok(x) for x in data.get(k) or []) for kind, k in keys.items()}


def _extract(src: Path, tmp_path: Path) -> dict:
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["extract", str(src)]) == 0
    return json.loads(buf.getvalue())


def test_zhoucun_review_in_chromium(chromium, zhoucun_path, zhoucun_text, tmp_path, artifacts):
    """`extractor review` on the Zhoucun report as the pipeline extracts it today: every extracted
    quantity (and every other span) is highlighted."""
    page = _review(zhoucun_path, tmp_path / "review.html")
    data = _extract(zhoucun_path, tmp_path)
    result, dom = open_page(chromium, page, tmp_path)
    assert result["ok"], result
    for kind, n in _expected_counts(data).items():
        assert result["kinds"][kind] == {"located": n, "highlighted": n}, kind
    pane = rf.parse_text_pane(dom)
    assert pane["text"] == zhoucun_text
    marked = {k for k, tag in pane["tags"].items() if tag == "mark"}
    assert marked == {f"q{i}" for i, q in enumerate(data["quantities"])}
    shutil.copy(page, artifacts / "review-zhoucun.html")
    screenshot(chromium, page, artifacts / "review-zhoucun.png", tmp_path)


def test_annotated_zhoucun_review_in_chromium(chromium, zhoucun_text, tmp_path, artifacts):
    """A hand-built report on the Zhoucun text with nested and overlapping spans of every type, given to
    `extractor review` as JSON: highlights, side table, click-to-evidence, hover, filters."""
    data = rf.build(zhoucun_text)
    src = tmp_path / "zhoucun.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page = _review(src, tmp_path / "review.html")
    result, dom = open_page(chromium, page, tmp_path)
    assert result["ok"], result
    counts = _expected_counts(data)
    assert all(counts[k] > 5 for k in counts), counts
    for kind, n in counts.items():
        assert result["kinds"][kind] == {"located": n, "highlighted": n}, kind
    assert result["click"] == {"key": f"i{len(data['indicators']) - 1}", "fragments": 1, "active": True,
                               "visible": True, "details": True}
    assert result["hover"] == {"shown": True, "value": True} and result["filter"]["restored"]
    assert result["textClick"] == {"rowActive": True}
    assert result["search"]["shown"] == 1 and result["search"]["allMatch"] and result["search"]["restored"]
    pane = rf.parse_text_pane(dom)
    assert pane["text"] == zhoucun_text
    for i, q in enumerate(data["quantities"]):
        assert pane["keys"][f"q{i}"] == q["text"] and pane["tags"][f"q{i}"] == "mark"
    for i, ind in enumerate(data["indicators"]):
        assert pane["keys"][f"i{i}"] == ind["evidence"]
    rows = re.findall(r'<tr class="irow[^"]*" data-k="(i\d+)"', dom)
    assert rows == [f"i{i}" for i in range(len(data["indicators"]))]
    shutil.copy(page, artifacts / "review-zhoucun-annotated.html")
    screenshot(chromium, page, artifacts / "review-zhoucun-annotated.png", tmp_path)
    key = f"i{len(data['indicators']) - 1}"
    screenshot(chromium, page, artifacts / "review-zhoucun-annotated-selected.png", tmp_path, f"#show={key}")
    url = page.resolve().as_uri() + f"#show={key}"
    dom = _run(chromium, tmp_path, ["--virtual-time-budget=3000", "--dump-dom", url])
    assert re.search(rf'<span class="hl ind[^"]*active[^"]*" data-k="{key}"', dom)
    assert re.search(rf'<tr class="irow[^"]*active[^"]*" data-k="{key}"', dom)
    details = re.search(r'<div id="detail-body">(.*?)</div></section>', dom, re.S).group(1)
    assert data["indicators"][-1]["indicator"] in details


def test_markup_in_a_report_shows_as_text(chromium, tmp_path, artifacts):
    data = rf.hostile()
    src = tmp_path / "hostile.json"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page = _review(src, tmp_path / "hostile.html")
    result, dom = open_page(chromium, page, tmp_path)
    assert result["ok"] and result["pwned"] is False and result["scripts"] == 2, result
    pane = rf.parse_text_pane(dom)
    assert pane["text"] == rf.HOSTILE_TEXT
    assert "<script>window.__pwned=1</script>" in pane["text"]
    screenshot(chromium, page, artifacts / "review-hostile.png", tmp_path)


SHARED_DOCS = ["zhoucun-2023.pdf", "zhoucun-2023.docx", "2026_广东省_政府工作报告.txt"]


@pytest.mark.shared
@pytest.mark.parametrize("name", SHARED_DOCS)
def test_review_of_other_formats_and_genres_in_chromium(chromium, shared_dir, name, tmp_path):
    """The review page of a PDF, a Word file and a long 政府工作报告 as extracted today: every span shown."""
    src = shared_dir / "corpora" / "dev" / name
    if not src.exists():
        pytest.skip(f"{src} is absent")
    data = _extract(src, tmp_path)
    page = _review(src, tmp_path / "review.html")
    result, dom = open_page(chromium, page, tmp_path)
    assert result["ok"], result
    for kind, n in _expected_counts(data).items():
        assert result["kinds"][kind] == {"located": n, "highlighted": n}, kind
    assert rf.parse_text_pane(dom)["text"] == data["text"]
