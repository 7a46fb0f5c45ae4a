// Matching labels against the form's key words in one pass over UTF-8 bytes.
//
// Reading a report matches ~100 labels against ~120 key words; doing that with String
// searches dominated load time. Here a label is folded straight from bytes (the common
// cases: spaces, full-width forms, quotes, traditional characters) and scanned once: at each
// character, the key words that start with it are compared byte by byte. The rare cases
// (pinyin, Word markup, Taiwan wording) fall back to LabelFolding.fold on a String.

/// A set of numbers 0…255 as 256 bits: membership is a shift and a mask, and two sets meet
/// in four ANDs.
struct Bits256: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(_ members: some Sequence<Int>) { for i in members { insert(i) } }

    mutating func insert(_ i: Int) {
        let bit = UInt64(1) << UInt64(i & 63)
        switch i >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    @inline(__always)
    func contains(_ i: Int) -> Bool {
        let word: UInt64
        switch i >> 6 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return word & (UInt64(1) << UInt64(i & 63)) != 0
    }

    var isEmpty: Bool { words.0 | words.1 | words.2 | words.3 == 0 }

    func intersects(_ other: Bits256) -> Bool {
        (words.0 & other.words.0) | (words.1 & other.words.1) | (words.2 & other.words.2) | (words.3 & other.words.3) != 0
    }

    @inline(__always)
    func intersection(_ other: Bits256) -> Bits256 {
        var out = Bits256()
        out.words = (words.0 & other.words.0, words.1 & other.words.1, words.2 & other.words.2, words.3 & other.words.3)
        return out
    }

    /// Calls `body` with each member, in increasing order.
    @inline(__always)
    func forEach(_ body: (Int) -> Void) {
        @inline(__always) func each(_ word: UInt64, _ base: Int) {
            var w = word
            while w != 0 {
                body(base | w.trailingZeroBitCount)
                w &= w - 1
            }
        }
        each(words.0, 0); each(words.1, 64); each(words.2, 128); each(words.3, 192)
    }
}

/// The key words found in a label, by id.
public struct KeywordHits: Sendable {
    private var ids = Bits256()

    init() {}

    /// The set of `ids`, to test a label's hits against at once.
    init(_ ids: [Int]) { self.ids = Bits256(ids) }

    mutating func insert(_ i: Int) { ids.insert(i) }
    /// Asked several times of every label by the table readers: left to the optimiser, it
    /// stayed a call, which passes the 32-byte set for a one-word test.
    @inline(__always)
    public func contains(_ i: Int) -> Bool { ids.contains(i) }
    public func containsAny(_ ids: [Int]) -> Bool { ids.contains { contains($0) } }
    public var isEmpty: Bool { ids.isEmpty }
    func intersects(_ other: KeywordHits) -> Bool { ids.intersects(other.ids) }
    @inline(__always)
    func intersection(_ other: KeywordHits) -> KeywordHits { var out = KeywordHits(); out.ids = ids.intersection(other.ids); return out }

    /// Calls `body` with each id in the set, in increasing order.
    @inline(__always)
    func forEach(_ body: (Int) -> Void) { ids.forEach(body) }
}

/// A set of characters of the CJK block U+4E00…U+9FFF, where almost all of a label's
/// characters are, as a bit per character: 2.6 KB, small enough to stay in the first-level
/// cache, so the hot paths test it before touching a bigger table. Members are offsets from
/// U+4E00. Allocated once per process by the tables that own one, never freed.
struct HanBitmap: @unchecked Sendable {
    static let first: UInt32 = 0x4E00, last: UInt32 = 0x9FFF
    static let count = Int(last - first) + 1

    private let words: UnsafeMutableBufferPointer<UInt64>

    init(_ members: some Sequence<Int>) {
        words = .allocate(capacity: (HanBitmap.count + 63) / 64)
        words.initialize(repeating: 0)
        for k in members { words[k >> 6] |= 1 << UInt64(k & 63) }
    }

    /// The offset of `scalar` in the block, or nil outside it.
    @inline(__always)
    static func offset(_ scalar: UInt32) -> Int? {
        scalar >= first && scalar <= last ? Int(scalar - first) : nil
    }

    @inline(__always)
    func contains(_ k: Int) -> Bool { words[k >> 6] & (1 << UInt64(k & 63)) != 0 }
}

/// A list of things each named by key words (the rows of a table, its columns), indexed by
/// key word: which of them a label names is then a look-up per key word found in the label,
/// not a test per thing.
public struct KeywordTable: Sendable {
    /// By key-word id: the first and the last item named by it, or -1.
    private let firstItem: [Int16]
    private let lastItem: [Int16]
    /// The key words that name any item: most labels a table reader asks about name none of
    /// one table's items (a column header, another table's row), and are answered at once.
    private let naming: KeywordHits

    /// `items[i]`: the key-word ids of item i.
    init(_ items: [[Int]]) {
        var first = [Int16](repeating: -1, count: 256), last = [Int16](repeating: -1, count: 256)
        for (i, ids) in items.enumerated() {
            for id in ids {
                if first[id] < 0 { first[id] = Int16(i) }
                last[id] = Int16(i)
            }
        }
        firstItem = first
        lastItem = last
        naming = KeywordHits(items.flatMap { $0 })
    }

    /// The first item, in the list's order, named by any of `hits`.
    func first(_ hits: KeywordHits) -> Int? {
        let named = hits.intersection(naming)
        if named.isEmpty { return nil }
        var best = Int.max
        named.forEach { let i = Int(firstItem[$0]); if i < best { best = i } }
        return best
    }

    /// The last item, in the list's order, named by any of `hits`.
    func last(_ hits: KeywordHits) -> Int? {
        let named = hits.intersection(naming)
        if named.isEmpty { return nil }
        var best = -1
        named.forEach { best = max(best, Int(lastItem[$0])) }
        return best
    }
}

/// Every key word of the form, numbered, with an index by first character.
///
/// The tables are flat buffers allocated once for the process (the index is a singleton and
/// never changes after `init`): a label's scan then costs a table look-up per character and
/// a byte comparison per candidate key word, with no reference counting or bounds checks.
public final class KeywordIndex: @unchecked Sendable {
    public static let shared = KeywordIndex()

    private let ids: [String: Int]
    /// All key words' bytes, one after another.
    private let wordBytes: UnsafeMutableBufferPointer<UInt8>
    /// Candidate lists, one after another: list `c` is `candidates[listStart[c]..<listStart[c + 1]]`,
    /// the key words starting with one character.
    private let candidates: UnsafeMutableBufferPointer<Candidate>
    private let listStart: UnsafeMutableBufferPointer<Int32>
    /// By first character: 1 + its candidate list, or 0. In the CJK block a bitmap says first
    /// whether a character starts any key word; testing the table of list numbers for every
    /// character made each one a cache miss.
    private let asciiList: UnsafeMutableBufferPointer<UInt8>
    private let hanStarts: HanBitmap
    private let hanList: UnsafeMutableBufferPointer<UInt8>
    /// Other first characters (none in the form today), packed into a UInt32.
    private let otherLists: [UInt32: Int32]

    /// A key word in a candidate list: where its bytes are, and its id.
    private struct Candidate {
        var start: Int32
        var count: UInt8
        var word: UInt8
        /// The two bytes after the first character, as loaded from memory (0 if the word has
        /// fewer).
        var next: UInt16
    }

    private init() {
        let form = Form.standard
        var words: [String] = []
        func add(_ w: String) { if !words.contains(w) { words.append(w) } }
        for r in form.s2Rows + form.s3Rows + form.s3Groups + form.s4Groups { r.keywords.forEach(add) }
        for c in form.s2Columns + form.s3Columns + form.s4Columns { c.keywords.forEach(add) }
        for s in form.sections { s.headingKeywords.flatMap { $0 }.forEach(add) }
        for w in KeywordIndex.extraWords { add(LabelFolding.fold(w)) }
        precondition(words.count <= 256, "KeywordHits holds 256 key words")
        let keywords = words.map { Array($0.utf8) }
        var ids: [String: Int] = [:]
        for (i, w) in words.enumerated() { ids[w] = i }
        self.ids = ids

        func buffer<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
            _ = b.initialize(from: a)
            return b
        }
        wordBytes = buffer(keywords.flatMap { $0 })
        var starts: [Int32] = [0]
        for k in keywords { starts.append(starts.last! + Int32(k.count)) }

        var byFirst: [UInt32: [Candidate]] = [:]
        var order: [UInt32] = []
        for (i, k) in keywords.enumerated() {
            let first = KeywordIndex.packFirst(k[...])
            if byFirst[first] == nil { order.append(first) }
            let firstLength = KeywordIndex.characterLength(k[0])
            var next: UInt16 = 0
            if k.count - firstLength >= 2 {
                next = k.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: firstLength, as: UInt16.self) }
            }
            byFirst[first, default: []].append(Candidate(start: starts[i], count: UInt8(k.count), word: UInt8(i), next: next))
        }
        precondition(order.count < 256, "a list number must fit a byte")
        var flat: [Candidate] = []
        var listStarts: [Int32] = [0]
        var ascii = [UInt8](repeating: 0, count: 128)
        var han = [UInt8](repeating: 0, count: HanBitmap.count)
        var others: [UInt32: Int32] = [:]
        for packed in order {
            let list = listStarts.count - 1
            flat += byFirst[packed]!
            listStarts.append(Int32(flat.count))
            let scalar = KeywordIndex.scalar3(packed)
            if packed < 0x80 {
                ascii[Int(packed)] = UInt8(list + 1)
            } else if let scalar, let k = HanBitmap.offset(scalar) {
                han[k] = UInt8(list + 1)
            } else {
                others[packed] = Int32(list)
            }
        }
        candidates = buffer(flat)
        listStart = buffer(listStarts)
        asciiList = buffer(ascii)
        hanList = buffer(han)
        hanStarts = HanBitmap(han.indices.filter { han[$0] != 0 })
        otherLists = others
    }

    /// The scalar of a packed three-byte UTF-8 character.
    private static func scalar3(_ packed: UInt32) -> UInt32? {
        guard packed >= 0xE0A080 && packed <= 0xEFBFBF else { return nil }
        return Bytes.scalar(UInt8(truncatingIfNeeded: packed >> 16), UInt8(truncatingIfNeeded: packed >> 8),
                            UInt8(truncatingIfNeeded: packed))
    }

    /// Words the readers look for besides the form's own labels.
    static let extraWords = ["第二十条", "信息内容", "总计", "其他", "报告", "年", "结转", "行政诉讼", "信息处理费"]

    /// The id of a (folded) key word.
    public func id(_ word: String) -> Int {
        guard let i = ids[word] else { preconditionFailure("'\(word)' is not in the keyword index") }
        return i
    }

    public func ids(_ words: [String]) -> [Int] { words.map(id) }

    /// The length of the UTF-8 sequence that `lead` starts.
    @inline(__always)
    static func characterLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    @inline(__always)
    static func packFirst(_ s: ArraySlice<UInt8>) -> UInt32 {
        let b0 = s[s.startIndex]
        let n = characterLength(b0)
        var v: UInt32 = 0
        for k in 0..<min(n, s.count) { v = v << 8 | UInt32(s[s.startIndex + k]) }
        return v
    }

    /// The key words that occur in a folded label.
    public func scan(_ folded: [UInt8]) -> KeywordHits {
        folded.withUnsafeBufferPointer { scan($0) }
    }

    func scan(_ p: UnsafeBufferPointer<UInt8>) -> KeywordHits {
        var hits = KeywordHits()
        var i = 0
        let n = p.count
        let checkOthers = !otherLists.isEmpty
        guard let base = p.baseAddress else { return hits }
        let raw = UnsafeRawPointer(base)
        while i < n {
            let b0 = p[i]
            let len = KeywordIndex.characterLength(b0)
            guard i + len <= n else { break }
            var list = -1
            var scalar: UInt32 = 0
            if len == 3 {
                scalar = Bytes.scalar(b0, p[i + 1], p[i + 2])
            }
            if b0 < 0x80 {
                list = Int(asciiList[Int(b0)]) - 1
            } else if let k = HanBitmap.offset(scalar) {
                if hanStarts.contains(k) { list = Int(hanList[k]) - 1 }
            } else if checkOthers {
                var v: UInt32 = 0
                for k in 0..<len { v = v << 8 | UInt32(p[i + k]) }
                list = Int(otherLists[v] ?? -1)
            }
            if list >= 0 {
                for c in Int(listStart[list])..<Int(listStart[list + 1]) {
                    let candidate = candidates[c]
                    let start = Int(candidate.start), count = Int(candidate.count)
                    if i + count <= n {
                        var j = len
                        // Most candidates differ in the next two bytes: one comparison.
                        if count - len >= 2 {
                            if raw.loadUnaligned(fromByteOffset: i + len, as: UInt16.self) != candidate.next { continue }
                            j += 2
                        }
                        while j < count && p[i + j] == wordBytes[start + j] { j += 1 }
                        if j == count { hits.insert(Int(candidate.word)) }
                    }
                }
            }
            i += len
        }
        return hits
    }
}

extension LabelFolding {
    /// `traditionalToSimplified` over the CJK block, for the hot path: which characters have a
    /// simplified form, and the forms (0: none). Most text is already simplified, so a
    /// character usually costs one test in the bitmap.
    struct SimplifiedTable: @unchecked Sendable {
        let hasForm: HanBitmap
        let form: UnsafeMutableBufferPointer<UInt16>

        init() {
            form = .allocate(capacity: HanBitmap.count)
            form.initialize(repeating: 0)
            for (t, s) in LabelFolding.traditionalToSimplified {
                guard let k = HanBitmap.offset(t) else { continue }
                precondition(s <= 0xFFFF, "simplified forms are in the basic plane")
                form[k] = UInt16(s)
            }
            let forms = form    // not self.form: self is not whole until hasForm is set
            hasForm = HanBitmap((0..<HanBitmap.count).lazy.filter { forms[$0] != 0 })
        }

        /// The simplified form of the character at offset `k` of the block, or 0.
        @inline(__always)
        func simplified(_ k: Int) -> UInt32 {
            hasForm.contains(k) ? UInt32(form[k]) : 0
        }
    }

    static let simplifiedTable = SimplifiedTable()

    /// The last character of each word of `LabelFolding.vocabulary`, simplified.
    static let vocabularyEnds: [UInt32] = LabelFolding.vocabulary.map { $0.0.unicodeScalars.last!.value }

    /// `fold` straight from UTF-8 bytes, for the reader's hot path; the same result.
    public static func foldBytes(_ s: ArraySlice<UInt8>) -> [UInt8] {
        let label = FoldedLabel()
        s.withUnsafeBufferPointer { label.fold($0[...]) }
        return Array(label.bytes)
    }

    /// The byte path of `fold`: the number of bytes written to `out`, or nil where only the
    /// careful path can decide (Word markup, Latin letters, Taiwan wording, odd pinyin).
    fileprivate static func foldFast(_ s: TextBytes, into out: UnsafeMutablePointer<UInt8>,
                                 simplified: SimplifiedTable) -> Int? {
        var n = 0
        var i = s.startIndex
        let end = s.endIndex
        while i < end {
            let b = s[i]
            if b < 0x80 {
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
                if b == 0x5B { return nil }                       // possible Word markup
                if b == 0x28 {
                    switch pinyinAfter(s, open: i, length: 1, folded: out, count: n) {
                    case .skip(let next): i = next; continue
                    case .keep: break
                    case .unsure: return nil
                    }
                }
                out[n] = b == 0x27 ? 0x22 : b
                n += 1
                i += 1
                continue
            }
            if b < 0xE0 {
                // Two-byte: NBSP is spacing; the rest (Latin with tone marks) goes careful.
                if b == 0xC2, i + 1 < end, s[i + 1] == 0xA0 { i += 2; continue }
                return nil
            }
            guard b < 0xF0, i + 2 < end else { return nil }
            let b1 = s[i + 1], b2 = s[i + 2]
            let scalar = Bytes.scalar(b, b1, b2)
            // Chinese characters first: they are nearly all of a label.
            if let k = HanBitmap.offset(scalar) {
                let simple = simplified.simplified(k)
                // Taiwan wording (資訊, 檔案, 申请书), in either script, is rare: the careful
                // path replaces it. Each word ends in a character looked for here.
                if vocabularyEnds.contains(simple == 0 ? scalar : simple) { return nil }
                if simple == 0 {
                    out[n] = b; out[n + 1] = b1; out[n + 2] = b2
                } else {
                    out[n] = UInt8(0xE0 | (simple >> 12))
                    out[n + 1] = UInt8(0x80 | ((simple >> 6) & 0x3F))
                    out[n + 2] = UInt8(0x80 | (simple & 0x3F))
                }
                n += 3
                i += 3
                continue
            }
            switch scalar {
            case 0x3000, 0x2002...0x200B, 0xFEFF:
                break
            case 0xFF01...0xFF5E:
                let a = UInt8(scalar - 0xFEE0)
                if a == 0x28 {
                    switch pinyinAfter(s, open: i, length: 3, folded: out, count: n) {
                    case .skip(let next): i = next; continue
                    case .keep: break
                    case .unsure: return nil
                    }
                }
                out[n] = a == 0x27 ? 0x22 : a
                n += 1
            case 0x201C, 0x201D, 0x300C, 0x300D, 0x300E, 0x300F, 0x2018, 0x2019:
                out[n] = 0x22; n += 1
            case 0x3014, 0x3010:
                out[n] = 0x5B; n += 1
            case 0x3015, 0x3011:
                out[n] = 0x5D; n += 1
            case 0x2215:
                out[n] = 0x2F; n += 1
            default:
                out[n] = b; out[n + 1] = b1; out[n + 2] = b2
                n += 3
            }
            i += 3
        }
        return n
    }

    enum PinyinBracket { case skip(next: Int), keep, unsure }

    /// At an opening bracket of `length` bytes: whether it starts pinyin injected after a
    /// character (`申请(qǐng)`), which folding drops as `removePinyin` does — `skip` to the
    /// byte after the closing bracket — or is an ordinary bracket to `keep`. Spacing or
    /// full-width letters inside are left to the careful path (`unsure`).
    static func pinyinAfter(_ s: TextBytes, open: Int, length: Int, folded: UnsafeMutablePointer<UInt8>, count n: Int) -> PinyinBracket {
        // The character before, as folded, must be CJK.
        guard n >= 3, folded[n - 3] & 0xF0 == 0xE0 else { return .keep }
        let before = Bytes.scalar(folded[n - 3], folded[n - 2], folded[n - 1])
        guard isCJK(Unicode.Scalar(before)!) else { return .keep }
        var j = open + length
        var letters = 0
        var sawTone = false
        var closed = false
        let end = s.endIndex
        scan: while j < end {
            let b = s[j]
            switch b {
            case 0x61...0x7A:
                letters += 1; j += 1
            case 0x29:
                closed = true; j += 1; break scan
            case 0xC3...0xC7 where j + 1 < end:
                let v = (UInt32(b & 0x1F) << 6) | UInt32(s[j + 1] & 0x3F)
                guard isPinyinLetter(Unicode.Scalar(v)!) else { return .keep }
                letters += 1; sawTone = true; j += 2
            case 0xEF where j + 2 < end && s[j + 1] == 0xBC && s[j + 2] == 0x89:           // ）
                closed = true; j += 3; break scan
            case 0x20, 0x09, 0x0A, 0x0D, 0xC2, 0xE2, 0xE3, 0xEF:
                // Spacing (which folding drops) or full-width letters: let fold decide.
                return letters == 0 && b >= 0xE2 && !isSpacingOrLetter(s, j) ? .keep : .unsure
            default:
                return .keep
            }
        }
        guard closed, letters > 0, sawTone || letters <= 6 else { return .keep }
        return .skip(next: j)
    }

    /// Whether the three-byte character at `j` is spacing or a full-width Latin letter.
    private static func isSpacingOrLetter(_ s: TextBytes, _ j: Int) -> Bool {
        guard j + 2 < s.endIndex else { return false }
        let v = Bytes.scalar(s[j], s[j + 1], s[j + 2])
        return v == 0x3000 || (0x2002...0x200B).contains(v) || v == 0xFEFF || (0xFF41...0xFF5A).contains(v)
    }
}

/// A reader's buffer for folded labels, reused for every label it folds: folding then
/// allocates nothing, and the result is read in place.
final class FoldedLabel {
    private var storage: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    init() {
        storage = .allocate(capacity: 256)
    }

    deinit { storage.deallocate() }

    /// The last label folded; valid until the next `fold`.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage.baseAddress, count: count)
    }

    /// Replaces the content with `s` folded (`LabelFolding.fold`).
    func fold(_ s: TextBytes) {
        // The byte path never makes a label longer, so room for `s` is room enough.
        reserve(s.count)
        if let written = LabelFolding.foldFast(s, into: storage.baseAddress!, simplified: LabelFolding.simplifiedTable) {
            count = written
        } else {
            let careful = Array(LabelFolding.fold(String(decoding: s, as: UTF8.self)).utf8)
            reserve(careful.count)
            _ = UnsafeMutableBufferPointer(rebasing: storage[..<careful.count]).initialize(from: careful)
            count = careful.count
        }
    }

    private func reserve(_ needed: Int) {
        guard needed > storage.count else { return }
        storage.deallocate()
        storage = .allocate(capacity: max(needed, storage.count * 2))
    }
}
