// Step three of ingestion: a stream of cells → the fields of one table.
//
// One reader for every layout. A text cell is matched against the row and column labels of
// the form (folded, by key words, never by position); value cells that follow a row label
// belong to that row until the next label or a row break. A row with exactly as many values
// as the table has columns is placed in order. A row with more is placed only when exactly
// one reading survives the form's own arithmetic (the 民权 seed's extra cells); a row with
// fewer is left blank, because the columns of its values can no longer be told. Every number
// that is not placed is named in a warning with its line.

/// Collects readings and warnings for one report while its tables are read.
struct ReadingSink {
    var cells = FieldCells(count: Form.standard.fields.count)
    var warnings: [ReadWarning] = []
    /// Version evidence from the tables: which format each section looked like.
    var evidence: (section2: FormVersion?, section3: FormVersion?) = (nil, nil)
    /// The fields' kinds, held here rather than read through the global for every cell; by
    /// pointer (`Keywords.fieldKindTable`), so that a read is not checked against bounds.
    private let kinds = Keywords.shared.fieldKindTable

    mutating func warn(_ code: ReadFinding, _ line: Int?, _ message: String) {
        warnings.append(ReadWarning(code: code.rawValue, line: line, message: message))
    }

    /// Stores one cell's value in the field at `index`, reporting what cannot be stored. The
    /// common case, a plain whole number, is inlined into the readers' loops; the rest is not,
    /// so that those loops do not carry the warnings' code.
    @inline(__always)
    mutating func place(_ index: Int, _ cell: RawCell, _ value: CellValue) {
        if let integer = plainInteger(index, value) {
            cells.setInteger(index, integer, line: cell.line)
            return
        }
        placeOther(index, cell, value)
    }

    /// Stores a row: `values[k]` in the field `fields[k]`. The plain whole numbers go straight
    /// into the slots, with one check for the row that they are not shared; the rest as `place`.
    /// `fields` are a row of `Keywords`' tables: each the index of a field, of which the slots
    /// (made for every field of the form) have one; `Keywords` checks them when it makes them.
    mutating func place<Values: RandomAccessCollection<PendingValue>>(_ fields: UnsafeBufferPointer<Int>, _ values: Values) where Values.Index == Int {
        precondition(fields.count == values.count)
        let (f0, v0) = (fields.startIndex, values.startIndex)
        var allPlain = true
        let kinds = self.kinds
        cells.withSlots { slots in
            for k in 0..<fields.count {
                let (field, v) = (fields[f0 + k], values[v0 + k])
                if let integer = Self.plainInteger(kinds[field], v.value) {
                    slots[field] = FieldCells.Slot(integer: integer, line: v.cell.line)
                } else {
                    allPlain = false
                }
            }
        }
        if allPlain { return }
        for k in 0..<fields.count where plainInteger(fields[f0 + k], values[v0 + k].value) == nil {
            placeOther(fields[f0 + k], values[v0 + k].cell, values[v0 + k].value)
        }
    }

    /// The value of a plain whole number for the field `index`: no unit, no decimals, and not
    /// negative in a count column. Anything else is stored by `placeOther`, with its findings.
    @inline(__always)
    private func plainInteger(_ index: Int, _ value: CellValue) -> Int64? { Self.plainInteger(kinds[index], value) }

    @inline(__always)
    private static func plainInteger(_ kind: ValueKind, _ value: CellValue) -> Int64? {
        if case .number(let n) = value, n.unit == nil, n.decimals == 0, let integer = n.integer, integer >= 0 || kind != .count {
            return integer
        }
        return nil
    }

    @inline(never)
    private mutating func placeOther(_ index: Int, _ cell: RawCell, _ value: CellValue) {
        let kind = kinds[index]
        switch value {
        case .number(let n) where n.unit == nil && n.integer != nil && kind == .amount:
            // A whole amount printed with decimals (795.0000).
            cells[index] = FieldReading(kind: .number, number: n, line: cell.line, printed: nil)
            return
        case .blank, .notApplicable:
            cells[index] = FieldReading(kind: value.kind, number: nil, line: cell.line, printed: nil)
            return
        default:
            break
        }
        let id = Form.standard.fields[index].id
        var reading = FieldReading(kind: value.kind, number: nil, line: cell.line, printed: nil)
        switch value {
        case .number(let n):
            reading.number = n
            if let unit = n.unit {
                reading.printed = cell.text
                warn(.unitInCell, cell.line, "\(id): unit written in the cell '\(cell.text)'; read as \(Self.format(n)) (\(unit.rawValue))")
            }
            if n.integer == nil && kind != .amount {
                warn(.textInCell, cell.line, "\(id): '\(cell.text)' is not a whole number in a count column")
            }
            if let i = n.integer, i < 0, kind == .count {
                warn(.textInCell, cell.line, "\(id): negative count \(i)")
            }
        case .overflow:
            reading.printed = cell.text
            warn(.overflow, cell.line, "\(id): \(cell.text) does not fit in 64 bits and was not stored")
        case .text:
            reading.printed = cell.text
            warn(.textInCell, cell.line, "\(id): text '\(cell.text)' where a number belongs")
        case .blank, .notApplicable:
            break
        }
        cells[index] = reading
    }

    static func format(_ n: NumberValue) -> String {
        if let i = n.integer, n.decimals == 0 { return String(i) }
        return String(n.double)
    }
}

/// A value cell waiting to be placed.
struct PendingValue {
    var cell: RawCell
    var value: CellValue
}

/// The values of the row being read (a table reader's `PendingValue`s, the HTML reader's
/// cells): a buffer its owner frees (`deallocate`), not an array. A row's values are appended
/// a cell at a time and emptied at every row, and an array checks at each append that it is
/// not shared and empties itself through a generic call (together some 9,000 instructions a
/// report); a class would be retained at each use. The values are plain data (no
/// references), so they are never deinitialised. A copy shares the buffer: it stays inside
/// its owner.
struct RowBuffer<Element>: RandomAccessCollection {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var first = 0, last = 0

    init(capacity: Int = 8) {
        assert(_isPOD(Element.self))
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }

    var startIndex: Int { 0 }
    // Wrapping arithmetic: `first` ≤ `last` ≤ `capacity`, and an index is within the row.
    var endIndex: Int { last &- first }
    subscript(i: Int) -> Element {
        precondition(UInt(bitPattern: i) < UInt(bitPattern: last &- first))
        return base[first &+ i]
    }

    /// The values, valid until the row changes.
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base + first, count: last &- first) }

    @inline(__always)
    mutating func append(_ value: Element) {
        if last == capacity { grow() }
        (base + last).initialize(to: value)
        last &+= 1
    }

    mutating func removeAll() { first = 0; last = 0 }

    @inline(never)
    private mutating func grow() {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        grown.moveInitialize(from: base + first, count: last - first)
        base.deallocate()
        base = grown
        capacity *= 2
        last -= first
        first = 0
    }
}

typealias PendingRow = RowBuffer<PendingValue>

extension UnsafeBufferPointer {
    /// A copy of `values` that is never freed: a table made once from the form and read for
    /// every report (`Keywords`, the derived sums, the page reader's common tags), whose reads
    /// through a pointer are not each checked against an array's bounds.
    static func permanent(_ values: [Element]) -> UnsafeBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(values.count, 1))
        _ = buffer.initialize(from: values)
        return UnsafeBufferPointer(rebasing: buffer[..<values.count])
    }
}

extension UnsafePointer {
    /// `UnsafeBufferPointer.permanent(values)`'s first element (`values` is not empty).
    static func permanent(_ values: [Pointee]) -> UnsafePointer<Pointee> {
        precondition(!values.isEmpty)
        return UnsafeBufferPointer.permanent(values).baseAddress!
    }
}

extension RowBuffer where Element == PendingValue {
    /// Drops blank cells from the ends while there are more than `count`
    /// (`TableText.spacersTrimmed`).
    mutating func trimSpacers(to count: Int) {
        let kept = TableText.spacersTrimmed(buffer, to: count)
        (first, last) = (first &+ kept.lowerBound, first &+ kept.upperBound)
    }
}

/// What the readers look up per cell, computed once from the form: key-word ids of rows and
/// columns, and field indexes by row and column, so that reading a row compares integers
/// rather than ids or labels.
///
/// One shared instance that each reader holds (`Keywords.shared`), not static properties: a
/// lazily made global is checked for initialisation (a call to swift_once) at every use, and
/// the readers used them some 350 times a report. Sendable unchecked: its tables include
/// buffers (see `s3Fields`), written once in `init` and only read after.
final class Keywords: @unchecked Sendable {
    static let shared = Keywords()

    let index: KeywordIndex
    /// Section-3 rows but 总计, whose key word also occurs in the header (a total is a row only
    /// inside the body).
    let s3Rows: KeywordTable, s3Groups: KeywordTable
    let s2Rows: KeywordTable, s2Columns: KeywordTable
    let s4Groups: KeywordTable, s4Labels: KeywordHits
    let total: Int, other: Int, article20: Int, contents: Int

    /// The fields' kinds by field index, made once and never freed: the readers look a kind
    /// up for every value they place, and an array's read is checked against its bounds.
    let fieldKindTable: UnsafePointer<ValueKind>
    /// The one version a field belongs to, or nil when it is in both.
    let fieldOnlyVersion: [FormVersion?]

    /// The tables' sizes, known here so that the readers hold no copy of the form: a copy
    /// retains each of its arrays, and those counts are shared by the threads that read.
    let s3Width: Int, s3RowCount: Int, s4Width: Int, s4GroupCount: Int, s2Width: Int

    /// Field indexes of section 3 by row slot and column, `s3Width` to a slot: a slot is a row's
    /// index in the form, and the slot after the last row is the printed （六）其他处理 row of
    /// the 2019 format. A buffer made once and never freed, like `s4Fields`: a row's fields
    /// are handed to `ReadingSink.place`, which reads them without a check of each index.
    private let s3Fields: UnsafeBufferPointer<Int>
    /// `s3Fields`' first field, unwrapped once.
    private let s3FieldBase: UnsafePointer<Int>
    let s3Total: Int, s3OtherMisc: Int, s3OtherGroup: Int
    let s3OtherSubRow: [Bool]
    /// Each row's label folded, for a label that text wraps over two lines
    /// (`Section3Reader.completes`).
    let s3FoldedLabels: [String]
    /// The rows of each group, by group index.
    let s3GroupRows: [[Int]]
    private let s3RowsInBoth: [Int], s3RowsIn2019: [Int], s3RowsIn2021: [Int]

    /// Field index of section 2 by row and column, `s2Width` to a row, or nil where the row has
    /// no such column.
    private let s2Fields: [Int?]
    /// Field indexes of section 4 by group and column, `s4Width` to a group (a buffer, as
    /// `s3Fields`).
    private let s4Fields: UnsafeBufferPointer<Int>

    private init() {
        let form = Form.standard
        let index = KeywordIndex.shared
        self.index = index
        s3Rows = KeywordTable(form.s3Rows.map { $0.id == "total" ? [] : index.ids($0.keywords) })
        s3Groups = KeywordTable(form.s3Groups.map { index.ids($0.keywords) })
        s2Rows = KeywordTable(form.s2Rows.map { index.ids($0.keywords) })
        s2Columns = KeywordTable(form.s2Columns.map { index.ids($0.keywords) })
        s4Groups = KeywordTable(form.s4Groups.map { index.ids($0.keywords) })
        s4Labels = KeywordHits((form.s4Columns.flatMap(\.keywords) + form.s4Groups.flatMap(\.keywords)).map { index.id($0) }
            + [index.id("行政诉讼")])
        total = index.id("总计")
        other = index.id("其他")
        article20 = index.id("第二十条")
        contents = index.id("信息内容")
        fieldKindTable = .permanent(form.fields.map(\.kind))
        fieldOnlyVersion = form.fields.map { $0.versions.count == 1 ? $0.versions.first : nil }
        s3Width = form.s3Columns.count
        s3RowCount = form.s3Rows.count
        s4Width = form.s4Columns.count
        s4GroupCount = form.s4Groups.count
        s2Width = form.s2Columns.count
        precondition(s3RowCount + 1 <= 64 && form.s2Rows.count <= 64, "a RowSet holds the rows of a table")
        s3Fields = .permanent(form.s3Rows.flatMap { r in
            form.s3Columns.map { form.field(section: 3, row: r.id, column: $0.id)!.index }
        } + form.s3Columns.map { form.field(section: 3, row: "other", column: $0.id)!.index })
        s3FieldBase = s3Fields.baseAddress!
        s3Total = form.s3Rows.firstIndex { $0.id == "total" }!
        s3OtherMisc = form.s3Rows.firstIndex { $0.id == "other_misc" }!
        let otherGroup = form.s3Groups.firstIndex { $0.id == "other" }!
        s3OtherGroup = otherGroup
        s3OtherSubRow = form.s3Rows.map { $0.group == form.s3Groups[otherGroup].label }
        s3FoldedLabels = form.s3Rows.map { LabelFolding.fold($0.label) }
        s3GroupRows = form.s3Groups.map { g in form.s3Rows.indices.filter { form.s3Rows[$0].group == g.label } }
        s3RowsInBoth = form.s3Rows.indices.filter { form.s3Rows[$0].versions.count == 2 }
        s3RowsIn2019 = form.s3Rows.indices.filter { form.s3Rows[$0].versions.contains(.v2019) }
        s3RowsIn2021 = form.s3Rows.indices.filter { form.s3Rows[$0].versions.contains(.v2021) }
        s2Fields = form.s2Rows.flatMap { r in
            form.s2Columns.map { form.field(section: 2, row: r.id, column: $0.id)?.index }
        }
        s4Fields = .permanent(form.s4Groups.flatMap { g in
            form.s4Columns.map { form.field(section: 4, row: g.id, column: $0.id)!.index }
        })
        precondition((Array(s3Fields) + Array(s4Fields)).allSatisfy { $0 >= 0 && $0 < form.fields.count })
    }

    // The tables are read through pointers, unchecked: each look-up checks its row (and
    // column) here, a negative one too (one unsigned comparison), as an array's read did.
    func s3Field(slot: Int, column: Int) -> Int {
        precondition(UInt(bitPattern: slot) <= UInt(s3RowCount) && UInt(bitPattern: column) < UInt(s3Width))
        return s3Fields[slot * s3Width + column]
    }
    /// The fields of a row slot, by column.
    func s3Fields(slot: Int) -> UnsafeBufferPointer<Int> {
        precondition(UInt(bitPattern: slot) <= UInt(s3RowCount))
        return UnsafeBufferPointer(start: s3FieldBase + slot &* s3Width, count: s3Width)
    }
    /// The fields of section 4's group `group`, by column; all its groups' with nil.
    func s4Fields(group: Int?) -> UnsafeBufferPointer<Int> {
        guard let group else { return s4Fields }
        precondition(UInt(bitPattern: group) < UInt(s4GroupCount))
        return UnsafeBufferPointer(rebasing: s4Fields[(group * s4Width)..<((group + 1) * s4Width)])
    }
    /// The rows a table of each version has (nil: rows of both).
    func s3Expected(_ version: FormVersion?) -> [Int] {
        switch version {
        case nil: return s3RowsInBoth
        case .v2019: return s3RowsIn2019
        case .v2021: return s3RowsIn2021
        }
    }
    func s2Field(row: Int, column: Int) -> Int? { s2Fields[row * s2Width + column] }
}

enum TableText {
    /// Drops a leading enumerator (`3.`, `（六）`, `四、`) from a folded label, and the
    /// punctuation that ends a label (`：` `。` `、`).
    static func stripEnumerator(_ folded: String) -> String {
        var folded = folded
        return folded.withUTF8 { String(decoding: $0[stripEnumerator($0)], as: UTF8.self) }
    }

    /// Where a folded label's bytes are left once `stripEnumerator` has dropped its enumerator
    /// and ending: the bytes are read as they are, since the reader asks this of labels it
    /// holds as bytes (a string of them cost thousands of instructions a row).
    static func stripEnumerator(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lo = 0, hi = b.count
        while lo < hi {
            if b[lo] < 0x80, enumeratorASCII.contains(Int(b[lo])) { lo += 1; continue }
            guard lo + 3 <= hi, let c = Bytes.threeByteScalar(b, at: lo), enumeratorCharacters.contains(c) else { break }
            lo += 3
        }
        while hi > lo {
            if b[hi - 1] == 0x3A { hi -= 1; continue }        // :
            guard hi - 3 >= lo, let c = Bytes.threeByteScalar(b, at: hi - 3), c == 0x3002 || c == 0x3001 else { break }
            hi -= 3                                            // 。 、
        }
        return lo..<hi
    }

    /// What an enumerator (`(一)`, `1.`, `十、`) is made of: ASCII digits and marks, and
    /// numerals and punctuation of three bytes each.
    private static let enumeratorASCII = Bits256(Array("0123456789().:".utf8).map(Int.init))
    private static let enumeratorCharacters: [UInt32] = "一二三四五六七八九十、．。".unicodeScalars.map(\.value)

    /// Whether a folded label is `其他` once its enumerator and ending are dropped.
    static func isOther(_ folded: UnsafeBufferPointer<UInt8>) -> Bool {
        let r = stripEnumerator(folded)
        return folded[r].elementsEqual(qita)
    }
    private static let qita = Array("其他".utf8)

    static func describe(_ values: some Collection<PendingValue>) -> String {
        values.map { $0.cell.text.isEmpty ? "(blank)" : $0.cell.text }.joined(separator: " ")
    }

    static func numbers(_ values: some Collection<PendingValue>) -> [PendingValue] {
        values.filter(isNumber)
    }

    static func hasNumber(_ values: some Collection<PendingValue>) -> Bool { values.contains(where: isNumber) }

    static func isNumber(_ v: PendingValue) -> Bool {
        switch v.value {
        case .number, .overflow: return true
        default: return false
        }
    }

    /// Removes blank cells from the ends of `values` while there are more than `count`:
    /// leading and trailing empties of a tab row are merged-cell spacers, not data.
    static func trimSpacers(_ values: inout [PendingValue], to count: Int) {
        // The ends are found first and cut once each: removing one value at a time from the
        // front moves all the others every time.
        let kept = spacersTrimmed(values, to: count)
        if kept.upperBound < values.endIndex { values.removeSubrange(kept.upperBound...) }
        if kept.lowerBound > values.startIndex { values.removeSubrange(..<kept.lowerBound) }
    }

    /// The values `trimSpacers` keeps, as a range of `values`' indices.
    static func spacersTrimmed<Values: RandomAccessCollection<PendingValue>>(_ values: Values, to count: Int) -> Range<Int>
    where Values.Index == Int {
        // Wrapping steps: `lo` ≤ `hi`, both within the values.
        var lo = values.startIndex, hi = values.endIndex
        while hi &- lo > count, values[lo].value == .blank { lo &+= 1 }
        while hi &- lo > count, values[hi &- 1].value == .blank { hi &-= 1 }
        return Range(uncheckedBounds: (lo, hi))
    }
}

// MARK: - Tables from cells

/// The reader of one section's table: it takes the cells as the splitter finds them, and
/// finishes the table after the last.
protocol TableSectionReader: CellConsumer {
    var sink: ReadingSink { get set }
    init(sink: ReadingSink)
    /// The table is over: place what is pending, report what is missing.
    mutating func finish()
    /// Frees what the reader allocated; called once, after the last cell (and `finish`).
    mutating func close()
}

extension TableSectionReader {
    /// Reads the table in the lines of a section into `sink` (`separators`: those of the
    /// lines' text, `SplitText`); returns the layout it was found in, and whether it had any
    /// cell with text. A table without one is not read: its cells were all empty, and a
    /// reader given only empty cells has placed nothing.
    static func read(_ lines: ArraySlice<SourceLine>, separators: UnsafeBufferPointer<Int>, into sink: inout ReadingSink) -> (layout: TableLayout, hasCells: Bool) {
        // The sink moves into the reader and back: a copy would share its arrays, and the
        // reader's first write would then copy them whole.
        var reader = Self(sink: consume sink)
        let table = CellSplitter.split(lines, separators: separators, into: &reader)
        if table.hasCells { reader.finish() }
        reader.close()
        sink = reader.sink
        return table
    }
}

// MARK: - Rows from cells

/// What the section-2 and section-3 readers share: value cells belong to the open row, a
/// text cell is the reader's to interpret, and row breaks end a row by the same rules.
protocol RowReader: TableSectionReader {
    /// Whether a row (known or not) is collecting values.
    var rowIsOpen: Bool { get }
    /// How many cells a complete row has, or nil when not yet known.
    var rowWidth: Int? { get }
    var values: PendingRow { get set }
    var sectionNumeral: String { get }
    /// What cells are classified by (held, not looked up: see `CellClassifier.Marks`).
    var marks: CellClassifier.Marks { get }
    mutating func text(_ cell: RawCell)
    mutating func flush()
}

extension RowReader {
    /// Inlined into the splitter's loop: a call for each cell cost some 25 instructions of
    /// entry and exit (0.7% of a load's).
    @inline(__always)
    mutating func cell(_ cell: RawCell) {
        let value = CellClassifier.classify(cell.bytes, marks)
        guard value.isValue else { text(cell); return }
        if rowIsOpen {
            values.append(PendingValue(cell: cell, value: value))
        } else if case .number = value {
            sink.warn(.strayNumber, cell.line, "section \(sectionNumeral): number \(cell.text) outside any row")
        }
    }

    mutating func softBreak(line: Int) {
        // A printed row ended; it goes on only if it is still short of cells.
        if rowIsOpen, let width = rowWidth, values.count >= width { flush() }
    }

    mutating func hardBreak(line: Int) {
        if rowIsOpen, !values.isEmpty { flush() }
    }

    /// Empties the row's values, keeping their room.
    mutating func clearValues() { values.removeAll() }

    /// Frees the row's buffer: the table is read.
    mutating func close() { values.deallocate() }
}

/// Which rows of a table have been read, by index (under 64): bits of a word, not an array
/// made for every table of every report.
struct RowSet {
    private var bits: UInt64 = 0

    subscript(row: Int) -> Bool {
        // A masking shift: rows are under 64 (`Keywords` checks the tables' sizes), and the
        // smart shift's test of a larger count was most of a look-up's instructions.
        get { bits & (1 &<< UInt64(truncatingIfNeeded: row)) != 0 }
        set {
            let bit: UInt64 = 1 &<< UInt64(truncatingIfNeeded: row)
            if newValue { bits |= bit } else { bits &= ~bit }
        }
    }
}

// MARK: - Section 3

/// Reads 收到和处理政府信息公开申请情况: 26 rows × 7 applicant columns.
struct Section3Reader: RowReader {
    /// The row that values go to: rows and groups by their index in the form.
    private enum Target {
        case row(Int)
        case group(Int)
        case unknown(RawCell)
    }

    var sink: ReadingSink
    private var target: Target?
    private var targetLine = 0
    /// The label cell that named `target`.
    private var targetLabel: RawCell?
    var values = PendingRow()
    private var inBody = false
    private var currentGroup: Int?
    /// Rows seen, by index; one past the last row is the printed （六）其他处理 row.
    private var seen = RowSet()
    private var sawOtherSubRows = false
    private var sawOtherPrinted = false
    /// Subtotal rows printed, with their group (the last printed for a group), checked against
    /// the group's rows at the end; most tables print none.
    private var printedSubtotals: [(group: Int, values: [PendingValue])] = []
    private let labels = LabelMatcher.current
    private let keywords = Keywords.shared
    let marks = CellClassifier.Marks.shared

    init(sink: ReadingSink) {
        self.sink = sink
    }

    var rowIsOpen: Bool { target != nil }
    var rowWidth: Int? { keywords.s3Width }
    var sectionNumeral: String { "三" }

    mutating func finish() {
        flush()
        let version: FormVersion? = sawOtherSubRows ? .v2021 : (sawOtherPrinted ? .v2019 : nil)
        if let version { sink.evidence.section3 = version }
        reportMissingRows(version: version)
    }

    mutating func text(_ cell: RawCell) {
        let hits = labels.match(cell.bytes)
        if let t = Self.match(labels.folded, hits, keywords, inBody: inBody, currentGroup: currentGroup) {
            flush()
            target = t
            targetLine = cell.line
            targetLabel = cell
            inBody = true
            if case .group(let g) = t { currentGroup = g }
        } else if inBody {
            if case .row(let row)? = target, values.isEmpty, let label = targetLabel,
               Self.completes(label, cell, row: row, keywords) { return }
            flush()
            target = .unknown(cell)
            targetLine = cell.line
        }
    }

    /// Whether `rest` is the end of the row label `label` began, cut over two lines (text
    /// copied out of a PDF wraps long labels: `（二）部分公开（区分处理的，只` and
    /// `计这一情形，不计其他情形） 0 3 3 1 0 0 7`): the two together are the form's label of
    /// `row`, folded. Then the values after it are that row's.
    private static func completes(_ label: RawCell, _ rest: RawCell, row: Int, _ keywords: Keywords) -> Bool {
        guard row < keywords.s3FoldedLabels.count else { return false }
        return LabelFolding.fold(label.text + rest.text) == keywords.s3FoldedLabels[row]
    }

    /// What a label names. Static, given the two things of the reader it needs: a method
    /// of the reader was handed a copy of the whole reader (a memcpy for every label).
    private static func match(_ folded: UnsafeBufferPointer<UInt8>, _ hits: KeywordHits, _ keywords: Keywords,
                              inBody: Bool, currentGroup: Int?) -> Target? {
        if hits.isEmpty { return nil }
        if let i = keywords.s3Rows.first(hits) { return .row(i) }
        if inBody, hits.contains(keywords.total) { return .row(keywords.s3Total) }
        if hits.contains(keywords.other), currentGroup == keywords.s3OtherGroup,
           TableText.isOther(folded) {
            return .row(keywords.s3OtherMisc)
        }
        return keywords.s3Groups.first(hits).map { .group($0) }
    }

    mutating func flush() {
        defer { target = nil; clearValues() }
        guard let target else { return }
        switch target {
        case .unknown(let label):
            let numbers = TableText.numbers(values)
            if !numbers.isEmpty {
                sink.warn(.unknownLabel, targetLine,
                          "section 三: row '\(label.text)' is not in the standard form; not read: \(TableText.describe(numbers))")
            }
        case .group(let g):
            guard !values.isEmpty else { return }
            if g == keywords.s3OtherGroup {
                sawOtherPrinted = true
                placeRow(slot: keywords.s3RowCount)
            } else if TableText.hasNumber(values) {
                printedSubtotals.removeAll { $0.group == g }
                printedSubtotals.append((g, Array(values)))
            }
        case .row(let i):
            if keywords.s3OtherSubRow[i] { sawOtherSubRows = true }
            placeRow(slot: i)
        }
    }

    /// The label of a row slot, for findings.
    private func label(_ slot: Int) -> String {
        let form = Form.standard
        return slot < form.s3Rows.count ? form.s3Rows[slot].label : form.s3Groups[keywords.s3OtherGroup].label
    }

    /// `slot`: the row's index in the form (one past the end for the printed 其他处理 row).
    private mutating func placeRow(slot: Int) {
        if seen[slot] {
            sink.warn(.duplicateRow, targetLine, "section 三: row '\(label(slot))' printed again; kept the first, not read: \(TableText.describe(values))")
            return
        }
        seen[slot] = true
        let columns = keywords.s3Width
        values.trimSpacers(to: columns)
        let vals = values.buffer

        if vals.isEmpty {
            sink.warn(.unplaced, targetLine, "section 三: row '\(label(slot))' has no values")
            return
        }
        if vals.count == columns {
            sink.place(keywords.s3Fields(slot: slot), vals)
            return
        }
        if vals.count > columns {
            if let reading = RowAlignment.uniqueReading(of: Array(vals), columns: columns) {
                for k in 0..<reading.kept.count {
                    sink.place(keywords.s3Field(slot: slot, column: k), reading.kept[k].cell, reading.kept[k].value)
                }
                let dropped = reading.dropped.map { "\($0.cell.text.isEmpty ? "(blank)" : $0.cell.text)" }.joined(separator: " ")
                sink.warn(.extraCells, targetLine,
                          "section 三: row '\(label(slot))' has \(vals.count) cells for \(columns) columns; " +
                          "extra cell(s) \(dropped) dropped: the only reading where 总计 equals the sum of the applicant columns")
            } else {
                sink.warn(.extraCells, targetLine,
                          "section 三: row '\(label(slot))' has \(vals.count) cells for \(columns) columns and no single reading balances; " +
                          "left blank, not read: \(TableText.describe(vals))")
                RowAlignment.reportSplitNumber(Array(vals), columns: columns, row: label(slot), line: targetLine, into: &sink)
            }
            return
        }
        sink.warn(.unplaced, targetLine,
                  "section 三: row '\(label(slot))' has \(vals.count) of \(columns) cells; their columns cannot be told, left blank" +
                  (TableText.hasNumber(vals) ? "; not read: \(TableText.describe(vals))" : ""))
    }

    private mutating func reportMissingRows(version: FormVersion?) {
        let expected = keywords.s3Expected(version)
        let missing = expected.filter { !seen[$0] }
        if version == .v2019, !seen[keywords.s3RowCount] {
            sink.warn(.missingRows, nil, "section 三: row '（六）其他处理' not found")
        }
        if !missing.isEmpty && missing.count < expected.count {
            sink.warn(.missingRows, nil, "section 三: \(missing.count) row(s) not found: " +
                      missing.map { let l = Form.standard.s3Rows[$0].label; return l.count > 16 ? String(l.prefix(14)) + "…" : l }
                             .joined(separator: ", "))
        }
        // A subtotal printed for a group must equal its sub-rows.
        for (group, printed) in printedSubtotals.sorted(by: { $0.group < $1.group }) {
            var vals = printed
            TableText.trimSpacers(&vals, to: keywords.s3Width)
            guard vals.count == keywords.s3Width else { continue }
            for ci in 0..<keywords.s3Width {
                guard case .number(let p) = vals[ci].value, let pi = p.integer else { continue }
                var sum = WideSum()
                var any = false
                for r in keywords.s3GroupRows[group] {
                    let n = sink.cells.integer(keywords.s3Field(slot: r, column: ci))
                    if n != Corpus.nullInt { sum.add(n); any = true }
                }
                if any && !sum.equals(pi) {
                    sink.warn(.textInCell, vals[ci].cell.line,
                              "section 三: printed subtotal s3.\(Form.standard.s3Groups[group].id).\(Form.standard.s3Columns[ci].id) = \(pi) but its rows sum to \(sum)")
                }
            }
        }
    }
}

// MARK: - Alignment of over-long rows

enum RowAlignment {
    struct Reading { var kept: [PendingValue]; var dropped: [PendingValue] }

    /// For a row with more cells than columns, the one way of dropping the extra cells after
    /// which the last column (总计) equals the sum of the others — or, when several ways work,
    /// their common result if they all give the same values. Nil when none or they disagree.
    /// Readings that drop only spacer-like cells (blank, "/" or 0) are tried first: a spacer
    /// prints as nothing or as 0, never as a count.
    static func uniqueReading(of values: [PendingValue], columns: Int) -> Reading? {
        if let r = uniqueReading(of: values, columns: columns, droppable: isSpacerLike) { return r }
        return uniqueReading(of: values, columns: columns, droppable: { _ in true })
    }

    static func isSpacerLike(_ v: PendingValue) -> Bool {
        switch v.value {
        case .blank, .notApplicable: return true
        case .number(let n): return n.integer == 0
        default: return false
        }
    }

    private static func uniqueReading(of values: [PendingValue], columns: Int,
                                      droppable: (PendingValue) -> Bool) -> Reading? {
        let extra = values.count - columns
        guard extra > 0, extra <= 3, values.count <= 12 else { return nil }
        var result: Reading?
        var resultValues: [CellValue]?
        var found = false
        forEachCombination(n: values.count, k: extra) { drop in
            guard drop.allSatisfy({ droppable(values[$0]) }) else { return true }
            let dropSet = Set(drop)
            let kept = values.indices.filter { !dropSet.contains($0) }.map { values[$0] }
            guard balances(kept) else { return true }
            let v = kept.map(\.value)
            if let rv = resultValues {
                if rv != v { found = false; resultValues = nil; result = nil; return false }
            } else {
                resultValues = v
                result = Reading(kept: kept, dropped: drop.map { values[$0] })
                found = true
            }
            return true
        }
        return found ? result : nil
    }

    /// Whether the row's last cell equals the sum of the others (all must be whole numbers).
    static func balances(_ kept: [PendingValue]) -> Bool {
        var ints: [Int64] = []
        for v in kept {
            guard case .number(let n) = v.value, let i = n.integer else { return false }
            ints.append(i)
        }
        guard let total = ints.last else { return false }
        var sum = WideSum()
        for i in ints.dropLast() { sum.add(i) }
        return sum.equals(total)
    }

    /// Calls `body` with each k-subset of 0..<n, in order, until it returns false.
    static func forEachCombination(n: Int, k: Int, _ body: ([Int]) -> Bool) {
        var idx = Array(0..<k)
        while true {
            if !body(idx) { return }
            var i = k - 1
            while i >= 0 && idx[i] == n - k + i { i -= 1 }
            if i < 0 { return }
            idx[i] += 1
            for j in (i + 1)..<k { idx[j] = idx[j - 1] + 1 }
        }
    }

    /// One number split over two cells (`1` `3` where `13` balances the row): reported as a
    /// repaired reading, never applied.
    static func reportSplitNumber(_ values: [PendingValue], columns: Int, row: String, line: Int, into sink: inout ReadingSink) {
        guard values.count == columns + 1 else { return }
        for i in 0..<(values.count - 1) {
            guard case .number(let a) = values[i].value, case .number(let b) = values[i + 1].value,
                  let ai = a.integer, let bi = b.integer, ai >= 0, bi >= 0,
                  let joined = Int64(values[i].cell.text + values[i + 1].cell.text) else { continue }
            var merged = values
            merged[i].value = .number(NumberValue(integer: joined, double: Double(joined), decimals: 0, unit: nil))
            merged.remove(at: i + 1)
            if balances(merged) {
                sink.warn(.splitNumber, values[i].cell.line,
                          "section 三: row '\(row)': cells \(ai) and \(bi) may be one number \(joined) (then the row balances); not applied")
                return
            }
        }
    }
}

// MARK: - Section 2

/// Reads 主动公开政府信息情况: sub-tables of Article 20 items, each with its own header.
struct Section2Reader: RowReader {
    var sink: ReadingSink
    /// The current sub-table's columns, by index in the form.
    private var columns: [Int] = []
    private var headerOpen = false
    private var pendingHeader: [UInt8] = []
    private var row: Int?
    private var unknownRow: RawCell?
    private var rowLine = 0
    var values = PendingRow()
    private var seen = RowSet()
    /// Columns that belong to only one version, counted per version (2019, 2021).
    private var votes2019 = 0, votes2021 = 0
    private let labels = LabelMatcher.current
    private let keywords = Keywords.shared
    let marks = CellClassifier.Marks.shared

    init(sink: ReadingSink) {
        self.sink = sink
        columns.reserveCapacity(8)
    }

    var rowIsOpen: Bool { row != nil || unknownRow != nil }
    var rowWidth: Int? { columns.isEmpty ? nil : columns.count }
    var sectionNumeral: String { "二" }

    mutating func text(_ cell: RawCell) {
        let hits = labels.match(cell.bytes)
        if Self.isHeaderWord(hits, keywords) && Bytes.contains(cell.bytes, 0x20) && headerWords(cell) { return }
        handleText(cell, hits)
    }

    /// A header printed one space apart (text copied out of a PDF: `信息内容 本年制发件数
    /// 本年废止件数 现行有效件数`) is one cell to the splitter, for which a single space as
    /// often joins the words of one label. A cell that starts a header (its words hold
    /// 信息内容 or 第二十条) and whose words name two or more header cells is those cells:
    /// they are read, and true returned. Otherwise the cell is left as it is
    /// (and `labels` holds its folding again). Out of line: it is rare, and its loops would
    /// weigh on the common path.
    @inline(never)
    private mutating func headerWords(_ cell: RawCell) -> Bool {
        let words = cell.bytes.split(separator: 0x20)
        var named = 0
        for word in words {
            let hits = labels.match(word)
            if Self.isHeaderWord(hits, keywords) || matchColumn(hits) != nil { named += 1 }
        }
        guard named >= 2 else {
            _ = labels.match(cell.bytes)
            return false
        }
        for word in words { handleText(RawCell(bytes: word, line: cell.line), labels.match(word)) }
        return true
    }

    /// Whether key words `hits` start a sub-table's header (第二十条, 信息内容). Static, as
    /// `Section3Reader.match` is: a method would be handed a copy of the reader.
    @inline(__always)
    private static func isHeaderWord(_ hits: KeywordHits, _ keywords: Keywords) -> Bool {
        hits.contains(keywords.article20) || hits.contains(keywords.contents)
    }

    mutating func finish() {
        flush()
        if votes2019 + votes2021 > 0 { sink.evidence.section2 = votes2019 > votes2021 ? .v2019 : .v2021 }
        if votes2019 > 0 && votes2021 > 0 {
            sink.warn(.mixedFormat, nil, "section 二: columns of both the 2019 and the 2021 format")
        }
    }

    /// A text cell with key words `hits` (folded: `labels.folded`): a sub-table's start, a
    /// column header, a row label, or a label the form does not have.
    private mutating func handleText(_ cell: RawCell, _ hits: KeywordHits) {
        if Self.isHeaderWord(hits, keywords) {
            flush()
            row = nil; unknownRow = nil
            columns.clearKeepingCapacity()
            headerOpen = true
            pendingHeader.clearKeepingCapacity()
            return
        }
        let joined = pendingHeader.isEmpty ? nil : matchColumn(keywords.index.scan(pendingHeader + labels.folded))
        if let c = joined ?? matchColumn(hits) {
            if row != nil || unknownRow != nil {
                flush()
                row = nil; unknownRow = nil
                columns.clearKeepingCapacity()
            }
            if !headerOpen { columns.clearKeepingCapacity(); headerOpen = true }
            columns.append(c)
            pendingHeader.clearKeepingCapacity()
            return
        }
        if let i = keywords.s2Rows.first(hits) {
            flush()
            headerOpen = false
            pendingHeader.clearKeepingCapacity()
            row = i
            rowLine = cell.line
            return
        }
        if headerOpen && row == nil {
            // A header cell cut over two cells (`本年新` + `制作数量`).
            pendingHeader = Array(labels.folded)
            return
        }
        flush()
        unknownRow = cell
        rowLine = cell.line
    }

    /// The column a header names. Most specific first: 收费金额 before 采购总金额 before
    /// 总金额 (the schema's order).
    private func matchColumn(_ hits: KeywordHits) -> Int? {
        if hits.isEmpty { return nil }
        return keywords.s2Columns.first(hits)
    }

    mutating func flush() {
        defer { clearValues(); row = nil; unknownRow = nil }
        if let label = unknownRow {
            if TableText.hasNumber(values) {
                sink.warn(.unknownLabel, rowLine, "section 二: row '\(label.text)' is not in the standard form; not read: \(TableText.describe(TableText.numbers(values)))")
            }
            return
        }
        guard let row else { return }
        // The label only for findings: taking it retains a string every reading thread shares.
        var rowLabel: String { Form.standard.s2Rows[row].label }
        if seen[row] {
            sink.warn(.duplicateRow, rowLine, "section 二: row '\(rowLabel)' printed again; kept the first" +
                      (TableText.hasNumber(values) ? ", not read: \(TableText.describe(TableText.numbers(values)))" : ""))
            return
        }
        seen[row] = true
        guard !columns.isEmpty else {
            if TableText.hasNumber(values) {
                sink.warn(.unplaced, rowLine, "section 二: row '\(rowLabel)' has no column header; not read: \(TableText.describe(TableText.numbers(values)))")
            }
            return
        }
        values.trimSpacers(to: columns.count)
        // Same column id, different label (two kinds of amount): the field is this row's.
        for c in columns {
            if let f = keywords.s2Field(row: row, column: c) {
                switch keywords.fieldOnlyVersion[f] {
                case .v2019?: votes2019 += 1
                case .v2021?: votes2021 += 1
                case nil: break
                }
            } else {
                sink.warn(.unexpectedColumn, rowLine, "section 二: row '\(rowLabel)' has no column '\(Form.standard.s2Columns[c].label)' in either format")
            }
        }
        if values.count == columns.count {
            for (c, v) in zip(columns, values) {
                if let f = keywords.s2Field(row: row, column: c) { sink.place(f, v.cell, v.value) }
                else if case .number = v.value {
                    sink.warn(.unexpectedColumn, v.cell.line, "section 二: value \(v.cell.text) in an unexpected column not read")
                }
            }
            return
        }
        if values.isEmpty {
            sink.warn(.unplaced, rowLine, "section 二: row '\(rowLabel)' has no values")
            return
        }
        let code: ReadFinding = values.count > columns.count ? .extraCells : .unplaced
        sink.warn(code, rowLine, "section 二: row '\(rowLabel)' has \(values.count) cells for \(columns.count) column(s); left blank, not read: \(TableText.describe(values))")
    }
}

// MARK: - Section 4

/// Reads 政府信息公开行政复议、行政诉讼情况: 15 numbers under a two-level header.
/// Reads 政府信息公开行政复议、行政诉讼情况: normally one row of 15 numbers under a two-level
/// header; some reports print three rows instead, one per group (行政复议, 未经复议直接起诉,
/// 复议后起诉), each with its five results.
struct Section4Reader: TableSectionReader {
    /// A text cell and the values after it: `values[start..<end]` of the table's values (`end`
    /// is set by `finish`), and the group the cell names (if any). The values are one array for
    /// the whole table, so that a header of twenty cells does not grow twenty arrays.
    struct Segment { var group: Int?; var line: Int; var start: Int; var end: Int }

    var sink: ReadingSink
    private var all: [PendingValue] = []
    private var segments = [Segment(group: nil, line: 0, start: 0, end: 0)]
    private let labels = LabelMatcher.current
    private let keywords = Keywords.shared
    let marks = CellClassifier.Marks.shared
    private var sawHeader = false
    private var lastLabelLine = 0

    init(sink: ReadingSink) {
        self.sink = sink
        all.reserveCapacity(32)
        segments.reserveCapacity(24)
    }

    mutating func cell(_ cell: RawCell) {
        let value = CellClassifier.classify(cell.bytes, marks)
        if value.isValue {
            // The segment's end is set once, in `finish`: a value's only write is its own.
            all.append(PendingValue(cell: cell, value: value))
            return
        }
        let hits = labels.match(cell.bytes)
        if hits.intersects(keywords.s4Labels) { sawHeader = true; lastLabelLine = cell.line }
        // The last group named wins: 行政诉讼 · 未经复议直接起诉 is suit_direct.
        let group = keywords.s4Groups.last(hits)
        segments.append(Segment(group: group, line: cell.line, start: all.count, end: all.count))
    }

    /// The table's rows are told by their labels, not by where lines break.
    mutating func softBreak(line: Int) {}
    mutating func hardBreak(line: Int) {}
    mutating func close() {}

    mutating func finish() {
        // Each segment ends where the next begins, the last where the values do.
        for k in segments.indices { segments[k].end = k + 1 < segments.count ? segments[k + 1].start : all.count }
        let (all, segments) = (self.all, self.segments)
        func values(_ segment: Segment) -> ArraySlice<PendingValue> { all[segment.start..<segment.end] }
        let width = keywords.s4Width
        let expected = keywords.s4GroupCount * width

        // Three labelled rows of five: place each by its label.
        // (A header's group cell followed by empty spacer cells is not a row: it needs a number.)
        // Rows are ranges of `all`, not arrays copied out of it.
        var labelled: [(group: Int, values: Range<Int>)] = []
        for segment in segments {
            guard let group = segment.group, segment.end > segment.start else { continue }
            let row = TableText.spacersTrimmed(values(segment), to: width)
            if row.count == width && TableText.hasNumber(all[row]) { labelled.append((group, row)) }
        }
        if !labelled.isEmpty && segments.last.map({ $0.end - $0.start < expected }) == true {
            var placed = RowSet()       // by group
            for row in labelled where !placed[row.group] {
                placed[row.group] = true
                sink.place(keywords.s4Fields(group: row.group), all[row.values])
            }
            for segment in segments where !(segment.group.map { placed[$0] } ?? false) && TableText.hasNumber(values(segment)) {
                sink.warn(.unplaced, segment.line, "section 四: values not placed: \(TableText.describe(values(segment)))")
            }
            return
        }

        // One row of fifteen after the header; numbers before the last header cell were in it.
        let last = values(segments.last!)
        for segment in segments.dropLast() {
            for s in values(segment) where TableText.isNumber(s) {
                sink.warn(.strayNumber, s.cell.line, "section 四: number \(s.cell.text) inside the header not read")
            }
        }
        let row = all[TableText.spacersTrimmed(last, to: expected)]
        guard !row.isEmpty else {
            if sawHeader { sink.warn(.unplaced, lastLabelLine, "section 四: the table has no values") }
            return
        }
        if row.count == expected {
            sink.place(keywords.s4Fields(group: nil), row)
            return
        }
        sink.warn(row.count > expected ? .extraCells : .unplaced, row.first?.cell.line,
                  "section 四: \(row.count) cells for \(expected) columns; left blank, not read: \(TableText.describe(row))")
    }
}

extension Array {
    /// Removes every element, keeping the room; does nothing when there is none. The header
    /// state of section 二 is emptied at every cell, and is nearly always empty already:
    /// `removeAll` goes through a generic replacement of a range even then.
    @inline(__always)
    mutating func clearKeepingCapacity() {
        if !isEmpty { removeAll(keepingCapacity: true) }
    }
}
