// HTML pages → lines, so that web-page reports go through the same table reader.
//
// Most reports are published as web pages. Only a little of HTML matters here: text, block
// boundaries, and tables. A forgiving byte-level reader takes the page in one pass — tags are
// recognised by name, end tags are optional (a new <td> ends the cell before, a new <tr> the
// row), the content of <script>, <style> and <head> is skipped, comments are skipped, and
// character references are decoded. Each `<tr>` becomes one tab-separated line with row and
// column spans expanded into empty cells, each block of text one line; every line keeps the
// line number in the original file where it began.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum HTMLText {
    /// Recognised by content, not by file name: a document start, or table markup anywhere.
    public static func looksLikeHTML(_ utf8: [UInt8]) -> Bool {
        utf8.withUnsafeBufferPointer { p in
            let head = min(p.count, 4096)
            return documentMarkers.contains { containsTag(p, $0, before: head) }
                || (containsTag(p, table, before: p.count) && containsTag(p, td, before: p.count))
        }
    }

    private static let documentMarkers = ["<html", "<!doctype html", "<body", "<head"].map { Array($0.utf8) }
    private static let table = Array("<table".utf8), td = Array("<td".utf8)

    /// Whether `marker` (lower case, starting with `<`) occurs in `p[..<limit]`, letters in
    /// any case.
    private static func containsTag(_ p: UnsafeBufferPointer<UInt8>, _ marker: [UInt8], before limit: Int) -> Bool {
        find(marker, in: p, from: 0, before: limit) != nil
    }

    /// Where `needle` next occurs in `p[from..<limit]`, its letters in any case. The needle is
    /// lower case and starts with a byte that is not a letter (`<`, `>`, `-`), which is found
    /// with memchr: plain text has no `<`, a page a few per line, and a skipped style sheet or
    /// script is long with the byte rare in it.
    fileprivate static func find(_ needle: [UInt8], in p: UnsafeBufferPointer<UInt8>, from: Int, before limit: Int) -> Int? {
        guard let base = p.baseAddress, let first = needle.first else { return nil }
        assert(!(0x61...0x7A).contains(first), "a needle starting with a letter needs both cases searched")
        var j = from
        while j + needle.count <= limit, let hit = memchr(base + j, Int32(first), limit - needle.count + 1 - j) {
            j = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var k = 1
            while k < needle.count, (p[j + k] | (needle[k] >= 0x61 ? 0x20 : 0)) == needle[k] { k += 1 }
            if k == needle.count { return j }
            j += 1
        }
        return nil
    }

    /// The page as lines of text (a table row per line, its cells separated by tabs), and
    /// each line's number in the original file.
    public static func text(_ utf8: [UInt8]) -> (bytes: [UInt8], numbers: [Int])? {
        utf8.withUnsafeBufferPointer { page in
            var reader = PageReader(page)
            defer { reader.deallocate() }
            reader.run()
            return (Array(reader.bytes.buffer), reader.numbers)
        }
    }

    /// Elements whose start and end break the text into lines.
    static let blockElements = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
        "header", "footer", "blockquote", "pre", "center", "title", "dd", "dt", "form", "hr",
        "body", "html", "tbody", "thead", "tfoot",
    ]
    /// Elements whose content is not text of the report.
    static let skippedElements = ["script", "style", "noscript", "iframe", "object", "head", "textarea"]
}

/// What a tag's name means here, found without building a string: names of up to eight
/// letters are packed into an integer.
struct TagName {
    enum Kind { case table, row, cell, lineBreak, block, skipped, other }
    var kind: Kind
    /// The lower-case name packed, a byte per letter (0 for names longer than eight).
    private(set) var packed: UInt64 = 0

    init(_ name: TextBytes) {
        guard name.count <= 8 else {
            self.init(packed: 0)
            kind = name.map(Bytes.lowercased) == Array("blockquote".utf8) ? .block : .other
            return
        }
        var packed: UInt64 = 0
        for b in name { packed = packed << 8 | UInt64(Bytes.lowercased(b)) }
        self.init(packed: packed)
    }

    /// The name of up to eight letters that `packed` holds, lower case, a byte per letter.
    @inline(__always)
    init(packed: UInt64) {
        self.packed = packed
        // Cells, rows, paragraphs and spans are most of a page's tags: known without the
        // table (these constants are the names packed).
        switch packed {
        case 0x7464, 0x7468: kind = .cell                     // td, th
        case 0x7472: kind = .row                              // tr
        case 0x70, 0x646976: kind = .block                    // p, div
        case 0x7370616E, 0x666F6E74, 0x62: kind = .other      // span, font, b
        case 0x6272: kind = .lineBreak                        // br
        case 0x7461626C65: kind = .table                      // table
        default: kind = TagName.kind(packed)
        }
    }

    static func pack(_ s: String) -> UInt64 { pack(s.utf8) }

    /// Up to eight bytes as one integer, the first in the highest byte used, as written (no
    /// case folded): tag names and character references' names are looked up by it.
    static func pack(_ bytes: some Sequence<UInt8>) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }

    /// The kind of a packed name, by binary search of a sorted table: cheaper than hashing
    /// for a few dozen names.
    static func kind(_ packed: UInt64) -> Kind {
        var lo = 0, hi = sortedNames.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortedNames[mid] < packed { lo = mid + 1 } else { hi = mid }
        }
        return lo < sortedNames.count && sortedNames[lo] == packed ? sortedKinds[lo] : .other
    }

    private static let table: [(name: UInt64, kind: Kind)] = {
        var k: [(UInt64, Kind)] = [(pack("table"), .table), (pack("tr"), .row), (pack("td"), .cell), (pack("th"), .cell),
                                   (pack("br"), .lineBreak)]
        k += HTMLText.blockElements.filter { $0.count <= 8 }.map { (pack($0), .block) }
        k += HTMLText.skippedElements.map { (pack($0), .skipped) }
        return k.sorted { $0.0 < $1.0 }
    }()
    private static let sortedNames = table.map(\.name)
    private static let sortedKinds = table.map(\.kind)
}

/// A growing run of bytes that the page reader owns and frees (`deallocate`). A page is
/// thousands of short appends — runs of text, cells, tabs — and an array checks that it is
/// uniquely referenced and calls a generic copy for each of them. A copy of the struct shares
/// its bytes and must not outlive them, so it stays private to the page reader.
///
/// Sixteen bytes more than the capacity are allocated: a run of up to sixteen bytes is then
/// copied as one sixteen-byte load and store (most runs are a cell's few digits, and a call
/// to memcpy costs more than its copy), and sixteen bytes can be read from any position
/// before `count`.
private struct ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    static let slack = 16

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity + Self.slack)
    }

    func deallocate() { base.deallocate() }

    var isEmpty: Bool { count == 0 }
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = b
        count &+= 1         // at most the capacity: wrapping, as the sums below
    }

    /// Appends `run`, whose memory can be read up to `readable` (sixteen bytes are read at
    /// once when the run is shorter and that many are there).
    @inline(__always)
    mutating func append(_ run: UnsafeBufferPointer<UInt8>, readable: UnsafePointer<UInt8>) {
        guard let from = run.baseAddress, run.count > 0 else { return }
        if count &+ run.count > capacity { grow(to: count + run.count) }
        if run.count <= Self.slack && from + Self.slack <= readable {
            UnsafeMutableRawPointer(base + count).storeBytes(of: UnsafeRawPointer(from).loadUnaligned(as: SIMD16<UInt8>.self),
                                                             as: SIMD16<UInt8>.self)
        } else {
            (base + count).update(from: from, count: run.count)
        }
        count &+= run.count
    }

    /// Appends the bytes `range` of `other`.
    @inline(__always)
    mutating func append(_ other: ByteBuffer, _ range: Range<Int>) {
        append(UnsafeBufferPointer(rebasing: other.buffer[range]), readable: other.readable)
    }

    /// Where the memory that can be read from this buffer ends (past its slack).
    var readable: UnsafePointer<UInt8> { UnsafePointer(base + capacity + Self.slack) }

    mutating func removeAll() { count = 0 }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + Self.slack)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}

/// What a cell's attributes say of its spans.
enum TagAttributes {
    /// `colspan="3"` and `rowspan="2"` (any case), clamped to 1…50 and 1…500: the first of
    /// each word in a tag's attributes, 1 when absent. Both are found from the "span" they
    /// share — its 's' looked for sixteen bytes at a time — and the three letters before it:
    /// Word gives every cell a hundred bytes of style, and a search for each whole word at
    /// every byte cost a thousand instructions a cell.
    static func spans(_ attributes: TextBytes) -> (columns: Int, rows: Int) {
        var columns: Int?, rows: Int?
        guard let base = attributes.base.baseAddress else { return (1, 1) }
        let end = attributes.endIndex
        @inline(__always) func lower(_ k: Int) -> UInt8 { base[k] | 0x20 }
        // "span" at j, with three letters before it.
        var j = attributes.startIndex + 3
        while j + 4 <= end && (columns == nil || rows == nil) {
            j = nextS(base, from: j, before: end - 3)
            guard j + 4 <= end else { break }
            if lower(j + 1) == 0x70, lower(j + 2) == 0x61, lower(j + 3) == 0x6E {          // pan
                if columns == nil, lower(j - 3) == 0x63, lower(j - 2) == 0x6F, lower(j - 1) == 0x6C {   // col
                    columns = value(base, from: j + 4, before: end, max: 50)
                } else if rows == nil, lower(j - 3) == 0x72, lower(j - 2) == 0x6F, lower(j - 1) == 0x77 {  // row
                    rows = value(base, from: j + 4, before: end, max: 500)
                }
            }
            j += 1
        }
        return (columns ?? 1, rows ?? 1)
    }

    /// Where the next "sp" (any case) begins in `base[from..<end]`, or `end`: two loads a
    /// block, one a byte on, so that Word's many other s's (style, solid) are passed over.
    @inline(__always)
    private static func nextS(_ base: UnsafePointer<UInt8>, from: Int, before end: Int) -> Int {
        @inline(__always) func lanes(_ at: Int, _ letter: UInt8) -> SIMD16<UInt8> {
            Lanes.equal(UnsafeRawPointer(base + at).loadUnaligned(as: SIMD16<UInt8>.self) | SIMD16(repeating: 0x20), letter)
        }
        var j = from
        // `end` leaves three bytes after it ("pan"): the second load stays inside.
        while j + 16 <= end {
            if let k = Lanes.first(lanes(j, 0x73) & lanes(j + 1, 0x70)) { return j + k }
            j += 16
        }
        while j < end, base[j] | 0x20 != 0x73 || base[j + 1] | 0x20 != 0x70 { j += 1 }
        return j
    }

    /// The number after `colspan` or `rowspan`: past spaces, '=' and quotes, up to six digits,
    /// clamped to 1…max; 1 when there are none.
    private static func value(_ base: UnsafePointer<UInt8>, from: Int, before end: Int, max limit: Int) -> Int {
        var v = from
        while v < end, base[v] == 0x20 || base[v] == 0x3D || base[v] == 0x22 || base[v] == 0x27 { v += 1 }
        var value = 0
        var digits = 0
        while v < end, base[v] >= 0x30, base[v] <= 0x39, digits < 6 {
            value = value * 10 + Int(base[v] - 0x30); v += 1; digits += 1
        }
        return digits == 0 ? 1 : min(limit, max(1, value))
    }
}

/// One pass over a page: tags, text and tables to lines.
private struct PageReader {
    let page: UnsafeBufferPointer<UInt8>
    /// The page's first byte, unwrapped once (an empty page has none: `noBytes` stands in).
    let base: UnsafePointer<UInt8>
    var i = 0
    var line = 1
    /// The output: lines separated by LF, and the source line of each.
    var bytes: ByteBuffer
    var numbers: [Int] = []

    /// The block of text being gathered outside tables, and the line where it began.
    var text = ByteBuffer(capacity: 256)
    var textLine = 0

    /// Tables: nesting depth (only the outermost table's rows are rows), the row being read.
    var tableDepth = 0
    /// The row's cell texts, one after another, and each cell's range and spans, emptied at
    /// every row (a `RowBuffer`, as the table readers' row of values).
    var rowText = ByteBuffer(capacity: 256)
    var rowCells = RowBuffer<(start: Int, end: Int, columns: Int, rows: Int)>(capacity: 16)
    var cellStart = 0
    var rowLine = 0
    var rowOpen = false
    var cellOpen = false
    var cellSpan = (columns: 1, rows: 1)
    /// Rows still covered by a rowspan from above, by column, and how many columns are: most
    /// tables have no row spans, and their rows then need no look at the columns.
    var covered: [Int] = []
    var spanning = 0

    /// What `base` points to for a page of no bytes. Made once, never freed.
    nonisolated(unsafe) static let noBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// `nameByteTable`, held here: the static is checked for initialisation at each use.
    private let nameBytes = PageReader.nameByteTable
    /// `commonTagTable` and `tagStartTable`, held here for the same reason.
    private let commonTags = PageReader.commonTagTable
    private let tagStarts = PageReader.tagStartTable
    /// `skippedEndTable`, held here for the same reason.
    private let skippedEnds = PageReader.skippedEndTable

    /// The start of each skipped element's end tag (`</script`), by its packed name: made once,
    /// not for every skipped element of every page.
    static let skippedEndTable: [UInt64: [UInt8]] = Dictionary(uniqueKeysWithValues: HTMLText.skippedElements.map {
        (TagName.pack($0), Array("</\($0)".utf8))
    })
    static let endTagStart = Array("</".utf8), tagEnd = Array(">".utf8), bodyStart = Array("<body".utf8)
    static let head = TagName.pack("head")

    init(_ page: UnsafeBufferPointer<UInt8>) {
        self.page = page
        base = page.baseAddress ?? UnsafePointer(PageReader.noBytes)
        bytes = ByteBuffer(capacity: page.count)
        // Room from the start: grown from nothing, these were copied a few times a page.
        numbers.reserveCapacity(page.count / 32)
        covered.reserveCapacity(16)
    }

    func deallocate() {
        rowCells.deallocate()
        bytes.deallocate()
        text.deallocate()
        rowText.deallocate()
    }

    mutating func run() {
        let n = page.count
        while i < n {
            let b = page[i]
            if b == 0x3C, i + 1 < n, isTagStart(page[i + 1]) {
                if !commonTag() { tag() }
            } else if b == 0x26 {
                characterReference()
            } else if Self.isPlain(b) {
                // A run of plain text, copied at once.
                let j = nextNonPlain(from: i + 1)
                addText(UnsafeBufferPointer(start: base + i, count: j &- i))
                i = j
            } else {
                if b == 0x0A { line += 1 }
                addText(b)
                i += 1
            }
        }
        endTable(all: true)
        flush()
    }

    /// Whether `c`, after a '<', starts a tag: a letter, '/', '!' or '?'. A table, not tests:
    /// a page alternates start and end tags, and a test that stopped at the first condition
    /// met (a letter for `<td>`, '/' for `</td>`) was mispredicted at each change.
    @inline(__always)
    func isTagStart(_ c: UInt8) -> Bool { tagStarts[Int(c)] }

    /// `isTagStart` by byte value. Built once, never freed.
    nonisolated(unsafe) static let tagStartTable: UnsafePointer<Bool> = {
        let table = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
        for c in 0..<256 {
            let b = UInt8(c)
            table[c] = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b == 0x2F || b == 0x21 || b == 0x3F
        }
        return UnsafePointer(table)
    }()

    /// A text byte: into the open cell, or the block outside tables; line breaks are dropped
    /// (a page wraps its source lines anywhere), tabs in cells become spaces.
    mutating func addText(_ b: UInt8) {
        if b == 0x0A || b == 0x0D { return }
        if tableDepth > 0 {
            if cellOpen { rowText.append(b == 0x09 ? 0x20 : b) }
            return
        }
        if text.isEmpty { textLine = line }
        text.append(b)
    }

    mutating func addText(_ s: [UInt8]) { for b in s { addText(b) } }

    /// Text bytes that `addText` keeps as they are: not markup, not a line break or tab.
    @inline(__always)
    static func isPlain(_ b: UInt8) -> Bool { b != 0x3C && b != 0x26 && b != 0x0A && b != 0x0D && b != 0x09 }

    /// Where the first byte from `from` on that is not plain is, or the end: sixteen bytes at
    /// a time (`Lanes`), as most runs between a page's tags are short but a paragraph's is long.
    @inline(__always)
    func nextNonPlain(from: Int) -> Int {
        Lanes.firstIndex(in: base, from: from, to: page.count, marks: { v in
            Lanes.equal(v, 0x3C) | Lanes.equal(v, 0x26) | Lanes.equal(v, 0x0A) | Lanes.equal(v, 0x0D) | Lanes.equal(v, 0x09)
        }, matches: { !Self.isPlain($0) })
    }

    /// A run of plain bytes (see `isPlain`).
    /// As a buffer, not a slice: the append is then one copy, not a loop over the bytes.
    mutating func addText(_ run: UnsafeBufferPointer<UInt8>) {
        let pageEnd = base + page.count
        if tableDepth > 0 {
            if cellOpen { rowText.append(run, readable: pageEnd) }
            return
        }
        if text.isEmpty { textLine = line }
        text.append(run, readable: pageEnd)
    }

    /// Ends the block of text outside tables as one line.
    mutating func flush() {
        let t = Bytes.trim(text.buffer)
        if !t.isEmpty { emit(UnsafeBufferPointer(rebasing: t), readable: text.readable, line: textLine) }
        text.removeAll()
    }

    mutating func emit(_ s: UnsafeBufferPointer<UInt8>, readable: UnsafePointer<UInt8>, line: Int) {
        bytes.append(s, readable: readable)
        bytes.append(0x0A)
        numbers.append(line)
    }

    // MARK: Tags

    /// A tag that pages print by the hundred, exactly as they print it: `<td>`, `</td>`,
    /// `<p>`, `</tr>`…, lower case and bare. Such a tag is known from one eight-byte load
    /// and a comparison, where `tag` reads its name and attributes a byte at a time (over a
    /// hundred instructions a tag, a thousand tags a page). Anything else (capitals,
    /// attributes, spaces) is not one of these and goes to `tag`, which reads it the same.
    @inline(__always)
    mutating func commonTag() -> Bool {
        var taken = false
        // Tags come in runs (`</p></td><td><p>`): each after the first is taken in this loop,
        // not by another turn of the page's loop and its tests of the byte.
        outer: while i &+ 8 <= page.count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self).littleEndian
            // Each ends within the eight bytes: a tag with attributes (Word prints nothing
            // else) has no '>' there, and is turned away at once.
            let ends = Decoder.TextScan.bytes(w, equalTo: 0x3E)
            guard ends != 0 else { return taken }
            // The bytes up to the first '>', found in a table by a hash of them: a search of
            // the list, its exit at a different tag each time, was mispredicted at most tags.
            let length = ends.trailingZeroBitCount >> 3 + 1
            let tag = w & (UInt64.max &>> (64 - 8 * UInt64(length)))
            var slot = CommonTag.slot(of: tag)
            while true {
                let t = commonTags[slot]
                guard t.length > 0 else { return taken }
                if t.bytes == tag {
                    i &+= length
                    taken = true
                    // Inside a table, paragraphs, spans, bold and line breaks do nothing: most
                    // of a page's tags are these, around each cell's text. Otherwise, no
                    // attributes: an empty run where they would be, before the '>'.
                    if tableDepth == 0 || !t.inertInTables {
                        if t.closing { endTag(t.name, line: line) } else { startTag(t.name, page[(i - 1)..<(i - 1)], line: line) }
                    }
                    guard i < page.count, page[i] == 0x3C else { return true }
                    continue outer
                }
                slot = (slot + 1) & (CommonTag.slots - 1)
            }
        }
        return taken
    }

    /// A tag of `commonTag`: its bytes as a little-endian word, its length (0 for an empty
    /// slot of the table), its name, whether it is an end tag, and whether it does nothing
    /// inside a table (`startTag` and `endTag` act on a block, a line break or another tag
    /// only outside tables).
    struct CommonTag {
        var bytes: UInt64 = 0, length = 0, name = TagName(packed: 0), closing = false, inertInTables = false

        /// The table's size: a power of two, under half full.
        static let slots = 64

        /// The multiplier was chosen (by trying random odd numbers) so that the thirty tags
        /// fall in thirty slots: a tag is then found at its first probe. (With the golden
        /// ratio's, `<td>` and `</td>` shared a slot, and the probe after was mispredicted.)
        @inline(__always)
        static func slot(of bytes: UInt64) -> Int { Int(truncatingIfNeeded: (bytes &* 0x1120_C562_ABA5_479D) >> 58) }
    }

    /// The common tags by `CommonTag.slot` of their bytes (open addressing): `CommonTag.slots`
    /// of them, made once and never freed. A pointer, not an array: a slot is masked into the
    /// table, and an array's check of each lookup against its bounds cost four instructions a tag.
    nonisolated(unsafe) static let commonTagTable: UnsafePointer<CommonTag> = {
        var table = [CommonTag](repeating: CommonTag(), count: CommonTag.slots)
        // A table's cells and the markup inside them first, then the bare tags of a table's
        // frame, headings and lists (a page's other tags have attributes, or come once).
        for tag in ["</td>", "<td>", "<p>", "</p>", "<tr>", "</tr>", "<span>", "</span>", "<br>", "<th>", "</th>", "<b>", "</b>",
                    "</table>", "<tbody>", "</tbody>", "<thead>", "</thead>", "<h1>", "</h1>", "<h2>", "</h2>",
                    "<h3>", "</h3>", "<h4>", "</h4>", "<div>", "</div>", "<li>", "</li>"] {
            let bytes = Array(tag.utf8)
            let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let closing = bytes[1] == 0x2F
            let name = TagName(packed: TagName.pack(bytes[(closing ? 2 : 1)..<(bytes.count - 1)]))
            var slot = CommonTag.slot(of: word)
            while table[slot].length > 0 { slot = (slot + 1) & (CommonTag.slots - 1) }
            let inert: Bool
            switch name.kind {
            case .block, .lineBreak, .other: inert = true
            case .table, .row, .cell, .skipped: inert = false
            }
            table[slot] = CommonTag(bytes: word, length: bytes.count, name: name, closing: closing, inertInTables: inert)
        }
        return .permanent(table)
    }()

    mutating func tag() {
        let start = i
        let tagLine = line
        let n = page.count
        if page[i + 1] == 0x21 {              // <!-- comment --> or <!DOCTYPE …>
            if i + 3 < n, page[i + 2] == 0x2D, page[i + 3] == 0x2D {
                skip(past: [0x2D, 0x2D, 0x3E], from: i + 4)
            } else {
                skip(past: [0x3E], from: i + 2)
            }
            return
        }
        if page[i + 1] == 0x3F { skip(past: [0x3E], from: i + 2); return }
        let closing = page[i + 1] == 0x2F
        var j = i + (closing ? 2 : 1)
        let nameStart = j
        // The name is packed as it is read (see `TagName`); a longer one is read again.
        var packed: UInt64 = 0
        while j < n {
            let c = nameBytes[Int(page[j])]
            if c == 0 { break }
            packed = packed << 8 | UInt64(c)
            j += 1
        }
        let name = j - nameStart <= 8 ? TagName(packed: packed) : TagName(page[nameStart..<j])
        // Attributes, to the closing '>' (a quoted value may hold one). Only '>', quotes and
        // line ends matter here, and the bytes between them are passed sixteen at a time: a
        // page saved from Word gives each cell and paragraph a hundred bytes of style.
        let attributes = j
        var quote: UInt8 = 0
        while j < n {
            j = Self.nextAttributeMark(page, from: j)
            guard j < n else { break }
            let c = page[j]
            if c == 0x0A { line += 1 }
            if quote != 0 { if c == quote { quote = 0 } }
            else if c == 0x22 || c == 0x27 { quote = c }
            else if c == 0x3E { break }
            j += 1
        }
        let attributeBytes = page[attributes..<min(j, n)]
        i = min(j + 1, n)
        if nameStart == j { for b in page[start..<i] { addText(b) }; return }
        if closing { endTag(name, line: tagLine) } else { startTag(name, attributeBytes, line: tagLine) }
    }

    /// Where the next '>', '"', "'" or line feed is in `page` from `from` on (the end if
    /// none), sixteen bytes at a time (`Lanes`).
    @inline(__always)
    static func nextAttributeMark(_ page: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = page.baseAddress else { return page.count }
        return Lanes.firstIndex(in: base, from: from, to: page.count, marks: { v in
            Lanes.equal(v, 0x3E) | Lanes.equal(v, 0x22) | Lanes.equal(v, 0x27) | Lanes.equal(v, 0x0A)
        }, matches: { $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x0A })
    }

    @inline(__always)
    static func isNameByte(_ c: UInt8) -> Bool {
        (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x3A
    }

    /// By byte value: the byte lower-cased where it can be part of a tag's name, else 0. A
    /// page is mostly tags, and a look-up per byte of a name replaces four range tests and a
    /// case fold. Built once, never freed.
    nonisolated(unsafe) static let nameByteTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for c in 0..<256 { table[c] = isNameByte(UInt8(c)) ? Bytes.lowercased(UInt8(c)) : 0 }
        return UnsafePointer(table)
    }()

    /// Moves past the next `end` (case-insensitive), counting lines; to the end if none.
    mutating func skip(past end: [UInt8], from: Int) {
        advance(to: find(end, from: from).map { $0 + end.count } ?? page.count)
    }

    /// Where `needle` (see `HTMLText.find`) next occurs from `from`.
    func find(_ needle: [UInt8], from: Int) -> Int? {
        HTMLText.find(needle, in: page, from: from, before: page.count)
    }

    /// Moves to `position`, counting the lines passed (found with memchr).
    mutating func advance(to position: Int) {
        guard let base = page.baseAddress, i < position else { return }
        while let hit = memchr(base + i, 0x0A, position - i) {
            line += 1
            i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
            if i >= position { break }
        }
        i = position
    }

    /// Inlined into the two tag readers: a call passed the name and the attributes' slice
    /// at every cell and row of a page, for a switch that mostly sets a flag or two.
    @inline(__always)
    mutating func startTag(_ name: TagName, _ attributes: TextBytes, line: Int) {
        if name.kind == .skipped {
            // Skipped to the end of its end tag; <head> also ends where <body> begins.
            var end = find(skippedEnds[name.packed] ?? Self.endTagStart, from: i).map { close in
                find(Self.tagEnd, from: close).map { $0 + 1 } ?? page.count
            } ?? page.count
            if name.packed == Self.head, let body = find(Self.bodyStart, from: i), body < end { end = body }
            advance(to: end)
            return
        }
        switch name.kind {
        case .table:
            if tableDepth == 0 { flush() }
            tableDepth += 1
        case .row where tableDepth == 1:
            endRow()
            rowOpen = true
            rowLine = line
        case .cell where tableDepth == 1:
            if !rowOpen { rowOpen = true; rowLine = line }
            endCell()
            cellOpen = true
            cellStart = rowText.count
            cellSpan = (1, 1)
            if attributes.count > 6 {
                cellSpan = TagAttributes.spans(attributes)
            }
        case .lineBreak:
            if tableDepth == 0 { flush() }
        case .row, .cell, .block:
            if tableDepth == 0 { flush() }
        default:
            break
        }
    }

    mutating func endTag(_ name: TagName, line: Int) {
        switch name.kind {
        case .table:
            if tableDepth == 1 { endTable(all: false) } else if tableDepth > 1 { tableDepth -= 1 }
        case .row where tableDepth == 1:
            endRow()
        case .cell where tableDepth == 1:
            endCell()
        case .row, .cell, .block:
            if tableDepth == 0 { flush() }
        default:
            break
        }
    }

    // MARK: Tables

    /// Ends the open cell: its trimmed text is a range of the row's text. Inlined: called at
    /// every cell's start and end, most often with no cell open.
    @inline(__always)
    mutating func endCell() {
        guard cellOpen else { return }
        let trimmed = Bytes.trim(rowText.buffer[cellStart...])
        let cell = (start: trimmed.startIndex, end: trimmed.endIndex, columns: cellSpan.columns, rows: cellSpan.rows)
        rowCells.append(cell)
        cellOpen = false
    }

    /// Writes the row as one tab-separated line, spans expanded.
    mutating func endRow() {
        endCell()
        guard rowOpen else { return }
        rowOpen = false
        bytes.append(0x09)
        // Cells are separated by tabs: a tab goes before every column but the first.
        var col = 0
        for index in 0..<rowCells.count {
            let c = rowCells[index]
            if spanning > 0 { col = skipCovered(from: col) }
            for k in 0..<c.columns {
                if col > 0 { bytes.append(0x09) }
                if k == 0 { bytes.append(rowText, c.start..<c.end) }
                if spanning > 0 || c.rows > 1 { cover(col, rows: c.rows - 1) }
                col += 1
            }
        }
        if spanning > 0 { _ = skipCovered(from: col) }
        bytes.append(0x0A)
        numbers.append(rowLine)
        rowCells.removeAll()
        rowText.removeAll()
    }

    /// Writes an empty cell for each column from `col` on that a rowspan from above still
    /// covers, and returns the column after them. Inlined into `endRow`, as `cover` is: while
    /// a row span is open, both are asked at every cell of every row.
    @inline(__always)
    mutating func skipCovered(from col: Int) -> Int {
        var col = col
        while col < covered.count, covered[col] > 0 {
            covered[col] -= 1
            if covered[col] == 0 { spanning -= 1 }
            if col > 0 { bytes.append(0x09) }
            col += 1
        }
        return col
    }

    /// Marks column `col` as covered for `rows` more rows.
    @inline(__always)
    mutating func cover(_ col: Int, rows: Int) {
        while covered.count <= col { covered.append(0) }
        if covered[col] > 0 { spanning -= 1 }
        covered[col] = rows
        if rows > 0 { spanning += 1 }
    }

    /// Ends the outermost table (or all tables, at the end of the page): its last row, then
    /// an empty line, as a table ends a block.
    mutating func endTable(all: Bool) {
        guard tableDepth > 0 else { return }
        endRow()
        tableDepth = 0
        covered.removeAll(keepingCapacity: true)
        spanning = 0
        bytes.append(0x0A)
        numbers.append(line)
    }

    // MARK: Character references

    /// By the name's bytes packed into an integer (`TagName.pack`; every name here is eight
    /// letters or fewer): looked up with no array made for the name.
    static let named: [UInt64: [UInt8]] = {
        let table: [String: String] = [
            "nbsp": "\u{A0}", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
            "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}", "middot": "·",
            "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’", "mdash": "—", "ndash": "–",
            "hellip": "…", "times": "×", "divide": "÷", "yen": "¥", "copy": "©", "reg": "®",
            "deg": "°", "plusmn": "±", "sect": "§", "bull": "•", "laquo": "«", "raquo": "»",
        ]
        var out: [UInt64: [UInt8]] = [:]
        for (k, v) in table {
            precondition(k.utf8.count <= 8)
            out[TagName.pack(k)] = Array(v.utf8)
        }
        return out
    }()

    /// `&nbsp;`, `&#12288;`, `&#x3000;`; anything else stays as printed.
    mutating func characterReference() {
        let n = page.count
        var j = i + 1
        while j < n, j - i <= 10, page[j] != 0x3B, Self.isNameByte(page[j]) || page[j] == 0x23 { j += 1 }
        guard j < n, page[j] == 0x3B, j > i + 1 else { addText(0x26); i += 1; return }
        let body = page[(i + 1)..<j]
        var decoded: [UInt8]?
        if body.first == 0x23 {
            var v: UInt32 = 0
            var k = body.startIndex + 1
            let hex = k < body.endIndex && (body[k] | 0x20) == 0x78
            if hex { k += 1 }
            var digits = 0
            while k < body.endIndex, digits < 8 {
                let c = body[k]
                let d: UInt32
                if c >= 0x30 && c <= 0x39 { d = UInt32(c - 0x30) }
                else if hex, (c | 0x20) >= 0x61, (c | 0x20) <= 0x66 { d = UInt32((c | 0x20) - 0x61 + 10) }
                else { break }
                v = v * (hex ? 16 : 10) + d
                k += 1; digits += 1
            }
            if k == body.endIndex, digits > 0, let scalar = Unicode.Scalar(v), v != 0 {
                decoded = Array(String(Character(scalar)).utf8)
            }
        } else {
            // Exactly as written (names are case-sensitive); none is longer than eight.
            if body.count <= 8 { decoded = Self.named[TagName.pack(body)] }
        }
        if let decoded {
            addText(decoded)
            i = j + 1
        } else {
            addText(0x26)
            i += 1
        }
    }
}
