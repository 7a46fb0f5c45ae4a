// Every cell of the five sample reports, against values read by hand from the files and
// checked with the form's own arithmetic (row totals, outcomes, balance).

import XCTest
@testable import NianbaoKit

final class SeedReaderTests: XCTestCase {
    func testLianshanPipeCells() throws {
        let r = try readReport("reports/lianshan-2021.txt")
        XCTAssertEqual(r.org, "葫芦岛市连山区")
        XCTAssertEqual(r.year, 2021)
        XCTAssertEqual(r.format, .v2021)
        XCTAssertEqual(r.layout, "pipe-cells")
        var e = Expected()
        for (id, v) in [("s2.rules.issued", 0), ("s2.rules.repealed", 0), ("s2.rules.in_force", 0),
                        ("s2.normative.issued", 0), ("s2.normative.repealed", 0), ("s2.normative.in_force", 1),
                        ("s2.license.decisions", 18582), ("s2.penalty.decisions", 430), ("s2.coercion.decisions", 0)] {
            e.values[id] = Int64(v)
        }
        e.amounts["s2.fees.amount"] = 1691
        e.s3(s3Rows2021, zeros)
        e.s3("new", [18, 4, 0, 1, 0, 1, 24])
        e.s3("granted", [10, 0, 0, 0, 0, 0, 10])
        e.s3("withheld_third_party", [0, 4, 0, 1, 0, 0, 5])
        e.s3("unavailable_not_held", [8, 0, 0, 0, 0, 1, 9])
        e.s3("total", [18, 4, 0, 1, 0, 1, 24])
        e.s3("withheld", [0, 4, 0, 1, 0, 0, 5])
        e.s3("unavailable", [8, 0, 0, 0, 0, 1, 9])
        e.s3(["rejected", "other"], zeros)
        e.s4Zeros()
        e.verify(r)
        XCTAssertEqual(r.warnings, [], "a clean pipe-cell report reads without warnings")
        XCTAssertEqual(r.cells[Form.standard.field(named: "s3.new.person")!.index].line, 78)
    }

    func testMinquanTabRowsWithExtraCells() throws {
        let r = try readReport("reports/minquan-2021.txt")
        XCTAssertEqual(r.org, "民权县人民政府")
        XCTAssertEqual(r.format, .v2021)
        XCTAssertEqual(r.layout, "tab-rows")
        var e = Expected()
        for (id, v) in [("s2.rules.issued", 0), ("s2.rules.repealed", 0), ("s2.rules.in_force", 0),
                        ("s2.normative.issued", 12), ("s2.normative.repealed", 0), ("s2.normative.in_force", 133),
                        ("s2.license.decisions", 13323), ("s2.penalty.decisions", 2240), ("s2.coercion.decisions", 41)] {
            e.values[id] = Int64(v)
        }
        e.amounts["s2.fees.amount"] = 795
        e.s3(s3Rows2021, zeros)
        e.s3(["new", "granted", "total"], [6, 0, 0, 0, 0, 0, 6])
        e.s3(["withheld", "unavailable", "rejected", "other"], zeros)
        e.s4Zeros()
        e.verify(r)
        // Every row from 予以公开 down carries extra cells; each is reported with its line.
        let extra = r.warnings.filter { $0.code == "read.extra-cells" }
        XCTAssertEqual(extra.count, 23)
        XCTAssertEqual(extra.first?.line, 78)
        XCTAssertEqual(extra.last?.line, 100)
        XCTAssertTrue(extra[0].message.contains("8 cells for 7 columns"), extra[0].message)
        XCTAssertEqual(r.period, ReportPeriod(start: ReportDate(year: 2021, month: 1, day: 1),
                                              end: ReportDate(year: 2021, month: 12, day: 31), line: 7))
        XCTAssertEqual(r.statedNumbers, [StatedNumber(fieldID: "s3.new.total", value: 6, line: 23)])
    }

    func testXiangyangTabCells() throws {
        let r = try readReport("reports/xiangyang-2021.txt")
        XCTAssertEqual(r.org, "向阳区")
        XCTAssertEqual(r.year, 2021)
        XCTAssertEqual(r.format, .v2021)
        XCTAssertEqual(r.layout, "tab-cells")
        var e = Expected()
        for (id, v) in [("s2.rules.issued", 0), ("s2.rules.repealed", 0), ("s2.rules.in_force", 0),
                        ("s2.normative.issued", 1), ("s2.normative.repealed", 0), ("s2.normative.in_force", 2),
                        ("s2.license.decisions", 450), ("s2.penalty.decisions", 7), ("s2.coercion.decisions", 0)] {
            e.values[id] = Int64(v)
        }
        e.amounts["s2.fees.amount"] = 0
        e.s3(s3Rows2021, zeros)
        e.s3("other_misc", blanks)            // 3.其他 is printed with seven empty cells
        e.s3(["withheld", "unavailable", "rejected", "other"], zeros)
        e.s4Zeros()
        e.verify(r)
        XCTAssertEqual(r.warnings, [])
        let misc = r.cells[Form.standard.field(named: "s3.other_misc.person")!.index]
        XCTAssertEqual(misc.kind, .blank, "a blank is kept apart from zero")
    }

    func testQingheNineteenFormatWithBlanks() throws {
        let r = try readReport("reports/qinghe-2021.txt")
        XCTAssertEqual(r.org, "清河县人民政府办公室")
        XCTAssertEqual(r.format, .v2019, "2019 tables in a report on 2021: the version comes from the tables")
        var e = Expected()
        for id in ["new_made", "new_published", "public_total"] {
            e.values["s2.rules.\(id)"] = 0
            e.values["s2.normative.\(id)"] = 0
        }
        e.s3("total", zeros)
        e.s3("carried_out", [nil, nil, nil, nil, nil, nil, 0])
        e.s4Zeros()
        e.verify(r)
        XCTAssertEqual(r.warnings, [])
        // The blank 2019 cells are blanks, not absences, and not zeros.
        let f = Form.standard.field(named: "s2.license.items_prev")!
        XCTAssertEqual(r.cells[f.index].kind, .blank)
        XCTAssertEqual(r.cells[Form.standard.field(named: "s3.other.total")!.index].kind, .blank)
        XCTAssertEqual(r.cells[Form.standard.field(named: "s3.other_misc.total")!.index].kind, .absent)
        // Header cells split over two lines (本年新 / 制作数量) are still recognised.
        XCTAssertEqual(r.cells[Form.standard.field(named: "s2.rules.new_made")!.index].line, 20)
    }

    func testFangzhengGarbledReadsWithWarningsAndInventsNothing() throws {
        let r = try readReport("reports/fangzheng-2021.txt")
        XCTAssertEqual(r.org, "方正县政府办公室")
        XCTAssertEqual(r.layout, "garbled")
        var e = Expected()
        e.s3(["partial", "withheld_secret", "unavailable_unclear", "rejected_duplicate"], zeros)
        e.s3(["withheld", "unavailable", "rejected"], zeros)
        e.verify(r)
        let codes = r.warnings.map(\.code)
        XCTAssertEqual(codes.filter { $0 == "read.missing-section" }.count, 2)
        XCTAssertTrue(r.warnings.contains { $0.message.contains("二、主动公开政府信息情况 is missing") })
        XCTAssertTrue(r.warnings.contains { $0.message.contains("四、政府信息公开行政复议、行政诉讼情况 is missing") })
        // Every number that was not placed is named with its line.
        let granted = r.warnings.first { $0.message.contains("（一）予以公开") }
        XCTAssertEqual(granted?.line, 19)
        XCTAssertTrue(granted?.message.contains("not read: 7") == true)
        let total = r.warnings.first { $0.message.contains("（七）总计") }
        XCTAssertTrue(total?.message.contains("not read: 7 0 0 0 7") == true, total?.message ?? "")
        XCTAssertEqual(r.signed, ReportDate(year: 2022, month: 1, day: 20))
        XCTAssertTrue(r.mentionsProcessingFee)
    }

    func testReencodingChangesNothing() throws {
        for name in ["lianshan-2021.txt", "minquan-2021.txt", "qinghe-2021.txt"] {
            let path = TestPaths.data("reports/" + name)
            let utf8 = try Loader.readFile(path)
            let original = try ReportReader.read(bytes: utf8, file: name)
            for encoding in ["GB18030", "UTF-16LE", "UTF-16BE"] {
                var bytes = try XCTUnwrap(Decoder.encode(utf8, to: encoding))
                if encoding == "UTF-16LE" { bytes = [0xFF, 0xFE] + bytes }
                if encoding == "UTF-16BE" { bytes = [0xFE, 0xFF] + bytes }
                let copy = try ReportReader.read(bytes: bytes, file: name)
                XCTAssertEqual(copy.cells, original.cells, "\(name) as \(encoding)")
                XCTAssertEqual(copy.org, original.org)
                XCTAssertEqual(copy.warnings.filter { $0.code != "read.encoding" }, original.warnings, "\(name) as \(encoding)")
                XCTAssertEqual(copy.encoding.rawValue, encoding)
            }
        }
    }
}
