"""``extractor review PATH [-o review.html]``: the review page of one report (self-contained HTML)."""
from __future__ import annotations

from extractor.commands._options import add_limit_flags, add_settings_flags, extract_limited

import json
import sys
from pathlib import Path

from extractor.core.errors import CorruptDocument


def register(sub) -> None:
    p = sub.add_parser(
        "review", help="write a self-contained HTML page highlighting what was extracted from one report",
        description="Extract one report and write one self-contained HTML page (no network needed): the text with "
                    "sections, measures, indicator evidence and quantities highlighted, a side table of indicators "
                    "that scrolls to the evidence, and filters by type. PATH may also be the JSON written by "
                    "`extractor extract`.")
    p.add_argument("path", help="the report file (text, Markdown, PDF, HTML, Word) or a JSON from `extractor extract`")
    p.add_argument("-o", "--output", help="the HTML file to write (default: <name>.review.html in the current "
                                          "directory; '-' for standard output)")
    add_settings_flags(p)
    add_limit_flags(p)
    p.add_argument("--title", help="page title (default: the report's title)")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def load_report_json(path: Path):
    """The JSON dict of ``extractor extract`` at ``path``, or None when the file is not such a JSON."""
    if path.suffix.lower() != ".json":
        return None
    from extractor.core import jsonio
    try:
        data = jsonio.loads(path.read_text(encoding="utf-8-sig"))
    except jsonio.NonFinite as exc:
        raise CorruptDocument(path, f"not valid extractor JSON: {exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptDocument(path, f"not a valid JSON file ({exc.__class__.__name__}: {exc})") from exc
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("extractor/") \
            or not isinstance(data.get("text"), str):
        raise CorruptDocument(path, "JSON is not the output of `extractor extract` (no schema 'extractor/…' "
                                    "with a 'text')")
    return data


def run(args) -> int:
    from extractor.output.viz import render_html
    path = Path(args.path)
    data = load_report_json(path) if path.is_file() else None
    if data is not None:
        from extractor.output.report import Report
        report = Report.from_dict(data)  # JSON is converted at the edge; the page is drawn from a Report
    else:
        report = extract_limited(args)
    page = render_html(report, title=args.title)
    if args.output == "-":
        sys.stdout.write(page)
        return 0
    out = Path(args.output) if args.output else Path(path.stem + ".review.html")
    out.write_text(page, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0

