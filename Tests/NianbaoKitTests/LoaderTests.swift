// Loading: a file is the same file however its path is spelt, so no report is loaded twice.

import XCTest
@testable import NianbaoKit

final class LoaderTests: XCTestCase {
    private var base = ""

    override func setUp() {
        base = NSTemporaryDirectory() + "nianbao-loader-test-\(getpid())"
        try? FileManager.default.removeItem(atPath: base)
        try! FileManager.default.createDirectory(atPath: base + "/reports", withIntermediateDirectories: true)
        for name in try! FileManager.default.contentsOfDirectory(atPath: TestPaths.data("reports")) {
            try! FileManager.default.copyItem(atPath: TestPaths.data("reports/" + name), toPath: base + "/reports/" + name)
        }
        // A link to the folder: another path to the same files.
        try! FileManager.default.createSymbolicLink(atPath: base + "/linked", withDestinationPath: base + "/reports")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: base) }

    func testTheSameFilesByAnotherPathAreNotLoadedAgain() throws {
        let corpus = Corpus()
        let first = Loader.load([base + "/reports"], into: corpus)
        XCTAssertEqual(first.reports, 5)
        let total = corpus.sum(fieldID: "s3.new.total")

        for spelling in [base + "/./reports/", base + "/linked", base + "/reports/../reports/minquan-2021.txt"] {
            let again = Loader.load([spelling], into: corpus)
            XCTAssertEqual(again.reports, 0, spelling)
            XCTAssertEqual(again.alreadyLoaded, spelling.hasSuffix(".txt") ? 1 : 5, spelling)
        }
        XCTAssertEqual(corpus.count, 5)
        XCTAssertEqual(corpus.sum(fieldID: "s3.new.total"), total)

        // Named by another path, a loaded report is found.
        let row = try XCTUnwrap(corpus.index(ofFile: base + "/reports/minquan-2021.txt"))
        XCTAssertEqual(corpus.index(ofFile: base + "/linked/minquan-2021.txt"), row)
        XCTAssertNil(corpus.index(ofFile: base + "/linked/no-such-report.txt"))
    }

    func testOneLoadNamingAFolderTwoWaysReadsItOnce() {
        let corpus = Corpus()
        let summary = Loader.load([base + "/reports", base + "/linked", base + "/reports/qinghe-2021.txt"], into: corpus)
        XCTAssertEqual(summary.reports, 5)
        XCTAssertEqual(corpus.count, 5)
        XCTAssertEqual(Set(corpus.files).count, 5)
    }
}

private extension Corpus {
    /// The sum of a count field over every report (nulls skipped).
    func sum(fieldID: String) -> Int64 {
        let field = Form.standard.fields.first { $0.id == fieldID }!
        return ints[field.index].filter { $0 != Corpus.nullInt }.reduce(0, +)
    }
}
