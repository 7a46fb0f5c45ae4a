// Printing a synthetic report: narrative, section headings and the three tables, in one of
// the layouts real reports arrive in, with one report-wide choice of label and number style.

import NianbaoKit

/// One row of a table as printed: the group label shown before it (first row of a group
/// only), its own label, and its cells.
struct PrintedRow {
    var group: String?
    var groupSize = 1
    var label: String
    var cells: [String]
}

struct PrintedTable {
    var header: [[String]]
    var rows: [PrintedRow]
    /// For HTML: header cells as (text, colspan, rowspan), row by row.
    var htmlHeader: [[(String, Int, Int)]]
    /// Whether PDF text may wrap its long row labels: section 三's, the only ones the reader
    /// joins again (a wrapped label elsewhere is reported with its values).
    var wrapsLabels = false
}

struct ReportWriter {
    let version: FormVersion
    let layout: SynthLayout
    var rng: SeededRandom
    let truth: [String: Value]
    let blankMark: [String: String]
    private let form = Form.standard

    // Report-wide style.
    private var halfWidthBrackets = false
    private var spaceAfterBracket = false
    private var shortNormative = false
    private var traditional = false
    private var pinyin = false
    private var thousands = false
    private var fullWidthDigits = false
    // Wild-report habits: annotations, years in headers, cut or split headers, repeated
    // titles, extra rows that are not in the form.
    private var yearInHeader = false
    private var annotations = false
    private var cutHeader = false
    private var spaceInHeader = false
    private var repeatedTitle = false
    private var extraRow = false
    private var section4Rows = false
    /// PDF text: a long row label wraps onto the next line, its values after the rest of it.
    private var wrapLongLabels = false

    init(version: FormVersion, layout: SynthLayout, rng: SeededRandom, truth: [String: Value], blankMark: [String: String]) {
        self.version = version
        self.layout = layout
        self.rng = rng
        self.truth = truth
        self.blankMark = blankMark
        halfWidthBrackets = chance(0.4)
        spaceAfterBracket = chance(0.2)
        shortNormative = chance(0.3)
        traditional = chance(0.08)
        pinyin = chance(0.05)
        thousands = chance(0.2)
        fullWidthDigits = chance(0.05)
        yearInHeader = chance(0.15)
        annotations = chance(0.15)
        cutHeader = chance(0.2)
        spaceInHeader = chance(0.2)
        repeatedTitle = chance(0.15)
        extraRow = chance(0.1)
        section4Rows = chance(0.2)
        // Drawn for this layout only: the others' reports stay as they were generated before.
        if layout == .pdfText { wrapLongLabels = chance(0.5) }
    }

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }

    // MARK: Text variants

    static let simplifiedToTraditional: [Character: Character] = [
        "请": "請", "处": "處", "结": "結", "转": "轉", "总": "總", "计": "計", "规": "規", "许": "許", "罚": "罰",
        "强": "強", "业": "業", "费": "費", "项": "項", "数": "數", "发": "發", "废": "廢", "现": "現", "决": "決",
        "开": "開", "对": "對", "机": "機", "构": "構", "会": "會", "组": "組", "织": "織", "务": "務", "国": "國",
        "权": "權", "过": "過", "执": "執", "询": "詢", "补": "補", "确": "確", "访": "訪", "举": "舉", "报": "報",
        "诉": "訴", "类": "類", "复": "復", "认": "認", "获": "獲", "缴": "繳", "纳": "納", "维": "維", "纠": "糾",
        "审": "審", "讼": "訟", "议": "議", "无": "無", "办": "辦", "况": "況", "题": "題", "问": "問", "进": "進",
    ]

    /// A label as this report prints it.
    mutating func label(_ text: String) -> String {
        var s = text
        if shortNormative && s == "行政规范性文件" { s = "规范性文件" }
        if halfWidthBrackets { s = String(s.map { $0 == "（" ? "(" : $0 == "）" ? ")" : $0 }) }
        if spaceAfterBracket, let close = s.firstIndex(where: { $0 == "）" || $0 == ")" }), s.first == "（" || s.first == "(" {
            s.insert(" ", at: s.index(after: close))
        }
        if traditional { s = String(s.map { ReportWriter.simplifiedToTraditional[$0] ?? $0 }) }
        if pinyin { s = s.replacing(traditional ? "請" : "请", with: traditional ? "請(qǐng)" : "请(qǐng)") }
        return s
    }

    mutating func number(_ id: String) -> String {
        if let mark = blankMark[id] { return mark }
        guard let v = truth[id] else { return "" }
        var s: String
        switch v {
        case .int(let i):
            s = String(i)
            if thousands && abs(i) >= 1000 {
                let digits = Array(String(abs(i)))
                var out = ""
                for (k, d) in digits.enumerated() {
                    if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
                    out.append(d)
                }
                s = (i < 0 ? "-" : "") + out
            }
            if id.hasSuffix("items_change") && i > 0 && chance(0.5) { s = "+" + s }
        case .double(let d):
            s = Renderer.formatNumber(d)
        case .null: return ""
        default: return ""
        }
        if fullWidthDigits {
            s = String(s.unicodeScalars.map { c -> Character in
                (0x30...0x39).contains(c.value) ? Character(Unicode.Scalar(c.value + 0xFEE0)!) : Character(c)
            })
        }
        return s
    }

    // MARK: The report

    mutating func write(org: String, year: Int, injectedNarrative: Bool) -> String {
        self.year = year
        var lines: [String] = []
        let title = pick(["\(org)\(year)年政府信息公开工作年度报告", "\(org)\(year)年度政府信息公开工作报告",
                          "\(org)\(year)年政府信息公开工作年度报告（文字版）"])
        if layout.isHTML {
            return html(org: org, year: year, title: title)
        }
        if chance(0.1), let cut = title.firstIndex(where: { $0.isNumber }) {
            lines.append(String(title[..<cut])); lines.append(String(title[cut...]))
        } else {
            lines.append(title)
        }
        lines.append("")
        lines.append("本报告依据《中华人民共和国政府信息公开条例》编制。所列数据统计期限自\(year)年1月1日起至\(year)年12月31日止。")
        for (n, body) in narrativeSections(year: year) {
            lines.append(heading(n))
            switch n {
            case 2, 3, 4: lines += render(table(n))
            default: lines += body
            }
            lines.append("")
        }
        lines.append("                    \(org)")
        lines.append("                    \(year + 1)年1月\(Int.random(in: 10...28, using: &rng))日")
        return lines.joined(separator: "\n") + "\n"
    }

    mutating func heading(_ n: Int) -> String {
        switch n {
        case 1: return "一、总体情况"
        case 2: return "二、主动公开政府信息情况"
        case 3: return pick(["三、收到和处理政府信息公开申请情况", "三、行政机关收到和处理政府信息公开申请情况"])
        case 4: return pick(["四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"])
        case 5: return pick(["五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"])
        default: return "六、其他需要报告的事项"
        }
    }

    mutating func narrativeSections(year: Int) -> [(Int, [String])] {
        var s1 = ["（一）主动公开情况。全年通过政府网站主动公开政府信息\(Int.random(in: 100...9999, using: &rng))条。一是深化重点领域信息公开。二是加强政策解读。"]
        if case .int(let n)? = truth["s3.new.total"] {
            s1.append("（二）依申请公开情况。\(year)年共收到政府信息公开申请\(n)件，均在法定期限内答复。")
        }
        s1.append("（三）政府信息管理。严格落实公开属性源头认定机制。")
        let s6 = version == .v2021 ? pick(["本年度未收取信息处理费。", "无。本机关未收取信息处理费。"]) : "无。"
        return [(1, s1), (2, []), (3, []), (4, []),
                (5, ["一是政策解读形式不够丰富。二是公开内容的深度有待提高。下一步将加强培训。"]),
                (6, [s6])]
    }

    // MARK: Tables

    mutating func table(_ section: Int) -> [PrintedTable] {
        switch section {
        case 2: return section2()
        case 3: return [section3()]
        default: return [section4()]
        }
    }

    var year = 2021
    /// Reader findings the printed habits must produce (an extra row is reported, not read).
    var expectedFindings: [String] = []

    mutating func section2() -> [PrintedTable] {
        let order = version == .v2019
            ? ["new_made", "new_published", "public_total", "items_prev", "items_change", "decisions", "items", "amount"]
            : ["issued", "repealed", "in_force", "decisions", "amount"]
        var groups: [(String, [FormRow], [FormColumn])] = []
        for row in form.s2Rows where row.versions.contains(version) {
            let cols = form.fields.filter { $0.section == 2 && $0.row.id == row.id && $0.versions.contains(version) }
                .map(\.column).sorted { order.firstIndex(of: $0.id)! < order.firstIndex(of: $1.id)! }
            if let last = groups.last, last.0 == row.group, last.2.map(\.label) == cols.map(\.label) {
                groups[groups.count - 1].1.append(row)
            } else {
                groups.append((row.group ?? "", [row], cols))
            }
        }
        var out: [PrintedTable] = []
        for (group, rows, cols) in groups {
            let headerLabels = cols.map { c -> String in
                if c.id == "amount" && version == .v2021 { return pick(["本年收费金额（单位：万元）", "本年收费金额（单位：万元，保留4位小数）"]) }
                if c.id == "decisions" && version == .v2019 { return "处理决定数量" }
                if c.id == "items_change" && cutHeader { return "本年增/" }
                if yearInHeader && c.label.hasPrefix("本年") { return "本年(\(year))" + c.label.dropFirst(2) }
                return c.label
            }
            var printed: [PrintedRow] = []
            for r in rows {
                let cells = cols.map { c in number("s2.\(r.id).\(c.id)") }
                var text = r.label
                if annotations && r.id == "rules" { text += "（设区的市级以上人民政府及其部门应提供相关数据）" }
                printed.append(PrintedRow(group: nil, label: label(text), cells: cells))
            }
            if extraRow && group == "第二十条第（一）项" {
                expectedFindings.append("read.unknown-label")
                printed.append(PrintedRow(group: nil, label: "其他主动公开文件", cells: cols.map { _ in String(Int.random(in: 1...9, using: &rng)) }))
            }
            let item = label(group)
            out.append(PrintedTable(header: [[item], ["信息内容"] + headerLabels.map { label($0) }], rows: printed,
                                    htmlHeader: [[(item, cols.count + 1, 1)], [("信息内容", 1, 1)] + headerLabels.map { (label($0), 1, 1) }]))
        }
        return out
    }

    mutating func section3() -> PrintedTable {
        let note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        let columns = form.s3Columns
        var rows: [PrintedRow] = []
        var rowIDs: [(group: String?, id: String, label: String)] = []
        for r in form.s3Rows where r.versions.contains(version) {
            rowIDs.append((r.group, r.id, r.label))
            if version == .v2019 && r.id == "rejected_confirmation" {
                rowIDs.append(("三、本年度办理结果", "other", "（六）其他处理"))
            }
        }
        // A group's label prints once, beside its first row (三、本年度办理结果 beside 予以公开,
        // （三）不予公开 beside 1.属于国家秘密 …); the total rows stand on their own.
        var lastGroup: String?
        for (k, r) in rowIDs.enumerated() {
            var group: String?
            var size = 1
            let standalone = r.id == "total" || r.id == "other"
            if let g = r.group, g != lastGroup, !standalone {
                group = g
                size = rowIDs[k...].prefix { $0.group == g && $0.id != "total" && $0.id != "other" }.count
            }
            lastGroup = standalone ? nil : r.group
            let cells = columns.map { c in number("s3.\(r.id).\(c.id)") }
            rows.append(PrintedRow(group: group.map { label($0) }, groupSize: size, label: label(r.label), cells: cells))
        }
        let business = spaceInHeader ? "商业 企业" : "商业企业"
        var header = [[note, "申请人情况"], ["", "自然人", "法人或其他组织", "总计"],
                      ["", "", label(business), label("科研机构"), label("社会公益组织"), label("法律服务机构"), label("其他")]]
        if repeatedTitle { header.insert(["收到和处理政府信息公开申请情况"], at: 0) }
        let html: [[(String, Int, Int)]] = [
            [(note, 2, 3), ("申请人情况", 7, 1)],
            [(label("自然人"), 1, 2), ("法人或其他组织", 5, 1), (label("总计"), 1, 2)],
            [(label(business), 1, 1), (label("科研机构"), 1, 1), (label("社会公益组织"), 1, 1), (label("法律服务机构"), 1, 1), (label("其他"), 1, 1)],
        ]
        return PrintedTable(header: header, rows: rows, htmlHeader: html, wrapsLabels: true)
    }

    mutating func section4() -> PrintedTable {
        let cols = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        if section4Rows {
            // Some reports print one row per group instead of one row of fifteen.
            let labels = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
            let rows = form.s4Groups.enumerated().map { k, g in
                PrintedRow(group: nil, label: label(labels[k]), cells: form.s4Columns.map { number("s4.\(g.id).\($0.id)") })
            }
            return PrintedTable(header: [["类别"] + cols], rows: rows, htmlHeader: [[("类别", 1, 1)] + cols.map { ($0, 1, 1) }])
        }
        var cells: [String] = []
        for g in form.s4Groups { for c in form.s4Columns { cells.append(number("s4.\(g.id).\(c.id)")) } }
        let header = [["行政复议", "行政诉讼"], cols + ["未经复议直接起诉", "复议后起诉"], cols + cols]
        let html: [[(String, Int, Int)]] = [
            [("行政复议", 5, 1), ("行政诉讼", 10, 1)],
            cols.map { ($0, 1, 2) } + [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
            (cols + cols).map { ($0, 1, 1) },
        ]
        return PrintedTable(header: header, rows: [PrintedRow(group: nil, label: "", cells: cells)], htmlHeader: html)
    }

    // MARK: Layouts

    func render(_ tables: [PrintedTable]) -> [String] {
        tables.flatMap { render($0) }
    }

    func render(_ t: PrintedTable) -> [String] {
        var out: [String] = []
        switch layout {
        case .tabCells:
            for h in t.header { for c in h { out.append("\t" + c) }; out.append("") }
            for r in t.rows {
                if let g = r.group { out.append("\t" + g) } else if t.rows.count > 1 { out.append("\t") }
                if !r.label.isEmpty { out.append("\t" + r.label) }
                for c in r.cells { out.append("\t" + c) }
                out.append("")
            }
        case .pipeCells:
            for h in t.header { for c in h where !c.isEmpty { out.append(c + " |") }; out.append("|||") }
            for r in t.rows {
                if let g = r.group { out.append(g + " |") }
                if !r.label.isEmpty { out.append(r.label + " |") }
                for c in r.cells { out.append(c.isEmpty ? " |" : c + " |") }
                out.append("||")
            }
        case .tabRows:
            for h in t.header { out.append(h.joined(separator: "\t")) }
            for r in t.rows {
                var cells: [String] = []
                if t.rows.count > 1 && t.rows.contains(where: { $0.group != nil }) { cells.append(r.group ?? "") }
                if !r.label.isEmpty { cells.append(r.label) }
                out.append((cells + r.cells).joined(separator: "\t"))
            }
        case .markdown:
            let width = t.rows.map { ($0.label.isEmpty ? 0 : 1) + $0.cells.count + 1 }.max() ?? 2
            for (k, h) in t.header.enumerated() {
                let padded = h + Array(repeating: "", count: max(0, width - h.count))
                out.append("| " + padded.joined(separator: " | ") + " |")
                if k == 0 { out.append("|" + Array(repeating: " --- ", count: width).joined(separator: "|") + "|") }
            }
            for r in t.rows {
                let cells = [r.group ?? ""] + (r.label.isEmpty ? [] : [r.label]) + r.cells
                out.append("| " + cells.joined(separator: " | ") + " |")
            }
        case .spaceAligned:
            for h in t.header { out.append(h.filter { !$0.isEmpty }.joined(separator: "    ")) }
            for r in t.rows {
                var line = ""
                if let g = r.group { line += g + "    " }
                if !r.label.isEmpty { line += r.label }
                line += String(repeating: " ", count: 4)
                line += r.cells.map { DisplayWidth.pad($0, to: 8, right: true) }.joined(separator: "  ")
                out.append(line)
            }
        case .pdfText:
            for h in t.header { out.append(h.filter { !$0.isEmpty }.joined(separator: " ")) }
            for r in t.rows {
                var label = r.label
                if wrapLongLabels && t.wrapsLabels && label.count > ReportWriter.wrapWidth {
                    out.append(((r.group.map { [$0] } ?? []) + [String(label.prefix(ReportWriter.wrapWidth))]).joined(separator: " "))
                    label = String(label.dropFirst(ReportWriter.wrapWidth))
                    out.append(([label] + r.cells).joined(separator: " "))
                    continue
                }
                let cells = (r.group.map { [$0] } ?? []) + (label.isEmpty ? [] : [label]) + r.cells
                out.append(cells.joined(separator: " "))
            }
        case .html, .wordHTML:
            break
        }
        out.append("")
        return out
    }

    /// Where PDF text wraps a long label (characters): a table column's width.
    static let wrapWidth = 16

    mutating func html(org: String, year: Int, title: String) -> String {
        let word = layout == .wordHTML
        var out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>\(title)</title>",
                   "<style>td { border: 1px solid }</style><script>var x = '<td>9</td>';</script></head>", "<body>",
                   word ? Word.paragraph(Word.bold(title), centred: true) : "<h1>\(title)</h1>",
                   word ? Word.paragraph("本报告所列数据统计期限自\(year)年1月1日起至\(year)年12月31日止。")
                        : "<p>本报告所列数据统计期限自\(year)年1月1日起至\(year)年12月31日止。</p>"]
        for (n, body) in narrativeSections(year: year) {
            out.append(word ? Word.paragraph(Word.bold(heading(n))) : "<h2>\(heading(n))</h2>")
            switch n {
            case 2, 3, 4:
                for t in table(n) { out += htmlTable(t, word ? ReportWriter.wordMarkup : bareMarkup) }
            default:
                for p in body {
                    let text = p.replacing("&", with: "&amp;")
                    out.append(word ? Word.paragraph(text) : "<p>\(text)</p>")
                }
            }
        }
        out.append(word ? Word.paragraph("\(org)<br>\(year + 1)年1月20日", right: true)
                        : "<p style=\"text-align:right\">\(org)<br>\(year + 1)年1月20日</p>")
        out.append("</body></html>")
        return out.joined(separator: "\n") + "\n"
    }

    /// How a table's markup is printed: its opening, a row's start, and its cells — a header
    /// cell (text, colspan, rowspan), a group's or a row's label (text, rowspan), a value.
    struct TableMarkup {
        var open: [String]
        var row: String
        var header: (String, Int, Int) -> String
        var label: (String, Int) -> String
        var value: (String) -> String
    }

    /// Bare markup, as a content system prints it.
    var bareMarkup: TableMarkup {
        TableMarkup(
            open: ["<table border=\"1\" cellspacing=\"0\">", "<tbody>"], row: "<tr>",
            header: { text, colspan, rowspan in
                "<td" + (colspan > 1 ? " colspan=\"\(colspan)\"" : "") + (rowspan > 1 ? " rowspan=\"\(rowspan)\"" : "") + ">"
                    + text.replacing("（", with: "（<span>").replacing("）", with: "</span>）") + "</td>"
            },
            label: { text, rowspan in "<td" + (rowspan > 1 ? " rowspan=\"\(rowspan)\"" : "") + ">\(text)</td>" },
            value: { [self] c in c.isEmpty ? pickBlank(c) : "<td><p>\(c)</p></td>" })
    }

    /// As Word saves a table: spans unquoted among the cell's width and style, each text in a
    /// styled paragraph and span, rows with their height, lines wrapped inside tags.
    static var wordMarkup: TableMarkup {
        func cell(_ text: String, colspan: Int = 1, rowspan: Int = 1) -> String {
            "<td width=\(60 * colspan)" + (colspan > 1 ? " colspan=\(colspan)" : "") + (rowspan > 1 ? " rowspan=\(rowspan)" : "")
                + " valign=top style='width:\(45 * colspan).0pt;border:solid windowtext 1.0pt;border-top:none;\n  mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>"
                + Word.paragraph(text, centred: true) + "</td>"
        }
        return TableMarkup(
            open: ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0",
                   " style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>", "<tbody>"],
            row: "<tr style='height:20.25pt'>",
            header: { cell($0, colspan: $1, rowspan: $2) },
            label: { cell($0, rowspan: $1) },
            value: { cell($0.isEmpty ? "&nbsp;" : $0) })
    }

    func htmlTable(_ t: PrintedTable, _ markup: TableMarkup) -> [String] {
        var out = markup.open
        for row in t.htmlHeader {
            out.append(markup.row + row.map { markup.header($0.0, $0.1, $0.2) }.joined() + "</tr>")
        }
        let hasGroups = t.rows.count > 1
        var covered = 0
        for r in t.rows {
            var cells: [String] = []
            if hasGroups {
                if let g = r.group {
                    cells.append(markup.label(g, r.groupSize))
                    covered = r.groupSize - 1
                } else if covered > 0 {
                    covered -= 1
                } else {
                    cells.append(markup.label("", 1))
                }
            }
            if !r.label.isEmpty { cells.append(markup.label(r.label, 1)) }
            for c in r.cells { cells.append(markup.value(c)) }
            out.append(markup.row + cells.joined() + "</tr>")
        }
        out += ["</tbody>", "</table>"]
        return out
    }

    func pickBlank(_ c: String) -> String { "<td>&nbsp;</td>" }

    /// Word's way of printing a paragraph: a class, an alignment and a styled span.
    enum Word {
        static func paragraph(_ text: String, centred: Bool = false, right: Bool = false) -> String {
            let align = centred ? " align=center style='text-align:center;line-height:150%'"
                : right ? " align=right style='text-align:right'" : " style='text-indent:32.0pt;line-height:28.0pt'"
            return "<p class=MsoNormal\(align)><span lang=EN-US style='font-size:16.0pt;\nfont-family:\"仿宋_GB2312\";mso-hansi-font-family:\"Times New Roman\"'>\(text)</span></p>"
        }

        static func bold(_ text: String) -> String { "<b><span style='font-family:黑体'>\(text)</span></b>" }
    }

}
