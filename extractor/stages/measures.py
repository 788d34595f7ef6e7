"""Policy measures: actions, named initiatives, documents and campaigns, each with section, part and category.

* ``document`` — a rule or plan named in 《》 that the report says it issued (印发《关于建立常态化法治督察工作
  机制的意见》), text from the verb; a chain 印发《A》、《B》 gives one measure per title;
* ``campaign`` — 专项行动 / 专项整治 / 百日行动 …, text from the clause's verb to the campaign word;
* ``initiative`` — a name in quotes that a programme word follows or an action verb precedes
  (“齐好办·金融管家”服务模式, 推动部门联合开展“双随机、一公开”监管); text is the quoted name;
* ``action`` — a clause that starts with an action verb (建立/开展/印发/出台/推行/完善/创新 …) and its object
  (建立8个行政复议便民联系点).

Found on the working copy clause by clause; offsets are document-text offsets. The word lists are data
(``data/measures/measures.yaml``).
"""
from __future__ import annotations

import bisect
import functools
from pathlib import Path
from typing import Optional

import regex
from extractor.text import yamlio

from extractor.core.facts import Measure
from extractor.stages.index import SectionIndex
from extractor.text.sentences import split

DATA = Path(__file__).resolve().parents[1] / "data" / "measures"


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def rules() -> dict:
    r = yamlio.safe_load((DATA / "measures.yaml").read_text(encoding="utf-8"))
    r["_clause_end"] = regex.compile(r["clause_end"])
    r["_action"] = regex.compile(rf"(?:{_alt(r['action_verbs'])})")
    r["_doc"] = regex.compile(r"《([^《》\n]{2,80})》")
    r["_doc_suffix"] = regex.compile(rf"(?:{_alt(r['document_suffixes'])})$")
    r["_doc_verb"] = regex.compile(rf"(?:{_alt(r['document_verbs'])})$")
    r["_quote"] = regex.compile(r"[“‘\"]([^“”‘’\"\n]{1,40})[”’\"]")
    r["_init_after"] = regex.compile(rf"(?:{_alt(r['initiative_after'])})")
    r["_init_before"] = regex.compile(rf"(?:{_alt(r['initiative_before'])})[了]?$")
    r["_campaign"] = regex.compile(rf"(?:{_alt(r['campaign_words'])})")
    r["_never"] = set(r["initiative_never"])
    r["_prefix"] = regex.compile(r["action_prefix"], regex.V1)
    r["_skip_parts"] = set(r.get("action_skip_parts") or ())
    return r


_PAREN_TAIL = regex.compile(r"[（(][^（()）]*[)）]$")


_OPEN, _CLOSE = "“《(（‘", "”》)）’"
_HAN = regex.compile(r"\p{Han}")


@functools.lru_cache(maxsize=8)
def _marks(end_pattern: str):
    """One pattern for the characters :func:`_clauses` acts on: brackets and quotes, and clause ends."""
    return regex.compile("[" + regex.escape(_OPEN + _CLOSE) + "]|(?:" + end_pattern + ")")


def _clauses(text: str, a: int, b: int, end_pat) -> list[tuple[int, int]]:
    """Clauses of text[a:b], not split inside quotes or 《》 (visits only the marks, not every character)."""
    out, start, depth = [], a, 0
    for m in _marks(end_pat.pattern).finditer(text, a, b):
        i = m.start()
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch in _CLOSE:
            continue
        elif depth == 0 and end_pat.match(ch):
            if i > start:
                out.append((start, i))
            start = i + 1
    if b > start:
        out.append((start, b))
    return out


def _clauses_reference(text: str, a: int, b: int, end_pat) -> list[tuple[int, int]]:
    """Character by character (the definition; tests compare :func:`_clauses` with it)."""
    out, start, depth = [], a, 0
    for i in range(a, b):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif depth == 0 and end_pat.match(ch):
            if i > start:
                out.append((start, i))
            start = i + 1
    if b > start:
        out.append((start, b))
    return out


class _Finder:
    def __init__(self, doc, sections: list):
        self.doc = doc
        self.work = doc.working
        self.wt = self.work.text
        self.r = rules()
        self.index = SectionIndex.of(sections)
        # heading titles (working offsets) are not measures
        self.titles = []
        for s in sections:
            if s.title_start is not None and s.part != "preamble":
                self.titles.append((self.work.to_work(s.title_start), self.work.to_work(s.title_end)))
        self.titles.sort()
        self.out: list[Measure] = []
        self.seen_names: set = set()

    def in_title(self, a: int, b: int) -> bool:
        k = bisect.bisect_right(self.titles, (a, 1 << 60))
        if not k:
            return False
        ts, te = self.titles[k - 1]
        return ts <= a and b <= te + 1

    def add(self, a: int, b: int, type_: str, name: Optional[str]) -> None:
        while b > a and self.wt[b - 1] in " \t\r\n":
            b -= 1
        while a < b and self.wt[a] in " \t\r\n":
            a += 1
        if b <= a:
            return
        s, e = self.work.to_source(a, b)
        sec = self.index.section_at(s)
        if type_ == "initiative":
            key = (name, sec.id if sec else None)
            if key in self.seen_names:
                return
            self.seen_names.add(key)
        cat = (sec.category if sec else None) or _own_category(self.wt[a:b])
        if name is not None and type_ in ("document", "initiative"):
            name = self.doc.text[s:e]
            if type_ == "document":
                name = name[name.find("《") + 1:name.rfind("》")] if "《" in name else name
            else:
                name = name[1:-1]
        self.out.append(Measure(text=self.doc.text[s:e], start=s, end=e, name=name, type=type_,
                                section=sec.id if sec else None, category=cat, part=sec.part if sec else None))

    def run(self) -> list[Measure]:
        wt, r = self.wt, self.r
        for sa, sb in split(wt):
            if self.in_title(sa, sb):
                continue
            clauses = _clauses(wt, sa, sb, r["_clause_end"])
            doc_spans = self.documents(sa, sb)
            for ca, cb in clauses:
                if self.in_title(ca, cb):
                    continue
                camp = self.campaign(ca, cb)
                self.action(ca, cb, doc_spans, camp)
            self.initiatives(sa, sb)
        self.out.sort(key=lambda m: (m.start, m.end))
        return self.out

    def documents(self, a: int, b: int) -> list[tuple[int, int]]:
        wt, r = self.wt, self.r
        spans = []
        chain_ok = False
        last_end = -10
        for m in r["_doc"].finditer(wt, a, b):
            name = m.group(1)
            core = _PAREN_TAIL.sub("", name).strip()
            before = wt[max(a, m.start() - 6):m.start()]
            vm = r["_doc_verb"].search(before)
            chained = chain_ok and wt[last_end:m.start()] in ("、", "和", "及", "与", ",", "，")
            if not r["_doc_suffix"].search(core) or not (vm or chained):
                chain_ok = False
                continue
            start = m.start() - (len(before) - vm.start()) if vm else m.start()
            self.add(start, m.end(), "document", name)
            spans.append((start, m.end()))
            chain_ok, last_end = True, m.end()
        return spans

    def campaign(self, a: int, b: int) -> Optional[tuple[int, int]]:
        wt, r = self.wt, self.r
        last = None
        for m in r["_campaign"].finditer(wt, a, b):
            last = m
        if last is None:
            return None
        vm = None
        for v in r["_action"].finditer(wt, a, last.start()):
            vm = v
            break
        start = vm.start() if vm else a
        if last.end() - start > r["campaign_max_len"]:
            start = last.end() - r["campaign_max_len"]
        name = wt[vm.end() if vm else start:last.end()]
        self.add(start, last.end(), "campaign", name)
        return start, last.end()

    def action(self, a: int, b: int, doc_spans: list, camp) -> None:
        wt, r = self.wt, self.r
        m = r["_action"].search(wt, a, min(b, a + r["action_prefix_max"] + 4))
        if not m or m.start() - a > r["action_prefix_max"]:
            return
        if not r["_prefix"].match(wt[a:m.start()]):
            return
        sec = self.index.section_at(self.work.src_offset(m.start()))
        if sec is not None and sec.part in r["_skip_parts"]:
            return
        if b - m.end() < r["action_min_object"]:
            return
        if any(ds <= m.start() < de or (ds == m.start()) for ds, de in doc_spans):
            return
        if camp and camp[0] <= m.start() < camp[1]:
            return
        end = b
        if end - m.start() > r["action_max_len"]:
            cut = wt.rfind("、", m.start() + 10, m.start() + r["action_max_len"])
            end = cut if cut > 0 else (b if b - m.start() <= 2 * r["action_max_len"] else m.start() + r["action_max_len"])
            seg = wt[m.start():end]
            if seg.count("“") > seg.count("”"):  # never end inside a quotation
                close = wt.find("”", end, b)
                end = close + 1 if close > 0 else b
        self.add(m.start(), end, "action", None)

    def initiatives(self, a: int, b: int) -> None:
        wt, r = self.wt, self.r
        for m in r["_quote"].finditer(wt, a, b):
            name = m.group(1).strip()
            if not (r["initiative_min"] <= len(name) <= r["initiative_max"]) or name in r["_never"]:
                continue
            if not _HAN.search(name):
                after_ok = bool(r["_init_after"].match(wt, m.end()))
                if not after_ok:
                    continue  # “9.16”, “1+3” alone: a code or a number, not a programme
            after = r["_init_after"].match(wt, m.end())
            before = r["_init_before"].search(wt[max(a, m.start() - 6):m.start()])
            if not (after or before):
                continue
            self.add(m.start(), m.end(), "initiative", name)


@functools.lru_cache(maxsize=2048)
def _own_category(text: str) -> Optional[str]:
    from extractor.stages.sections import _category
    cat, _ = _category(text, "")
    return cat


def find_measures(doc, sections) -> list[Measure]:
    """The measures of ``doc`` (a Document) in document order; ``sections`` from sections.find_sections (a list
    or a :class:`~extractor.stages.index.SectionIndex`)."""
    if isinstance(doc, str):
        from extractor.core.document import Document
        doc = Document(text=doc, source="<text>", id="", format="text")
    return _Finder(doc, sections).run()


__all__ = ["find_measures", "rules"]
