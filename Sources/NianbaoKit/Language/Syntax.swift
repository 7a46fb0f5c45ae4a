// The syntax tree of the query language: typed expressions and pipeline stages.

public enum ExprType: String, Sendable {
    case number, string, bool, null
}

public enum BinaryOp: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case matches = "~"
    case and, or

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

public enum UnaryOp: String, Sendable { case negate = "-", not }

/// An expression with its static type and the span it was parsed from.
public indirect enum Expr: Sendable {
    case literal(Value)
    case field(Field)
    case attribute(ReportAttribute)
    /// A `let` name and the expression it stands for.
    case binding(String, Expr)
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    case isNull(Expr, negated: Bool)
    /// `~` with its pattern compiled once: plain text is a substring test.
    case match(Expr, pattern: String, isRegex: Bool)
    /// A per-report column computed by the session (`violations`), by row number.
    case column(String, [Value])

    public var type: ExprType {
        switch self {
        case .literal(let v):
            switch v {
            case .null: return .null
            case .int, .double: return .number
            case .string: return .string
            case .bool: return .bool
            }
        case .field: return .number
        case .attribute(let a):
            switch a {
            case .year, .warnings: return .number
            default: return .string
            }
        case .binding(_, let e): return e.type
        case .unary(let op, _): return op == .not ? .bool : .number
        case .binary(let op, _, _):
            switch op {
            case .add, .subtract, .multiply, .divide: return .number
            default: return .bool
            }
        case .isNull, .match: return .bool
        case .column: return .number
        }
    }

    /// Every field the expression reads (for explain and completion).
    public var fields: [Field] {
        switch self {
        case .field(let f): return [f]
        case .binding(_, let e), .unary(_, let e), .isNull(let e, _), .match(let e, _, _): return e.fields
        case .binary(_, let a, let b): return a.fields + b.fields
        case .literal, .attribute, .column: return []
        }
    }
}

/// An expression and the source text it was written as (a column heading for results).
public struct NamedExpr: Sendable {
    public var expr: Expr
    public var name: String
}

public enum AggregateFunction: String, Sendable, CaseIterable {
    case sum, count, avg, min, max
}

public struct Aggregate: Sendable {
    public var function: AggregateFunction
    /// Nil for `count` of rows.
    public var argument: NamedExpr?

    public var name: String {
        guard let a = argument else { return "count" }
        return "\(function.rawValue) \(a.name)"
    }
}

public enum SortKey: Sendable {
    /// The last column of a table (or nothing for a selection).
    case implicit
    /// A column name, or an expression over reports.
    case named(NamedExpr, span: SourceSpan)
}

public enum Stage: Sendable {
    case filter(Expr)
    case group(keys: [NamedExpr], aggregates: [Aggregate])
    case aggregate([Aggregate])
    case sort(SortKey, descending: Bool)
    case top(Int)
    /// List the selected reports with chosen columns.
    case select([NamedExpr])
    case reports
}

public struct Pipeline: Sendable {
    public var stages: [(stage: Stage, span: SourceSpan)]
}
