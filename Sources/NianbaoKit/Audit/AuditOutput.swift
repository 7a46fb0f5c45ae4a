// How `check` prints its findings: compiler-style lines and a summary, or records.

enum AuditOutput {
    static func print(_ result: AuditResult, corpus: Corpus, session: Session) {
        let findings = result.findings.sorted { a, b in
            a.row != b.row ? a.row < b.row : (a.line ?? Int.max, a.rule) < (b.line ?? Int.max, b.rule)
        }
        // Keep selection order for reports.
        let order = Dictionary(uniqueKeysWithValues: session.selection.enumerated().map { (Int($1), $0) })
        let sorted = findings.sorted { (order[$0.row] ?? 0, $0.line ?? Int.max) < (order[$1.row] ?? 0, $1.line ?? Int.max) }
        if session.settings.format != .table && session.settings.format != .markdown {
            session.output.out(Renderer(format: session.settings.format, maxRows: Int.max).render(records(sorted, corpus: corpus)))
            return
        }
        for f in sorted {
            let place = corpus.files[f.row] + (f.line.map { ":\($0)" } ?? "")
            let rule = f.rule + (f.column.map { "[\($0)]" } ?? "") + (f.kind == .advisory ? " (advisory)" : "")
            session.output.out(TerminalSafe.escape("\(place): \(rule): \(f.message)"))
        }
        session.output.out(summary(result))
    }

    /// Findings as records: one row each, the columns `check | …` pipelines can name.
    static func records(_ result: AuditResult, corpus: Corpus) -> ResultTable {
        records(result.findings, corpus: corpus)
    }

    static func records(_ findings: [Finding], corpus: Corpus) -> ResultTable {
        ResultTable(columns: ["file", "line", "org", "year", "rule", "column", "expected", "found", "kind", "message"],
                    rows: findings.map { f in
            [.string(corpus.files[f.row]), f.line.map { .int(Int64($0)) } ?? .null, corpus.value(.org, f.row),
             corpus.value(.year, f.row), .string(f.rule), f.column.map { .string($0) } ?? .null,
             f.expected.map { .string($0) } ?? .null, f.found.map { .string($0) } ?? .null,
             .string(f.kind.rawValue), .string(f.message)]
        })
    }

    static func summary(_ r: AuditResult) -> String {
        let v = r.violations, s = r.structural, a = r.advisories
        let vReports = Set(v.map(\.row)).count, sReports = Set(s.map(\.row)).count
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts = ["\(plural(v.count, "violation")) in \(vReports) of \(plural(r.reports, "report"))"]
        if !s.isEmpty { parts.append("\(plural(s.count, "reading finding")) in \(plural(sReports, "report"))") }
        if !a.isEmpty { parts.append(plural(a.count, "advisory note")) }
        var line = parts.joined(separator: ", ")
        if r.notCheckable > 0 { line += "; \(plural(r.notCheckable, "check")) not checkable: blank cells" }
        return line
    }
}
