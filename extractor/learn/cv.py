"""Leave-one-document-out cross-validation of the indicator table (``extractor evaluate --cv``).

For every gold document (the copies of one report — ``zhoucun-2023.txt/.pdf/.docx`` — count as one), the
indicator classifier of its family is fitted on every *other* document's gold rows plus the catalogue and
synthetic rows, and the document's indicator table is produced with that fold model; the document's own rows
never train its prediction. The rules are the same in every fold (they are not learned). The figure is
indicator P / R / F1 on (indicator, value) pairs as in ``tools/score.py``, per genre and per indicator, next to
the rules alone on the same documents.
"""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Optional

from extractor.learn import indicator_data as data
from extractor.learn.evaluate import indicator_matches, prf

FAMILY_OF = {"fazhi": "indicator_fazhi", "gongzuo": "indicator_economy", "gongbao": "indicator_economy"}


def _table(report, model_name: Optional[str], model) -> dict:
    """The report's JSON with its indicator table made again with ``model`` for ``model_name``."""
    from extractor.indicators import model as indicator_model
    from extractor.indicators import normalizer
    from extractor.stages.index import SectionIndex
    doc = report.document
    index = SectionIndex(report.section_list)
    with indicator_model.override({n: None for n in set(data.FAMILIES.values())} | ({model_name: model} if model_name else {})):
        rows = normalizer.map_indicators(doc, report.meta, index, report.quantity_list)
    index.locate(doc, rows)
    out = report.to_dict()
    from extractor.output.report import as_dict
    out["indicators"] = [as_dict(r) for r in rows]
    return out


def cross_validate(gold: Optional[Path] = None, docs: Optional[Path] = None, extra: Iterable = (),
                   log: Callable = lambda s: None) -> dict:
    """Leave-one-document-out CV on the gold folder ``gold`` (default: the dev gold); see the module doc."""
    try:  # one BLAS thread: the fits are small and the machine is shared
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(1)
    except ImportError:  # pragma: no cover
        limiter = None
    try:
        return _cross_validate(gold, docs, extra, log)
    finally:
        if limiter is not None:
            limiter.restore_original_limits()


def _cross_validate(gold, docs, extra, log) -> dict:
    t0 = time.perf_counter()
    gds = data.gold_docs(list(extra) + data.EXTRA_GOLD, main=gold, docs=docs)
    gds = [g for g in gds if g.gold.get("genre") in FAMILY_OF]
    reports: dict = {}
    for gd in gds:
        try:
            reports[str(gd.path)] = data.run_rules(gd.path)
        except Exception as exc:  # a document the pipeline cannot read scores as empty
            log(f"  FAIL {gd.gold['doc']}: {exc}")
    cache: dict = {}
    fold_models: dict = {}
    counts = {"cv": defaultdict(lambda: defaultdict(int)), "rules": defaultdict(lambda: defaultdict(int))}
    per_ind = {"cv": defaultdict(lambda: [0, 0, 0]), "rules": defaultdict(lambda: [0, 0, 0])}
    per_doc = []
    for gd in gds:
        rep = reports.get(str(gd.path))
        genre = gd.gold["genre"]
        family = FAMILY_OF[genre]
        key = (family, gd.group)
        if rep is None:
            outs = {"cv": {}, "rules": {}}
        else:
            if key not in fold_models:
                texts, labels, _ = data.family_rows(family, reports, exclude_group=gd.group, gds=gds, cache=cache)
                model = data.build()
                model.fit(texts, labels)
                fold_models[key] = model
            outs = {"cv": _table(rep, family, fold_models[key]), "rules": _table(rep, None, None)}
        line = {"doc": gd.gold["doc"], "genre": genre}
        for kind, out in outs.items():
            tps, fps, misses = indicator_matches(gd.gold, out)
            for k, n in (("tp", len(tps)), ("pred", len(tps) + len(fps)), ("gold", len(tps) + len(misses))):
                counts[kind][genre][k] += n
                counts[kind]["all"][k] += n
            for i, _ in tps:
                per_ind[kind][i][0] += 1
            for i, _ in fps:
                per_ind[kind][i][1] += 1
            for i, _ in misses:
                per_ind[kind][i][2] += 1
            if kind == "cv":
                for pid, pv in fps:
                    log(f"  IND-FP {gd.gold['doc']}: {pid} = {pv}")
                for gid, gv in misses:
                    log(f"  IND-MISS {gd.gold['doc']}: {gid} = {gv}")
            line[kind] = prf(len(tps), len(tps) + len(fps), len(tps) + len(misses))
        per_doc.append(line)
        log(f"== {gd.gold['doc']}: cv F1 {line['cv']['f1']:.3f}  rules F1 {line['rules']['f1']:.3f}")
    result = {"scheme": "leave one document out (copies of one report held out together)",
              "docs": len(gds), "folds": len(fold_models)}
    for kind in ("cv", "rules"):
        result[kind] = {g: prf(c["tp"], c["pred"], c["gold"]) for g, c in sorted(counts[kind].items())}
    table = {}
    for ind in sorted(set(per_ind["cv"]) | set(per_ind["rules"])):
        tp, fp, miss = per_ind["cv"][ind]
        rtp, rfp, rmiss = per_ind["rules"][ind]
        table[ind] = {"cv": prf(tp, tp + fp, tp + miss), "rules": prf(rtp, rtp + rfp, rtp + rmiss)}
    result["per_indicator"] = table
    result["per_doc"] = per_doc
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def text_report(result: dict, per_indicator: bool = True) -> str:
    """The CV result as plain text: per genre, then per indicator."""
    lines = [f"indicator P/R/F1, {result['scheme']}; {result['docs']} documents, {result['folds']} folds",
             f"{'genre':<10} {'cv P':>6} {'cv R':>6} {'cv F1':>6} {'tp/pred/gold':>14}   {'rules F1':>8}"]
    for g, v in result["cv"].items():
        r = result["rules"].get(g, {})
        lines.append(f"{g:<10} {v['p']:>6.3f} {v['r']:>6.3f} {v['f1']:>6.3f} "
                     f"{str(v['tp']) + '/' + str(v['pred']) + '/' + str(v['gold']):>14}   {r.get('f1', 0):>8.3f}")
    if per_indicator:
        lines.append("")
        lines.append(f"{'indicator':<48} {'P':>5} {'R':>5} {'F1':>5} {'tp/pred/gold':>13}  {'rules F1':>8}")
        for ind, v in result["per_indicator"].items():
            c = v["cv"]
            lines.append(f"{ind:<48} {c['p']:>5.2f} {c['r']:>5.2f} {c['f1']:>5.2f} "
                         f"{str(c['tp']) + '/' + str(c['pred']) + '/' + str(c['gold']):>13}  {v['rules']['f1']:>8.2f}")
    return "\n".join(lines)


__all__ = ["cross_validate", "text_report"]
