"""Score extraction output against gold annotation files (the format of ``spec/annotation.md``).

Computes the figures of the shared scorer (``tools/score.py`` beside the corpora) — quantity span / value /
full / period P-R-F1, traps hit, indicator P-R-F1 on (indicator, value) pairs, region / year / genre
accuracy, grounding — so a researcher can score any gold set they annotate, in process::

    from extractor.learn import evaluate
    result = evaluate.evaluate("gold/", "docs/")      # dict of totals; result["per_doc"] per document

or ``extractor evaluate GOLD DOCS [--pred DIR] [--json] [--verbose] [--per-doc]``.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

BINARY_SUFFIXES = {".pdf", ".docx", ".doc"}
UNIT_ALIASES = {"名": "人", "位": "人", "起": "件", "宗": "件", "场": "场次", "个百分点": "百分点", "％": "%"}
KEYS = ["q_pred", "q_gold", "q_span_tp", "q_value_tp", "q_full_tp", "q_period_tp", "traps", "trap_hits",
        "i_tp", "i_pred", "i_gold", "meta_n", "region_ok", "year_ok", "genre_ok",
        "grounding_checked", "grounding_broken", "text_identical", "docs", "failed", "gold_unlocated"]


def load_gold(path: Union[str, Path]) -> Iterable[dict]:
    """Gold documents from a .json file, a .jsonl file or a folder of .json files."""
    path = Path(path)
    if path.is_dir():
        for p in sorted(path.glob("*.json")):
            yield json.loads(p.read_text(encoding="utf-8"))
    elif path.suffix == ".jsonl":
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)
    else:
        yield json.loads(path.read_text(encoding="utf-8"))


def locate(doc_text: str, item: dict, taken: Optional[set] = None):
    """(start, end) of ``item['text']`` in ``doc_text``, ``item['before']`` disambiguating."""
    before = item.get("before") or ""
    hits = [m.start() for m in re.finditer(re.escape(before + item["text"]), doc_text)]
    if not hits:
        return None
    if taken is not None:
        hits = [h for h in hits if (h + len(before)) not in taken] or hits
    start = hits[0] + len(before)
    return start, start + len(item["text"])


def canon_unit(u) -> str:
    u = (u or "").strip()
    return UNIT_ALIASES.get(u, u)


def same_value(a, b) -> bool:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= max(1e-9, 1e-6 * max(abs(a), abs(b)))


def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def _pred_spans(out: dict, doc_text: str, key: str) -> list:
    spans = []
    same_text = out.get("text") == doc_text
    for i, item in enumerate(out.get(key) or []):
        s, e = item.get("start"), item.get("end")
        surface = item.get("text") if key == "quantities" else item.get("evidence")
        if not same_text or s is None or e is None:
            pos = doc_text.find(surface or "\0")
            s, e = (pos, pos + len(surface)) if pos >= 0 else (-1, -1)
        spans.append((s, e, i))
    return spans


def score_doc(gold: dict, doc_text: str, out: dict, totals: dict, log: Callable = lambda s: None) -> None:
    """Add one document's counts to ``totals`` (keys :data:`KEYS`)."""
    text_out = out.get("text", "")
    for key, fld in (("quantities", "text"), ("indicators", "evidence")):
        for item in out.get(key) or []:
            s, e = item.get("start"), item.get("end")
            totals["grounding_checked"] += 1
            if s is None or e is None or text_out[s:e] != item.get(fld):
                totals["grounding_broken"] += 1
    totals["text_identical"] += int(text_out == doc_text)
    if gold.get("scope") != "indicators":
        _score_quantities(gold, doc_text, out, totals, log)
    _score_indicators(gold, out, totals, log)
    _score_metadata(gold, out, totals)


def _score_quantities(gold, doc_text, out, totals, log):
    name = gold["doc"]
    taken: set = set()
    gold_q = []
    for g in gold.get("quantities", []):
        loc = locate(doc_text, g, taken) or locate(doc_text, {"text": g["text"]}, taken)
        if loc:
            taken.add(loc[0])
            gold_q.append((loc, g))
        else:
            totals["gold_unlocated"] += 1
            log(f"  UNLOCATED {name}: {g.get('before', '')!r}+{g['text']!r}")
    traps = [locate(doc_text, t) for t in gold.get("traps", [])]
    ignores = [locate(doc_text, t) for t in gold.get("ignore", [])]
    preds = _pred_spans(out, doc_text, "quantities")
    pq = out.get("quantities") or []
    used: set = set()
    matched = []
    for loc, g in gold_q:
        best, best_ov = None, 0
        for s, e, i in preds:
            if i in used:
                continue
            ov = _overlap(loc, (s, e))
            if ov > best_ov:
                best, best_ov = i, ov
        if best is not None:
            used.add(best)
            matched.append((g, pq[best]))
        else:
            log(f"  MISS {name}: {g['text']!r} ({g.get('value')} {g.get('unit')})")
    n_pred = 0
    for s, e, i in preds:
        if i in used:
            n_pred += 1
            continue
        if any(ig and _overlap(ig, (s, e)) for ig in ignores):
            continue
        n_pred += 1
        if any(t and _overlap(t, (s, e)) for t in traps):
            totals["trap_hits"] += 1
            log(f"  TRAP {name}: {pq[i].get('text')!r}")
        else:
            log(f"  FP   {name}: {pq[i].get('text')!r} ({pq[i].get('value')} {pq[i].get('unit')})")
    totals["traps"] += len([t for t in traps if t])
    totals["q_pred"] += n_pred
    totals["q_gold"] += len(gold.get("quantities", []))
    totals["q_span_tp"] += len(matched)
    for g, p in matched:
        v = same_value(g["value"], p.get("value")) and canon_unit(g["unit"]) == canon_unit(p.get("unit"))
        totals["q_value_tp"] += v
        full = v and g.get("qualifier") == p.get("qualifier") and g.get("kind") == p.get("kind")
        totals["q_full_tp"] += full
        totals["q_period_tp"] += v and g.get("period") == p.get("period")
        if not full:
            log(f"  DIFF {name}: {g['text']!r} gold=({g['value']} {g['unit']} {g.get('qualifier')} {g.get('kind')})"
                f" pred=({p.get('value')} {p.get('unit')} {p.get('qualifier')} {p.get('kind')})")


def indicator_matches(gold: dict, out: dict) -> tuple[list, list, list]:
    """(true positives, false positives, misses) of one document's indicator rows, each a list of
    ``(indicator, value)``: a prediction is right when the gold has the same id with the same value. Rows
    dated outside the report's year and the next are not scored (``spec/annotation.md``)."""
    gold_i = [(g["indicator"], g["value"]) for g in gold.get("quantities", []) if g.get("indicator")]
    gold_i += [(g["indicator"], g["value"]) for g in gold.get("indicators_extra", []) + gold.get("indicators", [])]
    year = gold.get("year")
    scored = [p for p in out.get("indicators") or []
              if not (isinstance(year, int) and isinstance(p.get("year"), int) and p["year"] not in (year, year + 1))]
    left = list(gold_i)
    tps, fps = [], []
    for p in scored:
        pid, pv = p.get("indicator"), p.get("value")
        hit = next((k for k, (gid, gv) in enumerate(left) if gid == pid and same_value(gv, pv)), None)
        if hit is None:
            fps.append((pid, pv))
            continue
        tps.append(left.pop(hit))
    return tps, fps, left


def _score_indicators(gold, out, totals, log):
    name = gold["doc"]
    tps, fps, misses = indicator_matches(gold, out)
    for pid, pv in fps:
        log(f"  IND-FP {name}: {pid} = {pv}")
    for gid, gv in misses:
        log(f"  IND-MISS {name}: {gid} = {gv}")
    totals["i_tp"] += len(tps)
    totals["i_pred"] += len(tps) + len(fps)
    totals["i_gold"] += len(tps) + len(misses)


def _score_metadata(gold, out, totals):
    doc = out.get("document") or {}
    region = (doc.get("region") or {}).get("name")
    if gold.get("region"):
        totals["meta_n"] += 1
        totals["region_ok"] += int(bool(region) and (region == gold["region"] or gold["region"].startswith(region)
                                                      or region.startswith(gold["region"])))
        totals["year_ok"] += int(doc.get("year") == gold.get("year"))
        totals["genre_ok"] += int(doc.get("genre") == gold.get("genre"))


def summarize(t: dict, seconds: float = 0.0) -> dict:
    acc = (lambda k: round(t[k] / t["meta_n"], 4) if t["meta_n"] else None)
    return {
        "docs": t["docs"], "failed": t["failed"],
        "quantity_span": prf(t["q_span_tp"], t["q_pred"], t["q_gold"]),
        "quantity_value": prf(t["q_value_tp"], t["q_pred"], t["q_gold"]),
        "quantity_full": prf(t["q_full_tp"], t["q_pred"], t["q_gold"]),
        "quantity_period": prf(t["q_period_tp"], t["q_pred"], t["q_gold"]),
        "trap_hits": t["trap_hits"], "traps": t["traps"],
        "indicator": prf(t["i_tp"], t["i_pred"], t["i_gold"]),
        "region_acc": acc("region_ok"), "year_acc": acc("year_ok"), "genre_acc": acc("genre_ok"),
        "grounding_broken": t["grounding_broken"], "grounding_checked": t["grounding_checked"],
        "text_identical_docs": t["text_identical"], "gold_unlocated": t["gold_unlocated"],
        "seconds": round(seconds, 3),
    }


def _extract_json(path: Path) -> dict:
    from extractor.pipeline import extract
    return extract(path).to_dict()


def evaluate(gold: Union[str, Path], docs: Union[str, Path], pred: Optional[Union[str, Path]] = None,
             log: Callable = lambda s: None, extract: Callable = _extract_json) -> dict:
    """Score every gold document against the extractor's output (or JSON files ``pred/<doc>.json``).

    Returns the totals of :func:`summarize` plus ``per_doc``: one summary per document (indicator P/R/F1,
    region / year / genre right or wrong)."""
    totals = dict.fromkeys(KEYS, 0)
    per_doc = []
    seconds = 0.0
    for g in load_gold(gold):
        path = Path(docs) / g["doc"]
        binary = path.suffix.lower() in BINARY_SUFFIXES
        doc_text = None if binary else path.read_text(encoding="utf-8")
        totals["docs"] += 1
        one = dict.fromkeys(KEYS, 0)
        one["docs"] = 1
        try:
            if pred is not None:
                out = json.loads((Path(pred) / (g["doc"] + ".json")).read_text(encoding="utf-8"))
            else:
                t0 = time.perf_counter()
                out = extract(path)
                seconds += time.perf_counter() - t0
        except Exception as exc:  # a failed document scores as empty output
            totals["failed"] += 1
            one["failed"] = 1
            log(f"  FAIL {g['doc']}: {exc}")
            out = {}
        log(f"== {g['doc']}")
        if binary:
            doc_text = out.get("text", "")
        score_doc(g, doc_text, out, one, log)
        for k in KEYS:
            if k not in ("docs", "failed"):
                totals[k] += one[k]
        s = summarize(one)
        per_doc.append({"doc": g["doc"], "indicator": s["indicator"], "quantity_value": s["quantity_value"],
                        "region_ok": bool(one["region_ok"]) if one["meta_n"] else None,
                        "year_ok": bool(one["year_ok"]) if one["meta_n"] else None,
                        "genre_ok": bool(one["genre_ok"]) if one["meta_n"] else None,
                        "region": ((out.get("document") or {}).get("region") or {}).get("name"),
                        "year": (out.get("document") or {}).get("year"),
                        "genre": (out.get("document") or {}).get("genre")})
    result = summarize(totals, seconds)
    result["per_doc"] = per_doc
    return result


def per_doc_table(result: dict) -> str:
    """The per-document lines of a result as a plain text table."""
    lines = [f"{'doc':<34} {'ind P':>6} {'ind R':>6} {'ind F1':>6} {'tp/pred/gold':>13}  region year genre"]
    mark = {True: "ok", False: "WRONG", None: "-"}
    for d in result["per_doc"]:
        i = d["indicator"]
        lines.append(f"{d['doc'][:34]:<34} {i['p']:>6.2f} {i['r']:>6.2f} {i['f1']:>6.2f} "
                     f"{str(i['tp']) + '/' + str(i['pred']) + '/' + str(i['gold']):>13}  "
                     f"{mark[d['region_ok']]:<6} {mark[d['year_ok']]:<4} {mark[d['genre_ok']]}")
    return "\n".join(lines)


__all__ = ["evaluate", "score_doc", "indicator_matches", "summarize", "load_gold", "locate", "prf", "per_doc_table"]
