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
        // One path whose folders hold a link to another of its folders.
        let whole = Corpus()
        XCTAssertEqual(Loader.load([base], into: whole).reports, 5)
        XCTAssertEqual(whole.count, 5)
    }

    /// A link to a report file is that report: found beside it in a folder, or named later, it
    /// is not loaded a second time (grep -r would not follow it; a sum must not count it twice).
    func testALinkToAReportIsThatReport() throws {
        let target = base + "/reports/minquan-2021.txt"
        try FileManager.default.createSymbolicLink(atPath: base + "/reports/zz-copy.txt", withDestinationPath: target)
        let corpus = Corpus()
        let summary = Loader.load([base + "/reports"], into: corpus)
        XCTAssertEqual(summary.reports, 5)
        XCTAssertEqual(corpus.files.map { ($0 as NSString).lastPathComponent }.filter { $0.hasPrefix("zz") }, [])
        let total = corpus.sum(fieldID: "s3.new.total")
        XCTAssertGreaterThan(total, 0)

        // Named on its own afterwards, by the link or through the linked folder.
        for spelling in [base + "/reports/zz-copy.txt", base + "/linked/zz-copy.txt"] {
            let again = Loader.load([spelling], into: corpus)
            XCTAssertEqual(again.reports, 0, spelling)
            XCTAssertEqual(again.alreadyLoaded, 1, spelling)
        }
        XCTAssertEqual(corpus.index(ofFile: base + "/reports/zz-copy.txt"), corpus.index(ofFile: target))
        XCTAssertEqual(corpus.sum(fieldID: "s3.new.total"), total)

        // The link loaded first, its target later: still one report.
        let other = Corpus()
        XCTAssertEqual(Loader.load([base + "/reports/zz-copy.txt"], into: other).reports, 1)
        XCTAssertEqual(Loader.load([base + "/reports"], into: other).reports, 4)
        XCTAssertEqual(other.count, 5)
    }
}

extension LoaderTests {
    /// `show` finds a report by its name or by part of its body's or its own name, on the
    /// paths' bytes: the same reports as comparing the names made as strings.
    func testReportsAreFoundByNameAsTheNamesSay() throws {
        let seeds = base + "/reports"
        for (k, name) in ["年报.2021.txt", "a.b.c.md", "民权县-2021.html", "x.txt"].enumerated() {
            let source = try FileManager.default.contentsOfDirectory(atPath: seeds).sorted()[k]
            try FileManager.default.copyItem(atPath: seeds + "/" + source, toPath: base + "/" + name)
        }
        let corpus = Corpus()
        _ = Loader.load([base], into: corpus)
        XCTAssertEqual(corpus.count, 9)
        for row in 0..<corpus.count {
            let name = corpus.name(row)
            XCTAssertEqual(corpus.rows(named: name), (0..<corpus.count).filter { corpus.name($0) == name }, name)
        }
        XCTAssertEqual(corpus.rows(named: "年报.2021").map(corpus.name), ["年报.2021"])
        for part in ["2021", "民权", "县", "a.b", "人民政府", "x", "无此"] {
            let expected = (0..<corpus.count).filter { corpus.org($0).contains(part) || corpus.name($0).contains(part) }
            XCTAssertEqual(corpus.rows(mentioning: part), expected, part)
        }
        XCTAssertFalse(corpus.rows(mentioning: "民权").isEmpty)
        XCTAssertTrue(corpus.rows(mentioning: "无此").isEmpty)
    }

    /// A folder named to load that holds no report is a failure that says so; a folder inside
    /// one with reports that holds none (images, say) is not.
    func testAFolderWithoutReportsIsSaid() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: base + "/scans/images", withIntermediateDirectories: true)
        fm.createFile(atPath: base + "/scans/report.docx", contents: Data([0x50, 0x4B]))
        fm.createFile(atPath: base + "/scans/images/page1.png", contents: Data([0x89, 0x50]))
        try fm.createDirectory(atPath: base + "/reports/images", withIntermediateDirectories: true)
        let (files, failures) = Loader.expand([base + "/scans", base + "/reports"])
        XCTAssertEqual(files.count, 5)
        XCTAssertEqual(failures.map(\.file), [base + "/scans"])
        XCTAssertEqual(failures.map(\.message), ["no reports in this folder (no file in it or below it ends in .htm, .html, .md, .text or .txt)"])
        let corpus = Corpus()
        let summary = Loader.load([base + "/scans/images"], into: corpus)
        XCTAssertEqual(summary.reports, 0)
        XCTAssertEqual(summary.failures.count, 1)
    }
}

extension LoaderTests {
    /// A worker opens each file in the folder it holds open when the file is in that folder,
    /// and by its path otherwise: files of the same name in different folders, taken in turn,
    /// are each read from their own folder, and a failure names the file's own error.
    func testFilesAreReadFromTheirOwnFolders() throws {
        for (folder, text) in [("a", "first"), ("b", "second"), ("a/c", "third")] {
            try FileManager.default.createDirectory(atPath: base + "/" + folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: base + "/" + folder + "/same.txt"))
        }
        let directory = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(base + "/a")
        defer { FileManager.default.changeCurrentDirectoryPath(directory) }
        var folder = OpenFolder()
        var st = stat()
        func read(_ path: String) -> String {
            do { return String(decoding: try Loader.readFile(path, in: &folder, stat: &st), as: UTF8.self) }
            catch { return "error: \(error.message)" }
        }
        let order = [base + "/a/same.txt", base + "/b/same.txt", base + "/a/same.txt", base + "/a/c/same.txt",
                     "same.txt", "c/same.txt", "./same.txt", base + "/b/../a/same.txt", base + "/b/gone.txt",
                     base + "/b/same.txt", base + "/reports/minquan-2021.txt/x", base + "/b/same.txt"]
        XCTAssertEqual(order.map(read), ["first", "second", "first", "third", "first", "third", "first", "first",
                                         "error: No such file or directory", "second", "error: Not a directory", "second"])
        XCTAssertEqual(st.st_size, 6)
    }
}

extension LoaderTests {
    /// A folder's reports are listed in the order of their names' bytes, each sub-folder's in
    /// its place, hidden files and other extensions left out (in any case, `.TXT` is a report).
    func testAFolderIsListedInTheOrderOfItsNamesBytes() throws {
        let folder = base + "/listed"
        try FileManager.default.createDirectory(atPath: folder + "/b-sub", withIntermediateDirectories: true)
        let names = ["清河-2021.txt", "b.txt", "B.TXT", "a.txt", "ab.txt", "a.txt.md", "b-sub/z.html", ".hidden.txt",
                     "notes.pdf", "民权-2021.txt", "a0.htm", "b-sub/a.text"]
        for name in names { try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        let (files, failures) = Loader.expand([folder + "/"])
        XCTAssertTrue(failures.isEmpty)
        XCTAssertEqual(files.map { String($0.dropFirst(folder.count + 1)) },
                       ["B.TXT", "a.txt", "a.txt.md", "a0.htm", "ab.txt", "b-sub/a.text", "b-sub/z.html", "b.txt",
                        "民权-2021.txt", "清河-2021.txt"])
    }
}

extension LoaderTests {
    /// A report printed past line 65,535 keeps the whole line of each cell, though the line
    /// columns hold 16 bits: in readings, in `check`'s findings, beside a report that is not
    /// long and after a file that failed, in the same batch.
    func testCellsPastLine65535KeepTheirLines() throws {
        let folder = base + "/long"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // 民权's table says 7 where its narrative says 6: a finding that names both lines.
        let text = String(decoding: try Loader.readFile(TestPaths.data("reports/minquan-2021.txt")), as: UTF8.self)
            .replacingOccurrences(of: "一、本年新收政府信息公开申请数量\t6\t0\t0\t0\t0\t0\t6",
                                  with: "一、本年新收政府信息公开申请数量\t7\t0\t0\t0\t0\t0\t7")
        let padding = 70_000
        try Data().write(to: URL(fileURLWithPath: folder + "/a-empty.txt"))
        try Data((String(repeating: "\n", count: padding) + text).utf8).write(to: URL(fileURLWithPath: folder + "/b-long.txt"))
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/c-plain.txt"))
        let corpus = Corpus()
        let summary = Loader.load([folder], into: corpus)
        XCTAssertEqual(summary.reports, 2)
        XCTAssertEqual(summary.failures.map { ($0.file as NSString).lastPathComponent }, ["a-empty.txt"])
        let long = try XCTUnwrap(corpus.index(ofFile: folder + "/b-long.txt"))
        let plain = try XCTUnwrap(corpus.index(ofFile: folder + "/c-plain.txt"))
        var printed = 0
        for field in Form.standard.fields {
            let line = corpus.line(field.index, plain)
            XCTAssertEqual(corpus.line(field.index, long), line > 0 ? line + padding : 0, field.id)
            XCTAssertEqual(corpus.reading(field, long).line, corpus.line(field.index, long), field.id)
            if line > 0 { printed += 1 }
        }
        XCTAssertGreaterThan(printed, 100)
        let findings = Audit(corpus: corpus).run([Int32(long), Int32(plain)], rules: ["text.numbers"]).findings
        XCTAssertEqual(findings.map(\.message), ["the narrative says 6 (line 70023) but s3.new.total is 7 (line 70075)",
                                                 "the narrative says 6 (line 23) but s3.new.total is 7 (line 75)"])
    }
}

extension LoaderTests {
    /// Counts are stored in 32 bits; one beyond them, or equal to a marker the column uses
    /// (Int32.min, Int32.min + 1), is kept whole: in readings, queries, exports and checks,
    /// beside an ordinary report and after a file that failed, in the same batch.
    func testCountsBeyond32BitsAreKeptWhole() throws {
        let folder = base + "/big"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = String(decoding: try Loader.readFile(TestPaths.data("reports/minquan-2021.txt")), as: UTF8.self)
        let printed: [Int64] = [12_345_678_901, 2_147_483_647, 2_147_483_648, -2_147_483_648, -2_147_483_647, 0, 6]
        let big = text.replacingOccurrences(of: "一、本年新收政府信息公开申请数量\t6\t0\t0\t0\t0\t0\t6",
                                            with: "一、本年新收政府信息公开申请数量\t" + printed.map(String.init).joined(separator: "\t"))
        XCTAssertNotEqual(big, text)
        try Data().write(to: URL(fileURLWithPath: folder + "/a-empty.txt"))
        try Data(big.utf8).write(to: URL(fileURLWithPath: folder + "/b-big.txt"))
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/c-plain.txt"))
        let corpus = Corpus()
        XCTAssertEqual(Loader.load([folder], into: corpus).reports, 2)
        let row = try XCTUnwrap(corpus.index(ofFile: folder + "/b-big.txt"))
        let plain = try XCTUnwrap(corpus.index(ofFile: folder + "/c-plain.txt"))
        let columns = ["person", "business", "research", "nonprofit", "legal", "other_org", "total"]
        let fields = columns.map { c in Form.standard.fields.first { $0.id == "s3.new." + c }! }
        XCTAssertEqual(fields.map { corpus.integer($0.index, row) }, printed)
        XCTAssertEqual(fields.map { corpus.value($0, row) }, printed.map(Value.int))
        XCTAssertEqual(fields.map { corpus.reading($0, row).number?.integer }, printed)
        XCTAssertEqual(fields.map { corpus.integer($0.index, plain) }, [6, 0, 0, 0, 0, 0, 6])

        let out = BufferOutput()
        let session = Session(corpus: corpus, output: out)
        session.settings.format = .csv
        let script = """
            filter s3.new.person > 12345678900 | select s3.new.person
            filter s3.new.research == 2147483648 | count
            filter s3.new.nonprofit < -2147483647 | select s3.new.nonprofit
            filter s3.new.legal <= -2147483647 | select s3.new.legal
            filter s3.new.business >= 2147483647 | count
            sum s3.new.person, min s3.new.nonprofit
            """
        XCTAssertEqual(session.execute(source: script, origin: .script("t.nbs")), .ok)
        XCTAssertEqual(out.text.split(separator: "\n").map(String.init),
                       ["report,s3.new.person", "b-big,12345678901", "count", "1",
                        "report,s3.new.nonprofit", "b-big,-2147483648", "report,s3.new.legal", "b-big,-2147483647",
                        "count", "1", "sum s3.new.person,min s3.new.nonprofit", "12345678907,-2147483648"])
        let check = Audit(corpus: corpus).run([Int32(row)], rules: ["s3.row-total"]).findings
        XCTAssertEqual(check.map(\.message), ["本年新收政府信息公开申请 总计 6 ≠ sum of applicants 12345678901"])
    }
}

private extension Corpus {
    /// The sum of a count field over every report (nulls skipped).
    func sum(fieldID: String) -> Int64 {
        let field = Form.standard.fields.first { $0.id == fieldID }!
        return (0..<count).compactMap { integer(field.index, $0) }.reduce(0, +)
    }
}

extension LoaderTests {
    /// A file the listing found regular is read without `fstat`, into room for 64 KB first:
    /// files at, just past and well past that size are read whole, byte for byte, as is an
    /// empty one; a missing one names its error.
    func testAListedFileIsReadWholeAtAnySize() throws {
        var folder = OpenFolder()
        for size in [0, 1, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 200_001] {
            let path = base + "/listed-\(size).txt"
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(try Loader.readListedFile(path, in: &folder), bytes, "\(size) bytes")
        }
        XCTAssertThrowsError(try Loader.readListedFile(base + "/gone.txt", in: &folder)) { error in
            XCTAssertEqual((error as? Loader.LoadError)?.message, "No such file or directory")
        }
    }
}
