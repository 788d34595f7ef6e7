"""Per-format cell accuracy of the tables stage on the generated fixtures (tests/table_fixtures.py).

    .venv/bin/python tools/table_accuracy.py

For every format and fixture table: the share of printed cells read exactly (text at the right row/col, offsets
grounded), and of figure cells whose value, unit and kind are right (against the Markdown reading, checked by
hand in tests/test_tables.py).
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import table_fixtures as tf  # noqa: E402
from extractor.pipeline import extract  # noqa: E402

GRIDS = {"active": tf.active_table(), "applications": tf.application_table(), "review": tf.review_table(),
         "gongbao": tf.gongbao_table()}


def cells_ok(tab, grid, text, dense):
    got = {(c.row, c.col): c.text for c in tab.cells if c.text and text[c.start:c.end] == c.text}
    want = tf.expected_cells(grid)
    if dense:  # spanned positions repeat the text: compare the top-left positions
        return sum(got.get(k) == v for k, v in want.items()), len(want)
    return sum(got.get(k) == v for k, v in want.items()) - len(set(got) - set(want)), len(want)


def main():
    d = Path(tempfile.mkdtemp())
    sections = [("一、表格", None, lambda g=g: g) for g in GRIDS.values()]
    sections = [(f"{k}、表", None, (lambda g=g: g)) for k, g in zip("一二三四", GRIDS.values())]
    docs = {"docx": tf.write_docx(d / "t.docx", "表格测试", sections),
            "html": tf.write_html(d / "t.html", "表格测试", sections),
            "md": tf.write_markdown(d / "t.md", "表格测试", sections)}
    flat = "表格测试\n" + "\n".join(f"{k}、表\n" + tf.flattened_table(g) for k, g in zip("一二三四", GRIDS.values()))
    (d / "flat.txt").write_text(flat + "\n", encoding="utf-8")
    al = "表格测试\n" + "\n".join(f"{k}、表\n" + tf.aligned_table(g) for k, g in zip("一二三四", GRIDS.values()))
    (d / "aligned.txt").write_text(al + "\n", encoding="utf-8")
    docs["flattened"], docs["aligned"] = d / "flat.txt", d / "aligned.txt"
    ref = None
    print(f"{'format':10} {'tables':>6} " + " ".join(f"{k:>14}" for k in GRIDS) + f" {'values':>12}")
    for fmt, path in docs.items():
        r = extract(path)
        text = r.document.text
        heads0 = [text.find(f"{k}、表") for k in "一二三四"] + [len(text)]
        which = {t.id: next(i for i in range(4) if heads0[i] < t.start < heads0[i + 1]) for t in r.table_list}
        vals = {(which[q.table], q.row, q.col): (q.value, q.unit, q.kind) for q in r.quantity_list if q.table}
        if ref is None and fmt == "docx":
            ref = vals
        parts = []
        heads = [text.find(f"{k}、表") for k in "一二三四"] + [len(text)]
        for i, (name, grid) in enumerate(GRIDS.items()):
            tab = next((t for t in r.table_list if heads[i] < t.start < heads[i + 1]), None)
            if tab is None:
                parts.append(f"{'missing':>14}")
                continue
            ok, n = cells_ok(tab, grid, text, fmt in ("md", "flattened", "aligned"))
            parts.append(f"{ok:>6}/{n:<3} {ok / n:4.0%}")
        vok = sum(vals.get(k) == v for k, v in ref.items())
        print(f"{fmt:10} {len(r.table_list):>6} " + " ".join(parts) + f" {vok:>5}/{len(ref)} {vok / len(ref):4.0%}")


if __name__ == "__main__":
    main()
