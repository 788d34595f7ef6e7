"""Table fixtures, generated at test time: a synthetic 政府信息公开工作年度报告 (the national template's three
tables, merged cells and all) and a 统计公报 table, written as Word, HTML, Markdown and text.

A table is a list of ``(row, col, rowspan, colspan, text)``; :func:`expected_cells` gives what the tables
stage must read from it: ``{(row label, column label): value}``.
"""
from __future__ import annotations

from pathlib import Path

# --------------------------------------------------------------------------------- the xxgk template

APPLICANT_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RESULT_ROWS = [  # (level-2 label, [level-3 labels])
    ("（一）予以公开", []),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", []),
    ("（三）不予公开", ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                   "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]),
    ("（四）无法提供", ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]),
    ("（五）不予处理", ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                   "5.要求行政机关确认或重新出具已获取信息"]),
    ("（六）其他处理", ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                   "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]),
    ("（七）总计", []),
]


def _values(seed: int, n: int = 6) -> list:
    """Six applicant counts and their total."""
    vals = [(seed * (k + 3)) % 7 if k else (seed * 5) % 23 for k in range(n)]
    return vals + [sum(vals)]


def active_table() -> list:
    """二、主动公开政府信息情况: one table, four blocks with their own header rows."""
    g = []
    r = 0

    def block(title, heads, rows):
        nonlocal r
        g.append((r, 0, 1, 4, title))
        r += 1
        g.append((r, 0, 1, 1, "信息内容"))
        if len(heads) == 1:
            g.append((r, 1, 1, 3, heads[0]))
        else:
            for k, h in enumerate(heads):
                g.append((r, 1 + k, 1, 1, h))
        r += 1
        for label, vals in rows:
            g.append((r, 0, 1, 1, label))
            if len(vals) == 1:
                g.append((r, 1, 1, 3, str(vals[0])))
            else:
                for k, v in enumerate(vals):
                    g.append((r, 1 + k, 1, 1, str(v)))
            r += 1
    block("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", [1, 0, 4]), ("行政规范性文件", [3, 2, 8])])
    block("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", [9487])])
    block("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", [2776]), ("行政强制", [84])])
    block("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", [75.5])])
    return g


def application_table() -> list:
    """三、收到和处理政府信息公开申请情况: 3 header rows, a 3-column stub with row spans."""
    g = [(0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
         (0, 3, 1, 7, "申请人情况"),
         (1, 3, 2, 1, "自然人"), (1, 4, 1, 5, "法人或其他组织"), (1, 9, 2, 1, "总计")]
    for k, h in enumerate(APPLICANT_COLS[1:6]):
        g.append((2, 4 + k, 1, 1, h))
    r = 3
    seed = 1

    def values(row):
        nonlocal seed
        for k, v in enumerate(_values(seed)):
            g.append((row, 3 + k, 1, 1, str(v)))
        seed += 1
    g.append((r, 0, 1, 3, "一、本年新收政府信息公开申请数量"))
    values(r)
    r += 1
    g.append((r, 0, 1, 3, "二、上年结转政府信息公开申请数量"))
    values(r)
    r += 1
    n_result = sum(max(1, len(sub)) for _, sub in RESULT_ROWS)
    g.append((r, 0, n_result, 1, "三、本年度办理结果"))
    for label, subs in RESULT_ROWS:
        if not subs:
            g.append((r, 1, 1, 2, label))
            values(r)
            r += 1
            continue
        g.append((r, 1, len(subs), 1, label))
        for s in subs:
            g.append((r, 2, 1, 1, s))
            values(r)
            r += 1
    g.append((r, 0, 1, 3, "四、结转下年度继续办理"))
    values(r)
    return g


def review_table() -> list:
    """四、政府信息公开行政复议、行政诉讼情况: no stub, three header rows, one row of figures."""
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    g = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼"),
         (1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
    for k, h in enumerate(res):
        g.append((1, k, 2, 1, h))
        g.append((2, 5 + k, 1, 1, h))
        g.append((2, 10 + k, 1, 1, h))
    vals = [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]
    for k, v in enumerate(vals):
        g.append((3, k, 1, 1, str(v)))
    return g


def gongbao_table() -> list:
    """A 统计公报 table: two header rows, 其中 sub-rows, a no-value cell, a unit per row."""
    return [(0, 0, 2, 1, "指 标"), (0, 1, 1, 2, "2023年"), (1, 1, 1, 1, "绝对数"), (1, 2, 1, 1, "比上年增长%"),
            (2, 0, 1, 1, "地区生产总值（亿元）"), (2, 1, 1, 1, "1234.56"), (2, 2, 1, 1, "5.2"),
            (3, 0, 1, 1, "  其中：第一产业"), (3, 1, 1, 1, "123.45"), (3, 2, 1, 1, "-1.5"),
            (4, 0, 1, 1, "常住人口（万人）"), (4, 1, 1, 1, "321.50"), (4, 2, 1, 1, "—")]


XXGK_TITLE = "示例县人民政府2024年政府信息公开工作年度报告"
XXGK_SECTIONS = [
    ("一、总体情况", "2024年，示例县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开。"),
    ("二、主动公开政府信息情况", None, active_table),
    ("三、收到和处理政府信息公开申请情况", None, application_table),
    ("四、政府信息公开行政复议、行政诉讼情况", None, review_table),
    ("五、存在的主要问题及改进情况", "政策解读形式还不够丰富，下一步将加强培训。"),
    ("六、其他需要报告的事项", "本年度未收取信息处理费。"),
]


def _blocks(title: str, sections: list):
    yield ("title", title)
    for sec in sections:
        yield ("heading", sec[0])
        if sec[1]:
            yield ("para", sec[1])
        if len(sec) > 2:
            yield ("table", sec[2]())


def write_docx(path: Path, title: str = XXGK_TITLE, sections: list = XXGK_SECTIONS) -> Path:
    import docx
    d = docx.Document()
    for kind, x in _blocks(title, sections):
        if kind == "title":
            d.add_heading(x, level=0)
        elif kind == "heading":
            d.add_heading(x, level=1)
        elif kind == "para":
            d.add_paragraph(x)
        else:
            n_rows = max(r + rs for r, c, rs, cs, t in x)
            n_cols = max(c + cs for r, c, rs, cs, t in x)
            t = d.add_table(rows=n_rows, cols=n_cols)
            for r, c, rs, cs, text in x:
                cell = t.cell(r, c)
                if rs > 1 or cs > 1:
                    cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
                cell.text = text
    d.save(str(path))
    return path


def _html_table(grid: list) -> str:
    rows: dict = {}
    for r, c, rs, cs, text in grid:
        rows.setdefault(r, []).append((c, rs, cs, text))
    out = ["<table border='1'>"]
    for r in range(max(rows) + 1):
        out.append("<tr>")
        for c, rs, cs, text in sorted(rows.get(r, [])):
            attrs = (f" rowspan='{rs}'" if rs > 1 else "") + (f" colspan='{cs}'" if cs > 1 else "")
            out.append(f"<td{attrs}>{text}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def write_html(path: Path, title: str = XXGK_TITLE, sections: list = XXGK_SECTIONS) -> Path:
    body = []
    for kind, x in _blocks(title, sections):
        if kind == "title":
            body.append(f"<h1>{x}</h1>")
        elif kind == "heading":
            body.append(f"<h2>{x}</h2>")
        elif kind == "para":
            body.append(f"<p>{x}</p>")
        else:
            body.append(_html_table(x))
    html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='content'>{''.join(body)}</div></body></html>")
    path.write_text(html, encoding="utf-8")
    return path


def _dense(grid: list) -> list:
    """The grid with every spanned position holding its cell's text (as PDF-to-Markdown converters write)."""
    n_rows = max(r + rs for r, c, rs, cs, t in grid)
    n_cols = max(c + cs for r, c, rs, cs, t in grid)
    out = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    for r, c, rs, cs, text in grid:
        for i in range(rs):
            for j in range(cs):
                out[r + i][c + j] = text
    return out


def markdown_table(grid: list) -> str:
    rows = _dense(grid)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def write_markdown(path: Path, title: str = XXGK_TITLE, sections: list = XXGK_SECTIONS) -> Path:
    out = []
    for kind, x in _blocks(title, sections):
        if kind == "title":
            out.append(f"# {x}")
        elif kind == "heading":
            out.append(f"## {x}")
        elif kind == "para":
            out.append(x)
        else:
            out.append(markdown_table(x))
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def flattened_table(grid: list) -> str:
    """The 044.txt form: cells between | marks, rows run together, broken over lines."""
    rows = _dense(grid)
    cells = [c for r in rows for c in r]
    return " | ".join(cells) + " |"


def aligned_table(grid: list) -> str:
    rows = _dense(grid)
    return "\n".join("    ".join(c.replace(" ", "") for c in r) for r in rows)


def expected_cells(grid: list) -> dict:
    """``{(row, col): text}`` of every non-empty cell at its top-left position."""
    return {(r, c): t.strip() for r, c, rs, cs, t in grid if t.strip()}
