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

    /// The corpus's count columns, held here: a read of a class's array property is checked
    /// for exclusive access each time, and the rules read a few hundred cells a report.
    private let countColumns: [[Int32]], kinds: [[CellKind]], lines: [[UInt16]]

    public init(corpus: Corpus) {
        self.corpus = corpus
        countColumns = corpus.counts; kinds = corpus.kinds; lines = corpus.lines
    }

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
        /// In 128 bits: a report can print counts whose sum passes 64 bits.
        var value = WideSum()
        var present = 0
        var skipped = 0
    }

    /// Field `f` of report `r`; a field the form lacks (-1, see `Plan`) reads as absent.
    @inline(__always)
    private func cell(_ f: Int, _ r: Int) -> (value: Int64?, kind: CellKind, line: Int) {
        guard f >= 0 else { return (nil, .absent, 0) }
        return (corpus.integer(stored: countColumns[f][r], f, r), kinds[f][r], corpus.line(stored: lines[f][r], f, r))
    }

    private func sum(_ fields: [Int], _ r: Int) -> Sum {
        var s = Sum()
        for f in fields {
            let c = cell(f, r)
            if let v = c.value { s.value.add(v); s.present += 1 }
            else if c.kind != .absent { s.skipped += 1 }
        }
        return s
    }

    private func skippedNote(_ s: Sum) -> String {
        s.skipped == 0 ? "" : " (\(s.skipped) blank cell\(s.skipped == 1 ? "" : "s") skipped)"
    }

    private func rowLine(_ r: Int, _ fields: [Int]) -> Int? {
        for f in fields {
            let l = cell(f, r).line
            if l > 0 { return l }
        }
        return nil
    }

    /// Compares one side (`total`) with a sum; records a violation or a not-checkable.
    private func compare(_ r: Int, rule: String, column: String, totalField: Int, total: (Int64?, String),
                         sum s: Sum, sumLabel: String, lineFields: [Int], _ result: inout AuditResult) {
        guard let t = total.0, s.present > 0 else {
            if cell(totalField, r).kind != .absent || s.present > 0 || s.skipped > 0 { result.notCheckable += 1 }
            return
        }
        if !s.value.equals(t) {
            result.findings.append(Finding(row: r, rule: rule, column: column, line: rowLine(r, lineFields),
                                           expected: s.value.description, found: String(t),
                                           message: "\(total.1) \(t) ≠ \(sumLabel) \(s.value)" + skippedNote(s),
                                           kind: .violation))
        }
    }

    /// The fields each rule reads, found once by their ids. A `check` of 100,000 reports built
    /// each id from its parts and looked it up (an id the form lacks by folding it as a label)
    /// for every cell of every report: 16.6 s, nearly all of it that.
    private struct Plan: Sendable {
        static let shared = Plan(Form.standard)

        struct S3Column: Sendable {
            var id: String
            var new, carriedIn, total, carriedOut: Int
            /// The outcome rows' fields: with a printed 其他处理 row (2019), or its three sub-rows.
            var outcomesWithOther, outcomesWithSubRows: [Int]
        }
        struct Totalled: Sendable {
            var id: String
            var total: Int
            var parts: [Int]
            var label: String
            var lineFields: [Int]
        }
        struct Stock: Sendable { var id: String; var inForce, issued, repealed: Int }

        let s3Columns: [S3Column]
        let otherTotal: Int
        let s3Rows: [Totalled]
        let s4Groups: [Totalled]
        let stock: [Stock]

        private init(_ form: Form) {
            func index(_ id: String) -> Int { form.field(named: id)?.index ?? -1 }
            var outcomeRows = ["granted", "partial"]
            outcomeRows += form.s3Rows.filter { $0.group == "（三）不予公开" || $0.group == "（四）无法提供" || $0.group == "（五）不予处理" }.map(\.id)
            s3Columns = form.s3Columns.map { c in
                S3Column(id: c.id, new: index("s3.new.\(c.id)"), carriedIn: index("s3.carried_in.\(c.id)"),
                         total: index("s3.total.\(c.id)"), carriedOut: index("s3.carried_out.\(c.id)"),
                         outcomesWithOther: (outcomeRows + ["other"]).map { index("s3.\($0).\(c.id)") },
                         outcomesWithSubRows: (outcomeRows + ["other_no_correction", "other_no_fee", "other_misc"]).map { index("s3.\($0).\(c.id)") })
            }
            otherTotal = form.field(named: "s3.other.total")!.index
            s3Rows = form.s3Rows.map { row in
                let label = TableText.stripEnumerator(LabelFolding.fold(row.label)).prefix(12)
                return Totalled(id: row.id, total: index("s3.\(row.id).total"),
                                parts: form.s3Columns.dropLast().map { index("s3.\(row.id).\($0.id)") },
                                label: "\(label) 总计", lineFields: [index("s3.\(row.id).total"), index("s3.\(row.id).person")])
            }
            s4Groups = form.s4Groups.map { g in
                Totalled(id: g.id, total: index("s4.\(g.id).total"),
                         parts: ["upheld", "corrected", "other", "pending"].map { index("s4.\(g.id).\($0)") },
                         label: "\(g.label) 总计", lineFields: [index("s4.\(g.id).total")])
            }
            stock = ["rules", "normative"].map {
                Stock(id: $0, inForce: index("s2.\($0).in_force"), issued: index("s2.\($0).issued"), repealed: index("s2.\($0).repealed"))
            }
        }
    }

    private var plan: Plan { Plan.shared }

    // MARK: Section 3

    private func balance(_ r: Int, _ result: inout AuditResult) {
        for c in plan.s3Columns {
            let left = sum([c.new, c.carriedIn], r)
            let right = sum([c.total, c.carriedOut], r)
            guard left.present > 0, right.present > 0 else {
                if left.skipped + right.skipped > 0 { result.notCheckable += 1 }
                continue
            }
            if left.value != right.value {
                result.findings.append(Finding(row: r, rule: "s3.balance", column: c.id,
                                               line: rowLine(r, [c.total, c.new]),
                                               expected: left.value.description, found: right.value.description,
                                               message: "一+二 = \(left.value)\(skippedNote(left)) ≠ 三(总计)+四 = \(right.value)\(skippedNote(right))",
                                               kind: .violation))
            }
        }
    }

    private func outcomes(_ r: Int, _ result: inout AuditResult) {
        // A printed 其他处理 row (2019) stands for itself; otherwise its three sub-rows.
        let otherPrinted = lines[plan.otherTotal][r] > 0
        for c in plan.s3Columns {
            let total = cell(c.total, r)
            let s = sum(otherPrinted ? c.outcomesWithOther : c.outcomesWithSubRows, r)
            compare(r, rule: "s3.outcomes", column: c.id, totalField: c.total, total: (total.value, "(七)总计"),
                    sum: s, sumLabel: "sum of outcomes", lineFields: [c.total], &result)
        }
    }

    private func rowTotals(_ r: Int, _ result: inout AuditResult) {
        for row in plan.s3Rows {
            let total = cell(row.total, r)
            if total.kind == .absent { continue }
            compare(r, rule: "s3.row-total", column: row.id, totalField: row.total, total: (total.value, row.label),
                    sum: sum(row.parts, r), sumLabel: "sum of applicants", lineFields: row.lineFields, &result)
        }
    }

    // MARK: Section 4

    private func s4Totals(_ r: Int, _ result: inout AuditResult) {
        for g in plan.s4Groups {
            let total = cell(g.total, r)
            if total.kind == .absent { continue }
            compare(r, rule: "s4.totals", column: g.id, totalField: g.total, total: (total.value, g.label),
                    sum: sum(g.parts, r), sumLabel: "维持+纠正+其他+未审结", lineFields: g.lineFields, &result)
        }
    }

    // MARK: Section 2

    private func stock(_ r: Int, _ result: inout AuditResult) {
        guard corpus.formats[r] == .v2021 else { return }
        for row in plan.stock {
            let inForce = cell(row.inForce, r), issued = cell(row.issued, r)
            guard let a = inForce.value, let b = issued.value else { continue }
            if a < b {
                result.findings.append(Finding(row: r, rule: "s2.stock", column: row.id, line: inForce.line,
                                               expected: "≥ \(b)", found: String(a),
                                               message: "现行有效件数 \(a) < 本年制发件数 \(b)", kind: .advisory))
            }
        }
    }

    // MARK: Narrative and dates

    private func textNumbers(_ r: Int, _ result: inout AuditResult) {
        var reported = Set<String>()
        for stated in corpus.statedNumbers[r] {
            let c = cell(form.field(named: stated.fieldID)?.index ?? -1, r)
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

    private func crossYear(_ rows: [Int32], wants: (String) -> Bool, _ result: inout AuditResult) {
        // A report is found by its body (`Corpus.bodies`) and year.
        struct BodyYear: Hashable { var body: Int32; var year: Int64 }
        let bodyOfCode = corpus.bodies
        func body(_ r: Int) -> Int32 { bodyOfCode[Int(corpus.orgCodes[r])] }
        var byBodyYear: [BodyYear: Int] = [:]
        byBodyYear.reserveCapacity(corpus.count)
        for r in 0..<corpus.count {
            guard corpus.years[r] != Corpus.nullInt, !corpus.org(r).isEmpty else { continue }
            byBodyYear[BodyYear(body: body(r), year: corpus.years[r])] = r
        }
        for r32 in rows {
            let r = Int(r32)
            guard corpus.years[r] != Corpus.nullInt, !corpus.org(r).isEmpty,
                  let last = byBodyYear[BodyYear(body: body(r), year: corpus.years[r] - 1)] else { continue }
            let lastName = corpus.name(last)
            if wants("xyear.carry") {
                for c in plan.s3Columns {
                    let now = cell(c.carriedIn, r), before = cell(c.carriedOut, last)
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
                for row in plan.stock {
                    guard let prev = cell(row.inForce, last).value,
                          let issued = cell(row.issued, r).value,
                          let repealed = cell(row.repealed, r).value else { continue }
                    let now = cell(row.inForce, r)
                    guard let inForce = now.value else { continue }
                    var expected = WideSum(prev)
                    expected.add(issued)
                    expected.subtract(repealed)
                    if !expected.equals(inForce) {
                        result.findings.append(Finding(row: r, rule: "xyear.stock", column: row.id, line: now.line,
                                                       expected: expected.description, found: String(inForce),
                                                       message: "现行有效 \(inForce) ≠ \(prev) (\(lastName)) + \(issued) − \(repealed) = \(expected)",
                                                       kind: .advisory))
                    }
                }
            }
        }
    }
}
