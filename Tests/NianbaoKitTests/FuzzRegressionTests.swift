// Every input the fuzzers found crashing, kept and read again: each must now be read (or
// refused with a decoding error) without a crash. Scripts/fuzz writes new ones to
// fuzz-out/TARGET/crashes/; copy them here under a name that says what they broke.

import XCTest
import NianbaoKit

final class FuzzRegressionTests: XCTestCase {
    func testCrashingInputsAreReadSafely() throws {
        let folder = TestPaths.root + "/Tests/NianbaoKitTests/FuzzRegressions"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = try Loader.readFile(folder + "/" + name)
            if name.hasPrefix("reader-") {
                if let report = try? ReportReader.read(bytes: bytes, file: name) {
                    let corpus = Corpus()
                    corpus.append(report)
                    _ = Audit(corpus: corpus).run([0])
                    _ = ReportExport.render(corpus, rows: [0], format: .json)
                }
            } else if name.hasPrefix("language-") {
                let session = Session(output: BufferOutput())
                session.safePaths = []
                session.execute(source: String(decoding: bytes, as: UTF8.self), origin: .script(name))
            }
        }
    }

    func testLongDigitRunsInTheNarrative() throws {
        let text = "东城区2021年政府信息公开工作年度报告\n统计期限自2021年1月1日起至" + String(repeating: "2", count: 200) + "年12月31日止。\n一、总体情况\n共发布信息" + String(repeating: "9", count: 300) + "件。\n"
        let r = try ReportReader.read(bytes: Array(text.utf8), file: "digits.txt")
        XCTAssertEqual(r.year, 2021)
        XCTAssertNil(r.period)
    }
}
