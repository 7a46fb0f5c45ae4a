// The report cache: a report taken from it is the report the file reads as, and a file that
// changed, a damaged cache file, or a file too recent to trust is read again.

import XCTest
import NianbaoSynth
@testable import NianbaoKit

final class ReportCacheTests: XCTestCase {
    private var folder = ""
    private var cacheFolder = ""

    override func setUp() {
        let base = NSTemporaryDirectory() + "nianbao-cache-test-\(getpid())-\(name.hashValue & 0xFFFF)"
        try? FileManager.default.removeItem(atPath: base)
        folder = base + "/reports"
        cacheFolder = base + "/cache"
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: String(folder.dropLast("/reports".count)))
    }

    /// Reports of every kind the reader meets: the seeds (38 findings between them), a
    /// generated report of each layout and form, one with a broken row, and a GB18030 one.
    private func variedReports() throws -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        let seeds = TestPaths.data("reports")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds).sorted() {
            out.append((name, try Loader.readFile(seeds + "/" + name)))
        }
        var g = Generator(seed: 11)
        for (k, layout) in SynthLayout.allCases.enumerated() {
            for version in FormVersion.allCases {
                let r = g.report(index: 2 * k + (version == .v2021 ? 1 : 0), layout: layout, version: version, inject: k % 2 == 0)
                out.append((r.fileName, Array(r.text.utf8)))
            }
        }
        let gb = g.report(index: 99, layout: .tabCells)
        out.append(("gb18030-" + gb.fileName, try XCTUnwrap(Decoder.encode(Array(gb.text.utf8), to: "GB18030"))))
        // Cells as some reports print them (a cell a line): a unit, a fraction where a count
        // belongs (kept as printed), a fee with decimals.
        var lines = g.report(index: 100, layout: .tabCells, version: .v2021).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = try XCTUnwrap(lines.firstIndex { $0.contains("本年新收政府信息公开申请数量") })
        lines[new + 1] = "\t95件"
        lines[new + 2] = "\t2.5"
        let fee = try XCTUnwrap(lines.firstIndex { $0.contains("行政事业性收费") })
        lines[fee + 1] = "\t12.5"
        out.append(("cells-as-printed.txt", Array(lines.joined(separator: "\n").utf8)))
        // No title and no period: no body, no year.
        let untitled = g.report(index: 101, layout: .pipeCells).text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3)
        out.append(("untitled.txt", Array(untitled.joined(separator: "\n").utf8)))
        return out
    }

    /// Every part of every report survives the encoding: the reports cover the parts (so the
    /// comparison is not of empty values), and each decodes equal to itself as read.
    func testAReportDecodesAsItWasRead() throws {
        var reports: [Report] = []
        for (name, bytes) in try variedReports() {
            reports.append(try ReportReader.read(bytes: bytes, file: name))
        }
        XCTAssertTrue(reports.contains { !$0.cells.units.isEmpty }, "a cell with a unit")
        XCTAssertTrue(reports.contains { !$0.cells.printed.isEmpty }, "a text cell kept as printed")
        XCTAssertTrue(reports.contains { r in r.warnings.contains { $0.line == nil } } && reports.contains { r in r.warnings.contains { $0.line != nil } })
        XCTAssertTrue(reports.contains { $0.encoding == .gb18030 })
        XCTAssertTrue(reports.contains { $0.period != nil } && reports.contains { $0.signed != nil })
        XCTAssertTrue(reports.contains { !$0.statedNumbers.isEmpty } && reports.contains { !$0.narrativeFingerprints.isEmpty })
        XCTAssertTrue(reports.contains { $0.mentionsProcessingFee }, "信息处理费")
        XCTAssertTrue(reports.contains { $0.org == nil || $0.year == nil }, "no title")
        XCTAssertTrue(reports.contains { r in (0..<r.cells.count).contains { r.cells[$0].kind == .number && r.cells[$0].number?.decimals ?? 0 > 0 } })
        for report in reports {
            var out = CacheWriter()
            ReportCodec.encode(report, into: &out)
            let decoded = try out.bytes.withUnsafeBufferPointer { p in
                var input = CacheReader(p)
                return try ReportCodec.decode(&input, file: report.file)
            }
            XCTAssertEqual(decoded, report, report.file)
            // Cut short anywhere, an entry is corrupt, never a report and never a crash.
            for cut in stride(from: 0, to: out.bytes.count, by: max(1, out.bytes.count / 97)) {
                XCTAssertNil(out.bytes.withUnsafeBufferPointer { p -> Report? in
                    var input = CacheReader(UnsafeBufferPointer(rebasing: p[..<cut]))
                    return try? ReportCodec.decode(&input, file: report.file)
                }, "\(report.file) cut at \(cut)")
            }
        }
    }

    /// Writes the reports into the folder, modified `age` seconds back, then waits for the
    /// change time (now) to settle.
    private func writeReports(_ reports: [(name: String, bytes: [UInt8])], age: TimeInterval = 3600) throws {
        for (name, bytes) in reports {
            let path = folder + "/" + name
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            try setAge(path, age)
        }
        usleep(200_000)
    }

    private func setAge(_ path: String, _ age: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
    }

    /// A cache that takes files last changed a tenth of a second ago as settled (the files
    /// here are written and dated back, which leaves their change time at now).
    private var cache: ReportCache { ReportCache(directory: cacheFolder, settling: 100_000_000)! }

    private func load(cache useCache: Bool) -> (Corpus, LoadSummary) {
        let corpus = Corpus()
        let summary = Loader.load([folder], into: corpus, cache: useCache ? cache : nil)
        return (corpus, summary)
    }

    /// The corpus as a user sees it: every field and warning of every report.
    private func contents(_ corpus: Corpus) -> String {
        ReportExport.render(corpus, rows: (0..<Int32(corpus.count)).map { $0 }, format: .jsonl)
    }

    func testASecondLoadTakesUnchangedReportsFromTheCache() throws {
        let reports = try variedReports()
        try writeReports(reports)
        let (plain, _) = load(cache: false)
        let (first, s1) = load(cache: true)
        XCTAssertEqual(s1.fromCache, 0)
        XCTAssertNil(s1.cacheProblem)
        XCTAssertEqual(s1.reports, reports.count)
        let (second, s2) = load(cache: true)
        XCTAssertEqual(s2.fromCache, reports.count)
        XCTAssertEqual(s2.warnings, s1.warnings)
        XCTAssertGreaterThan(s2.warnings, 38)
        XCTAssertEqual(contents(second), contents(plain))
        XCTAssertEqual(contents(first), contents(plain))
        XCTAssertEqual(second.narrativeFingerprints, plain.narrativeFingerprints)
        XCTAssertEqual(second.statedNumbers, plain.statedNumbers)
        XCTAssertEqual(second.encodings, plain.encodings)

        // A file changed at the same size is read again; the others still come from the cache.
        let changed = folder + "/" + reports[0].name
        var text = try Loader.readFile(changed)
        let digit = try XCTUnwrap(text.firstIndex { (0x31...0x38).contains($0) })
        text[digit] += 1
        try writeReports([(reports[0].name, text)], age: 1800)
        let (third, s3) = load(cache: true)
        XCTAssertEqual(s3.fromCache, reports.count - 1)
        let reread = try ReportReader.read(bytes: text, file: changed)
        let row = try XCTUnwrap(third.index(ofFile: changed))
        for field in Form.standard.fields {
            XCTAssertEqual(third.value(field, row), reread.cells[field.index].number.map { n in
                field.kind == .amount ? Value.double(n.double) : n.integer.map(Value.int) ?? .null } ?? .null, field.id)
        }
        XCTAssertNotEqual(contents(third), contents(plain))
        // And the cache now holds the new reading.
        XCTAssertEqual(load(cache: true).1.fromCache, reports.count)
    }

    func testADamagedCacheFileIsReadAgainAndRewritten() throws {
        try writeReports(try variedReports())
        let (plain, _) = load(cache: false)
        _ = load(cache: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter { $0.hasSuffix(".cache") }
        XCTAssertEqual(files.count, 1)
        let path = cacheFolder + "/" + files[0]
        var bytes = try Loader.readFile(path)
        bytes[bytes.count / 2] ^= 0x5A
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let (damaged, s) = load(cache: true)
        XCTAssertEqual(s.fromCache, 0)
        XCTAssertEqual(contents(damaged), contents(plain))
        XCTAssertEqual(load(cache: true).1.fromCache, plain.count)
        // Cut short: the same.
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes.prefix(bytes.count / 3))))
        XCTAssertEqual(load(cache: true).1.fromCache, 0)
    }

    func testAFileChangedJustNowIsNotCached() throws {
        let reports = try variedReports()
        try writeReports(reports)
        // The standard margin, two seconds: these files changed (their dates) just now.
        let standard = try XCTUnwrap(ReportCache(directory: cacheFolder))
        _ = Loader.load([folder], into: Corpus(), cache: standard)
        XCTAssertEqual(Loader.load([folder], into: Corpus(), cache: standard).fromCache, 0)
        // Once settled, they are cached.
        _ = load(cache: true)
        XCTAssertEqual(load(cache: true).1.fromCache, reports.count)
    }

    func testACacheThatCannotBeWrittenIsReportedAndTheLoadGoesOn() throws {
        let reports = try variedReports()
        try writeReports(reports)
        // The cache folder's place is taken by a file.
        XCTAssertTrue(FileManager.default.createFile(atPath: cacheFolder, contents: Data("x".utf8)))
        let (corpus, s) = load(cache: true)
        XCTAssertEqual(corpus.count, reports.count)
        let problem = try XCTUnwrap(s.cacheProblem)
        XCTAssertTrue(problem.contains(cacheFolder) && problem.contains("Not a directory"), problem)
    }

    func testLoadingSomeOfAFoldersFilesKeepsTheOthersEntries() throws {
        let reports = try variedReports()
        try writeReports(reports)
        _ = load(cache: true)
        // One file alone, changed: its folder's cache file is written again, with the others.
        let one = folder + "/" + reports[1].name
        try setAge(one, 1200)
        usleep(200_000)
        let alone = Loader.load([one], into: Corpus(), cache: cache)
        XCTAssertEqual(alone.fromCache, 0)
        XCTAssertEqual(load(cache: true).1.fromCache, reports.count)
    }
}
