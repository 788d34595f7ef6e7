"""Corrections saved by the explorer: one gold JSON per document in ``DIR/annotations/<doc_id>.json``.

The file is in the format of ``spec/annotation.md`` (``doc``, ``genre``, ``region``, ``province``, ``year``,
``quantities`` with ``text`` + ``before`` located in the document text, ``indicators_extra``), so
``extractor train`` / ``extractor evaluate --cv`` and ``tools/check_gold.py`` read it as they read any gold.
It holds only the rows a reviewer decided on, so it carries ``"partial": true`` (a reader that scores recall
must not count unreviewed rows as misses) and the decisions themselves under ``corrections``
(``{key, action: accept|reject|reassign|assign, indicator, was, start, end}``) so the page can show them again.

Saving merges with what is there: a row of the new file replaces the row of the old one on the same span
(``start``); other old rows stay. Each write goes to a temporary file renamed over the old one.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Optional

QUALIFIERS = {"exact", "approx", "lower", "upper"}
KINDS = {"count", "rate", "amount", "change"}
PERIODS = {"actual", "stock", "cumulative", "target"}
ACTIONS = {"accept", "reject", "reassign", "assign"}
MAX_BYTES = 2_000_000
_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


class BadAnnotation(ValueError):
    """A correction the explorer refuses to save (the message says why)."""


def folder(out_dir) -> Path:
    return Path(out_dir) / "annotations"


def file_name(doc_id: str) -> str:
    """``<doc_id>.json`` (a doc_id that is not a plain file name is hashed)."""
    if _SAFE.match(doc_id) and not doc_id.startswith("."):
        return f"{doc_id}.json"
    import hashlib
    return "doc-" + hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:32] + ".json"


def path_for(out_dir, doc_id: str) -> Path:
    return folder(out_dir) / file_name(doc_id)


def load(out_dir, doc_id: str) -> Optional[dict]:
    p = path_for(out_dir, doc_id)
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def count_before(text: str, before: str, span: str) -> int:
    return text.count(before + span) if (before + span) else 0


def validate(gold: dict, text: str, known_ids: set) -> dict:
    """The gold dict, checked: the spec's fields and values, every ``before + text`` found in the document
    text, every indicator id known. Raises :class:`BadAnnotation`."""
    if not isinstance(gold, dict):
        raise BadAnnotation("the body is not a JSON object")
    out = {k: gold.get(k) for k in ("doc", "genre", "region", "province", "year")}
    if not isinstance(out["doc"], str) or not out["doc"]:
        raise BadAnnotation("'doc' (the document's file name) is missing")
    for group in ("quantities", "indicators_extra"):
        items = gold.get(group) or []
        if not isinstance(items, list):
            raise BadAnnotation(f"'{group}' is not a list")
        clean = []
        for k, it in enumerate(items):
            where = f"{group}[{k}]"
            if not isinstance(it, dict) or not isinstance(it.get("text"), str) or not it["text"]:
                raise BadAnnotation(f"{where}: no 'text'")
            before = it.get("before") or ""
            if not isinstance(before, str):
                raise BadAnnotation(f"{where}: 'before' is not a string")
            if count_before(text, before, it["text"]) == 0:
                raise BadAnnotation(f"{where}: before+text {before + it['text']!r} is not in the document text")
            if not isinstance(it.get("value"), (int, float)) or isinstance(it.get("value"), bool):
                raise BadAnnotation(f"{where}: 'value' is not a number")
            ind = it.get("indicator")
            if ind is not None and (not isinstance(ind, str) or ind not in known_ids):
                raise BadAnnotation(f"{where}: unknown indicator id {ind!r}")
            if group == "quantities":
                for field, allowed in (("qualifier", QUALIFIERS), ("kind", KINDS), ("period", PERIODS)):
                    if it.get(field) not in allowed:
                        raise BadAnnotation(f"{where}: {field} {it.get(field)!r} (one of {', '.join(sorted(allowed))})")
            elif not ind:
                raise BadAnnotation(f"{where}: an extra indicator row needs an 'indicator'")
            keep = {f: it.get(f) for f in ("text", "before", "value", "unit", "qualifier", "kind", "subject",
                                           "indicator", "period", "max") if f in it}
            keep["before"] = before
            if isinstance(it.get("start"), int):
                keep["start"] = it["start"]
            clean.append(keep)
        out[group] = clean
    corr = gold.get("corrections") or []
    if not isinstance(corr, list):
        raise BadAnnotation("'corrections' is not a list")
    cc = []
    for k, c in enumerate(corr):
        if not isinstance(c, dict) or c.get("action") not in ACTIONS:
            raise BadAnnotation(f"corrections[{k}]: action must be one of {', '.join(sorted(ACTIONS))}")
        ind = c.get("indicator")
        if ind is not None and ind not in known_ids:
            raise BadAnnotation(f"corrections[{k}]: unknown indicator id {ind!r}")
        if c["action"] in ("reassign", "assign") and not ind:
            raise BadAnnotation(f"corrections[{k}]: {c['action']} needs an indicator")
        cc.append({f: c.get(f) for f in ("key", "action", "indicator", "was", "start", "end")})
    out["corrections"] = cc
    out["partial"] = True
    return out


def _span_key(it: dict, text: str):
    if isinstance(it.get("start"), int):
        return it["start"]
    i = text.find((it.get("before") or "") + it["text"])
    return i + len(it.get("before") or "") if i >= 0 else (it.get("before"), it["text"])


def merge(old: Optional[dict], new: dict, text: str) -> dict:
    """``new`` over ``old``: rows and corrections on the same span are replaced, the others kept."""
    if not old:
        return new
    out = dict(new)
    for group in ("quantities", "indicators_extra"):
        keys = {(_span_key(it, text), it.get("indicator") if group == "indicators_extra" else None)
                for it in new.get(group) or []}
        kept = [it for it in old.get(group) or []
                if (_span_key(it, text), it.get("indicator") if group == "indicators_extra" else None) not in keys]
        out[group] = kept + list(new.get(group) or [])
    ckeys = {c.get("key") for c in new.get("corrections") or []}
    out["corrections"] = [c for c in old.get("corrections") or [] if c.get("key") not in ckeys] + \
        list(new.get("corrections") or [])
    return out


def save(out_dir, doc_id: str, gold: dict) -> Path:
    """Write ``gold`` to ``DIR/annotations/<doc_id>.json`` atomically and return the path."""
    d = folder(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    final = path_for(out_dir, doc_id)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(gold, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final
