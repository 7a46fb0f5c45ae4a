// Rules that read more than one table or more than one report: text.numbers, meta.period and
// the cross-year rules, on the seeds and on edited copies of them.

import XCTest
import NianbaoKit

final class AuditTests: XCTestCase {
    func seedText(_ name: String) throws -> String {
        String(decoding: try Loader.readFile(TestPaths.data("reports/" + name)), as: UTF8.self)
    }

    func findings(_ texts: [(String, String)], rules: Set<String>) throws -> [Finding] {
        let corpus = Corpus()
        for (name, text) in texts { corpus.append(try ReportReader.read(bytes: Array(text.utf8), file: name)) }
        return Audit(corpus: corpus).run(Array(0..<Int32(corpus.count)), rules: rules).findings
    }

    func testCrossYearRulesMatchBodiesByName() throws {
        let y2021 = try seedText("lianshan-2021.txt")
        var y2022 = y2021.replacingOccurrences(of: "葫芦岛市连山区2021年", with: "葫芦岛市连山区2022年")
        // Same narrative, next year: reused. Carried in equals last year's carried out (0): fine.
        var f = try findings([("a", y2021), ("b", y2022)], rules: ["xyear.carry", "xyear.reuse", "xyear.stock"])
        XCTAssertEqual(f.map(\.rule), ["xyear.reuse"])
        XCTAssertEqual(f.first?.row, 1)
        XCTAssertTrue(f.first?.message.hasPrefix("100% of narrative sentences") == true, f.first?.message ?? "")
        // Break the carry: 3 requests carried in, none carried out the year before.
        y2022 = y2022.replacingOccurrences(of: "二、上年结转政府信息公开申请数量 |\n0 |", with: "二、上年结转政府信息公开申请数量 |\n3 |")
        f = try findings([("a", y2021), ("b", y2022)], rules: ["xyear.carry"])
        XCTAssertEqual(f.map { "\($0.rule)[\($0.column ?? "")] \($0.found ?? "")≠\($0.expected ?? "")" }, ["xyear.carry[person] 3≠0"])
        // Stock: last year's 1 normative document in force + 0 issued − 0 repealed must be 1.
        let y2022b = y2022.replacingOccurrences(of: "行政规范性文件 |\n0 |\n0 |\n1 |", with: "行政规范性文件 |\n0 |\n0 |\n4 |")
        f = try findings([("a", y2021), ("b", y2022b)], rules: ["xyear.stock"])
        XCTAssertEqual(f.map(\.message), ["现行有效 4 ≠ 1 (a) + 0 − 0 = 1"])
    }

    func testNarrativeNumbersAndPeriod() throws {
        // 民权 says 收到依申请公开6件 and its table says 6: nothing to report. Change the table.
        var text = try seedText("minquan-2021.txt")
        XCTAssertEqual(try findings([("m", text)], rules: ["text.numbers", "meta.period"]).map(\.rule), [])
        text = text.replacingOccurrences(of: "一、本年新收政府信息公开申请数量\t6\t0\t0\t0\t0\t0\t6", with: "一、本年新收政府信息公开申请数量\t7\t0\t0\t0\t0\t0\t7")
        text = text.replacingOccurrences(of: "统计期限为2021年1月1日至12月31日", with: "统计期限为2021年1月1日至11月30日")
        let f = try findings([("m", text)], rules: ["text.numbers", "meta.period"])
        XCTAssertEqual(f.map(\.rule).sorted(), ["meta.period", "text.numbers"])
        let numbers = f.first { $0.rule == "text.numbers" }!
        XCTAssertEqual(numbers.message, "the narrative says 6 (line 23) but s3.new.total is 7 (line 75)")
    }
}
