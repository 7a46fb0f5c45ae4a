// Sums of a table's counts, held in 128 bits.
//
// The form's arithmetic (a group's subtotal, 总计 against the applicant columns, this year's
// stock against last year's) adds counts that are each within 64 bits, but a hostile or
// garbled report can print two counts near the limit, and 64-bit addition then traps: one
// report would stop the whole load. A sum of them here cannot overflow (it would take 2⁶³
// additions), and says whether it fits in 64 bits, which is all a stored field or a
// comparison with a printed total can hold.

/// A running sum of 64-bit integers, exact: two words, the low one unsigned.
struct WideSum: Equatable, CustomStringConvertible {
    private var high: Int64 = 0
    private var low: UInt64 = 0

    init() {}

    init(_ v: Int64) { add(v) }

    mutating func add(_ v: Int64) {
        let (sum, carry) = low.addingReportingOverflow(UInt64(bitPattern: v))
        low = sum
        // A negative addend is its two's complement: all ones in the high word.
        high = high &+ (v < 0 ? -1 : 0) &+ (carry ? 1 : 0)
    }

    mutating func subtract(_ v: Int64) {
        let (difference, borrow) = low.subtractingReportingOverflow(UInt64(bitPattern: v))
        low = difference
        high = high &- (v < 0 ? -1 : 0) &- (borrow ? 1 : 0)
    }

    /// The sum, or nil when it does not fit in 64 bits.
    var value: Int64? {
        let v = Int64(bitPattern: low)
        return high == (v < 0 ? -1 : 0) ? v : nil
    }

    /// Whether the sum is exactly `v`.
    func equals(_ v: Int64) -> Bool { self == WideSum(v) }

    /// The sum in decimal, exactly, also past 64 bits (findings print it).
    var description: String {
        if let v = value { return String(v) }
        let negative = high < 0
        // The magnitude as two unsigned words (the two's complement of a negative sum).
        var (hi, lo) = (UInt64(bitPattern: high), low)
        if negative {
            lo = ~lo &+ 1
            hi = ~hi &+ (lo == 0 ? 1 : 0)
        }
        // A sum of counts has a magnitude under 2⁶⁴·2⁶³, so hi is under 2⁶³, below 10¹⁹: one
        // division splits the magnitude into a 64-bit quotient and nineteen digits.
        let tenToThe19: UInt64 = 10_000_000_000_000_000_000
        let (q, r) = tenToThe19.dividingFullWidth((high: hi, low: lo))
        let low = String(r)
        let digits = q == 0 ? low : String(q) + String(repeating: "0", count: 19 - low.count) + low
        return (negative ? "-" : "") + digits
    }
}
