// The consistency rules (勾稽关系) of the form, described once for `check` and `explain`.

public struct FormRule: Sendable {
    public enum Severity: String, Sendable {
        /// Numbers that do not add up.
        case violation
        /// Worth a look, not an error: assessors' guidance rather than the form's arithmetic.
        case advisory
    }

    public let id: String
    public let title: String
    /// The form's own wording, where it states the rule.
    public let formWording: String?
    public let explanation: String
    public let example: String
    public let severity: Severity
    /// Row ids (or field-id prefixes) the rule reads.
    public let reads: [String]
}

public enum FormRules {
    public static let all: [FormRule] = [
        FormRule(id: "s3.balance", title: "requests in = requests handled + carried over",
                 formWording: "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                 explanation: "For every applicant column: new requests (一) plus requests carried in from last year (二) equal the year's outcomes (三, its 总计 row) plus requests carried over to next year (四).",
                 example: "s3.new.total + s3.carried_in.total = s3.total.total + s3.carried_out.total",
                 severity: .violation, reads: ["s3.new", "s3.carried_in", "s3.total", "s3.carried_out"]),
        FormRule(id: "s3.outcomes", title: "总计 = the sum of the outcomes",
                 formWording: nil,
                 explanation: "For every applicant column: the （七）总计 row equals 予以公开 + 部分公开 + 不予公开 + 无法提供 + 不予处理 + 其他处理 (each group the sum of its numbered rows).",
                 example: "s3.total.person = s3.granted.person + s3.partial.person + s3.withheld.person + s3.unavailable.person + s3.rejected.person + s3.other.person",
                 severity: .violation, reads: ["s3.total", "s3.granted", "s3.partial", "s3.withheld", "s3.unavailable", "s3.rejected", "s3.other"]),
        FormRule(id: "s3.row-total", title: "the 总计 column = the sum of the applicant columns",
                 formWording: nil,
                 explanation: "For every row of section 三: the 总计 column equals 自然人 plus the five kinds of 法人或其他组织.",
                 example: "s3.new.total = s3.new.person + s3.new.business + s3.new.research + s3.new.nonprofit + s3.new.legal + s3.new.other_org",
                 severity: .violation, reads: ["s3"]),
        FormRule(id: "s4.totals", title: "each group's 总计 = 维持 + 纠正 + 其他 + 尚未审结",
                 formWording: nil,
                 explanation: "In each of 行政复议, 未经复议直接起诉 and 复议后起诉: 总计 equals 结果维持 + 结果纠正 + 其他结果 + 尚未审结.",
                 example: "s4.review.total = s4.review.upheld + s4.review.corrected + s4.review.other + s4.review.pending",
                 severity: .violation, reads: ["s4"]),
        FormRule(id: "s2.stock", title: "documents in force ≥ documents issued this year",
                 formWording: nil,
                 explanation: "2021 format: 现行有效件数 cannot be smaller than 本年制发件数 for 规章 and 行政规范性文件 (what was issued this year is still in force unless repealed).",
                 example: "s2.normative.in_force >= s2.normative.issued",
                 severity: .advisory, reads: ["s2.rules", "s2.normative"]),
        FormRule(id: "text.numbers", title: "numbers in the narrative = numbers in the tables",
                 formWording: nil,
                 explanation: "Counts the narrative states (收到…申请N件, 本年新收…N件, 上年结转…N件, 结转下年度…N件, 行政复议…N件) equal the corresponding table cells; both lines are reported.",
                 example: "\"共收到政府信息公开申请7件\" and s3.new.total = 7",
                 severity: .violation, reads: ["s3.new.total", "s3.carried_in.total", "s3.carried_out.total", "s4.review.total"]),
        FormRule(id: "s6.fees", title: "section 六 states whether 信息处理费 was charged",
                 formWording: "国办公开办函〔2021〕30号 requires section 六 to report the information-processing fees charged.",
                 explanation: "A 2021-format report should say in section 六 whether 信息处理费 was charged. Not the 行政事业性收费 of section 二. Advisory: many reports write only 无.",
                 example: "六、其他需要报告的事项 — 本年度未收取信息处理费。",
                 severity: .advisory, reads: []),
        FormRule(id: "meta.period", title: "the statistics period is the report year",
                 formWording: nil,
                 explanation: "The period the report states (自…起至…止) runs from 1 January to 31 December of the year in the title.",
                 example: "自2021年1月1日起至2021年12月31日止",
                 severity: .violation, reads: []),
        FormRule(id: "meta.deadline", title: "published by the legal deadline",
                 formWording: "《条例》第四十九条、第五十条",
                 explanation: "The signature date falls on or before 31 January (departments) or 31 March (governments) of the following year. Bodies whose names end in 人民政府 count as governments.",
                 example: "方正县政府办公室, 2022年1月20日 for 2021: on time",
                 severity: .advisory, reads: []),
        FormRule(id: "xyear.carry", title: "carried in this year = carried out last year",
                 formWording: nil,
                 explanation: "When two consecutive years of one body are loaded (matched by normalised name): this year's 上年结转 row equals last year's 结转下年度继续办理 row, column by column.",
                 example: "s3.carried_in.total (2022) = s3.carried_out.total (2021)",
                 severity: .violation, reads: ["s3.carried_in", "s3.carried_out"]),
        FormRule(id: "xyear.stock", title: "last year's stock + issued − repealed = this year's stock",
                 formWording: nil,
                 explanation: "2021 format in both years: last year's 现行有效件数 plus this year's 本年制发件数 minus 本年废止件数 equals this year's 现行有效件数, for 规章 and 行政规范性文件.",
                 example: "s2.normative.in_force (2021) + s2.normative.issued (2022) − s2.normative.repealed (2022) = s2.normative.in_force (2022)",
                 severity: .advisory, reads: ["s2.rules", "s2.normative"]),
        FormRule(id: "xyear.reuse", title: "narrative copied from last year's report",
                 formWording: nil,
                 explanation: "When two consecutive years of one body are loaded: the share of this year's narrative sentences (eight characters or more, digits ignored) that stand word for word in last year's report. Above 50% it is reported; assessors deduct points for it.",
                 example: "63% of narrative sentences (19 of 30) as in last year's report",
                 severity: .advisory, reads: []),
    ]

    public static func rule(_ id: String) -> FormRule? { all.first { $0.id == id } }

    /// Rules that read `field`.
    public static func rules(reading field: Field) -> [FormRule] {
        let rowKey = "s\(field.section).\(field.row.id)"
        return all.filter { r in
            r.reads.contains { field.id == $0 || rowKey == $0 || "s\(field.section)" == $0 }
        }
    }
}
