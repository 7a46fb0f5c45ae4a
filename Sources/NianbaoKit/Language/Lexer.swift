// Splitting source into statements, and statements into tokens.
//
// Reading input, deciding that a statement is complete, and executing it are separate steps
// (as in SQLite's shell). A statement ends at `;` or a newline outside quotes and brackets;
// `#` starts a comment. The REPL asks `isComplete` to know whether to show a continuation
// prompt. Tokens carry their span, counted in characters, so errors can point at them.

/// One statement of a script, with where it starts in its source.
public struct Statement: Sendable, Equatable {
    public var text: String
    public var line: Int
    public var column: Int

    /// The span of `text[offset ..< offset+length]` in the original source.
    public func span(offset: Int, length: Int) -> SourceSpan {
        var line = self.line
        var column = self.column
        for (i, c) in text.enumerated() {
            if i == offset { break }
            if StatementSplitter.isLineEnd(c) { line += 1; column = 1 } else { column += 1 }
        }
        return SourceSpan(line: line, column: column, length: length)
    }
}

public enum StatementSplitter {
    /// Whether `c` ends a line: LF, or CR LF (one Character in Swift: a script saved on
    /// Windows never equals "\n"), or a lone CR.
    @inline(__always)
    public static func isLineEnd(_ c: Character) -> Bool { c == "\n" || c == "\r\n" || c == "\r" }

    /// The statements of `source`, and whether it ends inside an open quote or bracket.
    public static func split(_ source: String) -> (statements: [Statement], incomplete: Bool) {
        var statements: [Statement] = []
        var current = ""
        var startLine = 1, startColumn = 1
        var line = 1, column = 1
        var depth = 0
        var quote: Character?
        var inComment = false
        var started = false

        func finish() {
            let trimmed = current.trimmingSpaces()
            if !trimmed.isEmpty {
                // Keep the leading-space offset so spans stay exact.
                let lead = current.prefix { $0 == " " || $0 == "\t" }.count
                statements.append(Statement(text: String(current.dropFirst(lead)).trimmingTrailingSpaces(),
                                            line: startLine, column: startColumn + lead))
            }
            current = ""
            started = false
        }

        for c in source {
            if !started {
                startLine = line; startColumn = column; started = true
            }
            defer {
                if isLineEnd(c) { line += 1; column = 1 } else { column += 1 }
            }
            if inComment {
                if isLineEnd(c) {
                    inComment = false
                    if depth == 0 { finish() } else { current.append("\n") }
                }
                continue
            }
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
                current.append(c)
            case "#":
                inComment = true
            case "(", "[":
                depth += 1
                current.append(c)
            case ")", "]":
                depth = max(0, depth - 1)
                current.append(c)
            case ";":
                if depth == 0 { finish() } else { current.append(c) }
            case _ where isLineEnd(c):
                if depth == 0 { finish() } else { current.append("\n") }
            default:
                current.append(c)
            }
        }
        let incomplete = quote != nil || depth > 0
        finish()
        return (statements, incomplete)
    }

    /// Whether `source` can run as it is (no open quote or bracket).
    public static func isComplete(_ source: String) -> Bool { !split(source).incomplete }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

public enum TokenKind: Sendable, Equatable {
    case identifier
    case number
    case string
    case symbol
    case end
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var text: String
    /// Character offset within the statement, and length in characters.
    public var offset: Int
    public var length: Int
}

public enum Lexer {
    static let symbols: [String] = ["==", "!=", "<>", "<=", ">=", "=", "<", ">", "~", "+", "-", "*", "/",
                                    "(", ")", ",", "|"]

    static func isIdentifierStart(_ c: Character) -> Bool {
        c.isLetter || c == "_" || (!c.isASCII && !c.isWhitespace && !"（），。；：“”".contains(c))
    }

    static func isIdentifierPart(_ c: Character) -> Bool {
        isIdentifierStart(c) || c.isNumber || c == "." || c == "·"
    }

    /// Tokenizes one statement. Errors name the offending character.
    public static func tokens(_ statement: Statement) throws(Diagnostic) -> [Token] {
        let chars = Array(statement.text)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c == "\"" || c == "'" {
                i += 1
                var value = ""
                while i < chars.count && chars[i] != c {
                    if chars[i] == "\\" && i + 1 < chars.count { value.append(chars[i + 1]); i += 2; continue }
                    value.append(chars[i]); i += 1
                }
                guard i < chars.count else {
                    throw Diagnostic("unterminated string", at: statement.span(offset: start, length: 1))
                }
                i += 1
                tokens.append(Token(kind: .string, text: value, offset: start, length: i - start))
                continue
            }
            if c.isASCII && c.isNumber {
                while i < chars.count && (chars[i].isASCII && chars[i].isNumber || chars[i] == "." || chars[i] == "_") { i += 1 }
                tokens.append(Token(kind: .number, text: String(chars[start..<i]).replacing("_", with: ""), offset: start, length: i - start))
                continue
            }
            if isIdentifierStart(c) {
                while i < chars.count && isIdentifierPart(chars[i]) { i += 1 }
                // A trailing dot belongs to no identifier.
                while i > start + 1 && chars[i - 1] == "." { i -= 1 }
                tokens.append(Token(kind: .identifier, text: String(chars[start..<i]), offset: start, length: i - start))
                continue
            }
            if let s = symbols.first(where: { sym in
                let sc = Array(sym)
                return i + sc.count <= chars.count && Array(chars[i..<(i + sc.count)]) == sc
            }) {
                i += s.count
                tokens.append(Token(kind: .symbol, text: s, offset: start, length: s.count))
                continue
            }
            throw Diagnostic("unexpected character '\(c)'", at: statement.span(offset: start, length: 1))
        }
        tokens.append(Token(kind: .end, text: "", offset: chars.count, length: 1))
        return tokens
    }
}
