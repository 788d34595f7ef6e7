"""The working copy: a normalised version of the document text with an offset map back to it.

Later stages read :attr:`Working.text`; every span they find there maps back to exact offsets in the
document text with :meth:`Working.to_source`. The document text itself is never changed.

What the working copy changes (each rule is data in ``data/normalize.yaml``):

* character folding, one character for one: full-width digits, letters and punctuation to half-width
  (except the Chinese sentence marks ，；：？！ that keep sentences apart), ideographic space to space,
  traditional to simplified characters (OpenCC ``t2s``);
* deletions: spaces between digits and CJK (``2023 年`` → ``2023年``, ``8.8 %`` → ``8.8%``) and line
  breaks inside a sentence that was broken across lines or pages (``并\\n\\n接入`` → ``并接入``).

Because folding is one-for-one and everything else is a deletion, the map is a list of kept runs
``(work_start, src_start, length)``; :meth:`Working.to_source` is a binary search.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import regex
from extractor.text import yamlio

DATA = Path(__file__).resolve().parents[1] / "data"


@functools.lru_cache(maxsize=1)
def _rules() -> dict:
    return yamlio.safe_load((DATA / "normalize.yaml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _fold_table() -> dict:
    rules = _rules()["fold"]
    keep = set(rules.get("keep", ""))
    table = {}
    for cp in range(0xFF01, 0xFF5F):  # the full-width ASCII block
        ch = chr(cp)
        if ch not in keep:
            table[cp] = cp - 0xFEE0
    for src, dst in (rules.get("extra") or {}).items():
        if len(src) != 1 or len(dst) != 1:
            raise ValueError(f"normalize.yaml fold.extra must map one character to one: {src!r}")
        table[ord(src)] = dst
    return table


@functools.lru_cache(maxsize=1)
def _opencc():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _t2s_changes():
    """The characters OpenCC's ``t2s`` may change (``data/t2s_changes.txt``, written by
    ``tools/build_t2s_changes.py`` from OpenCC's dictionaries) as one class; None when the file is for another
    OpenCC version than the installed one (then every line is converted). Every character beyond the BMP counts
    as one that may change."""
    try:
        import opencc
        lines = (DATA / "t2s_changes.txt").read_text(encoding="utf-8").splitlines()
        version = next(ln.split()[1] for ln in lines if ln.startswith("opencc "))
        if version != getattr(opencc, "__version__", None):  # (importlib.metadata would cost 30 ms)
            return None
        chars = lines[lines.index(f"opencc {version}") + 1]
    except (ImportError, OSError, StopIteration, IndexError, ValueError):
        return None
    # a class of thousands of characters beyond the BMP is searched slowly by re: any of them marks a line
    bmp = "".join(c for c in chars if ord(c) < 0x10000)
    return re.compile("[" + re.escape(bmp) + "\U00010000-\U0010FFFF]")


def _simplified_line(cc, line: str) -> str:
    conv = cc.convert(line)
    if len(conv) != len(line):  # a phrase rule changed the length: convert this line char by char
        conv = "".join(c if len(c) == 1 else ch for ch, c in ((ch, cc.convert(ch)) for ch in line))
    return conv


def to_simplified(text: str) -> str:
    """Traditional → simplified, one character for one (a phrase rule that changes length is undone).

    Lines convert alone (no OpenCC key holds a line break), and a line with none of the characters ``t2s``
    may change is left as it is: only the lines that hold one go through OpenCC."""
    cc = _opencc()
    if cc is None or not text:
        return text
    changes = _t2s_changes()
    if changes is None:
        return "\n".join(_simplified_line(cc, line) for line in text.split("\n"))
    pieces, pos = [], 0
    for m in changes.finditer(text):
        if m.start() < pos:
            continue  # in a line converted already
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.start())
        le = len(text) if le < 0 else le
        pieces.append(text[pos:ls])
        pieces.append(_simplified_line(cc, text[ls:le]))
        pos = le
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


@functools.lru_cache(maxsize=1)
def _fold_pattern():
    """The characters of the fold table as one class, and their replacements: a search for the few
    characters that fold is much faster than ``str.translate`` looking up every character."""
    table = _fold_table()
    repl = {chr(k): (v if isinstance(v, str) else chr(v)) for k, v in table.items()}
    cls = "".join(re.escape(c) for c in sorted(repl))
    return re.compile(f"[{cls}]+"), repl


def _fold_chars(text: str) -> str:
    pat, repl = _fold_pattern()
    return pat.sub(lambda m: "".join(map(repl.__getitem__, m.group())), text)


def fold(text: str, simplify: bool = True) -> str:
    """One-for-one character folding (full-width → half-width, traditional → simplified)."""
    out = _fold_chars(text)
    return to_simplified(out) if simplify else out


@functools.lru_cache(maxsize=1)
def _deletion_patterns():
    rules = _rules()
    return [regex.compile(p, regex.V1) for p in rules["delete"]["spaces"]], rules["join"]


_HEADING_START = None


def _heading_start():
    global _HEADING_START
    if _HEADING_START is None:
        _HEADING_START = regex.compile(_rules()["join"]["heading_start"], regex.V1)
    return _HEADING_START


_LINE_BREAK = re.compile("\n[ \t\u3000\r\n]*")


@functools.lru_cache(maxsize=1)
def _join_patterns():
    join = _rules()["join"]
    # line_end_open is only ever searched for (does the line end open?): searched from the end
    # (REVERSE), a pattern anchored at $ is decided at once instead of after a scan of the whole line
    return (regex.compile(join["line_end_open"], regex.V1 | regex.REVERSE),
            regex.compile(join["next_start"], regex.V1))


def _join_deletions(text: str) -> list[tuple[int, int]]:
    """Line breaks inside a sentence broken across lines or pages (``并\\n\\n接入``)."""
    join = _rules()["join"]
    min_len = int(join["min_line_length"])
    body_marks = join["body_marks"]
    max_heading = int(join["max_heading_length"])
    ends_open, starts_cont = _join_patterns()
    heading = _heading_start()
    cell = join.get("cell_separator") or None
    out = []
    for m in _LINE_BREAK.finditer(text):
        s, e = m.start(), m.end()
        if e >= len(text) or s == 0:
            continue
        line_start = text.rfind("\n", 0, s) + 1
        prev = text[line_start:s].rstrip(" \t\u3000\r")
        if (len(prev) < min_len or not any(c in prev for c in body_marks) or not ends_open.search(prev)
                or (len(prev) <= max_heading and heading.match(prev.lstrip()))):
            continue
        nxt_end = text.find("\n", e)
        nxt = text[e: nxt_end if nxt_end >= 0 else len(text)]
        if not starts_cont.match(nxt) or heading.match(nxt):
            continue
        if cell and (cell in prev or cell in nxt):
            continue  # a table row stands alone
        out.append((s, e))
    return out


@dataclass
class Working:
    """A normalised copy of ``source`` with a map back: ``source[to_source(a, b)]`` is what ``text[a:b]`` came from."""

    text: str
    source: str
    runs_work: list = field(repr=False, default_factory=list)  # work_start of each kept run
    runs_src: list = field(repr=False, default_factory=list)  # src_start of each kept run

    def src_offset(self, i: int) -> int:
        """Source offset of working character ``i`` (``i == len(text)`` maps to the source end)."""
        if i >= len(self.text):
            return len(self.source) if not self.runs_work else self._end_of_last()
        k = bisect.bisect_right(self.runs_work, i) - 1
        return self.runs_src[k] + (i - self.runs_work[k])

    def _end_of_last(self) -> int:
        k = len(self.runs_work) - 1
        return self.runs_src[k] + (len(self.text) - self.runs_work[k])

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map the working span ``[start, end)`` to the source span it was made from."""
        if end <= start:
            s = self.src_offset(start)
            return s, s
        return self.src_offset(start), self.src_offset(end - 1) + 1

    def to_work(self, src: int) -> int:
        """Working offset of the first kept character at or after source offset ``src``."""
        k = bisect.bisect_right(self.runs_src, src) - 1
        if k < 0:
            return 0
        w = self.runs_work[k] + (src - self.runs_src[k])
        nxt = self.runs_work[k + 1] if k + 1 < len(self.runs_work) else len(self.text)
        return min(w, nxt)


def normalize(text: str, simplify: bool = True, join_lines: bool = True) -> Working:
    """Build the working copy of ``text`` (see the module docstring)."""
    folded = fold(text, simplify=simplify)
    space_patterns, _ = _deletion_patterns()
    dels: list[tuple[int, int]] = []
    for pat in space_patterns:
        dels.extend((m.start(), m.end()) for m in pat.finditer(folded) if m.end() > m.start())
    if join_lines:
        dels.extend(_join_deletions(folded))
    if not dels:
        return Working(folded, text, [0] if text else [], [0] if text else [])
    dels.sort()
    merged: list[list[int]] = []
    for s, e in dels:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    pieces, runs_w, runs_s = [], [], []
    pos = w = 0
    for s, e in merged:
        if s > pos:
            pieces.append(folded[pos:s])
            runs_w.append(w)
            runs_s.append(pos)
            w += s - pos
        pos = e
    if pos < len(folded):
        pieces.append(folded[pos:])
        runs_w.append(w)
        runs_s.append(pos)
    return Working("".join(pieces), text, runs_w, runs_s)
