// Tab completion, by context: command names first, then what the command's argument kind
// says — field ids and Chinese labels in expressions, report names, rules, settings, paths.
// The line editor only asks; nothing here knows about terminals.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct CompletionResult: Equatable, Sendable {
    /// How many characters before the cursor the candidates replace.
    public var replacing: Int
    public var candidates: [String]
}

public enum Completion {
    static let keywords = ["and", "or", "not", "is", "null", "desc", "asc", "true", "false"]

    /// Candidates for the word that ends at the end of `beforeCursor`.
    public static func complete(_ beforeCursor: String, session: Session) -> CompletionResult {
        let chars = Array(beforeCursor)
        var start = chars.count
        let separators: Set<Character> = [" ", "\t", "(", ")", ",", "|", ";", "=", "<", ">", "~", "+", "*", "!"]
        while start > 0, !separators.contains(chars[start - 1]) { start -= 1 }
        let word = String(chars[start...])
        // The statement the cursor is in, and the stage within it.
        var stmtStart = 0
        var quote: Character?
        for (i, c) in chars[..<start].enumerated() {
            if let q = quote { if c == q { quote = nil }; continue }
            if c == "\"" || c == "'" { quote = c }
            if c == ";" || c == "|" { stmtStart = i + 1 }
        }
        let head = String(chars[stmtStart..<start])
        let wordsBefore = head.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let afterPipe = stmtStart > 0 && chars[stmtStart - 1] == "|"
        let candidates: [String]
        if wordsBefore.isEmpty {
            let names = afterPipe ? Array(Parser.stageNames) + ["export"] : Commands.all.map(\.name)
            candidates = names.filter { $0.hasPrefix(word) }.sorted()
        } else {
            let command = Commands.find(wordsBefore[0])
            let argumentIndex = wordsBefore.count - 1
            candidates = arguments(kind: command?.arguments ?? .expression, index: argumentIndex, previous: wordsBefore,
                                   word: word, session: session)
        }
        return CompletionResult(replacing: word.count, candidates: candidates)
    }

    static func arguments(kind: ArgumentKind, index: Int, previous: [String], word: String, session: Session) -> [String] {
        func matching(_ names: [String]) -> [String] {
            let folded = LabelFolding.fold(word)
            return Array(Set(names.filter { $0.hasPrefix(word) || (!folded.isEmpty && $0.unicodeScalars.first.map { $0.value > 0x2E80 } == true && LabelFolding.fold($0).hasPrefix(folded)) })).sorted()
        }
        switch kind {
        case .none: return []
        case .expression: return matching(expressionNames(session))
        case .paths: return paths(word)
        case .report: return index == 0 ? matching((0..<session.corpus.count).map { session.corpus.name($0) }) : matching(["2", "3", "4", "--source"])
        case .topics: return matching(Form.standard.fields.map(\.id) + FormRules.all.map(\.id) + ReadFinding.allCases.map(\.rawValue)
                                      + ["s2", "s3", "s4"] + ReportAttribute.allCases.map(\.rawValue) + aliases)
        case .rules: return matching(Audit.ruleIDs + ["--strict"])
        case .settings:
            if index == 0 { return matching(["format", "maxrows", "timer", "color", "strict"]) }
            switch previous.count > 1 ? previous[1] : "" {
            case "format": return matching(OutputFormat.allCases.map(\.rawValue))
            case "timer", "color", "strict": return matching(["on", "off"])
            default: return []
            }
        case .commands: return matching(Commands.all.map(\.name) + ["expressions"])
        case .fieldPattern: return matching(Form.standard.fields.map(\.id) + Form.standard.s3Rows.map { TableText.stripEnumerator(LabelFolding.fold($0.label)) })
        case .section: return matching(["2", "3", "4", "--format", "2019", "2021"])
        case .exportFormat: return index == 0 ? matching(ExportFormat.allCases.map(\.rawValue)) : paths(word)
        }
    }

    /// Chinese aliases `行·列` for every field whose row label is distinctive.
    static let aliases: [String] = {
        Form.standard.fields.compactMap { f in
            let row = TableText.stripEnumerator(LabelFolding.fold(f.row.label))
            let short = String(row.prefix(8))
            let alias = "\(short)·\(f.column.label)"
            return Aliases.resolve(alias)?.id == f.id ? alias : nil
        }
    }()

    static func expressionNames(_ s: Session) -> [String] {
        Form.standard.fields.map(\.id) + ReportAttribute.allCases.map(\.rawValue) + s.bindingNames + keywords
            + ["violations"] + AggregateFunction.allCases.map(\.rawValue) + aliases
    }

    /// Files and folders starting with `word`; folders end in `/`.
    static func paths(_ word: String) -> [String] {
        var dir = "."
        var prefix = word
        var shown = ""
        if let slash = word.lastIndex(of: "/") {
            dir = String(word[...slash])
            prefix = String(word[word.index(after: slash)...])
            shown = dir
        }
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix(".") && !prefix.hasPrefix(".") { continue }
            guard name.hasPrefix(prefix) else { continue }
            var st = stat()
            let full = (dir.hasSuffix("/") ? dir : dir + "/") + name
            let isDir = stat(full, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            out.append(shown + name + (isDir ? "/" : ""))
        }
        return out.sorted()
    }

    /// The longest prefix all candidates share.
    public static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first.map(Array.init) else { return "" }
        for c in candidates.dropFirst() {
            let a = Array(c)
            var n = 0
            while n < prefix.count && n < a.count && prefix[n] == a[n] { n += 1 }
            prefix = Array(prefix[..<n])
        }
        return String(prefix)
    }
}
