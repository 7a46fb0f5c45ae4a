// Round trips through the generator: synthetic reports in every layout and both versions are
// printed, read back, and compared with their ground truth field by field. Then `check` must
// find every injected inconsistency and nothing in the clean reports.

import XCTest
import NianbaoKit
import NianbaoSynth

final class GeneratedCorpusTests: XCTestCase {
    struct Tally { var exact = 0; var missing = 0; var wrong: [String] = [] }

    func compare(_ synthetic: SyntheticReport, _ report: Report, into tally: inout Tally) {
        for f in Form.standard.fields where !f.isDerived || f.printedIn.contains(synthetic.version) {
            let reading = report.cells[f.index]
            let expected = synthetic.truth[f.id] ?? .null
            let actual: Value
            if let n = reading.number {
                actual = f.kind == .amount ? .double(n.double) : (n.integer.map { .int($0) } ?? .double(n.double))
            } else {
                actual = .null
            }
            let same: Bool
            switch (expected, actual) {
            case (.double(let a), .double(let b)): same = abs(a - b) < 1e-9
            case (.int(let a), .double(let b)), (.double(let b), .int(let a)): same = Double(a) == b
            default: same = expected == actual
            }
            if same { tally.exact += 1 }
            else if actual == .null { tally.missing += 1; tally.wrong.append("\(synthetic.fileName) \(f.id): expected \(expected), read null") }
            else { tally.wrong.append("\(synthetic.fileName) \(f.id): expected \(expected), read \(actual)") }
        }
    }

    func testEveryLayoutAndVersionRoundTrips() throws {
        var generator = Generator(seed: 42)
        var index = 0
        var summary: [String] = []
        for layout in SynthLayout.allCases {
            for version in FormVersion.allCases {
                var tally = Tally()
                for _ in 0..<25 {
                    let s = generator.report(index: index, layout: layout, version: version)
                    index += 1
                    let report = try ReportReader.read(bytes: Array(s.text.utf8), file: s.fileName)
                    XCTAssertEqual(report.format, version, "\(s.fileName)")
                    XCTAssertEqual(report.year, s.year, "\(s.fileName)")
                    XCTAssertEqual(report.org, s.org, "\(s.fileName)")
                    XCTAssertEqual(report.layout, layout.readAs, "\(s.fileName)")
                    compare(s, report, into: &tally)
                }
                summary.append("\(layout.rawValue) \(version.rawValue): \(tally.exact) exact, \(tally.missing) null, \(tally.wrong.count - tally.missing) wrong")
                XCTAssertEqual(tally.wrong.count, 0, "\(layout.rawValue) \(version.rawValue): " + tally.wrong.prefix(5).joined(separator: "; "))
            }
        }
        print(summary.joined(separator: "\n"))
    }

    func testCheckFindsEveryInjectedInconsistencyAndNothingElse() throws {
        var generator = Generator(seed: 7)
        let corpus = Corpus()
        var expectations: [(row: Int, injected: [(rule: String, column: String)], expected: [String])] = []
        for i in 0..<240 {
            let s = generator.report(index: i, inject: i % 3 == 0)
            let report = try ReportReader.read(bytes: Array(s.text.utf8), file: s.fileName)
            corpus.append(report)
            expectations.append((corpus.count - 1, s.injected, s.expectedFindings))
        }
        let result = Audit(corpus: corpus).run(Array(0..<Int32(corpus.count)))
        var found = 0
        for (row, injected, expected) in expectations {
            let findings = result.findings.filter { $0.row == row }
            XCTAssertEqual(findings.filter { $0.kind == .structural }.map(\.rule), expected, corpus.files[row])
            if injected.isEmpty {
                XCTAssertEqual(findings.filter { $0.kind == .violation }.map(\.message), [], corpus.files[row])
            }
            for inj in injected {
                let hit = findings.contains { $0.rule == inj.rule && $0.column == inj.column }
                XCTAssertTrue(hit, "\(corpus.files[row]): \(inj.rule)[\(inj.column)] not found among \(findings.map { "\($0.rule)[\($0.column ?? "")]" })")
                if hit { found += 1 }
            }
        }
        XCTAssertGreaterThan(found, 100)
    }
}

extension GeneratedCorpusTests {
    /// A subtotal row printed for a group (some reports print （三）不予公开 with its own numbers
    /// above its eight rows) is checked against the rows read below it, column by column: a
    /// column that differs is reported with the printed value, the rows' sum and the line,
    /// and when a group's subtotal is printed twice the later one is checked.
    func testPrintedSubtotalsAreCheckedAgainstTheirRows() throws {
        var generator = Generator(seed: 11)
        let s = generator.report(index: 0, layout: .tabRows, version: .v2021)
        var lines = s.text.components(separatedBy: "\n")
        // The group's label as this report prints it (brackets vary), before its first row.
        func groupLine(_ word: String) throws -> (index: Int, label: String) {
            let index = try XCTUnwrap(lines.firstIndex { $0.split(separator: "\t").first?.contains(word) == true })
            return (index, String(lines[index].split(separator: "\t")[0]))
        }
        let withheld = try groupLine("不予公开")
        lines.insert(withheld.label + "\t1\t0\t0\t0\t0\t0\t1", at: withheld.index)
        let unavailable = try groupLine("无法提供")
        lines.insert(contentsOf: [unavailable.label + "\t0\t0\t0\t0\t0\t0\t0", unavailable.label + "\t7\t7\t7\t7\t7\t7\t42"],
                     at: unavailable.index)
        let report = try ReportReader.read(bytes: Array(lines.joined(separator: "\n").utf8), file: "subtotals.txt")

        func sum(_ group: String, _ column: String) -> Int64 {
            let rows = Form.standard.s3Rows.filter { $0.group == Form.standard.s3Groups.first { $0.id == group }!.label }
            return rows.reduce(0) { total, row in
                let index = Form.standard.fields.first { $0.id == "s3.\(row.id).\(column)" }!.index
                let n = report.cells.integer(index)
                return n == Corpus.nullInt ? total : total + n
            }
        }
        var expected: [String] = []
        for (group, printed, line) in [("withheld", [1, 0, 0, 0, 0, 0, 1], withheld.index + 1),
                                        ("unavailable", [7, 7, 7, 7, 7, 7, 42], unavailable.index + 2)] {
            for (column, value) in zip(Form.standard.s3Columns.map(\.id), printed) where sum(group, column) != Int64(value) {
                expected.append("\(line): section 三: printed subtotal s3.\(group).\(column) = \(value) but its rows sum to \(sum(group, column))")
            }
        }
        let found = report.warnings.filter { $0.message.contains("printed subtotal") }.map { "\($0.line ?? 0): \($0.message)" }
        XCTAssertEqual(found, expected)
        XCTAssertGreaterThanOrEqual(found.count, 8)
    }
}
