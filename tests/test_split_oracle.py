"""``text.sentences.split`` jumps from one mark to the next; this is the character-by-character loop it replaced,
kept as the oracle: both must cut every text the same way (real corpus texts and random strings of marks)."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from extractor.text.sentences import rules, split


def reference_split(text: str, clauses: bool = False) -> list[tuple[int, int]]:
    r = rules()
    ends = r["ends"] | (r["clause_ends"] if clauses else set())
    pairs, closers, max_quote = r["pairs"], r["closers"], int(r["max_quote"])
    out, start, stack, i, n = [], 0, [], 0, len(text)

    def emit(a: int, b: int) -> None:
        while a < b and text[a] in " \t\r\n\u3000":
            a += 1
        while b > a and text[b - 1] in " \t\r\n\u3000":
            b -= 1
        if b > a:
            out.append((a, b))

    while i < n:
        ch = text[i]
        if ch == "\n":
            stack.clear()
            emit(start, i)
            start = i + 1
        elif stack and ch == stack[-1][0]:
            _, opened = stack.pop()
            if not stack and i > 0 and text[i - 1] in ends and opened > 0 and text[opened - 1] in "：:":
                emit(start, i + 1)
                start = i + 1
        elif ch in pairs and not (ch in "“‘" and stack and stack[-1][0] == pairs[ch]):
            stack.append((pairs[ch], i))
        elif ch in ends:
            if stack and i - stack[-1][1] > max_quote:
                stack.clear()
            if not stack:
                j = i + 1
                while j < n and (text[j] in ends or text[j] in closers):
                    j += 1
                emit(start, j)
                start = i = j
                continue
        i += 1
    emit(start, n)
    return out


def _alphabet() -> str:
    r = rules()
    return "".join(sorted(set("\n“”‘’（）《》。！？；，：:.a1 \u3000\t" + "".join(r["pairs"]) + "".join(r["pairs"].values())
                              + "".join(r["closers"]) + "".join(r["ends"]) + "".join(r["clause_ends"]))))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_alphabet(), max_size=80), st.booleans())
def test_split_equals_the_reference_on_random_marks(text, clauses):
    assert split(text, clauses) == reference_split(text, clauses)


def test_split_equals_the_reference_on_real_texts(shared_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(shared_dir, "corpora/dev").glob("*.txt"))]
    assert texts
    for t in texts:
        for clauses in (False, True):
            assert split(t, clauses) == reference_split(t, clauses)


def test_split_equals_the_reference_on_the_sample():
    t = (Path(__file__).resolve().parents[1] / "corpora/sample/zhoucun-2023.txt").read_text(encoding="utf-8")
    assert split(t) == reference_split(t) and split(t, True) == reference_split(t, True)
