"""Write extractor/data/catalogues/xxgk.yaml: the cells of the national 政府信息公开工作年度报告 template.

Run once after editing the lists below: ``python tools/make_xxgk_catalogue.py``. Ids never change.
"""
from pathlib import Path

ACTIVE = [  # 二、主动公开政府信息情况: (id, row, column, name, unit)
    ("active.rules.issued", "规章", "制发", "规章 本年制发件数", "件"),
    ("active.rules.repealed", "规章", "废止", "规章 本年废止件数", "件"),
    ("active.rules.in_force", "规章", "现行有效", "规章 现行有效件数", "件"),
    ("active.normative_documents.issued", "规范性文件", "制发", "行政规范性文件 本年制发件数", "件"),
    ("active.normative_documents.repealed", "规范性文件", "废止", "行政规范性文件 本年废止件数", "件"),
    ("active.normative_documents.in_force", "规范性文件", "现行有效", "行政规范性文件 现行有效件数", "件"),
    ("active.licensing.decisions", "行政许可", "处理决定|数量", "行政许可 本年处理决定数量", "件"),
    ("active.penalty.decisions", "行政处罚", "处理决定|数量", "行政处罚 本年处理决定数量", "件"),
    ("active.coercion.decisions", "行政强制", "处理决定|数量", "行政强制 本年处理决定数量", "件"),
    ("active.fees.amount", "事业性收费", "金额", "行政事业性收费 本年收费金额", "元"),
]
APPLICANTS = [  # 三、收到和处理政府信息公开申请情况: columns
    ("total", ["总计"], "总计"),
    ("natural_person", ["自然人"], "自然人"),
    ("business", ["商业企业"], "商业企业"),
    ("research", ["科研机构"], "科研机构"),
    ("public_interest", ["社会公益组织"], "社会公益组织"),
    ("legal_services", ["法律服务机构"], "法律服务机构"),
    ("other_organization", ["法人或其他组织", "其他$"], "法人或其他组织·其他"),
]
ROWS = [  # rows: (id, [regex…], name)
    ("received", ["本年新收"], "本年新收政府信息公开申请数量"),
    ("carried_over", ["上年结转"], "上年结转政府信息公开申请数量"),
    ("result.disclosed", ["予以公开"], "办理结果：予以公开"),
    ("result.partially_disclosed", ["部分公开"], "办理结果：部分公开"),
    ("result.withheld.state_secret", ["不予公开", "国家秘密"], "不予公开：属于国家秘密"),
    ("result.withheld.prohibited_by_law", ["不予公开", "其他法律|禁止公开|行政法规"], "不予公开：其他法律行政法规禁止公开"),
    ("result.withheld.security_stability", ["不予公开", "三安全一稳定|危及"], "不予公开：危及“三安全一稳定”"),
    ("result.withheld.third_party", ["不予公开", "第三方"], "不予公开：保护第三方合法权益"),
    ("result.withheld.internal_affairs", ["不予公开", "内部事务"], "不予公开：属于三类内部事务信息"),
    ("result.withheld.process_information", ["不予公开", "过程性"], "不予公开：属于四类过程性信息"),
    ("result.withheld.enforcement_files", ["不予公开", "执法案卷"], "不予公开：属于行政执法案卷"),
    ("result.withheld.inquiry", ["不予公开", "行政查询"], "不予公开：属于行政查询事项"),
    ("result.unavailable.not_held", ["无法提供", "不掌握"], "无法提供：本机关不掌握相关政府信息"),
    ("result.unavailable.needs_creation", ["无法提供", "另行制作|没有现成"], "无法提供：没有现成信息需要另行制作"),
    ("result.unavailable.unclear", ["无法提供", "补正后|不明确"], "无法提供：补正后申请内容仍不明确"),
    ("result.not_processed.petition", ["不予处理", "信访|举报|投诉"], "不予处理：信访举报投诉类申请"),
    ("result.not_processed.repeated", ["不予处理", "重复申请"], "不予处理：重复申请"),
    ("result.not_processed.publication", ["不予处理", "出版物"], "不予处理：要求提供公开出版物"),
    ("result.not_processed.mass_repeated", ["不予处理", "大量反复|无正当理由"], "不予处理：无正当理由大量反复申请"),
    ("result.not_processed.confirmation", ["不予处理", "确认|重新出具"], "不予处理：要求行政机关确认或重新出具已获取信息"),
    ("result.other", ["其他处理"], "办理结果：其他处理"),
    ("result.other.overdue_correction", ["其他处理", "逾期不补正"], "其他处理：申请人逾期不补正"),
    ("result.other.unpaid_fees", ["其他处理", "缴纳费用|收费通知"], "其他处理：申请人逾期未缴纳费用"),
    ("result.other.other", ["其他处理", r"/\d?[.、．]?其他$"], "其他处理：其他"),
    ("result.total", ["办理结果|（七）", "总计"], "办理结果：总计"),
    ("carried_forward", ["结转下年度"], "结转下年度继续办理"),
]
RESULTS = [("upheld", "结果维持|维持"), ("corrected", "结果纠正|纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
           ("total", "总计")]
RESULT_ZH = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}


def q(s):
    return "'" + s.replace("'", "''") + "'"


def entry(id_, name, unit, category, row, col):
    r = "[" + ", ".join(q(x) for x in row) + "]"
    c = "[" + ", ".join(q(x) for x in col) + "]"
    kinds = ", kinds: [amount]" if unit == "元" else ""
    kind = "amount" if unit == "元" else "count"
    return (f"- {{id: {id_}, name_zh: {q(name)}, unit: {q(unit)}, kind: {kind}{kinds}, category: {category},\n"
            f"   table: {{row: {r}, column: {c}}}}}")


lines = ["# 政府信息公开工作年度报告 (genre xxgk): one indicator for every cell of the national template's tables",
         "# (二 主动公开, 三 申请 by applicant: 总计 and every applicant column, 四 复议/诉讼). Written by",
         "# tools/make_xxgk_catalogue.py; the tables stage matches `table.row` patterns (all must occur in the",
         "# cell's row label, stub cells joined by /) and `table.column` patterns (in its column label, header",
         "# cells top-down joined by /), the entry with the most patterns winning. Ids never change.",
         "catalogue: {name: xxgk, title: 政府信息公开工作年度报告 统计表, genres: [xxgk], one_per: [indicator]}",
         "categories:",
         "- {id: active, name_zh: 主动公开政府信息情况}",
         "- {id: applications, name_zh: 收到和处理政府信息公开申请情况}",
         "- {id: review, name_zh: 政府信息公开行政复议、行政诉讼情况}",
         "indicators:"]
for id_, row, col, name, unit in ACTIVE:
    lines.append(entry(id_, name, unit, "active", [row], [col]))
for rid, rpat, rname in ROWS:
    for cid, cpat, cname in APPLICANTS:
        lines.append(entry(f"applications.{rid}.{cid}", f"{rname}（{cname}）", "件", "applications", rpat, cpat))
for rid, rpat in RESULTS:
    lines.append(entry(f"review.reconsideration.{rid}", f"行政复议：{RESULT_ZH[rid]}", "件", "review", [],
                       ["行政复议", rpat]))
for grp, gpat, gname in (("direct", "未经复议", "未经复议直接起诉"), ("after_reconsideration", "复议后起诉", "复议后起诉")):
    for rid, rpat in RESULTS:
        lines.append(entry(f"review.litigation.{grp}.{rid}", f"行政诉讼（{gname}）：{RESULT_ZH[rid]}", "件", "review",
                           [], [gpat, rpat]))  # 行政诉讼 not required: PDF grids misplace the top header
out = Path(__file__).resolve().parents[1] / "extractor" / "data" / "catalogues" / "xxgk.yaml"
out.write_text("\n".join(lines) + "\n", encoding="utf-8")
print(out, len(lines) - 11, "indicators")
