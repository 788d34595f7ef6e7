"""Write the synthetic reports of corpora/annotations/synthetic/ and their labels (deterministic).

Each report is composed from bank.yaml (sentences written for this project) with one of several heading
layouts (standard four parts, 三部分 reports, duties first, duties folded into 一, Markdown, 第一部分,
unnumbered headings, skipped levels, mixed full/half-width brackets). The labels — the part of each
top-level section, the category of each subsection, the type of each sentence — are known by
construction and written to synthetic/labels.jsonl.

    python corpora/annotations/make_synthetic.py      # rewrites synthetic/*.txt and labels.jsonl
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "synthetic"
ORGS = ["青川区", "临河县", "南湖市", "西岭区", "东坪县", "北塘区", "石桥镇", "清源市", "云溪县", "河阳区",
        "柳湾区", "松山县"]
CN = "一二三四五六七八九十"

# heading titles per part, several wordings
TITLES = {
    "results": ["{year}年推进法治政府建设的主要举措和成效", "{year}年法治政府建设工作开展情况", "主要工作及成效",
                "工作开展情况", "{year}年工作回顾", "法治政府建设主要做法和成效"],
    "leadership": ["党政主要负责人履行推进法治建设第一责任人职责情况", "履行推进法治建设第一责任人职责情况",
                   "党政主要负责人履职情况"],
    "shortcomings": ["存在的不足和原因", "存在的问题", "法治政府建设存在的不足", "问题和不足"],
    "plans": ["{next}年推进法治政府建设的主要安排", "下一步工作打算", "下一步工作计划", "{next}年工作安排",
              "下一年度工作思路"],
    "other": ["其他需要报告的情况"],
}
SUB_TITLES = {
    "functions": ["依法全面履行政府职能，营商环境持续优化", "深化“放管服”改革"],
    "rules": ["健全依法行政制度体系", "加强规范性文件监督管理"],
    "decision": ["推进行政决策科学化民主化法治化", "严格落实重大行政决策程序"],
    "enforcement": ["严格规范公正文明执法", "深化行政执法体制改革"],
    "emergency": ["健全突发事件应对体系", "提升应急处置能力"],
    "disputes": ["依法有效化解矛盾纠纷", "加强行政复议和应诉工作"],
    "oversight": ["强化行政权力制约和监督", "全面推进政务公开"],
    "digital": ["推进数字法治政府建设", "加快政务服务数字化转型"],
    "society": ["深入推进法治社会建设", "扎实开展普法宣传教育"],
}
LAYOUTS = [
    # (name, parts in order, top style, sub style)
    ("standard", ["results", "leadership", "shortcomings", "plans"], "cn_dun", "cn_paren_full"),
    ("three_parts", ["results", "shortcomings", "plans"], "cn_dun", "cn_paren_half"),
    ("duties_first", ["leadership", "results", "shortcomings", "plans"], "cn_dun", "cn_paren_full"),
    ("folded", ["results+leadership", "shortcomings", "plans"], "cn_dun", "cn_paren_full"),
    ("markdown", ["results", "leadership", "shortcomings", "plans", "other"], "md_cn_dun", "ar_dot"),
    ("chapter", ["results", "leadership", "shortcomings", "plans"], "chapter", "cn_dun"),
    ("unnumbered", ["results", "shortcomings", "plans"], "bare", "cn_paren_full"),
    ("skipped", ["results", "leadership", "shortcomings", "plans"], "cn_dun", "ar_dot"),
    ("mixed", ["results", "leadership", "shortcomings", "plans"], "cn_dun", "mixed"),
    ("runin", ["results", "shortcomings", "plans"], "cn_dun", "runin"),
]


def top_heading(style: str, i: int, title: str) -> str:
    if style == "cn_dun":
        return f"{CN[i]}、{title}"
    if style == "md_cn_dun":
        return f"## {CN[i]}、{title}"
    if style == "chapter":
        return f"第{CN[i]}部分 {title}"
    return title  # bare


def sub_heading(style: str, i: int, title: str) -> str:
    if style == "cn_paren_full":
        return f"（{CN[i]}）{title}。"
    if style == "cn_paren_half":
        return f"({CN[i]}){title}。"
    if style == "ar_dot":
        return f"{i + 1}.{title}。"
    if style == "cn_dun":
        return f"{CN[i]}、{title}。"
    if style == "mixed":
        return (f"（{CN[i]}）{title}。" if i % 2 == 0 else f"({CN[i]}){title}。")
    return title


def fill(s: str, rng: random.Random, org: str, year: int) -> str:
    while "{n}" in s:
        s = s.replace("{n}", str(rng.choice([3, 5, 8, 12, 16, 23, 45, 67, 120, 236, 580, 1200])), 1)
    while "{p}" in s:
        s = s.replace("{p}", str(rng.choice([5.2, 12, 35.6, 60, 85.3, 92, 98.5])), 1)
    return s.replace("{org}", org).replace("{year}", str(year))


def make(k: int, bank: dict) -> tuple[str, dict]:
    rng = random.Random(1000 + k)
    name, parts, top_style, sub_style = LAYOUTS[k % len(LAYOUTS)]
    org = ORGS[k % len(ORGS)]
    year = 2019 + k % 6
    lines: list[str] = []
    labels = {"doc": f"annotations/synthetic/{k:02d}-{name}.txt", "layout": name, "sections": [], "sentences": []}

    def add_sentences(sents: list[tuple[str, str]], runin: bool = False) -> None:
        text = ""
        for j, (typ, s) in enumerate(sents):
            s = fill(s, rng, org, year)
            if runin:
                s = f"{CN[j]}是{s}"
            labels["sentences"].append({"text": s, "type": typ})
            text += s
        lines.append(text)

    lines.append(f"{org}关于{year}年度法治政府建设情况的报告")
    lines.append("")
    add_sentences([("other", fill(s, rng, org, year)) for s in bank["preamble"]["other"]])
    for i, part in enumerate(parts):
        folded = part == "results+leadership"
        part = "results" if folded else part
        title = fill(rng.choice(TITLES[part]), rng, org, year).replace("{next}", str(year + 1))
        title = title.replace("{next}", str(year + 1))
        if top_style == "bare" and part == "results":
            title = f"{year}年法治政府建设工作开展情况"
        lines.append("")
        lines.append(top_heading(top_style, i, title))
        labels["sections"].append({"title": title, "part": part, "level": 1})
        if top_style == "bare":
            lines.append("")
        if part == "results":
            cats = rng.sample(sorted(bank["results"]), 3 if sub_style != "runin" else 2)
            subs = [(c, rng.choice(SUB_TITLES[c])) for c in cats]
            if folded:
                subs.append(("leadership", "党政主要负责人履行推进法治建设第一责任人职责情况"))
            for j, (c, st) in enumerate(subs):
                if c == "leadership":
                    pool = [("action", s) for s in bank["leadership"]["action"][:2]] + \
                           [("result", s) for s in bank["leadership"]["result"][:1]]
                else:
                    pool = [("action", s) for s in rng.sample(bank["results"][c]["action"],
                                                                 min(2, len(bank["results"][c]["action"])))]
                    pool += [("result", s) for s in bank["results"][c]["result"][:2]]
                if sub_style == "runin":
                    lines.append(sub_heading("cn_paren_full", j, st))
                    labels["sections"].append({"title": st, "category": c, "level": 2})
                    add_sentences(pool[:3], runin=True)
                    continue
                head = sub_heading(sub_style, j, st)
                labels["sections"].append({"title": st, "category": c, "level": 2})
                pool_text = []
                for typ, s in pool:
                    s = fill(s, rng, org, year)
                    labels["sentences"].append({"text": s, "type": typ})
                    pool_text.append(s)
                lines.append(head + "".join(pool_text))
        elif part == "leadership":
            pool = [("action", s) for s in bank["leadership"]["action"]] + \
                   [("result", s) for s in bank["leadership"]["result"]]
            rng.shuffle(pool)
            add_sentences(pool)
        elif part == "shortcomings":
            pool = [("problem", s) for s in rng.sample(bank["shortcomings"]["problem"], 4)]
            add_sentences(pool[:2])
            add_sentences(pool[2:])
        elif part == "plans":
            pool = [("plan", s) for s in rng.sample(bank["plans"]["plan"], 6)]
            add_sentences(pool[:3])
            add_sentences(pool[3:])
        else:
            add_sentences([("other", "本年度无其他需要报告的事项。")])
    return "\n".join(lines) + "\n", labels


def main() -> None:
    bank = yaml.safe_load((HERE / "bank.yaml").read_text(encoding="utf-8"))
    OUT.mkdir(exist_ok=True)
    all_labels = []
    for k in range(20):
        text, labels = make(k, bank)
        (HERE.parent / labels["doc"]).write_text(text, encoding="utf-8")
        all_labels.append(labels)
    with open(OUT / "labels.jsonl", "w", encoding="utf-8") as f:
        for lab in all_labels:
            f.write(json.dumps(lab, ensure_ascii=False) + "\n")
    print(f"wrote {len(all_labels)} synthetic reports to {OUT}")


if __name__ == "__main__":
    main()
