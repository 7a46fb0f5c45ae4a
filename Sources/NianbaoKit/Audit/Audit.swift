// Running the consistency rules over the corpus, and collecting the reader's structural
// findings beside them, so that one `check` shows everything that is wrong with a report.
//
// Blanks are never zero: a sum skips blank cells and the finding says how many it skipped;
// a rule whose total side is blank, or whose addends are all blank, is "not checkable" and
// counted apart from violations.

public struct Finding: Sendable {
    public enum Kind: String, Sendable { case violation, advisory, structural }

    public var row: Int
    public var rule: String
    public var column: String?
    public var line: Int?
    public var expected: String?
    public var found: String?
    public var message: String
    public var kind: Kind
}

public struct AuditResult: Sendable {
    public var findings: [Finding] = []
    public var notCheckable = 0
    public var reports = 0

    public var violations: [Finding] { findings.filter { $0.kind == .violation } }
    public var structural: [Finding] { findings.filter { $0.kind == .structural } }
    public var advisories: [Finding] { findings.filter { $0.kind == .advisory } }
}

/// Per-report finding counts, computed once per corpus state for the `violations` attribute.
final class AuditCache {
    let counts: [Value]
    init(counts: [Value]) { self.counts = counts }
}

public struct Audit {
    public let corpus: Corpus
    private let form = Form.standard

    public init(corpus: Corpus) { self.corpus = corpus }

    /// Rule ids that `check` accepts: the form's rules and the reader's finding codes.
    public static var ruleIDs: [String] { FormRules.all.map(\.id) + ReadFinding.allCases.map(\.rawValue) + ["read"] }

    public func run(_ rows: [Int32], rules: Set<String>? = nil, cancel: CancellationFlag? = nil) -> AuditResult {
        var result = AuditResult()
        result.reports = rows.count
        func wants(_ id: String) -> Bool {
            guard let rules else { return true }
            return rules.contains(id) || (id.hasPrefix("read.") && rules.contains("read"))
        }
        for r32 in rows {
            if cancel?.isSet == true { break }
            let r = Int(r32)
            for w in corpus.warnings[r] where wants(w.code) && w.code != ReadFinding.decoded.rawValue {
                result.findings.append(Finding(row: r, rule: w.code, column: nil, line: w.line, expected: nil, found: nil,
                                               message: w.message, kind: .structural))
            }
            if wants("s3.balance") { balance(r, &result) }
            if wants("s3.outcomes") { outcomes(r, &result) }
            if wants("s3.row-total") { rowTotals(r, &result) }
            if wants("s4.totals") { s4Totals(r, &result) }
            if wants("s2.stock") { stock(r, &result) }
            if wants("text.numbers") { textNumbers(r, &result) }
            if wants("s6.fees") { processingFee(r, &result) }
            if wants("meta.period") { period(r, &result) }
            if wants("meta.deadline") { deadline(r, &result) }
        }
        if wants("xyear.carry") || wants("xyear.stock") || wants("xyear.reuse") { crossYear(rows, wants: wants, &result) }
        return result
    }

    /// How many findings (violations and structural) each report has.
    public func counts() -> [Value] {
        let all = run(Array(0..<Int32(corpus.count)))
        var counts = Array(repeating: Int64(0), count: corpus.count)
        for f in all.findings where f.kind != .advisory { counts[f.row] += 1 }
        return counts.map { .int($0) }
    }

    // MARK: Sums with blanks

    struct Sum {
        var value: Int64 = 0
        var present = 0
        var skipped = 0
    }

    private func cell(_ id: String, _ r: Int) -> (value: Int64?, kind: CellKind, line: Int) {
        guard let f = form.field(named: id) else { return (nil, .absent, 0) }
        let v = corpus.ints[f.index][r]
        return (v == Corpus.nullInt ? nil : v, corpus.kinds[f.index][r], Int(corpus.lines[f.index][r]))
    }

    private func sum(_ ids: [String], _ r: Int) -> Sum {
        var s = Sum()
        for id in ids {
            let c = cell(id, r)
            if let v = c.value { s.value += v; s.present += 1 }
            else if c.kind != .absent { s.skipped += 1 }
        }
        return s
    }

    private func skippedNote(_ s: Sum) -> String {
        s.skipped == 0 ? "" : " (\(s.skipped) blank cell\(s.skipped == 1 ? "" : "s") skipped)"
    }

    private func rowLine(_ r: Int, _ ids: [String]) -> Int? {
        for id in ids {
            let l = cell(id, r).line
            if l > 0 { return l }
        }
        return nil
    }

    /// Compares one side (`total`) with a sum; records a violation or a not-checkable.
    private func compare(_ r: Int, rule: String, column: String, totalID: String, total: (Int64?, String),
                                  sum s: Sum, sumLabel: String, lineIDs: [String], _ result: inout AuditResult) {
        guard let t = total.0, s.present > 0 else {
            if cell(totalID, r).kind != .absent || s.present > 0 || s.skipped > 0 { result.notCheckable += 1 }
            return
        }
        if t != s.value {
            result.findings.append(Finding(row: r, rule: rule, column: column, line: rowLine(r, lineIDs),
                                           expected: String(s.value), found: String(t),
                                           message: "\(total.1) \(t) ≠ \(sumLabel) \(s.value)" + skippedNote(s),
                                           kind: .violation))
        }
    }

    // MARK: Section 3

    private var s3Columns: [FormColumn] { form.s3Columns }

    private func balance(_ r: Int, _ result: inout AuditResult) {
        for c in s3Columns {
            let left = sum(["s3.new.\(c.id)", "s3.carried_in.\(c.id)"], r)
            let right = sum(["s3.total.\(c.id)", "s3.carried_out.\(c.id)"], r)
            guard left.present > 0, right.present > 0 else {
                if left.skipped + right.skipped > 0 { result.notCheckable += 1 }
                continue
            }
            if left.value != right.value {
                result.findings.append(Finding(row: r, rule: "s3.balance", column: c.id,
                                               line: rowLine(r, ["s3.total.\(c.id)", "s3.new.\(c.id)"]),
                                               expected: String(left.value), found: String(right.value),
                                               message: "一+二 = \(left.value)\(skippedNote(left)) ≠ 三(总计)+四 = \(right.value)\(skippedNote(right))",
                                               kind: .violation))
            }
        }
    }

    private func outcomeRows(_ r: Int) -> [String] {
        var rows = ["granted", "partial"]
        rows += form.s3Rows.filter { $0.group == "（三）不予公开" || $0.group == "（四）无法提供" || $0.group == "（五）不予处理" }.map(\.id)
        // A printed 其他处理 row (2019) stands for itself; otherwise its three sub-rows.
        let other = form.field(named: "s3.other.total")!
        if corpus.lines[other.index][r] > 0 { rows.append("other") }
        else { rows += ["other_no_correction", "other_no_fee", "other_misc"] }
        return rows
    }

    private func outcomes(_ r: Int, _ result: inout AuditResult) {
        let rows = outcomeRows(r)
        for c in s3Columns {
            let total = cell("s3.total.\(c.id)", r)
            let s = sum(rows.map { "s3.\($0).\(c.id)" }, r)
            compare(r, rule: "s3.outcomes", column: c.id, totalID: "s3.total.\(c.id)", total: (total.value, "(七)总计"),
                    sum: s, sumLabel: "sum of outcomes", lineIDs: ["s3.total.\(c.id)"], &result)
        }
    }

    private func rowTotals(_ r: Int, _ result: inout AuditResult) {
        for row in form.s3Rows {
            let total = cell("s3.\(row.id).total", r)
            if total.kind == .absent { continue }
            let s = sum(s3Columns.dropLast().map { "s3.\(row.id).\($0.id)" }, r)
            let label = TableText.stripEnumerator(LabelFolding.fold(row.label)).prefix(12)
            compare(r, rule: "s3.row-total", column: row.id, totalID: "s3.\(row.id).total", total: (total.value, "\(label) 总计"),
                    sum: s, sumLabel: "sum of applicants", lineIDs: ["s3.\(row.id).total", "s3.\(row.id).person"], &result)
        }
    }

    // MARK: Section 4

    private func s4Totals(_ r: Int, _ result: inout AuditResult) {
        for g in form.s4Groups {
            let total = cell("s4.\(g.id).total", r)
            if total.kind == .absent { continue }
            let s = sum(["upheld", "corrected", "other", "pending"].map { "s4.\(g.id).\($0)" }, r)
            compare(r, rule: "s4.totals", column: g.id, totalID: "s4.\(g.id).total", total: (total.value, "\(g.label) 总计"),
                    sum: s, sumLabel: "维持+纠正+其他+未审结", lineIDs: ["s4.\(g.id).total"], &result)
        }
    }

    // MARK: Section 2

    private func stock(_ r: Int, _ result: inout AuditResult) {
        guard corpus.formats[r] == .v2021 else { return }
        for row in ["rules", "normative"] {
            let inForce = cell("s2.\(row).in_force", r), issued = cell("s2.\(row).issued", r)
            guard let a = inForce.value, let b = issued.value else { continue }
            if a < b {
                result.findings.append(Finding(row: r, rule: "s2.stock", column: row, line: inForce.line,
                                               expected: "≥ \(b)", found: String(a),
                                               message: "现行有效件数 \(a) < 本年制发件数 \(b)", kind: .advisory))
            }
        }
    }

    // MARK: Narrative and dates

    private func textNumbers(_ r: Int, _ result: inout AuditResult) {
        var reported = Set<String>()
        for stated in corpus.statedNumbers[r] {
            let c = cell(stated.fieldID, r)
            guard let v = c.value else { continue }
            // The narrative may state one of several numbers; a match anywhere settles it.
            let all = corpus.statedNumbers[r].filter { $0.fieldID == stated.fieldID }
            if all.contains(where: { $0.value == v }) { continue }
            if reported.contains(stated.fieldID) { continue }
            reported.insert(stated.fieldID)
            result.findings.append(Finding(row: r, rule: "text.numbers", column: stated.fieldID, line: stated.line,
                                           expected: String(v), found: String(stated.value),
                                           message: "the narrative says \(stated.value) (line \(stated.line)) but \(stated.fieldID) is \(v) (line \(c.line))",
                                           kind: .violation))
        }
    }

    private func processingFee(_ r: Int, _ result: inout AuditResult) {
        guard corpus.formats[r] == .v2021, !corpus.mentionsProcessingFee[r] else { return }
        let line = corpus.sectionLines[r][6]
        result.findings.append(Finding(row: r, rule: "s6.fees", column: nil, line: line, expected: nil, found: nil,
                                       message: line == nil ? "no section 六 to state whether 信息处理费 was charged"
                                                            : "section 六 does not say whether 信息处理费 was charged",
                                       kind: .advisory))
    }

    private func period(_ r: Int, _ result: inout AuditResult) {
        guard let p = corpus.periods[r], corpus.years[r] != Corpus.nullInt else { return }
        let y = Int(corpus.years[r])
        let ok = p.start == ReportDate(year: y, month: 1, day: 1) && p.end == ReportDate(year: y, month: 12, day: 31)
        if !ok {
            result.findings.append(Finding(row: r, rule: "meta.period", column: nil, line: p.line,
                                           expected: "\(y)年1月1日–\(y)年12月31日",
                                           found: "\(p.start.description)–\(p.end.description)",
                                           message: "statistics period \(p.start.description) to \(p.end.description) is not the year \(y)",
                                           kind: .violation))
        }
    }

    private func deadline(_ r: Int, _ result: inout AuditResult) {
        guard let d = corpus.signed[r], corpus.years[r] != Corpus.nullInt else { return }
        let y = Int(corpus.years[r])
        let org = corpus.org(r)
        let government = org.hasSuffix("人民政府") || org.hasSuffix("区") || org.hasSuffix("县") || org.hasSuffix("市")
        let limit = ReportDate(year: y + 1, month: government ? 3 : 1, day: 31)
        if limit < d {
            result.findings.append(Finding(row: r, rule: "meta.deadline", column: nil, line: nil,
                                           expected: "≤ \(limit.description)", found: d.description,
                                           message: "signed \(d.description), after the deadline \(limit.description) for a \(government ? "government" : "department")",
                                           kind: .advisory))
        }
    }

    // MARK: Across years

    static func normalisedName(_ org: String) -> String {
        LabelFolding.fold(org).filter { !"()[]\"'·.、".contains($0) }
    }

    private func crossYear(_ rows: [Int32], wants: (String) -> Bool, _ result: inout AuditResult) {
        var byBodyYear: [String: [Int: Int]] = [:]
        for r in 0..<corpus.count {
            guard corpus.years[r] != Corpus.nullInt, !corpus.org(r).isEmpty else { continue }
            byBodyYear[Audit.normalisedName(corpus.org(r)), default: [:]][Int(corpus.years[r])] = r
        }
        for r32 in rows {
            let r = Int(r32)
            guard corpus.years[r] != Corpus.nullInt, !corpus.org(r).isEmpty,
                  let last = byBodyYear[Audit.normalisedName(corpus.org(r))]?[Int(corpus.years[r]) - 1] else { continue }
            let lastName = corpus.name(last)
            if wants("xyear.carry") {
                for c in s3Columns {
                    let now = cell("s3.carried_in.\(c.id)", r), before = cell("s3.carried_out.\(c.id)", last)
                    guard let a = now.value, let b = before.value else {
                        if now.kind != .absent || before.kind != .absent { result.notCheckable += 1 }
                        continue
                    }
                    if a != b {
                        result.findings.append(Finding(row: r, rule: "xyear.carry", column: c.id, line: now.line,
                                                       expected: String(b), found: String(a),
                                                       message: "上年结转 \(a) ≠ 结转下年度 \(b) in \(lastName)", kind: .violation))
                    }
                }
            }
            if wants("xyear.reuse") {
                let now = corpus.narrativeFingerprints[r], before = Set(corpus.narrativeFingerprints[last])
                let same = now.filter { before.contains($0) }.count
                if now.count >= 4, same * 2 > now.count {
                    let percent = same * 100 / now.count
                    result.findings.append(Finding(row: r, rule: "xyear.reuse", column: nil, line: corpus.sectionLines[r][1],
                                                   expected: "≤ 50%", found: "\(percent)%",
                                                   message: "\(percent)% of narrative sentences (\(same) of \(now.count)) as in \(lastName)",
                                                   kind: .advisory))
                }
            }
            if wants("xyear.stock"), corpus.formats[r] == .v2021, corpus.formats[last] == .v2021 {
                for row in ["rules", "normative"] {
                    guard let prev = cell("s2.\(row).in_force", last).value,
                          let issued = cell("s2.\(row).issued", r).value,
                          let repealed = cell("s2.\(row).repealed", r).value else { continue }
                    let now = cell("s2.\(row).in_force", r)
                    guard let inForce = now.value else { continue }
                    let expected = prev + issued - repealed
                    if expected != inForce {
                        result.findings.append(Finding(row: r, rule: "xyear.stock", column: row, line: now.line,
                                                       expected: String(expected), found: String(inForce),
                                                       message: "现行有效 \(inForce) ≠ \(prev) (\(lastName)) + \(issued) − \(repealed) = \(expected)",
                                                       kind: .advisory))
                    }
                }
            }
        }
    }
}
