"""Sentences: splitting on Chinese punctuation and sentence types (action, result, problem, plan, other).

:func:`split` is :func:`extractor.text.sentences.split` (the one splitter: after 。！？, never inside
“quotes”, 《book titles》 or brackets, never at a ``.``). :func:`sentence_type` labels a sentence by rules on its words and the report part of its
section, or with the trained classifier ``models/sentence_type`` when it is installed.
The rules are data (``data/sentences/split.yaml``, ``data/sentences/types.yaml``).
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

import regex
from extractor.text import yamlio

from extractor.text.sentences import sentences, split  # noqa: F401 (the splitter is a text/ leaf)

DATA = Path(__file__).resolve().parents[1] / "data" / "sentences"
TYPES = ("action", "result", "problem", "plan", "other")


@functools.lru_cache(maxsize=1)
def _type_rules() -> dict:
    r = yamlio.safe_load((DATA / "types.yaml").read_text(encoding="utf-8"))
    return {k: regex.compile(v, regex.V1) for k, v in r["patterns"].items()}


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    type: Optional[str] = None
    section: Optional[str] = None
    part: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


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


def classify(doc, sections, use_model: bool = True, settings=None) -> list[Sentence]:
    """Every sentence of ``doc`` (a Document) with its section, part and type; document-text offsets."""
    import bisect
    from extractor.stages.index import SectionIndex
    work = doc.working
    index = SectionIndex.of(sections)
    out = []
    texts, parts = [], []
    # heading lines (not run-in items 一是…, whose sentence is a sentence of the paragraph)
    titles = sorted((sec.start, sec.title_end) for sec in index
                    if sec.title_end is not None and sec.part != "preamble" and not (sec.number or "").endswith("是"))
    heads = []
    for a, b in split(work.text):
        s, e = work.to_source(a, b)
        sec = index.section_at(s)
        part = index.part_at(s)
        sent = Sentence(s, e, doc.text[s:e], section=sec.id if sec else None, part=part)
        out.append(sent)
        texts.append(work.text[a:b])
        parts.append(sent.part)
        k = bisect.bisect_right(titles, (e, e))
        heads.append(any(ts <= e and s <= te and e <= te + 3 for ts, te in titles[max(0, k - 2):k]))
    preds = None
    if use_model:
        from extractor.ml import models
        preds = models.predict("sentence_type", [type_text(t, p) for t, p in zip(texts, parts)], settings)
    for i, sent in enumerate(out):
        if heads[i]:
            sent.type = "other"  # a heading line
        else:
            sent.type = preds[i][0] if preds else rule_type(texts[i], parts[i])
    return out


__all__ = ["split", "sentences", "rule_type", "sentence_type", "classify", "type_text", "Sentence", "TYPES"]
