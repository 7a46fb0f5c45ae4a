// Renderers: result tables as aligned text, CSV, TSV, JSON, JSON lines or markdown.
//
// Tables align Chinese text by display width, right-align numbers, show null as blank and
// stop at `maxrows` with a line saying how much was left out. Every string that came from a
// report is passed through TerminalSafe.escape before it reaches the terminal.

public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown
}

public struct Renderer {
    public var format: OutputFormat
    public var maxRows: Int
    public var color: Bool

    public init(format: OutputFormat = .table, maxRows: Int = 100, color: Bool = false) {
        self.format = format
        self.maxRows = maxRows
        self.color = color
    }

    public func render(_ table: ResultTable) -> String {
        switch format {
        case .table: return renderBox(table)
        case .markdown: return renderMarkdown(table)
        case .csv: return renderDelimited(table, separator: ",")
        case .tsv: return renderDelimited(table, separator: "\t")
        case .json: return renderJSON(table, lines: false)
        case .jsonl: return renderJSON(table, lines: true)
        }
    }

    // MARK: Text

    public static func formatNumber(_ d: Double) -> String {
        if d.isNaN { return "" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        let rounded = (d * 10_000).rounded() / 10_000
        var s = String(rounded)
        if s.contains("e") { return String(d) }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    public static func text(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case .int(let i): return String(i)
        case .double(let d): return formatNumber(d)
        case .string(let s): return TerminalSafe.escape(s)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// Text that reads as a number as printed (`6`, `26.55`, `-3`, `/`, `7!`): right-aligned.
    static func looksNumeric(_ v: Value) -> Bool {
        guard case .string(let s) = v else { return false }
        return s.isEmpty || (s.first.map { $0.isNumber || $0 == "-" || $0 == "/" } == true
            && s.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "!" || $0 == "/" })
    }

    /// Columns whose every non-null cell is a number (or, with `numericText`, reads as one).
    static func rightAligned(_ rows: ArraySlice<[Value]>, columns: Int, numericText: Bool) -> [Bool] {
        var numeric = Array(repeating: true, count: columns)
        for row in rows {
            for (i, v) in row.enumerated() where !v.isNull && !isNumeric(v) && !(numericText && looksNumeric(v)) {
                numeric[i] = false
            }
        }
        return numeric
    }

    static func isNumeric(_ v: Value) -> Bool {
        switch v {
        case .int, .double: return true
        default: return false
        }
    }

    private func limited(_ table: ResultTable) -> (rows: ArraySlice<[Value]>, omitted: Int) {
        let rows = table.rows.prefix(maxRows > 0 ? maxRows : table.rows.count)
        return (rows, Renderer.total(table) - rows.count)
    }

    /// The rows of the whole result, of which the table may hold only the first.
    private static func total(_ table: ResultTable) -> Int { max(table.rows.count, table.totalRows ?? 0) }

    /// How many rows this renderer shows of a result (nil: all of them): a producer need not
    /// make more.
    public var shownRows: Int? {
        (format == .table || format == .markdown) && maxRows > 0 ? maxRows : nil
    }

    private func omittedLine(_ omitted: Int, total: Int) -> String {
        "… \(omitted) more row\(omitted == 1 ? "" : "s") not shown (\(total) in all; set maxrows N, or export)"
    }

    func renderBox(_ table: ResultTable) -> String {
        let (rows, omitted) = limited(table)
        let headers = table.columns.map { TerminalSafe.escape($0) }
        let cells = rows.map { $0.map(Renderer.text) }
        let numeric = Renderer.rightAligned(rows, columns: headers.count, numericText: true)
        var widths = headers.map(DisplayWidth.of)
        for row in cells {
            for (i, c) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) }
        }
        func line(_ l: String, _ m: String, _ r: String) -> String {
            l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r
        }
        var out = [line("┌", "┬", "┐")]
        out.append("│" + headers.enumerated().map { " " + DisplayWidth.pad($1, to: widths[$0]) + " " }.joined(separator: "│") + "│")
        out.append(line("├", "┼", "┤"))
        for row in cells {
            out.append("│" + row.enumerated().map { " " + DisplayWidth.pad($1, to: widths[$0], right: numeric[$0]) + " " }.joined(separator: "│") + "│")
        }
        out.append(line("└", "┴", "┘"))
        var text = out.joined(separator: "\n")
        if omitted > 0 { text += "\n" + omittedLine(omitted, total: Renderer.total(table)) }
        if let note = table.note { text += "\n" + note }
        return text
    }

    /// A box table that fits `width` columns: the first (label) column is shortened, then the
    /// other columns are split into several tables that each repeat the label column.
    public func renderSplit(_ table: ResultTable, width: Int) -> String {
        let full = renderBox(table)
        if Renderer.widest(full) <= width || table.columns.count < 3 { return full }
        var t = table
        let labelLimit = max(16, width * 2 / 5)
        t.rows = t.rows.map { row in
            var r = row
            if case .string(let s) = r[0] { r[0] = .string(DisplayWidth.truncate(s, to: labelLimit)) }
            return r
        }
        t.columns[0] = DisplayWidth.truncate(t.columns[0], to: labelLimit)
        let shortened = renderBox(t)
        if Renderer.widest(shortened) <= width { return shortened }
        let labelWidth = ([t.columns[0]] + t.rows.map { Renderer.text($0[0]) }).map(DisplayWidth.of).max() ?? 0
        var chunks: [[Int]] = [[]]
        var used = labelWidth + 4
        for c in 1..<t.columns.count {
            let w = ([t.columns[c]] + t.rows.map { Renderer.text($0[c]) }).map(DisplayWidth.of).max()! + 3
            if used + w > width && !chunks[chunks.count - 1].isEmpty { chunks.append([]); used = labelWidth + 4 }
            chunks[chunks.count - 1].append(c)
            used += w
        }
        return chunks.map { cols in
            var part = ResultTable(columns: [t.columns[0]] + cols.map { t.columns[$0] },
                                   rows: t.rows.map { row in [row[0]] + cols.map { row[$0] } })
            part.note = cols == chunks.last ? t.note : nil
            return renderBox(part)
        }.joined(separator: "\n")
    }

    static func widest(_ text: String) -> Int {
        text.split(separator: "\n").map { DisplayWidth.of(String($0)) }.max() ?? 0
    }

    func renderMarkdown(_ table: ResultTable) -> String {
        let (rows, omitted) = limited(table)
        func esc(_ s: String) -> String { s.replacing("|", with: "\\|") }
        let numeric = Renderer.rightAligned(rows, columns: table.columns.count, numericText: false)
        var out = ["| " + table.columns.map { esc(TerminalSafe.escape($0)) }.joined(separator: " | ") + " |"]
        out.append("|" + numeric.map { $0 ? " ---: " : " --- " }.joined(separator: "|") + "|")
        for row in rows { out.append("| " + row.map { esc(Renderer.text($0)) }.joined(separator: " | ") + " |") }
        if omitted > 0 { out.append("") ; out.append(omittedLine(omitted, total: Renderer.total(table))) }
        return out.joined(separator: "\n")
    }

    /// CSV and TSV are data, so they are never cut at maxrows.
    func renderDelimited(_ table: ResultTable, separator: Character) -> String {
        var out = [table.columns.map { Renderer.csvField($0, separator: separator) }.joined(separator: String(separator))]
        for row in table.rows {
            out.append(row.map { Renderer.csvField(Renderer.rawText($0), separator: separator) }.joined(separator: String(separator)))
        }
        return out.joined(separator: "\n")
    }

    static func rawText(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return text(v)
    }

    /// A CSV or TSV field. Control characters from reports are escaped here too: CSV is
    /// printed to terminals as often as it is written to files.
    public static func csvField(_ raw: String, separator: Character = ",") -> String {
        if separator == "\t" {
            return TerminalSafe.escape(raw)
        }
        let s = TerminalSafe.escape(raw, keepNewlines: true)
        if s.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacing("\"", with: "\"\"") + "\""
        }
        return s
    }

    func renderJSON(_ table: ResultTable, lines: Bool) -> String {
        let objects = table.rows.map { row in
            "{" + zip(table.columns, row).map { JSON.string($0) + ": " + JSON.value($1) }.joined(separator: ", ") + "}"
        }
        if lines { return objects.joined(separator: "\n") }
        return "[" + objects.joined(separator: ",\n ") + "]"
    }
}

/// Minimal JSON writing, without Foundation, with every control character escaped.
public enum JSON {
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 {
                    out += "\\u" + TerminalSafe.hex(u.value, 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    public static func value(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? Renderer.formatNumber(d) : "null"
        case .string(let s): return string(s)
        case .bool(let b): return b ? "true" : "false"
        }
    }
}
