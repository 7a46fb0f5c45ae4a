// Step one of ingestion: bytes on disk → UTF-8 text.
//
// Reports arrive as UTF-8 (with or without BOM), UTF-16 with a BOM (Word's "Unicode text"),
// or GB18030/GBK, the usual encoding of Chinese government files that are not UTF-8. The
// encoding is detected, never asked for; GB18030 and UTF-16 go through glibc's iconv.
// Binary files are refused with a message that names the problem.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8", utf8BOM = "UTF-8 (BOM)", utf16LE = "UTF-16LE", utf16BE = "UTF-16BE"
    case gb18030 = "GB18030"
}

public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case binary(String)
    case undecodable

    public var description: String {
        switch self {
        case .empty: return "the file is empty"
        case .binary(let why): return "not a text report (\(why))"
        case .undecodable: return "not UTF-8, UTF-16 or GB18030 text"
        }
    }
}

public enum Decoder {
    /// The text of `bytes` as UTF-8, and the encoding it was found in.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> (utf8: [UInt8], encoding: TextEncoding) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw .empty }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let rest = Array(bytes.dropFirst(3))
            guard isValidUTF8(rest) else { throw .undecodable }
            try rejectControlHeavy(rest)
            return (rest, .utf8BOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return (try checked(convert(Array(bytes.dropFirst(2)), from: "UTF-16LE")), .utf16LE)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return (try checked(convert(Array(bytes.dropFirst(2)), from: "UTF-16BE")), .utf16BE)
        }
        if let utf16 = guessBOMlessUTF16(bytes) {
            return (try checked(convert(bytes, from: utf16.rawValue)), utf16)
        }
        if bytes.contains(0) { throw .binary("it contains NUL bytes") }
        if isValidUTF8(bytes) {
            try rejectControlHeavy(bytes)
            return (bytes, .utf8)
        }
        if let text = convert(bytes, from: "GB18030") {
            try rejectControlHeavy(text)
            return (text, .gb18030)
        }
        throw .undecodable
    }

    private static func checked(_ text: [UInt8]?) throws(DecodingError) -> [UInt8] {
        guard let text else { throw .undecodable }
        try rejectControlHeavy(text)
        return text
    }

    /// UTF-16 without a BOM shows as ASCII with every other byte zero.
    private static func guessBOMlessUTF16(_ bytes: [UInt8]) -> TextEncoding? {
        let n = min(bytes.count, 4096) & ~1
        guard n >= 8 else { return nil }
        var evenZero = 0, oddZero = 0
        for i in stride(from: 0, to: n, by: 2) {
            if bytes[i] == 0 { evenZero += 1 }
            if bytes[i + 1] == 0 { oddZero += 1 }
        }
        let pairs = n / 2
        if oddZero * 10 > pairs * 3 && evenZero * 10 < pairs { return .utf16LE }
        if evenZero * 10 > pairs * 3 && oddZero * 10 < pairs { return .utf16BE }
        return nil
    }

    /// Text whose bytes are more than 1% control characters (other than tab, CR, LF, FF) is
    /// binary that happens to decode.
    private static func rejectControlHeavy(_ text: [UInt8]) throws(DecodingError) {
        var controls = 0
        for b in text where b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C {
            controls += 1
        }
        if controls > 0 && controls * 100 > text.count {
            throw .binary("\(controls) control bytes in \(text.count)")
        }
    }

    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        let n = bytes.count
        return bytes.withUnsafeBufferPointer { p in
            while i < n {
                let b = p[i]
                if b < 0x80 { i += 1; continue }
                let len: Int
                if b & 0xE0 == 0xC0 { len = 2; if b < 0xC2 { return false } }
                else if b & 0xF0 == 0xE0 { len = 3 }
                else if b & 0xF8 == 0xF0 { len = 4; if b > 0xF4 { return false } }
                else { return false }
                if i + len > n { return false }
                for k in 1..<len where p[i + k] & 0xC0 != 0x80 { return false }
                if len == 3 {
                    let c1 = p[i + 1]
                    if b == 0xE0 && c1 < 0xA0 { return false }
                    if b == 0xED && c1 >= 0xA0 { return false }
                }
                if len == 4 {
                    let c1 = p[i + 1]
                    if b == 0xF0 && c1 < 0x90 { return false }
                    if b == 0xF4 && c1 >= 0x90 { return false }
                }
                i += len
            }
            return true
        }
    }

    /// Converts `bytes` from `encoding` to UTF-8 with iconv; nil when the input is not valid
    /// in that encoding.
    static func convert(_ bytes: [UInt8], from encoding: String) -> [UInt8]? {
        iconv(bytes, from: encoding, to: "UTF-8", growth: 2)
    }

    /// Encodes UTF-8 text into another encoding (for tests and the corpus generator).
    public static func encode(_ utf8: [UInt8], to encoding: String) -> [UInt8]? {
        iconv(utf8, from: "UTF-8", to: encoding, growth: 4)
    }

    /// One iconv conversion of a whole buffer; nil when iconv rejects any of it.
    private static func iconv(_ bytes: [UInt8], from source: String, to target: String, growth: Int) -> [UInt8]? {
        let cd = iconv_open(target, source)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * growth + 16)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)!
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = Glibc.iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 || inLeft != 0 { return nil }
                return outBuf.count - outLeft
            }
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return output
    }
}
