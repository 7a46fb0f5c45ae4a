// The command table: every command declared once — name, syntax, summary, help, a runnable
// example, what its arguments are (for completion), whether it writes files (for --safe) —
// and its handler. `help`, completion and safe mode all read this table.

public enum ArgumentKind: Sendable, Equatable {
    case none, expression, paths, report, topics, rules, settings, commands, fieldPattern, section, exportFormat
}

public struct CommandSpec: Sendable {
    public let name: String
    public let syntax: String
    public let summary: String
    public let details: String
    /// Runs on the sample corpus in Data/ (the help tests run every one).
    public let example: String
    public let arguments: ArgumentKind
    public let writesFiles: Bool
    let run: @Sendable (Session, CommandInvocation, Origin) throws(Diagnostic) -> ExecutionResult
}

public enum Commands {
    public static func find(_ name: String) -> CommandSpec? {
        let n = name.lowercased()
        if n == "exit" || n == ".quit" || n == ".exit" { return all.first { $0.name == "quit" } }
        return all.first { $0.name == n }
    }

    private static func stage(_ name: String, _ syntax: String, _ summary: String, _ details: String, _ example: String) -> CommandSpec {
        CommandSpec(name: name, syntax: syntax, summary: summary, details: details, example: example,
                    arguments: .expression, writesFiles: false, run: runPipeline)
    }

    public static let all: [CommandSpec] = [
        CommandSpec(name: "load", syntax: "load PATH ...", summary: "parse report files, folders or globs and add them",
                    details: "Folders are searched recursively for .txt, .md, .html and .htm files. Encodings (UTF-8, UTF-16, GB18030) are detected. Prints one line: reports, warnings, time. Files already loaded are skipped, by whatever path they were named (Data, ./Data and /home/me/Data are one folder). A file unchanged since a load wrote the report cache is taken from it (the shell's --no-cache reads every file).",
                    example: "load Data/reports", arguments: .paths, writesFiles: false, run: load),
        CommandSpec(name: "reports", syntax: "reports", summary: "list the selected reports",
                    details: "One row per report: its name (the file name), organisation, year, form version, layout and warning count. Also a pipeline stage: filter year = 2021 | reports.",
                    example: "reports", arguments: .none, writesFiles: false, run: runPipeline),
        CommandSpec(name: "show", syntax: "show REPORT [SECTION] [--source]", summary: "draw one report's tables with its numbers",
                    details: "REPORT is a name from 'reports' (or its number in that list, or part of the organisation's name). SECTION is 2, 3 or 4. Blanks show as blanks and '/' as '/'; a cell that breaks a rule is marked with '!'. --source adds the line of the report each row came from.",
                    example: "show lianshan-2021 3", arguments: .report, writesFiles: false, run: show),
        CommandSpec(name: "fields", syntax: "fields [PATTERN]", summary: "list field ids with their official Chinese labels",
                    details: "PATTERN matches ids (s3.withheld, s2.*.issued) or Chinese labels (不予公开).",
                    example: "fields 不予公开", arguments: .fieldPattern, writesFiles: false, run: fields),
        CommandSpec(name: "explain", syntax: "explain FIELD|RULE|SECTION", summary: "teach what a cell, rule or section means",
                    details: "Where a field sits in the form, what it counts, how it differs between the 2019 and 2021 formats, the rules that read it, and its values in the selection. Also rules (explain s3.balance), reader findings (explain read.extra-cells), sections (explain s3) and attributes.",
                    example: "explain s3.withheld_third_party.total", arguments: .topics, writesFiles: false, run: explain),
        CommandSpec(name: "template", syntax: "template [SECTION] [2019|2021]", summary: "draw the blank form with each cell's field id",
                    details: "The map between the printed form and the language: each cell shows its field id (section 三 shows the row id and the column id, joined as s3.ROW.COLUMN). SECTION is 2, 3 or 4 (or s3, 三); the form is 2021's unless 2019 is named (also as --format 2019).",
                    example: "template 4", arguments: .section, writesFiles: false, run: template),
        stage("filter", "filter EXPR", "narrow the selection (selections stack)",
              "Keeps the reports for which EXPR is true; null counts as false. Alone, it narrows the session's selection; in a pipeline it narrows only for the stages after it.",
              "filter year = 2021 and s3.new.total > 5"),
        CommandSpec(name: "unfilter", syntax: "unfilter", summary: "drop the last filter",
                    details: "Returns to the selection before the last filter.", example: "unfilter",
                    arguments: .none, writesFiles: false, run: unfilter),
        CommandSpec(name: "reset", syntax: "reset", summary: "drop all filters",
                    details: "Selects every loaded report again.", example: "reset",
                    arguments: .none, writesFiles: false, run: reset),
        stage("group", "group KEY[, KEY] AGG[, AGG]", "group the selection and aggregate",
              "AGG is sum, count, avg, min or max; 'sum a, b' sums both. Without AGG, counts. Groups come out in key order.",
              "group format sum s3.new.total, count"),
        stage("sum", "sum FIELD[, FIELD]", "totals over the selection (blanks skipped)", "Nulls are skipped; the sum of nothing is null.",
              "sum s3.new.total, s3.granted.total"),
        stage("count", "count [EXPR]", "count reports (or non-null values)", "count alone counts reports; count EXPR counts those where it is not null.",
              "count s3.new.total"),
        stage("avg", "avg FIELD", "average over the selection", "Nulls are skipped.", "avg s3.new.total"),
        stage("min", "min FIELD", "smallest value", "Nulls are skipped.", "min s2.license.decisions"),
        stage("max", "max FIELD", "largest value", "Nulls are skipped.", "max s2.license.decisions"),
        stage("sort", "sort [FIELD] [asc|desc]", "order reports, or a result by a column",
              "After group, sorts by the named column (default: the last one). On reports, sorts by an expression; nulls go last either way.",
              "group org sum s3.new.total | sort desc | top 3"),
        stage("top", "top N", "keep the first N rows", "", "sort s2.license.decisions desc | top 2"),
        stage("select", "select EXPR[, EXPR]", "list the selected reports with chosen columns", "",
              "select org, s3.new.total, s3.granted.total"),
        CommandSpec(name: "let", syntax: "let NAME = EXPR", summary: "define a derived field usable everywhere a field is",
                    details: "NAME must not be a field, attribute or command name. Redefining a name replaces it.",
                    example: "let refused = s3.withheld.total + s3.rejected.total", arguments: .expression, writesFiles: false, run: letBinding),
        CommandSpec(name: "check", syntax: "check [RULE ...] [--strict]", summary: "run consistency rules over the selection",
                    details: "One line per finding, FILE:LINE: RULE[column]: what is wrong, then a summary. RULE is a rule id (explain s3.balance), a reader finding (read.extra-cells) or 'read' for all of those. Advisory rules are listed but not counted as violations. --strict (or nianbao --strict) makes the exit status 3 when anything is found. With 'set format csv|json|jsonl' findings are records. The attribute 'violations' counts findings per report: filter violations > 0. Piped, the findings become rows with the columns file, line, org, year, rule, column, expected, found, kind, message: check | group rule count.",
                    example: "check | group rule count", arguments: .rules, writesFiles: false, run: check),
        CommandSpec(name: "export", syntax: "export FORMAT PATH", summary: "write the selection (csv, json, jsonl, tsv, markdown) atomically",
                    details: "One record per report with every field id (null where blank or absent), its attributes and, in JSON, its warnings. Also the last stage of a pipeline, writing that pipeline's result. The file is written to a temporary file and renamed, so a failed export leaves nothing behind.",
                    example: "export json /tmp/nianbao-example.json", arguments: .exportFormat, writesFiles: true, run: export),
        CommandSpec(name: "run", syntax: "run SCRIPT", summary: "run a script file in this session",
                    details: "The script stops at its first error, reported as FILE:LINE:COL, and the shell goes on.",
                    example: "run Data/scripts/overview.nbs", arguments: .paths, writesFiles: false, run: runScript),
        CommandSpec(name: "set", syntax: "set [OPTION VALUE]", summary: "show or change settings",
                    details: "format table|csv|tsv|json|jsonl|markdown · maxrows N (0: no limit) · timer on|off (prints Run Time: real S user S sys S) · color on|off · strict on|off. 'set' alone lists them.",
                    example: "set maxrows 20", arguments: .settings, writesFiles: false, run: set),
        CommandSpec(name: "help", syntax: "help [COMMAND|expressions]", summary: "list commands, or explain one",
                    details: "'help expressions' gives the grammar of the query language.",
                    example: "help filter", arguments: .commands, writesFiles: false, run: help),
        CommandSpec(name: "quit", syntax: "quit", summary: "leave (also exit, or Ctrl-D)",
                    details: "", example: "", arguments: .none, writesFiles: false, run: { _, _, _ in .quit }),
    ]

    // MARK: Handlers

    static func load(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        guard !inv.words.isEmpty else { throw Diagnostic("load needs a file, folder or glob, e.g. load Data/reports", at: inv.endSpan) }
        for (k, w) in inv.words.enumerated() { try s.requireReadable(w.text, span: inv.span(ofWord: k)) }
        let summary = s.load(inv.words.map(\.text))
        if summary.reports == 0 && summary.alreadyLoaded == 0 && !summary.failures.isEmpty {
            throw Diagnostic("nothing was loaded", at: inv.span(ofWord: 0))
        }
        return .ok
    }

    static func unfilter(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        try noArguments(inv)
        if !s.popSelection() { s.output.out("no filter to drop") }
        s.output.out("\(s.selection.count) of \(s.corpus.count) reports selected")
        return .ok
    }

    static func reset(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        try noArguments(inv)
        s.clearSelections()
        s.output.out("\(s.selection.count) of \(s.corpus.count) reports selected")
        return .ok
    }

    static func noArguments(_ inv: CommandInvocation) throws(Diagnostic) {
        if !inv.words.isEmpty { throw Diagnostic("'\(inv.name)' takes no arguments", at: inv.span(ofWord: 0)) }
    }

    /// Pipelines: a lone `filter` narrows the session; anything else is evaluated over the
    /// current selection and leaves it as it was. A last stage `export FORMAT PATH` writes the
    /// result instead of printing it.
    static func runPipeline(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        var statement = inv.statement
        var exportTarget: (ExportFormat, String, SourceSpan)?
        if let bar = lastExportStage(statement.text) {
            let tail = Statement(text: String(statement.text.dropFirst(bar + 1)), line: statement.line, column: statement.column)
            let tailInv = try CommandInvocation(Statement(text: tail.text.trimmingSpaces(),
                                                          line: statement.span(offset: bar + 1, length: 1).line,
                                                          column: statement.span(offset: bar + 1, length: 1).column + 1))
            if s.safePaths != nil { throw Diagnostic("'export' writes files and is refused in safe mode (--safe)", at: tailInv.nameSpan) }
            exportTarget = try exportArguments(tailInv)
            statement = Statement(text: String(statement.text.prefix(bar)).trimmingTrailingSpaces(), line: statement.line, column: statement.column)
        }
        var parser = try Parser(statement, scope: SessionScope(s))
        let pipeline = try parser.parsePipeline()
        var evaluator = Evaluator(corpus: s.corpus, cancel: s.cancel)
        // Printed, a listing is cut at maxrows: only those rows are made. Exported, all are.
        if exportTarget == nil { evaluator.listingLimit = s.renderer.shownRows }
        let result = try evaluator.run(pipeline, on: s.selection)
        if pipeline.stages.count == 1, case .filter = pipeline.stages[0].stage, exportTarget == nil,
           case .selection(let rows) = result {
            s.pushSelection(rows)
            s.output.out("\(rows.count) of \(s.corpus.count) reports selected")
            return .ok
        }
        if let (format, path, span) = exportTarget {
            switch result {
            case .selection(let rows):
                try AtomicFile.write(to: path, span: span) { ReportExport.write(s.corpus, rows: rows, format: format, to: &$0) }
            case .table(let t):
                let f: OutputFormat = format == .csv ? .csv : format == .tsv ? .tsv : format == .json ? .json : format == .jsonl ? .jsonl : .markdown
                try AtomicFile.write(Renderer(format: f, maxRows: Int.max).render(t), to: path, span: span)
            }
            s.output.out("wrote \(path)")
            return .ok
        }
        switch result {
        case .selection(let rows): s.output.out(s.renderer.render(evaluator.reportsTable(rows)))
        case .table(let t): s.output.out(s.renderer.render(t))
        }
        return .ok
    }

    /// The offset of a `|` that starts a final `export` stage, outside quotes.
    static func lastExportStage(_ text: String) -> Int? {
        var quote: Character?
        var lastBar: Int?
        for (i, c) in text.enumerated() {
            if let q = quote { if c == q { quote = nil }; continue }
            if c == "\"" || c == "'" { quote = c }
            if c == "|" { lastBar = i }
        }
        guard let bar = lastBar else { return nil }
        let tail = text.dropFirst(bar + 1).trimmingPrefix(while: { $0 == " " })
        return tail.lowercased().hasPrefix("export ") ? bar : nil
    }

    static func letBinding(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        let text = inv.rest
        guard let eq = text.firstIndex(of: "=") else {
            throw Diagnostic("let needs NAME = EXPR, e.g. let refused = s3.withheld.total + s3.rejected.total", at: inv.endSpan)
        }
        let name = String(text[..<eq]).trimmingSpaces()
        let nameSpan = inv.statement.span(offset: inv.restOffset, length: max(1, name.count))
        guard let first = name.first, Lexer.isIdentifierStart(first), name.allSatisfy(Lexer.isIdentifierPart), !name.contains(".") else {
            throw Diagnostic("'\(name)' is not a name (letters, digits and _, not starting with a digit, no dots)", at: nameSpan)
        }
        if Form.standard.field(named: name) != nil || ReportAttribute(rawValue: name) != nil || Commands.find(name) != nil
            || ["and", "or", "not", "is", "null", "true", "false", "desc", "asc", "violations"].contains(name.lowercased()) {
            throw Diagnostic("'\(name)' is already a field, attribute, command or keyword", at: nameSpan)
        }
        let offset = inv.restOffset + text.distance(from: text.startIndex, to: text.index(after: eq))
        let exprText = String(inv.statement.text.dropFirst(offset))
        let span = inv.statement.span(offset: offset, length: 1)
        let exprStatement = Statement(text: exprText, line: span.line, column: span.column)
        var parser = try Parser(exprStatement, scope: SessionScope(s, excluding: name))
        let expr = try parser.parseStandaloneExpression()
        s.bind(name, expr)
        s.output.out("\(name) defined (\(expr.type.rawValue))")
        return .ok
    }

    static func export(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        let (format, path, span) = try exportArguments(inv)
        try AtomicFile.write(to: path, span: span) { ReportExport.write(s.corpus, rows: s.selection, format: format, to: &$0) }
        s.output.out("wrote \(s.selection.count) report\(s.selection.count == 1 ? "" : "s") to \(path)")
        return .ok
    }

    static func exportArguments(_ inv: CommandInvocation) throws(Diagnostic) -> (ExportFormat, String, SourceSpan) {
        guard inv.words.count == 2 else {
            throw Diagnostic("export needs FORMAT PATH, e.g. export csv out.csv (formats: " +
                             ExportFormat.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                             at: inv.words.isEmpty ? inv.endSpan : inv.span(ofWord: min(inv.words.count - 1, 2)))
        }
        guard let format = ExportFormat(rawValue: inv.words[0].text.lowercased()) else {
            let hint = Suggestions.closest(to: inv.words[0].text, in: ExportFormat.allCases.map(\.rawValue))
            throw Diagnostic("unknown export format '\(inv.words[0].text)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"),
                             at: inv.span(ofWord: 0))
        }
        return (format, inv.words[1].text, inv.span(ofWord: 1))
    }

    static func runScript(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        guard inv.words.count == 1 else { throw Diagnostic("run needs one script file", at: inv.words.count > 1 ? inv.span(ofWord: 1) : inv.endSpan) }
        try s.requireReadable(inv.words[0].text, span: inv.span(ofWord: 0))
        let result = s.runScript(inv.words[0].text)
        if result == .failed { throw Diagnostic("script '\(inv.words[0].text)' failed", at: inv.span(ofWord: 0)) }
        return result
    }

    static func set(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        if inv.words.isEmpty {
            let st = s.settings
            let table = ResultTable(columns: ["option", "value", "choices"], rows: [
                [.string("format"), .string(st.format.rawValue), .string(OutputFormat.allCases.map(\.rawValue).joined(separator: "|"))],
                [.string("maxrows"), .int(Int64(st.maxRows)), .string("N (0: no limit)")],
                [.string("timer"), .string(st.timer ? "on" : "off"), .string("on|off")],
                [.string("color"), .string(st.color ? "on" : "off"), .string("on|off")],
                [.string("strict"), .string(st.strict ? "on" : "off"), .string("on|off")],
            ])
            s.output.out(Renderer(format: .table, maxRows: 100).render(table))
            return .ok
        }
        guard inv.words.count == 2 else {
            throw Diagnostic("set needs OPTION VALUE, e.g. set format csv", at: inv.words.count == 1 ? inv.endSpan : inv.span(ofWord: 2))
        }
        let option = inv.words[0].text.lowercased(), value = inv.words[1].text.lowercased()
        let valueSpan = inv.span(ofWord: 1)
        func onOff() throws(Diagnostic) -> Bool {
            switch value {
            case "on", "true", "1", "yes": return true
            case "off", "false", "0", "no": return false
            default: throw Diagnostic("expected on or off", at: valueSpan)
            }
        }
        switch option {
        case "format":
            guard let f = OutputFormat(rawValue: value) else {
                throw Diagnostic("unknown format '\(value)' (one of " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", ") + ")", at: valueSpan)
            }
            s.settings.format = f
        case "maxrows":
            guard let n = Int(value), n >= 0 else { throw Diagnostic("maxrows needs a whole number", at: valueSpan) }
            s.settings.maxRows = n == 0 ? Int.max : n
        case "timer": s.settings.timer = try onOff()
        case "color", "colour": s.settings.color = try onOff()
        case "strict": s.settings.strict = try onOff()
        default:
            let hint = Suggestions.closest(to: option, in: ["format", "maxrows", "timer", "color", "strict"])
            throw Diagnostic("unknown option '\(option)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"), at: inv.span(ofWord: 0))
        }
        return .ok
    }

    static func fields(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        let table = Teaching.fields(matching: inv.words.first?.text)
        if table.rows.isEmpty, let w = inv.words.first {
            throw Diagnostic("no field matches '\(w.text)'", at: inv.span(ofWord: 0))
        }
        var r = s.renderer
        r.maxRows = Int.max
        s.output.out(r.render(table))
        return .ok
    }

    static func explain(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        guard inv.words.count == 1 else {
            throw Diagnostic("explain needs one field, rule or section, e.g. explain s3.balance", at: inv.words.isEmpty ? inv.endSpan : inv.span(ofWord: 1))
        }
        let word = inv.words[0].text
        if let binding = s.bindings[word] {
            s.output.out("\(word) — defined with let: \(binding.expr.type.rawValue), reads " +
                         (binding.fields.isEmpty ? "no fields" : binding.fields.map(\.id).joined(separator: ", ")))
            return .ok
        }
        guard let topic = Teaching.topic(word) else {
            let names = Form.standard.fields.map(\.id) + FormRules.all.map(\.id) + ReadFinding.allCases.map(\.rawValue)
            let hint = Suggestions.closest(to: word, in: names)
            throw Diagnostic("nothing called '\(word)' to explain" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"),
                             at: inv.span(ofWord: 0), hints: ["try a field id (fields), a rule (check's ids) or a section (s3)"])
        }
        s.output.out(TerminalSafe.escape(Teaching.explain(topic, corpus: s.corpus, selection: s.selection), keepNewlines: true))
        return .ok
    }

    static func sectionArgument(_ inv: CommandInvocation, _ k: Int) throws(Diagnostic) -> Int {
        let w = inv.words[k].text.lowercased()
        let map = ["2": 2, "3": 3, "4": 4, "s2": 2, "s3": 3, "s4": 4, "二": 2, "三": 3, "四": 4]
        guard let n = map[w] else { throw Diagnostic("SECTION is 2, 3 or 4 (the three tables)", at: inv.span(ofWord: k)) }
        return n
    }

    static func template(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        var section: Int?
        var version = FormVersion.v2021
        var k = 0
        while k < inv.words.count {
            let w = inv.words[k].text
            if w == "--format" || w == "--version" {
                guard k + 1 < inv.words.count, let v = FormVersion(rawValue: inv.words[k + 1].text) else {
                    throw Diagnostic("--format needs 2019 or 2021", at: k + 1 < inv.words.count ? inv.span(ofWord: k + 1) : inv.endSpan)
                }
                version = v
                k += 2
                continue
            }
            // A bare year is the form's version: `template 2019 4` reads as it is meant.
            if let v = FormVersion(rawValue: w) { version = v } else { section = try sectionArgument(inv, k) }
            k += 1
        }
        s.output.out("Form \(version.rawValue) (\(version.notice)); each cell shows its field id")
        for (title, table) in Teaching.tables(section: section, version: version, cell: { f in
            f.section == 3 ? ".\(f.row.id).\(f.column.id)" : f.id
        }) {
            s.output.out(title)
            var t = table
            if t.columns.count > 1 && t.rows.first.map({ _ in true }) == true && section != 2 && title.hasPrefix("三") {
                t.note = "cell id = s3 + the cell's text, e.g. s3.new.total"
            }
            s.output.out(Renderer(format: .table, maxRows: Int.max).renderSplit(t, width: s.terminalWidth))
        }
        return .ok
    }

    static func show(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        guard !inv.words.isEmpty else { throw Diagnostic("show needs a report, e.g. show lianshan-2021", at: inv.endSpan) }
        let row = try resolveReport(s, inv.words[0].text, span: inv.span(ofWord: 0))
        var section: Int?
        var source = false
        for k in 1..<max(1, inv.words.count) where k < inv.words.count {
            if inv.words[k].text == "--source" { source = true } else { section = try sectionArgument(inv, k) }
        }
        let corpus = s.corpus
        let version = corpus.formats[row] ?? .v2021
        // Cells that break a rule are marked.
        let findings = Audit(corpus: corpus).run([Int32(row)])
        var broken = Set<String>()
        for f in findings.violations {
            switch f.rule {
            case "s3.balance", "s3.outcomes": broken.insert("s3.total.\(f.column ?? "")")
            case "s3.row-total": broken.insert("s3.\(f.column ?? "").total")
            case "s4.totals": broken.insert("s4.\(f.column ?? "").total")
            default: if let c = f.column { broken.insert(c) }
            }
        }
        s.output.out(TerminalSafe.escape("\(corpus.name(row)) — \(corpus.org(row)) \(corpus.years[row] == Corpus.nullInt ? "" : String(corpus.years[row])) (format \(version.rawValue), \(corpus.layouts[row]))"))
        let lineOf: ((Int, String) -> String)? = source ? { sec, rowID in
            let lines = Form.standard.fields.filter { $0.section == sec && $0.row.id == rowID }
                .map { corpus.line($0.index, row) }.filter { $0 > 0 }
            return lines.min().map(String.init) ?? ""
        } : nil
        for (title, table) in Teaching.tables(section: section, version: version, cell: { f in
            let text = Teaching.display(corpus.reading(f, row), field: f)
            return broken.contains(f.id) ? text + "!" : text
        }, rowLine: lineOf) {
            s.output.out(title)
            s.output.out(Renderer(format: .table, maxRows: Int.max).renderSplit(table, width: s.terminalWidth))
        }
        if !broken.isEmpty { s.output.out("! breaks a rule: check shows which") }
        if source { printSource(s, row: row, sections: section.map { [$0] } ?? [2, 3, 4]) }
        let warnings = corpus.warnings[row].count
        if warnings > 0 { s.output.out("\(warnings) warning\(warnings == 1 ? "" : "s") from reading: check read") }
        return .ok
    }

    /// The report's own lines for the table sections shown, numbered, escaped.
    static func printSource(_ s: Session, row: Int, sections: [Int]) {
        let corpus = s.corpus
        guard let bytes = try? Loader.readFile(corpus.files[row]), let decoded = try? Decoder.decode(bytes) else {
            s.output.err("warning: cannot read \(corpus.files[row]) again to show its lines")
            return
        }
        let lines = Lines.numbered(decoded.utf8)
        let starts = corpus.sectionLines[row]
        for section in sections {
            guard let start = starts[section] else { continue }
            let end = starts.all.filter { $0.section > section }.map(\.line).min() ?? (lines.last?.number ?? start) + 1
            s.output.out("source of section \(ReportReader.numeral(section)), lines \(start)–\(end - 1):")
            for line in lines where line.number >= start && line.number < end {
                let text = TerminalSafe.escape(line.text.replacing("\t", with: " ⇥ "))
                s.output.out(DisplayWidth.pad(String(line.number), to: 6, right: true) + "  " + text)
            }
        }
    }

    /// A report by name, by number in the `reports` list of the whole corpus, or by a unique
    /// part of its organisation's name.
    static func resolveReport(_ s: Session, _ word: String, span: SourceSpan) throws(Diagnostic) -> Int {
        let c = s.corpus
        if let i = c.index(ofFile: word) { return i }
        let byName = c.rows(named: word)
        if byName.count == 1 { return byName[0] }
        if let n = Int(word), n >= 1, n <= c.count { return n - 1 }
        let byOrg = c.rows(mentioning: word)
        if byOrg.count == 1 { return byOrg[0] }
        if byOrg.count > 1 {
            throw Diagnostic("'\(word)' matches \(byOrg.count) reports: " + byOrg.prefix(5).map { c.name($0) }.joined(separator: ", "), at: span)
        }
        let hint = Suggestions.closest(to: word, in: (0..<min(c.count, 5000)).map { c.name($0) })
        throw Diagnostic("no report '\(word)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"), at: span,
                         hints: ["'reports' lists the loaded reports"])
    }

    static func check(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        // `check … | stage …`: the findings become rows for the rest of the pipeline.
        if let bar = firstTopLevelBar(inv.statement.text) {
            let head = try CommandInvocation(Statement(text: String(inv.statement.text.prefix(bar)).trimmingTrailingSpaces(),
                                                       line: inv.statement.line, column: inv.statement.column))
            let (rules, _) = try checkArguments(head)
            let span = inv.statement.span(offset: bar + 1, length: 1)
            let rest = Statement(text: String(inv.statement.text.dropFirst(bar + 1)), line: span.line, column: span.column)
            return try pipeFindings(s, Audit(corpus: s.corpus).run(s.selection, rules: rules, cancel: s.cancel), into: rest)
        }
        let (rules, strictFlag) = try checkArguments(inv)
        let strict = strictFlag || s.settings.strict
        let audit = Audit(corpus: s.corpus)
        let result = audit.run(s.selection, rules: rules, cancel: s.cancel)
        AuditOutput.print(result, corpus: s.corpus, session: s)
        let found = !result.violations.isEmpty || !result.structural.isEmpty
        s.noteViolations(found && strict)
        return .ok
    }

    static func checkArguments(_ inv: CommandInvocation) throws(Diagnostic) -> (Set<String>?, Bool) {
        var rules: Set<String>?
        var strict = false
        for (k, w) in inv.words.enumerated() {
            if w.text == "--strict" { strict = true; continue }
            guard Audit.ruleIDs.contains(w.text) else {
                let hint = Suggestions.closest(to: w.text, in: Audit.ruleIDs)
                throw Diagnostic("unknown rule '\(w.text)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"), at: inv.span(ofWord: k),
                                 hints: ["rules: " + FormRules.all.map(\.id).joined(separator: ", ") + ", read"])
            }
            rules = (rules ?? []).union([w.text])
        }
        return (rules, strict)
    }

    /// The offset of the first `|` outside quotes.
    static func firstTopLevelBar(_ text: String) -> Int? {
        var quote: Character?
        for (i, c) in text.enumerated() {
            if let q = quote { if c == q { quote = nil }; continue }
            if c == "\"" || c == "'" { quote = c }
            if c == "|" { return i }
        }
        return nil
    }

    /// Runs a pipeline whose rows are findings, with their columns as names:
    /// `check | group rule count`, `check | filter kind = "violation" | group org count`.
    static func pipeFindings(_ s: Session, _ result: AuditResult, into statement: Statement) throws(Diagnostic) -> ExecutionResult {
        let table = AuditOutput.records(result, corpus: s.corpus)
        var columns: [String: [Value]] = [:]
        for (k, name) in table.columns.enumerated() { columns[name] = table.rows.map { $0[k] } }
        let scope = FindingsScope(columns: columns, order: table.columns)
        var parser = try Parser(statement, scope: scope)
        let pipeline = try parser.parsePipeline()
        var evaluator = Evaluator(corpus: s.corpus, cancel: s.cancel)
        evaluator.rowTable = { rows in ResultTable(columns: table.columns, rows: rows.map { table.rows[Int($0)] }) }
        switch try evaluator.run(pipeline, on: Array(0..<Int32(table.rows.count))) {
        case .selection(let rows): s.output.out(s.renderer.render(evaluator.reportsTable(rows)))
        case .table(let t): s.output.out(s.renderer.render(t))
        }
        return .ok
    }

    static func help(_ s: Session, _ inv: CommandInvocation, _ origin: Origin) throws(Diagnostic) -> ExecutionResult {
        if let w = inv.words.first {
            if w.text == "expressions" || w.text == "expr" || w.text == "grammar" {
                s.output.out(Help.grammar)
                return .ok
            }
            guard let spec = find(w.text) else {
                let hint = Suggestions.closest(to: w.text, in: all.map(\.name) + ["expressions"])
                throw Diagnostic("no command '\(w.text)'" + (hint.isEmpty ? "" : " (did you mean '\(hint[0])'?)"), at: inv.span(ofWord: 0))
            }
            var lines = ["\(spec.syntax)", "  \(spec.summary)"]
            if !spec.details.isEmpty { lines.append("  " + spec.details) }
            if !spec.example.isEmpty { lines.append("  example: \(spec.example)") }
            if spec.writesFiles { lines.append("  writes files: refused with --safe") }
            s.output.out(lines.joined(separator: "\n"))
            return .ok
        }
        let width = all.map { DisplayWidth.of($0.syntax) }.max() ?? 20
        var lines = ["Commands (help COMMAND for more, help expressions for the grammar):"]
        for c in all { lines.append("  " + DisplayWidth.pad(c.syntax, to: width) + "  " + c.summary) }
        lines.append("Stages chain with |:  filter year = 2021 | group org sum s3.new.total | sort desc | top 10")
        s.output.out(lines.joined(separator: "\n"))
        return .ok
    }
}

/// The names of a findings pipeline: the columns of `check`'s records.
struct FindingsScope: NameScope {
    let columns: [String: [Value]]
    let order: [String]

    func resolve(_ name: String) -> Operand? {
        columns[name].map { .column(name, $0) }
    }

    var allNames: [String] { order }
}

/// The names a query can use in this session.
struct SessionScope: NameScope {
    let session: Session
    let excluding: String?

    init(_ session: Session, excluding: String? = nil) {
        self.session = session
        self.excluding = excluding
    }

    func resolve(_ name: String) -> Operand? {
        if let f = Form.standard.field(named: name) { return .field(f) }
        if let a = ReportAttribute(rawValue: name) { return .attribute(a) }
        if name != excluding, let b = session.bindings[name] { return .binding(b) }
        if name == "violations" {
            if session.auditCache == nil { session.auditCache = AuditCache(counts: Audit(corpus: session.corpus).counts()) }
            return .column("violations", session.auditCache!.counts)
        }
        if let f = Aliases.resolve(name) { return .field(f) }
        return nil
    }

    var allNames: [String] {
        Form.standard.fields.map(\.id) + ReportAttribute.allCases.map(\.rawValue) + session.bindingNames + ["violations"]
    }
}

enum Help {
    static let grammar = """
    The query language (a statement ends at ; or a newline; # starts a comment):

      pipeline   = stage { "|" stage } [ "|" "export" FORMAT PATH ] ;
      stage      = "filter" expr
                 | "group" expr { "," expr } [ aggregates ]
                 | aggregates
                 | "sort" [ name ] [ "asc" | "desc" ]
                 | "top" NUMBER
                 | "select" expr { "," expr }
                 | "reports" ;
      aggregates = agg expr { "," ( agg expr | expr ) } ;   (* sum a, b  sums both *)
      agg        = "sum" | "avg" | "min" | "max" | "count" ;  (* count alone counts reports *)
      expr       = expr "or" expr | expr "and" expr | "not" expr
                 | expr ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) expr
                 | expr "~" STRING                          (* contains; a regex if it has ^$.*+?[](){}|\\ *)
                 | expr "is" [ "not" ] "null"
                 | expr ( "+" | "-" ) expr | expr ( "*" | "/" ) expr
                 | "-" expr | "(" expr ")" | NUMBER | STRING | "null" | "true" | "false" | name ;
      name       = field id (s3.new.total) | attribute (org year format layout file warnings)
                 | violations | a let name | a Chinese alias ROW·COLUMN (本年新收·总计) ;

    Precedence, loosest first: or, and, not, comparisons, + -, * /, unary -.
    Null: a blank cell is null, not zero. Aggregates skip nulls; arithmetic with null is null;
    a comparison with null is null and a filter drops it; x / 0 is null.
    """
}

