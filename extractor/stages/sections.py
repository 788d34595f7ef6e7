"""The section tree of a report: headings, their levels, titles, spans, report part and category.

Headings are found on the working copy (``doc.working``: full-width brackets and digits already
half-width, Markdown marks still present), line by line:

* numbered headings of official documents (``一、`` ``（一）`` ``1.`` ``1、`` ``（1）`` ``①`` ``第一部分``,
  ``一是`` at a line start) — the styles and their nesting ranks are data (``data/sections/headings.yaml``);
* run-in items inside a paragraph (``一是……；二是……``) when at least two follow each other;
* unnumbered headings: layout cues of the source (``doc.headings``: PDF fonts, Word styles, HTML, Markdown)
  and short stand-alone lines between paragraphs. They are used where the report has no ``一、`` headings,
  or where their wording names a report part (``“十四五”时期发展成就和2025年工作回顾``).

The tree follows the numbering: a heading continues the nearest open list of its own style when its
number follows on (``（二）`` after ``（一）``), starts a nested list when the style restarts at one below
an open list of the same style (a ``一、……十、`` list inside ``三、``), and otherwise nests by the style's
rank, so a skipped level (``一、`` then ``1.``) still yields a tree.

Each top-level section gets a report part (``preamble``, ``results``, ``leadership``, ``shortcomings``,
``plans``, ``other``): from heading rules where the heading is standard (``data/sections/parts.yaml``),
else from the trained part classifier (``models/part``) when it is installed, else from body cues.
Each section gets a category of the indicator catalogue from weighted keywords
(``data/sections/categories.yaml``). Offsets are document-text offsets (``doc.text[start:end]``).
"""
from __future__ import annotations

import bisect
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import regex
from extractor.text import yamlio

from extractor.core.facts import Section
from extractor.text.numerals import parse as parse_numeral

DATA = Path(__file__).resolve().parents[1] / "data" / "sections"
log = logging.getLogger(__name__)

PARTS = ("preamble", "results", "leadership", "shortcomings", "plans", "other")


def cn_number(s: str) -> Optional[int]:
    """The value of a heading number: ``十二`` → 12, ``3`` → 3, ``④`` → 4 (None if not a number)."""
    if not s:
        return None
    if s.isdigit() and s.isascii():
        return int(s)
    if len(s) == 1 and "①" <= s <= "⑳":
        return ord(s) - ord("①") + 1
    value = parse_numeral(s)
    return int(value) if value is not None and value == int(value) else None


# ---------------------------------------------------------------- rules (data files)

@dataclass
class _Style:
    name: str
    rank: int
    pattern: "regex.Pattern"


@dataclass
class _Rules:
    styles: list
    runin: "regex.Pattern"
    runin_min: int
    runin_rank: int
    title_end: "regex.Pattern"
    max_title: int
    un_min: int
    un_max: int
    un_forbidden: "regex.Pattern"
    un_context: int
    un_never: "regex.Pattern"
    parts: list = field(default_factory=list)  # [(part, [patterns])]
    body_cues: dict = field(default_factory=dict)
    inherit_after: tuple = ()
    mixed_switch: Optional["regex.Pattern"] = None
    categories: list = field(default_factory=list)  # [(id, name_zh, title_words, body_words)]
    cat_title_weight: int = 6
    cat_body_cap: int = 4
    cat_min_score: int = 3
    cat_body_chars: int = 300
    definition: Optional["regex.Pattern"] = None  # a glossary entry after a number (术语：指…)
    amount_end: Optional["regex.Pattern"] = None  # a list item of figures (…1672.67万元), not a heading
    list_parent: Optional["regex.Pattern"] = None  # a heading whose numbered items are list entries (主要职能)
    list_lead: Optional["regex.Pattern"] = None  # a line introducing a list of entries (…主要职责是：)


def _load_yaml(name: str) -> dict:
    return yamlio.safe_load((DATA / name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def rules() -> _Rules:
    h = _load_yaml("headings.yaml")
    p = _load_yaml("parts.yaml")
    c = _load_yaml("categories.yaml")
    styles = [_Style(s["name"], int(s["rank"]), regex.compile(s["pattern"], regex.V1)) for s in h["styles"]]
    un = h["unnumbered"]
    return _Rules(
        styles=styles,
        runin=regex.compile(h["runin_inline"]["pattern"], regex.V1 | regex.M),
        runin_min=int(h["runin_inline"]["min_items"]),
        runin_rank=int(h["runin_inline"]["rank"]),
        title_end=regex.compile(h["title_end"]),
        max_title=int(h["max_title"]),
        un_min=int(un["min_len"]), un_max=int(un["max_len"]),
        un_forbidden=regex.compile(un["forbidden"]), un_context=int(un["context_len"]),
        un_never=regex.compile(un["never"]),
        parts=[(r["part"], [regex.compile(x, regex.V1) for x in r["patterns"]]) for r in p["parts"]],
        body_cues={k: regex.compile(v, regex.V1) for k, v in p["body_cues"].items()},
        inherit_after=tuple(p.get("inherit_after") or ()),
        mixed_switch=regex.compile(p["mixed_switch"], regex.V1) if p.get("mixed_switch") else None,
        categories=[(r["id"], r["name_zh"], list(r.get("title") or []), list(r.get("body") or []))
                    for r in c["categories"]],
        cat_title_weight=int(c.get("title_weight", 6)),
        cat_body_cap=int(c.get("body_cap", 4)),
        cat_min_score=int(c.get("min_score", 3)),
        cat_body_chars=int(c.get("body_chars_per_point", 300)),
        definition=regex.compile(h["definition"], regex.V1) if h.get("definition") else None,
        amount_end=regex.compile(h["amount_end"], regex.V1) if h.get("amount_end") else None,
        list_parent=regex.compile(h["lists"]["parent"], regex.V1) if (h.get("lists") or {}).get("parent") else None,
        list_lead=regex.compile(h["lists"]["lead"], regex.V1) if (h.get("lists") or {}).get("lead") else None,
    )


def category_names() -> dict:
    """``{category id: name_zh}`` of the catalogue (data/sections/categories.yaml)."""
    return {cid: name for cid, name, _, _ in rules().categories}


# ---------------------------------------------------------------- heading candidates

_MARKS = regex.compile(r"[ \t]*(?:#{1,6}[ \t]*)?(?:[*_]{2}[ \t]*)?(?:>[ \t]*)?")


@dataclass
class Heading:
    """A heading found on the working copy (working offsets)."""

    start: int  # start of the line's content (after Markdown marks)
    number_text: Optional[str]
    style: str
    rank: int
    num: Optional[int]
    title_start: int
    title_end: int
    line_end: int
    inline: bool = False  # a run-in item inside a paragraph
    cue: Optional[str] = None


def _title_span(text: str, a: int, line_end: int, r: _Rules) -> tuple[int, int]:
    """The title of a heading whose text starts at ``a``: up to the first sentence end, trimmed."""
    m = r.title_end.search(text, a, line_end)
    b = m.start() if m else line_end
    if b - a > r.max_title:
        c = regex.compile(r"[，,：:]").search(text, a + r.max_title, b)
        b = c.start() if c else b
    # trim spaces, Markdown emphasis and a trailing colon
    while b > a and text[b - 1] in " \t*_：:#\r":
        b -= 1
    while a < b and text[a] in " \t*_":
        a += 1
    return a, b


def _lines(text: str):
    pos = 0
    n = len(text)
    while pos < n:
        e = text.find("\n", pos)
        if e < 0:
            e = n
        yield pos, e
        pos = e + 1


def _numbered(text: str, r: _Rules) -> list[Heading]:
    out = []
    for ls, le in _lines(text):
        m = _MARKS.match(text, ls, le)
        a = m.end() if m else ls
        if a >= le:
            continue
        ch = text[a]
        if not (ch in "第一二三四五六七八九十(〔" or ch.isdigit() or "①" <= ch <= "⑳"):
            continue
        for st in r.styles:
            mm = st.pattern.match(text, a, le)
            if not mm:
                continue
            num = cn_number(mm.group("n"))
            if num is None or num == 0 or num > 60:
                break
            ts, te = _title_span(text, mm.end(), le, r)
            if te <= ts:
                break
            if r.definition is not None and r.definition.match(text, ts, le):
                break  # a glossary entry (术语：指…), not a heading
            if r.amount_end is not None and r.amount_end.search(text, ts, te):
                break  # an item of a list of figures, not a heading
            out.append(Heading(a, text[a:mm.end()].strip(), st.name, st.rank, num, ts, te, le))
            break
    return out


def _runins(text: str, r: _Rules, taken: set) -> list[Heading]:
    """Run-in items 一是…二是… inside paragraphs (not at the line start, which _numbered handles)."""
    out = []
    for ls, le in _lines(text):
        if le - ls < 20 or "是" not in text[ls:le]:
            continue
        items = []
        for m in r.runin.finditer(text, ls, le):
            num = cn_number(m.group("n"))
            if num is None:
                continue
            if num == len(items) + 1:
                items.append(m)
            elif items and num == 1:
                if len(items) >= r.runin_min:
                    break
                items = [m]
        if len(items) < r.runin_min:
            continue
        for m in items:
            if m.start("n") in taken:
                continue
            num = cn_number(m.group("n"))
            ts, te = _title_span(text, m.end(), le, r)
            cut = regex.compile(r"[，,]").search(text, ts, te)  # run-in titles stop at the first comma
            if cut and cut.start() - ts >= 4:
                te = cut.start()
            if te <= ts:
                continue
            out.append(Heading(m.start("n"), text[m.start("n"):m.end()], "runin", r.runin_rank, num, ts, te, le,
                               inline=True))
    return out


def _part_by_rule(title: str, only: Optional[str] = None) -> Optional[str]:
    for part, pats in rules().parts:
        if only and part != only:
            continue
        if any(p.search(title) for p in pats):
            return part
    return None


def _mixed_segments(wt: str, a: int, b: int) -> Optional[list]:
    """A section headed as results and plans: its paragraphs up to the first that turns to the plans
    (``data/sections/parts.yaml`` ``mixed_switch``) are results, the rest plans (working offsets)."""
    pat = rules().mixed_switch
    if pat is None:
        return None
    nl = wt.find("\n", a, b)
    first_para = not wt[a:nl if nl >= 0 else b].strip(" \t。：:")  # body text on the heading's own line
    for ls, le in _lines(wt[:b]):
        if le <= a or ls < a:
            continue
        line = wt[ls:le].strip()
        if not line:
            continue
        if pat.match(line) and not first_para:
            return [[a, ls, "results"], [ls, b, "plans"]]
        first_para = False
    return None


def part_at(sections, offset: int) -> Optional[str]:
    """The report part at a document offset (:meth:`extractor.stages.index.SectionIndex.part_at`; build the
    index once when asking many times)."""
    from extractor.stages.index import SectionIndex
    return SectionIndex.of(sections).part_at(offset)


def _unnumbered(text: str, r: _Rules, cue_lines: dict, has_top: bool, first_numbered: int,
                numbered_lines: set, has_chapter: bool = False) -> list[Heading]:
    """Short stand-alone lines (or lines the layout marks as headings) that carry no number."""
    lines = [(ls, le) for ls, le in _lines(text)]
    content = [(ls, le) for ls, le in lines if text[ls:le].strip()]
    out = []
    for i, (ls, le) in enumerate(content):
        m = _MARKS.match(text, ls, le)
        a = m.end() if m else ls
        b = le
        while b > a and text[b - 1] in " \t*_#\r":
            b -= 1
        if le in numbered_lines:
            continue
        line = text[a:b]
        n = len(line)
        cue = cue_lines.get(ls)
        if not (r.un_min <= n <= r.un_max) or r.un_forbidden.search(line) or r.un_never.search(line):
            continue
        if cue == "title" or i == 0:
            continue
        prev = text[content[i - 1][0]:content[i - 1][1]].strip()
        nxt = text[content[i + 1][0]:content[i + 1][1]].strip() if i + 1 < len(content) else ""
        shape = len(prev) >= r.un_context and len(nxt) >= r.un_context
        part = _part_by_rule(line)
        named = (part is not None and part != "other" and len(nxt) >= r.un_context
                 and (not prev or prev[-1] in "。！？!?：:；;") and not nxt.startswith(("是", "为", "的")))
        if not (shape or named or (cue and len(nxt) >= r.un_context) or cue in ("display", "display2")):
            # a run of several unnumbered headings: the next line may itself be a numbered heading
            if not (len(prev) >= r.un_context and first_numbered > ls and nxt and nxt[0] in "一(第"):
                continue
        if has_top and (part is None or part == "other") and cue not in ("display", "display2"):
            continue  # beside 一、 headings only a line that names a report part (or a display heading) is one
        # a display heading beside 第X部分 headings is one of them (a part printed without its number);
        # beside 一、 headings it heads them; set smaller than the body (a table's title) it is under 一、
        rank = ((0 if has_chapter else 5) if cue == "display" else 12 if cue == "display2" else 5) if has_top else 10
        out.append(Heading(a, None, "unnumbered", rank, None, a, b, le, cue=cue or "line"))
    return out


def soft_breaks(work) -> list[int]:
    """Working offsets where the working copy joined two source lines (a line break was deleted)."""
    out = []
    rw, rs, src = work.runs_work, work.runs_src, work.source
    for k in range(len(rw) - 1):
        end_src = rs[k] + (rw[k + 1] - rw[k])
        if "\n" in src[end_src:rs[k + 1]]:
            out.append(rw[k + 1])
    return out


def _cut_at_soft_breaks(heads: list[Heading], soft: list[int]) -> None:
    """A heading line that the working copy joined to the next line ends at the join."""
    import bisect
    for h in heads:
        k = bisect.bisect_right(soft, h.start)
        if k < len(soft) and soft[k] < h.line_end:
            h.line_end = soft[k]
            h.title_end = min(h.title_end, soft[k])


def find_headings(text: str, layout: Optional[list] = None, soft: Optional[list] = None) -> list[Heading]:
    """Every heading of the working text ``text`` in document order (working offsets).

    ``layout`` is a list of ``(working_line_start, cue)`` of lines that the source marks as headings;
    ``soft`` the working offsets where source lines were joined (:func:`soft_breaks`).
    """
    r = rules()
    heads = _numbered(text, r)
    if soft:
        _cut_at_soft_breaks(heads, soft)
    has_top = any(h.style in ("cn_dun", "chapter") for h in heads)
    first_numbered = heads[0].start if heads else len(text)
    cue_lines = dict(layout or [])
    heads += _unnumbered(text, r, cue_lines, has_top, first_numbered, {h.line_end for h in heads},
                         has_chapter=any(h.style == "chapter" for h in heads))
    taken = {h.start for h in heads}
    heads += _runins(text, r, taken)
    heads.sort(key=lambda h: h.start)
    return heads


# ---------------------------------------------------------------- tree

@dataclass
class _Node:
    h: Heading
    parent: Optional["_Node"]
    children: list = field(default_factory=list)
    depth: int = 1


def build_tree(heads: list[Heading]) -> list[_Node]:
    """Nest headings by their numbering (see the module docstring); returns nodes in document order."""
    nodes: list[_Node] = []
    stack: list[_Node] = []
    for h in heads:
        # run-in items live inside their paragraph: close those of an earlier paragraph
        if stack and stack[-1].h.inline and h.start >= stack[-1].h.line_end:
            while stack and stack[-1].h.inline:
                stack.pop()
        same = None
        if h.num is not None:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k].h.style == h.style:
                    same = k
                    break
        if same is not None:
            prev = stack[same].h.num or 0
            if h.num == 1 and prev >= 1:
                parent = stack[-1] if stack else None  # a list of the same style restarts: nested
            else:
                del stack[same:]
                parent = stack[-1] if stack else None
        else:
            while stack and stack[-1].h.rank >= h.rank:
                stack.pop()
            parent = stack[-1] if stack else None
        node = _Node(h, parent, depth=(parent.depth + 1) if parent else 1)
        if parent:
            parent.children.append(node)
        nodes.append(node)
        stack.append(node)
    return nodes


def _prev_line(text: str, pos: int) -> str:
    """The last non-blank line before the line holding ``pos``."""
    e = text.rfind("\n", 0, pos)
    while e > 0:
        s = text.rfind("\n", 0, e) + 1
        if text[s:e].strip():
            return text[s:e].strip()
        e = s - 1
    return ""


def list_entries(nodes: list, text: str) -> set:
    """``id()`` of the headings that are entries of a list in the body, not subsections, with what is nested
    under them:

    * the numbered items under a heading that names a list (主要职能, 机构设置, 名词解释: ``lists.parent`` in
      ``data/sections/headings.yaml``), or after a line that introduces them as one (…主要职责是：);
    * run-in items (一是…二是… inside a paragraph) standing where the report numbers its subsections
      elsewhere: a heading whose siblings of its style have numbered subsections (（一）…) and whose own
      children are only run-in items holds an enumeration in its prose, not a second level.
    """
    r = rules()
    drop: set = set()

    def subtree(nd) -> None:
        drop.add(id(nd.h))
        for c in nd.children:
            subtree(c)

    siblings: dict = {}
    for nd in nodes:
        siblings.setdefault(id(nd.parent) if nd.parent else None, []).append(nd)
    for nd in nodes:
        h = nd.h
        if id(h) in drop:
            continue
        if r.list_parent is not None and nd.children and r.list_parent.search(text[h.title_start:h.title_end]):
            for c in nd.children:
                if c.h.num is not None:
                    subtree(c)
            continue
        if r.list_lead is not None and h.num == 1 and not h.inline and r.list_lead.search(_prev_line(text, h.start)):
            for c in siblings[id(nd.parent) if nd.parent else None]:
                if c.h.start >= h.start and c.h.style == h.style:
                    subtree(c)
    structured = {nd.h.style for nd in nodes
                  if not nd.h.inline and any(not c.h.inline and c.h.num is not None for c in nd.children)}
    for nd in nodes:
        if nd.h.num is not None and not nd.h.inline and nd.h.style in structured and nd.children \
                and all(c.h.inline for c in nd.children):
            for c in nd.children:
                subtree(c)
    return drop


# ---------------------------------------------------------------- parts and categories

class _WordCounts:
    """``text[a:b].count(word)`` for the body words of the categories, from one scan of the whole text.

    A word that cannot overlap itself (no proper prefix equal to a suffix: all of them in practice) has the same
    occurrences from any starting point, so the count inside ``[a, b)`` is a difference of two binary searches;
    other words are counted directly. Linear in the text instead of in the sum of the section bodies.
    """

    def __init__(self, text: str, words):
        self.text = text
        self.pos: dict = {}
        self.absent: set = set()  # words that occur nowhere in the text: count 0 in every slice
        for w in set(words):
            if not w or any(w[:k] == w[-k:] for k in range(1, len(w))):
                continue
            ps, i = [], text.find(w)
            while i >= 0:
                ps.append(i)
                i = text.find(w, i + len(w))
            self.pos[w] = ps
            if not ps:
                self.absent.add(w)

    def count(self, w: str, a: int, b: int) -> int:
        ps = self.pos.get(w)
        if ps is None:
            return self.text.count(w, a, b)
        return max(0, bisect.bisect_left(ps, b - len(w) + 1) - bisect.bisect_left(ps, a))

    def prepare(self, spans, words) -> None:
        """Count ``words`` in every ``(a, b)`` of ``spans`` at once (numpy, two searches per word for all the
        spans); :meth:`counts_in` then gives a span's nonzero counts."""
        import numpy as np
        spans = sorted(set(spans))
        self.table = {sp: {} for sp in spans}
        if not spans:
            return
        a = np.fromiter((sp[0] for sp in spans), dtype=np.int64, count=len(spans))
        b = np.fromiter((sp[1] for sp in spans), dtype=np.int64, count=len(spans))
        for w in set(words):
            ps = self.pos.get(w)
            if ps is None:  # a word that overlaps itself (or empty): counted directly
                for sp in spans:
                    c = self.text.count(w, sp[0], sp[1])
                    if c:
                        self.table[sp][w] = c
                continue
            if not ps:
                continue
            arr = np.asarray(ps, dtype=np.int64)
            c = np.searchsorted(arr, b - len(w) + 1, "left") - np.searchsorted(arr, a, "left")
            for k in np.flatnonzero(c > 0):
                self.table[spans[k]][w] = int(c[k])

    def counts_in(self, a: int, b: int) -> Optional[dict]:
        """``{word: count}`` (nonzero only) in ``[a, b)`` if :meth:`prepare` counted that span, else None."""
        return getattr(self, "table", {}).get((a, b))


_BY_FIRST: dict = {}


def _body_words_by_first() -> dict:
    """The categories' body words by their first character (per rules object: tests may load others)."""
    r = rules()
    got = _BY_FIRST.get(id(r))
    if got is None or got[0] is not r:
        out: dict = {}
        for _, _, _, bw in r.categories:
            for w in bw:
                out.setdefault(w[0] if w else "", set()).add(w)
        _BY_FIRST.clear()
        got = _BY_FIRST[id(r)] = (r, out)
    return got[1]


def _present(body: str) -> set:
    """The body words that occur in ``body`` (one pass over its characters; the rest count 0)."""
    first = _body_words_by_first()
    found = set(first.get("", ()))  # an empty word occurs everywhere
    for i, ch in enumerate(body):
        ws = first.get(ch)
        if ws:
            for w in ws:
                if w not in found and body.startswith(w, i):
                    found.add(w)
    return found


def _category(title: str, body: str, span: Optional[tuple] = None) -> tuple[Optional[str], float]:
    """Best category by weighted keywords. Evidence from the body alone must grow with the body's length
    (``body_chars_per_point``), so that a long section of an economic report is not filed by stray words.
    ``span``: ``(counts, a, b)`` — the body is ``text[a:b]`` of a :class:`_WordCounts` (then ``body`` is unused)."""
    r = rules()
    best, best_score, total, best_title = None, 0.0, 0.0, False
    present = None if span else _present(body)
    ready = span[0].counts_in(span[1], span[2]) if span else None
    for cid, _name, tw, bw in r.categories:
        score = 0.0
        in_title = False
        for w in tw:
            if w in title:
                score += r.cat_title_weight
                in_title = True
        for w in bw:
            if ready is not None:
                c = ready.get(w)
            elif span:
                if w in span[0].absent:
                    continue
                c = span[0].count(w, span[1], span[2])
            elif w not in present:
                continue
            else:
                c = body.count(w)
            if c:
                score += min(c, r.cat_body_cap)
        total += score
        if score > best_score:
            best, best_score, best_title = cid, score, in_title
    n_body = span[2] - span[1] if span else len(body)
    need = r.cat_min_score + (0 if best_title else n_body // r.cat_body_chars)
    if best is None or best_score < need:
        return None, 0.0
    return best, round(best_score / total, 3) if total else 0.0


def _part_by_body(body: str) -> tuple[Optional[str], float]:
    cues = rules().body_cues
    counts = {k: len(p.findall(body)) for k, p in cues.items()}
    total = sum(counts.values())
    if not total:
        return None, 0.0
    part = max(counts, key=counts.get)
    return part, round(counts[part] / total, 3)


def part_text(title: str, body: str, limit: int = 600) -> str:
    """The text the part classifier reads: the heading, a separator and the start of the body."""
    return f"{title} ‖ {body[:limit]}"


def _part_by_model(title: str, body: str, settings=None) -> Optional[tuple[str, float]]:
    try:
        from extractor.ml import models
    except ImportError:  # pragma: no cover
        return None
    return models.predict_one("part", part_text(title, body), settings)


# ---------------------------------------------------------------- main entry

def _layout(doc, work) -> list:
    out = []
    for h in getattr(doc, "headings", None) or []:
        w = work.to_work(h.start)
        ls = work.text.rfind("\n", 0, w) + 1
        # a PDF display heading (larger type or centred, level 1): the top of the layout's hierarchy
        cue = h.cue
        if cue == "font" and doc.format == "pdf":
            cue = "display" if h.level == 1 else "display2" if h.level == 2 else cue
        out.append((ls, cue))
    return out


def _outside_regions(doc, work, heads: list) -> list:
    """Headings outside the reader's table regions and contents pages (a numbered table row or a 目录
    entry is no heading)."""
    spans = [(t.start, t.end) for t in getattr(doc, "tables", None) or []]
    spans += [tuple(s) for s in (getattr(doc, "meta", None) or {}).get("contents_spans", [])]
    if not spans:
        return heads
    import bisect
    ws = sorted((work.to_work(a), work.to_work(b)) for a, b in spans)
    starts = [a for a, _ in ws]
    out = []
    for h in heads:
        k = bisect.bisect_right(starts, h.start) - 1
        if k >= 0 and ws[k][0] <= h.start < ws[k][1]:
            continue
        out.append(h)
    return out


def find_sections(doc, use_model: bool = True, settings=None) -> list[Section]:
    """The section tree of ``doc`` (a Document, or a plain text) as a flat list in document order.
    ``settings`` (:class:`~extractor.core.settings.Settings`) says which part classifier to use, if any."""
    if isinstance(doc, str):
        from extractor.text.normalize import normalize
        work = normalize(doc)
        text_src = doc
        layout = []
    else:
        work = doc.working
        text_src = doc.text
        layout = _layout(doc, work)
    wt = work.text
    heads = find_headings(wt, layout, soft_breaks(work))
    if not isinstance(doc, str):
        heads = _outside_regions(doc, work, heads)
    if not heads:
        return []
    nodes = build_tree(heads)
    entries = list_entries(nodes, wt)
    if entries:
        heads = [h for h in heads if id(h) not in entries]
        if not heads:
            return []
        nodes = build_tree(heads)
    n = len(nodes)
    # body ends (working offsets): the next heading that is not a descendant, or the paragraph end
    ends = [len(wt)] * n
    for i, nd in enumerate(nodes):
        for j in range(i + 1, n):
            if nodes[j].depth <= nd.depth:
                ends[i] = nodes[j].h.start
                break
        if nd.h.inline:
            ends[i] = min(ends[i], nd.h.line_end)
        # a run-in item ends where the next one of its paragraph starts
    ids: dict[int, str] = {}
    counters: dict[Optional[int], int] = {}
    for nd in nodes:
        key = id(nd.parent) if nd.parent else None
        counters[key] = counters.get(key, 0) + 1
        ids[id(nd)] = (ids[id(nd.parent)] + "." if nd.parent else "") + str(counters[key])

    def src(a: int, b: int) -> tuple[int, int]:
        return work.to_source(a, b)

    def trimmed_end(a: int, b: int) -> int:
        while b > a and wt[b - 1] in " \t\r\n\u3000":
            b -= 1
        return b

    out: list[Section] = []
    first = nodes[0].h.start
    if wt[:first].strip():
        a = len(wt[:first]) - len(wt[:first].lstrip())
        b = trimmed_end(a, first)
        s, e = src(a, b)
        ta, tb = _preamble_title(wt, a, b)
        ts, te = src(ta, tb)
        if "\n" in text_src[ts:te]:  # a title line the working copy joined to the next one
            te = ts + text_src[ts:te].index("\n")
        out.append(Section(id="0", parent=None, level=0, number=None, title=text_src[ts:te], part="preamble",
                           category=None, start=s, end=e, title_start=ts, title_end=te, confidence=1.0,
                           method="rule"))
    by_node: dict[int, Section] = {}
    for i, nd in enumerate(nodes):
        h = nd.h
        b = trimmed_end(h.start, ends[i])
        s, e = src(h.start, max(b, h.title_end))
        ts, te = src(h.title_start, h.title_end)
        number = text_src[s:ts].strip() if h.number_text else None
        if number:
            number = number.lstrip("#* \t")
        sec = Section(id=ids[id(nd)], parent=ids[id(nd.parent)] if nd.parent else None, level=nd.depth,
                      number=number or None, title=text_src[ts:te], part=None, category=None, start=s, end=e,
                      title_start=ts, title_end=te)
        by_node[id(nd)] = sec
        out.append(sec)
    _assign_parts(nodes, by_node, wt, ends, use_model, settings)
    _assign_categories(nodes, by_node, wt, ends)
    for sec in out:
        if sec.segments:
            sec.segments = [[*src(a, b), p] for a, b, p in sec.segments]
            for sub in out:  # subsections inside a segment take its part
                if sub.level > 1 and sub.start >= sec.start and sub.end <= sec.end:
                    for a, b, p in sec.segments:
                        if a <= sub.start < b:
                            sub.part = p
    return out


def _preamble_title(wt: str, a: int, b: int) -> tuple[int, int]:
    """The report's title in its preamble (working span): the first line naming a report, else the first."""
    first = None
    for n, (ls, le) in enumerate(_lines(wt[:b])):
        if le <= a:
            continue
        m = _MARKS.match(wt, ls, le)
        x = m.end() if m else ls
        y = le
        while y > x and wt[y - 1] in " \t*_#\r":
            y -= 1
        if y <= x:
            continue
        if first is None:
            first = (x, min(y, x + 60))
        line = wt[x:y]
        if "报告" in line and len(line) <= 60 and not regex.search(r"[。；]", line):
            return x, y
        if n > 40:
            break
    return first or (a, a)


def _assign_parts(nodes, by_node, wt, ends, use_model, settings=None):
    r = rules()
    prev_part = None  # the part the previous top-level section's own heading names (never an inherited one)
    for i, nd in enumerate(nodes):
        sec = by_node[id(nd)]
        if nd.parent is not None:
            continue
        title = wt[nd.h.title_start:nd.h.title_end]
        body = wt[nd.h.title_end:ends[i]]
        part = named = _part_by_rule(title)
        if part == "plans" and _part_by_rule(title, only="results"):
            seg = _mixed_segments(wt, nd.h.title_end, ends[i])
            if seg:
                sec.segments = seg  # working offsets for now; mapped below
        if part:
            sec.part, sec.confidence, sec.method = part, 0.95, "rule"
        elif prev_part in r.inherit_after:
            sec.part, sec.confidence, sec.method = prev_part, 0.6, "rule"
        else:
            pred = _part_by_model(title, body, settings) if use_model else None
            if pred:
                sec.part, sec.confidence, sec.method = pred[0], round(float(pred[1]), 3), "model"
            else:
                part, conf = _part_by_body(body)
                sec.part, sec.confidence, sec.method = part or "other", min(conf, 0.5), "rule"
        # only a part named by a heading carries over to the next top-level section: a section classified
        # as plans by the model or its body cues (perhaps wrongly) passes it to its own subsections only,
        # and an inherited part is not inherited again
        prev_part = named
    for nd in nodes:  # subsections inherit; a subsection headed as the duties section is leadership
        if nd.parent is None:
            continue
        sec = by_node[id(nd)]
        par = by_node[id(nd.parent)]
        title = sec.title
        own = _part_by_rule(title)
        if own == "leadership" and par.part in ("results", None):
            sec.part, sec.method = "leadership", "rule"
        else:
            sec.part = par.part
        sec.confidence = par.confidence if sec.confidence is None else sec.confidence


def _assign_categories(nodes, by_node, wt, ends):
    words = [w for _, _, _, bw in rules().categories for w in bw]
    counts = _WordCounts(wt, words)
    counts.prepare([(nd.h.title_end, max(nd.h.title_end, ends[i])) for i, nd in enumerate(nodes) if nd.parent is not None],
                   words)
    for i, nd in enumerate(nodes):
        sec = by_node[id(nd)]
        title = wt[nd.h.title_start:nd.h.title_end]
        if nd.parent is None:
            # a top-level section has a category only when it is the duties section or its heading says so
            if sec.part == "leadership":
                sec.category = "leadership"
            else:
                cat, _ = _category(title, "")
                sec.category = cat
            continue
        if counts is not None:
            cat, _ = _category(title, "", (counts, nd.h.title_end, max(nd.h.title_end, ends[i])))
        else:
            cat, _ = _category(title, wt[nd.h.title_end:ends[i]])
        par = by_node[id(nd.parent)]
        if cat is None:
            cat = par.category
        if par.part == "leadership" and nd.parent.parent is None and cat not in ("leadership",):
            # the duties section: its subsections are about the leaders' duties unless the heading says otherwise
            tcat, _ = _category(title, "")
            cat = tcat or "leadership"
        sec.category = cat


def top_level(sections: list[Section]) -> list[Section]:
    """The numbered top-level sections (level 1, not the preamble)."""
    return [s for s in sections if s.level == 1 and s.part != "preamble"]


__all__ = ["find_sections", "find_headings", "part_at", "build_tree", "cn_number", "category_names", "top_level",
           "part_text", "PARTS"]
