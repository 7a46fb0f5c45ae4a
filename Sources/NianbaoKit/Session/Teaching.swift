// Teaching the form: `fields`, `explain`, `template` and `show`.
//
// All four read the one description of the form (Form.standard and FormRules); none keeps a
// copy of a label. `template` and `show` draw the same tables, one with field ids in place,
// the other with a report's numbers.

public enum Teaching {
    // MARK: fields

    /// Fields whose id or Chinese label contains `pattern` (folded), or all of them.
    public static func fields(matching pattern: String?) -> ResultTable {
        let form = Form.standard
        let folded = pattern.map(LabelFolding.fold)
        let rows: [[Value]] = form.fields.filter { f in
            guard let p = pattern, let fp = folded else { return true }
            if f.id.contains(p) { return true }
            if p.contains("*") { return globMatch(p, f.id) }
            return LabelFolding.fold(f.row.label + f.column.label + (f.row.group ?? "")).contains(fp)
        }.map { f in
            [.string(f.id), .string(form.section(f.section)!.numeral), .string(f.row.label), .string(f.column.label),
             .string(versionsText(f))]
        }
        var out: [[Value]] = rows
        if pattern == nil || ReportAttribute.allCases.contains(where: { $0.rawValue.contains(pattern!) }) {
            out += ReportAttribute.allCases.filter { pattern == nil || $0.rawValue.contains(pattern!) }.map {
                [.string($0.rawValue), .string(""), .string("(report attribute)"), .string($0.meaning), .string("both")]
            }
        }
        return ResultTable(columns: ["field", "§", "row", "column", "formats"], rows: out)
    }

    static func versionsText(_ f: Field) -> String {
        if f.isDerived { return f.printedIn.isEmpty ? "both (derived)" : "2019 printed, 2021 derived" }
        if f.versions.count == 2 { return "both" }
        return f.versions.first!.rawValue
    }

    static func globMatch(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(text)
        for (i, part) in parts.enumerated() {
            if part.isEmpty { continue }
            if i == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if let r = rest.firstRange(of: part) {
                rest = rest[r.upperBound...]
            } else { return false }
        }
        return parts.last == "" || rest.isEmpty || parts.count == 1
    }

    // MARK: explain

    public enum Topic {
        case field(Field)
        case row(section: Int, row: FormRow)
        case rule(FormRule)
        case finding(ReadFinding)
        case section(FormSection)
        case attribute(ReportAttribute)
    }

    public static func topic(_ word: String) -> Topic? {
        let form = Form.standard
        if let f = form.field(named: word) { return .field(f) }
        if let a = Aliases.resolve(word) { return .field(a) }
        if let r = FormRules.rule(word) { return .rule(r) }
        if let f = ReadFinding(rawValue: word) { return .finding(f) }
        if let a = ReportAttribute(rawValue: word) { return .attribute(a) }
        let lower = word.lowercased()
        for s in form.sections {
            if lower == "s\(s.number)" || lower == "section\(s.number)" || word == s.numeral || lower == String(s.number)
                || word == "\(s.numeral)、" || LabelFolding.fold(word) == LabelFolding.fold(s.title) {
                return .section(s)
            }
        }
        let parts = word.split(separator: ".").map(String.init)
        if parts.count == 2, let n = Int(parts[0].dropFirst()), parts[0].hasPrefix("s") {
            let rows = n == 2 ? form.s2Rows : n == 3 ? form.s3Rows + form.s3Groups : n == 4 ? form.s4Groups : []
            if let r = rows.first(where: { $0.id == parts[1] }) { return .row(section: n, row: r) }
        }
        return nil
    }

    public static func explain(_ topic: Topic, corpus: Corpus, selection: [Int32]) -> String {
        let form = Form.standard
        switch topic {
        case .field(let f):
            let s = form.section(f.section)!
            var lines = ["\(f.id) — \(f.row.label) · \(f.column.label)"]
            lines.append("  section  \(s.numeral)、\(s.title)")
            lines.append("  row      " + (f.row.group.map { "\($0) › " } ?? "") + f.row.label)
            lines.append("  column   \(f.column.label): \(f.column.meaning)")
            lines.append("  counts   \(f.row.meaning) Column: \(f.column.meaning).")
            lines.append("  formats  " + formatsText(f))
            if f.isDerived {
                lines.append("  derived  the sum of " + f.derivedFrom.map { form.fields[$0].id }.joined(separator: ", "))
            }
            let parents = form.fields.filter { $0.derivedFrom.contains(f.index) }
            if !parents.isEmpty { lines.append("  part of  " + parents.map(\.id).joined(separator: ", ")) }
            let rules = FormRules.rules(reading: f)
            if !rules.isEmpty {
                lines.append("  rules    " + rules.map { "\($0.id) (\($0.title))" }.joined(separator: "\n           "))
            }
            lines.append("  values   " + statistics(f, corpus: corpus, selection: selection))
            return lines.joined(separator: "\n")
        case .row(let section, let row):
            let ids = form.fields.filter { $0.section == section && $0.row.id == row.id }.map(\.id)
            return (["s\(section).\(row.id) — \(row.label)", "  \(row.meaning)",
                     "  fields   " + ids.joined(separator: ", ")]).joined(separator: "\n")
        case .rule(let r):
            var lines = ["\(r.id) — \(r.title)" + (r.severity == .advisory ? " (advisory)" : "")]
            if let w = r.formWording { lines.append("  the form  \(w)") }
            lines.append("  checks    \(r.explanation)")
            lines.append("  example   \(r.example)")
            lines.append("  blanks    a sum skips blank cells and says how many; a rule whose total is blank is not checkable")
            lines.append("  run it    check \(r.id)")
            return lines.joined(separator: "\n")
        case .finding(let f):
            return "\(f.rawValue) — reported by the reader: \(f.meaning)\n  run it    check \(f.rawValue)   (all of them: check read)"
        case .section(let s):
            var lines = ["\(s.numeral)、\(s.title) — section \(s.number)" + (s.isTable ? " (table)" : " (narrative)"),
                         "  \(s.meaning)"]
            if s.isTable {
                let fs = form.fields.filter { $0.section == s.number }
                lines.append("  \(fs.count) fields: \(fs.first!.id) … \(fs.last!.id); 'fields s\(s.number).' lists them, 'template \(s.number)' draws them")
            }
            return lines.joined(separator: "\n")
        case .attribute(let a):
            return "\(a.rawValue) — report attribute: \(a.meaning)"
        }
    }

    static func formatsText(_ f: Field) -> String {
        if f.isDerived && !f.printedIn.isEmpty {
            return "printed as its own row in the 2019 format; in 2021 the sum of its three sub-rows"
        }
        if f.isDerived { return "both formats (a subtotal that Nianbao derives; the form prints only its rows)" }
        if f.versions.count == 2 {
            if f.section == 3 { return "2019 and 2021: the same cell in both" }
            return "2019 and 2021"
        }
        let v = f.versions.first!
        if f.section == 2 && v == .v2019 {
            return "2019 only (\(FormVersion.v2019.notice)); the 2021 form changed section 二's columns"
        }
        if f.section == 2 && v == .v2021 {
            return "2021 only (\(FormVersion.v2021.notice)); the 2019 form had 本年新制作/本年新公开/对外公开总数量 instead"
        }
        if f.section == 3 && v == .v2021 {
            return "2021 only: the 2019 form had one row （六）其他处理, split into three in 2021"
        }
        return "\(v.rawValue) only"
    }

    static func statistics(_ f: Field, corpus: Corpus, selection: [Int32]) -> String {
        guard !selection.isEmpty else { return "no reports loaded" }
        var count = 0, blank = 0
        var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        for r in selection {
            if case let v = corpus.value(f, Int(r)), let d = v.asDouble {
                count += 1; sum += d; lo = min(lo, d); hi = max(hi, d)
            } else { blank += 1 }
        }
        if count == 0 { return "in the \(selection.count) selected reports: all blank or absent" }
        return "in the \(selection.count) selected reports: \(count) with a value, sum \(Renderer.formatNumber(sum)), " +
            "min \(Renderer.formatNumber(lo)), max \(Renderer.formatNumber(hi)), \(blank) blank or absent"
    }

    // MARK: template and show

    /// The tables of `section` (all three when nil) for `version`, with field ids in the
    /// cells (template) or a report's values (show).
    public static func tables(section: Int?, version: FormVersion, cell: (Field) -> String,
                              rowLine: ((Int, String) -> String)? = nil) -> [(title: String, table: ResultTable)] {
        let form = Form.standard
        var out: [(String, ResultTable)] = []
        if section == nil || section == 2 {
            // One table per group of rows that share columns.
            var groups: [(String, [FormRow], [FormColumn])] = []
            for row in form.s2Rows where row.versions.contains(version) {
                let order = version == .v2019
                    ? ["new_made", "new_published", "public_total", "items_prev", "items_change", "decisions", "items", "amount"]
                    : ["issued", "repealed", "in_force", "decisions", "amount"]
                let cols = form.fields.filter { $0.section == 2 && $0.row.id == row.id && $0.versions.contains(version) }
                    .map(\.column).sorted { order.firstIndex(of: $0.id)! < order.firstIndex(of: $1.id)! }
                if let last = groups.last, last.0 == row.group ?? "", last.2.map(\.label) == cols.map(\.label) {
                    groups[groups.count - 1].1.append(row)
                } else {
                    groups.append((row.group ?? "", [row], cols))
                }
            }
            for (group, rows, cols) in groups {
                var table = ResultTable(columns: ["\(group) 信息内容"] + cols.map(\.label), rows: [])
                if rowLine != nil { table.columns.append("line") }
                for row in rows {
                    var cells: [Value] = [.string(row.label)]
                    for c in cols {
                        let f = form.field(section: 2, row: row.id, column: c.id)!
                        cells.append(.string(cell(f)))
                    }
                    if let rowLine { cells.append(.string(rowLine(2, row.id))) }
                    table.rows.append(cells)
                }
                out.append(("二、\(form.section(2)!.title)", table))
            }
        }
        if section == nil || section == 3 {
            var table = ResultTable(columns: ["申请人情况"] + form.s3Columns.map(\.label), rows: [])
            if rowLine != nil { table.columns.append("line") }
            var lastGroup: String?
            func appendRow(_ label: String, _ rowID: String) {
                var cells: [Value] = [.string(label)]
                for c in form.s3Columns { cells.append(.string(cell(form.field(section: 3, row: rowID, column: c.id)!))) }
                if let rowLine { cells.append(.string(rowLine(3, rowID))) }
                table.rows.append(cells)
            }
            for row in form.s3Rows where row.versions.contains(version) {
                // A group's subtotal row stands before its numbered rows.
                if let g = row.group, g != lastGroup, let gr = form.s3Groups.first(where: { $0.label == g && $0.id != "outcomes" }) {
                    appendRow(g, gr.id)
                }
                lastGroup = row.group
                let indented = row.group != nil && row.group != "三、本年度办理结果"
                appendRow((indented ? "  " : "") + row.label, row.id)
                if version == .v2019 && row.id == "rejected_confirmation" {
                    appendRow("（六）其他处理", "other")
                }
            }
            out.append(("三、\(form.section(3)!.title)", table))
        }
        if section == nil || section == 4 {
            var table = ResultTable(columns: [""] + form.s4Columns.map(\.label), rows: [])
            if rowLine != nil { table.columns.append("line") }
            for g in form.s4Groups {
                var cells: [Value] = [.string(g.label)]
                for c in form.s4Columns { cells.append(.string(cell(form.field(section: 4, row: g.id, column: c.id)!))) }
                if let rowLine { cells.append(.string(rowLine(4, g.id))) }
                table.rows.append(cells)
            }
            out.append(("四、\(form.section(4)!.title)", table))
        }
        return out
    }

    /// How a report's cell is shown: the number as printed, blank as blank, "/" as "/".
    public static func display(_ reading: FieldReading, field: Field) -> String {
        switch reading.kind {
        case .number:
            guard let n = reading.number else { return "" }
            if let i = n.integer, n.decimals == 0 { return String(i) }
            return Renderer.formatNumber(n.double)
        case .notApplicable: return "/"
        case .text: return "(text)"
        case .blank, .absent: return ""
        }
    }
}

/// Chinese aliases for fields: `行·列` where each part matches one row and one column label.
public enum Aliases {
    /// `本年新收·总计`, `第三方.自然人`, `不予公开·总计` → the field, when unambiguous.
    public static func resolve(_ text: String) -> Field? {
        let form = Form.standard
        guard text.unicodeScalars.contains(where: { $0.value > 0x2E80 }) else { return nil }
        let parts = text.split(whereSeparator: { $0 == "·" || $0 == "." || $0 == "・" }).map { LabelFolding.fold(String($0)) }
        guard parts.count == 2 else { return nil }
        let candidates = form.fields.filter { f in
            let row = LabelFolding.fold(f.row.label), col = LabelFolding.fold(f.column.label)
            return (row.contains(parts[0]) && (col == parts[1] || col.contains(parts[1])))
        }
        if candidates.count == 1 { return candidates[0] }
        // Prefer an exact column match when the row is unique.
        let exact = candidates.filter { LabelFolding.fold($0.column.label) == parts[1] }
        let rows = Set(exact.map { "\($0.section).\($0.row.id)" })
        if exact.count == 1 { return exact[0] }
        if rows.count > 1, let printed = exact.filter({ !$0.isDerived }).first, exact.filter({ !$0.isDerived }).count == 1 { return printed }
        return nil
    }
}
