// The session: a corpus, a stack of selections, `let` bindings and settings, and the one
// entry point every kind of input goes through.
//
// The REPL, `-c`, `-f`, `run` and piped standard input all call `execute(source:origin:)`;
// only where the text comes from differs. A statement that fails leaves the session as it
// was; in a script, the first failure stops the script. No terminal code lives here.

/// Where a session writes: standard output and standard error, or buffers in tests.
public protocol SessionOutput: AnyObject {
    func out(_ text: String)
    func err(_ text: String)
}

/// Collects output in memory (tests, golden transcripts).
public final class BufferOutput: SessionOutput {
    public private(set) var text = ""
    public init() {}
    public func out(_ s: String) { text += s + "\n" }
    public func err(_ s: String) { text += s + "\n" }
}

public enum ExitCode: Int32, Sendable {
    case success = 0
    /// A command or script failed.
    case failure = 1
    /// Bad usage of the command line.
    case usage = 2
    /// `--strict`: check found violations.
    case violations = 3
}

public struct Settings: Sendable {
    public var format: OutputFormat = .table
    public var maxRows = 100
    public var timer = false
    public var color = false
    public var strict = false
}

public enum ExecutionResult: Sendable, Equatable {
    case ok
    case failed
    case quit
}

public final class Session {
    public let corpus: Corpus
    public let cancel: CancellationFlag
    public let output: SessionOutput
    public var settings = Settings()
    /// Paths named on the command line; in safe mode nothing else may be read.
    public var safePaths: [String]?
    /// Reports already read, kept on disk between loads (none: every file is read).
    public var cache: ReportCache?
    /// Called while loading, with (done, total); the shell draws a progress bar.
    public var progress: ((Int, Int) -> Void)?
    /// Called before and after each load, so a progress bar can start and clear itself.
    public var loadStarted: (() -> Void)?
    public var loadFinished: (() -> Void)?
    /// Columns to fit wide tables into (the shell sets it from the terminal).
    public var terminalWidth = 120

    /// Selections stack: each `filter` pushes, `unfilter` pops, `reset` clears.
    public private(set) var selections: [[Int32]] = []
    public private(set) var bindings: [String: Binding] = [:]
    private var bindingOrder: [String] = []
    /// Whether any `check` in this session found violations (for `--strict`).
    public private(set) var foundViolations = false
    private var scriptDepth = 0
    var auditCache: AuditCache?

    public init(corpus: Corpus = Corpus(), output: SessionOutput, cancel: CancellationFlag = CancellationFlag()) {
        self.corpus = corpus
        self.output = output
        self.cancel = cancel
    }

    /// The reports the next command works on.
    public var selection: [Int32] {
        selections.last ?? Array(0..<Int32(corpus.count))
    }

    var renderer: Renderer { Renderer(format: settings.format, maxRows: settings.maxRows, color: settings.color) }

    // MARK: Executing

    /// Runs every statement of `source`. In a script (any origin but the prompt) the first
    /// error stops it; at the prompt, the rest of the line is skipped too.
    @discardableResult
    public func execute(source: String, origin: Origin) -> ExecutionResult {
        let (statements, incomplete) = StatementSplitter.split(source)
        let sourceLines = source.split(omittingEmptySubsequences: false, whereSeparator: StatementSplitter.isLineEnd).map(String.init)
        for statement in statements {
            if cancel.isSet { cancel.clear(); output.err("interrupted"); return .failed }
            let started = Clock.now()
            let cpu0 = Clock.cpu()
            do {
                let result = try run(statement, origin: origin)
                if settings.timer { printTimer(since: started, cpu: cpu0) }
                if result == .quit { return .quit }
                if result == .failed { return .failed }
            } catch {
                if settings.timer { printTimer(since: started, cpu: cpu0) }
                report(error, origin: origin, sourceLines: sourceLines)
                return .failed
            }
        }
        if incomplete {
            let last = statements.last
            let span = SourceSpan(line: last?.line ?? 1, column: last?.column ?? 1)
            report(Diagnostic("unexpected end of input: a quote or bracket is still open", at: span),
                   origin: origin, sourceLines: sourceLines)
            return .failed
        }
        return .ok
    }

    private func printTimer(since start: Double, cpu: (user: Double, sys: Double)) {
        let now = Clock.cpu()
        let real = Clock.now() - start
        func f(_ d: Double) -> String {
            let micros = Int((max(0, d) * 1_000_000).rounded())
            let fraction = String(micros % 1_000_000)
            return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
        }
        output.out("Run Time: real \(f(real)) user \(f(now.user - cpu.user)) sys \(f(now.sys - cpu.sys))")
    }

    /// Prints a diagnostic: `FILE:LINE:COL: error: …` in scripts, then the line and a caret
    /// placed by display width.
    func report(_ d: Diagnostic, origin: Origin, sourceLines: [String]) {
        output.err(DiagnosticRenderer.render(d, origin: origin, sourceLines: sourceLines, color: settings.color))
    }

    func run(_ statement: Statement, origin: Origin) throws(Diagnostic) -> ExecutionResult {
        let invocation = try CommandInvocation(statement)
        let name = invocation.name.lowercased()
        guard let spec = Commands.find(name) else {
            let hint = Suggestions.closest(to: invocation.name, in: Commands.all.map(\.name))
            throw Diagnostic("unknown command '\(invocation.name)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"),
                             at: invocation.nameSpan, hints: ["'help' lists the commands"])
        }
        if spec.writesFiles, safePaths != nil {
            throw Diagnostic("'\(spec.name)' writes files and is refused in safe mode (--safe)", at: invocation.nameSpan)
        }
        return try spec.run(self, invocation, origin)
    }

    // MARK: State changes used by commands

    func pushSelection(_ rows: [Int32]) { selections.append(rows) }
    func popSelection() -> Bool { selections.popLast() != nil }
    func clearSelections() { selections.removeAll() }

    func bind(_ name: String, _ expr: Expr) {
        if bindings[name] == nil { bindingOrder.append(name) }
        bindings[name] = Binding(name: name, expr: expr)
    }

    var bindingNames: [String] { bindingOrder }

    func noteViolations(_ found: Bool) { if found { foundViolations = true } }

    func corpusChanged() { auditCache = nil }

    /// Safe mode: only paths named on the command line (or inside them) may be read.
    func requireReadable(_ path: String, span: SourceSpan) throws(Diagnostic) {
        guard let allowed = safePaths else { return }
        let ok = allowed.contains { a in
            path == a || path.hasPrefix(a.hasSuffix("/") ? a : a + "/")
        }
        if !ok {
            throw Diagnostic("safe mode (--safe): '\(path)' was not named on the command line", at: span)
        }
    }

    /// Runs a script file inside this session (`run`, `-f`).
    public func runScript(_ path: String) -> ExecutionResult {
        guard scriptDepth < 16 else {
            output.err("\(path): error: scripts nested more than 16 deep")
            return .failed
        }
        let bytes: [UInt8]
        do { bytes = try Loader.readFile(path) } catch {
            output.err("error: cannot read script '\(path)': \(error.message)")
            return .failed
        }
        scriptDepth += 1
        defer { scriptDepth -= 1 }
        return runScript(bytes: bytes, origin: .script(path))
    }

    /// Runs a script given as bytes (a file's, or standard input's). A script is read as a
    /// report is: UTF-8 with or without a BOM, or GB18030 or UTF-16 (what editors on Chinese
    /// Windows save), and its lines may end in CR LF.
    public func runScript(bytes: [UInt8], origin: Origin) -> ExecutionResult {
        let name = origin.name ?? "script"
        let decoded: DecodedText
        do { decoded = try Decoder.decode(bytes) } catch {
            if error == .empty { return .ok }       // nothing to run
            output.err("\(name): error: the script is \(error == .undecodable ? "not UTF-8, UTF-16 or GB18030 text" : "not text: \(error)")")
            return .failed
        }
        if decoded.unfinished > 0 {
            output.err("\(name): error: the script ends inside a character: it was cut short")
            return .failed
        }
        return execute(source: String(decoding: decoded.utf8, as: UTF8.self), origin: origin)
    }

    /// Warns of what a load could not do: files not read, a cache not written.
    public func warnAbout(_ summary: LoadSummary) {
        for f in summary.failures {
            output.err("warning: \(TerminalSafe.escape(f.file)): \(TerminalSafe.escape(f.message))")
        }
        if let problem = summary.cacheProblem { output.err("warning: cache: \(TerminalSafe.escape(problem))") }
    }

    /// Loads paths into the corpus and prints the one-line summary.
    @discardableResult
    public func load(_ paths: [String]) -> LoadSummary {
        loadStarted?()
        let summary = Loader.load(paths, into: corpus, cancel: cancel, cache: cache, progress: progress)
        loadFinished?()
        if summary.reports > 0 { corpusChanged() }
        warnAbout(summary)
        var line = "loaded \(summary.reports) report\(summary.reports == 1 ? "" : "s")"
        line += ", \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")"
        if !summary.failures.isEmpty { line += ", \(summary.failures.count) not read" }
        if summary.alreadyLoaded > 0 { line += ", \(summary.alreadyLoaded) already loaded" }
        line += " in \(Renderer.formatNumber((summary.seconds * 1000).rounded() / 1000)) s" + summary.fromCacheNote
        if summary.cancelled { line += " (interrupted: kept what was loaded)"; cancel.clear() }
        output.out(line)
        return summary
    }
}

/// Renders diagnostics; the only place that knows `FILE:LINE:COL:` and colour.
public enum DiagnosticRenderer {
    /// The most characters of a source line shown under an error: a longer line (a query a
    /// program wrote, a pasted list) is cut to this much around the error, marked … where cut.
    static let shownCharacters = 120

    public static func render(_ d: Diagnostic, origin: Origin, sourceLines: [String], color: Bool) -> String {
        var head = ""
        if let name = origin.name, let span = d.span {
            head = "\(name):\(span.line):\(span.column): "
        } else if let name = origin.name {
            head = "\(name): "
        }
        let severity = color ? "\u{1B}[1;31m\(d.severity.rawValue):\u{1B}[0m" : "\(d.severity.rawValue):"
        var lines = [head + severity + " " + TerminalSafe.escape(d.message)]
        if let span = d.span, span.line >= 1, span.line <= sourceLines.count {
            let text = Array(TerminalSafe.escape(sourceLines[span.line - 1].replacing("\t", with: " ")))
            let column = min(max(0, span.column - 1), text.count)
            var (from, to) = (0, text.count)
            if text.count > shownCharacters {
                // The error a third of the way in: what led to it matters more than what follows.
                from = max(0, min(column - shownCharacters / 3, text.count - shownCharacters))
                to = from + shownCharacters
            }
            let (lead, trail) = (from > 0 ? "…" : "", to < text.count ? "…" : "")
            let prefix = lead + String(text[from..<column])
            let under = String(text[column..<min(to, column + span.length)])
            let caretWidth = max(1, DisplayWidth.of(under))
            lines.append("  " + lead + String(text[from..<to]) + trail)
            lines.append("  " + String(repeating: " ", count: DisplayWidth.of(prefix)) + "^" + String(repeating: "~", count: max(0, caretWidth - 1)))
        }
        for h in d.hints { lines.append("  hint: " + h) }
        return lines.joined(separator: "\n")
    }
}

/// A statement split into its command word and arguments.
public struct CommandInvocation {
    public let statement: Statement
    public let name: String
    public let nameSpan: SourceSpan
    /// Whitespace-separated words after the name (quotes group), with their offsets.
    public let words: [(text: String, offset: Int, length: Int)]
    /// Everything after the name, as written.
    public let rest: String
    public let restOffset: Int

    init(_ statement: Statement) throws(Diagnostic) {
        self.statement = statement
        let chars = Array(statement.text)
        var i = 0
        while i < chars.count, !chars[i].isWhitespace, chars[i] != "|" { i += 1 }
        if i == 0 {
            throw Diagnostic("expected a command", at: statement.span(offset: 0, length: 1))
        }
        name = String(chars[0..<i])
        nameSpan = statement.span(offset: 0, length: i)
        var words: [(String, Int, Int)] = []
        var j = i
        while j < chars.count {
            while j < chars.count, chars[j].isWhitespace { j += 1 }
            guard j < chars.count else { break }
            let start = j
            var word = ""
            if chars[j] == "\"" || chars[j] == "'" {
                let q = chars[j]
                j += 1
                while j < chars.count, chars[j] != q { word.append(chars[j]); j += 1 }
                j += 1
            } else {
                while j < chars.count, !chars[j].isWhitespace { word.append(chars[j]); j += 1 }
            }
            words.append((word, start, min(j, chars.count) - start))
        }
        self.words = words
        var k = i
        while k < chars.count, chars[k].isWhitespace { k += 1 }
        rest = String(chars[k...])
        restOffset = k
    }

    func span(ofWord k: Int) -> SourceSpan {
        statement.span(offset: words[k].offset, length: words[k].length)
    }

    var endSpan: SourceSpan { statement.span(offset: statement.text.count, length: 1) }
}
