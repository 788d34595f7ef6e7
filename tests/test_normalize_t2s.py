"""Traditional → simplified in the working copy: only the lines holding a character that OpenCC's t2s may
change (data/t2s_changes.txt, written by tools/build_t2s_changes.py) go through OpenCC, and the result is
the one of converting every line."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.text import normalize as nz

cc = nz._opencc()
pytestmark = pytest.mark.skipif(cc is None, reason="OpenCC is not installed")


def every_line(text: str) -> str:
    return "\n".join(nz._simplified_line(cc, line) for line in text.split("\n"))


def test_the_list_is_for_the_installed_opencc():
    import opencc
    if nz._t2s_changes() is None:
        pytest.skip(f"data/t2s_changes.txt is not for OpenCC {opencc.__version__}: rerun "
                    "tools/build_t2s_changes.py (every line is converted meanwhile)")


def test_every_character_opencc_changes_is_listed():
    changes = nz._t2s_changes()
    if changes is None:
        pytest.skip("the list is for another OpenCC version")
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x2F800, 0x2FA1F),
              (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    missed = [chr(c) for a, b in ranges for c in range(a, b + 1)
              if cc.convert(chr(c)) != chr(c) and not changes.match(chr(c))]
    assert missed == []


TRADITIONAL = [
    "國務院關於進一步優化營商環境的意見，於2023年發佈。",
    "全區行政復議機關共收到復議申請54件，乾淨整潔，瞭解情況。",
    "他著手處理這個問題，穿著整齊；乾隆年間的檔案。",
    "覆蓋率達到98%以上，覆信已發出。",
    "简体的一行\n繁體的一行：經濟發展\n又是简体",
]


@pytest.mark.parametrize("text", TRADITIONAL)
def test_traditional_lines_convert_as_opencc_does(text):
    out = nz.to_simplified(text)
    assert out == every_line(text) and len(out) == len(text)
    if "繁體" in text:
        assert "繁体的一行：经济发展" in out and out.startswith("简体的一行\n") and out.endswith("\n又是简体")


def test_simplified_text_is_left_as_it_is():
    text = "全区行政复议机关共收到复议申请54件，覆盖率达到98%以上。\n显著提升，著作权登记1200件。"
    assert nz.to_simplified(text) is text or nz.to_simplified(text) == text == every_line(text)


_CHARS = st.sampled_from(list("國務院關於進一步優化營商環境的意見發佈行政复議乾淨整潔瞭解著手處理這個問題穿覆蓋信"
                              "简体区县市年月日一二三四五六七八九十百千万亿元件人次%.0123456789，。；：\n 　"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHARS, max_size=80).map("".join))
def test_any_text_converts_as_every_line_does(text):
    assert nz.to_simplified(text) == every_line(text)
