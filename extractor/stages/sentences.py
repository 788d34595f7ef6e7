"""Sentences: splitting on Chinese punctuation and sentence types (action, result, problem, plan, other).

:func:`split` cuts after 。！？ (and ；, with ``clauses=True``) and at line breaks, never inside
“quotes”, 《book titles》 or brackets and never at a ``.`` — so ``72.43%``, ``“9.16”``, ``1.2亿`` and quoted
names stay whole. :func:`sentence_type` labels a sentence by rules on its words and the report part of its
section, or with the trained classifier ``models/sentence_type`` when it is installed.
The rules are data (``data/sentences/split.yaml``, ``data/sentences/types.yaml``).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import regex
import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "sentences"
TYPES = ("action", "result", "problem", "plan", "other")


@functools.lru_cache(maxsize=1)
def _split_rules() -> dict:
    r = yaml.safe_load((DATA / "split.yaml").read_text(encoding="utf-8"))
    r["ends"] = set(r["ends"])
    r["clause_ends"] = set(r["clause_ends"])
    r["closers"] = set(r["closers"])
    r["closing"] = {v: k for k, v in r["pairs"].items()}
    return r


@functools.lru_cache(maxsize=1)
def _type_rules() -> dict:
    r = yaml.safe_load((DATA / "types.yaml").read_text(encoding="utf-8"))
    return {k: regex.compile(v, regex.V1) for k, v in r["patterns"].items()}


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    type: Optional[str] = None
    section: Optional[str] = None
    part: Optional[str] = None


def split(text: str, clauses: bool = False) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences of ``text`` (whitespace trimmed, empty ones dropped)."""
    r = _split_rules()
    ends = r["ends"] | (r["clause_ends"] if clauses else set())
    pairs, closers, max_quote = r["pairs"], r["closers"], int(r["max_quote"])
    out = []
    start = 0
    stack: list[tuple[str, int]] = []  # (expected closer, position)
    i, n = 0, len(text)

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
            # a quoted speech (他说：“……。”) ends its sentence with the closing quote
            if (not stack and i > 0 and text[i - 1] in ends and opened > 0 and text[opened - 1] in "：:"):
                emit(start, i + 1)
                start = i + 1
        elif ch in pairs and not (ch in "“‘" and stack and stack[-1][0] == pairs[ch]):
            stack.append((pairs[ch], i))
        elif ch in ends:
            if stack and i - stack[-1][1] > max_quote:
                stack.clear()  # an unbalanced or very long quote: split inside it
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


def sentences(text: str, clauses: bool = False) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in split(text, clauses)]


def rule_type(text: str, part: Optional[str] = None) -> str:
    """The type of one sentence by rules (the section part first, then the sentence's words)."""
    pats = _type_rules()
    if part == "plans":
        return "plan"
    if part == "shortcomings":
        return "problem" if not pats["plan"].search(text) else "plan"
    if part == "preamble":
        return "other"
    if pats["problem"].search(text) and not pats["result"].search(text):
        return "problem"
    if part is None and pats["plan"].search(text):
        return "plan"
    if pats["result"].search(text) and regex.search(r"[0-9]", text):
        return "result"
    if pats["action"].search(text):
        return "action"
    if pats["result"].search(text):
        return "result"
    if part in ("results", "leadership") and len(text) >= 8 and pats["achieved"].search(text):
        return "result"  # an achievement in words (明显改善, 稳步推进, 影响力不断提升)
    return "other"


def type_text(text: str, part: Optional[str]) -> str:
    """What the sentence-type classifier reads: the part as a token, then the sentence."""
    return f"[{part or 'none'}] {text}"


def sentence_type(text: str, part: Optional[str] = None, use_model: bool = True) -> tuple[str, float, str]:
    """``(type, confidence, method)`` of one sentence: the trained model when installed, else rules."""
    if use_model:
        from extractor.ml import models
        pred = models.predict_one("sentence_type", type_text(text, part))
        if pred:
            return pred[0], float(pred[1]), "model"
    return rule_type(text, part), 0.6, "rule"


def classify(doc, sections: list, use_model: bool = True) -> list[Sentence]:
    """Every sentence of ``doc`` (a Document) with its section, part and type; document-text offsets."""
    import bisect
    work = doc.working
    spans = sorted(((s.start, -s.level, s.end, s) for s in sections), key=lambda t: (t[0], t[1]))
    starts = [t[0] for t in spans]
    out = []
    texts, parts = [], []
    # heading lines (not run-in items 一是…, whose sentence is a sentence of the paragraph)
    titles = sorted((sec.start, sec.title_end) for sec in sections
                    if sec.title_end is not None and sec.part != "preamble" and not (sec.number or "").endswith("是"))
    heads = []
    mixed = any(getattr(sec, "segments", None) for sec in sections)
    for a, b in split(work.text):
        s, e = work.to_source(a, b)
        sec = None
        k = bisect.bisect_right(starts, s)
        for j in range(k - 1, -1, -1):
            st, nl, en, obj = spans[j]
            if st <= s < en and (sec is None or obj.level > sec.level):
                sec = obj
        part = sec.part if sec else None
        if mixed:
            from extractor.stages.sections import part_at
            part = part_at(sections, s)
        sent = Sentence(s, e, doc.text[s:e], section=sec.id if sec else None, part=part)
        out.append(sent)
        texts.append(work.text[a:b])
        parts.append(sent.part)
        k = bisect.bisect_right(titles, (e, e))
        heads.append(any(ts <= e and s <= te and e <= te + 3 for ts, te in titles[max(0, k - 2):k]))
    preds = None
    if use_model:
        from extractor.ml import models
        preds = models.predict("sentence_type", [type_text(t, p) for t, p in zip(texts, parts)])
    for i, sent in enumerate(out):
        if heads[i]:
            sent.type = "other"  # a heading line
        else:
            sent.type = preds[i][0] if preds else rule_type(texts[i], parts[i])
    return out


__all__ = ["split", "sentences", "rule_type", "sentence_type", "classify", "type_text", "Sentence", "TYPES"]
