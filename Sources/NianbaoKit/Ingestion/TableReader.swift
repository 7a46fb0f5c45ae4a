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
    var evidence: [Int: FormVersion] = [:]

    mutating func warn(_ code: ReadFinding, _ line: Int?, _ message: String) {
        warnings.append(ReadWarning(code: code.rawValue, line: line, message: message))
    }

    /// Stores one cell's value in the field at `index`, reporting what cannot be stored.
    mutating func place(_ index: Int, _ cell: RawCell, _ value: CellValue) {
        // The common case: a plain whole number in a count column.
        if case .number(let n) = value, n.unit == nil, n.integer != nil, n.integer! >= 0 || Form.standard.fields[index].kind != .count {
            if n.decimals == 0 {
                cells.setInteger(index, n.integer!, line: cell.line)
                return
            }
            if Form.standard.fields[index].kind == .amount {
                cells[index] = FieldReading(kind: .number, number: n, line: cell.line, printed: nil)
                return
            }
        }
        let id = Form.standard.fields[index].id
        let kind = Form.standard.fields[index].kind
        var reading = FieldReading(kind: value.kind, number: nil, line: cell.line, printed: nil)
        switch value {
        case .number(let n):
            reading.number = n
            if let unit = n.unit {
                reading.printed = cell.text
                warn(.unitInCell, cell.line, "\(id): unit written in the cell '\(cell.text)'; read as \(Self.format(n)) (\(unit))")
            }
            if n.integer == nil && kind != .amount {
                warn(.textInCell, cell.line, "\(id): '\(cell.text)' is not a whole number in a count column")
            }
            if let i = n.integer, i < 0, kind == .count {
                warn(.textInCell, cell.line, "\(id): negative count \(i)")
            }
        case .overflow(let printed):
            reading.printed = printed
            warn(.overflow, cell.line, "\(id): \(printed) does not fit in 64 bits and was not stored")
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

/// Key-word ids of the form's rows and columns, computed once.
enum Keywords {
    static let index = KeywordIndex.shared
    static let s3Rows: [[Int]] = Form.standard.s3Rows.map { index.ids($0.keywords) }
    static let s3Groups: [[Int]] = Form.standard.s3Groups.map { index.ids($0.keywords) }
    static let s2Rows: [[Int]] = Form.standard.s2Rows.map { index.ids($0.keywords) }
    static let s2Columns: [[Int]] = Form.standard.s2Columns.map { index.ids($0.keywords) }
    static let s4Labels: [Int] = (Form.standard.s4Columns.flatMap(\.keywords) + Form.standard.s4Groups.flatMap(\.keywords)).map { index.id($0) }
        + [index.id("行政诉讼")]
    static let total = index.id("总计")
    static let other = index.id("其他")
    static let article20 = index.id("第二十条")
    static let contents = index.id("信息内容")

    /// Field indexes of section 3 by [row][column], and of section 4 in printed order.
    static let s3Fields: [[Int]] = Form.standard.s3Rows.map { r in
        Form.standard.s3Columns.map { Form.standard.field(section: 3, row: r.id, column: $0.id)!.index }
    }
    static let s3Total = Form.standard.s3Rows.firstIndex { $0.id == "total" }!
    static let s3OtherMisc = Form.standard.s3Rows.firstIndex { $0.id == "other_misc" }!
    static let s3OtherSubRow: [Bool] = Form.standard.s3Rows.map { $0.group == "（六）其他处理" }
    static let s4Fields: [Int] = Form.standard.s4Groups.flatMap { g in
        Form.standard.s4Columns.map { Form.standard.field(section: 4, row: g.id, column: $0.id)!.index }
    }
}

enum TableText {
    /// Drops a leading enumerator (`3.`, `（六）`, `四、`) from a folded label.
    static func stripEnumerator(_ folded: String) -> String {
        let marks: Set<Character> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "一", "二", "三", "四",
                                     "五", "六", "七", "八", "九", "十", "(", ")", ".", "、", "．", "。", ":"]
        var s = Substring(folded)
        while let c = s.first, marks.contains(c) { s = s.dropFirst() }
        while let c = s.last, c == ":" || c == "。" || c == "、" { s = s.dropLast() }
        return String(s)
    }

    static func describe(_ values: [PendingValue]) -> String {
        values.map { $0.cell.text.isEmpty ? "(blank)" : $0.cell.text }.joined(separator: " ")
    }

    static func numbers(_ values: [PendingValue]) -> [PendingValue] {
        values.filter { if case .number = $0.value { return true }; if case .overflow = $0.value { return true }; return false }
    }

    /// Removes blank cells from the ends of `values` while there are more than `count`:
    /// leading and trailing empties of a tab row are merged-cell spacers, not data.
    static func trimSpacers(_ values: inout [PendingValue], to count: Int) {
        while values.count > count, let f = values.first, f.value == .blank { values.removeFirst() }
        while values.count > count, let l = values.last, l.value == .blank { values.removeLast() }
    }
}

// MARK: - Rows from cells

/// What the section-2 and section-3 readers share: value cells belong to the open row, a
/// text cell is the reader's to interpret, and row breaks end a row by the same rules.
protocol RowReader {
    var sink: ReadingSink { get set }
    /// Whether a row (known or not) is collecting values.
    var rowIsOpen: Bool { get }
    /// How many cells a complete row has, or nil when not yet known.
    var rowWidth: Int? { get }
    var values: [PendingValue] { get set }
    var sectionNumeral: String { get }
    mutating func text(_ cell: RawCell)
    mutating func flush()
}

extension RowReader {
    /// Feeds every token to the reader, then closes the last row.
    mutating func walk(_ tokens: [CellToken]) {
        for token in tokens {
            switch token {
            case .cell(let cell):
                let value = CellClassifier.classify(cell.bytes)
                guard value.isValue else { text(cell); continue }
                if rowIsOpen {
                    values.append(PendingValue(cell: cell, value: value))
                } else if case .number = value {
                    sink.warn(.strayNumber, cell.line, "section \(sectionNumeral): number \(cell.text) outside any row")
                }
            case .softBreak:
                // A printed row ended; it goes on only if it is still short of cells.
                if rowIsOpen, let width = rowWidth, values.count >= width { flush() }
            case .hardBreak:
                if rowIsOpen, !values.isEmpty { flush() }
            }
        }
        flush()
    }
}

// MARK: - Section 3

/// Reads 收到和处理政府信息公开申请情况: 26 rows × 7 applicant columns.
struct Section3Reader: RowReader {
    private let form = Form.standard
    private enum Target {
        case row(Int)
        case group(FormRow)
        case unknown(String)
    }

    var sink: ReadingSink
    private var target: Target?
    private var targetLine = 0
    var values: [PendingValue] = []
    private var inBody = false
    private var currentGroup: String?
    private var seen = [Bool](repeating: false, count: Form.standard.s3Rows.count + 1)
    private var sawOtherSubRows = false
    private var sawOtherPrinted = false
    private var printedSubtotals: [String: [PendingValue]] = [:]
    /// The folded label being matched (one buffer for all labels).
    private var folded: [UInt8] = []

    init(sink: ReadingSink) { self.sink = sink }

    static func read(_ tokens: [CellToken], into sink: inout ReadingSink) {
        var reader = Section3Reader(sink: sink)
        reader.run(tokens)
        sink = reader.sink
    }

    var rowIsOpen: Bool { target != nil }
    var rowWidth: Int? { form.s3Columns.count }
    var sectionNumeral: String { "三" }

    private mutating func run(_ tokens: [CellToken]) {
        walk(tokens)
        let version: FormVersion? = sawOtherSubRows ? .v2021 : (sawOtherPrinted ? .v2019 : nil)
        if let version { sink.evidence[3] = version }
        reportMissingRows(version: version)
    }

    mutating func text(_ cell: RawCell) {
        LabelFolding.foldBytes(cell.bytes, into: &folded)
        if let t = match(folded, Keywords.index.scan(folded)) {
            flush()
            target = t
            targetLine = cell.line
            inBody = true
            if case .group(let g) = t { currentGroup = g.id }
        } else if inBody {
            flush()
            target = .unknown(cell.text)
            targetLine = cell.line
        }
    }

    private func match(_ folded: [UInt8], _ hits: KeywordHits) -> Target? {
        if hits.isEmpty { return nil }
        for i in Keywords.s3Rows.indices where i != Keywords.s3Total {
            if hits.containsAny(Keywords.s3Rows[i]) { return .row(i) }
        }
        if inBody, hits.contains(Keywords.total) { return .row(Keywords.s3Total) }
        if hits.contains(Keywords.other), currentGroup == "other",
           TableText.stripEnumerator(String(decoding: folded, as: UTF8.self)) == "其他" {
            return .row(Keywords.s3OtherMisc)
        }
        for (i, g) in form.s3Groups.enumerated() where hits.containsAny(Keywords.s3Groups[i]) {
            return .group(g)
        }
        return nil
    }

    mutating func flush() {
        defer { target = nil; values = [] }
        guard let target else { return }
        switch target {
        case .unknown(let label):
            let numbers = TableText.numbers(values)
            if !numbers.isEmpty {
                sink.warn(.unknownLabel, targetLine,
                          "section 三: row '\(label)' is not in the standard form; not read: \(TableText.describe(numbers))")
            }
        case .group(let g):
            guard !values.isEmpty else { return }
            if g.id == "other" {
                sawOtherPrinted = true
                placeRow(g, slot: form.s3Rows.count, fields: form.s3Columns.map { form.field(section: 3, row: "other", column: $0.id)!.index })
            } else if !TableText.numbers(values).isEmpty {
                printedSubtotals[g.id] = values
            }
        case .row(let i):
            if Keywords.s3OtherSubRow[i] { sawOtherSubRows = true }
            placeRow(form.s3Rows[i], slot: i, fields: Keywords.s3Fields[i])
        }
    }

    /// `slot`: the row's index in the form (one past the end for the printed 其他处理 row).
    private mutating func placeRow(_ row: FormRow, slot: Int, fields: [Int]) {
        if seen[slot] {
            sink.warn(.duplicateRow, targetLine, "section 三: row '\(row.label)' printed again; kept the first, not read: \(TableText.describe(values))")
            return
        }
        seen[slot] = true
        let columns = form.s3Columns
        var vals = values
        TableText.trimSpacers(&vals, to: columns.count)

        if vals.isEmpty {
            sink.warn(.unplaced, targetLine, "section 三: row '\(row.label)' has no values")
            return
        }
        if vals.count == columns.count {
            for k in 0..<vals.count { sink.place(fields[k], vals[k].cell, vals[k].value) }
            return
        }
        if vals.count > columns.count {
            if let reading = RowAlignment.uniqueReading(of: vals, columns: columns.count) {
                for k in 0..<reading.kept.count { sink.place(fields[k], reading.kept[k].cell, reading.kept[k].value) }
                let dropped = reading.dropped.map { "\($0.cell.text.isEmpty ? "(blank)" : $0.cell.text)" }.joined(separator: " ")
                sink.warn(.extraCells, targetLine,
                          "section 三: row '\(row.label)' has \(vals.count) cells for \(columns.count) columns; " +
                          "extra cell(s) \(dropped) dropped: the only reading where 总计 equals the sum of the applicant columns")
            } else {
                sink.warn(.extraCells, targetLine,
                          "section 三: row '\(row.label)' has \(vals.count) cells for \(columns.count) columns and no single reading balances; " +
                          "left blank, not read: \(TableText.describe(vals))")
                RowAlignment.reportSplitNumber(vals, columns: columns.count, row: row.label, line: targetLine, into: &sink)
            }
            return
        }
        let numbers = TableText.numbers(vals)
        sink.warn(.unplaced, targetLine,
                  "section 三: row '\(row.label)' has \(vals.count) of \(columns.count) cells; their columns cannot be told, left blank" +
                  (numbers.isEmpty ? "" : "; not read: \(TableText.describe(vals))"))
    }

    private mutating func reportMissingRows(version: FormVersion?) {
        let expected = form.s3Rows.filter { row in
            guard let version else { return row.versions.contains(.v2019) && row.versions.contains(.v2021) }
            return row.versions.contains(version)
        }
        let missing = expected.filter { row in !seen[form.s3Rows.firstIndex { $0.id == row.id }!] }
        if version == .v2019, !seen[form.s3Rows.count] {
            sink.warn(.missingRows, nil, "section 三: row '（六）其他处理' not found")
        }
        if !missing.isEmpty && missing.count < expected.count {
            sink.warn(.missingRows, nil, "section 三: \(missing.count) row(s) not found: " +
                      missing.map { $0.label.count > 16 ? String($0.label.prefix(14)) + "…" : $0.label }.joined(separator: ", "))
        }
        // A subtotal printed for a group must equal its sub-rows.
        for (group, printed) in printedSubtotals {
            let sub = form.s3Rows.filter { $0.group == form.s3Groups.first { $0.id == group }?.label }
            var vals = printed
            TableText.trimSpacers(&vals, to: 7)
            guard vals.count == 7 else { continue }
            for (ci, col) in form.s3Columns.enumerated() {
                guard case .number(let p) = vals[ci].value, let pi = p.integer else { continue }
                var sum: Int64 = 0
                var any = false
                for r in sub {
                    let n = sink.cells.integers[form.field(section: 3, row: r.id, column: col.id)!.index]
                    if n != Corpus.nullInt { sum += n; any = true }
                }
                if any && sum != pi {
                    sink.warn(.textInCell, vals[ci].cell.line,
                              "section 三: printed subtotal s3.\(group).\(col.id) = \(pi) but its rows sum to \(sum)")
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
        return ints.dropLast().reduce(0, +) == total
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
    private let form = Form.standard
    var sink: ReadingSink
    private var columns: [FormColumn] = []
    private var headerOpen = false
    private var pendingHeader: [UInt8] = []
    private var row: FormRow?
    private var unknownRow: String?
    private var rowLine = 0
    var values: [PendingValue] = []
    private var seen: Set<String> = []
    private var versionVotes: [FormVersion: Int] = [:]
    private var folded: [UInt8] = []

    static func read(_ tokens: [CellToken], into sink: inout ReadingSink) {
        var reader = Section2Reader(sink: sink)
        reader.run(tokens)
        sink = reader.sink
    }

    private init(sink: ReadingSink) { self.sink = sink }

    var rowIsOpen: Bool { row != nil || unknownRow != nil }
    var rowWidth: Int? { columns.isEmpty ? nil : columns.count }
    var sectionNumeral: String { "二" }

    mutating func text(_ cell: RawCell) {
        LabelFolding.foldBytes(cell.bytes, into: &folded)
        handleText(folded, cell)
    }

    private mutating func run(_ tokens: [CellToken]) {
        walk(tokens)
        if let v = versionVotes.max(by: { $0.value < $1.value })?.key { sink.evidence[2] = v }
        if versionVotes.count > 1 {
            sink.warn(.mixedFormat, nil, "section 二: columns of both the 2019 and the 2021 format")
        }
    }

    private mutating func handleText(_ folded: [UInt8], _ cell: RawCell) {
        let hits = Keywords.index.scan(folded)
        if hits.contains(Keywords.article20) || hits.contains(Keywords.contents) {
            flush()
            row = nil; unknownRow = nil
            columns = []
            headerOpen = true
            pendingHeader = []
            return
        }
        let joined = pendingHeader.isEmpty ? nil : matchColumn(Keywords.index.scan(pendingHeader + folded))
        if let c = joined ?? matchColumn(hits) {
            if row != nil || unknownRow != nil {
                flush()
                row = nil; unknownRow = nil
                columns = []
            }
            if !headerOpen { columns = []; headerOpen = true }
            columns.append(c)
            pendingHeader = []
            return
        }
        if let i = form.s2Rows.indices.first(where: { hits.containsAny(Keywords.s2Rows[$0]) }) {
            flush()
            headerOpen = false
            pendingHeader = []
            row = form.s2Rows[i]
            rowLine = cell.line
            return
        }
        if headerOpen && row == nil {
            // A header cell cut over two cells (`本年新` + `制作数量`).
            pendingHeader = folded
            return
        }
        flush()
        unknownRow = cell.text
        rowLine = cell.line
    }

    private func matchColumn(_ hits: KeywordHits) -> FormColumn? {
        if hits.isEmpty { return nil }
        // Most specific first: 收费金额 before 采购总金额 before 总金额 (the schema's order).
        for (i, c) in form.s2Columns.enumerated() where hits.containsAny(Keywords.s2Columns[i]) {
            return c
        }
        return nil
    }

    mutating func flush() {
        defer { values = []; if row != nil || unknownRow != nil { row = nil; unknownRow = nil } }
        if let label = unknownRow {
            let numbers = TableText.numbers(values)
            if !numbers.isEmpty {
                sink.warn(.unknownLabel, rowLine, "section 二: row '\(label)' is not in the standard form; not read: \(TableText.describe(numbers))")
            }
            return
        }
        guard let row else { return }
        let key = "s2.\(row.id)"
        if seen.contains(key) {
            let numbers = TableText.numbers(values)
            sink.warn(.duplicateRow, rowLine, "section 二: row '\(row.label)' printed again; kept the first" +
                      (numbers.isEmpty ? "" : ", not read: \(TableText.describe(numbers))"))
            return
        }
        seen.insert(key)
        guard !columns.isEmpty else {
            let numbers = TableText.numbers(values)
            if !numbers.isEmpty {
                sink.warn(.unplaced, rowLine, "section 二: row '\(row.label)' has no column header; not read: \(TableText.describe(numbers))")
            }
            return
        }
        var vals = values
        TableText.trimSpacers(&vals, to: columns.count)
        var fields: [Field?] = []
        for c in columns {
            // Same column id, different label (two kinds of amount): pick the field of this row.
            let f = form.field(section: 2, row: row.id, column: c.id)
            if f == nil {
                sink.warn(.unexpectedColumn, rowLine, "section 二: row '\(row.label)' has no column '\(c.label)' in either format")
            } else if let f {
                for v in f.versions where f.versions.count == 1 { versionVotes[v, default: 0] += 1 }
            }
            fields.append(f)
        }
        if vals.count == columns.count {
            for (f, v) in zip(fields, vals) {
                if let f { sink.place(f.index, v.cell, v.value) }
                else if case .number = v.value {
                    sink.warn(.unexpectedColumn, v.cell.line, "section 二: value \(v.cell.text) in an unexpected column not read")
                }
            }
            return
        }
        if vals.isEmpty {
            sink.warn(.unplaced, rowLine, "section 二: row '\(row.label)' has no values")
            return
        }
        let code: ReadFinding = vals.count > columns.count ? .extraCells : .unplaced
        sink.warn(code, rowLine, "section 二: row '\(row.label)' has \(vals.count) cells for \(columns.count) column(s); left blank, not read: \(TableText.describe(vals))")
    }
}

// MARK: - Section 4

/// Reads 政府信息公开行政复议、行政诉讼情况: 15 numbers under a two-level header.
/// Reads 政府信息公开行政复议、行政诉讼情况: normally one row of 15 numbers under a two-level
/// header; some reports print three rows instead, one per group (行政复议, 未经复议直接起诉,
/// 复议后起诉), each with its five results.
enum Section4Reader {
    /// Values after one text cell, and the group that cell names (if any).
    struct Segment { var group: Int?; var line: Int; var values: [PendingValue] = [] }

    static let groupIDs: [[Int]] = Form.standard.s4Groups.map { Keywords.index.ids($0.keywords) }

    static func read(_ tokens: [CellToken], into sink: inout ReadingSink) {
        let form = Form.standard
        var segments = [Segment(group: nil, line: 0)]
        var folded: [UInt8] = []
        var sawHeader = false
        var lastLabelLine = 0
        for token in tokens {
            guard case .cell(let cell) = token else { continue }
            let value = CellClassifier.classify(cell.bytes)
            if value.isValue {
                segments[segments.count - 1].values.append(PendingValue(cell: cell, value: value))
                continue
            }
            LabelFolding.foldBytes(cell.bytes, into: &folded)
            let hits = Keywords.index.scan(folded)
            if hits.containsAny(Keywords.s4Labels) { sawHeader = true; lastLabelLine = cell.line }
            // The last group named wins: 行政诉讼 · 未经复议直接起诉 is suit_direct.
            let group = groupIDs.indices.last { hits.containsAny(groupIDs[$0]) }
            segments.append(Segment(group: group, line: cell.line))
        }
        let width = form.s4Columns.count
        let expected = form.s4Groups.count * width
        let fields = Keywords.s4Fields

        // Three labelled rows of five: place each by its label.
        var rows = segments.filter { $0.group != nil }
        for i in rows.indices { TableText.trimSpacers(&rows[i].values, to: width) }
        // (A header's group cell followed by empty spacer cells is not a row: it needs a number.)
        let labelled = rows.filter { $0.values.count == width && !TableText.numbers($0.values).isEmpty }
        if !labelled.isEmpty && segments.last.map({ $0.values.count < expected }) == true {
            var placed = Set<Int>()
            for row in labelled where !placed.contains(row.group!) {
                placed.insert(row.group!)
                for k in 0..<width { sink.place(fields[row.group! * width + k], row.values[k].cell, row.values[k].value) }
            }
            for segment in segments where !(segment.group.map(placed.contains) ?? false) && !TableText.numbers(segment.values).isEmpty {
                sink.warn(.unplaced, segment.line, "section 四: values not placed: \(TableText.describe(segment.values))")
            }
            return
        }

        // One row of fifteen after the header; numbers before the last header cell were in it.
        var values = segments.last!.values
        for segment in segments.dropLast() {
            for s in TableText.numbers(segment.values) {
                sink.warn(.strayNumber, s.cell.line, "section 四: number \(s.cell.text) inside the header not read")
            }
        }
        TableText.trimSpacers(&values, to: expected)
        guard !values.isEmpty else {
            if sawHeader { sink.warn(.unplaced, lastLabelLine, "section 四: the table has no values") }
            return
        }
        if values.count == expected {
            for k in 0..<values.count { sink.place(fields[k], values[k].cell, values[k].value) }
            return
        }
        sink.warn(values.count > expected ? .extraCells : .unplaced, values.first?.cell.line,
                  "section 四: \(values.count) cells for \(expected) columns; left blank, not read: \(TableText.describe(values))")
    }
}
