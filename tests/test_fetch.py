"""URLs as inputs, against a local HTTP server on 127.0.0.1 only: saved pages and PDFs, robots.txt, rate limit,
retries, and the errors (404, 500, slow, redirect loop, oversized); batches of URLs are resumable."""
from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from extractor import batch
from extractor.batch.store import Store
from extractor.cli import main
from extractor.ingest import load
from extractor.ingest.fetch import FetchError, Fetcher

REPORT = ("测试甲区人民政府关于2023年度法治政府建设情况的报告\n一、推进法治政府建设的主要举措和成效\n"
          "全年收到行政复议申请47件，调解矛盾纠纷1049件，调解成功率98%以上。\n二、存在的不足和原因\n宣传有待加强。\n")


def make_pdf(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 12)
    y = 800
    for line in text.replace("测试甲区", "测试乙区").replace("1049", "2210").splitlines():
        c.drawString(50, y, line)
        y -= 20
    c.save()
    return buf.getvalue()


class Site:
    """What the server serves, and what it saw."""

    def __init__(self):
        self.hits: dict = {}
        self.agents: list = []
        self.times: list = []
        html = f"<html><head><title>报告</title></head><body><article>{''.join(f'<p>{ln}</p>' for ln in REPORT.splitlines())}</article></body></html>"
        self.pages = {
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/report.html": (200, "text/html; charset=utf-8", html.encode("utf-8")),
            "/files/report": (200, "application/pdf", make_pdf(REPORT)),
            "/private/secret.html": (200, "text/html", html.encode("utf-8")),
            "/big.txt": (200, "text/plain", b"x" * 300_000),
        }


@pytest.fixture(scope="module")
def site():
    s = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path
            s.hits[path] = s.hits.get(path, 0) + 1
            s.agents.append(self.headers.get("User-Agent"))
            s.times.append((path, time.monotonic()))
            if path == "/slow":
                time.sleep(2.5)
            if path == "/flaky" and s.hits[path] == 1:
                return self._send(503, "text/plain", b"busy")
            if path == "/flaky":
                return self._send(200, "text/plain", REPORT.replace("甲", "丙").encode("utf-8"))
            if path.startswith("/loop"):
                self.send_response(302)
                self.send_header("Location", "/loop2" if path == "/loop1" else "/loop1")
                self.end_headers()
                return
            if path == "/error":
                return self._send(500, "text/plain", b"oops")
            if path in s.pages:
                return self._send(*s.pages[path])
            return self._send(404, "text/plain", b"not found")

        def _send(self, status, ctype, body):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield s
    server.shutdown()


def fetcher(**kw) -> Fetcher:
    opts = dict(rate=0.0, retries=1, backoff=0.05, timeout=1.0)
    opts.update(kw)
    return Fetcher(**opts)


def test_saved_page_and_pdf_are_read_with_provenance(site):
    f = fetcher()
    got = f.fetch(site.base + "/report.html")
    assert got.status == 200 and got.suffix == ".html" and got.fetched_at.endswith("+00:00")
    doc = load(got.url, data=got.data, suffix=got.suffix)
    assert "收到行政复议申请47件" in doc.text
    pdf = f.fetch(site.base + "/files/report")  # no extension in the URL: the Content-Type says PDF
    assert pdf.suffix == ".pdf"
    assert "行政复议申请47件" in load(pdf.url, data=pdf.data, suffix=pdf.suffix).text
    assert all(a and a.startswith("extractor/") and "robots.txt" in a for a in site.agents)


@pytest.mark.parametrize("path, message", [
    ("/missing.html", "HTTP 404"),
    ("/error", "HTTP 500"),
    ("/slow", "no answer within 1 s after 2 tries"),
    ("/loop1", "redirect loop"),
    ("/big.txt", "limit (--max-bytes)"),
    ("/private/secret.html", "disallowed by the site's robots.txt"),
])
def test_errors_are_one_line(site, path, message):
    with pytest.raises(FetchError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        fetcher(max_bytes=100_000).fetch(site.base + path)
    assert "\n" not in str(exc.value) and str(exc.value).startswith(site.base + path)


def test_retries_with_backoff(site):
    got = fetcher(retries=2).fetch(site.base + "/flaky")
    assert got.status == 200 and site.hits["/flaky"] == 2


def test_per_host_rate_limit(site):
    f = fetcher(rate=0.4)
    t0 = time.monotonic()
    for _ in range(3):
        f.fetch(site.base + "/report.html")
    assert time.monotonic() - t0 >= 0.8  # robots.txt, then three pages: at least two intervals between pages


def test_extract_a_url_from_the_command_line(site, capsys):
    assert main(["extract", site.base + "/report.html", "--format", "table"]) == 0
    assert "47" in capsys.readouterr().out
    assert main(["extract", site.base + "/missing.html"]) == 2
    err = capsys.readouterr().err
    assert "HTTP 404" in err and err.count("\n") == 1


def test_batch_of_urls_keeps_raw_bytes_and_resumes(site, tmp_path):
    lst = tmp_path / "urls.txt"
    lst.write_text("\n".join(site.base + p for p in ["/report.html", "/files/report", "/missing.html",
                                                     "/private/secret.html"]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    s = batch.run_batch([lst], out, workers=1, quiet=True, fetcher=fetcher())
    assert (s.total, s.done, s.failed) == (4, 2, 2)
    with Store(out, read_only=True) as st:
        rows = st.con.execute("SELECT source, url, http_status, content_type, raw_path, fetched_at FROM "
                              "document_sources ORDER BY source").fetchall()
        errs = st.con.execute("SELECT path, stage, message FROM errors ORDER BY path").fetchall()
    assert [r[2] for r in rows] == [200, 200]
    assert {r[3].split(";")[0] for r in rows} == {"application/pdf", "text/html"}
    for source, url, _, _, raw, when in rows:
        assert source == url and when and (tmp_path / "out" / "fetched").is_dir()
        from pathlib import Path
        assert Path(raw).read_bytes()[:4] in (b"%PDF", b"<htm")
    assert [e[1] for e in errs] == ["fetch", "fetch"] and "HTTP 404" in errs[0][2]
    hits = dict(site.hits)
    s2 = batch.run_batch([lst], out, workers=1, quiet=True, fetcher=fetcher())
    assert (s2.done, s2.skipped) == (0, 4)
    assert site.hits.get("/report.html") == hits.get("/report.html")  # done URLs are not fetched again


def test_csv_url_column(site, tmp_path):
    import csv
    p = tmp_path / "c.csv"
    with open(p, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["publisher", "link", "full_text"])
        w.writerow(["甲区", site.base + "/report.html", ""])
        w.writerow(["丁区", "", REPORT.replace("甲", "丁").replace("47", "61")])
    s = batch.run_batch([p], tmp_path / "out", workers=1, quiet=True, url_column="link", fetcher=fetcher())
    assert (s.total, s.done, s.failed) == (2, 2, 0)
    with Store(tmp_path / "out", read_only=True) as st:
        meta = st.con.execute("SELECT meta FROM document_sources WHERE url IS NOT NULL").fetchone()[0]
    assert "甲区" in meta
