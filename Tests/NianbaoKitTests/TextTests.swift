// Display width, number cells, label folding and decoding.

import XCTest
@testable import NianbaoKit
import NianbaoSynth

final class TextTests: XCTestCase {
    func testDisplayWidth() {
        let cases: [(String, Int)] = [
            ("abc", 3), ("总计", 4), ("（一）", 6), ("ＡＢ", 4), ("e\u{301}", 1), ("👍", 2), ("👍🏽", 2),
            ("🇨🇳", 2), ("“”", 2), ("·", 1), ("\u{200B}", 0), ("한글", 4), ("ｱ", 1), ("申請(qǐng)", 10),
        ]
        for (text, width) in cases { XCTAssertEqual(DisplayWidth.of(text), width, text) }
        XCTAssertEqual(DisplayWidth.pad("总计", to: 6), "总计  ")
        XCTAssertEqual(DisplayWidth.truncate("收到和处理政府信息公开申请情况", to: 9), "收到和处…")
    }

    func testCellKinds() {
        func c(_ s: String) -> CellValue { CellClassifier.classify(Array(s.utf8)[...]) }
        XCTAssertEqual(c("18582"), .number(NumberValue(integer: 18582, double: 18582, decimals: 0, unit: nil)))
        XCTAssertEqual(c("1,234"), .number(NumberValue(integer: 1234, double: 1234, decimals: 0, unit: nil)))
        XCTAssertEqual(c("1，234"), .number(NumberValue(integer: 1234, double: 1234, decimals: 0, unit: nil)))
        XCTAssertEqual(c("１２"), .number(NumberValue(integer: 12, double: 12, decimals: 0, unit: nil)))
        XCTAssertEqual(c("+3"), .number(NumberValue(integer: 3, double: 3, decimals: 0, unit: nil)))
        XCTAssertEqual(c("-14"), .number(NumberValue(integer: -14, double: -14, decimals: 0, unit: nil)))
        XCTAssertEqual(c("26.55"), .number(NumberValue(integer: nil, double: 26.55, decimals: 2, unit: nil)))
        XCTAssertEqual(c("795.0000"), .number(NumberValue(integer: 795, double: 795, decimals: 4, unit: nil)))
        XCTAssertEqual(c("251000元"), .number(NumberValue(integer: 251000, double: 251000, decimals: 0, unit: .yuan)))
        XCTAssertEqual(c("592万元"), .number(NumberValue(integer: 592, double: 592, decimals: 0, unit: .wanYuan)))
        XCTAssertEqual(c(""), .blank)
        XCTAssertEqual(c("&nbsp;"), .blank)
        for na in ["/", "—", "-", "无", "不适用", "／"] { XCTAssertEqual(c(na), .notApplicable, na) }
        XCTAssertEqual(c("99999999999999999999999"), .overflow)
        XCTAssertEqual(c("1,23"), .text)
        XCTAssertEqual(c("（一）予以公开"), .text)
        XCTAssertEqual(c("2.重复申请"), .text)
    }

    func testLabelFoldingBothPathsAgree() {
        let labels = ["（一）予以公开", "(一) 予以公开", "商业 企业", "3.危及“三安全一稳定”", "3.危及\"三安全一稳定\"",
                      "本年新收政府資訊公開申請(qǐng)數量", "[bookmark: _GoBack]一、总体情况", "规范性檔案",
                      "行政规范性文件　", "（本列数据的勾稽关系为：第一项加第二项之和）", "２０２１年",
                      // Pinyin after a character is dropped on the byte path too; other brackets stay.
                      "2.申请(qǐng)人逾期", "申請（qǐng）人", "申请 (qing) 人", "申请(shen qing)", "申请(abcdefg)",
                      "申请(abcdef)", "申请(ｑｉｎｇ)", "二、(qǐng)", "申请(qǐng", "公开(一)", "申请(ABC)", "申请(é1)"]
        for l in labels {
            XCTAssertEqual(String(decoding: LabelFolding.foldBytes(Array(l.utf8)[...]), as: UTF8.self), LabelFolding.fold(l), l)
        }
        XCTAssertEqual(LabelFolding.fold("(一) 予以公开"), LabelFolding.fold("（一）予以公开"))
        XCTAssertEqual(LabelFolding.fold("本年新收政府資訊公開申請(qǐng)數量"), "本年新收政府信息公开申请数量")
        XCTAssertEqual(LabelFolding.fold("规范性檔案"), "规范性文件")
        // Every occurrence, one word after another: 申请书 → 申请 leaves a 书 that stays.
        for (label, folded) in [("资讯资讯檔案档", "信息信息文件档"), ("申请书书", "申请书"), ("資訊申請書", "信息申请")] {
            XCTAssertEqual(LabelFolding.fold(label), folded, label)
            XCTAssertEqual(String(decoding: LabelFolding.foldBytes(Array(label.utf8)[...]), as: UTF8.self), folded, label)
        }
    }

    /// The per-thread memo gives what folding and scanning give: for labels it has seen, and
    /// after it has filled up and started again.
    func testLabelMemoAnswersAsFoldAndScanDo() {
        let fixed = ["（一）予以公开", "(一) 予以公开", "本年新收政府資訊公開申請(qǐng)數量", "四、结转下年度继续办理",
                     "1.属于国家秘密", "[bookmark: _GoBack]一、总体情况", "行政规范性文件　", "总计", "其他",
                     "（七）总计", "3.危及“三安全一稳定”", "申请(qǐng)人"]
        let many = (0..<150).map { "（\($0)）第\($0)项 申请人" }
        let matcher = LabelMatcher(capacity: 64)
        func check(_ labels: [String]) {
            for label in labels {
                let bytes = Array(label.utf8)
                let expectedFold = LabelFolding.foldBytes(bytes[...])
                let expectedHits = KeywordIndex.shared.scan(expectedFold)
                bytes.withUnsafeBufferPointer { raw in
                    let hits = matcher.match(raw[...])
                    XCTAssertEqual(Array(matcher.folded), expectedFold, label)
                    for id in 0..<256 { XCTAssertEqual(hits.contains(id), expectedHits.contains(id), label) }
                }
            }
        }
        check(fixed)
        check(fixed)
        // The second round was answered from the memo: nothing was added.
        XCTAssertEqual(matcher.remembered, fixed.count)
        check(many)
        // 162 labels through a memo of 64: it filled up and started again.
        XCTAssertEqual(matcher.remembered, (fixed.count + many.count) % 64)
        check(fixed)
        check(fixed)
    }

    /// The heading finder folds a line only when it holds the characters of a heading's key
    /// words in some spelling; headings in traditional characters and Taiwan wording (資訊 for
    /// 信息, the only spelling of 信息 in the headings of 二 and 三 here) must still be found.
    func testHeadingsInOtherSpellingsAreFound() {
        let text = """
        某县2021年政府信息公开工作年度报告
        一、總體情況
        本機關全年通過政府網站主動公開政府資訊，具體情況詳見下表所列各項統計數據。
        二、主動公開政府資訊
        三、處理政府資訊公開申請
        四、政府資訊公開行政復議、行政訴訟情況
        五、存在的主要問題及改進情況
        六、其他需要報告的事項
        """
        let headings = Array(text.utf8).withUnsafeBufferPointer { ReportReader.findSections(Lines.split($0).lines) }
        XCTAssertEqual(headings.map(\.section), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(headings.map(\.index), [1, 3, 4, 5, 6, 7])
        // Each heading holds every character its key words need; so does the narrative line of
        // section 一, which the length tests after folding turn away.
        let sections = ReportReader.SectionHeadings.shared
        for line in text.split(separator: "\n").dropFirst() {
            let bytes = Array(line.utf8)
            let present = bytes.withUnsafeBufferPointer { sections.characters.present(in: $0[...]) }
            XCTAssertTrue(sections.mayName(after: 0, present), String(line))
        }
        let plain = Array("全年共收到申请214件，均已按时答复。".utf8)
        XCTAssertFalse(plain.withUnsafeBufferPointer { sections.mayName(after: 0, sections.characters.present(in: $0[...])) })
    }

    /// The numerals 一 … 六 are tested as byte constants; every Chinese numeral and the
    /// characters sharing their first bytes must answer as a comparison of characters does.
    func testSectionNumeralsAreKnownByTheirBytes() {
        for c in "一二三四五六七八九十丁万与丐丑专且乙亏云亚" {
            let bytes = Array("\(c)、总体情况".utf8)
            XCTAssertEqual(bytes.withUnsafeBufferPointer { ReportReader.startsWithNumeralBytes($0[...]) },
                           "一二三四五六".contains(c), String(c))
        }
        XCTAssertFalse(Array("一".utf8.dropLast()).withUnsafeBufferPointer { ReportReader.startsWithNumeralBytes($0[...]) })
    }

    /// `isBlank` answers `trim(s).isEmpty` from the front only, on every mixture of the spaces
    /// `trim` knows (space, tab, CR, FF, NBSP, the ideographic space), cut pieces of them,
    /// and a character.
    func testBlankIsWhatTrimLeavesEmpty() {
        let pieces: [[UInt8]] = [[0x20], [0x09], [0x0D], [0x0C], [0xC2, 0xA0], [0xE3, 0x80, 0x80], [0xC2], [0xE3, 0x80],
                                 [0xA0], [0x80], Array("一".utf8), [0x41]]
        var rng = SeededRandom(seed: 7)
        var blanks = 0
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            let (blank, trimmedEmpty) = bytes.withUnsafeBufferPointer { (Bytes.isBlank($0[...]), Bytes.trim($0[...]).isEmpty) }
            XCTAssertEqual(blank, trimmedEmpty, "\(bytes)")
            if blank { blanks += 1 }
        }
        XCTAssertGreaterThan(blanks, 500)
    }

    /// `trim` (ASCII spaces inline, the others out of line) against a plain reading: take a
    /// whole space off either end while there is one. Texts are mixtures of every space, cut
    /// pieces of the longer ones and characters, read as slices that do not start at 0.
    func testTrimAgreesWithAPlainReading() {
        let spaces: [[UInt8]] = [[0x20], [0x09], [0x0D], [0x0C], [0xC2, 0xA0], [0xE3, 0x80, 0x80]]
        let pieces = spaces + [[0xC2], [0xE3, 0x80], [0xA0], [0x80], [0x80, 0x80], Array("一".utf8), Array("８６".utf8), [0x41], [0x01]]
        func plainTrim(_ s: [UInt8]) -> [UInt8] {
            var s = s[...]
            while let w = spaces.first(where: { s.starts(with: $0) }) { s = s.dropFirst(w.count) }
            while let w = spaces.first(where: { s.reversed().starts(with: $0.reversed()) }) { s = s.dropLast(w.count) }
            return Array(s)
        }
        var rng = SeededRandom(seed: 41)
        var changed = 0, slow = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            let lo = Int.random(in: 0...bytes.count, using: &rng), hi = Int.random(in: lo...bytes.count, using: &rng)
            let text = Array(bytes[lo..<hi])
            let trimmed = bytes.withUnsafeBufferPointer { Array(Bytes.trim($0[lo..<hi])) }
            XCTAssertEqual(trimmed, plainTrim(text), "\(text)")
            if trimmed != text { changed += 1 }
            if text.contains(0xC2) || text.contains(0xE3) { slow += 1 }
        }
        XCTAssertGreaterThan(changed, 2_000)    // 3,293 of the 20,000 with this seed
        XCTAssertGreaterThan(slow, 2_000)       // 3,217
    }

    /// `stripEnumerator` reads bytes; it answers as the reading by characters it replaced, on
    /// the form's own labels and on labels made of enumerator marks, other characters and
    /// cut pieces of the three-byte marks. `isOther` is `stripEnumerator(label) == "其他"`.
    func testEnumeratorStripAgreesWithAReadingByCharacters() {
        let marks: Set<Character> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "一", "二", "三", "四", "五",
                                     "六", "七", "八", "九", "十", "(", ")", ".", "、", "．", "。", ":"]
        func byCharacters(_ folded: String) -> String {
            var s = Substring(folded)
            while let c = s.first, marks.contains(c) { s = s.dropFirst() }
            while let c = s.last, c == ":" || c == "。" || c == "、" { s = s.dropLast() }
            return String(s)
        }
        var labels = Form.standard.s3Rows.map(\.label) + Form.standard.s2Rows.map(\.label) + Form.standard.s3Groups.map(\.label)
        labels = labels.map(LabelFolding.fold)
        let pieces = ["1", "十", "(", ")", ".", "、", "．", "。", ":", "其他", "其", "他", "予以公开", "a", " ", "１",
                      String(decoding: Array("、".utf8).prefix(2), as: UTF8.self)]
        var rng = SeededRandom(seed: 11)
        for _ in 0..<5_000 {
            labels.append((0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
        }
        var stripped = 0, other = 0
        for label in labels {
            let expected = byCharacters(label)
            XCTAssertEqual(TableText.stripEnumerator(label), expected, label)
            let isOther = Array(label.utf8).withUnsafeBufferPointer { TableText.isOther($0) }
            XCTAssertEqual(isOther, expected == "其他", label)
            if expected != label { stripped += 1 }
            if isOther { other += 1 }
        }
        XCTAssertGreaterThan(stripped, 2_000)
        XCTAssertGreaterThan(other, 20)
    }

    /// Common tag names are known by their packed bytes before the table is searched; each
    /// must mean what the table says, in any letter case.
    func testCommonTagNamesMeanWhatTheTableSays() {
        for name in ["td", "th", "tr", "p", "div", "span", "font", "b", "br", "TD", "Span", "table", "tbody", "h2", "script"] {
            let bytes = Array(name.utf8)
            let kind = bytes.withUnsafeBufferPointer { TagName($0[...]).kind }
            XCTAssertEqual(kind, TagName.kind(TagName.pack(name.lowercased())), name)
        }
        XCTAssertEqual(Array("p".utf8).withUnsafeBufferPointer { TagName($0[...]).kind }, .block)
        XCTAssertEqual(Array("SPAN".utf8).withUnsafeBufferPointer { TagName($0[...]).kind }, .other)
    }

    /// Bare lower-case tags (`<td>`, `</p>`…) are known from one load, other tags are read a
    /// byte at a time: a page must read the same either way. The same pages with their tags
    /// in capitals (never the quick way) give the same lines, line numbers included, and a
    /// tag cut by the end of the page is read as before.
    func testBareTagsReadAsTheGeneralReadingDoes() throws {
        var g = Generator(seed: 5)
        let tags = ["td", "tr", "th", "p", "span", "br", "b", "table", "tbody", "h2"]
        var pages = 0
        for k in 0..<12 {
            let page = g.report(index: k, layout: .html, version: k % 2 == 0 ? .v2021 : .v2019, inject: k % 3 == 0).text
            var capitals = page
            for t in tags {
                capitals = capitals.replacing("<\(t)>", with: "<\(t.uppercased())>").replacing("</\(t)>", with: "</\(t.uppercased())>")
            }
            XCTAssertNotEqual(capitals, page)
            let quick = try XCTUnwrap(HTMLText.text(Array(page.utf8)))
            let general = try XCTUnwrap(HTMLText.text(Array(capitals.utf8)))
            XCTAssertEqual(quick.bytes, general.bytes, "page \(k)")
            XCTAssertEqual(quick.numbers, general.numbers, "page \(k)")
            XCTAssertGreaterThan(quick.numbers.count, 40)
            pages += 1
        }
        XCTAssertEqual(pages, 12)
        // Cut inside or just after a bare tag: fewer than eight bytes left.
        for tail in ["<tr><td>1</td", "<tr><td>1</td>", "<tr><td>1<", "<p>x</p>", "<td>"] {
            let page = "<table><tr><td>a</td></tr>" + tail
            let quick = try XCTUnwrap(HTMLText.text(Array(page.utf8)))
            let general = try XCTUnwrap(HTMLText.text(Array(page.uppercased().utf8)))
            XCTAssertEqual(String(decoding: quick.bytes, as: UTF8.self).uppercased(), String(decoding: general.bytes, as: UTF8.self), tail)
        }
    }

    /// A cell's spans are found from the "span" of `colspan` and `rowspan`; they must be what
    /// a search for each whole word at every byte finds, in attributes made at random of the
    /// words in any case, near misses (`colspa`, `mso-rowspan`, `span` alone), values with
    /// quotes, spaces and too many digits, style text and Chinese, on both sides of the
    /// sixteen-byte blocks.
    func testCellSpansAgreeWithAPlainReading() {
        func plain(_ a: [UInt8], _ key: String, max limit: Int) -> Int {
            let key = Array(key.utf8)
            var j = 0
            while j + key.count <= a.count {
                if (0..<key.count).allSatisfy({ a[j + $0] | 0x20 == key[$0] }) {
                    var v = j + key.count
                    while v < a.count, [0x20, 0x3D, 0x22, 0x27].contains(a[v]) { v += 1 }
                    var value = 0, digits = 0
                    while v < a.count, (0x30...0x39).contains(a[v]), digits < 6 { value = value * 10 + Int(a[v] - 0x30); v += 1; digits += 1 }
                    return digits == 0 ? 1 : min(limit, max(1, value))
                }
                j += 1
            }
            return 1
        }
        let pieces = ["colspan", "ROWSPAN", "ColSpan", "rowSpan", "span", "SPAN", "col", "row", "colspa", "owspan", "mso-rowspan:",
                      "=", "\"", "'", " ", "3", "12", "0", "1234567", "style='width:142.5pt;border:solid windowtext 1.0pt'",
                      "宋体", "s", "S", "x"]
        var rng = SeededRandom(seed: 7)
        var found = 0
        for _ in 0..<20_000 {
            let a = Array((0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined().utf8)
            let spans = a.withUnsafeBufferPointer { TagAttributes.spans($0[...]) }
            let expected = (plain(a, "colspan", max: 50), plain(a, "rowspan", max: 500))
            XCTAssertEqual(spans.columns, expected.0, String(decoding: a, as: UTF8.self))
            XCTAssertEqual(spans.rows, expected.1, String(decoding: a, as: UTF8.self))
            if expected.0 > 1 || expected.1 > 1 { found += 1 }
        }
        XCTAssertGreaterThan(found, 1_500)
    }

    /// The decoder's one pass (a 32-byte block at a time while they are plain, else a sequence
    /// at a time) answers as a byte-by-byte reading does, on text with bytes changed at
    /// random: leads E0 and ED with second bytes on both sides of their limits, cut
    /// sequences, stray continuation bytes, surrogates, overlong forms, and control bytes
    /// among ASCII, wherever they fall against the blocks.
    func testTextScanAgreesWithAPlainReading() {
        var rng = SeededRandom(seed: 2026)
        // Chinese with short ASCII runs; markup (long ASCII runs); two-, three- and four-byte
        // characters, among them the limits of E0 and ED (U+0800, U+D7FF) and an emoji.
        let texts = [Array("本机关2021年收到政府信息公开申请214件，予以公开（一）ab\t12 xyz\n".utf8),
                     Array("<td width=60 valign=top style='width:45.0pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt'>3</td>\n".utf8),
                     Array("café 总计\u{0800}é\u{D7FF}😀 ü—“申请”\r\n𠀀中文ß12\t\u{07FF}\u{E000}\u{FFFF}\u{10FFFF}".utf8)]
        let replacements: [UInt8] = [0xE0, 0xED, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xEF, 0xF0, 0xF4, 0xF5,
                                     0xFF, 0x41, 0x00, 0x01, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20]
        var invalid = 0, withControls = 0
        for round in 0..<60_000 {
            let text = texts[round % 3]
            var bytes = Array(repeating: text, count: Int.random(in: 1...3, using: &rng)).flatMap { $0 }
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = replacements.randomElement(using: &rng)!
            }
            if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0...2, using: &rng)) }
            let scan = bytes.withUnsafeBufferPointer(Decoder.TextScan.init)
            let valid = String(validating: bytes, as: UTF8.self) != nil
            let controls = bytes.filter { $0 < 0x20 && ![0x09, 0x0A, 0x0D, 0x0C].contains($0) }.count
            if !valid { invalid += 1 }
            if controls > 0 { withControls += 1 }
            XCTAssertEqual(scan.isValidUTF8, valid, "\(bytes)")
            XCTAssertEqual(scan.controls, controls, "\(bytes)")
            XCTAssertEqual(scan.hasNUL, bytes.contains(0), "\(bytes)")
            XCTAssertEqual(scan.onlySpace, bytes.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }, "\(bytes)")
        }
        XCTAssertGreaterThan(invalid, 1_000)
        XCTAssertGreaterThan(withControls, 1_000)
        let blank = Array("  \t\r\n          \n".utf8).withUnsafeBufferPointer(Decoder.TextScan.init)
        XCTAssertTrue(blank.onlySpace)
    }

    /// Lines are split sixteen bytes at a time; the lines, their numbers and their tab and
    /// pipe counts must be those of a byte-by-byte reading, wherever the line ends, tabs and
    /// pipes fall against the sixteen-byte blocks: LF, CRLF and CR-only text, empty lines,
    /// Chinese characters, and bytes with the high bit set next to the ones looked for.
    func testLineSplitAgreesWithAPlainReading() {
        let pieces: [[UInt8]] = [Array("总计".utf8), Array("a1".utf8), [0x09], [0x7C], [0x0A], [0x0D], [0x0D, 0x0A], [0x20],
                                 [0x89], [0x8A], [0xFC]]
        var rng = SeededRandom(seed: 16)
        var lineCount = 0, tabCount = 0
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            // The plain reading: split at every terminator (LF, or CR when there is no LF).
            let terminator: UInt8 = bytes.contains(0x0A) ? 0x0A : 0x0D
            var expected: [(bytes: [UInt8], tabs: Int32, pipes: Int32)] = []
            var line: [UInt8] = []
            for (k, b) in bytes.enumerated() {
                if b == terminator {
                    if terminator == 0x0A, line.last == 0x0D { line.removeLast() }
                    expected.append((line, Int32(line.count { $0 == 0x09 }), Int32(line.count { $0 == 0x7C })))
                    line = []
                } else {
                    line.append(b)
                }
                if k == bytes.count - 1, b != terminator {
                    // A last line without a terminator keeps its CR: only a terminator's CR goes.
                    expected.append((line, Int32(line.count { $0 == 0x09 }), Int32(line.count { $0 == 0x7C })))
                }
            }
            // Each line, and whether its separators are where its tabs and pipes are in the text.
            let (lines, separatorsAgree) = bytes.withUnsafeBufferPointer { p in
                let split = Lines.split(p)
                let agree = split.lines.allSatisfy { line in
                    let first = line.firstSeparator, count = Int(line.tabs) + Int(line.pipes)
                    return Array(split.separators[first..<(first + count)]) == line.bytes.indices.filter { p[$0] == 0x09 || p[$0] == 0x7C }
                }
                return (split.lines.map { (Array($0.bytes), $0.number, $0.tabs, $0.pipes) }, agree)
            }
            XCTAssertTrue(separatorsAgree, "\(bytes)")
            XCTAssertEqual(lines.count, expected.count, "\(bytes)")
            for (k, (got, want)) in zip(lines, expected).enumerated() {
                XCTAssertEqual(got.0, want.bytes, "\(bytes)")
                XCTAssertEqual(got.1, k + 1)
                XCTAssertEqual(got.2, want.tabs, "\(bytes)")
                XCTAssertEqual(got.3, want.pipes, "\(bytes)")
            }
            lineCount += lines.count
            tabCount += lines.reduce(0) { $0 + Int($1.2) }
        }
        XCTAssertGreaterThan(lineCount, 20_000)
        XCTAssertGreaterThan(tabCount, 5_000)
    }

    /// Past a megabyte, the room for the separators' positions is what the text holds (counted
    /// first), not a place for every byte: a text of nothing but separators fills it exactly,
    /// and every position is noted.
    func testTheSeparatorsOfALargeTextAreAllNoted() {
        let row = Array("|\t|\t|\n".utf8)            // five separators in six bytes
        var bytes: [UInt8] = []
        while bytes.count <= 3 << 19 { bytes += row }
        bytes.withUnsafeBufferPointer { p in
            let split = Lines.split(p)
            XCTAssertEqual(split.lines.count, bytes.count / row.count)
            XCTAssertEqual(split.separators.count, bytes.count / row.count * 5)
            XCTAssertTrue(split.separators.allSatisfy { p[$0] == 0x09 || p[$0] == 0x7C })
            XCTAssertEqual(split.lines.last?.firstSeparator, split.separators.count - 5)
        }
    }

    /// A report's text is searched for a word by the word's last byte; the answers must be a
    /// plain reading's (occurrences counted left to right, without overlapping), for words of
    /// one to fifteen bytes anywhere in Chinese text, at its ends, cut, and longer than the text.
    func testWordSearchAgreesWithAPlainReading() {
        let pieces: [[UInt8]] = ["件", "申请", "至", "日", "信息", "处理费", "a", "1", " ", "条", "年", "日日"].map { Array($0.utf8) }
            + [[0xB6], [0xE4, 0xBB]]
        let needles: [[UInt8]] = ["件", "申请", "至", "日", "日日", "信息处理费", "a", "1a", "年1", "条件"].map { Array($0.utf8) }
            + [[0xBB, 0xB6], [0x31], []]
        func plainCount(_ hay: [UInt8], _ needle: [UInt8]) -> Int {
            guard !needle.isEmpty else { return Int.max }
            var count = 0, i = 0
            while i + needle.count <= hay.count {
                if Array(hay[i..<(i + needle.count)]) == needle { count += 1; i += needle.count } else { i += 1 }
            }
            return count
        }
        var rng = SeededRandom(seed: 31)
        var found = 0, twice = 0, compared = 0
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
            let lo = Int.random(in: 0...bytes.count, using: &rng), hi = Int.random(in: lo...bytes.count, using: &rng)
            bytes.withUnsafeBufferPointer { p in
                let hay = p[lo..<hi]
                for needle in needles {
                    let plain = plainCount(Array(hay), needle)
                    XCTAssertEqual(Bytes.contains(hay, needle), plain >= 1, "\(Array(hay)) \(needle)")
                    XCTAssertEqual(Bytes.count(hay, needle, atLeast: 2), plain >= 2, "\(Array(hay)) \(needle)")
                    if needle.count == 1 { XCTAssertEqual(Bytes.contains(hay, needle[0]), plain >= 1) }
                    compared += 1
                    if plain >= 1 { found += 1 }
                    if plain >= 2 { twice += 1 }
                }
            }
        }
        XCTAssertGreaterThan(found, 5_000)
        XCTAssertGreaterThan(twice, 1_000)
        XCTAssertGreaterThan(compared - found, 5_000)
    }

    func testDecodingRefusesWhatIsNotText() {
        XCTAssertThrowsError(try Decoder.decode([])) { XCTAssertEqual($0 as? DecodingError, .empty) }
        XCTAssertThrowsError(try Decoder.decode(Array("  \n\n".utf8))) { XCTAssertEqual($0 as? DecodingError, .empty) }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
        png += (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        XCTAssertThrowsError(try Decoder.decode(png))
        var random = SystemRandomNumberGenerator()
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        XCTAssertThrowsError(try Decoder.decode(noise))
        let gb = Decoder.encode(Array("三、收到和处理政府信息公开申请情况".utf8), to: "GB18030")!
        XCTAssertEqual(try Decoder.decode(gb).encoding, .gb18030)
        XCTAssertEqual(String(decoding: try Decoder.decode(gb).utf8, as: UTF8.self), "三、收到和处理政府信息公开申请情况")
    }
}


extension TextTests {
    /// Space-aligned rows are cut where a plain reading, a byte at a time, cuts them: at runs of
    /// two or more spaces (ASCII or ideographic) and at one space between two numbers, for rows
    /// of labels, numbers, spaces and ideographic spaces longer and shorter than sixteen bytes.
    func testSpaceRunsSplitAsAPlainReadingDoes() {
        func plain(_ s: [UInt8]) -> [[UInt8]] {
            // Characters as strings, one at a time (a lone E3 80, no character, is one too).
            func chars(_ t: ArraySlice<UInt8>) -> [String] {
                var out: [String] = [], k = t.startIndex
                while k < t.endIndex {
                    let n = t[k] < 0x80 ? 1 : (k + 2 < t.endIndex && t[k + 1] & 0xC0 == 0x80 && t[k + 2] & 0xC0 == 0x80 ? 3 : 1)
                    out.append(String(decoding: t[k..<min(k + n, t.endIndex)], as: UTF8.self)); k += n
                }
                return out
            }
            let digits = Set("0123456789０１２３４５６７８９".map(String.init)), numberMarks = Set([".", "-", "+", "/", ","])
            func isNumeric(_ t: ArraySlice<UInt8>) -> Bool {
                !t.isEmpty && chars(t).allSatisfy { digits.contains($0) || numberMarks.contains($0) }
            }
            func startsNumber(_ t: ArraySlice<UInt8>) -> Bool {
                guard let c = chars(t).first else { return false }
                return digits.contains(c) || ["/", "-", "+"].contains(c)
            }
            func onlyNumbers(_ t: ArraySlice<UInt8>) -> Bool {
                chars(t).allSatisfy { digits.contains($0) || numberMarks.contains($0) || $0 == " " }
            }
            func startsEnumerator(_ t: ArraySlice<UInt8>) -> Bool {
                let c = chars(t), ascii = Set("0123456789".map(String.init)), numerals = Set("一二三四五六七八九十".map(String.init))
                var k = 0
                if k < c.count, ascii.contains(c[k]) {
                    while k < c.count, ascii.contains(c[k]) { k += 1 }
                    if k < c.count, c[k] == "." { return k + 1 < c.count && !ascii.contains(c[k + 1]) }
                    return k < c.count && (c[k] == "．" || c[k] == "、")
                }
                let opened = k < c.count && (c[k] == "(" || c[k] == "（")
                if opened { k += 1 }
                let first = k
                while k < c.count, numerals.contains(c[k]) { k += 1 }
                guard k > first, k < c.count else { return false }
                return opened ? (c[k] == ")" || c[k] == "）") : c[k] == "、"
            }
            var out: [[UInt8]] = [], start = 0, i = 0
            while i < s.count {
                var j = i, width = 0
                while j < s.count {
                    if s[j] == 0x20 { j += 1; width += 1 }
                    else if j + 2 < s.count, s[j] == 0xE3, s[j + 1] == 0x80, s[j + 2] == 0x80 { j += 3; width += 2 }
                    else { break }
                }
                if width == 0 { i += 1; continue }
                let rest = s[j...]
                let split = width >= 2
                    || startsNumber(rest) && (isNumeric(s[start..<i]) || onlyNumbers(rest))
                    || startsEnumerator(rest)
                if split && i > start && j < s.count { out.append(Array(s[start..<i])); start = j }
                i = j
            }
            out.append(Array(s[start...]))
            return out
        }
        let pieces: [[UInt8]] = [Array("本年新收申请数量".utf8), Array("、".utf8), Array("110".utf8), Array("2.5".utf8), [0x2D],
                                 [0x20], [0x20, 0x20], Array("        ".utf8), Array("\u{3000}".utf8), [0xE3, 0x80], [0x2F],
                                 Array("（三）".utf8), Array("(六)".utf8), Array("1.".utf8), Array("一、".utf8), Array("+".utf8),
                                 Array("１２".utf8), [0x20], [0x20]]
        var rng = SeededRandom(seed: 1207)
        var cuts = 0
        for _ in 0..<5_000 {
            var row: [UInt8] = []
            for _ in 0..<Int.random(in: 0...24, using: &rng) { row += pieces.randomElement(using: &rng)! }
            let trimmed = Array(row.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed())
            var out: [TextBytes] = []
            let got = trimmed.withUnsafeBufferPointer { p -> [[UInt8]] in
                CellSplitter.splitOnSpaceRuns(p[...], into: &out)
                return out.map { Array($0) }
            }
            XCTAssertEqual(got, plain(trimmed), "\(trimmed)")
            cuts += got.count - 1
        }
        XCTAssertGreaterThan(cuts, 8_000)
    }

    /// A row's values kept in `PendingRow` are the values an array would keep, through appends
    /// past its first room, emptying, and trimming of blank spacers at both ends.
    func testPendingRowKeepsWhatAnArrayKeeps() {
        let text = Array("7 x".utf8)
        text.withUnsafeBufferPointer { p in
            let cells = [PendingValue(cell: RawCell(bytes: p[0..<1], line: 1), value: .number(NumberValue(integer: 7, double: 7, decimals: 0, unit: nil))),
                         PendingValue(cell: RawCell(bytes: p[1..<1], line: 2), value: .blank),
                         PendingValue(cell: RawCell(bytes: p[2..<3], line: 3), value: .text)]
            var rng = SeededRandom(seed: 1208)
            var row = PendingRow(capacity: 2)
            defer { row.deallocate() }
            var model: [PendingValue] = []
            for _ in 0..<20_000 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: row.removeAll(); model.removeAll()
                case 1:
                    let count = Int.random(in: 0...6, using: &rng)
                    row.trimSpacers(to: count); TableText.trimSpacers(&model, to: count)
                default:
                    let v = cells.randomElement(using: &rng)!
                    row.append(v); model.append(v)
                }
                XCTAssertEqual(row.count, model.count)
                XCTAssertEqual(row.map(\.cell.line), model.map(\.cell.line))
                XCTAssertEqual(Array(row.buffer).map(\.value), model.map(\.value))
            }
        }
    }
}

extension TextTests {
    /// `trimmingSpaces`, now read on UTF-8 bytes, trims what a reading by Unicode scalars trims:
    /// spaces, tabs, carriage returns, NBSP and the ideographic space at both ends, nothing
    /// else (not a form feed, not a full-width letter sharing a lead byte with the ideographic
    /// space).
    func testTrimmingSpacesAgreesWithAReadingByScalars() {
        func plain(_ s: String) -> String {
            let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{A0}" || $0 == "\r" }
            var u = Substring(s).unicodeScalars
            while let f = u.first, isSpace(f) { u = u.dropFirst() }
            while let l = u.last, isSpace(l) { u = u.dropLast() }
            return String(u)
        }
        let pieces = [" ", "\t", "\r", "\u{A0}", "\u{3000}", "\u{0C}", "\n", "、", "。", "\u{3001}", "\u{C2}", "a", "年", "报告"]
        var rng = SeededRandom(seed: 1209)
        var trimmed = 0
        for _ in 0..<10_000 {
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            XCTAssertEqual(s.trimmingSpaces(), plain(s), s.debugDescription)
            if s.trimmingSpaces() != s { trimmed += 1 }
        }
        XCTAssertGreaterThan(trimmed, 5_000)
    }

    /// The count of characters that heading and title lengths are measured by, eight bytes at
    /// a time in a buffer, one at a time otherwise: both agree with Swift's count of scalars,
    /// at every length around the eight-byte steps.
    func testScalarCountAgreesWithUnicodeScalars() {
        let pieces = ["a", "7", " ", "\u{A0}", "é", "、", "年", "报告", "（一）", "👍", "\u{10FFFF}", "ｱ"]
        var rng = SeededRandom(seed: 1207)
        var lengths = Set<Int>()
        for _ in 0..<5_000 {
            let s = (0..<Int.random(in: 0...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let bytes = Array(s.utf8)
            lengths.insert(bytes.count % 8)
            XCTAssertEqual(Bytes.scalarCount(bytes), s.unicodeScalars.count, s.debugDescription)
            XCTAssertEqual(Bytes.scalarCount(bytes.lazy.map { $0 }), s.unicodeScalars.count, s.debugDescription)
            // A line's slice of the text, past its first character: counted from its own start.
            let first = s.unicodeScalars.first.map { String($0).utf8.count } ?? 0
            bytes.withUnsafeBufferPointer { p in
                XCTAssertEqual(Bytes.scalarCount(p[first...]), s.unicodeScalars.count - (first > 0 ? 1 : 0), s.debugDescription)
            }
        }
        XCTAssertEqual(lengths.count, 8)    // every remainder of the eight-byte steps was met
    }
}
