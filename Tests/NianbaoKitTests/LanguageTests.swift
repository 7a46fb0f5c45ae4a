// The query language: parsing errors with positions, null semantics, and the evaluator's
// fast paths checked against a plain computation over a generated corpus.

import XCTest
import NianbaoKit
import NianbaoSynth

final class LanguageTests: XCTestCase {
    static let corpus: Corpus = {
        var g = Generator(seed: 99)
        let c = Corpus()
        for i in 0..<400 {
            let s = g.report(index: i % 150)     // repeated orgs: real groups
            c.append(try! ReportReader.read(bytes: Array(s.text.utf8), file: "r\(i).txt"))
        }
        return c
    }()

    func run(_ source: String) -> (ExecutionResult, String) {
        let out = BufferOutput()
        let session = Session(corpus: Self.corpus, output: out)
        session.settings.format = .csv
        let r = session.execute(source: source, origin: .script("t.nbs"))
        return (r, out.text)
    }

    /// `select … | top N` and `reports | top N` list only the reports they keep: the rows must
    /// be the first N of the whole listing, in CSV, with any N.
    func testListingsCutByTopAreTheFirstRowsOfTheWholeListing() {
        for listing in ["select org, year, s3.new.total * 2", "reports", "filter year >= 2021 | select file, org"] {
            let (wholeResult, whole) = run(listing)
            XCTAssertEqual(wholeResult, .ok)
            let lines = whole.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertGreaterThan(lines.count, 100, listing)
            for n in [0, 1, 7, 150, 100_000] {
                let (result, cut) = run("\(listing) | top \(n)")
                XCTAssertEqual(result, .ok)
                let expected = lines.prefix(1 + min(n, lines.count - 1)).joined(separator: "\n")
                XCTAssertEqual(cut.trimmingCharacters(in: .newlines), expected.trimmingCharacters(in: .newlines), "\(listing) | top \(n)")
            }
        }
    }

    /// Printed, a listing is made only as far as maxrows shows it; the line saying how many
    /// rows were left out counts them all, and the rows shown are the whole listing's first.
    func testAListingCutAtMaxrowsCountsEveryRow() {
        func printed(_ source: String, _ format: OutputFormat) -> String {
            let out = BufferOutput()
            let session = Session(corpus: Self.corpus, output: out)
            session.settings.format = format
            session.settings.maxRows = 5
            XCTAssertEqual(session.execute(source: source, origin: .script("t.nbs")), .ok)
            return out.text
        }
        for format in [OutputFormat.table, .markdown] {
            let firstFive = printed("select org, year | top 5", format)
            let cut = printed("select org, year", format)
            let n = Self.corpus.count
            XCTAssertTrue(cut.hasPrefix(firstFive.trimmingCharacters(in: .newlines)), "\(format)")
            XCTAssertTrue(cut.contains("… \(n - 5) more rows not shown (\(n) in all"), "\(format): \(cut)")
        }
    }

    func testGroupFastPathsAgreeWithAPlainComputation() {
        let c = Self.corpus
        let f = Form.standard.field(named: "s3.new.total")!
        var sums: [String: Int64] = [:]
        for r in 0..<c.count { if case .int(let v) = c.value(f, r) { sums[c.org(r), default: 0] += v } }
        let (result, text) = run("group org sum s3.new.total")
        XCTAssertEqual(result, .ok)
        var lines = text.split(separator: "\n").dropFirst().map(String.init)
        XCTAssertEqual(lines.count, Set((0..<c.count).map { c.org($0) }).count)
        for line in lines {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(Int64(parts[1]), sums[String(parts[0])], line)
        }
        // group | sort | top is the same as the full result sorted and cut.
        let (_, top) = run("group org sum s3.new.total | sort desc | top 7")
        let expected = sums.sorted { $0.value > $1.value }.prefix(7).map(\.value)
        lines = top.split(separator: "\n").dropFirst().map(String.init)
        XCTAssertEqual(lines.map { Int64($0.split(separator: ",")[1])! }, expected)
        // Filter fast path (field op constant) agrees with the general path.
        let (_, fast) = run("count | top 1; filter s3.new.total > 50 | count; filter s3.new.total + 0 > 50 | count")
        let counts = fast.split(separator: "\n").filter { Int($0) != nil }
        XCTAssertEqual(counts[1], counts[2])
        XCTAssertEqual(Int(counts[1]), (0..<c.count).filter { if case .int(let v) = c.value(f, $0) { return v > 50 }; return false }.count)
    }

    /// The one quotient and the one negation past 64 bits (Int64.min / −1, −Int64.min) are
    /// doubles, as overflowing sums and products are; in 64-bit arithmetic both trapped and
    /// ended the shell.
    func testArithmeticAtTheEdgeOfSixtyFourBitsIsNotACrash() {
        let (result, out) = run("select (0 - 9223372036854775807 - 1) / (0 - 1), -(0 - 9223372036854775807 - 1), (0 - 14) / 7, 7 / (0 - 2) | top 1")
        XCTAssertEqual(result, .ok)
        let row = out.split(separator: "\n").dropFirst().first.map { $0.split(separator: ",").dropFirst().map(String.init) }
        XCTAssertEqual(row?.count, 4, out)
        XCTAssertEqual(row.map { Array($0.suffix(2)) }, ["-2", "-3.5"], out)
        XCTAssertEqual(row.flatMap { Double($0[0]) }, 9_223_372_036_854_775_808.0, out)
        XCTAssertEqual(row.flatMap { Double($0[1]) }, 9_223_372_036_854_775_808.0, out)
    }

    func testNullSemantics() {
        let out = BufferOutput()
        let session = Session(output: out)
        XCTAssertEqual(chdir(TestPaths.root), 0)
        session.settings.format = .csv
        session.execute(source: "load Data/reports", origin: .commandLine)
        // 清河's section 三 is blank: null, not zero; sums skip it; null + 1 is null; x / 0 is null.
        session.execute(source: "filter org ~ \"清河\" | select s3.new.total, s3.new.total + 1, 1 / 0, s3.new.total is null", origin: .commandLine)
        XCTAssertTrue(out.text.hasSuffix("qinghe-2021,,,,true\n"), out.text)
        let before = out.text.count
        session.execute(source: "sum s3.new.total; count s3.new.total; avg s3.new.total", origin: .commandLine)
        XCTAssertEqual(String(out.text.dropFirst(before)), "sum s3.new.total\n30\ncount s3.new.total\n3\navg s3.new.total\n10\n")
    }

    func testErrorsPointAtTheirColumn() {
        let cases: [(String, String)] = [
            ("filter s3.new.totl > 3", "t.nbs:1:8: error: unknown field 's3.new.totl' (did you mean 's3.new.total'?)"),
            ("filter org + 1 > 2", "t.nbs:1:8: error: '+' needs a number, but this is a string"),
            ("sum s3.new.total,\ngroup", "t.nbs:1:18: error: expected an expression"),
            ("filter (year = 2021", "t.nbs:1:"),
            ("fliter year = 2021", "t.nbs:1:1: error: unknown command 'fliter' (did you mean 'filter'?)"),
            ("filter year = null", "t.nbs:1:15: error: comparing with null is always null; use 'is null' or 'is not null'"),
            ("filter org ~ \"[\"", "t.nbs:1:14: error: invalid regular expression"),
            ("top ten", "t.nbs:1:5: error: top needs a whole number"),
            ("group org sum s3.new.total | filter year = 2021", "t.nbs:1:30: error: filter works on reports"),
        ]
        for (source, prefix) in cases {
            let (result, text) = run(source)
            XCTAssertEqual(result, .failed, source)
            XCTAssertTrue(text.hasPrefix(prefix), "\(source)\n\(text)")
        }
    }

    func testCaretIsPlacedByDisplayWidth() {
        let (_, text) = run("select 本年新收·总计, 不存在·字段")
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[1], "  select 本年新收·总计, 不存在·字段")
        // 7 + 13 display columns of "本年新收·总计, " before the unknown name.
        let caret = lines[2]
        XCTAssertEqual(DisplayWidth.of(String(caret.prefix { $0 != "^" })), 2 + DisplayWidth.of("select 本年新收·总计, "))
    }

    func testStatementSplittingAndContinuation() {
        XCTAssertTrue(StatementSplitter.split("sum (s3.new.total").incomplete)
        XCTAssertFalse(StatementSplitter.split("sum (s3.new.total)").incomplete)
        XCTAssertTrue(StatementSplitter.split("filter org ~ \"县").incomplete)
        let (s, _) = StatementSplitter.split("count; sum s3.new.total # comment ; not a statement\nreports")
        XCTAssertEqual(s.map(\.text), ["count", "sum s3.new.total", "reports"])
        XCTAssertEqual(s.map(\.line), [1, 1, 2])
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let (result, text) = run("select " + deep)
        XCTAssertEqual(result, .failed)
        XCTAssertTrue(text.contains("nested too deeply"), String(text.prefix(200)))
    }

    /// A chain `1 + 1 + …` is read by a loop but makes a tree as deep as it is long, which the
    /// evaluator walks by recursion: up to `Parser.maximumHeight` it is evaluated, past it an
    /// error at the chain's start (100,000 terms crashed the shell with a stack overflow).
    func testALongChainIsEvaluatedToItsLimitAndAnErrorPastIt() {
        let limit = Parser.maximumHeight
        let (result, text) = run("select " + Array(repeating: "1", count: limit).joined(separator: " + ") + " | top 1")
        XCTAssertEqual(result, .ok, text)
        XCTAssertEqual(text.split(separator: "\n").last.map { $0.split(separator: ",").last.map(String.init) }, "\(limit)")
        for terms in [limit + 1, 100_000] {
            let (result, text) = run("filter " + Array(repeating: "s3.new.total", count: terms).joined(separator: " + ") + " > 0")
            XCTAssertEqual(result, .failed)
            XCTAssertTrue(text.hasPrefix("t.nbs:1:8: error: expression too deep: its operations nest more than \(limit) levels"), String(text.prefix(300)))
        }
    }

    /// A name defined from another used twice holds it once: forty such definitions (a tree
    /// of 2^40 leaves, were each use a copy) define, explain and evaluate at once, exactly.
    func testNamesDefinedFromNamesAreNotCopied() {
        let out = BufferOutput()
        let session = Session(corpus: Self.corpus, output: out)
        session.settings.format = .csv
        var script = "let a0 = s3.new.total + 1\n"
        for i in 1..<40 { script += "let a\(i) = a\(i - 1) + a\(i - 1)\n" }
        script += "explain a39\nselect s3.new.total, a39 | top 3"
        XCTAssertEqual(session.execute(source: script, origin: .script("t.nbs")), .ok)
        let lines = out.text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("a39 — defined with let: number, reads s3.new.total"), out.text)
        let rows = lines.suffix(3).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 3)
        for row in rows {
            guard let total = Int64(row[row.count - 2]) else { XCTAssertEqual(row.last, ""); continue }
            XCTAssertEqual(Int64(row.last!), (total + 1) << 39, "\(row)")
        }
        // Redefining a name does not change the names defined from it before.
        XCTAssertEqual(session.execute(source: "let a0 = 1\nfilter s3.new.total > 0 | select s3.new.total, a0, a1 | top 1", origin: .script("t.nbs")), .ok)
        let row = out.text.split(separator: "\n").last!.split(separator: ",").map(String.init)
        let total = Int64(row[row.count - 3])!
        XCTAssertEqual(Array(row.suffix(2)), ["1", "\(2 * (total + 1))"], out.text)
    }

    /// A script saved by an editor on Chinese Windows: a BOM and CR LF line ends (each one
    /// Character in Swift, never equal to "\n"), or GB18030. It runs as the same script in
    /// UTF-8 runs, and its errors name the same line and column.
    func testAScriptFromWindowsRunsAsItsUTF8Twin() throws {
        let script = "count\n# 民权\nfilter org ~ \"民权\"\ncount\nsum s3.nw.total\n"
        func runBytes(_ bytes: [UInt8]) -> (ExecutionResult, String) {
            let out = BufferOutput()
            let session = Session(corpus: Self.corpus, output: out)
            session.settings.format = .csv
            return (session.runScript(bytes: bytes, origin: .script("t.nbs")), out.text)
        }
        let (plainResult, plain) = runBytes(Array(script.utf8))
        XCTAssertEqual(plainResult, .failed)
        XCTAssertTrue(plain.contains("t.nbs:5:5: error: unknown field 's3.nw.total'"), plain)
        XCTAssertTrue(plain.hasPrefix("count\n400\n"), plain)
        let crlf = script.replacingOccurrences(of: "\n", with: "\r\n")
        let windows: [(String, [UInt8])] = [
            ("BOM, CR LF", [0xEF, 0xBB, 0xBF] + Array(crlf.utf8)),
            ("lone CR", Array(script.replacingOccurrences(of: "\n", with: "\r").utf8)),
            ("GB18030, CR LF", try XCTUnwrap(Decoder.encode(Array(crlf.utf8), to: "GB18030"))),
            ("UTF-16, CR LF", [0xFF, 0xFE] + (try XCTUnwrap(Decoder.encode(Array(crlf.utf8), to: "UTF-16LE")))),
        ]
        for (name, bytes) in windows {
            let (result, text) = runBytes(bytes)
            XCTAssertEqual(result, .failed, name)
            XCTAssertEqual(text, plain, name)
        }
        XCTAssertEqual(runBytes(Array("  \r\n".utf8)).0, .ok, "an empty script runs nothing")
        let (badResult, bad) = runBytes(Array("count\n".utf8) + [0xFF, 0xFE, 0xFD, 0x80, 0x28])
        XCTAssertEqual(badResult, .failed)
        XCTAssertEqual(bad, "t.nbs: error: the script is not UTF-8, UTF-16 or GB18030 text\n")
    }

    /// A line longer than a terminal is shown cut around its error, the caret still under it.
    func testAnErrorInALongLineShowsTheLineAroundIt() {
        let terms = (0..<200).map { "s3.new.total > \($0)" }
        let near = "filter s3.nw.total > 0 or " + terms[..<200].joined(separator: " or ")
        let (_, text) = run(near)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("t.nbs:1:8: error: unknown field 's3.nw.total'"), lines[0])
        XCTAssertEqual(lines[1], "  " + String(near.prefix(120)) + "…")
        XCTAssertEqual(lines[2], "         ^~~~~~~~~~~")
        let far = "filter " + terms[..<200].joined(separator: " or ") + " or s3.nw.total > 0"
        let (_, farText) = run(far)
        let farLines = farText.split(separator: "\n").map(String.init)
        let column = far.count - "s3.nw.total > 0".count      // 0-based
        XCTAssertEqual(farLines[1], "  …" + String(Array(far)[(far.count - 120)...]))
        XCTAssertEqual(farLines[2], "  " + String(repeating: " ", count: 1 + column - (far.count - 120)) + "^~~~~~~~~~~")
    }
}
