// The date scanner against the one it replaced.
//
// `DateScanner` reads dates from a line's bytes. The scanner it replaced walked the line as a
// String's Unicode scalars; it is kept here, unchanged, as the oracle, with the period finder
// that used it: on any line the two must find the same dates and the same period.

import XCTest
@testable import NianbaoKit
import NianbaoSynth

final class DateReadingTests: XCTestCase {
    func testByteScannerAgreesWithTheScalarScanner() {
        // Whole dates, dates without a year, their parts, years out of range, digit runs too
        // long for a date, full-width digits, and the words around them.
        let pieces = ["2021年1月1日", "2022年12月31日", "12月31日", "２０２１年１月１日", "１２月３１日", "２０１９年９月２９日", "０９月１０日", "1989年1月1日",
                      "2021", "2201", "1", "12", "31", "123456789012", "２０２１", "年", "月", "日", "至", "至", "起",
                      "止", " ", "　", "，", "a", "。", "自", "年度", "统计期限为"]
        var rng = SeededRandom(seed: 1123)
        var dated = 0, periods = 0
        for _ in 0..<30_000 {
            var line = ""
            for _ in 0..<Int.random(in: 1...8, using: &rng) { line += pieces.randomElement(using: &rng)! }
            let bytes = Array(line.utf8)
            let (dates, period) = bytes.withUnsafeBufferPointer { p in
                (DateScanner.dates(in: p[...]).map(\.date), ReportReader.findPeriod(p[...], line: 7))
            }
            XCTAssertEqual(dates, ScalarDateScanner.dates(in: line).map(\.date), line)
            XCTAssertEqual(period, ScalarDateScanner.findPeriod(line, line: 7), line)
            if !dates.isEmpty { dated += 1 }
            if period != nil { periods += 1 }
        }
        // The random lines reach both: lines with dates, and lines stating a period.
        XCTAssertGreaterThan(dated, 3_000)
        XCTAssertGreaterThan(periods, 100)
    }

    func testPeriodsOfTheStandardWordings() {
        for (text, expected) in [("本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。", (2022, 1, 1, 2022, 12, 31)),
                                 ("统计期限为2021年1月1日至12月31日", (2021, 1, 1, 2021, 12, 31)),
                                 ("自２０２３年１月１日至２０２３年１２月３１日", (2023, 1, 1, 2023, 12, 31))] {
            let period = Array(text.utf8).withUnsafeBufferPointer { ReportReader.findPeriod($0[...], line: 1) }
            XCTAssertEqual(period, ReportPeriod(start: ReportDate(year: expected.0, month: expected.1, day: expected.2),
                                                end: ReportDate(year: expected.3, month: expected.4, day: expected.5), line: 1), text)
        }
    }
}

/// The date scanner and period finder as they were, on a String's Unicode scalars.
enum ScalarDateScanner {
    static func findPeriod(_ text: String, line: Int) -> ReportPeriod? {
        let dates = Self.dates(in: text)
        guard dates.count >= 2 else { return nil }
        for k in 0..<(dates.count - 1) {
            let (a, aEnd) = (dates[k].date, dates[k].end)
            let (b, bStart) = (dates[k + 1].date, dates[k + 1].start)
            let between = text.unicodeScalars.distance(from: aEnd, to: bStart)
            let gap = String(text.unicodeScalars[aEnd..<bStart])
            if between <= 4 && gap.contains("至") {
                var end = b
                if end.year == 0 { end.year = a.year }
                return ReportPeriod(start: a, end: end, line: line)
            }
        }
        return nil
    }

    static func dates(in text: String) -> [(date: ReportDate, start: String.UnicodeScalarView.Index, end: String.UnicodeScalarView.Index)] {
        let s = text.unicodeScalars
        var out: [(ReportDate, String.UnicodeScalarView.Index, String.UnicodeScalarView.Index)] = []
        var i = s.startIndex
        func number(_ j: inout String.UnicodeScalarView.Index) -> Int? {
            var v = 0, n = 0
            while j < s.endIndex {
                var d = s[j].value
                if (0xFF10...0xFF19).contains(d) { d -= 0xFEE0 }
                guard (0x30...0x39).contains(d) else { break }
                if n < 9 { v = v * 10 + Int(d - 0x30) } else { v = Int.max / 2 }
                n += 1
                j = s.index(after: j)
            }
            return n > 0 ? v : nil
        }
        while i < s.endIndex {
            var j = i
            if let first = number(&j) {
                let start = i
                if j < s.endIndex, s[j] == "年", first >= 1990, first <= 2200 {
                    var k = s.index(after: j)
                    if let m = number(&k), k < s.endIndex, s[k] == "月" {
                        var l = s.index(after: k)
                        if let d = number(&l), l < s.endIndex, s[l] == "日" {
                            i = s.index(after: l)
                            out.append((ReportDate(year: first, month: m, day: d), start, i))
                            continue
                        }
                    }
                } else if j < s.endIndex, s[j] == "月", first <= 12 {
                    var l = s.index(after: j)
                    if let d = number(&l), l < s.endIndex, s[l] == "日" {
                        i = s.index(after: l)
                        out.append((ReportDate(year: 0, month: first, day: d), start, i))
                        continue
                    }
                }
                i = j
                continue
            }
            i = s.index(after: i)
        }
        return out.map { ($0.0, $0.1, $0.2) }
    }
}
