// Step four of ingestion: the whole report — title, sections, tables, narrative facts.
//
// decode → (HTML → lines) → lines → title and sections → cells → tables → Report.
// Sections are recognised by their title words, since narratives reuse 一、二、 for their own
// headings; what is missing is reported, never filled in.

public enum ReportReader {
    /// Reads a report from the bytes of a file. Throws only when the bytes are not a text
    /// report at all; anything a text report lacks becomes a warning.
    public static func read(bytes: [UInt8], file: String) throws(DecodingError) -> Report {
        let decoded = try Decoder.decode(bytes)
        #if NIANBAO_ABLATION
        if Ablation.skipped == .decoded { return Ablation.emptyReport(file, decoded) }
        #endif
        let utf8 = decoded.utf8
        // The report is returned as made, not changed after: changing it copied it.
        if HTMLText.looksLikeHTML(utf8), let html = HTMLText.text(utf8) {
            return html.bytes.withUnsafeBufferPointer {
                read(Lines.split($0, numbers: html.numbers), file: file, decoded: decoded, page: true)
            }
        }
        return utf8.withUnsafeBufferPointer { read(Lines.split($0), file: file, decoded: decoded) }
    }

    /// `decoded`: the file's decoding, read here for its encoding and for a last character cut
    /// short (its text is already in `text`). `page`: the lines were taken out of an HTML
    /// page, and the report's layout is `html`.
    static func read(_ text: borrowing SplitText, file: String, decoded: DecodedText, page: Bool = false) -> Report {
        let lines = text.lines, separators = text.separators
        #if NIANBAO_ABLATION
        if Ablation.skipped == .lines { return Ablation.emptyReport(file, decoded) }
        #endif
        let encoding = decoded.encoding
        var sink = ReadingSink()
        if encoding != .utf8 && encoding != .utf8BOM {
            sink.warn(.decoded, nil, "read as \(encoding.rawValue)")
        }
        if decoded.unfinished > 0 {
            let last = lines.last?.number
            let bytes = decoded.unfinished == 1 ? "its last byte begins" : "its last \(decoded.unfinished) bytes begin"
            sink.warn(.truncated, last, "the file ends inside a character (\(bytes) one that does not finish): it was cut short")
        }
        let title = findTitle(lines)
        let headings = findSections(lines)
        #if NIANBAO_ABLATION
        if Ablation.skipped == .headings { return Ablation.emptyReport(file, decoded) }
        #endif
        var sectionLines = SectionLines()
        for h in headings { sectionLines[h.section] = lines[h.index].number }

        var layouts = LayoutTally()     // table lines read in each layout
        var period: ReportPeriod?
        var stated: [StatedNumber] = []
        var mentionsFee = false
        var fingerprints: [UInt64] = []
        fingerprints.reserveCapacity(64)    // a narrative's sentences, without growing from one

        // Text before the first heading and narrative sections: period and stated numbers.
        let firstHeading = headings.first?.index ?? lines.count
        scanNarrative(lines[0..<firstHeading], period: &period, stated: &stated)

        for (k, h) in headings.enumerated() {
            let end = k + 1 < headings.count ? headings[k + 1].index : lines.count
            let body = lines[(h.index + 1)..<end]
            #if NIANBAO_ABLATION
            if Ablation.skips(section: h.section) { continue }
            #endif
            switch h.section {
            case 2, 3, 4:
                let table: (layout: TableLayout, hasCells: Bool)
                switch h.section {
                case 2: table = Section2Reader.read(body, separators: separators, into: &sink)
                case 3: table = Section3Reader.read(body, separators: separators, into: &sink)
                default: table = Section4Reader.read(body, separators: separators, into: &sink)
                }
                if !table.hasCells {
                    sink.warn(.missingTable, lines[h.index].number, "section \(numeral(h.section)): heading present but no table")
                    continue
                }
                layouts.add(table.layout, body.count)
            case 6:
                if !mentionsFee { mentionsFee = body.contains { Bytes.contains($0.bytes, xinxiChulifei) } }
                scanNarrative(body, period: &period, stated: &stated)
                SentenceFingerprints.add(body, into: &fingerprints)
            default:
                scanNarrative(body, period: &period, stated: &stated)
                SentenceFingerprints.add(body, into: &fingerprints)
            }
        }

        reportMissingSections(headings: headings, lines: lines, sink: &sink)
        if title.org == nil || title.year == nil {
            sink.warn(.noTitle, title.line, title.org == nil ? "no title naming the reporting body" : "no year in the title")
        }

        var format: FormVersion?
        if let s2 = sink.evidence.section2, let s3 = sink.evidence.section3, s2 != s3 {
            sink.warn(.mixedFormat, sectionLines[3], "section 二 follows the \(s2.rawValue) format and section 三 the \(s3.rawValue) format")
            format = s2
        } else {
            format = sink.evidence.section2 ?? sink.evidence.section3
        }
        for field in deriveSubtotals(&sink.cells) {
            sink.warn(.overflow, nil, "\(Form.standard.fields[field].id): the sum of its rows does not fit in 64 bits; not derived")
        }

        let layout = layouts.leading
        let unplaced = sink.warnings.filter { $0.code == ReadFinding.unplaced.rawValue }.count
        let layoutName = page ? TableLayout.html.rawValue : unplaced >= 3 ? "garbled" : layout.rawValue

        let year = title.year ?? period?.start.year
        return Report(file: file, org: title.org, year: year, format: format, layout: layoutName,
                      encoding: encoding, cells: sink.cells, warnings: sink.warnings,
                      sectionLines: sectionLines, period: period,
                      signed: findSignature(lines), statedNumbers: stated,
                      mentionsProcessingFee: mentionsFee,
                      narrativeFingerprints: SentenceFingerprints.sortedUnique(fingerprints))
    }

    static func numeral(_ n: Int) -> String { Form.standard.section(n)?.numeral ?? String(n) }

    // MARK: Title

    struct Title { var org: String?; var year: Int?; var line: Int? }

    /// The title is the first line (within the first few) naming a year and a report; a title
    /// split over two lines is joined.
    static let baogao = Array("报告".utf8), baogaoTraditional = Array("報告".utf8), nian = Array("年".utf8)

    static func findTitle(_ lines: [SourceLine]) -> Title {
        var seen = 0
        for (i, line) in lines.enumerated() {
            if Bytes.isBlank(line.bytes) { continue }
            seen += 1
            if seen > 8 { break }
            if line.bytes.count > 300 { continue }       // a paragraph, not a title
            // Only a line naming a report (or cut before the word) can be the title.
            func namesReport(_ bytes: TextBytes) -> Bool { Bytes.contains(bytes, baogao) || Bytes.contains(bytes, baogaoTraditional) }
            var hasReport = namesReport(line.bytes)
            let joinsNext = !hasReport && i + 1 < lines.count
            let nextNamesReport = joinsNext && namesReport(lines[i + 1].bytes)
            if !hasReport && !nextNamesReport { continue }
            // A title names a year (年): tested on the bytes before any string is made.
            guard Bytes.contains(line.bytes, nian) || (joinsNext && Bytes.contains(lines[i + 1].bytes, nian)) else { continue }
            var candidate = clean(line.bytes)
            if joinsNext {
                let next = clean(lines[i + 1].bytes)
                if nextNamesReport, Bytes.scalarCount(candidate) + Bytes.scalarCount(next) < 80 { candidate += next; hasReport = true }
            }
            guard hasReport, Bytes.scalarCount(candidate) < 100 else { continue }
            guard let (org, year) = parseTitle(candidate) else { continue }
            // A sentence of the narrative can name a report and a year too, and comes first
            // when the title line was lost (`本报告所列数据统计期限自2021年1月1日…`): a body's
            // name is not a sentence and does not name a report.
            if let org, isSentence(org) { continue }
            return Title(org: org, year: year, line: line.number)
        }
        return Title(org: nil, year: nil, line: nil)
    }

    /// Whether the text before a title's year is a sentence rather than a body's name. On
    /// the bytes: `String.contains` compares characters, at 9 µs a report.
    static func isSentence(_ org: String) -> Bool {
        var org = org
        return org.withUTF8 { b in sentenceMarks.contains { Bytes.contains(b[...], $0) } }
    }

    static let sentenceMarks = ["报告", "報告", "。", "，", "；"].map { Array($0.utf8) }

    /// `方正县政府办公室2021年政府信息公开工作年度报告` → (方正县政府办公室, 2021).
    /// The year is found on the title's UTF-8 bytes: a 年 after four digits (ASCII or
    /// full-width); the body's name, the text before them, is then made a string.
    static func parseTitle(_ title: String) -> (String?, Int)? { parseTitle(Array(title.utf8)) }

    /// `parseTitle` on the title's bytes, as `findTitle` has them.
    static func parseTitle(_ title: [UInt8]) -> (String?, Int)? {
        title.withUnsafeBufferPointer { b -> (String?, Int)? in
            var i = 0
            while i + 2 < b.count {
                defer { i += 1 }
                guard b[i] == 0xE5, b[i + 1] == 0xB9, b[i + 2] == 0xB4 else { continue }    // 年
                // The four characters before it, back to front: each a digit.
                var start = i, year = 0, scale = 1
                for _ in 0..<4 {
                    if start >= 1, b[start - 1] >= 0x30, b[start - 1] <= 0x39 {
                        year += Int(b[start - 1] - 0x30) * scale
                        start -= 1
                    } else if let digit = Bytes.fullWidthDigit(b, at: start - 3) {
                        year += digit * scale
                        start -= 3
                    } else {
                        year = -1
                        break
                    }
                    scale *= 10
                }
                guard (1990...2100).contains(year) else { continue }
                var org = String(decoding: UnsafeBufferPointer(rebasing: b[String.spacesTrimmed(b[..<start])]), as: UTF8.self)
                // The bytes first: String's prefix test compares characters, at a cost per call.
                for prefix in ["关于", "《"] where org.utf8.starts(with: prefix.utf8) && org.hasPrefix(prefix) {
                    org.removeFirst(prefix.count)
                }
                if org.isEmpty {
                    // `2021年度XX县政府信息公开工作年度报告`: the body follows the year.
                    var rest = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 3)...]), as: UTF8.self)
                    if rest.hasPrefix("度") { rest.removeFirst() }
                    if let r = rest.firstRange(of: "政府信息公开") { org = String(rest[..<r.lowerBound]) }
                }
                return (org.isEmpty ? nil : org, year)
            }
            return nil
        }
    }

    /// A line's bytes without Word's `[bookmark: …]` markup and surrounding spaces. Bytes, not
    /// a string: a title is read on its bytes, and only the body's name is made a string.
    static func clean(_ bytes: TextBytes) -> [UInt8] {
        guard bytes.contains(0x5B) else { return Array(bytes[String.spacesTrimmed(bytes)]) }
        var t = String(decoding: bytes, as: UTF8.self)
        while let r = t.firstRange(of: "[bookmark:"), let close = t[r.upperBound...].firstIndex(of: "]") {
            t.removeSubrange(r.lowerBound...close)
        }
        return Array(t.trimmingSpaces().utf8)
    }

    // MARK: Sections

    struct Heading { var section: Int; var index: Int }

    /// The section headings, in order. A heading is a short line with the section's title
    /// words; a line inside a table (starting with a tab or pipe) counts only if it starts
    /// with a numeral. Sections only move forward.
    static func findSections(_ lines: [SourceLine]) -> [Heading] {
        let sections = SectionHeadings.shared
        var out: [Heading] = []
        out.reserveCapacity(sections.numbers.count)
        var current = 0
        let labels = LabelMatcher.current
        for (i, line) in lines.enumerated() {
            // Most table lines are shorter than any heading before they are even trimmed (a
            // tab-led cell line's trim is the slow one).
            guard line.bytes.count >= 6 else { continue }
            // A table cell is a heading only when it starts with a numeral (一、 … 六、). A line of
            // a pipe or tab-led table is a table's for certain, and most such lines are cells:
            // they are told from their front, before they are trimmed.
            let tableLine = line.pipes > 0 || line.bytes.first == 0x09
            if tableLine && !startsWithNumeralBytes(line.bytes[Bytes.endOfLeadingSpaces(line.bytes)...]) { continue }
            let trimmed = Bytes.trim(line.bytes)
            guard trimmed.count >= 6, trimmed.count <= 150 else { continue }
            // Cells between tabs are a table's too.
            if !tableLine && line.tabs > 0 && Bytes.contains(trimmed, 0x09) && !startsWithNumeralBytes(trimmed) { continue }
            if trimmed.first! < 0x80 && trimmed.first! != 0x28 && trimmed.first! != 0x5B { continue }
            // Most short lines lack a character of every heading still to come: not folded.
            if !sections.mayName(after: current, sections.characters.present(in: trimmed)) { continue }
            // Headings are printed alike in every report: the label memo has most of them.
            let hits = labels.match(trimmed)
            let foldedBytes = labels.folded
            let length = Bytes.scalarCount(foldedBytes)
            guard length <= 40 else { continue }
            // Without a numeral the line must be little more than the title itself.
            let numbered = startsWithSectionNumeral(foldedBytes)
            if !numbered && length > sections.longestTitle + 10 { continue }
            if hits.isEmpty { continue }
            guard let k = sections.keywordIDs.indices.first(where: { k in
                sections.numbers[k] > current && sections.keywordIDs[k].contains { ids in ids.allSatisfy { hits.contains($0) } }
            }) else { continue }
            if !numbered && length > sections.titleLengths[k] + 10 { continue }
            // Rows of the section-3 table that begin with 四、 are not section 四.
            if sections.numbers[k] == 4 && hits.contains(sections.jie) { continue }
            out.append(Heading(section: sections.numbers[k], index: i))
            current = sections.numbers[k]
            // No section follows the last: the lines after its heading (its text, the
            // signature) need no look.
            if current == sections.lastNumber { break }
        }
        return out
    }

    /// What a heading is recognised by, computed once from the form.
    struct SectionHeadings: Sendable {
        static let shared = SectionHeadings()
        let numbers: [Int]
        /// Per section: sets of key-word ids, any one of which (all its words present) names it.
        let keywordIDs: [[[Int]]]
        let titleLengths: [Int]
        let longestTitle: Int
        let lastNumber: Int
        let jie = KeywordIndex.shared.id("结转")
        /// The characters of all heading key words; per section, those of each key-word set.
        let characters: HeadingCharacters

        private init() {
            let form = Form.standard
            numbers = form.sections.map(\.number)
            keywordIDs = form.sections.map { $0.headingKeywords.map(KeywordIndex.shared.ids) }
            titleLengths = form.sections.map { $0.title.unicodeScalars.count }
            longestTitle = titleLengths.max() ?? 0
            lastNumber = numbers.max() ?? 0
            characters = HeadingCharacters(sets: form.sections.map(\.headingKeywords))
        }

        /// Whether a line holding the heading characters `present` may name a section after
        /// `current`: it holds every character of one of that section's key-word sets.
        @inline(__always)
        func mayName(after current: Int, _ present: UInt64) -> Bool {
            for k in numbers.indices where numbers[k] > current {
                for required in characters.required[k] where required & present == required { return true }
            }
            return false
        }
    }

    /// Which characters of the heading key words a line holds, one bit each, in any spelling
    /// that `LabelFolding.fold` turns into them: a traditional form, or a character of Taiwan
    /// wording in the same place (資訊 folds to 信息). So a line that folding would make hold a
    /// key word holds all of the word's bits here, and the test never turns away a heading;
    /// it saves folding the narrative's short lines, nearly all of which lack some bit.
    struct HeadingCharacters: @unchecked Sendable {
        /// By scalar, from U+4000 (E4 80 80) to U+9FFF (E9 BF BF): the bits of the character,
        /// as an index into `masks` (0 for none). The range is that of every three-byte
        /// character led by E4–E9, so a character is looked up from its bytes with no test
        /// of its range; the Han block is inside it.
        private let slot: UnsafeMutableBufferPointer<UInt8>
        private let masks: UnsafeMutableBufferPointer<UInt64>
        private static let slotBase: UInt32 = 0x4000, slotCount = 0x6000
        /// Per section, the bits of each of its key-word sets' characters.
        let required: [[UInt64]]

        /// `sets`: per section, its key-word sets (any one set, all its words present, names it).
        init(sets: [[[String]]]) {
            var bits: [UInt32: Int] = [:]
            for w in sets.joined().joined() { for s in w.unicodeScalars where bits[s.value] == nil { bits[s.value] = bits.count } }
            precondition(bits.count <= 64, "heading key words have at most 64 characters")
            // Every spelling of each character: itself, its traditional forms, and the
            // characters of Taiwan wording that folding replaces by it.
            var spellings: [UInt32: UInt64] = [:]
            func add(_ spelling: UInt32, _ bit: Int) {
                spellings[spelling, default: 0] |= 1 << UInt64(bit)
                for (t, s) in LabelFolding.traditionalToSimplified where s == spelling {
                    spellings[t, default: 0] |= 1 << UInt64(bit)
                }
            }
            for (c, bit) in bits { add(c, bit) }
            for (taiwan, mainland) in LabelFolding.vocabulary {
                for (t, m) in zip(taiwan.unicodeScalars, mainland.unicodeScalars) {
                    if let bit = bits[m.value] { add(t.value, bit) }
                }
            }
            var masks: [UInt64] = [0]
            slot = .allocate(capacity: Self.slotCount)
            slot.initialize(repeating: 0)
            for (spelling, mask) in spellings {
                precondition(HanBitmap.offset(spelling) != nil, "heading words are Chinese characters")
                let k = Int(spelling - Self.slotBase)
                if let known = masks.firstIndex(of: mask) { slot[k] = UInt8(known) } else {
                    precondition(masks.count < 256)
                    slot[k] = UInt8(masks.count)
                    masks.append(mask)
                }
            }
            // Made once and never freed, like `slot`: read through a pointer, a mask costs no
            // bounds check.
            self.masks = .allocate(capacity: masks.count)
            _ = self.masks.initialize(from: masks)
            required = sets.map { section in
                section.map { words in words.joined().unicodeScalars.reduce(0) { $0 | 1 << UInt64(bits[$1.value]!) } }
            }
        }

        /// The bits of the heading characters in a line's bytes.
        func present(in line: TextBytes) -> UInt64 {
            var out: UInt64 = 0
            var i = line.startIndex
            let end = line.endIndex
            guard let base = line.base.baseAddress, let slot = slot.baseAddress, let masks = masks.baseAddress else { return 0 }
            // Wrapping steps: `i` stays below `end`, an index into a buffer, so they cannot
            // overflow; checked, they were a seventh of the loop's instructions.
            while i &+ 2 < end {
                let b = base[i]
                // Han characters U+4E00–U+9FFF are E4 B8 80 … E9 BF BF; the table starts at E4 80 80.
                if b &- 0xE4 <= 5 {
                    let k = Int(b &- 0xE4) << 12 | Int(base[i &+ 1] & 0x3F) << 6 | Int(base[i &+ 2] & 0x3F)
                    out |= masks[Int(slot[k])]
                    i &+= 3
                } else if b < 0x80 {
                    // ASCII: the spaces and digits of a table row that no tab or pipe marks
                    // (space-aligned columns) are passed eight bytes at a time.
                    i &+= 1
                    while i &+ 8 <= end, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                        i &+= 8
                    }
                } else {
                    i &+= 1
                }
            }
            return out
        }
    }

    /// Whether `s` starts with one of 一 二 三 四 五 六, tested on the UTF-8 bytes. Asked of
    /// every table line, so the six are constants here, and only a line whose first byte
    /// leads one of them (E4, E5) is decoded.
    @inline(__always)
    static func startsWithNumeralBytes<C: RandomAccessCollection<UInt8>>(_ s: C) -> Bool where C.Index == Int {
        let i = s.startIndex
        guard s.count >= 3, s[i] == 0xE4 || s[i] == 0xE5 else { return false }
        switch Bytes.threeByteScalar(s, at: i) {
        case 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D: return true   // 一 二 三 四 五 六
        default: return false
        }
    }

    static let di = Array("第".utf8), bufen = Array("部分".utf8), dunhao = Array("、".utf8)

    /// Whether a folded heading starts `一、` (or `一.` `一:`) or is a `第…部分` heading.
    static func startsWithSectionNumeral(_ folded: UnsafeBufferPointer<UInt8>) -> Bool {
        if startsWithNumeralBytes(folded) {
            let rest = folded.dropFirst(3)
            guard let next = rest.first else { return false }
            return next == 0x2E || next == 0x3A || next == 0x20 || rest.starts(with: dunhao)
        }
        return folded.starts(with: di) && Bytes.contains(folded[...], bufen)
    }

    static func reportMissingSections(headings: [Heading], lines: [SourceLine], sink: inout ReadingSink) {
        var found = 0                        // bit n: section n has a heading
        for h in headings { found |= 1 << h.section }
        let last = headings.last?.section ?? 0
        let lastLine = lines.last?.number ?? 0
        // A report that stops before section 五 with a table section last is cut off.
        if last < 5 && last > 0 {
            let after = Form.standard.sections.filter { $0.number > last }.map { "\($0.numeral)、\($0.title)" }
            sink.warn(.truncated, lastLine, "the report ends in section \(numeral(last)) at line \(lastLine); missing: " + after.joined(separator: ", "))
        }
        // The form's sections are walked only when one before the last heading is missing:
        // copying them retains their strings, which every reading thread shares.
        let before = (1 << max(last, 1)) - 2      // bits 1 ..< max(last, 1)
        if found & before != before {
            for s in Form.standard.sections where found & (1 << s.number) == 0 && s.number < max(last, 1) {
                sink.warn(.missingSection, nil, "section \(s.numeral)、\(s.title) is missing" +
                          (s.isTable ? "; its fields are blank" : ""))
            }
        }
        if headings.isEmpty {
            sink.warn(.missingSection, nil, "no section of the standard form was found")
        }
    }

    // MARK: Derived fields

    /// Group subtotals (`s3.withheld.*` …) are sums of their sub-rows; blanks are skipped and
    /// a subtotal is blank only when all of its rows are. A printed `其他处理` row (2019) wins.
    static let derivedSums = DerivedSums(Form.standard.fields.filter(\.isDerived))

    /// The derived fields and the fields each one sums, as flat integers: copying a `Field`
    /// in the loop would retain its strings, which every reading thread shares. Buffers made
    /// once and never freed, not arrays: read as arrays, each of the loop's three reads was
    /// checked against its array's bounds (a sixth of the stage's instructions); the indexes
    /// come from the form, and the bounds are checked once, here.
    struct DerivedSums: @unchecked Sendable {
        /// Field indexes of the derived fields; the k-th sums `sources[bounds[k]..<bounds[k + 1]]`.
        let targets: UnsafeBufferPointer<Int>, bounds: UnsafeBufferPointer<Int>, sources: UnsafeBufferPointer<Int>

        init(_ fields: [Field]) {
            let sources = fields.flatMap(\.derivedFrom)
            let bounds = fields.reduce(into: [0]) { $0.append($0.last! + $1.derivedFrom.count) }
            let count = Form.standard.fields.count
            precondition((sources + fields.map(\.index)).allSatisfy { $0 >= 0 && $0 < count })
            targets = .permanent(fields.map(\.index))
            self.sources = .permanent(sources)
            self.bounds = .permanent(bounds)
        }
    }

    /// Returns the derived fields whose sum does not fit in 64 bits (left absent): numbers a
    /// hostile report prints near the limit; none in any real one. Kept a call of its own
    /// (once a report), so that `Scripts/profile` can count it as a stage.
    @inline(never)
    static func deriveSubtotals(_ cells: inout FieldCells) -> [Int] {
        let sums = derivedSums
        var tooWide: [Int] = []
        // The slots are read and written in place: through the readings' accessors, each
        // read was checked against the bounds and each write checked the slots unshared.
        // A derived field is absent until here, so it has no unit or printed text to clear.
        cells.withSlots { slots in
            for k in sums.targets.indices {
                let target = sums.targets[k]
                if slots[target].kind != .absent { continue }   // printed
                var sum = WideSum()
                var any = false
                var anyPresent = false
                for j in sums.bounds[k]..<sums.bounds[k + 1] {     // indexes: a slice retains
                    let source = slots[sums.sources[j]]
                    if source.kind != .absent { anyPresent = true }
                    if source.integer != Corpus.nullInt { sum.add(source.integer); any = true }
                }
                if any {
                    guard let exact = sum.value else { tooWide.append(target); continue }
                    slots[target] = FieldCells.Slot(integer: exact, line: 0)
                } else if anyPresent {
                    slots[target] = FieldCells.Slot(kind: .blank)
                }
            }
        }
        return tooWide
    }

    // MARK: Narrative facts

    static func scanNarrative(_ lines: ArraySlice<SourceLine>, period: inout ReportPeriod?, stated: inout [StatedNumber]) {
        for line in lines {
            guard line.bytes.count > 6 else { continue }
            // A period is two dates, each ending in 日.
            let wantPeriod = period == nil && Bytes.contains(line.bytes, zhi) && Bytes.count(line.bytes, ri, atLeast: 2)
            let wantNumbers = Bytes.contains(line.bytes, NarrativeNumbers.jian) && cues.contains { Bytes.contains(line.bytes, $0) }
            if wantPeriod, let p = findPeriod(line.bytes, line: line.number) { period = p }
            if wantNumbers { NarrativeNumbers.scan(line.bytes, line: line.number, into: &stated) }
        }
    }

    static let zhi = Array("至".utf8), ri = Array("日".utf8), xinxiChulifei = Array("信息处理费".utf8)
    /// Words of which a line stating a count of requests names one.
    static let cues = ["申请", "结转", "复议", "申請", "結轉"].map { Array($0.utf8) }

    /// `自2021年1月1日起至2021年12月31日止`, `统计期限为2021年1月1日至12月31日`.
    static func findPeriod(_ text: TextBytes, line: Int) -> ReportPeriod? {
        let dates = DateScanner.dates(in: text)
        guard dates.count >= 2 else { return nil }
        for k in 0..<(dates.count - 1) {
            let (a, aEnd) = (dates[k].date, dates[k].end)
            let (b, bStart) = (dates[k + 1].date, dates[k + 1].start)
            // At most four characters between the dates (counted as UTF-8 lead bytes), one 至.
            let gap = text[aEnd..<bStart]
            let between = Bytes.scalarCount(gap)
            if between <= 4 && Bytes.contains(gap, zhi) {
                var end = b
                if end.year == 0 { end.year = a.year }
                return ReportPeriod(start: a, end: end, line: line)
            }
        }
        return nil
    }

    static func findSignature(_ lines: [SourceLine]) -> ReportDate? {
        for line in lines.suffix(12).reversed() {
            // A date ends in 日; a signature line is short (counted without walking a long line).
            guard Bytes.contains(line.bytes, ri) else { continue }
            // Short: at most 80 bytes (twenty characters of Chinese or digits are 60 at most)
            // and at most 20 characters.
            let trimmed = Bytes.trim(line.bytes)
            guard trimmed.count <= 80, Bytes.scalarCount(trimmed) <= 20 else { continue }
            if let d = DateScanner.dates(in: line.bytes).first?.date, d.year > 0 { return d }
        }
        return nil
    }
}

/// Fingerprints of narrative sentences, for `xyear.reuse`: a hash of each sentence of at least
/// eight characters, with digits left out so that only a changed year or count does not make
/// a copied sentence new.
enum SentenceFingerprints {
    /// The fingerprints in order, each once.
    static func sortedUnique(_ fingerprints: [UInt64]) -> [UInt64] {
        var out = fingerprints
        out.sort()
        var kept = 0
        for i in out.indices where kept == 0 || out[kept - 1] != out[i] {
            out[kept] = out[i]
            kept += 1
        }
        out.removeLast(out.count - kept)
        return out
    }

    /// A call of its own (twice a report), so that `Scripts/profile` can count it as a stage.
    @inline(never)
    static func add(_ lines: ArraySlice<SourceLine>, into out: inout [UInt64]) {
        for line in lines {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var length = 0
            let b = line.bytes
            guard let base = b.base.baseAddress else { continue }
            var i = b.startIndex
            let lineEnd = b.endIndex
            func end() {
                if length >= 24 { out.append(hash) }
                hash = 0xcbf2_9ce4_8422_2325
                length = 0
            }
            // Positions and lengths are within the line's buffer: they step with wrapping
            // arithmetic, without an overflow check at each character.
            while i < lineEnd {
                let c = base[i]
                // A three-byte character (most of a narrative) is hashed whole, one step for
                // its three bytes; 。！？； end a sentence. Its two continuation bytes are not
                // tested: the text is valid UTF-8 (the decoder's), cut into lines only at ASCII.
                if c & 0xF0 == 0xE0, i &+ 2 < lineEnd {
                    let character = Bytes.scalar(c, base[i &+ 1], base[i &+ 2])
                    switch character {
                    case 0x3002, 0xFF01, 0xFF1F, 0xFF1B:     // 。！？；
                        end()
                    default:
                        hash = (hash ^ UInt64(character)) &* 0x100_0000_01b3
                        length &+= 3
                    }
                    i &+= 3
                    continue
                }
                if (c >= 0x30 && c <= 0x39) || c == 0x20 || c == 0x09 { i &+= 1; continue }
                hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3
                length &+= 1
                i &+= 1
            }
            end()
        }
    }
}

enum DateScanner {
    /// Dates written `2021年1月1日` (the year may be left out after 至: `至12月31日`, year 0),
    /// with the offsets in `text` where each starts and ends. Digits may be full-width.
    static func dates(in text: TextBytes) -> [(date: ReportDate, start: Int, end: Int)] {
        var out: [(date: ReportDate, start: Int, end: Int)] = []
        out.reserveCapacity(4)      // a period's two dates, without growing from nothing
        let end = text.endIndex
        /// Whether the character `c`, three bytes in UTF-8, is at `j`.
        func isCharacter(_ j: Int, _ c: Unicode.Scalar) -> Bool { Bytes.threeByteScalar(text, at: j) == c.value }
        func number(_ j: inout Int) -> Int? {
            var v = 0, n = 0
            while j < end {
                let b = text[j]
                let digit: Int, length: Int
                if b >= 0x30 && b <= 0x39 {
                    (digit, length) = (Int(b - 0x30), 1)
                } else if let d = Bytes.fullWidthDigit(text, at: j) {
                    (digit, length) = (d, 3)
                } else {
                    break
                }
                // No date part has more than four digits; a longer run is not a date, and
                // must not overflow (found by the fuzzer).
                if n < 9 { v = v * 10 + digit } else { v = Int.max / 2 }
                n += 1
                j += length
            }
            return n > 0 ? v : nil
        }
        let nian: Unicode.Scalar = "年", yue: Unicode.Scalar = "月", ri: Unicode.Scalar = "日"
        var i = text.startIndex
        while i < end {
            // A date starts with a digit, ASCII or full-width (EF BC 90…99): any other
            // character is passed whole.
            let lead = text[i]
            if (lead < 0x30 || lead > 0x39) && lead != 0xEF { i &+= Bytes.characterLength(lead); continue }
            var j = i
            if let first = number(&j) {
                let start = i
                if isCharacter(j, nian), first >= 1990, first <= 2200 {
                    var k = j + 3
                    if let m = number(&k), isCharacter(k, yue) {
                        var l = k + 3
                        if let d = number(&l), isCharacter(l, ri) {
                            i = l + 3
                            out.append((ReportDate(year: first, month: m, day: d), start, i))
                            continue
                        }
                    }
                } else if isCharacter(j, yue), first <= 12 {
                    var l = j + 3
                    if let d = number(&l), isCharacter(l, ri) {
                        i = l + 3
                        out.append((ReportDate(year: 0, month: first, day: d), start, i))
                        continue
                    }
                }
                i = j
                continue
            }
            // Not a digit: on to the next character.
            i += Bytes.characterLength(lead)
        }
        return out
    }
}

/// Numbers the narrative states about the request table (本年新收…N件 and the like).
enum NarrativeNumbers {
    /// (key words that must precede the number within a clause, field id)
    static let patterns: [([String], String)] = [
        (["上年结转"], "s3.carried_in.total"),
        (["结转下年"], "s3.carried_out.total"),
        (["新收"], "s3.new.total"),
        (["收到", "申请"], "s3.new.total"),
        (["行政复议"], "s4.review.total"),
    ]

    static let jian = Array("件".utf8)
    /// Clause boundaries: ， 。 ； 、 ！ ？ and their ASCII forms.
    static let stops: [[UInt8]] = ["，", "。", "；", "、", "！", "？", ",", ";"].map { Array($0.utf8) }
    /// The last bytes of `stops`: only where one ends is a stop compared.
    static let stopEnds = Bits256(stops.map { Int($0.last!) })
    static let cueBytes: [(words: [[UInt8]], field: String)] = patterns.map { ($0.0.map { Array($0.utf8) }, $0.1) }
    static let excluded: [[UInt8]] = ["投诉", "来信", "咨询"].map { Array($0.utf8) }
    static let reviewCues: [[UInt8]] = ["申请", "收到"].map { Array($0.utf8) }

    /// Finds `N件` in a line, and the clause before it, on bytes.
    static func scan(_ text: TextBytes, line: Int, into stated: inout [StatedNumber]) {
        let b = UnsafeBufferPointer(rebasing: text)
        let (j0, j1, j2) = (jian[0], jian[1], jian[2])
        var i = 0
        while i + 3 <= b.count {
            guard b[i] == j0, b[i + 1] == j1, b[i + 2] == j2 else { i += Bytes.characterLength(b[i]); continue }
            var start = i
            while start > 0, b[start - 1] >= 0x30, b[start - 1] <= 0x39 { start -= 1 }
            defer { i += 3 }
            guard start < i, i - start <= 15, let value = Int64(String(decoding: b[start..<i], as: UTF8.self)) else { continue }
            // The clause: back to the previous stop.
            var clauseStart = start
            search: while clauseStart > 0 {
                if stopEnds.contains(Int(b[clauseStart - 1])) {
                    for stop in stops where clauseStart >= stop.count && b[(clauseStart - stop.count)..<clauseStart].elementsEqual(stop) {
                        break search
                    }
                }
                clauseStart -= 1
            }
            let clause = b[clauseStart..<start]
            if excluded.contains(where: { Bytes.contains(clause, $0) }) { continue }
            for (words, field) in cueBytes where words.allSatisfy({ Bytes.contains(clause, $0) }) {
                if field == "s4.review.total" && !reviewCues.contains(where: { Bytes.contains(clause, $0) }) { break }
                stated.append(StatedNumber(fieldID: field, value: value, line: line))
                break
            }
        }
    }
}

extension String {
    /// Trims spaces, tabs, carriage returns, NBSP and the ideographic space.
    public func trimmingSpaces() -> String {
        var s = self
        return s.withUTF8 { b in
            let kept = String.spacesTrimmed(b[...])
            return kept.count == b.count ? self : String(decoding: UnsafeBufferPointer(rebasing: b[kept]), as: UTF8.self)
        }
    }

    /// What `trimmingSpaces` keeps of UTF-8 bytes, as a range of their indices: a title's
    /// text is trimmed before it is made a string (`Bytes.spaceTrimmed` with this ASCII set).
    static func spacesTrimmed<C: RandomAccessCollection<UInt8>>(_ b: C) -> Range<Int> where C.Index == Int {
        Bytes.spaceTrimmed(b, ascii: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
    }
}
