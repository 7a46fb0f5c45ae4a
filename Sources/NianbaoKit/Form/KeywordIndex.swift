// Matching labels against the form's key words in one pass over UTF-8 bytes.
//
// Reading a report matches ~100 labels against ~120 key words; doing that with String
// searches dominated load time. Here a label is folded straight from bytes (the common
// cases: spaces, full-width forms, quotes, traditional characters) and scanned once: at each
// character, the key words that start with it are compared byte by byte. The rare cases
// (pinyin, Word markup, Taiwan wording) fall back to LabelFolding.fold on a String.

public struct KeywordHits: Sendable {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func insert(_ i: Int) {
        switch i >> 6 {
        case 0: bits.0 |= 1 << UInt64(i & 63)
        case 1: bits.1 |= 1 << UInt64(i & 63)
        case 2: bits.2 |= 1 << UInt64(i & 63)
        default: bits.3 |= 1 << UInt64(i & 63)
        }
    }

    public func contains(_ i: Int) -> Bool {
        switch i >> 6 {
        case 0: return bits.0 & (1 << UInt64(i & 63)) != 0
        case 1: return bits.1 & (1 << UInt64(i & 63)) != 0
        case 2: return bits.2 & (1 << UInt64(i & 63)) != 0
        default: return bits.3 & (1 << UInt64(i & 63)) != 0
        }
    }

    public func containsAny(_ ids: [Int]) -> Bool { ids.contains { contains($0) } }
    public var isEmpty: Bool { bits.0 | bits.1 | bits.2 | bits.3 == 0 }
}

/// Every key word of the form, numbered, with an index by first character.
public final class KeywordIndex: Sendable {
    public static let shared = KeywordIndex()

    private let keywords: [[UInt8]]
    private let ids: [String: Int]
    /// Key words by the UTF-8 bytes of their first character, packed into a UInt32.
    private let byFirst: [UInt32: [Int]]
    /// For first characters of three UTF-8 bytes (U+0800…U+FFFF): 1 + an index into
    /// `cjkCandidates`, or 0.
    private let cjkSlot: [UInt16]
    private let cjkCandidates: [[Int]]
    /// For ASCII first characters: the key words starting with that byte.
    private let asciiCandidates: [[Int]]

    private init() {
        let form = Form.standard
        var words: [String] = []
        func add(_ w: String) { if !words.contains(w) { words.append(w) } }
        for r in form.s2Rows + form.s3Rows + form.s3Groups + form.s4Groups { r.keywords.forEach(add) }
        for c in form.s2Columns + form.s3Columns + form.s4Columns { c.keywords.forEach(add) }
        for s in form.sections { s.headingKeywords.flatMap { $0 }.forEach(add) }
        for w in KeywordIndex.extraWords { add(LabelFolding.fold(w)) }
        precondition(words.count <= 256, "KeywordHits holds 256 key words")
        keywords = words.map { Array($0.utf8) }
        var ids: [String: Int] = [:]
        for (i, w) in words.enumerated() { ids[w] = i }
        self.ids = ids
        var byFirst: [UInt32: [Int]] = [:]
        for (i, k) in keywords.enumerated() {
            byFirst[KeywordIndex.packFirst(k[...]), default: []].append(i)
        }
        self.byFirst = byFirst
        var slots = [UInt16](repeating: 0, count: 0x10000)
        var candidates: [[Int]] = []
        for (packed, list) in byFirst where packed >= 0xE0A080 && packed <= 0xEFBFBF {
            let b0 = (packed >> 16) & 0xFF, b1 = (packed >> 8) & 0xFF, b2 = packed & 0xFF
            let scalar = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
            candidates.append(list)
            slots[Int(scalar)] = UInt16(candidates.count)
        }
        cjkSlot = slots
        cjkCandidates = candidates
        asciiCandidates = (0..<128).map { byFirst[UInt32($0)] ?? [] }
    }

    /// Words the readers look for besides the form's own labels.
    static let extraWords = ["第二十条", "信息内容", "总计", "其他", "报告", "年", "结转", "行政诉讼", "信息处理费"]

    /// The id of a (folded) key word.
    public func id(_ word: String) -> Int {
        guard let i = ids[word] else { preconditionFailure("'\(word)' is not in the keyword index") }
        return i
    }

    public func ids(_ words: [String]) -> [Int] { words.map(id) }

    @inline(__always)
    static func packFirst(_ s: ArraySlice<UInt8>) -> UInt32 {
        let b0 = s[s.startIndex]
        let n = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
        var v: UInt32 = 0
        for k in 0..<min(n, s.count) { v = v << 8 | UInt32(s[s.startIndex + k]) }
        return v
    }

    /// The key words that occur in a folded label.
    public func scan(_ folded: [UInt8]) -> KeywordHits {
        var hits = KeywordHits()
        folded.withUnsafeBufferPointer { p in
            var i = 0
            let n = p.count
            while i < n {
                let b0 = p[i]
                let len = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
                var list: [Int]?
                if b0 < 0x80 {
                    let c = asciiCandidates[Int(b0)]
                    if c.isEmpty { i += 1; continue }
                    list = c
                } else if len == 3 && i + 2 < n {
                    let scalar = (UInt32(b0 & 0x0F) << 12) | (UInt32(p[i + 1] & 0x3F) << 6) | UInt32(p[i + 2] & 0x3F)
                    let slot = cjkSlot[Int(scalar)]
                    if slot == 0 { i += 3; continue }
                    list = cjkCandidates[Int(slot) - 1]
                }
                if list == nil {
                    var v: UInt32 = 0
                    var k = 0
                    while k < len && i + k < n { v = v << 8 | UInt32(p[i + k]); k += 1 }
                    list = byFirst[v]
                }
                if let candidates = list {
                    for c in candidates {
                        let w = keywords[c]
                        if i + w.count <= n {
                            var j = len
                            while j < w.count && p[i + j] == w[j] { j += 1 }
                            if j == w.count { hits.insert(c) }
                        }
                    }
                }
                i += len
            }
        }
        return hits
    }
}

extension LabelFolding {
    /// `traditionalToSimplified` as a flat table over U+4E00…U+9FFF (0: no mapping), so the
    /// hot path does an index, not a hash, per character.
    static let simplifiedTable: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 0x9FFF - 0x4E00 + 1)
        for (t, s) in traditionalToSimplified where t >= 0x4E00 && t <= 0x9FFF { table[Int(t - 0x4E00)] = s }
        return table
    }()

    /// `fold` straight from UTF-8 bytes, for the reader's hot path; the same result.
    public static func foldBytes(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        s.withUnsafeBufferPointer { foldBytes($0[...], into: &out) }
        return out
    }

    /// Folds `s` into `out` (emptied first), so that a reader can reuse one buffer for all
    /// its labels.
    static func foldBytes(_ s: TextBytes, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = s.startIndex
        let end = s.endIndex
        while i < end {
            let b = s[i]
            if b < 0x80 {
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
                if b == 0x27 { out.append(0x22) } else { out.append(b) }
                // Possible pinyin or Word markup: take the careful path.
                if b == 0x5B || (b == 0x28 && i + 1 < end && ((s[i + 1] >= 0x61 && s[i + 1] <= 0x7A) || (s[i + 1] >= 0xC3 && s[i + 1] <= 0xC7))) {
                    out = Array(fold(String(decoding: s, as: UTF8.self)).utf8); return
                }
                i += 1
                continue
            }
            if b < 0xE0 {
                // Two-byte: NBSP is spacing; the rest (Latin with tone marks) goes careful.
                if b == 0xC2, i + 1 < end, s[i + 1] == 0xA0 { i += 2; continue }
                out = Array(fold(String(decoding: s, as: UTF8.self)).utf8); return
            }
            guard b < 0xF0, i + 2 < end else {
                out = Array(fold(String(decoding: s, as: UTF8.self)).utf8); return
            }
            let b1 = s[i + 1], b2 = s[i + 2]
            let scalar = (UInt32(b & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
            switch scalar {
            case 0x3000, 0x2002...0x200B, 0xFEFF:
                break
            case 0xFF01...0xFF5E:
                let a = UInt8(scalar - 0xFEE0)
                if a == 0x28, i + 3 < end, (s[i + 3] >= 0x61 && s[i + 3] <= 0x7A) || (s[i + 3] >= 0xC3 && s[i + 3] <= 0xC7) {
                    out = Array(fold(String(decoding: s, as: UTF8.self)).utf8); return
                }
                out.append(a == 0x27 ? 0x22 : a)
            case 0x201C, 0x201D, 0x300C, 0x300D, 0x300E, 0x300F, 0x2018, 0x2019:
                out.append(0x22)
            case 0x3014, 0x3010:
                out.append(0x5B)
            case 0x3015, 0x3011:
                out.append(0x5D)
            case 0x2215:
                out.append(0x2F)
            default:
                if scalar >= 0x4E00 && scalar <= 0x9FFF, case let simple = simplifiedTable[Int(scalar - 0x4E00)], simple != 0 {
                    appendUTF8(simple, to: &out)
                    // Taiwan wording (資訊, 檔案) is rare; let the careful path handle it.
                    if simple == 0x8BAF || simple == 0x6863 { out = Array(fold(String(decoding: s, as: UTF8.self)).utf8); return }
                } else {
                    out.append(b); out.append(b1); out.append(b2)
                }
            }
            i += 3
        }
    }

    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(0xE0 | (v >> 12)))
        out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (v & 0x3F)))
    }
}
