// The report cache's bytes: a report written as variable-length integers and strings, and
// read back with every length checked, so that a damaged cache file is a corrupt entry and
// never a crash. The layout of a cache file is in ReportCache.swift.

/// Bytes of a cache file being written: variable-length integers, strings with their length.
struct CacheWriter {
    var bytes: [UInt8] = []

    @inline(__always)
    mutating func unsigned(_ v: UInt64) {
        if v < 0x80 { bytes.append(UInt8(v)); return }
        var v = v
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func unsigned(_ v: Int) { unsigned(UInt64(bitPattern: Int64(v))) }

    /// Writes `v` at `p + n` (room assumed) and moves `n` past it.
    @inline(__always)
    static func put(_ v: UInt64, _ p: UnsafeMutablePointer<UInt8>, _ n: inout Int) {
        var v = v
        while v >= 0x80 { p[n] = UInt8(truncatingIfNeeded: v) | 0x80; n += 1; v >>= 7 }
        p[n] = UInt8(v); n += 1
    }
    @inline(__always)
    static func put(zigzag v: Int64, _ p: UnsafeMutablePointer<UInt8>, _ n: inout Int) {
        put(zigzag(v), p, &n)
    }
    /// Zig-zag: small negative numbers stay short (0, -1, 1, -2 … as 0, 1, 2, 3 …).
    @inline(__always)
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always)
    mutating func signed(_ v: Int64) { unsigned(CacheWriter.zigzag(v)) }
    mutating func signed(_ v: Int) { signed(Int64(v)) }
    mutating func word(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func string(_ s: String) { unsigned(s.utf8.count); bytes.append(contentsOf: s.utf8) }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }
}

/// Reads what `CacheWriter` wrote, checking every length against the bytes there are: a
/// damaged cache file is a corrupt entry, never a crash.
struct CacheReader {
    struct Corrupt: Error {}
    let bytes: UnsafeBufferPointer<UInt8>
    var at: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        at = start
        self.end = end ?? bytes.count
    }

    var atEnd: Bool { at >= end }

    @inline(__always)
    mutating func byte() throws(Corrupt) -> UInt8 {
        guard at < end else { throw Corrupt() }
        defer { at += 1 }
        return bytes[at]
    }
    @inline(__always)
    mutating func unsigned() throws(Corrupt) -> UInt64 {
        if at < end, bytes[at] < 0x80 { at += 1; return UInt64(bytes[at - 1]) }
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Corrupt() }
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }
    @inline(__always)
    mutating func count(max limit: Int) throws(Corrupt) -> Int {
        let v = try unsigned()
        guard v <= UInt64(limit) else { throw Corrupt() }
        return Int(v)
    }
    @inline(__always)
    mutating func signed() throws(Corrupt) -> Int64 {
        let u = try unsigned()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    mutating func int() throws(Corrupt) -> Int {
        let v = try signed()
        guard let i = Int(exactly: v) else { throw Corrupt() }
        return i
    }
    mutating func word() throws(Corrupt) -> UInt64 {
        guard end - at >= 8 else { throw Corrupt() }
        defer { at += 8 }
        return UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + at).loadUnaligned(as: UInt64.self))
    }
    mutating func uint32() throws(Corrupt) -> UInt32 {
        guard end - at >= 4 else { throw Corrupt() }
        defer { at += 4 }
        return UInt32(littleEndian: UnsafeRawPointer(bytes.baseAddress! + at).loadUnaligned(as: UInt32.self))
    }
    mutating func raw(_ n: Int) throws(Corrupt) -> UnsafeBufferPointer<UInt8> {
        guard n >= 0, end - at >= n else { throw Corrupt() }
        defer { at += n }
        return UnsafeBufferPointer(rebasing: bytes[at..<(at + n)])
    }
    mutating func string() throws(Corrupt) -> String {
        let run = try raw(try count(max: end - at))
        guard let s = String(validating: run, as: UTF8.self) else { throw Corrupt() }
        return s
    }
    mutating func bool() throws(Corrupt) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw Corrupt()
        }
    }
}

/// A report as the cache keeps it: everything a reading gives but the file's path, which is
/// the name the load gives it.
enum ReportCodec {
    static func encode(_ r: Report, into out: inout CacheWriter) {
        out.bool(r.org != nil); if let org = r.org { out.string(org) }
        out.bool(r.year != nil); if let year = r.year { out.signed(year) }
        out.string(r.format?.rawValue ?? "")
        out.string(r.layout)
        out.string(r.encoding.rawValue)
        encode(r.cells, into: &out)
        out.unsigned(r.warnings.count)
        for w in r.warnings {
            out.string(w.code)
            out.bool(w.line != nil); if let line = w.line { out.signed(line) }
            out.string(w.message)
        }
        for s in 1...6 { out.signed(r.sectionLines[s] ?? 0) }
        out.bool(r.period != nil)
        if let p = r.period { encode(p.start, into: &out); encode(p.end, into: &out); out.signed(p.line) }
        out.bool(r.signed != nil); if let d = r.signed { encode(d, into: &out) }
        out.unsigned(r.statedNumbers.count)
        for n in r.statedNumbers { out.string(n.fieldID); out.signed(n.value); out.signed(n.line) }
        out.bool(r.mentionsProcessingFee)
        out.unsigned(r.narrativeFingerprints.count)
        for f in r.narrativeFingerprints { out.word(f) }
    }

    static func decode(_ input: inout CacheReader, file: String) throws(CacheReader.Corrupt) -> Report {
        let org = try input.bool() ? try input.string() : nil
        let year = try input.bool() ? try input.int() : nil
        let formatName = try input.string()
        let format = FormVersion(rawValue: formatName)
        guard format != nil || formatName.isEmpty else { throw CacheReader.Corrupt() }
        let layout = try input.string()
        guard let encoding = TextEncoding(rawValue: try input.string()) else { throw CacheReader.Corrupt() }
        let cells = try decodeCells(&input)
        var warnings: [ReadWarning] = []
        for _ in 0..<(try input.count(max: input.end - input.at)) {
            let code = try input.string()
            let line = try input.bool() ? try input.int() : nil
            warnings.append(ReadWarning(code: code, line: line, message: try input.string()))
        }
        var sectionLines = SectionLines()
        for s in 1...6 { let line = try input.int(); sectionLines[s] = line > 0 ? line : nil }
        var period: ReportPeriod?
        if try input.bool() {
            period = ReportPeriod(start: try decodeDate(&input), end: try decodeDate(&input), line: try input.int())
        }
        let signed = try input.bool() ? try decodeDate(&input) : nil
        var stated: [StatedNumber] = []
        for _ in 0..<(try input.count(max: input.end - input.at)) {
            stated.append(StatedNumber(fieldID: try input.string(), value: try input.signed(), line: try input.int()))
        }
        let fee = try input.bool()
        var fingerprints: [UInt64] = []
        let n = try input.count(max: (input.end - input.at) / 8)
        fingerprints.reserveCapacity(n)
        for _ in 0..<n { fingerprints.append(try input.word()) }
        guard input.atEnd else { throw CacheReader.Corrupt() }
        return Report(file: file, org: org, year: year, format: format, layout: layout, encoding: encoding,
                      cells: cells, warnings: warnings, sectionLines: sectionLines, period: period,
                      signed: signed, statedNumbers: stated, mentionsProcessingFee: fee,
                      narrativeFingerprints: fingerprints)
    }

    private static func encode(_ d: ReportDate, into out: inout CacheWriter) {
        out.signed(d.year); out.signed(d.month); out.signed(d.day)
    }

    private static func decodeDate(_ input: inout CacheReader) throws(CacheReader.Corrupt) -> ReportDate {
        ReportDate(year: try input.int(), month: try input.int(), day: try input.int())
    }

    // A report's cells: only the fields it has (most of the form is absent from any one
    // report), each as its distance from the one before, then a byte of its kind and of what
    // follows, then its line as the distance from the line before. A whole number's double is
    // the number itself and is not written; any other double is written bit for bit.
    private static let absentSlot = FieldCells.Slot()
    private enum DoubleForm: UInt8 { case none, ofInteger, bits }
    private static let hasInteger: UInt8 = 0x08, hasDecimals: UInt8 = 0x40

    private static func encode(_ cells: FieldCells, into out: inout CacheWriter) {
        // Written through a pointer into room for the worst case (a slot takes at most 27
        // bytes): a report has some 150 readings, and appending each byte to an array checks
        // its capacity and that it is not shared.
        let nan = Double.nan.bitPattern
        let row = cells.slots.withUnsafeBufferPointer { slots in
            [UInt8](unsafeUninitializedCapacity: 2 + 27 * slots.count) { buffer, written in
                let p = buffer.baseAddress!
                var n = 2, present = 0
                var previous = -1, previousLine: Int64 = 0
                for i in slots.indices {
                    let slot = slots[i]
                    if slot.kind == .absent && slot.line == 0 && slot.integer == Corpus.nullInt && slot.decimals == 0
                        && slot.double.bitPattern == nan { continue }
                    present += 1
                    CacheWriter.put(UInt64(i - previous), p, &n)
                    previous = i
                    let hasInteger = slot.integer != Corpus.nullInt
                    let form: DoubleForm
                    if slot.double.bitPattern == nan { form = .none }
                    else if hasInteger && slot.double.bitPattern == Double(slot.integer).bitPattern { form = .ofInteger }
                    else { form = .bits }
                    var head = slot.kind.rawValue | form.rawValue << 4
                    if hasInteger { head |= Self.hasInteger }
                    if slot.decimals != 0 { head |= hasDecimals }
                    p[n] = head; n += 1
                    if slot.decimals != 0 { p[n] = slot.decimals; n += 1 }
                    CacheWriter.put(zigzag: Int64(slot.line) - previousLine, p, &n)
                    previousLine = Int64(slot.line)
                    if hasInteger { CacheWriter.put(zigzag: slot.integer, p, &n) }
                    if form == .bits {
                        UnsafeMutableRawPointer(p + n).storeBytes(of: slot.double.bitPattern.littleEndian, as: UInt64.self)
                        n += 8
                    }
                }
                p[0] = UInt8(truncatingIfNeeded: present); p[1] = UInt8(truncatingIfNeeded: present >> 8)
                written = n
            }
        }
        out.bytes += row
        out.unsigned(cells.units.count)
        for (i, unit) in cells.units.sorted(by: { $0.key < $1.key }) { out.unsigned(i); out.string(unit.rawValue) }
        out.unsigned(cells.printed.count)
        for (i, text) in cells.printed.sorted(by: { $0.key < $1.key }) { out.unsigned(i); out.string(text) }
    }

    private static func decodeCells(_ input: inout CacheReader) throws(CacheReader.Corrupt) -> FieldCells {
        let fieldCount = Form.standard.fields.count
        var slots = [FieldCells.Slot](repeating: absentSlot, count: fieldCount)
        let present = Int(try input.byte()) | Int(try input.byte()) << 8
        guard present <= fieldCount else { throw CacheReader.Corrupt() }
        // Into the slots through a pointer: a report has some 225 readings, and storing each
        // through the array checks that it is not shared.
        try slots.withUnsafeMutableBufferPointer { (slots) throws(CacheReader.Corrupt) in
            var i = -1
            var line: Int64 = 0
            for _ in 0..<present {
                i += try input.count(max: fieldCount)
                let head = try input.byte()
                guard i < fieldCount, head & 0x80 == 0, let kind = CellKind(rawValue: head & 0x07) else { throw CacheReader.Corrupt() }
                var slot = FieldCells.Slot()
                slot.kind = kind
                if head & hasDecimals != 0 { slot.decimals = try input.byte() }
                line &+= try input.signed()
                guard let printedLine = Int32(exactly: line) else { throw CacheReader.Corrupt() }
                slot.line = printedLine
                if head & hasInteger != 0 { slot.integer = try input.signed() }
                switch DoubleForm(rawValue: (head >> 4) & 0x03) {
                case .none?: break
                case .ofInteger? where slot.integer != Corpus.nullInt: slot.double = Double(slot.integer)
                case .bits?: slot.double = Double(bitPattern: try input.word())
                default: throw CacheReader.Corrupt()
                }
                slots[i] = slot
            }
        }
        var units: [Int: CellUnit] = [:]
        for _ in 0..<(try input.count(max: fieldCount)) {
            let k = try input.count(max: fieldCount - 1)
            guard let unit = CellUnit(rawValue: try input.string()) else { throw CacheReader.Corrupt() }
            units[k] = unit
        }
        var printed: [Int: String] = [:]
        for _ in 0..<(try input.count(max: fieldCount)) {
            let k = try input.count(max: fieldCount - 1)
            printed[k] = try input.string()
        }
        return FieldCells(slots: slots, units: units, printed: printed)
    }
}
