"""The normalizer: each quantity → a standard indicator of the genre's catalogue (``extractor.catalogue``).

For every quantity it reads the text around it on the working copy — the *item* before it (from the start of
its clause, or from the previous quantity of an enumeration ``76件、合同459件``), the words right after a
count (``建立8个行政复议便民联系点``) and, for a change stated after its level (``第二产业增加值81.53亿元，下降
3.3%``), the nearest subject earlier in the sentence — and scores every catalogue indicator whose alias or
pattern occurs there and whose unit and kind fit. Rules come from the catalogue; a quantity no indicator fits
stays in ``quantities`` only. Then:

- ``均为/均达到`` distributes one value over every indicator named in the enumeration before it;
- ``sum_parts`` indicators stated only as parts (一级站3处、二级站5处…) give one row, the sum;
- figures of a wider scope (全国/全省 in a district report) are not the district's and are skipped;
- in a 法治政府 report the plans and shortcomings sections yield nothing; in a 政府工作报告 the plans are
  targets (``year`` = the target year);
- one row per indicator (per indicator and period for a 政府工作报告): the best-scored statement wins, and
  ``note`` says which statements it was preferred to and why;
- values are converted to the catalogue unit where the catalogue gives a factor (斤 → 吨).

An optional classifier (:mod:`extractor.indicator_model`) proposes an indicator for quantities the rules
leave unmapped; its rows carry ``method="model"`` and its probability as confidence.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from extractor.text import yamlio


from extractor.indicators.catalogue import QMARK, Catalogue, Indicator, for_genre
from extractor.core.document import Document
from extractor.core.facts import IndicatorValue
from extractor.stages.index import SectionIndex
from extractor.text.sentences import bounds as sentence_bounds

SCOPE_FILE = Path(__file__).resolve().parents[1] / "data" / "indicators" / "scope.yaml"
VOCABULARY_FILE = Path(__file__).resolve().parents[1] / "data" / "indicators" / "normalizer.yaml"


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    """Patterns, period cues, five-year plans and confidences of ``data/indicators/normalizer.yaml``."""
    return yamlio.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))


_V = vocabulary()
DISTRIBUTE = re.compile(_V["patterns"]["distribute"])
CHANGE_ONLY = re.compile(_V["patterns"]["change_only"])
LEVEL_ONLY = re.compile(_V["patterns"]["level_only"])
MODIFIER = re.compile(_V["patterns"]["modifier"])  # 超千亿元县: a size class
# 500万元及以上固定资产投资: a class bound (the bound in the quantity's text or right after it, then the class)
THRESHOLD_BOUND = re.compile("(?:" + _V["patterns"]["threshold_bound"] + ")$")
THRESHOLD_NOUN = re.compile("^的?(?:" + _V["patterns"]["threshold_class"] + ")")
THRESHOLD_AFTER = re.compile("^(?:" + _V["patterns"]["threshold_bound"] + ")的?(?:" + _V["patterns"]["threshold_class"] + ")")
CARRY_GAP = re.compile(_V["patterns"]["carry_gap"])  # 500万元及以上固定资产投资: a class bound
START_POINT = re.compile(_V["patterns"]["start_point"])
TARGET_WORDS = re.compile(_V["patterns"]["target_words"])
CUMULATIVE_CUE = re.compile(_V["periods"]["cumulative"])
PARA_CUMULATIVE_CUE = re.compile(_V["periods"]["paragraph_cumulative"])
ONE_YEAR_CUE = re.compile(_V["periods"]["one_year"])
TARGET_CUE = re.compile(_V["periods"]["target"])
PLAN_NOW, PLAN_NEXT = _V["five_year_plans"]["current"], _V["five_year_plans"]["next"]
PLAN_YEARS = int(_V["five_year_plans"]["next_offset_years"])
OWN_LEVEL = tuple(_V["own_level_words"])
CONFIDENCE = dict(_V["confidence"])
LOW_CONFIDENCE = float(_V["low_confidence"])


@functools.lru_cache(maxsize=1)
def above_scope() -> dict:
    """Per report level, the words that name a higher territory (``data/indicators/scope.yaml``)."""
    data = yamlio.safe_load(SCOPE_FILE.read_text(encoding="utf-8"))
    return {level: tuple(words) for level, words in data["above_scope"].items()}

MODEL_MIN_CONFIDENCE = float(_V["model_min_confidence"])


@dataclass
class _Ctx:
    ws: int  # quantity span in the working text
    we: int
    sent_start: int
    sent_end: int
    clause_start: int
    clause_end: int
    item_start: int  # after the previous quantity of the clause


@dataclass
class _Cand:
    ind: Indicator
    score: float
    side: str  # q | left | right | carry | share | model
    span: tuple  # working span of the evidence
    factor: float
    qi: int
    value: float = 0.0
    unit: str = ""
    parts: list = field(default_factory=list)
    why: str = ""


def _contexts(work: str, spans: list[tuple[int, int]]) -> list[_Ctx]:
    out = []
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    prev_end_in_clause: dict = {}
    res: dict = {}
    for i in order:
        ws, we = spans[i]
        ss, se, cs, ce = sentence_bounds(work, ws, we)
        item = max(cs, prev_end_in_clause.get(cs, cs))
        prev_end_in_clause[cs] = we
        res[i] = _Ctx(ws, we, ss, se, cs, ce, item)
    for i in range(len(spans)):
        out.append(res[i])
    return out


def _work_span(doc: Document, q) -> tuple[int, int]:
    w = doc.working
    ws = w.to_work(q.start)
    we = w.to_work(max(q.start, q.end - 1)) + 1
    return ws, max(we, ws + 1)


def _fits(ind: Indicator, q) -> Optional[float]:
    if not ind.kind_ok(q.kind or ""):
        return None
    f = ind.unit_factor(q.unit or "")
    if f is not None and ind.max_abs is not None and abs((q.value or 0) * f) > ind.max_abs:
        return None  # 居民消费价格指数 100.0: an index (上年=100), not a change
    return f


def _match(ind: Indicator, work: str, c: _Ctx, q, allow_right: bool) -> Optional[tuple]:
    """(side, score, (start, end)) of the indicator's best match around the quantity, or None."""
    if ind.requires and not re.search(ind.requires, work[c.sent_start:c.sent_end]):
        return None
    left = work[c.sent_start:c.ws]
    ctx = left + QMARK + work[c.we:c.sent_end]
    qpos = len(left)
    item_rel = c.item_start - c.sent_start
    clause_rel = c.clause_start - c.sent_start
    best = None
    for rx, weight, may_span in ind.compiled:
        for m in rx.finditer(ctx):
            a, b = m.span()
            if a <= qpos < b:
                if not may_span:
                    continue
                side, score = "q", 3.0 + 0.05 * weight
                span = (c.sent_start + a, c.sent_start + b - 1)
            elif b <= qpos:
                if b <= item_rel or a < clause_rel - 40:
                    continue
                dist = qpos - b
                side, score = "left", 2.0 + 0.05 * weight - 0.01 * dist
                span = (c.sent_start + a, c.we)
            else:
                if not allow_right or a - qpos - 1 > 20 or c.sent_start + a - 1 >= c.clause_end + 0:
                    continue
                side, score = "right", 1.5 + 0.05 * weight - 0.01 * (a - qpos)
                span = (c.ws, c.sent_start + b - 1)
            if best is None or score > best[1]:
                best = (side, score, span)
    if best and ind.exclude:  # the item, and a few characters before the alias (成渝地区双城经济圈…，经济总量)
        window = work[c.item_start:c.ws]
        if best[0] == "left":
            a = min(best[2][0], c.item_start)
            pre = work[max(c.sent_start, a - 12):a]
            pre = pre[max(pre.rfind(ch) for ch in "0123456789%") + 1:]  # not across an earlier figure
            window = pre + work[a:c.ws]
        if any(x in window for x in ind.exclude):
            return None
    return best


def _carry(ind: Indicator, work: str, c: _Ctx, kind: str = "change") -> Optional[tuple]:
    """A change after its level (``地区生产总值46.1亿元，同比下降4.3%``): the nearest alias before, in the
    sentence. Returns (side, score, span, alias end)."""
    left = work[c.sent_start:c.item_start]
    best = None
    for rx, weight, _ in ind.compiled:
        for m in rx.finditer(left):
            key = (m.end(), m.end() - m.start())
            if best is None or key > best[0]:
                best = (key, m.start(), m.end(), weight)
    if best is None:
        return None
    (_, _), a, b, weight = best
    # the alias must be the subject of the figure just before (地区生产总值46.1亿元，下降…), not of an earlier
    # one with its own subject in between (农村居民…元。新登记农民专业合作社120户，增长8.6%)
    nums = [m.start() for m in re.finditer(r"(?:约|近|超过|超)?[0-9][0-9.]*", left)]
    prev = max((p for p in nums if p >= b), default=None)
    if kind == "change" and prev is not None and not CARRY_GAP.match(left[b:prev]):
        return None
    if ind.exclude:
        seg = work[c.sent_start + max(0, a - 6):c.sent_start + b]
        if any(x in seg for x in ind.exclude):
            return None
    return ("carry", 1.0 + 0.05 * weight, (c.sent_start + a, c.we), c.sent_start + b)


def _expand_enumeration(text: str) -> list[str]:
    """数据汇聚率、共享率和开放率 → [数据汇聚率, 数据共享率, 数据开放率]."""
    items = [s for s in re.split(r"[、和及与,，]", text) if s]
    if not items:
        return []
    first = items[0]
    out = [first]
    for it in items[1:]:
        if len(it) < len(first) and not first.endswith(it):
            # shared suffix (率): the first item's head goes in front of the shorter ones
            k = 0
            while k < min(len(it), len(first)) and it[-1 - k] == first[-1 - k]:
                k += 1
            head = first[: len(first) - len(it)] if k else ""
            out.append(head + it if k else it)
        else:
            out.append(it)
    return out


def _distribute(cat: Catalogue, work: str, c: _Ctx, q, qi: int) -> list[_Cand]:
    left = work[c.item_start:c.ws]
    m = DISTRIBUTE.search(left)
    if not m:
        return []
    names = _expand_enumeration(left[: m.start()].strip())
    if len(names) < 2:
        return []
    out, seen = [], set()
    for name in names:
        best = None
        for ind in cat:
            f = _fits(ind, q)
            if f is None or ind.id in seen:
                continue
            for rx, weight, _ in ind.compiled:
                if rx.search(name):
                    sc = 2.5 + 0.05 * weight
                    if best is None or sc > best[1]:
                        best = (ind, sc, f)
        if best:
            seen.add(best[0].id)
            out.append(_Cand(best[0], best[1], "share", (c.item_start, c.we), best[2], qi, why=f"均 distributes {q.text} over {len(names)} indicators"))
    return out


RESPECTIVELY = re.compile(_V["patterns"]["respectively"])
RUN_JOIN = re.compile(_V["patterns"]["run_join"])


def _expand_subjects(text: str) -> list[str]:
    """城镇和农村居民人均可支配收入 → [城镇居民…, 农村居民…]; 城乡居民… → the same; A、B → [A, B]."""
    text = re.sub(r"^(?:全年|全省|全市|全区|全县|实现)", "", text.strip())
    if text.startswith("城乡"):
        rest = text[2:]
        return ["城镇" + rest, "农村" + rest]
    items = [x for x in re.split(r"[、和及与]", text) if x]
    if len(items) < 2:
        return items
    last = items[-1]
    out = []
    for it in items[:-1]:
        out.append(it + last[len(it):] if len(it) <= 3 and len(last) > len(it) + 2 else it)
    return out + [last]


def _respectively(cat: Catalogue, work: str, ctxs: list, quantities: list) -> dict:
    """``城镇和农村居民人均可支配收入分别增长4.3%、5.5%``: quantity index → candidate, in order."""
    out: dict = {}
    order = sorted(range(len(quantities)), key=lambda i: ctxs[i].ws)
    for k, i in enumerate(order):
        c = ctxs[i]
        m = RESPECTIVELY.match(work[c.item_start:c.ws])
        if not m:
            continue
        names = _expand_subjects(m.group("subj"))
        run = [i]
        for j in order[k + 1:]:
            cj = ctxs[j]
            if cj.sent_start != c.sent_start or not RUN_JOIN.match(work[cj.item_start:cj.ws]) or len(run) >= len(names):
                break
            run.append(j)
        if len(run) < 2 or len(run) != len(names):
            continue
        for name, qi in zip(names, run):
            best = None
            for ind in cat:
                f = _fits(ind, quantities[qi])
                if f is None or (ind.exclude and any(x in name for x in ind.exclude)):
                    continue
                for rx, weight, _ in ind.compiled:
                    mm = rx.search(name)
                    if mm and (best is None or weight > best[1]):
                        best = (ind, weight, f)
            if best:
                out[qi] = _Cand(best[0], 2.5 + 0.05 * best[1], "share", (c.item_start, ctxs[qi].we), best[2], qi,
                                why=f"分别: {name}")
    return out


#: the period values of an indicator row (docs/indicators.md): ``actual``, ``stock``, ``cumulative`` (a
#: multi-year total: 累计, 五年来), ``average`` (a multi-year average rate: 年均增长), ``target`` (an annual
#: target, year = the target year), ``target_plan`` (a multi-year plan target: 十五五, 到2030年; year = its end)
PERIODS = ("actual", "stock", "cumulative", "average", "target", "target_plan")
AVERAGE_CUE = re.compile(_V["periods"]["average"])
OPENING_YEAR = re.compile(_V["periods"]["opening_year"])


def _horizon(text: str, year: Optional[int]) -> Optional[str]:
    """``annual`` or ``plan`` from the last horizon word of ``text`` (今年/明年/the next year vs 十五五/到2030年),
    or None. ``今年是“十五五”开局之年`` names this year, not the plan."""
    text = OPENING_YEAR.sub("今年", text)
    best = None
    annual = list(_V["horizon"]["annual"]) + ([rf"{year + 1}年"] if year else [])
    plan = list(_V["horizon"]["plan"])
    for kind, pats in (("annual", annual), ("plan", plan)):
        for m in re.finditer("|".join(pats), text):
            if best is None or m.start() >= best[0]:
                best = (m.start(), kind)
    for m in re.finditer(r"预期目标", text):  # 主要预期目标是 names this year's targets, unless its sentence names the plan
        sent = text[max(text.rfind(c, 0, m.start()) for c in "。；\n") + 1:m.start()]
        if not re.search("|".join(plan), sent) and (best is None or m.start() >= best[0]):
            best = (m.start(), "annual")
    return best[1] if best else None


def _period_year(q, part: Optional[str], genre: Optional[str], year: Optional[int], sentence: str,
                 paragraph: str = "", titles: str = "", paragraph_left: str = "") -> tuple[str, Optional[int]]:
    """The row's period and year, following the report's own scoping: in a 政府工作报告 the sentence decides
    first, then the paragraph before the quantity, then the section titles, then the section's part.

    - a target (十五五/预期目标/力争…, or the plans part) is ``target`` for the next year when its horizon
      word (:func:`_horizon`: 今年/明年 vs 十五五/到2030年, the last one before the quantity in the sentence,
      else in the paragraph, else in the titles) is annual, ``target_plan`` for the plan's end year otherwise;
      ``今年经济社会发展的主要预期目标是：…`` keeps every target of its paragraph under the next year even after
      a 十五五 paragraph or title;
    - 年均 before the quantity in its sentence is ``average`` (a five-year average), 累计/五年来 ``cumulative``."""
    period = q.period or "actual"
    para_left = paragraph_left or sentence
    if genre == "gongzuo":
        title_plan = any(PLAN_NEXT in t and PLAN_NOW not in t for t in titles.split(" / "))
        horizon = _horizon(sentence, year) or _horizon(para_left, year)
        if horizon is None and AVERAGE_CUE.search(sentence):
            horizon = "plan"  # 年均增长 as a goal: a five-year target
        explicit = TARGET_CUE.search(sentence) or re.search(r"(?:预期|主要)目标(?:是|为|：|:)|目标是|目标为|主要指标(?:是|为|：|:|包括)", para_left)
        if explicit:
            period = "target"
        elif AVERAGE_CUE.search(sentence):
            period = "average"
        elif CUMULATIVE_CUE.search(sentence) or (PARA_CUMULATIVE_CUE.search(paragraph)
                                                 and not ONE_YEAR_CUE.search(paragraph_left or paragraph)):
            period = "average" if AVERAGE_CUE.search(para_left) else "cumulative"
        elif part == "plans" or (title_plan and not ONE_YEAR_CUE.search(sentence)):
            period = "target"
        elif period == "target" and part == "results":
            period = "actual"
        if period == "target":
            if horizon is None:
                horizon = "plan" if title_plan and not re.search(r"预期目标", para_left) else "annual"
            period = "target" if horizon == "annual" else "target_plan"
        if period == "target_plan":
            ys = [int(y) for y in re.findall(r"(20[3-9]\d)年", para_left)]
            return period, (ys[-1] if ys else (year + PLAN_YEARS if year else None))
    if period == "target":
        ys = [int(y) for y in re.findall(r"(20\d\d)年", sentence)]
        later = [y for y in ys if year is None or y > year]
        if year and (genre == "gongzuo" or "今年" in sentence or (year + 1) in later):
            later = [year + 1]
        return period, (later[-1] if later else (year + 1 if year else None))
    return period, year


def candidates_for(cat: Catalogue, work: str, c: _Ctx, q, qi: int, category: Optional[str], economy: bool) -> list[_Cand]:
    """Every indicator that fits one quantity, best first."""
    shared = _distribute(cat, work, c, q, qi)
    if shared:
        return shared
    out = []
    fitting = cat.fitting(q.kind or "", q.unit or "")
    for ind, f in fitting:
        if ind.max_abs is not None and abs((q.value or 0) * f) > ind.max_abs:
            continue  # as _fits: an index (上年=100), not a change
        m = _match(ind, work, c, q, allow_right=(q.kind == "count"))
        if m is None:
            continue
        side, sc, span = m
        if category and ind.category == category:
            sc += 0.3
        if f == 1.0 and (q.unit or "") == ind.unit:
            sc += 0.2
        out.append(_Cand(ind, sc, side, span, f, qi))
    tail = re.split(r"[、，,]", work[c.item_start:c.ws])[-1]
    carry_ok = CHANGE_ONLY.match(tail) if q.kind == "change" else \
        (LEVEL_ONLY.match(tail) or (not tail.strip() and work[c.item_start:c.ws].strip() == "、"))  # 增长5.1%、约3.9万亿元
    if not out and economy and carry_ok:
        for ind in cat:
            f = _fits(ind, q)
            if f is None:
                continue
            m = _carry(ind, work, c, q.kind)
            if m:
                cand = _Cand(ind, m[1], m[0], m[2], f, qi)
                cand.parts = []  # not a sum
                cand.why = ""
                out.append((m[3], m[2][1] - m[2][0], cand))
        if out:  # only the subject nearest to the change (the longest of those ending nearest)
            end = max(e for e, _, _ in out)
            longest = max(n for e, n, _ in out if e == end)
            out = [cand for e, n, cand in out if e == end and n == longest]
    out.sort(key=lambda x: -x.score)
    return out


def _out_of_scope(work: str, c: _Ctx, level: Optional[str]) -> Optional[str]:
    words = above_scope().get(level or "", ())
    item = re.split(r"[、，,]", work[c.item_start:c.ws])[-1]
    return next((w for w in words if w in item), None)


def map_indicators(doc: Document, meta: dict, sections, quantities: list, use_model: bool = True,
                   settings=None) -> list:
    """Indicator rows of one document; ``sections`` a list or a :class:`SectionIndex`; ``settings.catalogue``
    (when set) replaces the genre's catalogue, ``settings.use_models=False`` keeps to the rules."""
    genre = (meta or {}).get("genre")
    cat = getattr(settings, "catalogue", None) or for_genre(genre)
    use_model = use_model and getattr(settings, "use_models", True)
    index = SectionIndex.of(sections)
    if cat is None or not quantities:
        return []
    year = (meta or {}).get("year")
    level = ((meta or {}).get("region") or {}).get("level")
    economy = genre in ("gongzuo", "gongbao")
    work = doc.working.text
    spans = [_work_span(doc, q) for q in quantities]
    ctxs = _contexts(work, spans)
    chosen: list[_Cand] = []
    unmapped: list[int] = []
    resp = _respectively(cat, work, ctxs, quantities)
    for qi, (q, c) in enumerate(zip(quantities, ctxs)):
        part = index.part_at(q.start)
        if genre == "fazhi" and part in ("plans", "shortcomings"):
            continue
        if genre == "fazhi" and q.period == "target" and TARGET_WORDS.search(work[c.sent_start:c.ws]):
            continue  # 力争/将 in a results section: a goal, not a result
        if _out_of_scope(work, c, level):
            continue
        if economy and START_POINT.search(work[max(c.item_start, c.ws - 12):c.ws]):
            continue  # 从11.37万亿元增加到…: the starting point is not this year's value
        if economy and ((THRESHOLD_BOUND.search(q.text) and THRESHOLD_NOUN.match(work[c.we:c.we + 10]))
                        or THRESHOLD_AFTER.match(work[c.we:c.we + 12])):
            continue  # 500万元及以上固定资产投资: a threshold of a class, not a figure
        if economy and MODIFIER.match(work[c.we:c.we + 4]):
            continue  # 生产总值超千亿元县: the figure classifies something else
        if qi in resp:
            chosen.append(resp[qi])
            continue
        sec = index.section_at(q.start)
        cands = candidates_for(cat, work, c, q, qi, sec.category if sec else None, economy)
        if not cands:
            unmapped.append(qi)
            continue
        if cands[0].side == "share":
            chosen.extend(cands)
        else:
            chosen.append(cands[0])
    if use_model and unmapped:
        categories = {}
        for qi in unmapped:
            sec = index.section_at(quantities[qi].start)
            categories[qi] = sec.category if sec else None
        chosen.extend(_model_candidates(cat, doc, work, quantities, ctxs, unmapped, settings, categories))
    chosen = _sum_parts(chosen, quantities, ctxs)
    rows = []
    for cand in chosen:
        q = quantities[cand.qi]
        c = ctxs[cand.qi]
        part = index.part_at(q.start)
        para = work[work.rfind("\n", 0, c.ws) + 1: (work.find("\n", c.we) + 1 or len(work) + 1) - 1]
        para_left = work[work.rfind("\n", 0, c.ws) + 1:c.ws]
        period, y = _period_year(q, part, genre, year, work[c.sent_start:c.ws], para, index.titles_at(q.start), para_left)
        a, b = cand.span
        s, e = doc.working.to_source(min(a, c.ws), max(b, c.we))
        s, e = min(s, q.start), max(e, q.end)
        value = cand.value if cand.parts else q.value * cand.factor
        unit = cand.ind.unit if (cand.factor != 1.0 or (q.unit or "") == cand.ind.unit or cand.parts) else q.unit
        if any(w in work[c.item_start:c.ws] for w in OWN_LEVEL) and not cand.why:
            cand.why = "scope: 本级 (the government itself, not the whole jurisdiction)"
        conf = CONFIDENCE.get(cand.side, CONFIDENCE["other"])
        if cand.side == "model":
            conf = round(cand.score, 3)
        rows.append(IndicatorValue(
            indicator=cand.ind.id, value=value, unit=unit, qualifier=q.qualifier, period=period, year=y,
            evidence=doc.text[s:e], start=s, end=e, quantity=cand.qi, confidence=conf,
            method="model" if cand.side == "model" else "rule", name_zh=cand.ind.name_zh, category=cand.ind.category,
            note=cand.why or None))
    return _one_per(rows, chosen, cat.one_per, first_wins=economy)


def _sum_parts(chosen: list[_Cand], quantities: list, ctxs: list) -> list[_Cand]:
    """Parts of a sum_parts indicator in one sentence → one candidate with the total."""
    groups: dict = {}
    out = []
    for cand in chosen:
        if cand.ind.sum_parts and cand.side != "share":
            key = (cand.ind.id, ctxs[cand.qi].sent_start)
            groups.setdefault(key, []).append(cand)
        else:
            out.append(cand)
    for (_, _), parts in groups.items():
        if len(parts) == 1:
            out.append(parts[0])
            continue
        parts.sort(key=lambda x: ctxs[x.qi].ws)
        total = sum(quantities[p.qi].value * p.factor for p in parts)
        first, last = parts[0], parts[-1]
        merged = _Cand(first.ind, max(p.score for p in parts) + 0.5, "sum",
                       (min(ctxs[first.qi].ws, first.span[0]), ctxs[last.qi].we), 1.0, first.qi, value=total,
                       unit=first.ind.unit, parts=[p.qi for p in parts],
                       why=f"sum of {len(parts)} parts: " + " + ".join(quantities[p.qi].text.strip() for p in parts))
        out.append(merged)
    out.sort(key=lambda x: ctxs[x.qi].ws)
    return out


def _one_per(rows: list[IndicatorValue], chosen: list[_Cand], key_fields: list, first_wins: bool = False) -> list[IndicatorValue]:
    """One row per indicator (and period where the catalogue says so): the best statement, with the reason.
    In economic reports the first statement is the headline figure (later ones are sub-series: 其中…)."""
    best: dict = {}
    for row, cand in zip(rows, chosen):
        key = tuple(getattr(row, f) for f in key_fields)
        exact = row.unit == cand.ind.unit
        rule = cand.side != "model"  # a rule's row always beats the classifier's
        rank = (rule, exact, -row.start) if first_wins else (rule, exact, cand.score, -row.start)
        if key not in best:
            best[key] = [row, rank, []]
            continue
        if rank > best[key][1]:
            loser = best[key][0]
            reason = ("rule over classifier" if rule and best[key][1][0] is False else
                      "catalogue unit" if exact and loser.unit != row.unit else
                      "first statement" if first_wins else "closer match")
            best[key] = [row, rank, best[key][2] + [(loser, reason)]]
        else:
            kept = best[key][1]
            best[key][2].append((row, "rule over classifier" if kept[0] and not rule else
                                 "catalogue unit" if kept[1] and not exact else
                                 ("first statement" if first_wins or kept[2] <= cand.score else "closer match")))
    out = []
    for row, _, losers in best.values():
        if losers:
            why = "; ".join(f"kept over “{l.evidence[-40:]}” ({reason})" for l, reason in losers[:3])
            row.note = f"{row.note}; {why}" if row.note else why
        out.append(row)
    out.sort(key=lambda r: r.start)
    return out


def _model_candidates(cat: Catalogue, doc: Document, work: str, quantities: list, ctxs: list, unmapped: list,
                      settings=None, categories: Optional[dict] = None) -> list[_Cand]:
    try:
        from extractor.indicators import model as indicator_model
    except ImportError:  # pragma: no cover
        return []
    categories = categories or {}
    texts = [indicator_model.features(work, ctxs[i].sent_start, ctxs[i].item_start, ctxs[i].ws, ctxs[i].we,
                                      quantities[i], categories.get(i)) for i in unmapped]
    preds = indicator_model.predict(cat.name, texts) if settings is None else indicator_model.predict(cat.name, texts, settings)
    if not preds:
        return []
    out = []
    for qi, (label, prob) in zip(unmapped, preds):
        if label in (None, "", "none") or prob < MODEL_MIN_CONFIDENCE or label not in cat:
            continue
        ind = cat[label]
        f = _fits(ind, quantities[qi])
        if f is None:
            continue
        c = ctxs[qi]
        out.append(_Cand(ind, float(prob), "model", (c.item_start, c.we), f, qi, why="classifier"))
    return out


__all__ = ["map_indicators", "candidates_for"]
