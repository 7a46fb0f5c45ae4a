// Helpers shared by the tests: the package root, reading seeds, building expectations.

import XCTest
@testable import NianbaoKit

enum TestPaths {
    /// The package root (tests run from anywhere).
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func data(_ relative: String) -> String { root + "/Data/" + relative }
}

func readReport(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> Report {
    let path = TestPaths.data(relative)
    let bytes = try Loader.readFile(path)
    return try ReportReader.read(bytes: bytes, file: path)
}

/// Values expected in a report: field id → number (nil = null), everything else null.
struct Expected {
    var values: [String: Int64?] = [:]
    var amounts: [String: Double] = [:]

    /// A section-3 row: seven values in column order (person … total).
    mutating func s3(_ row: String, _ cells: [Int64?]) {
        precondition(cells.count == 7)
        for (c, v) in zip(Form.standard.s3Columns, cells) { values["s3.\(row).\(c.id)"] = v }
    }

    mutating func s3(_ rows: [String], _ cells: [Int64?]) { for r in rows { s3(r, cells) } }

    mutating func s4Zeros() {
        for f in Form.standard.fields where f.section == 4 { values[f.id] = 0 }
    }

    /// Compares every field of the form: the listed ones by value, all others must be null.
    func verify(_ report: Report, file: StaticString = #filePath, line: UInt = #line) {
        for f in Form.standard.fields {
            let reading = report.cells[f.index]
            if let a = amounts[f.id] {
                XCTAssertEqual(reading.number?.double, a, "\(f.id)", file: file, line: line)
            } else if let expected = values[f.id] {
                XCTAssertEqual(reading.number?.integer, expected, "\(f.id)", file: file, line: line)
            } else {
                XCTAssertNil(reading.number, "\(f.id) should be null", file: file, line: line)
            }
        }
    }
}

let zeros: [Int64?] = Array(repeating: 0, count: 7)
let blanks: [Int64?] = Array(repeating: nil, count: 7)
let s3Rows2021: [String] = Form.standard.s3Rows.filter { $0.versions.contains(.v2021) }.map(\.id)
let withheldRows = Form.standard.s3Rows.filter { $0.group == "（三）不予公开" }.map(\.id)
let unavailableRows = Form.standard.s3Rows.filter { $0.group == "（四）无法提供" }.map(\.id)
let rejectedRows = Form.standard.s3Rows.filter { $0.group == "（五）不予处理" }.map(\.id)
