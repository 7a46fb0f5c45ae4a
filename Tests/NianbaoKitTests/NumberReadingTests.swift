// The number reader against the reading it replaced.
//
// `CellClassifier.parseNumber` reads a cell in one pass, on the stack, and computes a decimal's
// value as an integer divided by a power of ten. The reading it replaced normalised the cell
// into arrays and parsed a string for every decimal; it is kept here, unchanged, as the oracle:
// on any cell the two must give the same value, bit for bit.

import XCTest
@testable import NianbaoKit
import NianbaoSynth

final class NumberReadingTests: XCTestCase {
    func testOnePassReadingAgreesWithTheStringReading() {
        // Pieces a number cell is made of, and pieces that make it text or a unit.
        let pieces = ["0", "1", "2", "5", "9", "00", "123", "999", "3.25", ".5", "0.1", "4503599627370496", "9007199254740993",
                      "9223372036854775807", "9223372036854775808", "12345678901234567890",
                      ",", "，", ".", "．", "-", "+", " ", "%", "％", "１", "２", "０", "元", "万元", "件", "a", "—"]
        var rng = SeededRandom(seed: 20261123)
        var numbers = 0, decimals = 0, overflows = 0
        for _ in 0..<40_000 {
            var cell = ""
            for _ in 0..<Int.random(in: 1...6, using: &rng) { cell += pieces.randomElement(using: &rng)! }
            let bytes = Array(cell.utf8)
            let new = bytes.withUnsafeBufferPointer { CellClassifier.parseNumber($0[...]) }
            let old = StringNumberReading.parseNumber(bytes)
            XCTAssertTrue(Self.same(new, old), "\(cell): \(String(describing: new)) vs \(String(describing: old))")
            if case .number(let n)? = new {
                numbers += 1
                if n.decimals > 0 { decimals += 1 }
            }
            if case .overflow? = new { overflows += 1 }
        }
        // The random cells reach every branch: whole numbers, decimals, and overflow.
        XCTAssertGreaterThan(numbers, 2_000)
        XCTAssertGreaterThan(decimals, 500)
        XCTAssertGreaterThan(overflows, 50)
    }

    /// Decimals whose digits pass 53 bits are parsed as text; both sides must agree there too.
    func testLongDecimalsAgree() {
        for cell in ["9007199254740993.5", "0.1", "-0.0", "123456789012345678.25", "1,234.5678", "３.１４", "0.30000000000000004",
                     "4503599627370497.5", "1.00000000000000000000001"] {
            let bytes = Array(cell.utf8)
            let new = bytes.withUnsafeBufferPointer { CellClassifier.parseNumber($0[...]) }
            XCTAssertTrue(Self.same(new, StringNumberReading.parseNumber(bytes)), cell)
        }
        let minusZero = Array("-0.0".utf8).withUnsafeBufferPointer { CellClassifier.parseNumber($0[...]) }
        guard case .number(let n)? = minusZero else { return XCTFail("-0.0 is a number") }
        XCTAssertEqual(n.double.sign, .minus)
    }

    /// Equal values, and doubles equal bit for bit (so -0.0 is not 0.0).
    static func same(_ a: CellValue?, _ b: CellValue?) -> Bool {
        guard a == b else { return false }
        if case .number(let x)? = a, case .number(let y)? = b { return x.double.bitPattern == y.double.bitPattern }
        return true
    }

    /// Sums past 64 bits, exact in decimal (2⁶⁴, 2⁶³ + 1, −3·2⁶³), and back within them.
    func testWideSumsAreExactPastSixtyFourBits() {
        var s = WideSum()
        s.add(Int64.max)
        s.add(Int64.max)
        s.add(2)
        XCTAssertNil(s.value)
        XCTAssertEqual(s.description, "18446744073709551616")        // 2⁶⁴
        s.subtract(Int64.max)
        XCTAssertEqual(s.description, "9223372036854775809")         // 2⁶³ + 1
        s.subtract(Int64.max)
        XCTAssertEqual(s.value, 2)
        var n = WideSum()
        for _ in 0..<3 { n.add(Int64.min) }
        XCTAssertEqual(n.description, "-27670116110564327424")        // −3·2⁶³
        XCTAssertFalse(n.equals(Int64.min))
        n.subtract(Int64.min)
        n.subtract(Int64.min)
        XCTAssertTrue(n.equals(Int64.min))
        XCTAssertEqual(WideSum(-5).description, "-5")
    }
}

/// The number reading as it was before the one-pass reader: arrays and a parsed string.
enum StringNumberReading {
    static func parseNumber(_ cell: [UInt8]) -> CellValue? {
        if cell.count <= 18, cell.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            var v: Int64 = 0
            for b in cell { v = v * 10 + Int64(b - 0x30) }
            return .number(NumberValue(integer: v, double: Double(v), decimals: 0, unit: nil))
        }
        var ascii: [UInt8] = []
        var i = 0
        var unit: CellUnit?
        while i < cell.count {
            let b = cell[i]
            if b < 0x80 {
                if b == 0x20 { i += 1; continue }
                ascii.append(b); i += 1; continue
            }
            if b == 0xEF, i + 2 < cell.count, cell[i + 1] == 0xBC || cell[i + 1] == 0xBD {
                let c = Int(cell[i + 1] == 0xBC ? cell[i + 2] - 0x80 + 0x20 : cell[i + 2] - 0x80 + 0x60)
                if c >= 0x21 && c <= 0x7E {
                    if c == 0x25 { unit = .fullWidthPercent; break }
                    ascii.append(UInt8(c)); i += 3; continue
                }
            }
            let rest = cell[i...]
            if let u = CellUnit.byteForms.first(where: { rest.elementsEqual($0.bytes) }) {
                unit = u.unit
                break
            }
            return nil
        }
        if let pct = ascii.lastIndex(of: 0x25), pct == ascii.count - 1 {
            unit = .percent; ascii.removeLast()
        }
        return parseASCII(ascii, unit: unit)
    }

    private static func parseASCII(_ s: [UInt8], unit: CellUnit?) -> CellValue? {
        var i = 0
        var negative = false
        if i < s.count, s[i] == 0x2B || s[i] == 0x2D { negative = s[i] == 0x2D; i += 1 }
        guard i < s.count, s[i] >= 0x30 && s[i] <= 0x39 else { return nil }
        var digits: [UInt8] = []
        var groupLen = 0
        var sawSeparator = false
        while i < s.count {
            let b = s[i]
            if b >= 0x30 && b <= 0x39 { digits.append(b); groupLen += 1; i += 1 }
            else if b == 0x2C {
                if (sawSeparator && groupLen != 3) || (!sawSeparator && groupLen > 3) { return nil }
                sawSeparator = true; groupLen = 0; i += 1
            } else { break }
        }
        if sawSeparator && groupLen != 3 { return nil }
        var fraction: [UInt8] = []
        if i < s.count, s[i] == 0x2E {
            i += 1
            while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 { fraction.append(s[i]); i += 1 }
            if fraction.isEmpty { return nil }
        }
        guard i == s.count else { return nil }
        let significant = digits.drop { $0 == 0x30 }
        if significant.count > 18 {
            var big = Int64(0)
            var overflow = false
            for d in significant {
                let (m, o1) = big.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d - 0x30))
                if o1 || o2 { overflow = true; break }
                big = a
            }
            if overflow { return .overflow }
        }
        var intPart: Int64 = 0
        for d in digits { intPart = intPart &* 10 &+ Int64(d - 0x30) }
        if negative { intPart = -intPart }
        if fraction.isEmpty {
            return .number(NumberValue(integer: intPart, double: Double(intPart), decimals: 0, unit: unit))
        }
        let text = (negative ? "-" : "") + String(decoding: digits, as: UTF8.self) + "." + String(decoding: fraction, as: UTF8.self)
        guard let d = Double(text) else { return nil }
        let whole = fraction.allSatisfy { $0 == 0x30 }
        return .number(NumberValue(integer: whole ? intPart : nil, double: d, decimals: fraction.count, unit: unit))
    }
}
