// The evaluator: pipelines over the columnar corpus.
//
// Expressions are compiled once into closures over a row number; comparisons of a field with
// a constant get a tight loop over the field's column. A selection is an array of row
// numbers; `group` and the aggregates turn it into a result table, which `sort` and `top`
// order and cut. Nulls follow PRODUCT.md: aggregates skip them, arithmetic with null is null,
// division by zero is null, a filter keeps only rows whose condition is true.

/// A table of results, as printed by the renderers.
public struct ResultTable: Sendable {
    public var columns: [String]
    public var rows: [[Value]]
    /// Rows left out by the producer itself (not by maxrows).
    public var note: String?
    /// How many rows the whole result has when `rows` are only its first ones: a listing made
    /// for a screen that shows maxrows of 100,000 rows makes only those (`Evaluator.listingLimit`).
    public var totalRows: Int?

    public init(columns: [String], rows: [[Value]], note: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.note = note
    }
}

public enum PipelineOutput: Sendable {
    case selection([Int32])
    case table(ResultTable)
}

public struct Evaluator {
    public let corpus: Corpus
    public let cancel: CancellationFlag?

    /// When the rows are not reports (the findings of `check | …`): how a row is listed.
    public var rowTable: (([Int32]) -> ResultTable)?

    /// When the result is for a screen that shows only its first rows: a listing (`select`,
    /// `reports`) that ends the pipeline makes only that many, and says how many there are.
    public var listingLimit: Int?

    public init(corpus: Corpus, cancel: CancellationFlag? = nil) {
        self.corpus = corpus
        self.cancel = cancel
    }

    public func run(_ pipeline: Pipeline, on selection: [Int32]) throws(Diagnostic) -> PipelineOutput {
        var state = PipelineOutput.selection(selection)
        var k = 0
        let stages = pipeline.stages
        while k < stages.count {
            if cancel?.isSet == true { throw Diagnostic("interrupted") }
            let (stage, span) = stages[k]
            // `group … | sort … | top N` materialises only the N groups it keeps.
            if case .group(let keys, let aggregates) = stage, k + 2 < stages.count,
               case .sort(let key, let descending) = stages[k + 1].stage, case .top(let n) = stages[k + 2].stage,
               case .selection(let rows) = state {
                let columns = keys.map(\.name) + aggregates.map(\.name)
                let column = try Evaluator.column(named: key, in: columns)
                state = .table(group(rows, keys: keys, aggregates: aggregates, limit: (column, descending, n)))
                k += 3
                continue
            }
            // `select … | top N` and `reports | top N` list only the N reports they keep: a
            // listing is made report by report, so its first N rows are the first N reports'.
            if k + 1 < stages.count, case .top(let n) = stages[k + 1].stage, case .selection(let rows) = state,
               let listing = listing(stage, Array(rows.prefix(n))) {
                state = .table(listing)
                k += 2
                continue
            }
            // A listing that ends the pipeline, for a screen: only the rows it will show.
            if k == stages.count - 1, let limit = listingLimit, case .selection(let rows) = state, rows.count > limit,
               var listing = listing(stage, Array(rows.prefix(limit))) {
                listing.totalRows = rows.count
                return .table(listing)
            }
            // `sort … | top N` over a table keeps only N rows while ordering.
            if case .sort(let key, let descending) = stage, k + 1 < stages.count, case .top(let n) = stages[k + 1].stage,
               case .table(let table) = state {
                state = .table(try sort(table, key: key, descending: descending, limit: n))
                k += 2
                continue
            }
            state = try apply(stage, span: span, to: state)
            k += 1
        }
        return state
    }

    /// The table a listing stage (`select`, `reports`) makes of `rows`; nil for any other stage.
    private func listing(_ stage: Stage, _ rows: [Int32]) -> ResultTable? {
        switch stage {
        case .select(let columns): return select(rows, columns)
        case .reports: return reportsTable(rows)
        default: return nil
        }
    }

    private func apply(_ stage: Stage, span: SourceSpan, to state: PipelineOutput) throws(Diagnostic) -> PipelineOutput {
        switch (stage, state) {
        case (.filter(let e), .selection(let rows)):
            return .selection(filter(rows, e))
        case (.filter, .table):
            throw Diagnostic("filter works on reports; put it before group or sum", at: span)
        case (.group(let keys, let aggregates), .selection(let rows)):
            return .table(group(rows, keys: keys, aggregates: aggregates))
        case (.aggregate(let aggregates), .selection(let rows)):
            return .table(aggregate(rows, aggregates))
        case (.group, .table), (.aggregate, .table):
            throw Diagnostic("this stage needs reports, but the stage before it produced a table", at: span)
        case (.sort(let key, let descending), .selection(let rows)):
            guard case .named(let e, _) = key else {
                throw Diagnostic("sort needs a field when it orders reports, e.g. sort s3.new.total desc", at: span)
            }
            return .selection(sort(rows, by: e.expr, descending: descending))
        case (.sort(let key, let descending), .table(let table)):
            return .table(try sort(table, key: key, descending: descending))
        case (.top(let n), .selection(let rows)):
            return .selection(Array(rows.prefix(n)))
        case (.top(let n), .table(var table)):
            table.rows = Array(table.rows.prefix(n))
            return .table(table)
        case (.select(let columns), .selection(let rows)):
            return .table(select(rows, columns))
        case (.reports, .selection(let rows)):
            return .table(reportsTable(rows))
        case (.select, .table), (.reports, .table):
            throw Diagnostic("this stage lists reports, but the stage before it produced a table", at: span)
        }
    }

    // MARK: Compiling expressions

    public typealias RowValue = (Int) -> Value

    public func compile(_ e: Expr) -> RowValue {
        var bindings: [ObjectIdentifier: RowValue] = [:]
        return compile(e, bindings: &bindings)
    }

    /// `bindings`: the `let` names compiled so far, each once (see `Binding`).
    private func compile(_ e: Expr, bindings: inout [ObjectIdentifier: RowValue]) -> RowValue {
        switch e {
        case .literal(let v):
            return { _ in v }
        case .field(let f):
            if f.kind == .amount {
                let col = corpus.amounts[f.index]
                return { r in let d = col[r]; return d.isNaN ? .null : .double(d) }
            }
            let col = corpus.counts[f.index], c = corpus, field = f.index, long = Corpus.longCount
            return { r in
                let v = col[r]
                return v > long ? .int(Int64(v)) : v == long ? .int(c.longCount(field, r)) : .null
            }
        case .attribute(let a):
            let c = corpus
            if a == .org {
                // Each report's name from its code, made as it is asked for: a query that reads
                // a few reports' bodies should not first make a value for every body.
                let codes = c.orgCodes, names = c.orgNames
                return { r in let name = names[Int(codes[r])]; return name.isEmpty ? .null : .string(name) }
            }
            return { r in c.value(a, r) }
        case .binding(let b):
            if let compiled = bindings[ObjectIdentifier(b)] { return compiled }
            // A name may be used more than once in a row's expression (`let b = a + a`): its
            // value is kept for the row last asked, so that it is worked out once a row, not
            // once a use (uses double with each such definition). Queries run on one thread.
            let f = compile(b.expr, bindings: &bindings)
            let last = LastRow()
            let compiled: RowValue = { r in
                if r != last.row { last.value = f(r); last.row = r }
                return last.value
            }
            bindings[ObjectIdentifier(b)] = compiled
            return compiled
        case .column(_, let values):
            return { r in r < values.count ? values[r] : .null }
        case .unary(.negate, let inner):
            let f = compile(inner, bindings: &bindings)
            return { r in
                switch f(r) {
                case .int(let i):
                    // −Int64.min is past the 64-bit range: a double, as sums and products are.
                    let (v, o) = Int64(0).subtractingReportingOverflow(i)
                    return o ? .double(-Double(i)) : .int(v)
                case .double(let d): return .double(-d)
                default: return .null
                }
            }
        case .unary(.not, let inner):
            let f = compile(inner, bindings: &bindings)
            return { r in if case .bool(let b) = f(r) { return .bool(!b) }; return .null }
        case .isNull(let inner, let negated):
            let f = compile(inner, bindings: &bindings)
            return { r in .bool(f(r).isNull != negated) }
        case .match(let inner, let pattern, let isRegex):
            let f = compile(inner, bindings: &bindings)
            if isRegex, let regex = try? Regex(pattern) {
                return { r in
                    guard let s = Evaluator.text(f(r)) else { return .null }
                    return .bool(s.contains(regex))
                }
            }
            return { r in
                guard let s = Evaluator.text(f(r)) else { return .null }
                return .bool(s.contains(pattern))
            }
        case .binary(let op, let a, let b):
            let fa = compile(a, bindings: &bindings), fb = compile(b, bindings: &bindings)
            switch op {
            case .and:
                return { r in
                    let x = fa(r)
                    if case .bool(false) = x { return .bool(false) }
                    let y = fb(r)
                    if case .bool(false) = y { return .bool(false) }
                    if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
                    return .null
                }
            case .or:
                return { r in
                    let x = fa(r)
                    if case .bool(true) = x { return .bool(true) }
                    let y = fb(r)
                    if case .bool(true) = y { return .bool(true) }
                    if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
                    return .null
                }
            case .add, .subtract, .multiply, .divide:
                return { r in Evaluator.arithmetic(op, fa(r), fb(r)) }
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                return { r in
                    guard let c = Evaluator.compare(fa(r), fb(r)) else { return .null }
                    return .bool(Evaluator.holds(op, c))
                }
            case .matches:
                return { _ in .null }   // always built as .match
            }
        }
    }

    /// A binding's value for the row last asked (`compile`).
    private final class LastRow {
        var row = -1
        var value = Value.null
    }

    static func text(_ v: Value) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return Renderer.formatNumber(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        }
    }

    static func arithmetic(_ op: BinaryOp, _ x: Value, _ y: Value) -> Value {
        if case .int(let a) = x, case .int(let b) = y {
            switch op {
            case .add: let (v, o) = a.addingReportingOverflow(b); return o ? .double(Double(a) + Double(b)) : .int(v)
            case .subtract: let (v, o) = a.subtractingReportingOverflow(b); return o ? .double(Double(a) - Double(b)) : .int(v)
            case .multiply: let (v, o) = a.multipliedReportingOverflow(by: b); return o ? .double(Double(a) * Double(b)) : .int(v)
            case .divide:
                if b == 0 { return .null }
                // Int64.min / −1 is the one quotient past the range (and `%` traps on it too).
                let (q, o) = a.dividedReportingOverflow(by: b)
                if o { return .double(Double(a) / Double(b)) }
                return a.remainderReportingOverflow(dividingBy: b).partialValue == 0 ? .int(q) : .double(Double(a) / Double(b))
            default: return .null
            }
        }
        guard let a = x.asDouble, let b = y.asDouble, !x.isNull, !y.isNull else { return .null }
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide: return b == 0 ? .null : .double(a / b)
        default: return .null
        }
    }

    /// -1, 0 or 1; nil when either side is null. A number compared with a string compares
    /// as text (`format = 2021`).
    static func compare(_ x: Value, _ y: Value) -> Int? {
        switch (x, y) {
        case (.null, _), (_, .null): return nil
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)):
            if a == b { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.string(let a), _):
            guard let b = text(y) else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        case (_, .string(let b)):
            guard let a = text(x) else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        default:
            guard let a = x.asDouble, let b = y.asDouble else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }

    static func holds(_ op: BinaryOp, _ c: Int) -> Bool {
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        case .greaterEqual: return c >= 0
        default: return false
        }
    }

    // MARK: Filter

    /// A predicate for a filter, with tight loops for `field op constant`.
    func predicate(_ e: Expr) -> (Int) -> Bool {
        switch e {
        case .binary(.and, let a, let b):
            let pa = predicate(a), pb = predicate(b)
            return { pa($0) && pb($0) }
        case .binary(.or, let a, let b):
            let pa = predicate(a), pb = predicate(b)
            return { pa($0) || pb($0) }
        case .binary(let op, .field(let f), .literal(.int(let k))) where op.isComparison && f.kind != .amount:
            let col = corpus.counts[f.index], c = corpus, field = f.index, long = Corpus.longCount
            // A count within 32 bits is compared as read; one beyond them (its column holds
            // `longCount`) is looked up; null (below that) holds for no comparison.
            switch op {
            case .greater: return { r in let v = col[r]; return v > long ? Int64(v) > k : v == long && c.longCount(field, r) > k }
            case .greaterEqual: return { r in let v = col[r]; return v > long ? Int64(v) >= k : v == long && c.longCount(field, r) >= k }
            case .less: return { r in let v = col[r]; return v > long ? Int64(v) < k : v == long && c.longCount(field, r) < k }
            case .lessEqual: return { r in let v = col[r]; return v > long ? Int64(v) <= k : v == long && c.longCount(field, r) <= k }
            case .equal: return { r in let v = col[r]; return v > long ? Int64(v) == k : v == long && c.longCount(field, r) == k }
            default: return { r in let v = col[r]; return v > long ? Int64(v) != k : v == long && c.longCount(field, r) != k }
            }
        case .binary(let op, .attribute(.year), .literal(.int(let k))) where op.isComparison:
            let col = corpus.years
            let null = Corpus.nullInt
            return { let v = col[$0]; return v != null && Evaluator.holds(op, v < k ? -1 : (v == k ? 0 : 1)) }
        default:
            let f = compile(e)
            return { f($0).isTrue }
        }
    }

    public func filter(_ rows: [Int32], _ e: Expr) -> [Int32] {
        let p = predicate(e)
        var out: [Int32] = []
        out.reserveCapacity(rows.count)
        for r in rows where p(Int(r)) { out.append(r) }
        return out
    }

    // MARK: Aggregates

    /// Sums and counts of one aggregate: plain numbers, so that a table of them (one per
    /// group) grows and is updated without reference counting.
    struct Accumulator {
        var intSum: Int64 = 0
        var doubleSum: Double = 0
        var useDouble = false
        var count: Int64 = 0
        var rows: Int64 = 0

        mutating func add(_ v: Value) {
            rows += 1
            switch v {
            case .null: return
            case .int(let i):
                let (s, o) = intSum.addingReportingOverflow(i)
                if o { useDouble = true; doubleSum += Double(intSum) + Double(i); intSum = 0 } else { intSum = s }
            case .double(let d):
                useDouble = true
                doubleSum += d
            default: break
            }
            count += 1
        }

        /// `extremes`: the values seen, for min and max.
        func result(_ f: AggregateFunction, countsRows: Bool, extremes: Extremes) -> Value {
            switch f {
            case .count: return .int(countsRows ? rows : count)
            case .sum:
                if count == 0 { return .null }
                return useDouble ? .double(doubleSum + Double(intSum)) : .int(intSum)
            case .avg:
                if count == 0 { return .null }
                return .double((doubleSum + Double(intSum)) / Double(count))
            case .min: return extremes.minValue
            case .max: return extremes.maxValue
            }
        }
    }

    /// The smallest and largest values of one aggregate, kept only for min and max.
    struct Extremes {
        var minValue: Value = .null
        var maxValue: Value = .null

        mutating func add(_ v: Value) {
            if v.isNull { return }
            if minValue.isNull || (Evaluator.compare(v, minValue) ?? 0) < 0 { minValue = v }
            if maxValue.isNull || (Evaluator.compare(v, maxValue) ?? 0) > 0 { maxValue = v }
        }
    }

    func aggregate(_ rows: [Int32], _ aggregates: [Aggregate]) -> ResultTable {
        let fns = aggregates.map { $0.argument.map { compile($0.expr) } }
        var accs = Array(repeating: Accumulator(), count: aggregates.count)
        var extremes = Array(repeating: Extremes(), count: aggregates.count)
        for (k, f) in fns.enumerated() {
            let tracks = aggregates[k].function == .min || aggregates[k].function == .max
            if let f {
                for r in rows {
                    let v = f(Int(r))
                    accs[k].add(v)
                    if tracks { extremes[k].add(v) }
                }
            } else {
                accs[k].rows = Int64(rows.count)
            }
        }
        let row = aggregates.enumerated().map { k, a in
            accs[k].result(a.function, countsRows: a.argument == nil, extremes: extremes[k])
        }
        return ResultTable(columns: aggregates.map(\.name), rows: [row])
    }

    /// `limit`: the stages `sort COLUMN | top N` that follow, so only N groups are materialised.
    func group(_ rows: [Int32], keys: [NamedExpr], aggregates: [Aggregate],
               limit: (column: Int, descending: Bool, count: Int)? = nil) -> ResultTable {
        let keyFns = keys.map { compile($0.expr) }
        let aggFns = aggregates.map { $0.argument.map { compile($0.expr) } }
        var groupOf: [[Value]: Int] = [:]
        var groupKeys: [[Value]] = []
        let width = aggregates.count
        let tracks = aggregates.map { $0.function == .min || $0.function == .max }

        // One key that is the organisation: group by its dictionary code in a flat array, no
        // hashing. One other key: hash the value, not an array of values.
        var groupOfCode: [Int32] = []
        var codeOfGroup: [Int32] = []
        let byOrg: Bool
        if keys.count == 1, case .attribute(.org) = keys[0].expr {
            byOrg = true
            groupOfCode = [Int32](repeating: -1, count: corpus.orgNames.count)
        } else {
            byOrg = false
        }
        var singleKeyGroups: [Value: Int] = [:]
        let orgCodes = corpus.orgCodes

        // First each row's group, then each aggregate over all rows: an aggregate's function
        // is fetched once, not once a row (each fetch of a closure is a retain and a release).
        var groupOfRow = [Int32](repeating: 0, count: rows.count)
        for (n, r32) in rows.enumerated() {
            let r = Int(r32)
            let g: Int
            if byOrg {
                let code = Int(orgCodes[r])
                let existing = groupOfCode[code]
                if existing >= 0 { g = Int(existing) } else {
                    g = codeOfGroup.count
                    groupOfCode[code] = Int32(g)
                    codeOfGroup.append(Int32(code))
                }
            } else if keyFns.count == 1 {
                let key = keyFns[0](r)
                if let existing = singleKeyGroups[key] { g = existing } else {
                    g = groupKeys.count
                    singleKeyGroups[key] = g
                    groupKeys.append([key])
                }
            } else {
                let key = keyFns.map { $0(r) }
                if let existing = groupOf[key] { g = existing } else {
                    g = groupKeys.count
                    groupOf[key] = g
                    groupKeys.append(key)
                }
            }
            groupOfRow[n] = Int32(g)
        }
        let groupCount = byOrg ? codeOfGroup.count : groupKeys.count
        var sums = [Accumulator](repeating: Accumulator(), count: groupCount * width)
        var seen = [Extremes](repeating: Extremes(), count: tracks.contains(true) ? groupCount * width : 0)
        for (k, f) in aggFns.enumerated() {
            guard let f else {
                for g in groupOfRow { sums[Int(g) * width + k].rows += 1 }
                continue
            }
            let track = tracks[k]
            for (n, r32) in rows.enumerated() {
                let i = Int(groupOfRow[n]) * width + k
                let v = f(Int(r32))
                sums[i].add(v)
                if track { seen[i].add(v) }
            }
        }
        let accs = sums, extremes = seen
        let columns = keys.map(\.name) + aggregates.map(\.name)
        let orgNames = corpus.orgNames
        // Organisation keys are built only for the groups that are printed.
        func key(_ g: Int) -> [Value] {
            guard byOrg else { return groupKeys[g] }
            let name = orgNames[Int(codeOfGroup[g])]
            return [name.isEmpty ? .null : .string(name)]
        }
        // Read off the aggregates once: copying an Aggregate out of its array retains its
        // expression, which per group adds up.
        let functions = aggregates.map(\.function)
        let countsRows = aggregates.map { $0.argument == nil }
        /// Aggregate `k` of group `g`.
        func result(_ g: Int, _ k: Int) -> Value {
            let i = g * width + k
            return accs[i].result(functions[k], countsRows: countsRows[k], extremes: tracks[k] ? extremes[i] : Extremes())
        }
        func row(_ g: Int) -> [Value] {
            key(g) + aggregates.indices.map { result(g, $0) }
        }
        // Groups in key order, so that output is the same every run. Organisations sort by a
        // rank computed once per corpus instead of comparing strings.
        var order = Array(0..<groupCount)
        if byOrg {
            // With a limit, ties keep first-seen order and the full ranking is skipped.
            if limit == nil {
                let rank = corpus.orgRank
                order.sort { rank[Int(codeOfGroup[$0])] < rank[Int(codeOfGroup[$1])] }
            }
        } else {
            order.sort { a, b in
                for i in 0..<keys.count {
                    if let c = Evaluator.orderCompare(groupKeys[a][i], groupKeys[b][i]), c != 0 { return c < 0 }
                }
                return false
            }
        }
        if let limit {
            // sort COLUMN | top N: pick N groups from one column, then build only their rows.
            let values: [Value] = order.map { g in
                limit.column < keys.count ? key(g)[limit.column]
                    : result(g, limit.column - keys.count)
            }
            let picked = Evaluator.topIndices(values, descending: limit.descending, limit: limit.count)
            return ResultTable(columns: columns, rows: picked.map { row(order[$0]) })
        }
        return ResultTable(columns: columns, rows: order.map(row))
    }

    /// Positions of the first `limit` values in sort order (nulls last, ties by position).
    static func topIndices(_ values: [Value], descending: Bool, limit: Int) -> [Int] {
        func before(_ a: Int, _ b: Int) -> Bool {
            let (x, y) = (values[a], values[b])
            if x.isNull != y.isNull { return !x.isNull }
            let c = compare(x, y) ?? 0
            if c != 0 { return descending ? c > 0 : c < 0 }
            return a < b
        }
        // A small limit keeps a short sorted buffer (O(n log limit)); otherwise sort all.
        if limit >= values.count / 8 {
            return Array(values.indices.sorted(by: before).prefix(limit))
        }
        var best: [Int] = []
        best.reserveCapacity(limit + 1)
        for i in values.indices {
            if best.count == limit, let last = best.last, !before(i, last) { continue }
            var lo = 0, hi = best.count
            while lo < hi { let mid = (lo + hi) / 2; if before(best[mid], i) { lo = mid + 1 } else { hi = mid } }
            best.insert(i, at: lo)
            if best.count > limit { best.removeLast() }
        }
        return best
    }

    /// The column a sort key names: the whole name, or an aggregate of it (`sort s3.new.total`
    /// finds `sum s3.new.total`); the last column when none is named.
    static func column(named key: SortKey, in columns: [String]) throws(Diagnostic) -> Int {
        guard case .named(let e, let span) = key else { return columns.count - 1 }
        if let i = columns.firstIndex(of: e.name) { return i }
        if let i = columns.firstIndex(where: { $0.hasSuffix(" " + e.name) }) { return i }
        throw Diagnostic("no column '\(e.name)' in the result; its columns are: " + columns.joined(separator: ", "), at: span)
    }

    /// Total order for sorting: nulls last, then numbers, then strings.
    static func orderCompare(_ x: Value, _ y: Value) -> Int? {
        switch (x.isNull, y.isNull) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        default: return compare(x, y)
        }
    }

    // MARK: Sort and select

    func sort(_ rows: [Int32], by e: Expr, descending: Bool) -> [Int32] {
        let f = compile(e)
        let keys = rows.map { f(Int($0)) }
        return Evaluator.topIndices(keys, descending: descending, limit: keys.count).map { rows[$0] }
    }

    func sort(_ table: ResultTable, key: SortKey, descending: Bool, limit: Int? = nil) throws(Diagnostic) -> ResultTable {
        let column = try Evaluator.column(named: key, in: table.columns)
        var t = table
        let values = table.rows.map { $0[column] }
        t.rows = Evaluator.topIndices(values, descending: descending, limit: limit ?? values.count).map { table.rows[$0] }
        return t
    }

    func select(_ rows: [Int32], _ columns: [NamedExpr]) -> ResultTable {
        let fns = columns.map { compile($0.expr) }
        if rowTable != nil {
            return ResultTable(columns: columns.map(\.name), rows: rows.map { r in fns.map { $0(Int(r)) } })
        }
        let out = rows.map { r in [Value.string(corpus.name(Int(r)))] + fns.map { $0(Int(r)) } }
        return ResultTable(columns: ["report"] + columns.map(\.name), rows: out)
    }

    public func reportsTable(_ rows: [Int32]) -> ResultTable {
        if let rowTable { return rowTable(rows) }
        let out: [[Value]] = rows.map { r32 in
            let r = Int(r32)
            return [.string(corpus.name(r)), corpus.value(.org, r), corpus.value(.year, r),
                    corpus.value(.format, r), .string(corpus.layouts[r]), .int(Int64(corpus.warnings[r].count))]
        }
        return ResultTable(columns: ["report", "org", "year", "format", "layout", "warnings"], rows: out)
    }
}
