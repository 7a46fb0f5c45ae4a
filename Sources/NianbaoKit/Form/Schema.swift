// The standard form of the annual report, described once.
//
// Every table cell of the 2019 and 2021 formats has a stable ASCII id (`s3.new.total`),
// official Chinese row and column labels, the versions it exists in, and the key words the
// reader matches labels by. The reader, `fields`, `explain`, `template` and `check` all read
// this one description; nothing else in Nianbao lists rows or columns.

/// The two editions of the national format.
public enum FormVersion: String, Sendable, CaseIterable, Comparable {
    /// 国办公开办函〔2019〕60号 (trial), for reports on 2019 and 2020.
    case v2019 = "2019"
    /// 国办公开办函〔2021〕30号, for reports on 2021 and later.
    case v2021 = "2021"

    public static func < (a: FormVersion, b: FormVersion) -> Bool { a.rawValue < b.rawValue }

    public var notice: String {
        switch self {
        case .v2019: return "国办公开办函〔2019〕60号"
        case .v2021: return "国办公开办函〔2021〕30号"
        }
    }
}

/// What a cell holds when it holds a number.
public enum ValueKind: Sendable {
    /// A count of documents, decisions or requests: a non-negative integer.
    case count
    /// A change in a count (本年增/减): an integer that may be negative.
    case signedCount
    /// A sum of money, printed with decimals (万元 or as printed).
    case amount
}

/// A row of one of the three statistical tables.
public struct FormRow: Sendable {
    public let id: String
    /// The official label, as printed on the 2021 form.
    public let label: String
    /// The group the row sits in (（三）不予公开 …), when it has one.
    public let group: String?
    /// Folded key words; a label matches when it contains any of them.
    public let keywords: [String]
    public let versions: Set<FormVersion>
    /// What the row counts, in plain words (for `explain`).
    public let meaning: String
}

/// A column of one of the three statistical tables.
public struct FormColumn: Sendable {
    public let id: String
    public let label: String
    public let keywords: [String]
    public let meaning: String
}

/// One cell of the form: a field of every report.
public struct Field: Sendable {
    /// `s<section>.<row>.<column>`.
    public let id: String
    /// Position in `Form.fields`, and the column of the corpus that stores it.
    public let index: Int
    public let section: Int
    public let row: FormRow
    public let column: FormColumn
    public let versions: Set<FormVersion>
    public let kind: ValueKind
    /// For group subtotals (`s3.withheld.*`): the fields summed. Empty for printed cells.
    public let derivedFrom: [Int]
    /// Versions in which the cell is printed even though it can be derived (`s3.other` in 2019).
    public let printedIn: Set<FormVersion>

    public var isDerived: Bool { !derivedFrom.isEmpty }
    /// The official label: row, then column.
    public var label: String { "\(row.label) · \(column.label)" }
}

/// The six sections of a report.
public struct FormSection: Sendable {
    public let number: Int
    /// Chinese numeral as printed (一 … 六).
    public let numeral: String
    public let title: String
    /// Folded words that identify the section's heading.
    public let headingKeywords: [[String]]
    public let isTable: Bool
    public let meaning: String
}

/// The whole standard form. `Form.standard` is the single instance.
public struct Form: Sendable {
    public let sections: [FormSection]
    public let s2Rows: [FormRow]
    public let s2Columns: [FormColumn]
    public let s3Rows: [FormRow]
    public let s3Columns: [FormColumn]
    public let s3Groups: [FormRow]
    public let s4Groups: [FormRow]
    public let s4Columns: [FormColumn]
    public let fields: [Field]
    private let indexByID: [String: Int]
    private let indexByLabel: [String: Int]

    public static let standard = Form()

    /// The field with this id, or with this unambiguous Chinese label.
    public func field(named name: String) -> Field? {
        if let i = indexByID[name] { return fields[i] }
        if let i = indexByLabel[LabelFolding.fold(name)] { return fields[i] }
        return nil
    }

    public func field(section: Int, row: String, column: String) -> Field? {
        indexByID["s\(section).\(row).\(column)"].map { fields[$0] }
    }

    public func section(_ number: Int) -> FormSection? {
        sections.first { $0.number == number }
    }

    /// Chinese aliases accepted for fields: `自然人·本年新收` style labels, folded.
    public var aliases: [(alias: String, field: Field)] {
        fields.map { ("\($0.row.label)·\($0.column.label)", $0) }
    }

    private init() {
        sections = [
            FormSection(number: 1, numeral: "一", title: "总体情况",
                        headingKeywords: [["总体情况"]], isTable: false,
                        meaning: "Narrative: proactive disclosure, requests, information management, platforms, supervision."),
            FormSection(number: 2, numeral: "二", title: "主动公开政府信息情况",
                        headingKeywords: [["主动公开政府信息"], ["主动公开", "情况"]], isTable: true,
                        meaning: "Table of the items that Article 20 of the Regulation requires to be published proactively."),
            FormSection(number: 3, numeral: "三", title: "收到和处理政府信息公开申请情况",
                        headingKeywords: [["收到和处理"], ["处理政府信息公开申请"]], isTable: true,
                        meaning: "Table of requests for disclosure by type of applicant and how each was handled."),
            FormSection(number: 4, numeral: "四", title: "政府信息公开行政复议、行政诉讼情况",
                        headingKeywords: [["行政复议", "行政诉讼"]], isTable: true,
                        meaning: "Table of the 15 counts of administrative reconsiderations and lawsuits over disclosure."),
            FormSection(number: 5, numeral: "五", title: "存在的主要问题及改进情况",
                        headingKeywords: [["主要问题"], ["存在问题", "改进"]], isTable: false,
                        meaning: "Narrative: the main problems and how they are being addressed."),
            FormSection(number: 6, numeral: "六", title: "其他需要报告的事项",
                        headingKeywords: [["其他需要报告"], ["其他需报告"]], isTable: false,
                        meaning: "Narrative; since 2021 it must state whether information-processing fees (信息处理费) were charged."),
        ]

        let both: Set<FormVersion> = [.v2019, .v2021]
        let only2019: Set<FormVersion> = [.v2019]
        let only2021: Set<FormVersion> = [.v2021]

        func row(_ id: String, _ label: String, _ kw: [String], v versions: Set<FormVersion> = both,
                 group: String? = nil, _ meaning: String) -> FormRow {
            FormRow(id: id, label: label, group: group, keywords: kw.map(LabelFolding.fold),
                    versions: versions, meaning: meaning)
        }
        func col(_ id: String, _ label: String, _ kw: [String], _ meaning: String) -> FormColumn {
            FormColumn(id: id, label: label, keywords: kw.map(LabelFolding.fold), meaning: meaning)
        }

        // Section 2: items of Article 20. Rows keep their id across versions; columns differ.
        let s2Rows: [FormRow] = [
            row("rules", "规章", ["规章"], group: "第二十条第（一）项", "Rules (规章) made by the body."),
            row("normative", "行政规范性文件", ["规范性文件", "规范性檔案"], group: "第二十条第（一）项",
                "Normative documents (行政规范性文件) issued by the body."),
            row("license", "行政许可", ["行政许可"], group: "第二十条第（五）项", "Administrative licensing (行政许可)."),
            row("other_services", "其他对外管理服务事项", ["对外管理服务"], v: only2019, group: "第二十条第（五）项",
                "Other external management and service matters."),
            row("penalty", "行政处罚", ["行政处罚"], group: "第二十条第（六）项", "Administrative penalties (行政处罚)."),
            row("coercion", "行政强制", ["行政强制"], group: "第二十条第（六）项", "Administrative coercion (行政强制)."),
            row("fees", "行政事业性收费", ["事业性收费"], group: "第二十条第（八）项",
                "Administrative and institutional fees (行政事业性收费); not the information-processing fee of section 6."),
            row("procurement", "政府集中采购", ["集中采购"], v: only2019, group: "第二十条第（九）项",
                "Centralised government procurement."),
        ]
        let s2Columns: [FormColumn] = [
            col("issued", "本年制发件数", ["制发"], "documents issued this year"),
            col("repealed", "本年废止件数", ["废止"], "documents repealed this year"),
            col("in_force", "现行有效件数", ["现行有效"], "documents in force at the end of the year"),
            col("decisions", "本年处理决定数量", ["处理决定"], "decisions made this year"),
            col("amount", "本年收费金额（单位：万元）", ["收费金额"], "amount collected, in 10,000 yuan"),
            col("new_made", "本年新制作数量", ["新制作"], "documents newly made this year"),
            col("new_published", "本年新公开数量", ["新公开"], "documents newly published this year"),
            col("public_total", "对外公开总数量", ["对外公开总", "公开总数"], "documents published in all"),
            col("items_prev", "上一年项目数量", ["上一年项目", "上年项目"], "items at the end of the previous year"),
            col("items_change", "本年增/减", ["增/减", "增减", "本年增"], "change in the number of items this year (signed)"),
            col("items", "采购项目数量", ["采购项目"], "procurement projects"),
            col("amount", "采购总金额", ["采购总金额", "总金额"], "total procurement amount, as printed"),
        ]

        // Section 3: requests by applicant (columns) and outcome (rows).
        let s3Columns: [FormColumn] = [
            col("person", "自然人", ["自然人"], "requests from natural persons"),
            col("business", "商业企业", ["商业企业"], "from commercial enterprises (法人或其他组织)"),
            col("research", "科研机构", ["科研机构"], "from research institutions (法人或其他组织)"),
            col("nonprofit", "社会公益组织", ["公益组织"], "from public-interest organisations (法人或其他组织)"),
            col("legal", "法律服务机构", ["法律服务"], "from legal-service institutions (法人或其他组织)"),
            col("other_org", "其他", [], "from other legal persons or organisations (法人或其他组织·其他)"),
            col("total", "总计", ["总计"], "all applicants"),
        ]
        let g3 = "三、本年度办理结果"
        let gWithheld = "（三）不予公开", gUnavailable = "（四）无法提供"
        let gRejected = "（五）不予处理", gOther = "（六）其他处理"
        let s3Groups: [FormRow] = [
            row("outcomes", g3, ["本年度办理结果", "办理结果"], "The outcomes of the year's requests."),
            row("withheld", gWithheld, ["不予公开"], group: g3, "Requests refused (subtotal of 1–8)."),
            row("unavailable", gUnavailable, ["无法提供"], group: g3, "Information that could not be provided (subtotal of 1–3)."),
            row("rejected", gRejected, ["不予处理"], group: g3, "Requests not processed (subtotal of 1–5)."),
            row("other", gOther, ["其他处理"], group: g3,
                "Other handling: a printed row in 2019; in 2021 the sum of its three sub-rows."),
        ]
        let s3Rows: [FormRow] = [
            row("new", "一、本年新收政府信息公开申请数量", ["本年新收"], "New requests received this year."),
            row("carried_in", "二、上年结转政府信息公开申请数量", ["上年结转"], "Requests carried over from last year."),
            row("granted", "（一）予以公开", ["予以公开"], group: g3, "Disclosed in full."),
            row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["部分公开"], group: g3,
                "Disclosed in part; a request handled in parts counts here only."),
            row("withheld_secret", "1.属于国家秘密", ["国家秘密"], group: gWithheld, "Refused: state secret."),
            row("withheld_law", "2.其他法律行政法规禁止公开", ["禁止公开"], group: gWithheld,
                "Refused: other laws or administrative regulations forbid disclosure."),
            row("withheld_security", "3.危及“三安全一稳定”", ["三安全一稳定", "危及"], group: gWithheld,
                "Refused: would endanger national, public, economic security or social stability."),
            row("withheld_third_party", "4.保护第三方合法权益", ["第三方"], group: gWithheld,
                "Refused: to protect a third party's lawful rights (trade secrets, privacy)."),
            row("withheld_internal", "5.属于三类内部事务信息", ["内部事务"], group: gWithheld,
                "Refused: one of the three kinds of internal-affairs information."),
            row("withheld_process", "6.属于四类过程性信息", ["过程性"], group: gWithheld,
                "Refused: one of the four kinds of process information (drafts, discussions …)."),
            row("withheld_enforcement", "7.属于行政执法案卷", ["执法案卷"], group: gWithheld,
                "Refused: part of an administrative enforcement file."),
            row("withheld_query", "8.属于行政查询事项", ["行政查询"], group: gWithheld,
                "Refused: an administrative query matter, served by other channels."),
            row("unavailable_not_held", "1.本机关不掌握相关政府信息", ["不掌握"], group: gUnavailable,
                "Not held by this body."),
            row("unavailable_needs_creation", "2.没有现成信息需要另行制作", ["另行制作", "没有现成"], group: gUnavailable,
                "Would have to be newly produced."),
            row("unavailable_unclear", "3.补正后申请内容仍不明确", ["仍不明确", "补正后"], group: gUnavailable,
                "Still unclear after the applicant was asked to clarify."),
            row("rejected_petition", "1.信访举报投诉类申请", ["信访"], group: gRejected,
                "Not processed: really a petition, report or complaint."),
            row("rejected_duplicate", "2.重复申请", ["重复申请"], group: gRejected, "Not processed: repeated request."),
            row("rejected_publication", "3.要求提供公开出版物", ["公开出版物"], group: gRejected,
                "Not processed: asks for a published publication."),
            row("rejected_excessive", "4.无正当理由大量反复申请", ["大量反复"], group: gRejected,
                "Not processed: many repeated requests without good reason."),
            row("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", ["重新出具", "确认或重新"], group: gRejected,
                "Not processed: asks the body to confirm or re-issue information already obtained."),
            row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ["逾期不补正"], v: only2021, group: gOther,
                "Closed: the applicant did not supply corrections in time."),
            row("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ["收费通知", "缴纳费用"], v: only2021, group: gOther, "Closed: the applicant did not pay the fee in time."),
            row("other_misc", "3.其他", [], v: only2021, group: gOther, "Closed for any other reason."),
            row("total", "（七）总计", ["总计"], group: g3, "All outcomes of the year."),
            row("carried_out", "四、结转下年度继续办理", ["结转下年", "下年度继续"], "Requests carried over to next year."),
        ]

        // Section 4: review and lawsuits.
        let s4Groups: [FormRow] = [
            row("review", "行政复议", ["行政复议"], "Administrative reconsideration (行政复议)."),
            row("suit_direct", "行政诉讼·未经复议直接起诉", ["未经复议", "直接起诉"], "Lawsuits filed without reconsideration first."),
            row("suit_after_review", "行政诉讼·复议后起诉", ["复议后起诉"], "Lawsuits filed after reconsideration."),
        ]
        let s4Columns: [FormColumn] = [
            col("upheld", "结果维持", ["结果维持"], "the body's decision was upheld"),
            col("corrected", "结果纠正", ["结果纠正"], "the body's decision was corrected"),
            col("other", "其他结果", ["其他结果"], "other result"),
            col("pending", "尚未审结", ["尚未审结"], "not yet concluded"),
            col("total", "总计", ["总计"], "all cases"),
        ]

        // The fields themselves, in table order.
        var fields: [Field] = []
        func add(_ section: Int, _ r: FormRow, _ c: FormColumn, _ versions: Set<FormVersion>,
                 _ kind: ValueKind = .count, derivedFrom: [Int] = [], printedIn: Set<FormVersion> = []) {
            fields.append(Field(id: "s\(section).\(r.id).\(c.id)", index: fields.count, section: section,
                                row: r, column: c, versions: versions, kind: kind,
                                derivedFrom: derivedFrom, printedIn: printedIn))
        }
        func s2r(_ id: String) -> FormRow { s2Rows.first { $0.id == id }! }
        func s2c(_ id: String, _ label: String? = nil) -> FormColumn {
            s2Columns.first { $0.id == id && (label == nil || $0.label == label) }!
        }
        for r in ["rules", "normative"] {
            for c in ["issued", "repealed", "in_force"] { add(2, s2r(r), s2c(c), only2021) }
        }
        for r in ["license", "penalty", "coercion"] { add(2, s2r(r), s2c("decisions"), both) }
        add(2, s2r("fees"), s2c("amount", "本年收费金额（单位：万元）"), only2021, .amount)
        for r in ["rules", "normative"] {
            for c in ["new_made", "new_published", "public_total"] { add(2, s2r(r), s2c(c), only2019) }
        }
        for r in ["license", "other_services", "penalty", "coercion"] {
            add(2, s2r(r), s2c("items_prev"), only2019)
            add(2, s2r(r), s2c("items_change"), only2019, .signedCount)
        }
        add(2, s2r("other_services"), s2c("decisions"), only2019)
        add(2, s2r("fees"), s2c("items_prev"), only2019)
        add(2, s2r("fees"), s2c("items_change"), only2019, .signedCount)
        add(2, s2r("procurement"), s2c("items"), only2019)
        add(2, s2r("procurement"), s2c("amount", "采购总金额"), only2019, .amount)

        for r in s3Rows {
            for c in s3Columns { add(3, r, c, r.versions) }
        }
        // Group subtotals, derived from their numbered sub-rows.
        for g in s3Groups where g.id != "outcomes" {
            let children = s3Rows.filter { $0.group == g.label }.map(\.id)
            for c in s3Columns {
                let from = children.map { child in
                    let id = "s3.\(child).\(c.id)"      // made once, not once per field compared
                    return fields.firstIndex { $0.id == id }!
                }
                add(3, g, c, both, derivedFrom: from, printedIn: g.id == "other" ? only2019 : [])
            }
        }
        for g in s4Groups {
            for c in s4Columns { add(4, g, c, both) }
        }
        self.fields = fields
        self.s2Rows = s2Rows
        self.s2Columns = s2Columns
        self.s3Rows = s3Rows
        self.s3Columns = s3Columns
        self.s3Groups = s3Groups
        self.s4Groups = s4Groups
        self.s4Columns = s4Columns
        var byID: [String: Int] = [:]
        var byLabel: [String: Int] = [:]
        var ambiguous: Set<String> = []
        for f in fields {
            byID[f.id] = f.index
            let alias = LabelFolding.fold("\(f.row.label)·\(f.column.label)")
            if byLabel[alias] != nil { ambiguous.insert(alias) } else { byLabel[alias] = f.index }
        }
        for a in ambiguous { byLabel.removeValue(forKey: a) }
        indexByID = byID
        indexByLabel = byLabel
    }
}

/// Report attributes, usable in expressions beside the fields.
public enum ReportAttribute: String, CaseIterable, Sendable {
    case file, org, year, format, layout, warnings

    public var meaning: String {
        switch self {
        case .file: return "the file the report was read from"
        case .org: return "the reporting body, from the title"
        case .year: return "the year reported on"
        case .format: return "the form version detected from the tables: \"2019\" or \"2021\""
        case .layout: return "how the tables were laid out in the text (tab-cells, pipe-cells, tab-rows, …)"
        case .warnings: return "how many warnings reading the report produced"
        }
    }
}
