// A recursive-descent parser for pipelines and a Pratt parser for expressions.
//
// Each function carries its grammar production above it, so the parser reads as its own
// specification. Names are resolved and types checked while parsing, so every error points
// at the exact token with a caret and the evaluator never fails on a well-formed query.

/// What a name in an expression refers to.
public enum Operand: Sendable {
    case field(Field)
    case attribute(ReportAttribute)
    case binding(Binding)
    case column(String, [Value])
}

/// The names visible to a query: fields, attributes, and the session's `let` bindings.
public protocol NameScope {
    func resolve(_ name: String) -> Operand?
    /// Every name, for "did you mean" suggestions.
    var allNames: [String] { get }
}

public struct Parser {
    private let statement: Statement
    private let tokens: [Token]
    private var position = 0
    private let scope: NameScope
    /// Nesting of expressions being parsed; bounded so that `((((…))))` is an error, not a
    /// stack overflow.
    private var depth = 0
    static let maximumDepth = 200
    /// The deepest tree an expression may make (`Expr.height`). A chain `a + b + c + …` is
    /// parsed by a loop, not by nesting, but makes a tree as deep as it is long, which the
    /// evaluator walks by recursion: 100,000 terms overflowed its stack.
    public static let maximumHeight = 1_000

    public init(_ statement: Statement, scope: NameScope) throws(Diagnostic) {
        self.statement = statement
        self.tokens = try Lexer.tokens(statement)
        self.scope = scope
    }

    /// Names that begin a pipeline stage.
    public static let stageNames: Set<String> = ["filter", "group", "sum", "count", "avg", "min", "max",
                                                 "sort", "top", "select", "reports"]

    // pipeline -> stage ( '|' stage )*
    public mutating func parsePipeline() throws(Diagnostic) -> Pipeline {
        var stages: [(Stage, SourceSpan)] = []
        repeat {
            let start = current
            let stage = try parseStage()
            stages.append((stage, span(of: start)))
        } while match("|")
        try expectEnd()
        return Pipeline(stages: stages)
    }

    // stage -> 'filter' expr
    //        | 'group' expr (',' expr)* aggregates?
    //        | aggregates
    //        | 'sort' [name] ['asc' | 'desc']
    //        | 'top' NUMBER
    //        | 'select' expr (',' expr)*
    //        | 'reports'
    mutating func parseStage() throws(Diagnostic) -> Stage {
        let head = current
        guard head.kind == .identifier else {
            throw error("expected a command such as filter, group, sum, sort or top", at: head)
        }
        let name = head.text.lowercased()
        switch name {
        case "filter":
            advance()
            let e = try parseExpression()
            try requireType(e.expr, .bool, at: e.start, what: "a filter")
            return .filter(e.expr)
        case "group":
            advance()
            var keys: [NamedExpr] = []
            repeat {
                if isAggregateStart { break }
                let k = try parseNamedExpression(); keys.append(NamedExpr(expr: k.expr, name: k.name))
            } while match(",")
            if keys.isEmpty { throw error("group needs a key, e.g. group year", at: current) }
            let aggregates = isAggregateStart ? try parseAggregates() : [Aggregate(function: .count, argument: nil)]
            return .group(keys: keys, aggregates: aggregates)
        case "sum", "count", "avg", "min", "max":
            return .aggregate(try parseAggregates())
        case "sort":
            advance()
            var key = SortKey.implicit
            var descending = false
            if current.kind != .end, !isWord("desc"), !isWord("asc"), !isSymbol("|") {
                let start = current
                let e = try parseNamedExpression()
                key = .named(NamedExpr(expr: e.expr, name: e.name), span: span(of: start))
            }
            if isWord("desc") { advance(); descending = true } else if isWord("asc") { advance() }
            return .sort(key, descending: descending)
        case "top":
            advance()
            let t = current
            guard t.kind == .number, let n = Int(t.text), n >= 0 else {
                throw error("top needs a whole number, e.g. top 10", at: t)
            }
            advance()
            return .top(n)
        case "select":
            advance()
            var columns: [NamedExpr] = []
            repeat { let c = try parseNamedExpression(); columns.append(NamedExpr(expr: c.expr, name: c.name)) } while match(",")
            return .select(columns)
        case "reports":
            advance()
            return .reports
        default:
            let hint = Suggestions.closest(to: head.text, in: Array(Parser.stageNames))
            throw error("'\(head.text)' cannot be a pipeline stage" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"), at: head)
        }
    }

    private var isAggregateStart: Bool {
        current.kind == .identifier && AggregateFunction(rawValue: current.text.lowercased()) != nil
    }

    // aggregates -> aggregate (',' (aggregate | expr))*
    // aggregate  -> 'count' ['(' expr ')'] | ('sum'|'avg'|'min'|'max') ( '(' expr ')' | expr )
    // A bare expression after a comma takes the function before it: `sum a, b`.
    mutating func parseAggregates() throws(Diagnostic) -> [Aggregate] {
        var out: [Aggregate] = []
        var function: AggregateFunction?
        repeat {
            if isAggregateStart {
                let f = AggregateFunction(rawValue: current.text.lowercased())!
                function = f
                advance()
                if f == .count && (current.kind == .end || isSymbol(",") || isSymbol("|")) {
                    out.append(Aggregate(function: .count, argument: nil))
                    continue
                }
                let e = try parseNamedExpression()
                if f != .count { try requireType(e.expr, .number, at: e.start, what: "\(f.rawValue)") }
                out.append(Aggregate(function: f, argument: NamedExpr(expr: e.expr, name: e.name)))
            } else if let f = function {
                let e = try parseNamedExpression()
                if f != .count { try requireType(e.expr, .number, at: e.start, what: "\(f.rawValue)") }
                out.append(Aggregate(function: f, argument: NamedExpr(expr: e.expr, name: e.name)))
            } else {
                throw error("expected sum, count, avg, min or max", at: current)
            }
        } while match(",")
        return out
    }

    mutating func parseNamedExpression() throws(Diagnostic) -> (expr: Expr, name: String, start: Token) {
        let start = current
        let e = try parseExpression()
        let end = tokens[position - 1]
        let text = Array(statement.text)
        let name = String(text[start.offset..<min(text.count, end.offset + end.length)])
        return (e.expr, name, start)
    }

    /// Parses a lone expression (for `let`).
    public mutating func parseStandaloneExpression() throws(Diagnostic) -> Expr {
        let e = try parseExpression()
        try expectEnd()
        return e.expr
    }

    // MARK: Expressions (Pratt)

    /// Binding power of infix operators, lowest first:
    ///   or · and · (not, prefix) · = != < <= > >= ~ is · + - · * /
    enum Precedence: Int, Comparable {
        case none, or, and, not, comparison, term, factor, unary
        static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    private func infixPrecedence(_ t: Token) -> Precedence {
        if t.kind == .identifier {
            switch t.text.lowercased() {
            case "or": return .or
            case "and": return .and
            case "is": return .comparison
            default: return .none
            }
        }
        guard t.kind == .symbol else { return .none }
        switch t.text {
        case "=", "==", "!=", "<>", "<", "<=", ">", ">=", "~": return .comparison
        case "+", "-": return .term
        case "*", "/": return .factor
        default: return .none
        }
    }

    // expr -> prefix (infix)*   with precedence climbing
    mutating func parseExpression(_ minimum: Precedence = .or) throws(Diagnostic) -> (expr: Expr, start: Token, height: Int) {
        let start = current
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumDepth {
            throw error("expression nested too deeply (more than \(Parser.maximumDepth) levels)", at: start)
        }
        var (left, height) = try parsePrefix()
        while true {
            if height > Parser.maximumHeight {
                throw error("expression too deep: its operations nest more than \(Parser.maximumHeight) levels "
                            + "(in a + b + c + …, each + is a level; a name defined with let counts its own)", at: start)
            }
            let op = current
            let p = infixPrecedence(op)
            if p == .none || p < minimum { break }
            advance()
            if op.kind == .identifier && op.text.lowercased() == "is" {
                // comparison -> expr 'is' ['not'] 'null'
                let negated = isWord("not")
                if negated { advance() }
                guard isWord("null") else { throw error("expected 'null' after 'is'", at: current) }
                advance()
                left = .isNull(left, negated: negated)
                height += 1
                continue
            }
            let rightStart = current
            let right = try parseExpression(Precedence(rawValue: p.rawValue + 1)!)
            left = try combine(op, left, right.expr, leftStart: start, rightStart: rightStart)
            height = 1 + max(height, right.height)
        }
        return (left, start, height)
    }

    // prefix -> NUMBER | STRING | 'null' | 'true' | 'false' | name | '(' expr ')' | '-' prefix | 'not' expr
    // (Each with the height of its tree: see `maximumHeight`.)
    private mutating func parsePrefix() throws(Diagnostic) -> (Expr, height: Int) {
        let t = current
        switch t.kind {
        case .number:
            advance()
            if let i = Int64(t.text) { return (.literal(.int(i)), 1) }
            if let d = Double(t.text) { return (.literal(.double(d)), 1) }
            throw error("'\(t.text)' is not a number", at: t)
        case .string:
            advance()
            return (.literal(.string(t.text)), 1)
        case .identifier:
            switch t.text.lowercased() {
            case "null": advance(); return (.literal(.null), 1)
            case "true": advance(); return (.literal(.bool(true)), 1)
            case "false": advance(); return (.literal(.bool(false)), 1)
            case "not":
                advance()
                let start = current
                let e = try parseExpression(.not)
                try requireType(e.expr, .bool, at: start, what: "'not'")
                return (.unary(.not, e.expr), 1 + e.height)
            default:
                advance()
                let operand = try resolve(t)
                return (operand, operand.height)
            }
        case .symbol:
            if t.text == "(" {
                advance()
                let e = try parseExpression()
                guard match(")") else { throw error("expected ')'", at: current) }
                return (e.expr, e.height)
            }
            if t.text == "-" {
                advance()
                let start = current
                let e = try parseExpression(.unary)
                try requireType(e.expr, .number, at: start, what: "'-'")
                if case .literal(.int(let i)) = e.expr { return (.literal(.int(-i)), 1) }
                if case .literal(.double(let d)) = e.expr { return (.literal(.double(-d)), 1) }
                return (.unary(.negate, e.expr), 1 + e.height)
            }
            throw error("expected a value, a field or '(' but found '\(t.text)'", at: t)
        case .end:
            throw error("expected an expression", at: t)
        }
    }

    private func resolve(_ t: Token) throws(Diagnostic) -> Expr {
        if let operand = scope.resolve(t.text) {
            switch operand {
            case .field(let f): return .field(f)
            case .attribute(let a): return .attribute(a)
            case .binding(let b): return .binding(b)
            case .column(let name, let values): return .column(name, values)
            }
        }
        let kind = t.text.hasPrefix("s") && t.text.contains(".") ? "field" : "name"
        let hint = Suggestions.closest(to: t.text, in: scope.allNames)
        throw error("unknown \(kind) '\(t.text)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"), at: t,
                    hints: hint.isEmpty ? ["'fields' lists every field id"] : [])
    }

    private func combine(_ op: Token, _ left: Expr, _ right: Expr, leftStart: Token, rightStart: Token) throws(Diagnostic) -> Expr {
        let text = op.kind == .identifier ? op.text.lowercased() : op.text
        switch text {
        case "and", "or":
            try requireType(left, .bool, at: leftStart, what: "'\(text)'")
            try requireType(right, .bool, at: rightStart, what: "'\(text)'")
            return .binary(text == "and" ? .and : .or, left, right)
        case "+", "-", "*", "/":
            try requireType(left, .number, at: leftStart, what: "'\(text)'")
            try requireType(right, .number, at: rightStart, what: "'\(text)'")
            return .binary(BinaryOp(rawValue: text)!, left, right)
        case "~":
            guard case .literal(.string(let pattern)) = right else {
                throw error("'~' needs a \"string\" or \"regular expression\" on its right", at: rightStart)
            }
            let isRegex = pattern.contains { "^$.*+?[](){}|\\".contains($0) }
            if isRegex {
                do { _ = try Regex(pattern) } catch {
                    throw self.error("invalid regular expression \"\(pattern)\"", at: rightStart)
                }
            }
            return .match(left, pattern: pattern, isRegex: isRegex)
        default:
            let op: BinaryOp
            switch text {
            case "==": op = .equal
            case "<>": op = .notEqual
            default: op = BinaryOp(rawValue: text)!
            }
            let lt = left.type, rt = right.type
            if lt == .bool || rt == .bool {
                if !(op == .equal || op == .notEqual) || lt != rt {
                    throw error("cannot compare \(lt.rawValue) with \(rt.rawValue) using '\(text)'", at: op == .equal ? rightStart : leftStart)
                }
            }
            if (lt == .string && rt == .number) || (lt == .number && rt == .string) {
                // Only a literal may be coerced (`format = 2021`); two columns of different
                // types are a mistake.
                if case .literal = right {} else if case .literal = left {} else {
                    throw error("cannot compare \(lt.rawValue) with \(rt.rawValue)", at: rightStart)
                }
            }
            if rt == .null || lt == .null {
                throw error("comparing with null is always null; use 'is null' or 'is not null'", at: rt == .null ? rightStart : leftStart)
            }
            return .binary(op, left, right)
        }
    }

    private func requireType(_ e: Expr, _ type: ExprType, at token: Token, what: String) throws(Diagnostic) {
        let t = e.type
        if t == type || t == .null { return }
        let article = type == .bool ? "a condition (true or false)" : "a \(type.rawValue)"
        throw error("\(what) needs \(article), but this is a \(t.rawValue)", at: token)
    }

    // MARK: Tokens

    private var current: Token { tokens[position] }
    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isWord(_ w: String) -> Bool { current.kind == .identifier && current.text.lowercased() == w }
    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol && current.text == s }

    private mutating func match(_ s: String) -> Bool {
        if isSymbol(s) { advance(); return true }
        return false
    }

    private func expectEnd() throws(Diagnostic) {
        guard current.kind == .end else {
            throw error("unexpected '\(current.text)'", at: current)
        }
    }

    private func span(of t: Token) -> SourceSpan { statement.span(offset: t.offset, length: t.length) }

    private func error(_ message: String, at t: Token, hints: [String] = []) -> Diagnostic {
        Diagnostic(message, at: span(of: t), hints: hints)
    }
}
