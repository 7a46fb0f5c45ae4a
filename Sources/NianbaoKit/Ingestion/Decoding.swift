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

/// A file's text as UTF-8: what `Decoder.decode` makes of its bytes.
public struct DecodedText: Sendable {
    public var utf8: [UInt8]
    /// The encoding the bytes were found in.
    public var encoding: TextEncoding
    /// How many bytes at the very end begin a character and stop before it is whole: a file
    /// cut short (a download or a copy that stopped) usually stops inside a character, and
    /// all before the cut is still text. They are left out of `utf8`; the reader reports them.
    public var unfinished: Int = 0
}

public enum Decoder {
    /// The text of `bytes` as UTF-8, and the encoding it was found in.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> DecodedText {
        // One pass answers the common case (UTF-8 text without a BOM) and rules out others.
        let scan = bytes.withUnsafeBufferPointer(TextScan.init)
        if scan.onlySpace { throw .empty }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let text = Array(bytes.dropFirst(3))
            if scan.isValidUTF8 {
                try scan.rejectControlHeavy(count: text.count)
                return DecodedText(utf8: text, encoding: .utf8BOM)
            }
            guard let cut = try cutShortUTF8(text) else { throw .undecodable }
            return DecodedText(utf8: cut.text, encoding: .utf8BOM, unfinished: cut.unfinished)
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return try checked(convert(Array(bytes.dropFirst(2)), from: "UTF-16LE"), .utf16LE)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return try checked(convert(Array(bytes.dropFirst(2)), from: "UTF-16BE"), .utf16BE)
        }
        if scan.hasNUL {
            if let utf16 = guessBOMlessUTF16(bytes) {
                return try checked(convert(bytes, from: utf16.rawValue), utf16)
            }
            throw .binary("it contains NUL bytes")
        }
        if scan.isValidUTF8 {
            try scan.rejectControlHeavy(count: bytes.count)
            return DecodedText(utf8: bytes, encoding: .utf8)
        }
        // UTF-8 up to a cut inside its last character comes before GB18030: Chinese text in
        // GB18030 is not valid UTF-8 for more than a few bytes, and the cut one would be
        // taken for GB18030 only to fail there too.
        if let cut = try cutShortUTF8(bytes) {
            return DecodedText(utf8: cut.text, encoding: .utf8, unfinished: cut.unfinished)
        }
        if let converted = convert(bytes, from: "GB18030") {
            return try checked(converted, .gb18030)
        }
        throw .undecodable
    }

    /// The text before an unfinished last character, when `bytes` end with the first one to
    /// three bytes of a character and all before them is valid UTF-8; nil otherwise.
    private static func cutShortUTF8(_ bytes: [UInt8]) throws(DecodingError) -> (text: [UInt8], unfinished: Int)? {
        let n = bytes.count
        // The lead of the last character: within its last three bytes, the rest continuations.
        var k = 1
        while k <= min(3, n) && bytes[n - k] & 0xC0 == 0x80 { k += 1 }
        guard k <= min(3, n) else { return nil }
        let lead = bytes[n - k]
        let length = Bytes.characterLength(lead)
        guard length > k else { return nil }
        let text = Array(bytes[..<(n - k)])
        let scan = text.withUnsafeBufferPointer(TextScan.init)
        guard scan.isValidUTF8, !scan.onlySpace else { return nil }
        try scan.rejectControlHeavy(count: text.count)
        return (text, k)
    }

    /// What one pass over a file's bytes tells: whether it is all white space, has NUL bytes,
    /// how many control bytes it has, and whether it is valid UTF-8. A block (`Block`) at a
    /// time while the bytes are plain (`isPlainBlock`): ASCII without control bytes, and whole
    /// sequences of the common leads. Anything else, and the first bytes and the last, a
    /// sequence at a time.
    struct TextScan {
        /// Thirty-two bytes: one AVX2 register where the build has them (see Package.swift),
        /// two SSE ones where not. Sixteen at a time, the blocks of Chinese text were a
        /// seventeenth of a load's instructions.
        typealias Block = SIMD32<UInt8>
        /// A block as four words, for `&`, `|`, `^` and `~`: the standard library has those
        /// only generically for thirty-two bytes, a loop over the lanes, but as vector
        /// instructions for four words (and `.==` and `&-` for the bytes).
        typealias Words = SIMD4<UInt64>

        @inline(__always) static func words(_ v: Block) -> Words { unsafeBitCast(v, to: Words.self) }

        /// The lanes of `v` that equal `byte` (0xFF), the others 0.
        @inline(__always) static func equal(_ v: Block, _ byte: UInt8) -> Words {
            words(unsafeBitCast(v .== Block(repeating: byte), to: Block.self))
        }

        /// Each byte of `v` and `bits`.
        @inline(__always) static func masked(_ v: Block, _ bits: UInt8) -> Block {
            unsafeBitCast(words(v) & Words(repeating: UInt64(bits) &* 0x0101_0101_0101_0101), to: Block.self)
        }

        var onlySpace = true
        var hasNUL = false
        var controls = 0
        var isValidUTF8 = true

        init(_ p: UnsafeBufferPointer<UInt8>) {
            let n = p.count
            guard let base = p.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            var i = 0
            // Bytes before `sequential` are read a sequence at a time: a block the vector test
            // turned away. `vectorEnd` is where the last plain block ended.
            var sequential = 0, vectorEnd = -1
            let width = Block.scalarCount
            while i < n {
                if i >= sequential && i >= 3 && !onlySpace {
                    // Printable ASCII (a page's markup, its styles) is passed a block at a time
                    // in a loop of its own, once no character before it is left open.
                    // Wrapping steps: `i` stays within the text's `n` bytes.
                    if i &+ width <= n && TextScan.isPrintableASCII(raw, at: i) && TextScan.openLead(base, before: i) == 0 {
                        i &+= width
                        while i &+ width <= n && TextScan.isPrintableASCII(raw, at: i) { i &+= width }
                        vectorEnd = i
                        continue
                    }
                    // So is Chinese text: each block in the loop is tested once, not first as
                    // ASCII.
                    if i &+ width <= n && TextScan.isPlainBlock(raw, at: i) {
                        i &+= width
                        while i &+ width <= n && TextScan.isPlainBlock(raw, at: i) { i &+= width }
                        vectorEnd = i
                        continue
                    }
                    sequential = i + width
                    // A character whose lead ended the plain block runs into this one: it is
                    // read again from its lead (its bytes before `i` are only its continuations).
                    if vectorEnd == i { i -= TextScan.openLead(base, before: i) }
                }
                if i &+ 8 <= n {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if w & 0x8080_8080_8080_8080 == 0 {
                        // All ASCII: only control bytes other than tab, LF and CR (and the first
                        // non-space) need a look. Each mask has the high bit of its bytes.
                        let below20 = ~((w | 0x8080_8080_8080_8080) &- 0x2020_2020_2020_2020) & 0x8080_8080_8080_8080
                        // Most words hold no byte below 0x20 at all: no tab or line end to tell
                        // apart. (Longer runs of ASCII are passed by the blocks above.)
                        if below20 == 0 && !onlySpace { i &+= 8; continue }
                        let spacing = TextScan.bytes(w, equalTo: 0x09) | TextScan.bytes(w, equalTo: 0x0A)
                            | TextScan.bytes(w, equalTo: 0x0D)
                        if below20 & ~spacing == 0 && !onlySpace { i &+= 8; continue }
                        for k in 0..<8 { ascii(base[i &+ k]) }
                        i &+= 8
                        continue
                    }
                }
                let b = base[i]
                if b < 0x80 { ascii(b); i &+= 1; continue }
                onlySpace = false
                // Chinese text is mostly runs of three-byte characters: such a run is checked
                // here (lead 1110xxxx, then 10xxxxxx twice, neither overlong nor a surrogate),
                // two characters per eight-byte load while neither lead is E0 or ED (whose
                // second byte has a narrower range), else one per four-byte load.
                var j = i
                while true {
                    while j &+ 8 <= n {
                        let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self).littleEndian
                        guard w & 0x0000_C0C0_F0C0_C0F0 == 0x0000_8080_E080_80E0 else { break }
                        let l0 = UInt8(truncatingIfNeeded: w), l1 = UInt8(truncatingIfNeeded: w >> 24)
                        guard l0 != 0xE0 && l0 != 0xED && l1 != 0xE0 && l1 != 0xED else { break }
                        j &+= 6
                    }
                    guard j &+ 4 <= n else { break }
                    let w = raw.loadUnaligned(fromByteOffset: j, as: UInt32.self).littleEndian
                    guard w & 0x00C0_C0F0 == 0x0080_80E0 else { break }
                    let lead = UInt8(truncatingIfNeeded: w), c1 = UInt8(truncatingIfNeeded: w >> 8)
                    guard (lead != 0xE0 || c1 >= 0xA0) && (lead != 0xED || c1 < 0xA0) else { break }
                    j &+= 3
                }
                if j > i { i = j; continue }
                if b & 0xF0 == 0xE0, i + 2 < n {
                    let c1 = base[i + 1], c2 = base[i + 2]
                    if c1 & 0xC0 == 0x80, c2 & 0xC0 == 0x80, b != 0xE0 || c1 >= 0xA0, b != 0xED || c1 < 0xA0 {
                        i += 3
                        continue
                    }
                }
                let len = Decoder.sequenceLength(base, i, n)
                if len == 0 { isValidUTF8 = false; i += 1 } else { i += len }
            }
            // A plain block that ends the text must not end inside a character.
            if vectorEnd == n && TextScan.openLead(base, before: n) != 0 { isValidUTF8 = false }
        }

        /// How far back from `i` (1, 2 or 3 bytes) the lead of a character that runs on to `i`
        /// or past it is, or 0 when none does: a lead of two or more bytes just before `i`, of
        /// three or four two before, of four three before. (`i` ≥ 3.)
        @inline(__always)
        static func openLead(_ base: UnsafePointer<UInt8>, before i: Int) -> Int {
            if base[i &- 1] >= 0xC0 { return 1 }
            if base[i &- 2] >= 0xE0 { return 2 }
            if base[i &- 3] >= 0xF0 { return 3 }
            return 0
        }

        /// Whether the block at `i` is all 0x20…0x7F: a byte's high bit is set in
        /// `v | (v - 0x20)` when it is either below 0x20 or not ASCII.
        @inline(__always)
        static func isPrintableASCII(_ raw: UnsafeRawPointer, at i: Int) -> Bool {
            let v = raw.loadUnaligned(fromByteOffset: i, as: Block.self)
            return isZero((words(v) | words(v &- Block(repeating: 0x20))) & Words(repeating: 0x8080_8080_8080_8080))
        }

        /// Whether every bit of `w` is 0.
        @inline(__always)
        static func isZero(_ w: Words) -> Bool { w[0] | w[1] | w[2] | w[3] == 0 }

        /// Whether the block at `i` is plain, and valid UTF-8 given the three bytes before
        /// them: every continuation byte (10xxxxxx) is where a lead before it wants one, and
        /// there is none where one is wanted; no control byte but tab, LF and CR; no lead
        /// whose second byte has a narrower range or that is never valid (C0, C1, E0, ED, F0
        /// and up, read a sequence at a time). A character may run past the block's end: the
        /// next block, or the reading after it, checks its last bytes.
        @inline(__always)
        static func isPlainBlock(_ raw: UnsafeRawPointer, at i: Int) -> Bool {
            // Every test is an equality of masked bytes (see `Lanes`): a byte is at least C0,
            // E0 or F0 when its top two, three or four bits are set, and below 20 when its top
            // three are clear.
            @inline(__always) func top(_ x: Block, _ bits: UInt8) -> Words { equal(masked(x, bits), bits) }
            let v = raw.loadUnaligned(fromByteOffset: i, as: Block.self)
            let back1 = raw.loadUnaligned(fromByteOffset: i &- 1, as: Block.self)
            let back2 = raw.loadUnaligned(fromByteOffset: i &- 2, as: Block.self)
            let back3 = raw.loadUnaligned(fromByteOffset: i &- 3, as: Block.self)
            let continuation = equal(masked(v, 0xC0), 0x80)
            let wanted = top(back1, 0xC0) | top(back2, 0xE0) | top(back3, 0xF0)
            let spacing = equal(v, 0x09) | equal(v, 0x0A) | equal(v, 0x0D)
            let control = equal(masked(v, 0xE0), 0) & ~spacing
            let rareLead = top(v, 0xF0) | equal(masked(v, 0xFE), 0xC0) | equal(v, 0xE0) | equal(v, 0xED)
            return isZero((continuation ^ wanted) | control | rareLead)
        }

        /// The high bit of each byte of `w` that equals `b`, and no other bit.
        @inline(__always)
        static func bytes(_ w: UInt64, equalTo b: UInt8) -> UInt64 {
            let x = w ^ (UInt64(b) &* 0x0101_0101_0101_0101)
            // A byte's high bit is set here when any of its bits is: x is not zero there.
            let nonzero = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
            return ~nonzero & 0x8080_8080_8080_8080
        }

        @inline(__always)
        private mutating func ascii(_ b: UInt8) {
            if b < 0x20 {
                if b == 0x09 || b == 0x0A || b == 0x0D { return }
                if b == 0 { hasNUL = true }
                if b != 0x0C { controls += 1 }
            }
            if b != 0x20 { onlySpace = false }
        }

        /// Text whose bytes are more than 1% control characters (other than tab, CR, LF, FF)
        /// is binary that happens to decode.
        func rejectControlHeavy(count: Int) throws(DecodingError) {
            if controls > 0 && controls * 100 > count {
                throw .binary("\(controls) control bytes in \(count)")
            }
        }
    }

    /// The length of the valid UTF-8 sequence starting at `p[i]` (a non-ASCII lead byte), or
    /// 0 when it is not valid.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b = p[i]
        let len: Int
        if b & 0xE0 == 0xC0 { len = 2; if b < 0xC2 { return 0 } }
        else if b & 0xF0 == 0xE0 { len = 3 }
        else if b & 0xF8 == 0xF0 { len = 4; if b > 0xF4 { return 0 } }
        else { return 0 }
        if i + len > n { return 0 }
        for k in 1..<len where p[i + k] & 0xC0 != 0x80 { return 0 }
        if len == 3 {
            let c1 = p[i + 1]
            if b == 0xE0 && c1 < 0xA0 { return 0 }
            if b == 0xED && c1 >= 0xA0 { return 0 }
        }
        if len == 4 {
            let c1 = p[i + 1]
            if b == 0xF0 && c1 < 0x90 { return 0 }
            if b == 0xF4 && c1 >= 0x90 { return 0 }
        }
        return len
    }

    private static func checked(_ converted: (text: [UInt8], unfinished: Int)?, _ encoding: TextEncoding) throws(DecodingError) -> DecodedText {
        guard let converted else { throw .undecodable }
        try rejectControlHeavy(converted.text)
        return DecodedText(utf8: converted.text, encoding: encoding, unfinished: converted.unfinished)
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

    private static func rejectControlHeavy(_ text: [UInt8]) throws(DecodingError) {
        try text.withUnsafeBufferPointer(TextScan.init).rejectControlHeavy(count: text.count)
    }

    /// Converts `bytes` from `encoding` to UTF-8 with iconv, and counts the bytes of an
    /// unfinished character at their end (left out); nil when the input is not valid in that
    /// encoding.
    static func convert(_ bytes: [UInt8], from encoding: String) -> (text: [UInt8], unfinished: Int)? {
        iconv(bytes, from: encoding, to: "UTF-8", growth: 2)
    }

    /// Encodes UTF-8 text into another encoding (for tests and the corpus generator).
    public static func encode(_ utf8: [UInt8], to encoding: String) -> [UInt8]? {
        guard let encoded = iconv(utf8, from: "UTF-8", to: encoding, growth: 4), encoded.unfinished == 0 else { return nil }
        return encoded.text
    }

    /// One iconv conversion of a whole buffer; nil when iconv rejects any of it. The input may
    /// end inside a character (iconv's EINVAL, a multibyte sequence left incomplete at the end
    /// of the input): what came before it is converted, and its bytes (at most three: no
    /// character of these encodings has more than four) are counted.
    private static func iconv(_ bytes: [UInt8], from source: String, to target: String, growth: Int) -> (text: [UInt8], unfinished: Int)? {
        let cd = iconv_open(target, source)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * growth + 16)
        var unfinished = 0
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress)!
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = Glibc.iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if r == -1 && !(errno == EINVAL && inLeft <= 3) { return nil }
                unfinished = inLeft
                return outBuf.count - outLeft
            }
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return (output, unfinished)
    }
}
