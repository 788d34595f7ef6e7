"""The project's trained models and their data loaders (registered with :mod:`extractor.learn.registry`).

Annotations live in ``corpora/annotations/`` (see its README):

* ``parts.tsv`` — the report part of top-level sections: ``source, title_start, title_sha1, part``. A
  source is a file under ``corpora/`` (the Zhoucun sample, the synthetic reports) or
  ``shared:<folder>/<file>.csv`` (a provincial 政府工作报告 in ``../shared/corpora/external``, read from
  there: only offsets and hashes are stored here, never its text).
* ``sentences.tsv`` — sentence types: ``source, start, end, text_sha1, type``.
* ``synthetic/labels.jsonl`` — labels of the synthetic reports, known by construction.

Model ``part`` reads a section heading with the start of its body (top-level sections, and their
subsections with the part of their top-level section); model ``sentence_type`` reads one sentence with
the part of its section as a token.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
from pathlib import Path
from typing import Optional

from extractor.core import settings
from extractor.learn import registry as models
from extractor.learn.registry import ANNOTATIONS, ROOT

log = logging.getLogger(__name__)
#: ../shared beside the checkout, or EXTRACTOR_SHARED (read in core.settings); :func:`use_shared` changes it
SHARED = Path(settings.from_env().shared_dir or ROOT.parent / "shared")


def use_shared(path) -> None:
    """Read the shared corpora (provincial reports, dev gold) from ``path``."""
    global SHARED
    SHARED = Path(path)
    source_text.cache_clear()
PARTS_TSV = ANNOTATIONS / "parts.tsv"
SENTENCES_TSV = ANNOTATIONS / "sentences.tsv"
SYNTH_LABELS = ANNOTATIONS / "synthetic" / "labels.jsonl"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def shared_available() -> bool:
    return (SHARED / "corpora" / "external").is_dir()


@functools.lru_cache(maxsize=64)
def source_text(source: str) -> Optional[str]:
    """The document text of an annotation source (None when a shared file is absent)."""
    if source.startswith("shared:"):
        path = SHARED / "corpora" / "external" / source[len("shared:"):]
        if not path.is_file():
            return None
        if path.suffix == ".csv":
            import pandas as pd
            return str(pd.read_csv(path, encoding="utf-8-sig").full_text[0])
        return path.read_text(encoding="utf-8")
    path = ROOT / "corpora" / source
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _doc(source: str, text: str):
    from extractor.core.document import Document
    return Document(text=text, source=source, id=sha1(text), format="text")


def read_tsv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t"))


# ---------------------------------------------------------------- part

def part_examples(include_shared: bool = True) -> tuple[list, list, list, dict]:
    from extractor.stages.sections import find_sections, part_text
    rows = read_tsv(PARTS_TSV)
    by_source: dict[str, dict[int, tuple[str, str]]] = {}
    for r in rows:
        by_source.setdefault(r["source"], {})[int(r["title_start"])] = (r["title_sha1"], r["part"], r.get("how", ""))
    texts, labels, groups, origin = [], [], [], []
    sources = {"annotated": {}, "missing": []}
    mismatched = 0
    for source, labs in sorted(by_source.items()):
        if source.startswith("shared:") and not include_shared:
            continue
        text = source_text(source)
        if text is None:
            sources["missing"].append(source)
            continue
        secs = find_sections(_doc(source, text), use_model=False)
        top = {s.title_start: s for s in secs if s.level == 1 and s.part != "preamble"}
        used = 0
        for start, (h, part, how) in labs.items():
            s = top.get(start)
            if s is None or sha1(s.title) != h:
                mismatched += 1
                continue
            body = text[s.title_end:s.end]
            texts.append(part_text(s.title, body))
            labels.append(part)
            groups.append(source)
            origin.append(how)
            used += 1
            for sub in secs:  # its direct subsections, with the part of their section
                if sub.parent == s.id:
                    texts.append(part_text(sub.title, text[sub.title_end:sub.end]))
                    labels.append(part)
                    groups.append(source)
                    origin.append(how + " (subsection)")
                    used += 1
        sources["annotated"][source] = used
    notes = _source_notes(sources, mismatched, "annotations no longer match a section heading (offset or hash changed)")
    notes.append("examples: each annotated top-level section (heading + body start) and its direct "
                 "subsections labelled with the part of their top-level section")
    meta = {"sources": sources, "notes": notes, "annotations_hash": models.annotations_hash([PARTS_TSV]),
            "origin": origin, "expected": _expected(PARTS_TSV)}
    return texts, labels, groups, meta


def _expected(tsv: Path) -> str:
    """Where the annotations of a loader are expected (for the messages of ``extractor train``)."""
    return (f"annotations expected in {tsv}{'' if tsv.is_file() else ' (absent)'}, provincial report texts in "
            f"{SHARED / 'corpora' / 'external'}{'' if shared_available() else ' (absent)'}")


def _source_notes(sources: dict, mismatched: int, mismatch_text: str) -> list[str]:
    """The card's notes on what the training data lacked."""
    notes = []
    if sources["missing"]:
        notes.append(f"{len(sources['missing'])} annotated sources absent (expected in "
                     f"{SHARED / 'corpora' / 'external'}): trained on the Zhoucun report and the synthetic reports only")
    if mismatched:
        notes.append(f"{mismatched} {mismatch_text}")
    return notes


# ---------------------------------------------------------------- sentence type

def sentence_examples(include_shared: bool = True) -> tuple[list, list, list, dict]:
    from extractor.stages.sections import find_sections, part_at
    from extractor.stages.sentences import type_text
    rows = read_tsv(SENTENCES_TSV)
    texts, labels, groups, origin = [], [], [], []
    sources = {"annotated": {}, "missing": []}
    mismatched = 0
    secs_cache: dict[str, list] = {}
    for r in rows:
        source = r["source"]
        if source.startswith("shared:") and not include_shared:
            continue
        text = source_text(source)
        if text is None:
            if source not in sources["missing"]:
                sources["missing"].append(source)
            continue
        a, b = int(r["start"]), int(r["end"])
        sent = text[a:b]
        if sha1(sent) != r["text_sha1"]:
            mismatched += 1
            continue
        if source not in secs_cache:
            secs_cache[source] = find_sections(_doc(source, text), use_model=False)
        part = part_at(secs_cache[source], a)
        texts.append(type_text(sent, part))
        labels.append(r["type"])
        groups.append(source)
        origin.append(r.get("how", ""))
        sources["annotated"][source] = sources["annotated"].get(source, 0) + 1
    notes = _source_notes(sources, mismatched, "sentence annotations no longer match the text (hash changed)")
    notes.append("provincial sentence labels are rule-assisted (section part + words; a spot check found about "
                 "85% right): CV accuracy on them measures agreement with weak labels; see cv.by_label_origin")
    meta = {"sources": sources, "notes": notes, "annotations_hash": models.annotations_hash([SENTENCES_TSV]),
            "origin": origin, "expected": _expected(SENTENCES_TSV)}
    return texts, labels, groups, meta


models.register("part", part_examples, lambda: models.text_pipeline(C=8.0),
                description="report part of a section (preamble/results/leadership/shortcomings/plans/other) "
                            "from its heading and the start of its body")
models.REGISTRY["part"].extra["files"] = [PARTS_TSV]
models.register("sentence_type", sentence_examples, lambda: models.text_pipeline(C=4.0),
                description="sentence type (action/result/problem/plan/other) from the sentence and the part "
                            "of its section")
models.REGISTRY["sentence_type"].extra["files"] = [SENTENCES_TSV]


# ---------------------------------------------------------------- writing annotations (tools)

def synthetic_part_rows() -> list[dict]:
    """parts.tsv rows for the synthetic reports, from synthetic/labels.jsonl (labels by construction)."""
    from extractor.stages.sections import find_sections
    out = []
    for line in SYNTH_LABELS.read_text(encoding="utf-8").splitlines():
        lab = json.loads(line)
        text = source_text(lab["doc"])
        secs = [s for s in find_sections(_doc(lab["doc"], text), use_model=False) if s.level == 1
                and s.part != "preamble"]
        want = [s for s in lab["sections"] if s["level"] == 1]
        for s, w in zip(secs, want):
            out.append({"source": lab["doc"], "title_start": s.title_start, "title_sha1": sha1(s.title),
                        "part": w["part"], "note": s.title})
    return out


def synthetic_sentence_rows() -> list[dict]:
    out = []
    for line in SYNTH_LABELS.read_text(encoding="utf-8").splitlines():
        lab = json.loads(line)
        text = source_text(lab["doc"])
        pos = 0
        for s in lab["sentences"]:
            i = text.find(s["text"], pos)
            if i < 0:
                i = text.find(s["text"])
            if i < 0:
                continue
            out.append({"source": lab["doc"], "start": i, "end": i + len(s["text"]), "text_sha1": sha1(s["text"]),
                        "type": s["type"]})
            pos = i + len(s["text"])
    return out
