"""Document metadata: title, genre, the year the report covers, issuers and region.

Everything is read from the normalised working copy (simplified script, half-width digits), with the
rules of ``data/metadata/metadata.yaml`` and the gazetteer of ``data/gazetteer/``:

- **title**: the first line near the top that names a report genre (法治政府建设…报告, 政府工作报告, 统计公报),
  joined with its neighbour when a layout split it (``太康县人民政府`` / ``关于2023年…的报告``).
- **genre**: cue words weighted by where they occur (title ≫ first lines ≫ body).
- **year**: the title's year; for a 政府工作报告 the year of its 工作回顾 or the delivery date minus one
  (delivered in 2026 → covers 2025); then the body's opening ``2023年，…``; then the publication date minus
  one; then the year the body names most.
- **region**: every gazetteer name in the text scored by place (title, opening, body) and context
  (``X区人民政府``, ``2023年，X区``, ``在X第十四届人民代表大会``), the level the report uses for itself
  (全县/区政府/全省…) and consistency with the other places it names (朝阳区 of 北京 or of 长春).
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional

from extractor.text import yamlio

from extractor.stages import gazetteer
from extractor.core.document import Document
from extractor.text.numerals import digit_value

DATA = Path(__file__).resolve().parents[1] / "data" / "metadata"



@functools.lru_cache(maxsize=1)
def rules() -> dict:
    return yamlio.safe_load((DATA / "metadata.yaml").read_text(encoding="utf-8"))


_P = {k: re.compile(v) for k, v in rules()["patterns"].items()}
TITLE_RE = _P["title"]
NOISE_LINE = _P["noise_line"]
YEAR_RANGE = _P["year_range"]


# -- title ------------------------------------------------------------------------------------------

def _clean_line(line: str) -> str:
    s = line.strip().lstrip("#").strip().strip("*").strip()
    s = re.sub(r"^【[^】]{0,20}】", "", s)
    return s.strip()


def find_title(work: str, max_lines: int = 40) -> tuple[Optional[str], int, int]:
    """(title, start, end) in the working text; the span covers both lines of a split title."""
    lines = []
    pos = 0
    for raw in work.split("\n"):
        s = _clean_line(raw)
        if s:
            lines.append((s, pos, pos + len(raw)))
        pos += len(raw) + 1
        if len(lines) >= max_lines:
            break
    for k, (s, a, b) in enumerate(lines):
        if len(s) > 90 or not TITLE_RE.search(s) or NOISE_LINE.search(s[:6]):
            continue
        if re.search(r"[，。；]", s) and not s.startswith("政府工作报告"):
            continue
        title, ta, tb = s, a, b
        if k > 0:  # 太康县人民政府 / 关于2023年法治政府建设情况的报告
            prev, pa, _ = lines[k - 1]
            if (s.startswith("关于") or re.match(r"20\d\d年度?法治", s)) and len(prev) <= 30 and \
                    re.search(r"(人民政府|[区县市省]委|政府|司法局)$", prev):
                title, ta = prev + " " + s, pa
            elif len(prev) <= 30 and re.search(r"(关于|20\d\d年度?)$", prev) and not NOISE_LINE.search(prev):
                title, ta = prev + s, pa
        if k + 1 < len(lines) and re.search(r"(关于|20\d\d年度?)$", s):  # 南京市人民政府关于2020年度 / 法治政府建设情况的报告
            nxt, _, nb = lines[k + 1]
            if len(nxt) <= 40 and nxt.endswith("报告"):
                title, tb = s + nxt, nb
        return title, ta, tb
    return None, 0, 0


# -- genre ------------------------------------------------------------------------------------------

def detect_genre(work: str, title: Optional[str]) -> str:
    r = rules()
    head = work[: r["head_chars"]]
    scores = {}
    top = work[: r.get("not_head_chars", 120)]
    for genre, cues in r["genres"].items():
        if any(w in top for w in cues.get("not_head", [])):
            scores[genre] = 0.0
            continue
        sc = 0.0
        for w in cues.get("title", []):
            if title and w in title:
                sc += r["title_weight"]
            if w in head:
                sc += r["head_weight"]
        for w in cues.get("head", []):
            if w in head:
                sc += r["head_weight"]
        for w in cues.get("body", []):
            sc += min(work.count(w), 5) * 0.5
        scores[genre] = sc
    best = max(scores, key=scores.get)
    return best if scores[best] >= 3 else "other"


# -- year -------------------------------------------------------------------------------------------

def _cn_year(s: str) -> Optional[int]:
    d = "".join(str(digit_value(c)) if digit_value(c) is not None else ("0" if c == "○" else c) for c in s)
    return int(d) if re.fullmatch(r"(19|20)\d\d", d) else None


def _pub_year(work: str) -> Optional[int]:
    m = re.search(r"(?:发布时间|发文日期|公开日期|更新时间|发布日期|成文日期|日期|时间)\s*[:：|\s]*\s*(20\d\d)[-/.年]\d{1,2}", work[:3000])
    return int(m.group(1)) if m else None


def detect_year(work: str, title: Optional[str], genre: str) -> Optional[int]:
    head = work[:4000]
    if genre == "gongzuo":
        m = _P["review_year"].search(work)
        if m:
            return int(m.group(1))
        m = _P["delivery_date"].search(head)
        if m and _cn_year(m.group(1)):
            return _cn_year(m.group(1)) - 1
        m = re.search(r"(20\d\d)年", title or "")
        if m:
            return int(m.group(1)) - 1
        p = _pub_year(work)
        return p - 1 if p else None
    if title:
        t = YEAR_RANGE.sub("", title)
        m = re.search(r"(20\d\d)年", t)
        if m:
            return int(m.group(1))
    body = YEAR_RANGE.sub("", work)
    m = re.search(r"(?:^|[。\n])\s*(?:[^\n，。]{0,12}?)(20\d\d)年(?:度)?(?:以来|是|[，,])", body[:3000], re.M)
    if m:
        return int(m.group(1))
    p = _pub_year(work)
    if p:
        return p - 1
    years = Counter(int(y) for y in re.findall(r"(?<![\d〔\[(（])(20\d\d)年(?!\d{0,2}月\d)", body))
    if years:
        return years.most_common(1)[0][0]
    return None


# -- region -----------------------------------------------------------------------------------------

def self_level(work: str, province_candidate: Optional[gazetteer.Division] = None) -> Optional[str]:
    # 全县/我县/本县 name the report's own jurisdiction; 县委/县政府 may also be a superior (在市委、市政府领导下)
    counts = {lvl: sum(work.count(w) * (3 if w[0] in "全我本" else 1) for w in words)
              for lvl, words in rules()["self_level"].items()}
    if province_candidate is not None and province_candidate.name.endswith("自治区"):
        counts["province"] += work.count("全区") + work.count("我区")  # 全区 = the whole autonomous region
        counts["county"] -= work.count("全区") + work.count("我区")
    order = {"county": 0, "city": 1, "province": 2}  # a tie goes to the more specific level
    lvl = min(counts, key=lambda k: (-counts[k], order.get(k, 3)))
    return lvl if counts[lvl] > 0 else None


_STRONG_AFTER = re.compile(r"^(?:人民政府|政府|委员会|[区县市]委|党委|第[一二三四五六七八九十]+届|统计局|司法局|人大)")


def _mention_weight(work: str, m: gazetteer.Mention, title_span: tuple, head_end: int) -> float:
    w = 1.0
    if title_span[0] <= m.start < title_span[1]:
        w = 12.0
    elif m.start < head_end:
        w = 3.0
    after = work[m.end: m.end + 8]
    before = work[max(0, m.start - 6): m.start]
    if _STRONG_AFTER.match(after):
        w += 4.0
    if re.search(r"(20\d\d年(?:度|以来)?[，,]|^|\n)\s*$", before) or re.search(r"在$", before) and "人民代表大会" in after:
        w += 2.0
    if re.search(r"法治$|我$|全$", before) or re.match(r"(?:经验|模式|样板|品牌|方案|实践|特色)", after):
        w += 1.5
    if re.match(r"(?:坚持|始终|深入|全面|持续|认真|积极|紧紧|紧扣|围绕|聚焦|以习近平|把|将|着力|立足|扎实)", after):
        w += 3.0  # the place is the actor: 2023年，海淀区坚持…
    if m.short:
        w *= 0.5
    return w


def detect_region(work: str, title_span: tuple = (0, 0), head_chars: int = 600) -> Optional[dict]:
    mentions = gazetteer.find_mentions(work)
    if not mentions:
        return None
    score: dict = defaultdict(float)
    count: Counter = Counter()
    divs: dict = {}
    actor: dict = {}
    for m in mentions:
        w = _mention_weight(work, m, title_span, head_chars)
        is_actor = bool(re.match(r"(?:人民政府|政府|[区县市]委|坚持|始终|深入|全面|持续|认真|积极|紧紧|围绕|聚焦|以习近平)",
                                 work[m.end: m.end + 6]))
        for d in m.divisions:
            actor[d.code] = actor.get(d.code, False) or is_actor
            score[d.code] += w / len(m.divisions) if len(m.divisions) > 1 else w
            count[d.code] += 1
            divs[d.code] = d
    # consistency: places whose city / province the text also names; the dominant province
    prov_weight: Counter = Counter()
    for code, s in score.items():
        prov_weight[divs[code].province_code] += s
    for code in list(score):
        d = divs[code]
        support = sum(count[a] for a in gazetteer.ancestors(d))
        score[code] += min(support, 5) * 0.8
        total = sum(prov_weight.values()) or 1
        score[code] *= 0.5 + prov_weight[d.province_code] / total
    top_prov = max((c for c in score if divs[c].level == "province"), key=score.get, default=None)
    level = self_level(work, divs[top_prov] if top_prov else None)

    def level_ok(d: gazetteer.Division) -> bool:
        if level is None:
            return True
        if level == "city" and d.level == "province" and d.province_code[:2] in ("11", "12", "31", "50"):
            return True
        return d.level == level

    ranked = sorted(score, key=lambda c: (-(score[c] * (2.5 if level_ok(divs[c]) else 1.0)), c))
    best = divs[ranked[0]]
    chained = _title_chain(work, mentions, title_span)
    if chained is not None:
        return chained.as_region()
    # a short text naming a place and one of its parts, the part as actor (北京市 … 海淀区坚持…): the part
    for code in ranked[1:6]:
        d = divs[code]
        if best.code in gazetteer.ancestors(d) and score[code] >= 0.5 * score[best.code] and actor.get(code):
            best = d
            break
    if level == "province" and best.level != "province" and score[ranked[0]] < 6:
        # a provincial report that never names its province (河南 2020): the province its places belong to
        prov = max(prov_weight, key=prov_weight.get)
        d = gazetteer.by_code(prov)
        if d is not None:
            return d.as_region()
    return best.as_region()


def _title_chain(work: str, mentions: list, title_span: tuple) -> Optional[gazetteer.Division]:
    """The issuer's place of a title that names a chain of places (上海市普陀区) or a department after its
    government (普陀区规划和自然资源局): the innermost place of the chain, never its province."""
    if title_span[1] <= title_span[0]:
        return None
    dept = re.compile(rules().get("department_after") or r"^$")
    inside = [m for m in mentions if title_span[0] <= m.start < title_span[1]]
    for k, m in enumerate(inside):
        nxt = inside[k + 1] if k + 1 < len(inside) else None
        if nxt is not None and nxt.start == m.end:  # 上海市普陀区: the part of the place
            kids = [d for d in nxt.divisions if any(p.code in gazetteer.ancestors(d) for p in m.divisions)]
            if len(kids) == 1 and dept.match(work[nxt.end:nxt.end + 16] + " "):
                return kids[0]
        if len(m.divisions) == 1 and m.divisions[0].level != "province" and not m.short and \
                dept.match(work[m.end:m.end + 16] + " ") and not work[m.end:m.end + 4].startswith("人民政府"):
            if nxt is None or nxt.start != m.end:
                return m.divisions[0]
    return None


# -- issuers ----------------------------------------------------------------------------------------

def detect_issuers(work: str, title: Optional[str], region: Optional[dict], genre: str) -> list[str]:
    out: list[str] = []
    if title:
        head = re.split(r"关于|20\d\d年", title)[0]
        for tok in re.findall(r"中共[^\s中]+?[区县市省州旗]委|[^\s关]+?(?:人民政府|司法局|统计局|委员会)", head):
            if tok not in out:
                out.append(tok)
    m = re.search(r"发布机构\s*[:：|]?\s*\|?\s*([^\s|]{2,20})", work[:2000])
    if m and m.group(1) not in out and len(m.group(1)) > 3:
        out.append(m.group(1))
    name = (region or {}).get("name")
    if not out and name:
        m = re.search(r"我代表([^\s，,。]{0,12}?)(人民政府|政府)", work[:3000])
        if m:
            who = m.group(1)
            out.append((who if len(who) > 3 else name) + "人民政府")
        m = re.search(r"(?:作者|来源)\s*[:：]\s*([区县市省]?统计局)", work[:2000])
        if m:
            out.append(name + "统计局" if len(m.group(1)) <= 4 else m.group(1))
    return out


# -- the stage --------------------------------------------------------------------------------------

def detect(doc: Document) -> dict:
    work = doc.working.text
    title, ta, tb = find_title(work)
    info = (doc.meta or {}).get("info_title") or (doc.meta or {}).get("pdf_title")
    genre = detect_genre(work, title or (info if info and TITLE_RE.search(info) else None))
    year = detect_year(work, title, genre)
    national = rules().get("national") or {}
    head = work[:3000]
    if (genre == "gongzuo" or "国务院" in (title or "")) and \
            any(re.search(cue, (title or "") + "\n" + head, re.M) for cue in national.get("cues", [])):
        region = dict(national["region"])
    else:
        region = detect_region(work, (ta, tb), rules()["head_chars"])
    issuers = detect_issuers(work, title, region, genre)
    if title is None and doc.title and len(doc.title) <= 60 and not re.search(r"[，。,|:：]", doc.title):
        title = doc.title
    info = (doc.meta or {}).get("info_title") or (doc.meta or {}).get("pdf_title")
    if title is None and info and len(info) <= 80 and TITLE_RE.search(info):  # the PDF's Info Title
        title = info
    return {"title": title, "genre": genre, "year": year, "region": region, "issuers": issuers}


__all__ = ["detect", "find_title", "detect_genre", "detect_year", "detect_region", "detect_issuers", "self_level"]
