"""The Starlette application of ``extractor serve DIR``.

Pages: ``/documents`` (filterable list), ``/documents/{doc_id}`` (the review page, with corrections saved to
``DIR/annotations/``), ``/indicators`` (catalogue and coverage), ``/compare`` (pivot, chart, CSV / XLSX),
``/series`` (one region across years, with consistency checks). Static assets are the package's own
(``extractor/serve/static``); templates are files in ``extractor/serve/templates``.

Security: the database is opened read-only with external access off (see :mod:`extractor.serve.db`);
the only thing the app writes is ``DIR/annotations/<doc_id>.json``, for a ``doc_id`` the database knows, from a
JSON body (``Content-Type: application/json``, same origin) that validates against the document text. No URL
names a file: documents are found by ``doc_id`` in the database; static files are served from the package
folder only (Starlette's ``StaticFiles`` refuses paths that leave it). Jinja2 autoescapes every value.
Requests whose ``Host`` is not the bound address (or ``localhost``) are refused (DNS rebinding).
"""
from __future__ import annotations

import csv
import functools
import html
import io
import json
import time
import urllib.parse
from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from extractor.serve import corrections as gold_files
from extractor.serve import queries
from extractor.serve.db import DB, QueryTimeout

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
MAX_CHART_SERIES = 12
COMPARE_ROWS = 100  # pivot rows on one page of the compare view (the exports have them all)


class Explorer:
    """The state of one served batch folder: its database, caches and the annotations folder."""

    def __init__(self, out_dir, timeout: float = 5.0):
        self.dir = Path(out_dir).resolve()
        self.db = DB(self.dir, timeout=timeout)
        self._texts: dict = {}

    def close(self) -> None:
        self.db.close()

    # the document text, where the batch has no texts table: re-read from the source the batch recorded
    def load_text(self, row: dict):
        from extractor.ingest import load
        src = str(row.get("source") or "")
        doc_id = row.get("doc_id")
        if doc_id in self._texts:
            return self._texts[doc_id]
        res = (None, None, f"the document text is not in the batch and its source {src!r} cannot be read")
        path, _, key = src.partition("#")
        for cand in (Path(path), self.dir / path, self.dir.parent / path):
            if not path or not cand.is_file():
                continue
            try:
                if key:
                    from extractor.batch.inputs import tabular_items
                    item = next((it for it in tabular_items(cand) if it.doc_id == doc_id), None)
                    if item is not None:
                        res = (item.text, None, None)
                        break
                    continue
                doc = load(cand)
            except Exception as exc:  # an unreadable source: the page says so
                res = (None, None, f"the source {src!r} cannot be read ({exc})")
                continue
            note = None if doc.id == doc_id else "the source file changed since the batch ran: highlights may be off"
            res = (doc.text, doc.page_starts, note)
            break
        if len(self._texts) > 64:
            self._texts.pop(next(iter(self._texts)))
        self._texts[doc_id] = res
        return res


def _nav(active: str = "", doc: Optional[dict] = None) -> str:
    links = [("/documents", "Documents"), ("/indicators", "Indicators"), ("/compare", "Compare"), ("/series", "Time series")]
    out = ['<nav class="nav"><b>extractor</b>']
    for href, label in links:
        out.append(f'<a href="{href}"{" class=on" if label == active else ""}>{label}</a>')
    if doc and doc.get("region"):
        q = urllib.parse.urlencode({"region": doc["region"]})
        out.append(f'<a href="/series?{html.escape(q)}">{html.escape(doc["region"])} across years</a>')
    out.append("</nav>")
    return "".join(out)


def _params(request: Request) -> dict:
    qp = request.query_params
    return {k: (qp.getlist(k) if len(qp.getlist(k)) > 1 else qp.get(k)) for k in qp.keys()}


def _list(request: Request, key: str) -> list[str]:
    vals = []
    for v in request.query_params.getlist(key):
        vals.extend(x.strip() for x in v.replace("，", ",").split(",") if x.strip())
    return vals


def create_app(out_dir, host: str = "127.0.0.1", timeout: float = 5.0, debug: bool = False) -> Starlette:
    ex = Explorer(out_dir, timeout=timeout)
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True)
    templates = Jinja2Templates(env=env)
    env.globals["fmt_value"] = queries.fmt_value
    env.globals["quote"] = lambda s: urllib.parse.quote(str(s), safe="")
    env.globals["nav"] = _nav
    env.globals["evidence_href"] = queries.evidence_href

    def page(request, name, ctx, status=200):
        ctx = dict(ctx, request=request)
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def home(request):
        return RedirectResponse("/documents", status_code=307)

    def documents(request):
        params = _params(request)
        try:
            pg = max(1, int(request.query_params.get("page") or 1))
        except ValueError:
            pg = 1
        rows, total = queries.documents(ex.db, params, pg)
        fails = queries.failures(ex.db) if params.get("failures") else []
        n_fail = ex.db.scalar("SELECT count(*) FROM errors") if ex.db.has("errors") else 0
        return page(request, "documents.html", {
            "rows": rows, "total": total, "page": pg, "pages": max(1, -(-total // queries.PAGE_SIZE)),
            "options": _options(), "params": params, "failures": fails, "n_failures": n_fail,
            "filters": queries.FILTERS, "query": urllib.parse.urlencode(
                [(k, v) for k, v in request.query_params.multi_items() if k != "page"])})

    @functools.lru_cache(maxsize=1)
    def _options():
        return queries.filter_options(ex.db)

    @functools.lru_cache(maxsize=32)
    def _review(doc_id: str, saved_mtime: float) -> Optional[str]:
        from extractor.output.viz import render_html
        data = queries.report_dict(ex.db, doc_id, ex.load_text)
        if data is None:
            return None
        saved = gold_files.load(ex.dir, doc_id)
        return render_html(data, save_url=f"/documents/{urllib.parse.quote(doc_id, safe='')}/annotations",
                           saved=saved, nav=_nav("", data["document"].get("region") and {
                               "region": data["document"]["region"].get("name")}), note=data.get("note"))

    def document(request):
        doc_id = request.path_params["doc_id"]
        p = gold_files.path_for(ex.dir, doc_id)
        mtime = p.stat().st_mtime if p.is_file() else 0.0
        body = _review(doc_id, mtime)
        if body is None:
            raise HTTPException(404, f"no document {doc_id!r} in this batch")
        return HTMLResponse(body)

    def get_annotations(request):
        doc_id = request.path_params["doc_id"]
        if queries.document_row(ex.db, doc_id) is None:
            raise HTTPException(404, f"no document {doc_id!r} in this batch")
        gold = gold_files.load(ex.dir, doc_id)
        if gold is None:
            raise HTTPException(404, "no annotations saved for this document")
        return JSONResponse(gold)

    async def post_annotations(request):
        doc_id = request.path_params["doc_id"]
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return JSONResponse({"error": "send the corrections as application/json"}, status_code=415)
        origin = request.headers.get("origin")
        if origin and urllib.parse.urlsplit(origin).netloc != request.headers.get("host"):
            return JSONResponse({"error": "cross-origin request refused"}, status_code=403)
        raw = await request.body()
        if len(raw) > gold_files.MAX_BYTES:
            return JSONResponse({"error": "too large"}, status_code=413)
        data = queries.report_dict(ex.db, doc_id, ex.load_text)
        if data is None:
            return JSONResponse({"error": f"no document {doc_id!r} in this batch"}, status_code=404)
        try:
            gold = gold_files.validate(json.loads(raw.decode("utf-8")), data["text"],
                                        set(queries.catalogue_index()))
        except (ValueError, UnicodeDecodeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        gold["doc_id"] = doc_id
        src = str((data["document"] or {}).get("source") or "").partition("#")[0]
        for cand in (Path(src), ex.dir / src, ex.dir.parent / src):
            if src and cand.is_file():  # where `extractor train --gold-extra DIR` finds the document
                gold["path"] = str(cand.resolve())
                break
        merged = gold_files.merge(gold_files.load(ex.dir, doc_id), gold, data["text"])
        path = gold_files.save(ex.dir, doc_id, merged)
        rows = len(merged.get("quantities") or []) + len(merged.get("indicators_extra") or [])
        return JSONResponse({"ok": True, "path": f"annotations/{path.name}", "rows": rows,
                             "corrections": len(merged.get("corrections") or [])})

    def indicators(request):
        rows, genres, years = queries.coverage(ex.db)
        q = (request.query_params.get("q") or "").strip().lower()
        if q:
            rows = [r for r in rows if q in " ".join(str(r.get(k) or "") for k in ("id", "name_zh", "category",
                                                                                   "name_en")).lower()]
        if request.query_params.get("stated"):
            rows = [r for r in rows if r["docs"]]
        return page(request, "indicators.html", {"rows": rows, "genres": genres, "years": years, "q": q,
                                                 "stated": bool(request.query_params.get("stated"))})

    def _compare(request):
        inds, regs, yrs, pers = (tuple(_list(request, k)) for k in ("indicator", "region", "year", "period"))
        layout = "indicators" if request.query_params.get("layout") == "indicators" else "years"
        return _pivot(inds, regs, yrs, pers, layout)

    @functools.lru_cache(maxsize=64)  # the database does not change while served; the page and its charts share it
    def _pivot(inds, regs, yrs, pers, layout):
        limit = ex.db.max_rows
        rows = queries.indicator_rows(ex.db, inds, regs, yrs, pers, limit=limit) if inds else []
        p = queries.pivot(rows, layout)
        p["truncated"] = len(rows) >= limit
        return inds, regs, yrs, pers, layout, p

    def compare(request):
        inds, regs, yrs, pers, layout, p = _compare(request)
        from markupsafe import Markup
        try:
            rpage = max(1, int(request.query_params.get("rpage") or 1))
        except ValueError:
            rpage = 1
        n_pages = max(1, -(-len(p["rows"]) // COMPARE_ROWS))
        rpage = min(rpage, n_pages)
        shown = p["rows"][(rpage - 1) * COMPARE_ROWS: rpage * COMPARE_ROWS]
        for r in shown:
            if "html" not in r:
                r["html"] = Markup("".join(queries.cell_html(c) for c in r["cells"]))
        base_qs = urllib.parse.urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "rpage"])
        choices = _compare_choices()
        unknown = [i for i in inds if i not in choices["indicator_ids"]]
        qs = urllib.parse.urlencode(list(request.query_params.multi_items()))
        charts = []
        seen = set()
        for c in p["columns"]:
            key = (c["indicator"], c["period"])
            if key not in seen and len(charts) < 4:
                seen.add(key)
                charts.append({"indicator": c["indicator"], "period": c["period"], "name_zh": c["name_zh"]})
        return page(request, "compare.html", {
            "p": p, "inds": inds, "regs": regs, "yrs": yrs, "pers": pers, "layout": layout, "choices": choices,
            "unknown": unknown, "qs": qs, "charts": charts, "shown": shown, "rpage": rpage, "n_pages": n_pages,
            "base_qs": base_qs})

    @functools.lru_cache(maxsize=1)
    def _compare_choices():
        inds = ex.db.query("SELECT indicator, any_value(name_zh) AS name_zh, any_value(unit) AS unit, "
                           "count(DISTINCT doc_id) AS docs FROM indicators GROUP BY indicator "
                           "ORDER BY docs DESC, indicator", limit=2000)
        regs = ex.db.query("SELECT region, any_value(province) AS province, count(DISTINCT doc_id) AS docs "
                           "FROM indicators WHERE region IS NOT NULL GROUP BY region ORDER BY province, region",
                           limit=5000)
        yrs = [r["year"] for r in ex.db.query("SELECT DISTINCT year FROM indicators WHERE year IS NOT NULL "
                                               "ORDER BY year", limit=500)]
        pers = [r["period"] for r in ex.db.query("SELECT DISTINCT period FROM indicators WHERE period IS NOT NULL "
                                                  "ORDER BY period", limit=100)]
        return {"indicators": inds, "indicator_ids": {r["indicator"] for r in inds}, "regions": regs,
                "years": yrs, "periods": pers}

    def compare_csv(request):
        *_, p = _compare(request)
        head, rows = queries.pivot_table(p)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(head)
        w.writerows(rows)
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="compare.csv"'})

    def compare_xlsx(request):
        *_, p = _compare(request)
        head, rows = queries.pivot_table(p)
        from openpyxl import Workbook
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("compare")
        ws.append(head)
        for r in rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="compare.xlsx"'})

    def compare_chart(request):
        from extractor.serve.charts import chart_svg
        *_, p = _compare(request)
        ind = request.query_params.get("chart") or (p["columns"][0]["indicator"] if p["columns"] else "")
        per = request.query_params.get("chart_period")
        kind = "lines" if request.query_params.get("kind") == "lines" else "bars"
        svg = chart_svg(p, ind, per, kind, max_series=MAX_CHART_SERIES)
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=60"})

    def series(request):
        region = (request.query_params.get("region") or "").strip()
        regions = queries.regions(ex.db)
        data = queries.series(ex.db, region) if region else None
        flagged = {}
        if data:
            for f in data["flags"]:
                for cell in f["cells"]:
                    flagged.setdefault(tuple(cell), []).append(f)
        cat = queries.catalogue_index()
        return page(request, "series.html", {"region": region, "regions": regions, "data": data,
                                             "flagged": flagged, "cat": cat})

    async def not_found(request, exc):
        status = getattr(exc, "status_code", 404)
        detail = getattr(exc, "detail", "not found")
        if request.url.path.startswith("/documents/") and request.url.path.endswith("/annotations"):
            return JSONResponse({"error": detail}, status_code=status)
        return page(request, "error.html", {"status": status, "detail": detail}, status=status)

    async def timeout(request, exc):
        return page(request, "error.html", {"status": 503, "detail": str(exc)}, status=503)

    async def headers(request, call_next):
        t0 = time.perf_counter()
        resp = await call_next(request)
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
        return resp

    from starlette.middleware.base import BaseHTTPMiddleware
    hosts = sorted({host, "127.0.0.1", "localhost", "::1", "[::1]", "testserver"} - {"0.0.0.0", "::", ""})
    if host in ("0.0.0.0", "::"):
        hosts = ["*"]
    routes = [
        Route("/", home),
        Route("/documents", documents),
        Route("/documents/{doc_id}", document),
        Route("/documents/{doc_id}/annotations", get_annotations, methods=["GET"]),
        Route("/documents/{doc_id}/annotations", post_annotations, methods=["POST"]),
        Route("/indicators", indicators),
        Route("/compare", compare),
        Route("/compare.csv", compare_csv),
        Route("/compare.xlsx", compare_xlsx),
        Route("/compare/chart.svg", compare_chart),
        Route("/series", series),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(debug=debug, routes=routes,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
                                Middleware(BaseHTTPMiddleware, dispatch=headers)],
                    exception_handlers={HTTPException: not_found, 404: not_found, QueryTimeout: timeout})
    app.state.explorer = ex
    return app
