"""Tables: every table of a report as a grid of typed cells, and every figure in it as a quantity.

A reader gives the grid (:class:`~extractor.core.document.SourceTable`: PDF ruling or alignment, Word,
HTML); for text and Markdown documents (whose document text is the file itself) the detectors here find
Markdown pipe tables, the flattened form some sites serve (cells between ``|`` marks, a row broken over
lines), and whitespace- or tab-aligned columns. :func:`build_table` then reads the grid as a table:

- **caption** (``表1 2023年末常住人口数及其构成``) and **unit line** (``单位：亿元``), in the lines just before
  the table or in its first spanning rows;
- **header rows**: the rows before the first row with a figure; a spanning cell heads every column under it,
  so a column's label is its header cells top-down (``申请人情况 / 法人或其他组织 / 商业企业``);
- **stub columns**: the text columns on the left (and the code or 序号 columns among them, whose numbers are
  never figures); a row's label is its stub cells left to right; ``其中：``/``#`` rows are sub-rows;
- per column **unit, kind and multiplier** from its header (``年末数（万人）`` → count ×10,000 人,
  ``比上年增长%`` → change in %, ``比重（%）`` → rate), else from the row label, else the unit line;
- ``-``, ``—``, ``…`` and empty cells hold no value; totals (合计, 总计) are marked.

Each numeric data cell becomes a :class:`~extractor.core.facts.Quantity` (``table``, ``row``, ``col`` set)
whose ``text`` is the cell's text: ``document.text[q.start:q.end] == q.text`` as for every quantity.
The rules are data: ``data/tables/tables.yaml``.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Optional

from extractor.text import yamlio

from extractor.core.document import Document, SourceCell, SourceTable
from extractor.core.facts import Quantity
from extractor.text.units import unit_table

DATA = Path(__file__).resolve().parents[1] / "data" / "tables" / "tables.yaml"

_FOLD = str.maketrans("０１２３４５６７８９．，－％＋（）：", "0123456789.,-%+():")
_NUM = re.compile(r"^(?P<sign>[-−–+]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<rest>.*)$")
_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")


@functools.lru_cache(maxsize=1)
def rules() -> dict:
    r = yamlio.safe_load(DATA.read_text(encoding="utf-8"))
    comp = dict(r)
    for k in ("caption", "unit_line", "header_unit", "unit_header", "change_header", "rate_header", "stock_header",
              "trap_header", "sub_row", "total"):
        comp[k] = re.compile(r[k])
    comp["no_value"] = frozenset(r["no_value"])
    comp["context_units"] = [(re.compile(c["pattern"]), c["unit"]) for c in r.get("context_units") or []]
    return comp


def _fold(s: str) -> str:
    return s.translate(_FOLD).strip()


# ------------------------------------------------------------------------------------------ the model

@dataclass
class Unit:
    """A column's (or row's) unit: canonical unit, kind, multiplier, and the unit as written."""

    unit: str = ""
    kind: str = "count"
    mult: Decimal = Decimal(1)
    text: str = ""


@dataclass
class TableCell:
    row: int
    col: int
    text: str
    start: int
    end: int
    rowspan: int = 1
    colspan: int = 1
    role: str = "data"  # header | stub | data | code | caption
    value: Optional[float] = None
    unit: Optional[str] = None
    kind: Optional[str] = None
    quantity: Optional[int] = None  # index into the report's quantities (set by the pipeline)
    page: Optional[int] = None
    bbox: Optional[tuple] = None

    def to_dict(self) -> dict:
        d = {"row": self.row, "col": self.col, "text": self.text, "start": self.start, "end": self.end,
             "role": self.role}
        if self.rowspan != 1:
            d["rowspan"] = self.rowspan
        if self.colspan != 1:
            d["colspan"] = self.colspan
        v = self.value
        d["value"] = int(v) if isinstance(v, float) and v.is_integer() else v
        if self.value is not None:
            d["unit"] = self.unit
            d["kind"] = self.kind
        if self.quantity is not None:
            d["quantity"] = self.quantity
        if self.page is not None:
            d["page"] = self.page
        return d


@dataclass
class Table:
    """One table: caption, unit, header rows, stub, typed cells; ``to_frame()`` gives a DataFrame."""

    id: str
    start: int
    end: int
    source: str
    n_rows: int
    n_cols: int
    cells: list = field(default_factory=list)
    page: Optional[int] = None
    caption: Optional[str] = None
    caption_start: Optional[int] = None
    caption_end: Optional[int] = None
    unit: Optional[str] = None  # the unit line as written
    header_rows: int = 0
    stub_cols: int = 0
    header: list = field(default_factory=list)  # the header rows, spanning cells repeated: [[str]]
    columns: list = field(default_factory=list)  # one label per column (header cells top-down)
    rows: list = field(default_factory=list)  # one label per row (stub cells left to right)
    sub_rows: list = field(default_factory=list)  # row indexes of 其中/# rows
    total_rows: list = field(default_factory=list)
    total_cols: list = field(default_factory=list)
    section: Optional[str] = None
    subheaders: dict = field(default_factory=dict)  # body row → column labels that head the rows below it
    continues: Optional[str] = None  # the id of the table this one continues (a table broken over pages)
    side_stubs: dict = field(default_factory=dict)  # text column right of data columns → its labels per row

    def row_label(self, row: int, col: int) -> str:
        """The label of ``row`` for the cells of column ``col``: the nearest stub on its left (a table of two
        halves side by side, 收入 | 支出, has a stub column in the middle)."""
        side = [k for k in self.side_stubs if k < col]
        if side:
            labels = self.side_stubs[max(side)]
            return labels[row] if row < len(labels) else ""
        return self.rows[row] if row < len(self.rows) else ""
    _stub_carry: list = field(default_factory=list, repr=False)
    _col_units: list = field(default_factory=list, repr=False)

    def column_label(self, row: int, col: int) -> str:
        """The label of column ``col`` for a body ``row``: the nearest header row above it."""
        best = None
        for r in self.subheaders:
            if r < row and (best is None or r > best):
                best = r
        if best is not None:
            labels = self.subheaders[best]
            return labels[col] if col < len(labels) else ""
        return self.columns[col] if col < len(self.columns) else ""

    def cell(self, row: int, col: int) -> Optional[TableCell]:
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None

    def to_dict(self) -> dict:
        return {"id": self.id, "page": self.page, "caption": self.caption, "unit": self.unit,
                "source": self.source, "start": self.start, "end": self.end, "section": self.section,
                "n_rows": self.n_rows, "n_cols": self.n_cols, "header_rows": self.header_rows,
                "stub_cols": self.stub_cols, "header": self.header, "columns": self.columns, "rows": self.rows,
                "subheaders": {str(k): v for k, v in self.subheaders.items()}, "continues": self.continues,
                "side_stubs": {str(k): v for k, v in self.side_stubs.items()},
                "cells": [c.to_dict() for c in self.cells]}

    def to_frame(self):
        """The body as a pandas DataFrame: index = row labels, columns = the header (a MultiIndex when the
        header has several rows); cells are values where the cell has one, else the cell text."""
        import pandas as pd
        body = [r for r in range(self.header_rows, self.n_rows)]
        data_cols = list(range(self.stub_cols, self.n_cols))
        grid = {}
        for c in self.cells:
            if c.role in ("header", "caption"):
                continue
            grid[(c.row, c.col)] = c.value if c.value is not None else (c.text or None)
        values = [[grid.get((r, k)) for k in data_cols] for r in body]
        if self.header_rows > 1:
            tuples = [tuple(self.header[h][k] for h in range(self.header_rows)) for k in data_cols]
            columns = pd.MultiIndex.from_tuples(tuples)
        elif self.header_rows == 1:
            columns = [self.header[0][k] for k in data_cols]
        else:
            columns = [str(k) for k in data_cols]
        index = [self.rows[r] if r < len(self.rows) else str(r) for r in body]
        df = pd.DataFrame(values, columns=columns, index=pd.Index(index, name=self.caption or self.id))
        return df


# ----------------------------------------------------------------------------------------- cell values

@dataclass
class _UnitTables:
    units: dict  # surface -> (canonical, kind); kind "reject" for dates and durations
    mults: dict  # surface -> Decimal


@functools.lru_cache(maxsize=1)
def _units() -> _UnitTables:
    """The units and multipliers of ``data/quantities/units.yaml`` (the same table as the prose finder's; read
    here, not imported, so that the quantities stage may call this one)."""
    u = yamlio.safe_load((DATA.parents[1] / "quantities" / "units.yaml").read_text(encoding="utf-8"))
    return _UnitTables(*unit_table(u))


def parse_unit(u: str) -> Optional[Unit]:
    """A unit as written in a header (``万人``, ``亿元``, ``%``, ``万元``) → :class:`Unit`, or None."""
    t = _units()
    u = _fold(u).replace(" ", "")
    if not u:
        return None
    if u in ("%", "‰"):
        return Unit(u, "rate", Decimal(1), u)
    if u in ("百分点", "个百分点"):
        return Unit("百分点", "change", Decimal(1), u)
    if u in t.units and t.units[u][1] != "reject":
        canon, kind = t.units[u]
        return Unit(canon, kind, Decimal(1), u)
    for m in sorted(t.mults, key=len, reverse=True):
        if u.startswith(m):
            rest = u[len(m):]
            if not rest:
                return Unit("", "count", t.mults[m], u)
            if rest in t.units and t.units[rest][1] != "reject":
                canon, kind = t.units[rest]
                return Unit(canon, kind, t.mults[m], u)
    return None


def header_unit(text: str) -> Optional[Unit]:
    """The unit a header cell names: ``年末数（万人）``, ``比上年增长%``, ``金额（单位：万元）``, ``本年制发件数``."""
    r = rules()
    s = _fold(text)
    for m in r["header_unit"].finditer(s):
        cand = m.group("unit") or m.group("pct") or m.group("unit2")
        if not cand:
            continue
        for part in re.split(r"[、,，/]", cand):
            u = parse_unit(part)
            if u is not None:
                return u
    lm = r["unit_line"].search(s)
    if lm:
        u = parse_unit(re.split(r"[、,，/]", lm.group("unit"))[0])
        if u is not None:
            return u
    for suffix, unit in r["count_suffixes"].items():
        if s.replace(" ", "").endswith(suffix):
            return parse_unit(unit)
    return None


def cell_number(text: str) -> Optional[tuple]:
    """``(value, Unit or None, inner unit text)`` of a cell holding one figure (``3213.34``, ``-2.1``,
    ``5.4%``, ``25件``, ``1,234``), else None."""
    s = _fold(text).replace(" ", "")
    if not s:
        return None
    m = _NUM.match(s)
    if not m:
        return None
    rest = m.group("rest")
    num = Decimal(m.group("num").replace(",", ""))
    if m.group("sign") in ("-", "−", "–"):
        num = -num
    if not rest:
        return num, None
    u = parse_unit(rest)
    if u is None:
        return None
    return num, u


def _is_number(text: str) -> bool:
    return cell_number(text) is not None


def _is_empty(text: str) -> bool:
    return not text.strip() or _fold(text).replace(" ", "") in rules()["no_value"]


# ------------------------------------------------------------------------------------------ the builder

def _grid(src: SourceTable, text: str) -> tuple[dict, dict, int, int]:
    """(top-left cells by (row, col), covering cell by every (row, col), n_rows, n_cols)."""
    tops, cover = {}, {}
    for c in src.cells:
        tops[(c.row, c.col)] = c
        for r in range(c.row, c.row + max(1, c.rowspan)):
            for k in range(c.col, c.col + max(1, c.colspan)):
                cover[(r, k)] = c
    return tops, cover, src.n_rows, src.n_cols


_CELL_EDGE = " \t\r\n\u3000|"  # what is stripped from a cell's edges


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _CELL_EDGE:
        s += 1
    while e > s and text[e - 1] in _CELL_EDGE:
        e -= 1
    return s, e


def _context_before(text: str, start: int, lines: int = 3) -> list[tuple[int, int]]:
    """The spans of up to ``lines`` non-empty lines before ``start`` (nearest last); also the part of the
    table's own line before it."""
    out = []
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        s, e = _strip_span(text, line_start, start)
        out.append((s, e))
    pos = line_start - 1
    while pos > 0 and len(out) < lines:
        ls = text.rfind("\n", 0, pos) + 1
        line = text[ls:pos]
        if ("\t" in line or "|" in line) and not (len(line) <= 60 and rules()["unit_line"].search(_fold(line))):
            break  # the row of another table (a short line with the unit, 编制部门：…\t单位：元, is not)
        s, e = _strip_span(text, ls, pos)
        if e > s:
            out.append((s, e))
        pos = ls - 1
    return out[::-1]


def build_table(doc_text: str, src: SourceTable, table_id: str, prev: Optional[Table] = None) -> Optional[Table]:
    """Read one source grid as a :class:`Table` (None when it holds nothing but empty cells). ``prev`` is the
    table before it: a grid without header rows and with as many columns, on the next page, continues it
    (its column labels, units and the row labels spanning the page break)."""
    r = rules()
    tops, cover, n_rows, n_cols = _grid(src, doc_text)
    if not tops:
        return None
    cells: dict = {}
    for (row, col), sc in sorted(tops.items()):
        s, e = _strip_span(doc_text, sc.start, sc.end)
        cells[(row, col)] = TableCell(row=row, col=col, text=doc_text[s:e], start=s, end=e, rowspan=sc.rowspan,
                                      colspan=sc.colspan, page=sc.page, bbox=sc.bbox)

    def text_at(row, col) -> str:
        sc = cover.get((row, col))
        return cells[(sc.row, sc.col)].text if sc is not None else ""

    tab = Table(id=table_id, start=src.start, end=src.end, source=src.source, n_rows=n_rows, n_cols=n_cols,
                page=src.page)
    # caption and unit: spanning first rows, then the lines just before the table
    first = 0
    while first < n_rows:
        row_cells = [cells[k] for k in sorted(cells) if k[0] == first and cells[k].text]
        if len(row_cells) != 1 or n_cols < 2:
            break
        c = row_cells[0]
        if r["caption"].search(c.text) and tab.caption is None:
            tab.caption, tab.caption_start, tab.caption_end = c.text, c.start, c.end
        elif r["unit_line"].fullmatch(_fold(c.text)) or r["unit_line"].match(_fold(c.text)):
            tab.unit = c.text
        else:
            break
        c.role = "caption"
        first += 1
    for s, e in _context_before(doc_text, src.start):
        line = doc_text[s:e]
        if tab.unit is None:
            um = r["unit_line"].search(_fold(line))
            if um and len(line) <= 60 and (um.start() == 0 or r["caption"].match(line)
                                           or _fold(line)[um.start():um.end()].strip() != _fold(line)[um.start():um.end()]
                                           or _fold(line)[um.start() - 1] in " \t\u3000"):
                tab.unit = (line[um.start():um.end()] if len(line) == len(_fold(line)) else line).strip()
        cm = r["caption"].search(line)
        if tab.caption is None and cm and len(line) <= 80:
            cap = line
            um = r["unit_line"].search(cap)
            if um:
                cap = cap[:um.start()].rstrip()
            tab.caption, tab.caption_start, tab.caption_end = cap, s, s + len(cap)

    # column types over the body: text, int (codes, 序号, counts) or num
    def numeric(c: TableCell) -> bool:
        n = cell_number(c.text)
        return n is not None

    # header rows: the rows before the first row with a figure (a row of bare years is a header)
    body0 = None
    for row in range(first, n_rows):
        nums = [cells[(row, k)] for k in range(n_cols) if (row, k) in cells and numeric(cells[(row, k)])]
        if not nums:
            continue
        if row == first and all(_YEARLIKE.match(_fold(c.text)) for c in nums) and len(nums) >= 1:
            continue
        body0 = row
        break
    if body0 is None:
        body0 = first  # no figures at all: a text table
    header_rows = list(range(first, body0))
    trap_cols, unit_cols = set(), set()
    for k in range(n_cols):
        head = "".join(text_at(h, k) for h in header_rows).replace(" ", "")
        if head and r["unit_header"].fullmatch(head):
            unit_cols.add(k)  # a column of units: 指标 | 单位 | 绝对数
        elif head and r["trap_header"].search(head):
            trap_cols.add(k)
    kinds = []
    for k in range(n_cols):
        vals = [cells[(row, k)].text for row in range(body0, n_rows) if (row, k) in cells]
        vals = [v for v in vals if not _is_empty(v)]
        if not vals:
            kinds.append("empty")
            continue
        nums = [v for v in vals if _is_number(v)]
        if len(nums) * 2 < len(vals):
            kinds.append("text")
        elif all(re.fullmatch(r"\d+", _fold(v).replace(" ", "")) for v in nums):
            kinds.append("int")
        else:
            kinds.append("num")
    # stub: the columns up to the last text column that has only text, codes or empties on its left
    stub_end = 0
    for k in range(n_cols):
        if kinds[k] == "text" and all(kinds[j] in ("text", "int", "empty") or j in trap_cols for j in range(k)):
            stub_end = k + 1
    while stub_end < n_cols and stub_end in trap_cols:
        stub_end += 1
    # a sequence 1, 2, 3 … in the first column with a text column next to it: 序号
    if stub_end == 0 and n_cols > 2 and kinds[0] == "int" and kinds[1] == "text":
        stub_end = 2
    tab.header_rows = body0 - first if first else body0
    tab.stub_cols = stub_end
    # header labels per column (spanning cells repeated), stub labels per row
    tab.header = [[text_at(h, k) for k in range(n_cols)] for h in range(0, body0)]
    if first:
        tab.header = tab.header[first:]
        tab.header_rows = len(tab.header)
    for k in range(n_cols):
        parts = []
        for h in header_rows:
            t = _clean_label(text_at(h, k))
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        tab.columns.append(" / ".join(parts))
    cont = (prev is not None and body0 == first == 0 and prev.n_cols == n_cols and prev.stub_cols == stub_end
            and (src.page is None or prev.page is None or src.page in (prev.page, prev.page + 1)))
    if cont:
        tab.columns = list(prev.columns)
        tab.continues = prev.id
        tab.caption = tab.caption or prev.caption
    # an empty leading stub cell repeats the one above (a span the reader did not give, or across a page)
    carry = list(prev._stub_carry) if cont else [""] * stub_end  # type: ignore[union-attr]
    for row in range(n_rows):
        texts = [text_at(row, k) for k in range(stub_end)]
        if row >= body0 and any(texts):
            lead = next(k for k, t in enumerate(texts) if t)
            # an empty cell spanning rows is an explicit blank, unless it opens a continued table (the span
            # goes on from the page before)
            spanned = [k for k in range(lead) if cover.get((row, k)) is not None and cover[(row, k)].rowspan > 1
                       and not (cont and cover[(row, k)].row == 0)]
            texts = [("" if k in spanned else carry[k]) for k in range(lead)] + texts[lead:]
            carry = texts
        parts = []
        for k in range(stub_end):
            if k in trap_cols or k in unit_cols or kinds[k] == "int":
                continue
            t = _clean_label(texts[k])
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        tab.rows.append(" / ".join(parts))
    tab._stub_carry = carry
    for k in range(stub_end + 1, n_cols):
        if kinds[k] == "text" and any(kinds[j] in ("num", "int") for j in range(stub_end, k)) \
                and k + 1 < n_cols and kinds[k + 1] in ("num", "int"):
            tab.side_stubs[k] = [_clean_label(text_at(row, k)) if row >= body0 else "" for row in range(n_rows)]
    # a body row of text over the data columns and no figure heads the rows below it (信息内容 | 本年处理决定数量)
    heads_of = {}
    cur = [[text_at(h, k) for h in header_rows] for k in range(n_cols)]
    for row in range(body0, n_rows):
        data_texts = [text_at(row, k) for k in range(stub_end, n_cols)]
        if n_cols - stub_end >= 1 and all(t and not _is_number(t) and not _is_empty(t) for t in data_texts) \
                and len({id(cover.get((row, k))) for k in range(stub_end, n_cols)}) >= 1 \
                and cover.get((row, stub_end)) is not cover.get((row, 0)) \
                and len(set(data_texts + [text_at(row, 0)])) > 1:
            cur = [[text_at(row, k)] for k in range(n_cols)]
            tab.subheaders[row] = [_clean_label(text_at(row, k)) for k in range(n_cols)]
            for k in range(n_cols):
                if (row, k) in cells:
                    cells[(row, k)].role = "header"
        heads_of[row] = cur
    # roles and units
    col_units = [_column_unit([text_at(h, k) for h in header_rows]) for k in range(n_cols)]
    if cont:
        col_units = list(prev._col_units)  # type: ignore[union-attr]
    tab._col_units = col_units
    table_unit = None
    if tab.unit:
        um = r["unit_line"].search(_fold(tab.unit))
        if um:
            table_unit = [u for u in (parse_unit(p) for p in re.split(r"[、,，/]", um.group("unit"))) if u]
    ctx_unit = None
    if not table_unit and not any(col_units):
        blob = " ".join(tab.columns + tab.rows) + " " + (tab.caption or "")
        for rx, u in r["context_units"]:
            if rx.search(blob):
                ctx_unit = parse_unit(u)
                break
    for (row, col), c in cells.items():
        if c.role == "caption":
            continue
        if row < body0:
            c.role = "header"
            continue
        if c.role == "header":
            continue
        if col in unit_cols:
            c.role = "unit"
            continue
        if col < stub_end or col in tab.side_stubs:
            c.role = "code" if (col in trap_cols or kinds[col] == "int") else "stub"
            continue
        if col in trap_cols:
            c.role = "code"
            continue
        c.role = "data"
        parsed = cell_number(c.text)
        if parsed is None:
            continue
        num, inner = parsed
        row_unit = next((parse_unit(text_at(row, k)) for k in sorted(unit_cols) if parse_unit(text_at(row, k))), None)
        head = tab.column_label(row, col)
        cu = _column_unit(heads_of[row][col]) if row in heads_of else col_units[col]
        unit = inner or cu or row_unit or _row_unit(tab.row_label(row, col)) or _parent_unit(tab, row, body0, r) \
            or _pick(table_unit, head) or ctx_unit or Unit()
        mult = unit.mult if inner is None else inner.mult
        kind = unit.kind
        if unit.unit in ("%", "‰") and r["change_header"].search(head.replace(" ", "")):
            kind = "change"
        elif unit.unit in ("%", "‰") and r["rate_header"].search(head):
            kind = "rate"
        c.value = _float(num * mult)
        c.unit, c.kind = unit.unit, kind
    tab.cells = [cells[k] for k in sorted(cells)]
    for row in range(body0, n_rows):
        label = tab.rows[row]
        stub = " ".join(text_at(row, k) for k in range(stub_end))
        if r["sub_row"].match(stub) or r["sub_row"].match(label.split(" / ")[-1] if label else ""):
            tab.sub_rows.append(row)
        last = label.split(" / ")[-1] if label else ""
        if last and r["total"].match(last):
            tab.total_rows.append(row)
    for k in range(stub_end, n_cols):
        last = tab.columns[k].split(" / ")[-1] if tab.columns[k] else ""
        if last and r["total"].match(last):
            tab.total_cols.append(k)
    return tab


def _float(x: Decimal) -> float:
    v = float(x)
    r = round(v, 6)
    return r if abs(r - v) < 1e-9 * max(1.0, abs(v)) else v


def _clean_label(t: str) -> str:
    t = re.sub(r"\s+", "", t) if re.fullmatch(r"(?:\S\s)+\S", t.strip()) else " ".join(t.split())
    return t


def _column_unit(heads: list) -> Optional[Unit]:
    for h in reversed(heads):
        if h:
            u = header_unit(h)
            if u is not None:
                return u
    return None


def _row_unit(label: str) -> Optional[Unit]:
    if not label:
        return None
    return header_unit(label.split(" / ")[-1])


def _parent_unit(tab: Table, row: int, body0: int, r: dict) -> Optional[Unit]:
    """A 其中/# sub-row without a unit of its own: the unit of the row it is part of."""
    if not tab.rows[row] or not r["sub_row"].match(tab.rows[row].split(" / ")[-1]):
        return None
    for k in range(row - 1, body0 - 1, -1):
        label = tab.rows[k]
        if label and not r["sub_row"].match(label.split(" / ")[-1]):
            return _row_unit(label)
    return None


def _pick(units: Optional[list], head: str) -> Optional[Unit]:
    """One unit of a unit line that names several (``单位：万元、%``): % for a change or share column."""
    if not units:
        return None
    r = rules()
    if len(units) > 1:
        pct = next((u for u in units if u.unit in ("%", "‰")), None)
        if pct and (r["change_header"].search(head) or r["rate_header"].search(head)):
            return pct
        return next((u for u in units if u.unit not in ("%", "‰")), units[0])
    return units[0]


# --------------------------------------------------------------------------------- cells as quantities

def table_quantities(tab: Table, table_index: int) -> list[Quantity]:
    """One quantity per data cell with a value; ``subject`` = row label + column label (+ caption)."""
    out = []
    stock_rx = rules()["stock_header"]
    stock_table = bool(tab.caption and stock_rx.search(tab.caption))
    for c in tab.cells:
        if c.role != "data" or c.value is None:
            continue
        row_label = tab.row_label(c.row, c.col)
        col_label = tab.column_label(c.row, c.col)
        subject = " ".join(x for x in (row_label, col_label) if x)
        if tab.caption:
            subject = f"{subject}（{tab.caption}）" if subject else tab.caption
        if not row_label and not col_label:
            continue  # a lone number with nothing naming it (a page number, a stray total)
        stock = stock_table or bool(stock_rx.search(col_label)) or bool(stock_rx.search(row_label))
        period = "stock" if stock and c.kind != "change" else "actual"
        out.append(Quantity(text=c.text, start=c.start, end=c.end, value=c.value, unit=c.unit or "",
                            qualifier="exact", kind=c.kind or "count", period=period, subject=subject or None,
                            page=c.page, unit_text=None, clause=None, table=tab.id, row=c.row, col=c.col))
    return out


# ----------------------------------------------------------------------------- detectors for plain text

_MD_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _split_pipes(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cell spans of one Markdown row ``| a | b |`` (outer pipes optional, ``\\|`` kept in the cell)."""
    line = text[s:e]
    bars = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    if not bars:
        return []
    bounds = []
    lead = line[:bars[0]].strip()
    start = 0 if lead else bars[0] + 1
    cuts = bars if lead else bars[1:]
    for b in cuts:
        bounds.append((s + start, s + b))
        start = b + 1
    tail = line[start:]
    if tail.strip():
        bounds.append((s + start, s + len(line)))
    return bounds


def detect_markdown(text: str, lines: Optional[list] = None) -> list[SourceTable]:
    out = []
    lines = _lines(text) if lines is None else lines
    i = 0
    while i < len(lines):
        s, e = lines[i]
        if "|" in text[s:e] and i + 1 < len(lines) and _MD_SEP.match(text[lines[i + 1][0]:lines[i + 1][1]]) \
                and "|" in text[lines[i + 1][0]:lines[i + 1][1]] + text[s:e]:
            rows = [lines[i]]
            j = i + 2
            while j < len(lines) and "|" in text[lines[j][0]:lines[j][1]] and text[lines[j][0]:lines[j][1]].strip():
                rows.append(lines[j])
                j += 1
            cells = []
            for r_i, (rs, re_) in enumerate(rows):
                for c_i, (cs, ce) in enumerate(_split_pipes(text, rs, re_)):
                    cs2, ce2 = _strip_span(text, cs, ce)
                    cells.append(SourceCell(row=r_i, col=c_i, start=cs2, end=max(cs2, ce2)))
            if len(rows) >= 2 and cells:
                out.append(SourceTable(start=rows[0][0], end=rows[-1][1], cells=cells, source="markdown"))
            i = j
            continue
        i += 1
    return out


_CAPTION_INLINE = re.compile(r"(?:附?表\s*[0-9一二三四五六七八九十]+)[^\S\n]*[^\s|]+[^\S\n]+")
_SENT_BREAK = re.compile(r"[。；！？!?]\s*|\s{2,}")


def detect_flattened(text: str, taken: list, lines: Optional[list] = None) -> list[SourceTable]:
    """Cells between ``|`` marks with rows broken anywhere (044.txt): the number of columns is the one that
    makes every body row a label followed by figures or empties."""
    out = []
    lines = _lines(text) if lines is None else lines
    groups, cur, gap = [], [], 0
    for k, (s, e) in enumerate(lines):
        has = "|" in text[s:e]
        if has and not any(a <= s < b for a, b in taken):
            cur.append(k)
            gap = 0
        elif cur and gap == 0 and text[s:e].strip() and len(text[s:e]) <= 60 and k + 1 < len(lines) \
                and text[lines[k + 1][0]:lines[k + 1][1]].strip() == "|":
            cur.append(k)  # one cell per line between | lines
            gap = 1
        else:
            if cur:
                groups.append(cur)
            cur, gap = [], 0
    if cur:
        groups.append(cur)
    for g in groups:
        s0, e0 = lines[g[0]][0], lines[g[-1]][1]
        region = text[s0:e0]
        if region.count("|") < 6:
            continue
        first_bar = s0 + region.index("|")
        pre_s, pre_e = _strip_span(text, s0, first_bar)
        caption = None
        if pre_e > pre_s:
            pre = text[pre_s:pre_e]
            cm = None
            for cm in _CAPTION_INLINE.finditer(pre):
                pass
            if cm is not None:
                caption = (pre_s + cm.start(), pre_s + cm.end())
                cell0 = pre_s + cm.end()
            else:
                brk = None
                for brk in _SENT_BREAK.finditer(pre):
                    pass
                cell0 = pre_s + brk.end() if brk is not None else pre_s
        else:
            cell0 = first_bar + 1
        last_bar = s0 + region.rindex("|")
        segs = []
        pos = cell0
        for k in range(cell0, last_bar + 1):
            if text[k] == "|":
                segs.append((pos, k))
                pos = k + 1
        spans = [_strip_span(text, a, b) for a, b in segs]
        texts = [text[a:b] for a, b in spans]
        ncols = _fit_columns(texts)
        if ncols is None:
            continue
        cells = []
        for i, (a, b) in enumerate(spans):
            cells.append(SourceCell(row=i // ncols, col=i % ncols, start=a, end=max(a, b)))
        st = SourceTable(start=cells[0].start, end=last_bar + 1, cells=cells, source="flattened")
        if caption:
            st._caption = caption  # type: ignore[attr-defined]
        out.append(st)
    return out


def _fit_columns(texts: list) -> Optional[int]:
    """The smallest number of columns that makes every row of ``texts`` labels then figures (or all text:
    header, section and sub-header rows), every row with figures having the same number of labels (≥ 1)."""
    n = len(texts)
    kinds = ["n" if _is_number(t) else ("e" if _is_empty(t) else "t") for t in texts]
    for ncols in range(2, min(40, n // 2) + 1):
        if n % ncols:
            continue
        rows = [kinds[i:i + ncols] for i in range(0, n, ncols)]
        if "n" in rows[0]:
            continue
        leads, ok, figures = set(), True, 0
        for rw in rows:
            if "n" not in rw:
                continue
            k = 0
            while k < ncols and rw[k] == "t":
                k += 1
            if k == 0 or any(x == "t" for x in rw[k:]):
                ok = False
                break
            leads.add(k)
            figures += rw.count("n")
        if ok and len(leads) == 1 and figures >= 2:
            return ncols
    return None


_FIELD_GAP = re.compile(r"\t+|[ \u3000]{2,}")


def _gapped_lines(text: str, lines: list) -> set:
    """Indexes of the lines with two fields or more: a gap with something before it and after it in the line
    (an indented paragraph has one field). Only these can start or continue an aligned block."""
    starts = [s for s, _ in lines]
    out, pos, n = set(), 0, len(text)
    while pos < n:
        m = _FIELD_GAP.search(text, pos)
        if m is None:
            break
        k = bisect.bisect_right(starts, m.start()) - 1
        s, e = lines[k]
        if text[s:m.start()].strip(_CELL_EDGE) and text[m.end():e].strip(_CELL_EDGE):
            out.add(k)
            pos = e + 1
        else:
            pos = m.end()
    return out


def detect_aligned(text: str, taken: list, lines: Optional[list] = None) -> list[SourceTable]:
    """Lines of fields separated by tabs or runs of spaces, in the same number, with figures in them."""
    out = []
    lines = _lines(text) if lines is None else lines

    def fields(s, e):
        line = text[s:e]
        if not line.strip():
            return []
        parts, pos = [], 0
        for m in _FIELD_GAP.finditer(line):
            if m.start() > pos:
                parts.append((s + pos, s + m.start()))
            pos = m.end()
        if pos < len(line):
            parts.append((s + pos, s + len(line)))
        return [(a, b) for a, b in (_strip_span(text, a, b) for a, b in parts) if b > a]

    gapped = _gapped_lines(text, lines)
    k = 0
    while k < len(lines):
        if k not in gapped:
            k += 1
            continue
        s, e = lines[k]
        f = fields(s, e)
        if len(f) < 2 or any(a <= s < b for a, b in taken) or "|" in text[s:e]:
            k += 1
            continue
        n = len(f)
        block = [(k, f)]
        j = k + 1
        while j < len(lines) and j in gapped:
            f2 = fields(*lines[j])
            if len(f2) != n or "|" in text[lines[j][0]:lines[j][1]]:
                break
            block.append((j, f2))
            j += 1
        # a header one field short (no stub header) above the block
        numeric_rows = sum(1 for _, ff in block if sum(_is_number(text[a:b]) for a, b in ff[1:]) >= 1)
        labelled = all(any(not _is_number(text[a:b]) for a, b in ff) for _, ff in block[1:]) or (
            not any(_is_number(text[a:b]) for a, b in block[0][1]) and len(block) <= 6)
        long_lines = any(len(text[a:b]) > 40 for _, ff in block for a, b in ff)
        tabs_sep = all("\t" in text[lines[i][0]:lines[i][1]] for i, _ in block)
        enough = (len(block) >= 2 and numeric_rows >= 1) if tabs_sep else (len(block) >= 3 and numeric_rows >= 2)
        if enough and labelled and not long_lines:
            start_row = block[0][0]
            cells = []
            hdr = k - 1
            if hdr >= 0:
                fh = fields(*lines[hdr])
                if len(fh) == n - 1 and not any(_is_number(text[a:b]) for a, b in fh):
                    start_row = hdr
                    for c_i, (a, b) in enumerate(fh):
                        cells.append(SourceCell(row=0, col=c_i + 1, start=a, end=b))
            base = 1 if start_row != block[0][0] else 0
            for r_i, (_, ff) in enumerate(block):
                for c_i, (a, b) in enumerate(ff):
                    cells.append(SourceCell(row=r_i + base, col=c_i, start=a, end=b))
            out.append(SourceTable(start=lines[start_row][0], end=lines[block[-1][0]][1], cells=cells,
                                   source="aligned"))
            k = j
            continue
        k = j if j > k + 1 else k + 1
    return out


def detect_text_tables(text: str) -> list[SourceTable]:
    """The tables of a plain-text or Markdown document: pipe tables, flattened cells, aligned columns."""
    if "|" not in text and "\t" not in text and "  " not in text and "\u3000\u3000" not in text:
        return []
    lines = _lines(text)
    md = detect_markdown(text, lines)
    taken = [(t.start, t.end) for t in md]
    fl = detect_flattened(text, taken, lines)
    taken += [(t.start, t.end) for t in fl]
    al = detect_aligned(text, taken, lines)
    return sorted(md + fl + al, key=lambda t: t.start)


# ------------------------------------------------------------------------------------------- the stage

def find_tables(doc: Document) -> list[Table]:
    """The tables of ``doc``: the reader's grids, or (text and Markdown) the detected ones."""
    sources = list(doc.tables or [])
    if not sources and doc.format in ("text", "markdown"):
        sources = detect_text_tables(doc.text)
    return tables_from_sources(doc.text, sources, doc)


def tables_from_sources(text: str, sources: list, doc: Optional[Document] = None) -> list[Table]:
    out = []
    for src in sorted(sources, key=lambda t: t.start):
        tab = build_table(text, src, f"t{len(out) + 1}", out[-1] if out else None)
        if tab is None:
            continue
        cap = getattr(src, "_caption", None)
        if cap and tab.caption is None:
            tab.caption, tab.caption_start, tab.caption_end = text[cap[0]:cap[1]].strip(), cap[0], cap[1]
            um = rules()["unit_line"].search(tab.caption)
            if um and tab.unit is None:
                tab.unit = um.group(0)
        if doc is not None and doc.page_starts and tab.page is None:
            tab.page = doc.page_at(tab.start)
        out.append(tab)
    return out


def merge_quantities(tabs: list[Table], prose: list[Quantity]) -> list[Quantity]:
    """Prose quantities outside table cells, and the cells' quantities, in document order."""
    spans = sorted((c.start, c.end) for t in tabs for c in t.cells if c.role != "caption" and c.end > c.start)
    table_qs = [q for i, t in enumerate(tabs) for q in table_quantities(t, i)]
    if not spans:
        return list(prose)
    import bisect
    starts = [s for s, _ in spans]

    def inside(q) -> bool:
        k = bisect.bisect_right(starts, q.start) - 1
        return k >= 0 and spans[k][0] <= q.start < spans[k][1]

    kept = [q for q in prose if not inside(q)]
    return sorted(kept + table_qs, key=lambda q: (q.start, q.end))


def link_quantities(tabs: list[Table], quantities: list) -> None:
    """Set each data cell's ``quantity`` (index into the report's quantities)."""
    index = {(q.table, q.row, q.col): i for i, q in enumerate(quantities) if getattr(q, "table", None)}
    for t in tabs:
        for c in t.cells:
            c.quantity = index.get((t.id, c.row, c.col))


def apply(doc: Document, quantities: list) -> tuple[list[Table], list]:
    """The pipeline stage: the tables of ``doc`` and the quantity list with the table cells in it."""
    tabs = find_tables(doc)
    if not tabs:
        return [], quantities
    qs = merge_quantities(tabs, quantities)
    link_quantities(tabs, qs)
    return tabs, qs


def with_text_tables(text: str, quantities: list) -> list:
    """:func:`extractor.stages.quantities.find_quantities` on a text: the quantities of its tables too."""
    sources = detect_text_tables(text)
    if not sources:
        return quantities
    return merge_quantities(tables_from_sources(text, sources), quantities)


__all__ = ["Table", "TableCell", "Unit", "build_table", "find_tables", "apply", "detect_text_tables",
           "detect_markdown", "detect_flattened", "detect_aligned", "table_quantities", "merge_quantities",
           "cell_number", "header_unit", "parse_unit", "with_text_tables"]
