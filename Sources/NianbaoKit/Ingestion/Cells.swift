// Step two of ingestion: lines of text → a stream of table cells.
//
// However a table was flattened — one cell per line with tabs, ` |` after each cell, a row
// per line with tabs, markdown pipes, space-aligned columns, HTML rows — the result here is
// the same: cells in reading order, each with its line, and row breaks where the layout
// shows them. Everything above this file is layout-independent.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of the decoded text being read. Lines and cells are slices of the text's buffer, so
/// splitting a report allocates nothing per cell and counts no references; such a slice is
/// valid only while the reader holds the text (`ReportReader.read(bytes:file:)`).
public typealias TextBytes = Slice<UnsafeBufferPointer<UInt8>>

/// A line of the decoded report: its bytes and its 1-based line number in the file.
public struct SourceLine {
    public var bytes: TextBytes
    public var number: Int
    /// How many tabs and pipes the line holds, counted while splitting: the layout tests of
    /// every later step read these instead of searching the line again.
    public var tabs: Int32 = 0
    public var pipes: Int32 = 0
    /// Where the positions of the line's tabs and pipes begin in its text's `separators`
    /// (`tabs + pipes` of them, in order): a row's cells are then cut where they are known to
    /// be, without another search of its bytes.
    public var firstSeparator = 0

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// A text split into lines, and the position in the text of every tab and pipe, found in the
/// same pass. It owns the positions' buffer, freed with it: copied into an array, and read by
/// the splitter through the array, they made 300 reports of a cell per line 0.6% dearer.
public struct SplitText: ~Copyable {
    public let lines: [SourceLine]
    /// Line k's separators are `separators[lines[k].firstSeparator...]`, `tabs + pipes` of them.
    let separators: UnsafeBufferPointer<Int>

    init(lines: [SourceLine], separators: UnsafeBufferPointer<Int>) {
        self.lines = lines
        self.separators = separators
    }

    deinit { separators.deallocate() }
}

/// One table cell as printed.
public struct RawCell {
    public var bytes: TextBytes
    public var line: Int
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// How a report's tables were flattened into text.
public enum TableLayout: String, Sendable, CaseIterable {
    case tabCells = "tab-cells", pipeCells = "pipe-cells", tabRows = "tab-rows"
    case markdown, spaceAligned = "space-aligned", html, lines, none
}

/// Counts by layout (lines or tables read in each), and the layout counted most: on a tie, the
/// first in `TableLayout`'s order. The counts are eight numbers, not a dictionary or an array:
/// a tally is made for every table. Nor a vector: the splitter counts a line at a time, and a
/// vector of counts held in registers across its loop was written to the stack and read back
/// at every line; a count of its own is one addition, the layout being known where it is added.
struct LayoutTally {
    private var tabCells = 0, pipeCells = 0, tabRows = 0, markdown = 0
    private var spaceAligned = 0, html = 0, lines = 0, none = 0

    @inline(__always)
    mutating func add(_ layout: TableLayout, _ n: Int = 1) {
        switch layout {
        case .tabCells: tabCells &+= n
        case .pipeCells: pipeCells &+= n
        case .tabRows: tabRows &+= n
        case .markdown: markdown &+= n
        case .spaceAligned: spaceAligned &+= n
        case .html: html &+= n
        case .lines: lines &+= n
        case .none: none &+= n
        }
    }

    func count(_ layout: TableLayout) -> Int {
        switch layout {
        case .tabCells: return tabCells
        case .pipeCells: return pipeCells
        case .tabRows: return tabRows
        case .markdown: return markdown
        case .spaceAligned: return spaceAligned
        case .html: return html
        case .lines: return lines
        case .none: return none
        }
    }

    var leading: TableLayout {
        var layout = TableLayout.none, most = 0
        for l in TableLayout.allCases where count(l) > most { most = count(l); layout = l }
        return layout
    }
}

public enum Lines {
    /// Splits UTF-8 text into lines (LF, CRLF or lone CR), numbered from 1 or by `numbers`
    /// (the lines' numbers in the original file, for text taken out of HTML), and notes where
    /// each tab and pipe is.
    public static func split(_ text: UnsafeBufferPointer<UInt8>, numbers: [Int]? = nil) -> SplitText {
        func sourceLine(_ k: Int) -> Int { numbers.map { $0[min(k - 1, $0.count - 1)] } ?? k }
        var lines: [SourceLine] = []
        // The positions go to a buffer with room for all of them, written with no test: appended
        // to an array, each cost a check that the array is not shared and one of its capacity,
        // some seventeen instructions a line in a layout of a cell per line (grown by doubling,
        // the test of its room made the whole load 2% dearer). See `separatorBuffer`.
        let positions = separatorBuffer(for: text)
        guard let base = text.baseAddress else { return SplitText(lines: lines, separators: UnsafeBufferPointer(start: positions, count: 0)) }
        // Room for lines of eight bytes: a table with a cell per line has lines of 10–12 bytes,
        // and growing the array copies every line found so far.
        lines.reserveCapacity(text.count / 8)
        var count = 0
        var start = 0
        var number = 1
        let hasLF = memchr(base, 0x0A, text.count) != nil      // the first line, not a byte at a time
        let terminator: UInt8 = hasLF ? 0x0A : 0x0D
        var tabs: Int32 = 0, pipes: Int32 = 0
        var firstSeparator = 0
        // Counts and positions step with wrapping arithmetic: each is at most the text's size
        // (a file is at most `Loader.largestFile`, 256 MB), and checked for overflow they were
        // a twentieth of the loop's instructions.
        ByteSearch(terminator, 0x09, 0x7C).forEach(in: base, from: 0, to: text.count) { i in
            switch base[i] {
            case 0x09: tabs &+= 1; positions[count] = i; count &+= 1
            case 0x7C: pipes &+= 1; positions[count] = i; count &+= 1
            default:
                var end = i
                if hasLF, end > start, base[end &- 1] == 0x0D { end &-= 1 }
                // `start` ≤ `end`: the line ends at or after where it starts.
                lines.append(SourceLine(bytes: Slice(base: text, bounds: Range(uncheckedBounds: (start, end))), number: sourceLine(number),
                                        tabs: tabs, pipes: pipes, firstSeparator: firstSeparator))
                number &+= 1
                start = i &+ 1
                tabs = 0; pipes = 0
                firstSeparator = count
            }
        }
        if start < text.count {
            lines.append(SourceLine(bytes: text[start..<text.count], number: sourceLine(number), tabs: tabs, pipes: pipes,
                                    firstSeparator: firstSeparator))
        }
        return SplitText(lines: lines, separators: UnsafeBufferPointer(start: positions, count: count))
    }

    /// Room for the positions of the tabs and pipes of `text`: one at every byte of a report's
    /// text (only the pages written to are touched), or, past a megabyte, as many as it holds,
    /// counted first, so that a 50 MB file does not ask for 400 MB. Not inlined: made in the
    /// splitter, its test of the size cost the splitter's loop a register (0.25% of a load's
    /// instructions).
    @inline(never)
    private static func separatorBuffer(for text: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<Int> {
        var n = text.count
        if n > 1 << 20, let base = text.baseAddress {
            n = 0
            ByteSearch(0x09, 0x7C, 0x7C).forEach(in: base, from: 0, to: text.count) { _ in n += 1 }
        }
        return .allocate(capacity: max(n, 1))
    }

    /// The numbered lines of a report's text as strings (HTML as the reader sees it), for
    /// showing a report's own lines.
    public static func numbered(_ utf8: [UInt8]) -> [(number: Int, text: String)] {
        func texts(_ bytes: [UInt8], _ numbers: [Int]?) -> [(number: Int, text: String)] {
            bytes.withUnsafeBufferPointer { split($0, numbers: numbers).lines.map { ($0.number, $0.text) } }
        }
        if HTMLText.looksLikeHTML(utf8), let html = HTMLText.text(utf8) { return texts(html.bytes, html.numbers) }
        return texts(utf8, nil)
    }
}

/// Comparisons on the sixteen byte lanes of a vector, for the searches that pass over text
/// sixteen bytes at a time (here and in `HTMLText`; `Decoder.TextScan` compares the same way).
///
/// A lane that matches is 0xFF, one that does not is 0. Each comparison is an equality
/// against a vector of the byte repeated: that compiles to one vector instruction, where
/// comparing with a scalar compiles to a loop over the lanes, and so, in some places, does an
/// ordered comparison (`.<`, `.>=`); a range is tested as an equality of masked bytes.
enum Lanes {
    /// The lanes of `v` that equal `byte`.
    @inline(__always)
    static func equal(_ v: SIMD16<UInt8>, _ byte: UInt8) -> SIMD16<UInt8> {
        unsafeBitCast(v .== SIMD16<UInt8>(repeating: byte), to: SIMD16<UInt8>.self)
    }

    /// The lanes that `marks` sets as the low sixteen bits of a number, lane k as bit k: the
    /// high bit of each byte gathered into one byte by a multiplication, eight at a time.
    @inline(__always)
    static func bits(_ marks: SIMD16<UInt8>) -> UInt32 {
        let words = unsafeBitCast(marks, to: SIMD2<UInt64>.self)
        let gather: UInt64 = 0x0002_0408_1020_4081
        let low = ((words[0].littleEndian & 0x8080_8080_8080_8080) &* gather) >> 56
        let high = ((words[1].littleEndian & 0x8080_8080_8080_8080) &* gather) >> 56
        return UInt32(truncatingIfNeeded: low | high << 8)
    }

    /// Where the first byte of `base[from..<end]` that matches is, or `end`: sixteen bytes at a
    /// time by `marks` (a block's matching lanes), the last few by `matches`; the two must
    /// agree.
    @inline(__always)
    static func firstIndex(in base: UnsafePointer<UInt8>, from: Int, to end: Int,
                           marks: (SIMD16<UInt8>) -> SIMD16<UInt8>, matches: (UInt8) -> Bool) -> Int {
        var j = from
        // Wrapping steps: `j` stays within a buffer of `end` bytes.
        while j &+ 16 <= end {
            if let k = first(marks(UnsafeRawPointer(base + j).loadUnaligned(as: SIMD16<UInt8>.self))) { return j &+ k }
            j &+= 16
        }
        while j < end, !matches(base[j]) { j &+= 1 }
        return j
    }

    /// The first lane that `marks` sets, or nil.
    @inline(__always)
    static func first(_ marks: SIMD16<UInt8>) -> Int? {
        let words = unsafeBitCast(marks, to: SIMD2<UInt64>.self)
        // Byte k of the block is bits 8k…8k+7 of a little-endian word.
        if words[0] != 0 { return words[0].littleEndian.trailingZeroBitCount >> 3 }
        if words[1] != 0 { return 8 + words[1].littleEndian.trailingZeroBitCount >> 3 }
        return nil
    }
}

/// Three byte values looked for sixteen bytes at a time: line ends, tabs and pipes. Most of a
/// report is Chinese text, whose bytes are never these, so a byte-at-a-time loop spends most
/// of its steps learning that nothing is there.
struct ByteSearch {
    private let values: (UInt8, UInt8, UInt8)

    init(_ v0: UInt8, _ v1: UInt8, _ v2: UInt8) {
        values = (v0, v1, v2)
    }

    @inline(__always)
    private func isOne(_ x: UInt8) -> Bool { x == values.0 || x == values.1 || x == values.2 }

    /// Calls `body` with the index of each byte of `p[from..<end]` that is one of the values,
    /// in order.
    @inline(__always)
    func forEach(in p: UnsafePointer<UInt8>, from: Int, to end: Int, _ body: (Int) -> Void) {
        var i = from
        // Wrapping steps: `i` stays within a buffer of `end` bytes.
        while i &+ 16 <= end {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<UInt8>.self)
            let found = Lanes.equal(v, values.0) | Lanes.equal(v, values.1) | Lanes.equal(v, values.2)
            let words = unsafeBitCast(found, to: SIMD2<UInt64>.self)
            // One loop over the block's sixteen lanes, not one per word: the loop's end, at a
            // different count each block, is mispredicted once a block instead of twice.
            if words[0] | words[1] != 0 {
                var lanes = Lanes.bits(found)
                while lanes != 0 { body(i &+ lanes.trailingZeroBitCount); lanes &= lanes &- 1 }
            }
            i &+= 16
        }
        while i < end {
            if isOne(p[i]) { body(i) }
            i &+= 1
        }
    }
}

enum Bytes {
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0C }

    /// The length of the character that `lead` begins in UTF-8 (1 for a byte that begins
    /// none). A scan for one character steps by it through a report's text, which is valid
    /// UTF-8 and cut into lines only at ASCII bytes; the decoder measures a cut character by it.
    @inline(__always) static func characterLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// `b` with an ASCII capital made small (tag names, file extensions).
    @inline(__always) static func lowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// The scalar of the three-byte UTF-8 sequence `b0 b1 b2` (not validated).
    @inline(__always) static func scalar(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> UInt32 {
        (UInt32(b0 & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
    }

    /// The scalar of the three-byte character starting at `i` in `s`, or nil when none does
    /// (Chinese characters and full-width forms are three bytes).
    @inline(__always)
    static func threeByteScalar<C: RandomAccessCollection<UInt8>>(_ s: C, at i: Int) -> UInt32? where C.Index == Int {
        guard i + 2 < s.endIndex, s[i] & 0xF0 == 0xE0, s[i + 1] & 0xC0 == 0x80, s[i + 2] & 0xC0 == 0x80 else { return nil }
        return scalar(s[i], s[i + 1], s[i + 2])
    }

    /// The value of the full-width digit ０–９ (U+FF10–FF19) at `i` in `s`, or nil.
    @inline(__always)
    static func fullWidthDigit<C: RandomAccessCollection<UInt8>>(_ s: C, at i: Int) -> Int? where C.Index == Int {
        guard i >= s.startIndex, i < s.endIndex, s[i] == 0xEF, let c = threeByteScalar(s, at: i), c >= 0xFF10, c <= 0xFF19 else {
            return nil
        }
        return Int(c - 0xFF10)
    }

    /// How many characters (Unicode scalars) the UTF-8 bytes `s` hold: its bytes that are not
    /// continuation bytes (10xxxxxx), counted eight at a time in contiguous bytes.
    @inline(__always)
    static func scalarCount<C: Sequence<UInt8>>(_ s: C) -> Int {
        if let n = s.withContiguousStorageIfAvailable(contiguousScalarCount) { return n }
        return s.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    private static func contiguousScalarCount(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = p.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var continuations = 0, i = 0
        while i + 8 <= p.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // In each byte: the high bit set, and the bit below it (shifted up to it) clear.
            // The marks, moved to the bytes' low bits, are summed into the top byte by one
            // multiplication: Swift's default x86-64 target (a portable build, see
            // Package.swift) has no population-count instruction, and there `nonzeroBitCount`
            // is a dozen instructions of arithmetic.
            let marks = (w & ~(w << 1) & 0x8080_8080_8080_8080) >> 7
            continuations += Int(truncatingIfNeeded: (marks &* 0x0101_0101_0101_0101) >> 56)
            i += 8
        }
        while i < p.count { if p[i] & 0xC0 == 0x80 { continuations += 1 }; i += 1 }
        return p.count - continuations
    }

    /// `s` without one ASCII space at either end: what a pipe's neighbours mostly are (`185 |`,
    /// `| 0 |`). Before `trim`, it leaves that test's first answer to most of those cells, where
    /// the spaces cost a call.
    @inline(__always)
    static func droppingOneSpace(_ s: TextBytes) -> TextBytes {
        var (lo, hi) = (s.startIndex, s.endIndex)
        if lo < hi && s[lo] == 0x20 { lo += 1 }
        if lo < hi && s[hi - 1] == 0x20 { hi -= 1 }
        return s[lo..<hi]
    }

    /// Trims ASCII spaces, NBSP (C2 A0) and the ideographic space (E3 80 80) from both ends.
    /// Inlined for its first test, which answers for most cells and lines: neither end can
    /// start or end a space.
    @inline(__always)
    static func trim<C: RandomAccessCollection<UInt8>>(_ s: C) -> C.SubSequence where C.Index == Int {
        let lo = s.startIndex, hi = s.endIndex
        guard lo < hi else { return s[lo..<hi] }
        if cannotBeSpace(first: s[lo], last: s[hi - 1]) { return s[lo..<hi] }
        return trimEnds(s)
    }

    /// `trim` of a report's bytes, its first test read through the buffer's pointer: a slice's
    /// reads are checked against its bounds, and this is asked of every cell and line.
    @inline(__always)
    static func trim(_ s: TextBytes) -> TextBytes {
        let lo = s.startIndex, hi = s.endIndex
        guard lo < hi, let p = s.base.baseAddress else { return s }
        if cannotBeSpace(first: p[lo], last: p[hi &- 1]) { return s }
        return trimEnds(s)
    }

    /// Whether text whose first and last bytes are these neither starts nor ends with a space
    /// `trim` takes: an ASCII one, NBSP (C2 A0) or the ideographic space (E3 80 80).
    @inline(__always)
    private static func cannotBeSpace(first: UInt8, last: UInt8) -> Bool {
        first > 0x20 && first != 0xC2 && first != 0xE3 && last > 0x20 && last != 0xA0 && last != 0x80
    }

    /// Whether `s` is nothing but the spaces `trim` takes away (`trim(s).isEmpty`), found
    /// from the front only: a tab-led cell line is answered at its second byte.
    @inline(__always)
    static func isBlank(_ s: TextBytes) -> Bool { endOfLeadingSpaces(s) == s.endIndex }

    /// Where the spaces `trim` takes from the front of `s` end.
    @inline(__always)
    static func endOfLeadingSpaces<C: RandomAccessCollection<UInt8>>(_ s: C) -> Int where C.Index == Int {
        endOfLeadingSpaces(s, ascii: isSpace)
    }

    @inline(never)
    private static func trimEnds<C: RandomAccessCollection<UInt8>>(_ s: C) -> C.SubSequence where C.Index == Int {
        // Most often one ASCII space at either end (`| 0 |`, `0 |`), and nothing else to take.
        var lo = s.startIndex, hi = s.endIndex
        if s[lo] == 0x20 { lo += 1 }
        if hi > lo && s[hi - 1] == 0x20 { hi -= 1 }
        if lo < hi && cannotBeSpace(first: s[lo], last: s[hi - 1]) { return s[lo..<hi] }
        return s[spaceTrimmed(s, ascii: isSpace)]
    }

    /// What is left of `s` without the spaces at its ends: the ASCII ones `ascii` says, NBSP
    /// (C2 A0) and the ideographic space (E3 80 80). C2 and E3 only lead characters, so those
    /// bytes at an end are those spaces. `trim` and `String.trimmingSpaces` differ only in
    /// their ASCII spaces (a form feed is one only for `trim`).
    @inline(__always)
    static func spaceTrimmed<C: RandomAccessCollection<UInt8>>(_ s: C, ascii: (UInt8) -> Bool) -> Range<Int> where C.Index == Int {
        let lo = endOfLeadingSpaces(s, ascii: ascii)
        var hi = s.endIndex
        while hi > lo {
            if ascii(s[hi - 1]) { hi -= 1 }
            else if hi - lo >= 2, s[hi - 2] == 0xC2, s[hi - 1] == 0xA0 { hi -= 2 }
            else if hi - lo >= 3, s[hi - 3] == 0xE3, s[hi - 2] == 0x80, s[hi - 1] == 0x80 { hi -= 3 }
            else { break }
        }
        return lo..<hi
    }

    @inline(__always)
    private static func endOfLeadingSpaces<C: RandomAccessCollection<UInt8>>(_ s: C, ascii: (UInt8) -> Bool) -> Int where C.Index == Int {
        var i = s.startIndex
        let end = s.endIndex
        while i < end {
            let b = s[i]
            if ascii(b) { i += 1 }
            else if b == 0xC2, end - i >= 2, s[i + 1] == 0xA0 { i += 2 }
            else if b == 0xE3, end - i >= 3, s[i + 1] == 0x80, s[i + 2] == 0x80 { i += 3 }
            else { break }
        }
        return i
    }

    /// Whether the `n` bytes at `a` and at `b` are the same. Inlined, not `memcmp`: what is
    /// compared is a label or a key word, a few dozen bytes, and a call of `memcmp` for each
    /// (a hundred a report) cost more in time than its instructions say (1.7% of a load's).
    /// Eight bytes at a time, the last eight overlapping those before.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count n: Int) -> Bool {
        if n < 8 {
            var i = 0
            while i < n {
                if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
                i &+= 1
            }
            return true
        }
        var i = 0
        while i &+ 8 < n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        return a.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }

    static func contains(_ s: TextBytes, _ b: UInt8) -> Bool {
        guard let base = s.base.baseAddress, !s.isEmpty else { return false }
        return memchr(base + s.startIndex, Int32(b), s.count) != nil
    }

    /// Whether `needle` occurs in `hay` (byte search; both UTF-8).
    @inline(__always)
    static func contains(_ hay: TextBytes, _ needle: [UInt8]) -> Bool { count(hay, needle, atLeast: 1) }

    /// Whether `needle` occurs at least `n` times in `hay`, without overlapping. Occurrences are
    /// found by the needle's last byte with `memchr`: a Chinese word's first byte leads many
    /// other characters (E4–E9 lead most of them), so a loop on it stops every few bytes, while
    /// its last byte is one of 64 continuation values.
    static func count(_ hay: TextBytes, _ needle: [UInt8], atLeast n: Int) -> Bool {
        guard let last = needle.last else { return true }
        guard hay.count >= needle.count, let base = hay.base.baseAddress else { return false }
        let before = needle.count - 1
        var i = hay.startIndex + before
        let end = hay.endIndex
        var found = 0
        return needle.withUnsafeBufferPointer { word in
            while i < end, let hit = memchr(base + i, Int32(last), end - i) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if before == 0 || equal(base + at - before, word.baseAddress!, count: before) {
                    found += 1
                    if found >= n { return true }
                    i = at + needle.count       // the next occurrence starts after this one
                } else {
                    i = at + 1
                }
            }
            return false
        }
    }
}

/// What a table's cells go to, in reading order, as the splitter finds them: the reader of a
/// section's table.
protocol CellConsumer {
    mutating func cell(_ cell: RawCell)
    /// The end of a printed row (a tab row, a markdown row): the row may continue only if it
    /// is still short of cells.
    mutating func softBreak(line: Int)
    /// A blank line or a `|||` span line: the current row is over if it has any cells.
    mutating func hardBreak(line: Int)
}

public enum CellSplitter {
    /// Gives the cells of the table lines `lines` to `consumer` as they are found, with no list
    /// of them between (a reader takes each cell as it comes); returns the layout they were
    /// found in, and whether any cell holds text.
    /// `separators`: the positions of the tabs and pipes of the text the lines are of
    /// (`SplitText`).
    static func split<Consumer: CellConsumer>(_ lines: ArraySlice<SourceLine>, separators: UnsafeBufferPointer<Int>,
                                              into consumer: inout Consumer) -> (layout: TableLayout, hasCells: Bool) {
        /// The positions of a line's tabs and pipes.
        @inline(__always) func positions(_ line: SourceLine) -> UnsafeBufferPointer<Int> {
            UnsafeBufferPointer(rebasing: separators[line.firstSeparator..<(line.firstSeparator + Int(line.tabs) + Int(line.pipes))])
        }
        var votes = LayoutTally()       // a line for each layout it looks like
        // Lines of one text cell (a header's words, a label): every layout prints some, and
        // text one space apart prints all its headers so. They vote only where nothing else
        // did; a line of one value votes for a value per line.
        var textLines = 0
        var pieces: [TextBytes] = []     // one buffer for every space-aligned line
        var hasCells = false
        for line in lines {
            if line.tabs > 0 {
                let bytes = line.bytes
                let lead = Bytes.endOfLeadingSpaces(bytes)
                if lead == bytes.endIndex {
                    // A tab with nothing after it is an empty cell in the one-cell-per-line layout.
                    let none = bytes[bytes.endIndex..<bytes.endIndex]
                    for _ in 0..<line.tabs { consumer.cell(RawCell(bytes: none, line: line.number)) }
                    continue
                }
                // Pieces between tabs; an empty first piece is the line's indent: the first tab
                // is then among the spaces the line starts with (a tab is one of them).
                let skipFirst = bytes[bytes.startIndex..<lead].contains(0x09)
                let pieces = Int(line.tabs) + (skipFirst ? 0 : 1)
                if pieces == 1 {
                    votes.add(.tabCells)
                    // The line's one cell: what follows its leading spaces and the tab among them.
                    let cell = Bytes.trim(bytes[lead..<bytes.endIndex])
                    if !cell.isEmpty { hasCells = true }
                    consumer.cell(RawCell(bytes: cell, line: line.number))
                } else {
                    votes.add(.tabRows)
                    var cells = Pieces(bytes, on: 0x09, at: positions(line), dropFirst: skipFirst, dropLast: false)
                    while let piece = cells.next() {
                        let cell = Bytes.trim(piece)
                        if !cell.isEmpty { hasCells = true }
                        consumer.cell(RawCell(bytes: cell, line: line.number))
                    }
                    consumer.softBreak(line: line.number)
                }
                continue
            }
            let trimmed = Bytes.trim(line.bytes)
            if trimmed.isEmpty {
                consumer.hardBreak(line: line.number)
                continue
            }
            if line.pipes > 0 {
                let onlyPipes = trimmed.allSatisfy { $0 == 0x7C || Bytes.isSpace($0) || $0 == 0x2D || $0 == 0x3A }
                if onlyPipes {
                    if trimmed.contains(0x2D) { continue }    // markdown separator |---|---|
                    if line.bytes.first.map(Bytes.isSpace) == true, trimmed.count == 1 {
                        consumer.cell(RawCell(bytes: trimmed[trimmed.startIndex..<trimmed.startIndex], line: line.number))
                        votes.add(.pipeCells)
                    } else {
                        consumer.hardBreak(line: line.number)
                    }
                    continue
                }
                let markdown = trimmed.first == 0x7C
                if line.pipes == 1 && !markdown && trimmed.last == 0x7C {
                    // One cell and the pipe that closes it (` |` after each cell): the cell is
                    // what comes before the pipe, found without looking for it.
                    votes.add(.pipeCells)
                    let cell = Bytes.trim(Bytes.droppingOneSpace(trimmed.dropLast()))
                    if !cell.isEmpty { hasCells = true }
                    consumer.cell(RawCell(bytes: cell, line: line.number))
                    continue
                }
                // The line has no tabs: its separators are its pipes, and no pipe is a space
                // that trimming took.
                let pipes = positions(line)
                let firstPipe = pipes.first!, lastPipe = pipes.last!
                let dropFirst = markdown && Bytes.isBlank(trimmed[trimmed.startIndex..<firstPipe])
                let dropLast = trimmed.last == 0x7C && Bytes.isBlank(trimmed[(lastPipe + 1)...])
                let pieces = Int(line.pipes) + 1 - (dropFirst ? 1 : 0) - (dropLast ? 1 : 0)
                votes.add(markdown ? .markdown : .pipeCells)
                var cells = Pieces(trimmed, on: 0x7C, at: pipes, dropFirst: dropFirst, dropLast: dropLast)
                while let piece = cells.next() {
                    let cell = Bytes.trim(Bytes.droppingOneSpace(piece))
                    if !cell.isEmpty { hasCells = true }
                    consumer.cell(RawCell(bytes: cell, line: line.number))
                }
                if pieces > 1 || markdown { consumer.softBreak(line: line.number) }
                continue
            }
            hasCells = true             // the line is not blank, and a piece of it never is
            splitSpaced(trimmed, line: line.number, pieces: &pieces, votes: &votes, textLines: &textLines, into: &consumer)
        }
        let leading = votes.leading
        return (leading == .none && textLines > 0 ? .lines : leading, hasCells)
    }

    /// A line with neither tabs nor pipes: space-aligned columns (pdftotext -layout), where
    /// runs of two or more spaces separate cells, and so does a single space between
    /// numbers, before the numbers that end a line, and before a label's enumerator (text
    /// copied out of a PDF); or one cell. Out of the splitter's loop: inlined there (two more
    /// copies of the reader's cell code), the loop took 0.6% more of a load's instructions,
    /// for the lines of every layout, than the call costs these lines.
    @inline(never)
    private static func splitSpaced<Consumer: CellConsumer>(_ trimmed: TextBytes, line: Int, pieces: inout [TextBytes],
                                                            votes: inout LayoutTally, textLines: inout Int,
                                                            into consumer: inout Consumer) {
        splitOnSpaceRuns(trimmed, into: &pieces)
        if pieces.count > 1 {
            votes.add(.spaceAligned)
            for p in pieces { consumer.cell(RawCell(bytes: p, line: line)) }
            consumer.softBreak(line: line)
        } else {
            if startsWithNumber(trimmed) { votes.add(.lines) } else { textLines += 1 }
            consumer.cell(RawCell(bytes: trimmed, line: line))
        }
    }

    /// The pieces of a line between separators, without the first or last piece when asked.
    /// An iterator rather than a function taking a closure: the splitter hands each piece on
    /// to its consumer, and a closure that reaches the consumer costs an access check a cell.
    /// The separators are found among `positions`, those of the line's tabs and pipes
    /// (`SplitText`), not by a look at each byte: a row's label is most of its bytes.
    struct Pieces {
        private let s: TextBytes, separator: UInt8, dropFirst: Bool, dropLast: Bool
        private let positions: UnsafeBufferPointer<Int>
        private var start: Int, k = 0
        private var first = true, done = false

        init(_ s: TextBytes, on separator: UInt8, at positions: UnsafeBufferPointer<Int>, dropFirst: Bool, dropLast: Bool) {
            (self.s, self.separator, self.positions, self.dropFirst, self.dropLast) = (s, separator, positions, dropFirst, dropLast)
            start = s.startIndex
        }

        @inline(__always)
        mutating func next() -> TextBytes? {
            while k < positions.count {
                let i = positions[k]
                k &+= 1
                if s.base[i] == separator {
                    // A separator of the line, so within `s`: the piece is made without the
                    // slice's check of its bounds.
                    let piece = Slice(base: s.base, bounds: Range(uncheckedBounds: (start, i)))
                    let skip = first && dropFirst
                    first = false
                    start = i &+ 1
                    if !skip { return piece }
                }
            }
            if done { return nil }
            done = true
            return !dropLast || first ? s[start..<s.endIndex] : nil
        }
    }

    /// Splits on runs of ≥2 spaces (or ideographic spaces), and on single spaces that stand
    /// between two numbers, before the numbers that end the line, or before an enumerator:
    /// `0 0 0` is three cells, `（三）不予公开 1.属于国家秘密 0 3` four, but `(一) 予以公开`
    /// stays one. The pieces replace what `out` held (one buffer serves a whole table).
    static func splitOnSpaceRuns(_ s: TextBytes, into out: inout [TextBytes]) {
        out.removeAll(keepingCapacity: true)
        // Room for a row's cells from the first line: grown from nothing, the buffer was
        // copied three or four times a table.
        if out.capacity < 16 { out.reserveCapacity(16) }
        var start = s.startIndex
        var i = s.startIndex
        guard let base = s.base.baseAddress else { out.append(s); return }
        // Positions step with wrapping arithmetic and are read through `base`: all stay
        // within `s`, whose bytes are read sixteen at a time where most are.
        while i < s.endIndex {
            // Most bytes cannot start a space (ASCII or ideographic): a row's label is passed
            // sixteen bytes at a time.
            i = Lanes.firstIndex(in: base, from: i, to: s.endIndex, marks: { Lanes.equal($0, 0x20) | Lanes.equal($0, 0xE3) },
                                 matches: { $0 == 0x20 || $0 == 0xE3 })
            guard i < s.endIndex else { break }
            var j = i
            var width = 0
            while j < s.endIndex {
                if base[j] == 0x20 {
                    // A run of ASCII spaces, to its end at once: a column's padding.
                    let k = Lanes.firstIndex(in: base, from: j &+ 1, to: s.endIndex, marks: { ~Lanes.equal($0, 0x20) },
                                             matches: { $0 != 0x20 })
                    width &+= k &- j; j = k
                }
                else if j &+ 2 < s.endIndex, base[j] == 0xE3, base[j &+ 1] == 0x80, base[j &+ 2] == 0x80 { j &+= 3; width &+= 2 }
                else { break }
            }
            if width == 0 { i &+= 1; continue }
            let splitHere: Bool
            if width >= 2 {
                splitHere = true
            } else {
                // One space: split between a number and a number, and before the numbers that
                // end a line (text copied out of a PDF: `（一）予以公开 0 2 0 0 0 0 2`, a row's
                // label and its values one space apart); also before a label's enumerator
                // (`（三）不予公开 1.属于国家秘密`, `三、本年度办理结果 （一）予以公开`): a group's
                // label and its row's, two cells where a tab or a pipe parts them. A space inside
                // a label, or before a number followed by words (`共收到 8 份申请`), does not split.
                let rest = s[j...]
                splitHere = startsWithNumber(rest) && (tokenIsNumeric(s[start..<i]) || onlyNumbersFollow(rest))
                    || startsWithEnumerator(rest)
            }
            if splitHere && i > start && j < s.endIndex {
                out.append(s[start..<i])
                start = j
            }
            i = j
        }
        out.append(s[start..<s.endIndex])
    }

    /// Whether `s` is one number as a cell prints it (`numberLength`), and nothing else.
    private static func tokenIsNumeric(_ s: TextBytes) -> Bool {
        !s.isEmpty && numberLength(s, from: s.startIndex) == s.count
    }

    /// Whether `s` starts a number (`numberLength`) with something other than its decimal
    /// point or a thousands comma: a digit (ASCII or full-width), a sign (`+3`, `-14`), or the
    /// '/' of a declared empty cell.
    private static func startsWithNumber(_ s: TextBytes) -> Bool {
        guard let b = s.first, b != 0x2E, b != 0x2C else { return false }
        return numberLength(s, from: s.startIndex) > 0
    }

    /// Whether `s` starts with a label's enumerator: `1.` `2．` `3、` (not `1.5`), `（一）`
    /// `(六)`, `一、`.
    static func startsWithEnumerator(_ s: TextBytes) -> Bool {
        var i = s.startIndex
        let end = s.endIndex
        func at(_ k: Int, _ bytes: [UInt8]) -> Bool { k + bytes.count <= end && s[k..<(k + bytes.count)].elementsEqual(bytes) }
        func numeral(_ k: Int) -> Bool {
            guard let c = Bytes.threeByteScalar(s, at: k) else { return false }
            return enumeratorNumerals.contains(c)
        }
        if i < end, s[i] >= 0x30, s[i] <= 0x39 {
            while i < end, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }
            if i < end, s[i] == 0x2E { return i + 1 < end && !(s[i + 1] >= 0x30 && s[i + 1] <= 0x39) }
            return at(i, fullStop) || at(i, enumerationComma)
        }
        let open = s[i...].starts(with: [0x28]) ? 1 : at(i, fullWidthOpen) ? 3 : 0
        i += open
        let first = i
        while numeral(i) { i += 3 }
        guard i > first else { return false }
        if open > 0 { return at(i, [0x29]) || at(i, fullWidthClose) }
        return at(i, enumerationComma)
    }
    private static let enumeratorNumerals: Set<UInt32> = Set("一二三四五六七八九十".unicodeScalars.map(\.value))
    private static let fullStop = Array("．".utf8), enumerationComma = Array("、".utf8)
    private static let fullWidthOpen = Array("（".utf8), fullWidthClose = Array("）".utf8)

    /// Whether `s` is numbers and the spaces between them, to its end.
    private static func onlyNumbersFollow(_ s: TextBytes) -> Bool {
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == 0x20 { i += 1; continue }
            let n = numberLength(s, from: i)
            if n == 0 { return false }
            i += n
        }
        return true
    }

    /// How many bytes from `i` are a number as a cell prints it: ASCII or full-width digits,
    /// a sign, a decimal point, thousands commas, and the '/' and '-' of a declared empty
    /// cell; 0 when none.
    private static func numberLength(_ s: TextBytes, from i: Int) -> Int {
        var k = i
        while k < s.endIndex {
            let b = s[k]
            if (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D || b == 0x2B || b == 0x2F || b == 0x2C { k += 1 }
            else if Bytes.fullWidthDigit(s, at: k) != nil { k += 3 }
            else { break }
        }
        return k - i
    }
}
