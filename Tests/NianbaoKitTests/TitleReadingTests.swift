// The title reader against the one it replaced.
//
// `ReportReader.parseTitle` finds the year on the title's bytes. The reader it replaced
// walked arrays of the title's Unicode scalars and their indexes; it is kept here, unchanged,
// as the oracle: on any title the two must find the same body and year.

import XCTest
@testable import NianbaoKit
import NianbaoSynth

final class TitleReadingTests: XCTestCase {
    func testByteReaderAgreesWithTheScalarReader() {
        let pieces = ["方正县政府办公室", "关于", "《", "》", "2021", "2022", "1989", "2101", "２０２１", "２０１９", "21", "1",
                      "2021年", "2022年度", "２０２０年", "2101年",
                      "年", "年度", "度", "政府信息公开工作年度报告", "政府信息公开", " ", "　", "\u{A0}", "a", "é", "e\u{301}", "（", "）"]
        var rng = SeededRandom(seed: 4)
        var bodies = 0, years = 0
        for _ in 0..<30_000 {
            var title = ""
            for _ in 0..<Int.random(in: 1...7, using: &rng) { title += pieces.randomElement(using: &rng)! }
            let new = ReportReader.parseTitle(title), old = ScalarTitleReader.parseTitle(title)
            XCTAssertEqual(new?.0, old?.0, title)
            XCTAssertEqual(new?.1, old?.1, title)
            if new != nil { years += 1 }
            if new?.0 != nil { bodies += 1 }
        }
        // The random titles reach both: a year with a body, and a year alone.
        XCTAssertGreaterThan(years, 5_000)
        XCTAssertGreaterThan(bodies, 3_000)
        XCTAssertGreaterThan(years - bodies, 200)
    }

    /// A report whose title line was lost: the narrative's first sentence names a report and a
    /// year too, and must not be read as the title. The body is then unknown, the year is the
    /// statistics period's, and the missing title is a warning.
    func testASentenceIsNotTakenForTheTitle() throws {
        var g = Generator(seed: 12)
        for layout in SynthLayout.allCases where !layout.isHTML {
            let report = g.report(index: 7, layout: layout)
            var lines = report.text.split(separator: "\n", omittingEmptySubsequences: false)
            let title = try XCTUnwrap(lines.firstIndex { !$0.isEmpty })
            // The title, and its second half when it is printed over two lines.
            lines.removeSubrange(title...(lines[title + 1].isEmpty ? title : title + 1))
            XCTAssertTrue(lines.prefix(3).contains { $0.hasPrefix("本报告") }, layout.rawValue)
            let read = try ReportReader.read(bytes: Array(lines.joined(separator: "\n").utf8), file: layout.rawValue)
            XCTAssertNil(read.org, layout.rawValue)
            XCTAssertEqual(read.year, report.year, layout.rawValue)
            XCTAssertTrue(read.warnings.contains { $0.message == "no title naming the reporting body" }, layout.rawValue)
            // The same report with its title reads its body and year from it.
            let whole = try ReportReader.read(bytes: Array(report.text.utf8), file: layout.rawValue)
            XCTAssertEqual(whole.org, report.org, layout.rawValue)
            XCTAssertEqual(whole.year, report.year, layout.rawValue)
        }
    }
}

/// The title reader as it was, on arrays of the title's Unicode scalars.
enum ScalarTitleReader {
    static func parseTitle(_ title: String) -> (String?, Int)? {
        let view = title.unicodeScalars
        let scalars = Array(view)
        let positions = Array(view.indices) + [view.endIndex]
        func text(_ range: Range<Int>) -> String { String(view[positions[range.lowerBound]..<positions[range.upperBound]]) }
        for i in scalars.indices where scalars[i] == "年" && i >= 4 {
            var year = 0
            for s in scalars[(i - 4)..<i] {
                var v = s.value
                if (0xFF10...0xFF19).contains(v) { v -= 0xFEE0 }
                guard (0x30...0x39).contains(v) else { year = -1; break }
                year = year * 10 + Int(v - 0x30)
            }
            guard (1990...2100).contains(year) else { continue }
            var org = text(0..<(i - 4)).trimmingSpaces()
            for prefix in ["关于", "《"] where org.utf8.starts(with: prefix.utf8) && org.hasPrefix(prefix) {
                org.removeFirst(prefix.count)
            }
            if org.isEmpty {
                var rest = text((i + 1)..<scalars.count)
                if rest.hasPrefix("度") { rest.removeFirst() }
                if let r = rest.firstRange(of: "政府信息公开") { org = String(rest[..<r.lowerBound]) }
            }
            return (org.isEmpty ? nil : org, year)
        }
        return nil
    }
}
