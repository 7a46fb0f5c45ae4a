// The loaded reports, stored column by column.
//
// One contiguous array per field, so that a filter or a group touches only the columns it
// names. Nulls are sentinels (Int32.min for counts, NaN for amounts) beside a cell-kind byte
// that keeps blank, "/" and text apart for `show` and `check`. Counts are 32 bits and lines
// 16, the rare value wider than that kept whole beside the columns: a load faults in and
// writes every page of the columns once, and at 64 and 32 bits those were 84,000 of the
// 102,000 page faults of a 100,000-report load. Organisation names are
// dictionary-encoded, so grouping by `org` hashes integers, not strings.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a value too wide for its column is kept: the column (a line of `Corpus.longLine` or
/// more, a count beyond 32 bits or equal to a marker), the field and the row. The column cell
/// holds the marker that says to look it up. Such values are rare (a report padded past
/// 65,535 lines, a count in the billions): one table beside the columns, for both, serves.
struct WidePlace: Hashable {
    enum Column: UInt8 { case line, count }
    var column: Column
    var field: Int
    var row: Int
}

/// The field readings of a batch of reports, column by column: filled by the threads that
/// read the reports (each thread its own rows, so no locking but for the rare value too wide
/// for its column) and then copied into the corpus one column at a time.
final class ColumnBatch: @unchecked Sendable {
    let capacity: Int
    let kinds: UnsafeMutablePointer<CellKind>
    let integers: UnsafeMutablePointer<Int32>
    let doubles: UnsafeMutablePointer<Double>
    let decimals: UnsafeMutablePointer<UInt8>
    let lines: UnsafeMutablePointer<UInt16>
    /// Lines and counts too wide for their columns, by their place in the batch (`row` a
    /// batch row): they are rare, and the lock is taken only for them.
    private(set) var wideValues: [(place: WidePlace, value: Int64)] = []
    private let wideValuesLock = Condition()
    private let fieldCount = Form.standard.fields.count
    private let isAmount = Corpus.isAmount

    /// The columns are not filled in: `store` writes every field of a row that the corpus
    /// copies, and only rows written are read (a load reuses a batch for the next, and a
    /// failed file's row is never copied), so filling them would be 3 MB of writes per batch
    /// for nothing.
    init(capacity: Int) {
        self.capacity = capacity
        let n = max(1, capacity) * fieldCount
        kinds = .allocate(capacity: n)
        integers = .allocate(capacity: n)
        doubles = .allocate(capacity: n)
        decimals = .allocate(capacity: n)
        lines = .allocate(capacity: n)
    }

    deinit {
        kinds.deallocate(); integers.deallocate(); doubles.deallocate(); decimals.deallocate(); lines.deallocate()
    }

    /// Forgets the wide values of the rows stored before: the batch is taken for new rows.
    func reuse() { wideValuesLock.withLock { wideValues.removeAll() } }

    /// Writes consecutive reports' readings into rows `first`, `first + 1`, … of every column.
    /// Field by field across the reports, so that each column is written a run of rows at a
    /// time: one report alone would touch a cache line per field and column. Like the
    /// corpus, a count field keeps its integer and an amount field its double and decimals:
    /// the writes are most of the cost, as the batch is larger than the cores' caches.
    func store(_ reports: UnsafeBufferPointer<FieldCells>, at first: Int) {
        precondition(first + reports.count <= capacity && reports.allSatisfy { $0.count == fieldCount })
        // Each column's run of rows through its own pointer, and the two kinds of field in
        // loops of their own: one loop for both kept the columns' addresses on the stack and
        // reloaded them at every report.
        for field in 0..<fieldCount {
            let start = field &* capacity &+ first      // within the batch: checked above
            let kindColumn = kinds + start, lineColumn = lines + start
            /// What every field stores: the kind, and the line.
            @inline(__always) func storeKindAndLine(_ slot: FieldCells.Slot, _ k: Int) {
                kindColumn[k] = slot.kind
                lineColumn[k] = UInt16(truncatingIfNeeded: slot.line)
                // One unsigned test finds a line outside 16 bits (a negative one too).
                if UInt32(bitPattern: slot.line) >= UInt32(Corpus.longLine) { storeLongLine(slot.line, start + k, field) }
            }
            if isAmount[field] {
                let doubleColumn = doubles + start, decimalColumn = decimals + start
                for k in 0..<reports.count {
                    let slot = reports[k].slots[field]
                    storeKindAndLine(slot, k)
                    doubleColumn[k] = slot.double
                    decimalColumn[k] = slot.decimals
                }
            } else {
                let integerColumn = integers + start
                for k in 0..<reports.count {
                    let slot = reports[k].slots[field]
                    storeKindAndLine(slot, k)
                    // A count within 32 bits and above the markers is stored as it is.
                    let narrow = Int32(truncatingIfNeeded: slot.integer)
                    if Int64(narrow) == slot.integer && narrow > Corpus.longCount {
                        integerColumn[k] = narrow
                    } else if slot.integer == Corpus.nullInt {
                        integerColumn[k] = Corpus.nullCount
                    } else {
                        integerColumn[k] = Corpus.longCount
                        storeWide(.count, slot.integer, start + k, field)
                    }
                }
            }
        }
    }

    /// A line outside 16 bits: a negative one (never printed) is stored as 0, one of
    /// `longLine` or more as the marker, and kept whole.
    @inline(never)
    private func storeLongLine(_ line: Int32, _ at: Int, _ field: Int) {
        lines[at] = UInt16(truncatingIfNeeded: min(max(line, 0), Corpus.longLine))
        guard line >= Corpus.longLine else { return }
        storeWide(.line, Int64(line), at, field)
    }

    /// Out of the loop, which keeps only the tests: a blank count is common, a wide one rare.
    @inline(never)
    private func storeWide(_ column: WidePlace.Column, _ value: Int64, _ at: Int, _ field: Int) {
        let place = WidePlace(column: column, field: field, row: at - field * capacity)
        wideValuesLock.withLock { wideValues.append((place, value)) }
    }
}

/// A value in the query language.
public enum Value: Hashable, Sendable {
    case null
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)

    public var isNull: Bool { if case .null = self { return true }; return false }

    public var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// True for `true`; false for false and null (a filter keeps only true rows).
    public var isTrue: Bool { if case .bool(true) = self { return true }; return false }
}

/// A name as printed, hashed and compared by its UTF-8 bytes. String's own equality is
/// Unicode canonical equivalence, which for Chinese text costs a normalization check per
/// comparison; a corpus groups names by what the reports print.
struct PrintedName: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    func hash(into hasher: inout Hasher) {
        if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for b in text.utf8 { hasher.combine(b) }
        }
    }

    static func == (a: PrintedName, b: PrintedName) -> Bool {
        a.text.utf8.count == b.text.utf8.count && a.text.utf8.elementsEqual(b.text.utf8)
    }
}

public final class Corpus: @unchecked Sendable {
    /// Null in 64-bit values: a report's readings (`FieldCells`) and the year column.
    public static let nullInt = Int64.min
    static let isAmount: [Bool] = Form.standard.fields.map { $0.kind == .amount }

    public private(set) var count = 0
    public private(set) var files: [String] = []
    public private(set) var orgCodes: [Int32] = []
    public private(set) var orgNames: [String] = []
    private var orgIndex: [PrintedName: Int32] = [:]
    public private(set) var years: [Int64] = []
    public private(set) var formats: [FormVersion?] = []
    public private(set) var layouts: [String] = []
    public private(set) var warnings: [[ReadWarning]] = []
    public private(set) var encodings: [TextEncoding] = []
    public private(set) var periods: [ReportPeriod?] = []
    public private(set) var signed: [ReportDate?] = []
    public private(set) var statedNumbers: [[StatedNumber]] = []
    public private(set) var mentionsProcessingFee: [Bool] = []
    public private(set) var narrativeFingerprints: [[UInt64]] = []
    public private(set) var sectionLines: [SectionLines] = []

    /// Count fields: one array per field, of 32 bits, `nullCount` for null; amount fields use
    /// `amounts`. At 64 bits the counts were most of the columns' memory, every page of it
    /// faulted in and written once by a load, for numbers that are rarely over a million.
    /// A count beyond 32 bits reads `longCount` here and is kept whole in `wideValues`;
    /// `integer(_:_:)` gives either, and `integer(stored:_:_:)` a value already read.
    public private(set) var counts: [[Int32]]
    public static let nullCount = Int32.min
    public static let longCount = Int32.min + 1

    /// The count field `field` of report `row`, nil when null.
    public func integer(_ field: Int, _ row: Int) -> Int64? { integer(stored: counts[field][row], field, row) }

    /// The count that `stored`, read from field `field` of report `row`, stands for. Inlined
    /// for its first test, which answers for every count within 32 bits.
    @inline(__always)
    public func integer(stored: Int32, _ field: Int, _ row: Int) -> Int64? {
        if stored > Corpus.longCount { return Int64(stored) }
        return stored == Corpus.nullCount ? nil : longCount(field, row)
    }

    /// The count beyond 32 bits of field `field` in report `row` (its column holds
    /// `longCount`). Not inlined: a query's loop over a column keeps only the test for it.
    @inline(never)
    public func longCount(_ field: Int, _ row: Int) -> Int64 {
        let value = wideValues[WidePlace(column: .count, field: field, row: row)]
        assert(value != nil, "a long count is kept for every column cell that says so")
        return value ?? 0
    }

    /// Lines and counts too wide for their columns, whole, by their place.
    private var wideValues: [WidePlace: Int64] = [:]
    public private(set) var amounts: [[Double]]
    public private(set) var kinds: [[CellKind]]
    /// The line each field was printed on (0 when it was not), as 16 bits: reports are far
    /// shorter than 65,535 lines, and at 32 bits the lines were a third of the columns'
    /// memory, every page of it written once by a load. A line of `longLine` or more reads
    /// `longLine` here and is kept whole in `wideValues`; `line(_:_:)` gives either.
    public private(set) var lines: [[UInt16]]
    public static let longLine: Int32 = 0xFFFF

    /// The line field `field` of report `row` was printed on, 0 when it was not.
    public func line(_ field: Int, _ row: Int) -> Int { line(stored: lines[field][row], field, row) }

    /// The line that `stored`, read from field `field` of report `row`, stands for.
    @inline(__always)
    public func line(stored: UInt16, _ field: Int, _ row: Int) -> Int {
        if Int32(stored) < Corpus.longLine { return Int(stored) }
        let line = wideValues[WidePlace(column: .line, field: field, row: row)]
        assert(line != nil, "a long line is kept for every column cell that says so")
        return Int(line ?? Int64(Corpus.longLine))
    }
    /// Decimals printed, for amount fields (comparison precision).
    public private(set) var decimals: [[UInt8]]
    /// Rows by the path of their file as loaded, made when first asked for (a second load, a
    /// report named) and brought up to date after: a load does not hash 100,000 paths on the
    /// thread that every batch waits for, to answer a question most sessions never ask.
    private var fileIndex: [String: Int] = [:]
    private var fileIndexed = 0

    private func row(ofFile file: String) -> Int? {
        if fileIndexed < files.count {
            fileIndex.reserveCapacity(files.count)
            while fileIndexed < files.count {
                fileIndex[files[fileIndexed]] = fileIndexed
                fileIndexed += 1
            }
        }
        return fileIndex[file]
    }

    public init() {
        let n = Form.standard.fields.count
        counts = Array(repeating: [], count: n)
        amounts = Array(repeating: [], count: n)
        kinds = Array(repeating: [], count: n)
        lines = Array(repeating: [], count: n)
        decimals = Array(repeating: [], count: n)
    }

    public func contains(file: String) -> Bool { row(ofFile: file) != nil }

    /// The row of a file by its path as loaded or, failing that, by any other spelling of
    /// the same path (`./Data/a.txt` for `Data/a.txt`).
    public func index(ofFile file: String) -> Int? {
        if let row = row(ofFile: file) { return row }
        // Only a path to a file that is there can be another spelling of one loaded; a
        // report's name or number is not looked for among 100,000 resolved paths.
        guard access(file, F_OK) == 0 else { return nil }
        var canonical = CanonicalPaths()
        return row(ofCanonicalPath: canonical.path(file), using: &canonical)
    }

    /// Rows by the canonical path of their file (`CanonicalPaths`), made when first asked
    /// for (a second load, a report named by another path) and brought up to date after.
    private var canonicalIndex: [String: Int] = [:]
    private var canonicalIndexed = 0

    func row(ofCanonicalPath path: String, using canonical: inout CanonicalPaths) -> Int? {
        while canonicalIndexed < files.count {
            canonicalIndex[canonical.path(files[canonicalIndexed])] = canonicalIndexed
            canonicalIndexed += 1
        }
        return canonicalIndex[path]
    }

    /// Appends one report's readings to every column.
    public func append(_ report: Report) {
        let batch = ColumnBatch(capacity: 1)
        [report.cells].withUnsafeBufferPointer { batch.store($0, at: 0) }
        append([report], from: batch, rows: [0])
    }

    /// Appends reports whose readings were stored in `batch` at `rows` (one per report, in
    /// order): one copy per column when the rows are the whole batch.
    func append(_ reports: [Report], from batch: ColumnBatch, rows: [Int]) {
        precondition(reports.count == rows.count)
        appendAttributes(reports)
        if !batch.wideValues.isEmpty {
            // The batch's rows become the corpus's from `count` on, skipping those not taken.
            let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
            for wide in batch.wideValues {
                guard let k = position[wide.place.row] else { continue }
                var place = wide.place
                place.row = count + k
                wideValues[place] = wide.value
            }
        }
        let whole = rows.count == batch.capacity && rows.last.map { $0 == rows.count - 1 } ?? true
        func copy<T>(_ column: inout [T], _ base: UnsafeMutablePointer<T>, _ field: Int) {
            let start = base + field * batch.capacity
            if whole {
                column.append(contentsOf: UnsafeBufferPointer(start: start, count: rows.count))
            } else {
                column.reserveCapacity(column.count + rows.count)
                for r in rows { column.append(start[r]) }
            }
        }
        for f in 0..<Corpus.isAmount.count {
            copy(&kinds[f], batch.kinds, f)
            copy(&lines[f], batch.lines, f)
            if Corpus.isAmount[f] {
                copy(&amounts[f], batch.doubles, f)
                copy(&decimals[f], batch.decimals, f)
            } else {
                copy(&counts[f], batch.integers, f)
            }
        }
        count += reports.count
    }

    /// The reports' attributes, one array at a time: each access to an array property of a
    /// class is checked for exclusivity, and fourteen appends a report cost 1,500
    /// instructions of checks on the loading thread.
    private func appendAttributes(_ reports: [Report]) {
        var codes: [Int32] = []
        codes.reserveCapacity(reports.count)
        // The name is looked up once, and added by that lookup when it is new: a year's
        // reports are nearly all from bodies not yet seen, each hashed twice when it was
        // looked up and then added.
        func codeOf(_ slot: inout Int32) -> Int32 { slot }
        // By index: a report taken from the array by `for … in` is copied, a retain for
        // each of its arrays and strings.
        for k in reports.indices {
            let org = reports[k].org ?? ""
            let next = Int32(orgNames.count)
            let code = codeOf(&orgIndex[PrintedName(org), default: next])
            if code == next { orgNames.append(org) }
            codes.append(code)
        }
        orgCodes += codes
        files += reports.lazy.map(\.file)
        years += reports.lazy.map { $0.year.map(Int64.init) ?? Corpus.nullInt }
        formats += reports.lazy.map(\.format)
        layouts += reports.lazy.map(\.layout)
        warnings += reports.lazy.map(\.warnings)
        encodings += reports.lazy.map(\.encoding)
        periods += reports.lazy.map(\.period)
        signed += reports.lazy.map(\.signed)
        statedNumbers += reports.lazy.map(\.statedNumbers)
        mentionsProcessingFee += reports.lazy.map(\.mentionsProcessingFee)
        narrativeFingerprints += reports.lazy.map(\.narrativeFingerprints)
        sectionLines += reports.lazy.map(\.sectionLines)
    }

    /// Reserves room for `n` more reports: the columns and the report attributes, so that a
    /// large load does not grow them as it goes.
    public func reserve(_ n: Int) {
        let target = count + n
        // At most one new body a report: growing the name index rehashed every name at each
        // doubling (0.9% of a 100,000-report load's time).
        orgIndex.reserveCapacity(orgNames.count + n); orgNames.reserveCapacity(orgNames.count + n)
        files.reserveCapacity(target); orgCodes.reserveCapacity(target); years.reserveCapacity(target)
        formats.reserveCapacity(target); layouts.reserveCapacity(target); warnings.reserveCapacity(target)
        encodings.reserveCapacity(target); periods.reserveCapacity(target); signed.reserveCapacity(target)
        statedNumbers.reserveCapacity(target); mentionsProcessingFee.reserveCapacity(target)
        narrativeFingerprints.reserveCapacity(target); sectionLines.reserveCapacity(target)
        for i in counts.indices {
            if Corpus.isAmount[i] { amounts[i].reserveCapacity(target) }
            else { counts[i].reserveCapacity(target) }
            kinds[i].reserveCapacity(target)
            lines[i].reserveCapacity(target)
        }
    }

    /// The value of `field` in report `row` (null when blank, "/", text or absent).
    @inline(__always)
    public func value(_ field: Field, _ row: Int) -> Value {
        if field.kind == .amount {
            let d = amounts[field.index][row]
            return d.isNaN ? .null : .double(d)
        }
        return integer(field.index, row).map(Value.int) ?? .null
    }

    public func value(_ attribute: ReportAttribute, _ row: Int) -> Value {
        switch attribute {
        case .file: return .string(files[row])
        case .org: return orgNames[Int(orgCodes[row])].isEmpty ? .null : .string(orgNames[Int(orgCodes[row])])
        case .year: return years[row] == Corpus.nullInt ? .null : .int(years[row])
        case .format: return formats[row].map { .string($0.rawValue) } ?? .null
        case .layout: return .string(layouts[row])
        case .warnings: return .int(Int64(warnings[row].count))
        }
    }

    public func org(_ row: Int) -> String { orgNames[Int(orgCodes[row])] }

    private var cachedOrgRank: [Int32]?
    /// Each organisation code's position in name order (UTF-8 byte order), computed once.
    public var orgRank: [Int32] {
        if let r = cachedOrgRank, r.count == orgNames.count { return r }
        // The names' bytes side by side, compared with memcmp: comparing two names through
        // their UTF-8 views, a byte at a time, made the first `group org` of 100,000 bodies
        // take 0.2 s in this sort.
        var bytes: [UInt8] = [], starts: [Int] = [0]
        for var name in orgNames { name.withUTF8 { bytes.append(contentsOf: $0) }; starts.append(bytes.count) }
        let order = bytes.withUnsafeBufferPointer { b in
            orgNames.indices.sorted { x, y in
                let lx = starts[x + 1] - starts[x], ly = starts[y + 1] - starts[y]
                let c = memcmp(b.baseAddress! + starts[x], b.baseAddress! + starts[y], min(lx, ly))
                return c != 0 ? c < 0 : lx < ly
            }
        }
        var rank = [Int32](repeating: 0, count: orgNames.count)
        for (k, code) in order.enumerated() { rank[code] = Int32(k) }
        cachedOrgRank = rank
        return rank
    }

    /// Each organisation code's body, numbered: organisations whose names are the same once
    /// folded and stripped of brackets, quotes and stops (`bodyName`) are one body, across
    /// years (the cross-year rules). Made on first use and extended as organisations come;
    /// every `check`, and `show` of one report, would otherwise fold every name again.
    public var bodies: [Int32] {
        while bodyOfCode.count < orgNames.count {
            let name = Corpus.bodyName(orgNames[bodyOfCode.count])
            if let known = bodyNumbers[name] { bodyOfCode.append(known) } else {
                bodyOfCode.append(Int32(bodyNumbers.count))
                bodyNumbers[name] = Int32(bodyNumbers.count)
            }
        }
        return bodyOfCode
    }
    private var bodyOfCode: [Int32] = []
    private var bodyNumbers: [String: Int32] = [:]

    /// An organisation's name as a body: folded (`LabelFolding`), without brackets, quotes
    /// and stops.
    static func bodyName(_ org: String) -> String {
        let folded = LabelFolding.fold(org)
        // Most names hold none of the marks dropped: no filtering by characters then.
        guard folded.unicodeScalars.contains(where: { droppedScalars.contains($0) }) else { return folded }
        return folded.filter { !droppedFromBodyNames.contains($0) }
    }

    private static let droppedFromBodyNames = "()[]\"'·.、"
    /// Their scalars, and U+0387, which Swift's strings take for '·' (its canonical
    /// equivalent): a name without any of these holds no character the filter drops.
    private static let droppedScalars = Set((droppedFromBodyNames + "\u{387}").unicodeScalars)

    /// A short name for a report: its file name without folders and extension.
    public func name(_ row: Int) -> String {
        var file = files[row]
        return file.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[Corpus.nameRange($0)]), as: UTF8.self) }
    }

    /// Where a report's name is in its path's bytes: after the last '/', before the last '.'
    /// unless that dot begins the file's name.
    private static func nameRange(_ path: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = path.count
        while start > 0, path[start - 1] != 0x2F { start -= 1 }
        var end = path.count
        var k = path.count - 1
        while k > start { if path[k] == 0x2E { end = k; break }; k -= 1 }
        return start..<end
    }

    /// The reports named `name`, found on the bytes of their paths: making the name of each of
    /// 100,000 reports to compare it took most of a second of every `show`.
    public func rows(named name: String) -> [Int] {
        let wanted = Array(name.utf8)
        return rowsWhereName { $0.elementsEqual(wanted) }
    }

    /// The reports whose body's name or whose own name holds `part` (bytes searched; each
    /// body's name once, not once per report).
    public func rows(mentioning part: String) -> [Int] {
        let needle = Array(part.utf8)
        func holds(_ b: UnsafeBufferPointer<UInt8>) -> Bool { Bytes.contains(b[...], needle) }
        let bodies = orgNames.map { name in
            var name = name
            return name.withUTF8(holds)
        }
        let byName = Set(rowsWhereName(holds))
        return (0..<count).filter { bodies[Int(orgCodes[$0])] || byName.contains($0) }
    }

    /// The rows whose name (see `name(_:)`: the file's name without its extension), as bytes,
    /// satisfies `test`.
    private func rowsWhereName(_ test: (UnsafeBufferPointer<UInt8>) -> Bool) -> [Int] {
        var out: [Int] = []
        for row in files.indices {
            var file = files[row]
            let hit = file.withUTF8 { test(UnsafeBufferPointer(rebasing: $0[Corpus.nameRange($0)])) }
            if hit { out.append(row) }
        }
        return out
    }

    /// Rebuilds one report's readings from the columns (for `show` and exports).
    public func reading(_ field: Field, _ row: Int) -> FieldReading {
        let kind = kinds[field.index][row]
        var number: NumberValue?
        if kind == .number || (field.isDerived && kind != .absent) {
            if field.kind == .amount {
                let d = amounts[field.index][row]
                if !d.isNaN { number = NumberValue(integer: nil, double: d, decimals: Int(decimals[field.index][row]), unit: nil) }
            } else {
                if let i = integer(field.index, row) { number = NumberValue(integer: i, double: Double(i), decimals: 0, unit: nil) }
            }
        }
        return FieldReading(kind: kind, number: number, line: line(field.index, row), printed: nil)
    }
}
