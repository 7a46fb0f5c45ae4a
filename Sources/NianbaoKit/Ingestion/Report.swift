// A report as read: every field of the form with the cell it came from, and every warning.

/// One field's reading in one report.
public struct FieldReading: Sendable, Equatable {
    public var kind: CellKind
    public var number: NumberValue?
    /// The line of the report the cell was printed on (0 when absent or derived).
    public var line: Int
    /// The printed text, kept for text cells and numbers with units.
    public var printed: String?

    public static let absent = FieldReading(kind: .absent, number: nil, line: 0, printed: nil)
}

/// A structural finding from reading: something the reader could not place or had to skip.
/// Findings are reported, never silently repaired.
public struct ReadWarning: Sendable, Equatable, Codable {
    /// A stable id, shown by `check` beside the consistency rules (`read.extra-cells`, …).
    public var code: String
    public var line: Int?
    public var message: String

    public init(code: String, line: Int?, message: String) {
        self.code = code
        self.line = line
        self.message = message
    }
}

/// The ids of structural findings, with what they mean (for `check` and `explain`).
public enum ReadFinding: String, CaseIterable, Sendable {
    case missingSection = "read.missing-section"
    case missingTable = "read.missing-table"
    case missingRows = "read.missing-rows"
    case truncated = "read.truncated"
    case extraCells = "read.extra-cells"
    case unplaced = "read.unplaced-values"
    case unknownLabel = "read.unknown-label"
    case strayNumber = "read.stray-number"
    case textInCell = "read.text-in-cell"
    case overflow = "read.number-overflow"
    case unitInCell = "read.unit-in-cell"
    case splitNumber = "read.split-number"
    case duplicateRow = "read.duplicate-row"
    case unexpectedColumn = "read.unexpected-column"
    case mixedFormat = "read.mixed-format"
    case noTitle = "read.no-title"
    case decoded = "read.encoding"

    public var meaning: String {
        switch self {
        case .missingSection: return "a section of the standard form is not in the report"
        case .missingTable: return "a section is there but its table is not"
        case .missingRows: return "rows of a table were not found"
        case .truncated: return "the report ends part way: what follows is missing"
        case .extraCells: return "a row has more cells than the table has columns"
        case .unplaced: return "a row's values cannot be placed in columns (cells missing or out of order)"
        case .unknownLabel: return "a row label matches no row of the standard form; its numbers were not read"
        case .strayNumber: return "a number inside a table that belongs to no row"
        case .textInCell: return "text where a number belongs"
        case .overflow: return "a number too large to store (more than 64 bits), printed or a group's sum of its rows"
        case .unitInCell: return "a unit written inside a number cell (251000元)"
        case .splitNumber: return "one number possibly split over two cells"
        case .duplicateRow: return "the same row printed twice; the first was kept"
        case .unexpectedColumn: return "a column that the row does not have in either format"
        case .mixedFormat: return "tables of the 2019 and 2021 formats in one report"
        case .noTitle: return "no title naming the body and the year"
        case .decoded: return "the file was not UTF-8 and was converted"
        }
    }
}

public struct Report: Sendable, Equatable {
    public var file: String
    public var org: String?
    public var year: Int?
    public var format: FormVersion?
    public var layout: String
    public var encoding: TextEncoding
    /// One reading per field of `Form.standard`, by field index.
    public var cells: FieldCells
    public var warnings: [ReadWarning]
    /// Line of each section's heading, by section number.
    public var sectionLines: SectionLines
    /// Statistics period as printed (自…起至…止), if found.
    public var period: ReportPeriod?
    /// Signature date at the end, if found.
    public var signed: ReportDate?
    /// Numbers stated in the narrative, for the `text.numbers` rule.
    public var statedNumbers: [StatedNumber]
    /// Whether section 六 mentions 信息处理费.
    public var mentionsProcessingFee: Bool
    /// Sorted hashes of the narrative's sentences (digits ignored), for `xyear.reuse`.
    public var narrativeFingerprints: [UInt64]
}

/// The line of each section's heading, by section number (一 … 六), or nil where the report
/// has none. Six numbers kept inline rather than in a dictionary: a corpus holds one per report
/// for as long as it is loaded.
public struct SectionLines: Sendable, Equatable {
    private var lines = SIMD8<Int32>()          // by section number; 0 for no heading

    public init() {}

    public subscript(section: Int) -> Int? {
        get { (1...6).contains(section) && lines[section] > 0 ? Int(lines[section]) : nil }
        set {
            guard (1...6).contains(section) else { return }
            lines[section] = newValue.map { Int32(clamping: $0) } ?? 0
        }
    }

    /// The sections that have a heading, with its line, in section order.
    public var all: [(section: Int, line: Int)] {
        (1...6).compactMap { s in self[s].map { (s, $0) } }
    }
}

/// Every field's reading in one report as one flat array of plain records (no optional
/// strings), so that a report is cheap to build and to append: storing a number writes one
/// record. Indexing gives the whole `FieldReading`.
public struct FieldCells: Sendable, Equatable {
    /// One field's reading. `integer` is `Corpus.nullInt` and `double` NaN when there is none;
    /// `double` holds amounts and decimals in count columns.
    struct Slot: Sendable, Equatable {
        var integer: Int64 = Corpus.nullInt
        var double: Double = .nan
        var line: Int32 = 0
        var kind: CellKind = .absent
        var decimals: UInt8 = 0

        /// Bit for bit, so that two readings without a value (NaN) are equal.
        static func == (a: Slot, b: Slot) -> Bool {
            a.integer == b.integer && a.double.bitPattern == b.double.bitPattern && a.line == b.line
                && a.kind == b.kind && a.decimals == b.decimals
        }
    }

    private(set) var slots: [Slot]
    /// The rare extras, by field index: units printed in cells, text kept verbatim.
    private(set) var units: [Int: CellUnit] = [:]
    private(set) var printed: [Int: String] = [:]

    public init(count: Int) {
        slots = Array(repeating: Slot(), count: count)
    }

    /// Readings as stored, for the report cache.
    init(slots: [Slot], units: [Int: CellUnit], printed: [Int: String]) {
        self.slots = slots
        self.units = units
        self.printed = printed
    }

    public var count: Int { slots.count }

    public func kind(_ i: Int) -> CellKind { slots[i].kind }
    /// The whole-number value, or `Corpus.nullInt`.
    public func integer(_ i: Int) -> Int64 { slots[i].integer }

    public subscript(i: Int) -> FieldReading {
        get {
            let slot = slots[i]
            var number: NumberValue?
            if !slot.double.isNaN {
                number = NumberValue(integer: slot.integer == Corpus.nullInt ? nil : slot.integer, double: slot.double,
                                     decimals: Int(slot.decimals), unit: units.isEmpty ? nil : units[i])
            }
            return FieldReading(kind: slot.kind, number: number, line: Int(slot.line), printed: printed.isEmpty ? nil : printed[i])
        }
        set {
            slots[i] = Slot(integer: newValue.number?.integer ?? Corpus.nullInt,
                            double: newValue.number?.double ?? .nan,
                            line: Int32(clamping: newValue.line),
                            kind: newValue.kind,
                            decimals: UInt8(clamping: newValue.number?.decimals ?? 0))
            if newValue.number?.unit != nil || !units.isEmpty { units[i] = newValue.number?.unit }
            if newValue.printed != nil || !printed.isEmpty { printed[i] = newValue.printed }
        }
    }

    /// Stores a plain whole number: the common case, without building a reading.
    mutating func setInteger(_ i: Int, _ value: Int64, line: Int) {
        slots[i] = Slot(integer: value, line: line)
    }

    /// Runs `body` with the slots to write: a row of stores checks once, not at each store,
    /// that the slots are not shared.
    mutating func withSlots<R>(_ body: (UnsafeMutableBufferPointer<Slot>) -> R) -> R {
        slots.withUnsafeMutableBufferPointer { body($0) }
    }

    public static func == (a: FieldCells, b: FieldCells) -> Bool {
        a.slots == b.slots && a.units == b.units && a.printed == b.printed
    }
}

extension FieldCells.Slot {
    /// A plain whole number printed on `line`.
    init(integer: Int64, line: Int) {
        self.init(integer: integer, double: Double(integer), line: Int32(clamping: line), kind: .number, decimals: 0)
    }
}

public struct ReportDate: Sendable, Equatable, Comparable {
    public var year: Int, month: Int, day: Int
    public static func < (a: ReportDate, b: ReportDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
    public var description: String { "\(year)年\(month)月\(day)日" }
}

public struct ReportPeriod: Sendable, Equatable {
    public var start: ReportDate
    public var end: ReportDate
    public var line: Int
}

/// A number the narrative states about the tables (本年新收…N件).
public struct StatedNumber: Sendable, Equatable {
    /// The field it should equal.
    public var fieldID: String
    public var value: Int64
    public var line: Int
}
