"""``extractor serve DIR [--port 8000] [--host 127.0.0.1]``: the web explorer over a batch output folder."""
from __future__ import annotations

import sys
from pathlib import Path

from extractor.core.errors import ExtractorError, InputNotFound


def register(sub) -> None:
    p = sub.add_parser("serve", help="open a local web explorer over a batch output folder",
                       description="Serve documents, indicators, compare (pivot, chart, CSV/XLSX), time series "
                                   "with consistency checks and the review page of every document, over DIR "
                                   "(made by `extractor batch` / `extractor run`). Read-only, except corrections "
                                   "saved to DIR/annotations/. Needs the 'serve' extra.")
    p.add_argument("dir", metavar="DIR", help="the batch output folder (with extractor.duckdb)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds any database query may run (default: 5)")
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.serve import missing_extra
    missing = missing_extra()
    if missing:
        raise ExtractorError(None, f"extractor serve needs the 'serve' extra (missing {', '.join(missing)}): "
                                                "pip install 'extractor[serve]'")
    d = Path(args.dir)
    if not (d / "extractor.duckdb").is_file():
        raise InputNotFound(str(d), "no extractor.duckdb here (make one with `extractor run FOLDER --out DIR`)")
    from extractor.serve import serve
    host = "localhost" if args.host == "localhost" else args.host
    print(f"extractor explorer on http://{host}:{args.port}/ over {d} (Ctrl-C to stop)", file=sys.stderr)
    serve(d, host=args.host, port=args.port, timeout=args.timeout)
    return 0
