"""``extractor show DIR ROW-ID``: one indicator or quantity row of a batch with its sentence, section and page."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("show", help="print one indicator or quantity row with its sentence highlighted and its page",
                       description="Print the row ROW-ID of DIR (the row_id column of indicators or quantities: "
                                   "DOCID:iN or DOCID:qN, any unique prefix of the doc_id) with its document, "
                                   "section, page and sentence, the evidence highlighted.")
    p.add_argument("dir", metavar="DIR", help="batch output folder")
    p.add_argument("row_id", metavar="ROW-ID", help="e.g. 3f9a1c07d2be:i4 (indicator) or 3f9a1c07d2be:q17 (quantity)")
    p.add_argument("--context", type=int, default=0, help="also print N sentences before and after")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def lookup(out_dir, row_id: str) -> dict:
    """The row ``row_id`` with its document, section title, sentence and context (a dict)."""
    import re

    from extractor.batch.store import Store
    from extractor.core.errors import ExtractorError
    m = re.fullmatch(r"\s*([0-9a-fA-F]{4,64}):([iq])(\d+)\s*", row_id or "")
    if not m:
        raise ExtractorError(None, f"not a row id: {row_id!r} (expected DOCID:iN or DOCID:qN, as in the row_id column)")
    prefix, kind, idx = m.group(1).lower(), m.group(2), int(m.group(3))
    with Store(out_dir, read_only=True) as s:
        con = s.con
        ids = [r[0] for r in con.execute("SELECT doc_id FROM documents WHERE starts_with(doc_id, ?)", [prefix]).fetchall()]
        if not ids:
            raise ExtractorError(None, f"no document {prefix}… in {out_dir}")
        if len(ids) > 1:
            raise ExtractorError(None, f"{prefix} names {len(ids)} documents; give more characters of the doc_id")
        doc_id = ids[0]
        table = "indicators" if kind == "i" else "quantities"
        cur = con.execute(f"SELECT * FROM {table} WHERE doc_id = ? AND idx = ?", [doc_id, idx])
        cols = [d[0] for d in cur.description]
        row = cur.fetchone()
        if row is None:
            raise ExtractorError(None, f"no {table[:-1]} row {idx} in document {doc_id[:12]}")
        rec = dict(zip(cols, row))
        doc = dict(zip([d[0] for d in con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id]).description],
                       con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id]).fetchone()))
        sec = con.execute("SELECT id, title FROM sections WHERE doc_id = ? AND id = ?",
                          [doc_id, rec.get("section")]).fetchone()
        sent = con.execute('SELECT idx, "start", "end", text, page FROM sentences WHERE doc_id = ? AND idx = ?',
                           [doc_id, rec.get("sentence")]).fetchone()
        sources = [r[0] for r in con.execute("SELECT source FROM document_sources WHERE doc_id = ? ORDER BY "
                                             "relation DESC, source", [doc_id]).fetchall()]
    return {"kind": table, "row": rec, "document": doc, "section": sec, "sentence": sent, "sources": sources}


def run(args) -> int:
    info = lookup(args.dir, args.row_id)
    rec, doc, sec, sent = info["row"], info["document"], info["section"], info["sentence"]
    tty = sys.stdout.isatty()
    on, off = ("\033[1;33m", "\033[0m") if tty else ("【", "】")
    print(f"document  {doc['source']}  ({doc.get('title') or ''})")
    print(f"          {doc.get('region') or '?'} {doc.get('year') or ''} · {doc.get('genre') or ''} · doc_id {doc['doc_id'][:12]}")
    if len(info["sources"]) > 1:
        print(f"sources   {'; '.join(info['sources'])}")
    if info["kind"] == "indicators":
        q = rec.get("qualifier")
        print(f"indicator {rec['indicator']} {rec.get('name_zh') or ''}")
        print(f"value     {rec['value']:g} {rec.get('unit') or ''}" + (f" – {rec['max']:g}" if rec.get("max") is not None else "")
              + f"  (qualifier {q}, period {rec.get('period')}, year {rec.get('year')}, "
              f"confidence {rec.get('confidence')}, {rec.get('method')})")
        span = (rec["start"], rec["end"])
    else:
        print(f"quantity  {rec['text']}  = {rec['value']:g} {rec.get('unit') or ''} (kind {rec.get('kind')}, "
              f"qualifier {rec.get('qualifier')}, period {rec.get('period')}, subject {rec.get('subject') or '-'})")
        span = (rec["start"], rec["end"])
    print(f"section   {sec[0]} {sec[1]}" if sec else "section   -")
    page = rec.get("page") or (sent[4] if sent else None)
    print(f"page      {page if page is not None else '-'}")
    print(f"offsets   {span[0]}–{span[1]}  (texts.text[{span[0]}:{span[1]}])")
    if sent:
        s0, s1, text = sent[1], sent[2], sent[3]
        a, b = max(span[0], s0) - s0, min(span[1], s1) - s0
        shown = text[:a] + on + text[a:b] + off + text[b:] if 0 <= a < b <= len(text) else text
        print(f"sentence  #{sent[0]}: {shown}")
    if args.context and sent:
        from extractor.batch.store import Store
        with Store(args.dir, read_only=True) as s:
            rows = s.con.execute("SELECT idx, text FROM sentences WHERE doc_id = ? AND idx BETWEEN ? AND ? AND idx <> ? "
                                 "ORDER BY idx", [doc["doc_id"], sent[0] - args.context, sent[0] + args.context,
                                                  sent[0]]).fetchall()
        for i, t in rows:
            print(f"          #{i}: {t}")
    return 0
