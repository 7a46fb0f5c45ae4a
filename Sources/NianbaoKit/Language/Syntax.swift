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

/// A name given to an expression with `let`. One object, shared by every expression that uses
/// the name: a query compiles it once however often it is used, and a name defined from
/// another used twice (`let b = a + a`) holds the other once, not two copies of it — copies
/// doubled with each such definition, and forty of them left a query unanswered after 20 s.
public final class Binding: Sendable {
    public let name: String
    public let expr: Expr
    /// The depth of `expr`'s tree, counting each name it uses at its own depth.
    public let height: Int
    /// Every field the expression reads, once each, in order.
    public let fields: [Field]

    public init(name: String, expr: Expr) {
        self.name = name
        self.expr = expr
        height = expr.height
        fields = expr.fields
    }
}

/// An expression with its static type and the span it was parsed from.
public indirect enum Expr: Sendable {
    case literal(Value)
    case field(Field)
    case attribute(ReportAttribute)
    /// A `let` name and the expression it stands for.
    case binding(Binding)
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
        case .binding(let b): return b.expr.type
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

    /// Every field the expression reads, once each, in the order first read (for explain).
    public var fields: [Field] {
        var seen = Set<Int>(), fields: [Field] = []
        func add(_ f: Field) { if seen.insert(f.index).inserted { fields.append(f) } }
        func walk(_ e: Expr) {
            switch e {
            case .field(let f): add(f)
            case .binding(let b): b.fields.forEach(add)
            case .unary(_, let e), .isNull(let e, _), .match(let e, _, _): walk(e)
            case .binary(_, let a, let b): walk(a); walk(b)
            case .literal, .attribute, .column: break
            }
        }
        walk(self)
        return fields
    }

    /// The depth of the tree: 1 for a leaf, a name counted at its binding's height. The
    /// evaluator walks a tree by recursion, so the parser keeps it below
    /// `Parser.maximumHeight` (a bound this does not check: it is asked of parsed trees).
    public var height: Int {
        switch self {
        case .binding(let b): return 1 + b.height
        case .unary(_, let e), .isNull(let e, _), .match(let e, _, _): return 1 + e.height
        case .binary(_, let a, let b): return 1 + max(a.height, b.height)
        case .literal, .field, .attribute, .column: return 1
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
