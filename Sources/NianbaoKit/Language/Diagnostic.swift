// Errors as values: what went wrong and where, kept apart from how it is printed.
//
// A span counts characters (not bytes) within its source; the renderer turns it into
// `FILE:LINE:COL:` and a caret padded by display width. Only the renderer knows about files,
// colour and terminals.

/// Where a piece of text came from: the shell prompt, `-c`, a script file or standard input.
public enum Origin: Sendable, Equatable {
    case prompt
    case commandLine
    case script(String)
    case standardInput

    /// The name printed before `:LINE:COL:`, or nil at the prompt.
    public var name: String? {
        switch self {
        case .prompt: return nil
        case .commandLine: return "<command line>"
        case .script(let path): return path
        case .standardInput: return "<stdin>"
        }
    }
}

/// A range of characters in one line of source. Lines and columns are 1-based.
public struct SourceSpan: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var length: Int

    public init(line: Int, column: Int, length: Int = 1) {
        self.line = line
        self.column = column
        self.length = max(1, length)
    }
}

public struct Diagnostic: Error, Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var message: String
    public var span: SourceSpan?
    public var hints: [String]

    public init(_ message: String, at span: SourceSpan? = nil, severity: Severity = .error, hints: [String] = []) {
        self.severity = severity
        self.message = message
        self.span = span
        self.hints = hints
    }
}

/// "Did you mean": the candidates closest to `word` by edit distance, best first.
public enum Suggestions {
    public static func closest(to word: String, in candidates: [String], limit: Int = 1) -> [String] {
        let w = Array(word.lowercased())
        let maxDistance = max(2, w.count / 3)
        var scored: [(Int, String)] = []
        for c in candidates {
            let d = distance(w, Array(c.lowercased()))
            if d <= maxDistance { scored.append((d, c)) }
        }
        return scored.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(limit).map(\.1)
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
