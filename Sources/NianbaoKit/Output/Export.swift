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

public enum AtomicFile {
    /// Writes `text` to `path` through a temporary file and a rename.
    public static func write(_ text: String, to path: String, span: SourceSpan? = nil) throws(Diagnostic) {
        var bytes = Array(text.utf8)
        if !bytes.isEmpty && bytes.last != 0x0A { bytes.append(0x0A) }
        switch write(bytes, to: path, sync: true) {
        case nil: return
        case .create(let e)?: throw Diagnostic("cannot write '\(path)': \(String(cString: strerror(e)))", at: span)
        case .write(let e)?: throw Diagnostic("cannot write '\(path)': \(String(cString: strerror(e))); nothing was written", at: span)
        }
    }

    enum Failure: Error { case create(Int32), write(Int32) }

    /// Writes `bytes` to `path` through a temporary file beside it and a rename, flushed to
    /// disk first when `sync`; on failure the temporary file is removed and `path` untouched.
    static func write(_ bytes: [UInt8], to path: String, sync: Bool) -> Failure? {
        let dir: String
        if let slash = path.lastIndex(of: "/") { dir = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash]) } else { dir = "." }
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return .create(errno) }
        let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                done += n
            }
        }
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
        let fields = Form.standard.fields
        switch format {
        case .json, .jsonl:
            let objects = rows.map { object(corpus, Int($0), fields) }
            return format == .jsonl ? objects.joined(separator: "\n") : "[" + objects.joined(separator: ",\n ") + "]"
        case .csv, .tsv, .markdown:
            let columns = ReportAttribute.allCases.map(\.rawValue) + fields.map(\.id)
            let table = ResultTable(columns: columns, rows: rows.map { r in
                ReportAttribute.allCases.map { corpus.value($0, Int(r)) } + fields.map { corpus.value($0, Int(r)) }
            })
            let f: OutputFormat = format == .csv ? .csv : (format == .tsv ? .tsv : .markdown)
            return Renderer(format: f, maxRows: Int.max).render(table)
        }
    }

    static func object(_ corpus: Corpus, _ r: Int, _ fields: [Field]) -> String {
        var parts: [String] = []
        for a in [ReportAttribute.file, .org, .year, .format, .layout] {
            parts.append(JSON.string(a.rawValue) + ": " + JSON.value(corpus.value(a, r)))
        }
        let values = fields.map { JSON.string($0.id) + ": " + JSON.value(corpus.value($0, r)) }
        parts.append("\"fields\": {" + values.joined(separator: ", ") + "}")
        let warnings = corpus.warnings[r].map { w in
            "{\"line\": \(w.line.map(String.init) ?? "null"), \"code\": \(JSON.string(w.code)), \"message\": \(JSON.string(w.message))}"
        }
        parts.append("\"warnings\": [" + warnings.joined(separator: ", ") + "]")
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
