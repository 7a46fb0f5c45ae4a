// Writing the selection to files, atomically.
//
// Every export goes to a temporary file beside the target, is flushed to disk, then renamed
// over the target: a failed export (full disk, no permission) leaves no partial file and any
// earlier file intact.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum Folders {
    /// Makes `path` and the folders above it that are missing (`mkdir -p`), new ones with
    /// `mode`; on failure, the folder that could not be made and why (errno).
    public static func make(_ path: String, mode: mode_t = 0o755) -> (folder: String, error: Int32)? {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, mode) != 0 && errno != EEXIST { return (built, errno) }
        }
        return nil
    }
}

public enum ExportFormat: String, CaseIterable, Sendable {
    case csv, json, jsonl, tsv, markdown
}

/// Where an export's bytes go: a file being written (`FileSink`) or memory (`render`). A
/// national corpus exports to hundreds of megabytes, written as it is made, not first built
/// as one string.
public protocol ByteSink {
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteSink {
    @inline(__always)
    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }
}

/// Bytes kept in memory.
struct MemorySink: ByteSink {
    var bytes: [UInt8] = []
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }
}

/// Bytes written to a file a megabyte at a time; the first failure is kept and what follows
/// is dropped.
public struct FileSink: ByteSink {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var failure: Int32 = 0
    /// Whether any byte was appended, and the last one: a file ends with a line end.
    private(set) var last: UInt8?

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 20)
    }

    public mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard !b.isEmpty else { return }
        last = b[b.count - 1]
        if buffer.count + b.count > 1 << 20 { flush() }
        if b.count >= 1 << 20 { write(b) } else { buffer.append(contentsOf: b) }
    }

    mutating func flush() {
        let pending = buffer
        pending.withUnsafeBufferPointer { write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func write(_ b: UnsafeBufferPointer<UInt8>) {
        guard failure == 0, let base = b.baseAddress else { return }
        var done = 0
        while done < b.count {
            let n = Glibc.write(fd, base + done, b.count - done)
            if n < 0 { if errno == EINTR { continue }; failure = errno; return }
            done += n
        }
    }
}

public enum AtomicFile {
    /// Writes `text` to `path` through a temporary file and a rename.
    public static func write(_ text: String, to path: String, span: SourceSpan? = nil) throws(Diagnostic) {
        try write(to: path, span: span) { $0.append(text) }
    }

    /// Writes what `produce` appends to `path` through a temporary file and a rename, flushed
    /// to disk first, ending with a line end if it has any bytes.
    public static func write(to path: String, span: SourceSpan? = nil, _ produce: (inout FileSink) -> Void) throws(Diagnostic) {
        let outcome = write(to: path, sync: true) { sink in
            produce(&sink)
            if let last = sink.last, last != 0x0A { sink.append([0x0A]) }
        }
        switch outcome {
        case nil: return
        case .create(let e)?: throw Diagnostic("cannot write '\(path)': \(String(cString: strerror(e)))", at: span)
        case .write(let e)?: throw Diagnostic("cannot write '\(path)': \(String(cString: strerror(e))); nothing was written", at: span)
        }
    }

    enum Failure: Error { case create(Int32), write(Int32) }

    /// Writes `bytes` to `path` through a temporary file beside it and a rename, flushed to
    /// disk first when `sync`; on failure the temporary file is removed and `path` untouched.
    static func write(_ bytes: [UInt8], to path: String, sync: Bool) -> Failure? {
        write(to: path, sync: sync) { $0.append(bytes) }
    }

    static func write(to path: String, sync: Bool, _ produce: (inout FileSink) -> Void) -> Failure? {
        let dir: String
        if let slash = path.lastIndex(of: "/") { dir = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash]) } else { dir = "." }
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return .create(errno) }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var sink = FileSink(fd: fd)
        produce(&sink)
        sink.flush()
        var failure = sink.failure
        if failure == 0 && sync && fsync(fd) != 0 { failure = errno }
        fchmod(fd, 0o644)
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(tmp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(tmp)
            return .write(failure)
        }
        return nil
    }
}

public enum ReportExport {
    /// The selected reports with every field, as PRODUCT.md describes.
    public static func render(_ corpus: Corpus, rows: [Int32], format: ExportFormat) -> String {
        var sink = MemorySink()
        write(corpus, rows: rows, format: format, to: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// The same, written to `sink` a report at a time: 100,000 reports are 800 MB of JSON.
    public static func write<Sink: ByteSink>(_ corpus: Corpus, rows: [Int32], format: ExportFormat, to sink: inout Sink) {
        let fields = FieldWriter(corpus)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        switch format {
        case .json, .jsonl:
            // `"s3.new.total": ` for every field, made once.
            let keys = fields.fields.map { Array((JSON.string($0.id) + ": ").utf8) }
            if format == .json { sink.append("[") }
            for (n, r32) in rows.enumerated() {
                if n > 0 { sink.append(format == .json ? ",\n " : "\n") }
                let r = Int(r32)
                buffer.removeAll(keepingCapacity: true)
                buffer.append(UInt8(ascii: "{"))
                for a in [ReportAttribute.file, .org, .year, .format, .layout] {
                    buffer.append(contentsOf: (JSON.string(a.rawValue) + ": " + JSON.value(corpus.value(a, r)) + ", ").utf8)
                }
                buffer.append(contentsOf: "\"fields\": {".utf8)
                for k in keys.indices {
                    if k > 0 { buffer.append(0x2C); buffer.append(0x20) }
                    keys[k].withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
                    fields.append(k, r, null: FieldWriter.jsonNull, amount: JSON.value, to: &buffer)
                }
                buffer.append(contentsOf: "}, ".utf8)
                let warnings = corpus.warnings[r].map { w in
                    "{\"line\": \(w.line.map(String.init) ?? "null"), \"code\": \(JSON.string(w.code)), \"message\": \(JSON.string(w.message))}"
                }
                buffer.append(contentsOf: ("\"warnings\": [" + warnings.joined(separator: ", ") + "]}").utf8)
                sink.append(buffer)
            }
            if format == .json { sink.append("]") }
        case .csv, .tsv:
            let separator: Character = format == .csv ? "," : "\t"
            func field(_ v: Value) -> String { Renderer.csvField(Renderer.rawText(v), separator: separator) }
            let columns = ReportAttribute.allCases.map(\.rawValue) + fields.fields.map(\.id)
            sink.append(columns.map { Renderer.csvField($0, separator: separator) }.joined(separator: String(separator)))
            let sep = UInt8(ascii: format == .csv ? "," : "\t")
            for r32 in rows {
                let r = Int(r32)
                buffer.removeAll(keepingCapacity: true)
                buffer.append(0x0A)
                for (k, a) in ReportAttribute.allCases.enumerated() {
                    if k > 0 { buffer.append(sep) }
                    buffer.append(contentsOf: field(corpus.value(a, r)).utf8)
                }
                for k in fields.fields.indices {
                    buffer.append(sep)
                    fields.append(k, r, null: [], amount: field, to: &buffer)
                }
                sink.append(buffer)
            }
        case .markdown:
            let columns = ReportAttribute.allCases.map(\.rawValue) + fields.fields.map(\.id)
            let table = ResultTable(columns: columns, rows: rows.map { r in
                ReportAttribute.allCases.map { corpus.value($0, Int(r)) } + fields.fields.map { corpus.value($0, Int(r)) }
            })
            sink.append(Renderer(format: .markdown, maxRows: Int.max).render(table))
        }
    }

    /// Every field of a report as an export writes it. A count, most of every report, goes
    /// from its column to digits in the buffer; an amount through the format's own text.
    /// The columns and the fields' kinds are held here: a class's array property is checked
    /// for exclusive access at each read, and a Field copied per cell (its strings retained
    /// and released) was most of an export's time.
    private struct FieldWriter {
        static let jsonNull = Array("null".utf8)
        let corpus: Corpus
        let fields = Form.standard.fields
        let counts: [[Int32]]
        let isAmount: [Bool], column: [Int]

        init(_ corpus: Corpus) {
            self.corpus = corpus
            counts = corpus.counts
            isAmount = fields.map { $0.kind == .amount }
            column = fields.map(\.index)
        }

        /// Field `k` of report `r`: its digits, `null` when it has no number, an amount as
        /// `amount` prints its value.
        @inline(__always)
        func append(_ k: Int, _ r: Int, null: [UInt8], amount: (Value) -> String, to out: inout [UInt8]) {
            if isAmount[k] {
                out.append(contentsOf: amount(corpus.value(fields[k], r)).utf8)
                return
            }
            if let v = corpus.integer(stored: counts[column[k]][r], column[k], r) {
                ReportExport.appendDigits(v, to: &out)
            } else {
                out.append(contentsOf: null)
            }
        }
    }

    /// `v` in decimal, as `String(v)` writes it.
    @inline(__always)
    static func appendDigits(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        var m = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // up to 20 digits, 24 bytes of room
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[23 - n] = UInt8(truncatingIfNeeded: m % 10) + 0x30; m /= 10; n += 1 } while m > 0
            out.append(contentsOf: d[(24 - n)...])
        }
    }
}
