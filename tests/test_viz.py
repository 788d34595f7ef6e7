"""The review page (extractor/viz.py, `extractor review`): nesting of overlapping spans, escaping,
self-containment, bad offsets, the Report conveniences. The page in a real browser: test_browser.py."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import review_fixture as rf
from extractor.output import viz
from extractor.cli import main
from extractor.core.document import Document
from extractor.core.facts import IndicatorValue, Measure, Quantity, Section
from extractor.output.report import Report

KIND_KEYS = {"section": "sections", "measure": "measures", "indicator": "indicators", "quantity": "quantities"}
TEXT_FIELD = {"quantity": "text", "measure": "text", "indicator": "evidence"}


def check_page(data: dict, page: str) -> dict:
    """Every located span is shown by fragments whose text is exactly its text; the pane's text is the
    document text; the elements nest properly (parse_text_pane asserts it)."""
    pane = rf.parse_text_pane(page)
    assert pane["text"] == data["text"]
    prefix = {"section": "s", "measure": "m", "indicator": "i", "quantity": "q"}
    for kind, key in KIND_KEYS.items():
        for idx, item in enumerate(data.get(key) or []):
            k = f"{prefix[kind]}{idx}"
            assert pane["keys"].get(k) == data["text"][item["start"]:item["end"]], (k, item)
    return pane


# -- nesting: table of hand-made overlaps --------------------------------------------------------------

TEXT = "一、总体\n接收行政复议申请54件，建立8个行政复议便民联系点，化解40余次。\n二、不足\n部分基层力量不足。"


def _at(s: str, n: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(n + 1):
        i = TEXT.index(s, i + 1)
    return i, i + len(s)


NEST_CASES = {
    # name: (sections, measures, indicators, quantities) as substrings of TEXT
    "quantity inside indicator inside measure inside section": (
        ["一、总体\n接收行政复议申请54件，建立8个行政复议便民联系点，化解40余次。\n"], ["建立8个行政复议便民联系点"],
        ["建立8个"], ["8个"]),
    "indicator partly overlapping a measure": (
        [], ["建立8个行政复议便民联系点"], ["54件，建立8个"], ["54件", "8个"]),
    "same span for indicator and quantity": ([], [], ["54件"], ["54件"]),
    "adjacent spans": ([], ["接收行政复议申请"], [], ["54件", "，建立"]),
    "span crossing a section boundary": (
        ["一、总体\n接收行政复议申请54件，", "建立8个行政复议便民联系点，化解40余次。\n二、不足\n部分基层力量不足。"],
        ["54件，建立"], [], []),
    "nested sections": ([TEXT, "二、不足\n部分基层力量不足。"], [], [], ["40余次"]),
    "spans at the very start and end": (["一、"], [], [], ["不足。"]),
}


def _data(secs, ms, inds, qs) -> dict:
    def span(s):
        a, b = _at(s)
        return a, b
    out = {"schema": "extractor/1", "document": {"title": "t", "source": "t.txt"}, "text": TEXT,
           "sections": [], "measures": [], "indicators": [], "quantities": []}
    for i, s in enumerate(secs):
        a, b = span(s)
        out["sections"].append({"id": str(i + 1), "level": 1 + i, "number": None, "title": s[:4], "part": None,
                                "start": a, "end": b})
    for s in ms:
        a, b = span(s)
        out["measures"].append({"text": s, "start": a, "end": b, "name": None, "type": "action"})
    for s in qs:
        a, b = span(s)
        out["quantities"].append({"text": s, "start": a, "end": b, "value": 1, "unit": "个", "qualifier": "exact"})
    for s in inds:
        a, b = span(s)
        q = next((j for j, x in enumerate(out["quantities"]) if a <= x["start"] and x["end"] <= b), None)
        out["indicators"].append({"indicator": "x.y", "evidence": s, "start": a, "end": b, "value": 1, "unit": "个",
                                  "qualifier": "exact", "quantity": q, "confidence": 0.9})
    return out


@pytest.mark.parametrize("case", NEST_CASES.values(), ids=list(NEST_CASES))
def test_overlapping_spans_nest_properly(case):
    data = _data(*case)
    page = viz.render_html(data)
    pane = check_page(data, page)
    for k, tag in pane["tags"].items():
        assert tag == {"s": "div", "q": "mark", "m": "span", "i": "span"}[k[0]]


def test_quantity_inside_indicator_inside_measure_is_nested_in_that_order():
    data = _data(*NEST_CASES["quantity inside indicator inside measure inside section"])
    body = viz.render_text(data["text"], *viz._collect(data)[:2])
    assert re.search(r'<div class="sec[^>]*data-k="s0"[^>]*>.*<span class="hl ms" data-k="m0"><span class="hl ind" '
                     r'data-k="i0">建立<mark class="hl qt" data-k="q0">8个</mark></span>行政复议便民联系点</span>', body, re.S)


def test_quantities_no_indicator_took_are_marked_free():
    data = _data([], [], ["54件"], ["54件", "8个"])
    pane = rf.parse_text_pane(viz.render_html(data))
    assert "free" not in pane["classes"]["q0"] and "free" in pane["classes"]["q1"]
    items = viz._collect(data)[1]  # the details of a quantity name the indicator that took it
    assert items["q0"]["indicator"] == "x.y" and "indicator" not in items["q1"]


span_st = st.tuples(st.sampled_from(list(KIND_KEYS)), st.integers(0, 40), st.integers(1, 12))


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="法治<>&\"'\r\n 12件%", min_size=1, max_size=40), spans=st.lists(span_st, max_size=12))
def test_any_spans_render_as_well_formed_html_with_exact_text(text, spans):
    data = {"text": text, "document": {}, "sections": [], "measures": [], "indicators": [], "quantities": []}
    for kind, start, length in spans:
        start = min(start, len(text) - 1)
        end = min(len(text), start + length)
        piece = text[start:end]
        item = {"start": start, "end": end, "id": "x", "level": 1 + start % 3}
        if kind in TEXT_FIELD:
            item[TEXT_FIELD[kind]] = piece
        data[KIND_KEYS[kind]].append(item)
    check_page(data, viz.render_html(data))


# -- escaping and self-containment ---------------------------------------------------------------------

def test_document_text_and_fields_are_escaped():
    data = rf.hostile()
    page = viz.render_html(data)
    check_page(data, page)
    assert page.count("<script") == 2  # the data block and the page's own script, nothing from the report
    assert "<img" not in page and "<b>便民" not in page and "<i>便民" not in page and "<b>x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&amp;amp;" in page  # the literal text "&amp;" shows as itself
    blob = re.search(r'<script type="application/json" id="extractor-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in blob and json.loads(blob)["items"]["i0"]["name_zh"].startswith("</script>")


def test_page_needs_no_network():
    page = viz.render_html(rf.build(rf.HOSTILE_TEXT * 3))
    assert not re.search(r"<[a-z][^<>]*\s(src|href|srcset)\s*=", page, re.I)  # no tag loads anything
    assert "http://" not in page and "https://" not in page and "@import" not in page


# -- bad spans still render, and are reported ----------------------------------------------------------

def test_spans_without_valid_offsets_are_listed_not_rendered():
    data = _data([], [], [], ["54件"])
    data["quantities"] += [{"text": "x", "start": None, "end": None, "value": 1, "unit": "个"},
                           {"text": "y", "start": 5, "end": 999, "value": 1, "unit": "个"},
                           {"text": "不是这个", "start": 0, "end": 2, "value": 1, "unit": "个"}]
    _, items, problems = viz._collect(data)
    assert [(p["key"], p["problem"]) for p in problems] == [
        ("q1", "no valid span"), ("q2", "no valid span"), ("q3", "text[start:end] differs from its text")]
    page = viz.render_html(data)
    pane = rf.parse_text_pane(page)
    assert pane["text"] == TEXT and "q1" not in pane["keys"] and "mismatch" in pane["classes"]["q3"]
    assert "3 span(s) could not be shown as given" in page


def test_empty_report_renders():
    page = viz.render_html({"text": "没有数字的报告。", "document": {}})
    assert "没有数字的报告。" in page and "No indicator values" in page and "No sections found" in page


def test_render_html_rejects_other_objects():
    with pytest.raises(TypeError):
        viz.render_html("a string")


# -- Report conveniences and the notebook view ---------------------------------------------------------

@pytest.fixture()
def report() -> Report:
    doc = Document(text=TEXT, source="t.txt", id="abc", format="text")
    a, b = _at("54件")
    c, d = _at("8个")
    e, f = _at("建立8个行政复议便民联系点")
    return Report(
        document=doc, meta={"title": "测试", "year": 2023},
        section_list=[Section(id="1", parent=None, level=1, number="一、", title="总体", part="results", category=None,
                          start=0, end=TEXT.index("二、"), title_start=2, title_end=4)],
        quantity_list=[Quantity(text="54件", start=a, end=b, value=54, unit="件"),
                    Quantity(text="8个", start=c, end=d, value=8, unit="个")],
        measure_list=[Measure(text=TEXT[e:f], start=e, end=f, name=None, type="action")],
        indicator_list=[IndicatorValue(indicator="reconsideration.applications_received", value=54, unit="件",
                                   qualifier="exact", period="actual", year=2023, evidence=TEXT[a - 8:b], start=a - 8,
                                   end=b, quantity=0, confidence=0.55, name_zh="接收行政复议申请")])


def test_report_repr_html_is_the_review_page_in_an_iframe(report):
    out = report._repr_html_()
    assert out.startswith("<iframe srcdoc=\"") and "<script" not in out.split('srcdoc="', 1)[1].split('"', 1)[0]
    import html as _html
    inner = _html.unescape(re.search(r'srcdoc="(.*?)"', out, re.S).group(1))
    assert inner == viz.render_html(report)
    check_page(report.to_dict(), inner)


def test_report_to_html_writes_the_page(report, tmp_path):
    page = report.to_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == page
    assert 'data-k="i0"' in page and "接收行政复议申请" in page


def test_unused_quantities_and_low_confidence(report):
    free = report.unused_quantities()
    assert list(free["quantity"]) == [1] and list(free["text"]) == ["8个"]
    low = report.low_confidence(0.8)
    assert list(low["indicator"]) == ["reconsideration.applications_received"]
    assert report.low_confidence(0.5).empty


# -- the command ---------------------------------------------------------------------------------------

def test_review_command_on_the_zhoucun_report(zhoucun_path, zhoucun_text, tmp_path):
    out = tmp_path / "review.html"
    assert main(["review", str(zhoucun_path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    data = json.loads(_extract_json(zhoucun_path, tmp_path).read_text(encoding="utf-8"))
    check_page(data, page)
    assert rf.parse_text_pane(page)["text"] == zhoucun_text


def _extract_json(path, tmp_path):
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["extract", str(path)]) == 0
    out = tmp_path / "report.json"
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def test_review_command_accepts_extract_json(zhoucun_path, tmp_path, capsys):
    js = _extract_json(zhoucun_path, tmp_path)
    data = json.loads(js.read_text(encoding="utf-8"))
    data["quantities"] = rf.build(data["text"])["quantities"]  # a JSON with spans, as the stages will give
    js.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(js), "-o", "-"]) == 0
    page = capsys.readouterr().out
    pane = check_page(data, page)
    assert sum(k.startswith("q") for k in pane["keys"]) == len(data["quantities"]) > 50


@pytest.mark.parametrize("content, cause", [
    ("{not json", "not a valid JSON file"),
    ('{"schema": "other", "text": "x"}', "not the output of `extractor extract`"),
    ("[1, 2]", "not the output of `extractor extract`"),
])
def test_review_command_rejects_other_json(tmp_path, capsys, content, cause):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["review", str(bad), "-o", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"extractor: {bad}:") and cause in err and not (tmp_path / "x.html").exists()


def test_review_command_missing_file(tmp_path, capsys):
    assert main(["review", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err
