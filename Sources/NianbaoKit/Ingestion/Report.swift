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
        case .overflow: return "a number too large to store (more than 64 bits)"
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

public struct Report: Sendable {
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
    public var sectionLines: [Int: Int]
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

/// Every field's reading in one report, held column by column like the corpus (a few flat
/// arrays of plain values rather than one array of readings with optional strings), so that
/// a report is cheap to build and to append. Indexing gives the whole `FieldReading`.
public struct FieldCells: Sendable, Equatable {
    public private(set) var kinds: [CellKind]
    /// The whole-number value, or `Corpus.nullInt`.
    public private(set) var integers: [Int64]
    /// The value as a Double (amounts, decimals in count columns), or NaN when there is none.
    public private(set) var doubles: [Double]
    public private(set) var decimals: [UInt8]
    public private(set) var lines: [Int32]
    /// The rare extras, by field index: units printed in cells, text kept verbatim.
    private var units: [Int: CellUnit] = [:]
    private var printed: [Int: String] = [:]

    public init(count: Int) {
        kinds = Array(repeating: .absent, count: count)
        integers = Array(repeating: Corpus.nullInt, count: count)
        doubles = Array(repeating: .nan, count: count)
        decimals = Array(repeating: 0, count: count)
        lines = Array(repeating: 0, count: count)
    }

    public var count: Int { kinds.count }

    public subscript(i: Int) -> FieldReading {
        get {
            var number: NumberValue?
            if !doubles[i].isNaN {
                number = NumberValue(integer: integers[i] == Corpus.nullInt ? nil : integers[i], double: doubles[i],
                                     decimals: Int(decimals[i]), unit: units.isEmpty ? nil : units[i])
            }
            return FieldReading(kind: kinds[i], number: number, line: Int(lines[i]), printed: printed.isEmpty ? nil : printed[i])
        }
        set {
            kinds[i] = newValue.kind
            integers[i] = newValue.number?.integer ?? Corpus.nullInt
            doubles[i] = newValue.number?.double ?? .nan
            decimals[i] = UInt8(clamping: newValue.number?.decimals ?? 0)
            lines[i] = Int32(clamping: newValue.line)
            if newValue.number?.unit != nil || !units.isEmpty { units[i] = newValue.number?.unit }
            if newValue.printed != nil || !printed.isEmpty { printed[i] = newValue.printed }
        }
    }

    /// Stores a plain whole number: the common case, without building a reading.
    mutating func setInteger(_ i: Int, _ value: Int64, line: Int) {
        kinds[i] = .number
        integers[i] = value
        doubles[i] = Double(value)
        decimals[i] = 0
        lines[i] = Int32(clamping: line)
    }

    public static func == (a: FieldCells, b: FieldCells) -> Bool {
        a.kinds == b.kinds && a.integers == b.integers && a.decimals == b.decimals && a.lines == b.lines
            && a.units == b.units && a.printed == b.printed
            && a.doubles.map(\.bitPattern) == b.doubles.map(\.bitPattern)
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
