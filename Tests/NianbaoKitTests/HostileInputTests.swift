// Hostile input: files that are not reports, broken reports, reports that try to take over
// the terminal. Each gives a warning or a clear error naming the file, and a load goes on
// with the other files.

import XCTest
@testable import NianbaoKit

final class HostileInputTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "nianbao-hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func seed(_ name: String) throws -> [UInt8] { try Loader.readFile(TestPaths.data("reports/" + name)) }

    func testALoadGoesOnPastBadFilesAndNamesEachOne() throws {
        _ = write("empty.txt", [])
        var random = SystemRandomNumberGenerator()
        _ = write("random.txt", (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        _ = write("binary.txt", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 4000))
        _ = write("one-long-line.txt", [UInt8](repeating: 0x41, count: 10_000_000))
        var utf16 = Decoder.encode(try seed("lianshan-2021.txt"), to: "UTF-16LE")!
        utf16.insert(contentsOf: [0xFF, 0xFE], at: 0)
        _ = write("lianshan-utf16.txt", utf16)
        _ = write("lianshan-gb18030.txt", Decoder.encode(try seed("lianshan-2021.txt"), to: "GB18030")!)
        let unreadable = write("unreadable.txt", try seed("qinghe-2021.txt"))
        chmod(unreadable, 0)
        let root = getuid() == 0     // root reads anything: then the file simply loads
        // A named pipe with no writer: opened, it would wait for ever.
        XCTAssertEqual(mkfifo(folder + "/pipe.txt", 0o644), 0)
        // Larger than any report: a sparse file, its size without its bytes.
        let huge = open(folder + "/huge.txt", O_CREAT | O_WRONLY, 0o644)
        XCTAssertEqual(ftruncate(huge, off_t(Loader.largestFile + 1)), 0)
        close(huge)

        let corpus = Corpus()
        let summary = Loader.load([folder], into: corpus)
        let failed = Dictionary(uniqueKeysWithValues: summary.failures.map { ($0.file.split(separator: "/").last.map(String.init)!, $0.message) })
        XCTAssertEqual(failed["empty.txt"], "the file is empty")
        XCTAssertTrue(failed["random.txt"]?.hasPrefix("not") == true, "\(failed)")
        XCTAssertEqual(failed["binary.txt"], "not a text report (it contains NUL bytes)")
        if !root { XCTAssertEqual(failed["unreadable.txt"], "Permission denied") }
        XCTAssertEqual(failed["pipe.txt"], "a named pipe, not a file: left out of the folder's reports")
        XCTAssertEqual(failed["huge.txt"], "256 MB, more than a report can be (256 MB at most): not read")
        // The long line and the re-encoded seeds are text: they load, with warnings where due.
        XCTAssertEqual(summary.reports, root ? 4 : 3)
        let names = (0..<corpus.count).map { corpus.name($0) }
        XCTAssertTrue(names.contains("lianshan-utf16") && names.contains("lianshan-gb18030") && names.contains("one-long-line"))
        let long = corpus.index(ofFile: folder + "/one-long-line.txt")!
        XCTAssertTrue(corpus.warnings[long].contains { $0.code == "read.missing-section" })
    }

    /// A device named as a path is refused, not read: /dev/zero would never end. A pipe is
    /// read (a report given as `<(curl …)`), up to the size no report reaches.
    func testADeviceIsRefusedAndAPipeIsRead() throws {
        let corpus = Corpus()
        let summary = Loader.load(["/dev/zero", "/dev/null"], into: corpus)
        XCTAssertEqual(summary.failures.map(\.message), ["is a device, not a file", "is a device, not a file"])
        XCTAssertEqual(corpus.count, 0)
        let pipe = folder + "/given.txt"
        XCTAssertEqual(mkfifo(pipe, 0o644), 0)
        let report = try seed("minquan-2021.txt")
        let writer = Thread {
            let fd = open(pipe, O_WRONLY)
            report.withUnsafeBytes { bytes in
                var at = 0
                while at < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + at, bytes.count - at)
                    if n <= 0 { break }       // the reader is gone: the test fails on what it read
                    at += n
                }
            }
            close(fd)
        }
        writer.start()
        let read = Loader.load([pipe], into: corpus)
        XCTAssertEqual(read.reports, 1)
        XCTAssertEqual(corpus.value(Form.standard.field(named: "s3.total.total")!, 0), .int(6))
    }

    func testAFiftyMegabyteReportAndAVanishedFile() throws {
        var text = String(decoding: try seed("minquan-2021.txt"), as: UTF8.self)
        let paragraph = String(repeating: "改进情况：进一步规范提升主动公开工作，严格执行相关政策文件规定的主动公开范围和事项。", count: 6) + "\n"
        let filler = String(repeating: paragraph, count: 50_000_000 / paragraph.utf8.count)
        text = text.replacingOccurrences(of: "存在问题：", with: filler + "存在问题：")
        let path = write("huge.txt", Array(text.utf8))
        let corpus = Corpus()
        let summary = Loader.load([path, folder + "/vanished.txt"], into: corpus)
        XCTAssertEqual(summary.reports, 1)
        XCTAssertEqual(summary.failures.map(\.message), ["No such file or directory"])
        XCTAssertEqual(corpus.value(Form.standard.field(named: "s2.license.decisions")!, 0), .int(13323))
        XCTAssertEqual(corpus.value(Form.standard.field(named: "s3.total.total")!, 0), .int(6))
    }

    func testTruncatedReportIsReadAsFarAsItGoes() throws {
        let full = try seed("lianshan-2021.txt")
        let text = String(decoding: full, as: UTF8.self)
        // Cut in the middle of section 三's table, after the row 4.保护第三方合法权益.
        let cut = text.range(of: "5.属于三类内部事务信息")!.lowerBound
        let report = try ReportReader.read(bytes: Array(text[..<cut].utf8), file: "cut.txt")
        let f = Form.standard
        XCTAssertEqual(report.cells[f.field(named: "s3.withheld_third_party.total")!.index].number?.integer, 5)
        XCTAssertEqual(report.cells[f.field(named: "s3.total.total")!.index].kind, .absent, "nothing invented past the cut")
        XCTAssertTrue(report.warnings.contains { $0.code == "read.truncated" && $0.message.contains("missing: 四、") }, "\(report.warnings)")
        XCTAssertTrue(report.warnings.contains { $0.code == "read.missing-rows" })
    }

    /// A file cut short stops, more often than not, inside a character: in UTF-8 after one or
    /// two of a Chinese character's three bytes, in GB18030 after one of two, in UTF-16 after
    /// one of two. What comes before the cut is read, and the cut is reported where it is.
    func testAFileCutInsideACharacterIsReadUpToTheCut() throws {
        let text = String(decoding: try seed("lianshan-2021.txt"), as: UTF8.self)
        let before = String(text[..<text.range(of: "5.属于三类内部事务信息")!.lowerBound]) + "5."
        let lastLine = before.split(separator: "\n", omittingEmptySubsequences: false).count
        let character = "属"
        var files: [(name: String, bytes: [UInt8], unfinished: Int, encoding: TextEncoding)] = []
        for k in 1...2 {
            files.append(("utf8-\(k)", Array(before.utf8) + Array(character.utf8).prefix(k), k, .utf8))
            files.append(("utf8-bom-\(k)", [0xEF, 0xBB, 0xBF] + Array(before.utf8) + Array(character.utf8).prefix(k), k, .utf8BOM))
        }
        let gb = try XCTUnwrap(Decoder.encode(Array(before.utf8), to: "GB18030"))
        let gbCharacter = try XCTUnwrap(Decoder.encode(Array(character.utf8), to: "GB18030"))
        files.append(("gb18030", gb + gbCharacter.prefix(1), 1, .gb18030))
        let utf16 = try XCTUnwrap(Decoder.encode(Array((before + character).utf8), to: "UTF-16LE"))
        files.append(("utf16", [0xFF, 0xFE] + utf16.dropLast(1), 1, .utf16LE))
        let f = Form.standard
        for file in files {
            let decoded = try Decoder.decode(file.bytes)
            XCTAssertEqual(decoded.encoding, file.encoding, file.name)
            XCTAssertEqual(decoded.unfinished, file.unfinished, file.name)
            XCTAssertEqual(String(decoding: decoded.utf8, as: UTF8.self), before, file.name)
            let report = try ReportReader.read(bytes: file.bytes, file: file.name)
            XCTAssertEqual(report.cells[f.field(named: "s3.withheld_third_party.total")!.index].number?.integer, 5, file.name)
            let cut = report.warnings.filter { $0.code == "read.truncated" && $0.message.hasPrefix("the file ends inside a character") }
            XCTAssertEqual(cut.map(\.line), [lastLine], "\(file.name): \(report.warnings)")
            XCTAssertTrue(cut.first?.message.contains(file.unfinished == 1 ? "its last byte begins" : "its last \(file.unfinished) bytes") == true, file.name)
        }
        // Whole text is not cut short, and bytes that are not the start of a character at the
        // end are no cut: the file is still refused.
        XCTAssertEqual(try Decoder.decode(Array(before.utf8)).unfinished, 0)
        XCTAssertThrowsError(try Decoder.decode(Array(before.utf8) + [0x80, 0x80, 0x80, 0x80]))
        XCTAssertThrowsError(try Decoder.decode([0xFF, 0xFF] + Array(before.utf8) + [0xE5, 0xB1]))
    }

    /// A table whose cells are all empty is no table: its section is reported, and nothing is
    /// placed, not even blanks (fifteen empty cells would fill section 四's fifteen columns).
    func testAHeadingOverEmptyCellsIsAMissingTable() throws {
        let lines = String(decoding: try seed("xiangyang-2021.txt"), as: UTF8.self).components(separatedBy: "\n")
        let s2 = lines.firstIndex(of: "二、主动公开政府信息情况")!, s3 = lines.firstIndex(of: "三、收到和处理政府信息公开申请情况")!
        let s4 = lines.firstIndex(of: "四、政府信息公开行政复议、行政诉讼情况")!, s5 = lines.firstIndex(of: "五、存在的主要问题及改进情况")!
        let text = (lines[...s2] + ["|---|---|", "|||", ""] + lines[s3...s4] + Array(repeating: "\t", count: 15) + lines[s5...])
            .joined(separator: "\n")
        let r = try ReportReader.read(bytes: Array(text.utf8), file: "empty-tables.txt")
        let missing = r.warnings.filter { $0.code == "read.missing-table" }
        let heading4 = (s2 + 1) + 3 + (s4 - s3 + 1)      // lines up to and with section 四's heading
        XCTAssertEqual(missing.map(\.line), [s2 + 1, heading4], "\(r.warnings)")
        XCTAssertEqual(missing.map(\.message), ["section 二: heading present but no table", "section 四: heading present but no table"])
        let f = Form.standard
        for id in ["s2.license.decisions", "s4.review.total", "s4.suit_direct.total"] {
            XCTAssertEqual(r.cells[f.field(named: id)!.index].kind, .absent, id)
        }
        XCTAssertEqual(r.cells[f.field(named: "s3.new.total")!.index].number?.integer, 0, "section 三 between them is read")
    }

    func testHugeNumbersAndUnitsAreReportedNotStored() throws {
        var text = String(decoding: try seed("xiangyang-2021.txt"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\t450\n", with: "\t99999999999999999999999\n")
        text = text.replacingOccurrences(of: "行政处罚\n\t7\n", with: "行政处罚\n\t7件\n")
        let r = try ReportReader.read(bytes: Array(text.utf8), file: "x.txt")
        let f = Form.standard
        XCTAssertNil(r.cells[f.field(named: "s2.license.decisions")!.index].number)
        XCTAssertTrue(r.warnings.contains { $0.code == "read.number-overflow" && $0.message.contains("99999999999999999999999") })
        XCTAssertEqual(r.cells[f.field(named: "s2.penalty.decisions")!.index].number?.integer, 7)
        XCTAssertTrue(r.warnings.contains { $0.code == "read.unit-in-cell" })
    }

    /// Two counts near the 64-bit limit in rows of one group: each is stored, their group's
    /// derived subtotal, which 64 bits cannot hold, is reported instead of stored, and `check`
    /// prints the sums exactly. (64-bit addition trapped here and stopped the whole load.)
    func testCountsWhoseSumPassesSixtyFourBitsAreReportedNotACrash() throws {
        var text = String(decoding: try seed("xiangyang-2021.txt"), as: UTF8.self)
        let huge = "9000000000000000000"
        text = text.replacingOccurrences(of: "\t1.属于国家秘密\n\t0\n", with: "\t1.属于国家秘密\n\t\(huge)\n")
        text = text.replacingOccurrences(of: "\t2.其他法律行政法规禁止公开\n\t0\n", with: "\t2.其他法律行政法规禁止公开\n\t\(huge)\n")
        let r = try ReportReader.read(bytes: Array(text.utf8), file: "x.txt")
        let f = Form.standard
        XCTAssertEqual(r.cells[f.field(named: "s3.withheld_secret.person")!.index].number?.integer, 9_000_000_000_000_000_000)
        XCTAssertEqual(r.cells[f.field(named: "s3.withheld_law.person")!.index].number?.integer, 9_000_000_000_000_000_000)
        XCTAssertNil(r.cells[f.field(named: "s3.withheld.person")!.index].number)
        XCTAssertEqual(r.warnings.filter { $0.code == "read.number-overflow" }.map(\.message),
                       ["s3.withheld.person: the sum of its rows does not fit in 64 bits; not derived"])
        // Another column of the same group still derives.
        XCTAssertEqual(r.cells[f.field(named: "s3.withheld.total")!.index].number?.integer,
                       try ReportReader.read(bytes: try seed("xiangyang-2021.txt"), file: "y.txt").cells[f.field(named: "s3.withheld.total")!.index].number?.integer)

        let corpus = Corpus()
        corpus.append(r)
        let findings = Audit(corpus: corpus).run([0], rules: ["s3.outcomes", "s3.row-total"]).findings
        let outcomes = findings.first { $0.rule == "s3.outcomes" && $0.column == "person" }
        XCTAssertEqual(outcomes?.expected.map { $0.hasPrefix("180000000000000000") && $0.count == 20 }, true, outcomes?.message ?? "none")
        XCTAssertTrue(findings.contains { $0.rule == "s3.row-total" && $0.column == "withheld_secret" }, "\(findings.map(\.message))")
    }

    func testBracketsInLabelsDoNotHurt() throws {
        var text = String(decoding: try seed("lianshan-2021.txt"), as: UTF8.self)
        let nested = String(repeating: "(", count: 5000) + "规章" + String(repeating: ")", count: 3000)
        text = text.replacingOccurrences(of: "规章 |", with: nested + " |")
        let r = try ReportReader.read(bytes: Array(text.utf8), file: "x.txt")
        XCTAssertEqual(r.cells[Form.standard.field(named: "s3.new.total")!.index].number?.integer, 24)
    }

    /// No path prints a raw control character from a report: titles, labels and messages
    /// are escaped, so a file cannot retitle the window or clear the screen.
    func testReportTextCannotControlTheTerminal() throws {
        var text = String(decoding: try seed("lianshan-2021.txt"), as: UTF8.self)
        let evil = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[H"
        text = text.replacingOccurrences(of: "葫芦岛市连山区2021年", with: "葫芦岛市连山区\(evil)2021年")
        text = text.replacingOccurrences(of: "信访举报投诉类申请 |", with: "信访举报投诉类申请\(evil) |\n\(evil)其他奇怪的行\(evil) |\n5 |")
        let path = write("evil.txt", Array(text.utf8))
        let out = BufferOutput()
        let session = Session(output: out)
        session.load([path])
        session.execute(source: "reports; select org; check; show evil; explain s3.new.total; fields 信访; set format csv; check; set format json; select org; set format tsv; reports", origin: .prompt)
        XCTAssertFalse(out.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "a raw escape reached the output")
        XCTAssertTrue(out.text.contains("\\x1B]0;pwned"), "the title is shown, escaped")
    }

    func testSafeModeRefusesWritesAndUnnamedPaths() {
        XCTAssertEqual(chdir(TestPaths.root), 0)
        let out = BufferOutput()
        let session = Session(output: out)
        session.safePaths = ["Data/reports"]
        XCTAssertEqual(session.execute(source: "load Data/reports", origin: .prompt), .ok)
        XCTAssertEqual(session.execute(source: "load Data/reports/minquan-2021.txt", origin: .prompt), .ok, "inside a named folder")
        XCTAssertEqual(session.execute(source: "export csv /tmp/nianbao-safe.csv", origin: .prompt), .failed)
        XCTAssertEqual(session.execute(source: "count | export csv /tmp/nianbao-safe.csv", origin: .prompt), .failed)
        XCTAssertEqual(session.execute(source: "load /etc", origin: .prompt), .failed)
        XCTAssertEqual(session.execute(source: "run Data/scripts/overview.nbs", origin: .prompt), .failed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/nianbao-safe.csv"))
        XCTAssertTrue(out.text.contains("refused in safe mode (--safe)"))
        XCTAssertTrue(out.text.contains("safe mode (--safe): '/etc' was not named on the command line"))
    }

    func testAFailedExportLeavesTheEarlierFileIntact() throws {
        XCTAssertEqual(chdir(TestPaths.root), 0)
        let target = folder + "/out.csv"
        FileManager.default.createFile(atPath: target, contents: Data("earlier\n".utf8))
        let out = BufferOutput()
        let session = Session(output: out)
        session.execute(source: "load Data/reports", origin: .prompt)
        // A folder we cannot write into (unless root): the export fails, the old file stays.
        chmod(folder, 0o555)
        defer { chmod(folder, 0o755) }
        let result = session.execute(source: "export csv \(target)", origin: .prompt)
        if getuid() != 0 {
            XCTAssertEqual(result, .failed)
            XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "earlier\n")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
            XCTAssertEqual(leftovers, [])
        }
        // A successful export replaces it whole.
        chmod(folder, 0o755)
        XCTAssertEqual(session.execute(source: "export csv \(target)", origin: .prompt), .ok)
        let written = try String(contentsOfFile: target, encoding: .utf8)
        XCTAssertTrue(written.hasPrefix("file,org,year,format,layout,warnings,s2.rules.issued"))
        XCTAssertEqual(written.split(separator: "\n").count, 6)
    }

    /// An export is written as it is made, a megabyte at a time: a write that fails (a full
    /// disk, here /dev/full) is kept, what follows is dropped, and the export then fails
    /// whole (the temporary file removed, the target untouched).
    func testAWriteThatFailsMidwayIsKept() throws {
        let fd = open("/dev/full", O_WRONLY)
        try XCTSkipIf(fd < 0, "no /dev/full")
        defer { close(fd) }
        var sink = FileSink(fd: fd)
        sink.append(String(repeating: "年报,", count: 100_000))     // 800 KB: buffered
        XCTAssertEqual(sink.failure, 0)
        sink.append(String(repeating: "x", count: 2 << 20))        // past a megabyte: written
        XCTAssertEqual(sink.failure, ENOSPC)
        sink.flush()
        XCTAssertEqual(sink.failure, ENOSPC)
    }

    func testHTMLReportsAreReadByContentNotName() throws {
        let html = """
        <html><head><meta charset="utf-8"><title>x</title><script>document.write('<td>9</td>')</script></head><body>
        <p>东城区人民政府2022年政府信息公开工作年度报告</p>
        <h3>三、收到和处理政府信息公开申请情况</h3>
        <table><tr><td colspan="2" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
        <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
        <tr><td>商业<br>企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
        <tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>3</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td></tr>
        <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>2</td><td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
        <tr><td>（二）部分公开</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
        </table><h3>四、政府信息公开行政复议、行政诉讼情况</h3></body></html>
        """
        let r = try ReportReader.read(bytes: Array(html.utf8), file: "page.txt")
        XCTAssertEqual(r.layout, "html")
        XCTAssertEqual(r.org, "东城区人民政府")
        let f = Form.standard
        XCTAssertEqual(r.cells[f.field(named: "s3.new.total")!.index].number?.integer, 4)
        XCTAssertEqual(r.cells[f.field(named: "s3.granted.person")!.index].number?.integer, 2)
        XCTAssertEqual(r.cells[f.field(named: "s3.granted.business")!.index].kind, .blank)
        XCTAssertEqual(r.cells[f.field(named: "s3.partial.total")!.index].number?.integer, 2)
        XCTAssertGreaterThan(r.cells[f.field(named: "s3.new.total")!.index].line, 3, "lines point into the HTML file")
    }
}
