// What a printed cell holds: a number, nothing, a declared "not applicable", or text.
//
// FORMAT.md keeps the four apart and so does everything here: a blank is missing data, a "/"
// is a declared empty, and neither is ever read as zero. Numbers are read from bytes:
// full-width digits, thousands separators (`1,234`, `1，234`), signs (`+3`, `-14`),
// decimals (`26.55`) and a unit written into the cell (`251000元`, kept and reported).

public enum CellKind: UInt8, Sendable {
    /// No such cell in the report (table, row or column missing).
    case absent = 0
    case number
    /// Nothing printed.
    case blank
    /// Declared empty: `/`, `—`, `-`, `无`, `不适用`.
    case notApplicable
    /// Anything else, kept verbatim.
    case text
}

public struct NumberValue: Sendable, Equatable {
    /// The value when it is a whole number.
    public var integer: Int64?
    public var double: Double
    /// Digits after the decimal point as printed (precision for comparisons).
    public var decimals: Int
    /// A unit printed inside the cell (`元`, `万元`, `件`), if any.
    public var unit: CellUnit?

    public init(integer: Int64?, double: Double, decimals: Int, unit: CellUnit?) {
        self.integer = integer
        self.double = double
        self.decimals = decimals
        self.unit = unit
    }
}

/// A unit some reports write inside a number cell. A plain enum rather than a string, so that
/// a cell's value is a few bytes copied without reference counting.
public enum CellUnit: String, Sendable, CaseIterable {
    case wanYuan = "万元", yuan = "元", jian = "件", ge = "个", tiao = "条", xiang = "项", ci = "次"
    case ren = "人", jia = "家", percent = "%", fullWidthPercent = "％"

    /// Each unit with its bytes, for matching what follows a cell's digits.
    static let byteForms: [(bytes: [UInt8], unit: CellUnit)] = allCases.map { (Array($0.rawValue.utf8), $0) }
    static let longestBytes = byteForms.map(\.bytes.count).max()!
}

public enum CellValue: Sendable, Equatable {
    case number(NumberValue)
    case blank
    case notApplicable
    /// A number that does not fit in 64 bits: reported (with the cell's text), never stored.
    case overflow
    case text

    public var kind: CellKind {
        switch self {
        case .number: return .number
        case .blank: return .blank
        case .notApplicable: return .notApplicable
        case .overflow, .text: return .text
        }
    }

    /// Whether the cell is a value rather than a label: a table reader places it in a column.
    public var isValue: Bool {
        if case .text = self { return false }
        return true
    }
}

public enum CellClassifier {
    /// The marks and units a cell is compared with. One shared instance that the table
    /// readers hold and hand to `classify`: static tables are checked for initialisation (a
    /// call to swift_once) at every use, and a report's short cells used them hundreds of
    /// times.
    final class Marks: Sendable {
        static let shared = Marks()

        let notApplicable: [[UInt8]] =
            ["/", "／", "—", "——", "-", "－", "--", "―", "无", "不适用", "\\", "×"].map { Array($0.utf8) }
        let blank: [[UInt8]] = ["_", "&nbsp;", "＿", "__"].map { Array($0.utf8) }
        /// The bytes a mark can start with: a short label (`总计`, `其他`) is told from the
        /// marks by its first byte instead of sixteen comparisons.
        let leads: Bits256
        let units = CellUnit.byteForms
        let longestUnit = CellUnit.longestBytes

        private init() {
            leads = Bits256((notApplicable + blank).map { Int($0[0]) })
        }
    }

    /// Classifies one trimmed cell.
    public static func classify(_ cell: ArraySlice<UInt8>) -> CellValue {
        cell.withUnsafeBufferPointer { classify($0[...], Marks.shared) }
    }

    @inline(__always)
    static func classify(_ cell: TextBytes, _ marks: Marks) -> CellValue {
        if cell.isEmpty { return .blank }
        if cell.count <= 18 {
            // Tested and read in one pass: eighteen digits cannot overflow.
            var v: Int64 = 0
            var digits = true
            for b in cell {
                let d = b &- 0x30
                if d > 9 { digits = false; break }
                v = v &* 10 &+ Int64(d)
            }
            if digits { return .number(NumberValue(integer: v, double: Double(v), decimals: 0, unit: nil)) }
        }
        // A label starts with a CJK character or a bracket: not a number, not a mark.
        if cell.count > 9, let f = cell.first, f >= 0xE4, f <= 0xE9 { return .text }
        if cell.count <= 9, marks.leads.contains(Int(cell.first!)) {
            // Lengths first: most short cells that pass the first byte are labels (总计, 其他
            // share a lead byte with 无), and a length is cheaper to compare than bytes.
            let n = cell.count
            if marks.notApplicable.contains(where: { $0.count == n && cell.elementsEqual($0) }) { return .notApplicable }
            if marks.blank.contains(where: { $0.count == n && cell.elementsEqual($0) }) { return .blank }
        }
        return mayBeNumber(cell, marks) ? parseNumber(cell) ?? .text : .text
    }

    /// A cheap test before `parseNumber`: a number holds ASCII, full-width forms and at most a
    /// unit at its end, so a label (`（一）予以公开`, `1.属于国家秘密`) is text at its first
    /// other character.
    static func mayBeNumber(_ cell: TextBytes, _ marks: Marks) -> Bool {
        var i = cell.startIndex
        while i < cell.endIndex {
            let b = cell[i]
            if b < 0x80 { i += 1; continue }
            if b == 0xEF { i += 3; continue }
            let rest = cell[i...]
            let n = rest.count
            return n <= marks.longestUnit && marks.units.contains { $0.bytes.count == n && rest.elementsEqual($0.bytes) }
        }
        return true
    }

    /// Reads a number from bytes, or nil when the cell is not a number. (Plain digits are
    /// read by `classify` before it gets here; they read the same here.)
    static func parseNumber(_ cell: TextBytes) -> CellValue? {
        // Full-width digits and punctuation are normalised into ASCII, spaces dropped, up to a
        // unit. The ASCII is never longer than the cell, and is kept on the stack: a cell is
        // short, and this runs for every decimal and separated number of a report.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: cell.count) { ascii -> CellValue? in
            var n = 0
            var i = cell.startIndex
            var unit: CellUnit?
            while i < cell.endIndex {
                let b = cell[i]
                if b < 0x80 {
                    if b != 0x20 { ascii[n] = b; n += 1 }
                    i += 1
                    continue
                }
                // Full-width forms EF BC 80..BF / EF BD 80..9E map to ASCII 0x20..0x7E.
                if b == 0xEF, i + 2 < cell.endIndex, cell[i + 1] == 0xBC || cell[i + 1] == 0xBD {
                    let c = Int(cell[i + 1] == 0xBC ? cell[i + 2] - 0x80 + 0x20 : cell[i + 2] - 0x80 + 0x60)
                    if c >= 0x21 && c <= 0x7E {
                        // Full-width % is a unit, anything else joins the number.
                        if c == 0x25 { unit = .fullWidthPercent; break }
                        ascii[n] = UInt8(c); n += 1; i += 3
                        continue
                    }
                }
                // A unit suffix ends the number; anything else makes the cell text.
                let rest = cell[i...]
                if let u = CellUnit.byteForms.first(where: { rest.elementsEqual($0.bytes) }) {
                    unit = u.unit
                    break
                }
                return nil
            }
            if n > 0, ascii[n - 1] == 0x25 { unit = .percent; n -= 1 }
            return parseASCII(UnsafeBufferPointer(rebasing: ascii[..<n]), unit: unit)
        }
    }

    /// `[+-]? digits ([,] ddd)* (. digits)?`, read in one pass without building strings.
    private static func parseASCII(_ s: UnsafeBufferPointer<UInt8>, unit: CellUnit?) -> CellValue? {
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var i = 0
        var negative = false
        if i < s.count, s[i] == 0x2B || s[i] == 0x2D { negative = s[i] == 0x2D; i += 1 }
        guard i < s.count, isDigit(s[i]) else { return nil }
        let digitsStart = i
        // The whole part, and whether it fits in 64 bits (a longer number is reported, not
        // stored).
        var whole: Int64 = 0
        var fits = true
        var groupLen = 0
        var sawSeparator = false
        while i < s.count {
            let b = s[i]
            if isDigit(b) {
                if fits {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(b - 0x30))
                    if o1 || o2 { fits = false } else { whole = a }
                }
                groupLen += 1; i += 1
            } else if b == 0x2C {
                // A thousands separator must follow 1–3 digits (first group) or exactly 3.
                if (sawSeparator && groupLen != 3) || (!sawSeparator && groupLen > 3) { return nil }
                sawSeparator = true; groupLen = 0; i += 1
            } else { break }
        }
        if sawSeparator && groupLen != 3 { return nil }
        let digitsEnd = i
        var fractionDigits = 0
        var fractionIsZero = true
        // The whole and fractional digits as one integer, while it fits in a double's 53 bits.
        var mantissa: Int64? = fits ? whole : nil
        if i < s.count, s[i] == 0x2E {
            i += 1
            while i < s.count, isDigit(s[i]) {
                let d = Int64(s[i] - 0x30)
                if d != 0 { fractionIsZero = false }
                if let m = mantissa {
                    let (t, o1) = m.multipliedReportingOverflow(by: 10)
                    let (a, o2) = t.addingReportingOverflow(d)
                    mantissa = o1 || o2 ? nil : a
                }
                fractionDigits += 1; i += 1
            }
            if fractionDigits == 0 { return nil }
        }
        guard i == s.count else { return nil }
        guard fits else { return .overflow }
        let integer = negative ? -whole : whole
        if fractionDigits == 0 {
            return .number(NumberValue(integer: integer, double: Double(integer), decimals: 0, unit: unit))
        }
        // An integer of at most 53 bits divided by an exact power of ten is the correctly
        // rounded value of the decimal, as parsing its text would give; past that, the text is
        // parsed.
        var d: Double
        if let m = mantissa, m <= 1 << 53, fractionDigits < powersOfTen.count {
            d = Double(m) / powersOfTen[fractionDigits]
            if negative { d = -d }
        } else {
            var text = negative ? "-" : ""
            for k in digitsStart..<digitsEnd where s[k] != 0x2C { text.unicodeScalars.append(Unicode.Scalar(s[k])) }
            text += "."
            for k in (digitsEnd + 1)..<i { text.unicodeScalars.append(Unicode.Scalar(s[k])) }
            guard let parsed = Double(text) else { return nil }
            d = parsed
        }
        // A fraction of all zeros is still a whole number ("795.0000").
        return .number(NumberValue(integer: fractionIsZero ? integer : nil, double: d, decimals: fractionDigits, unit: unit))
    }

    /// 10⁰ … 10²², each exactly a double.
    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { v, _ in v * 10 } }
}
