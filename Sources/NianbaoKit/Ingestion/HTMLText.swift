// HTML pages → lines, so that web-page reports go through the same table reader.
//
// Most reports are published as web pages. libxml2's forgiving HTML parser reads them (the
// strict XML parser chokes on ordinary HTML). Each `<tr>` becomes one tab-separated line with
// row and column spans expanded into empty cells, each block of text one line; every line
// keeps the line number of the element it came from in the original file.

internal import CLibxml2
#if canImport(Glibc)
import Glibc
#endif

public enum HTMLText {
    /// Recognised by content, not by file name: a document start, or table markup anywhere.
    public static func looksLikeHTML(_ utf8: [UInt8]) -> Bool {
        let hasTag = utf8.withUnsafeBufferPointer { p in p.baseAddress.map { memchr($0, 0x3C, p.count) != nil } ?? false }
        guard hasTag else { return false }        // no '<' at all: plain text
        let head = utf8.prefix(4096).map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }[...]
        for marker in ["<html", "<!doctype html", "<body", "<head"] where Bytes.contains(head, Array(marker.utf8)) {
            return true
        }
        return containsIgnoringCase(utf8, "<table") && containsIgnoringCase(utf8, "<td")
    }

    static func containsIgnoringCase(_ hay: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard hay.count >= n.count else { return false }
        var i = 0
        while i <= hay.count - n.count {
            if hay[i] == 0x3C {
                var k = 1
                while k < n.count && (hay[i + k] | 0x20) == n[k] { k += 1 }
                if k == n.count { return true }
            }
            i += 1
        }
        return false
    }

    /// The page as lines of text (a table row per line, its cells separated by tabs), and
    /// each line's number in the original file; nil when libxml2 cannot read it at all.
    public static func text(_ utf8: [UInt8]) -> (bytes: [UInt8], numbers: [Int])? {
        let doc: htmlDocPtr? = utf8.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { nb_html_parse($0, Int32(p.count)) }
        }
        guard let doc else { return nil }
        defer { xmlFreeDoc(doc) }
        var walker = Walker()
        if let root = xmlDocGetRootElement(doc) { walker.visit(root) }
        walker.flush(line: walker.lastLine)
        // One buffer of lines, read like plain-text input.
        var buffer: [UInt8] = []
        var numbers: [Int] = []
        for (text, number) in walker.out {
            buffer.append(contentsOf: text.utf8)
            buffer.append(0x0A)
            numbers.append(number)
        }
        return (buffer, numbers)
    }

    private static let blockElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
        "header", "footer", "blockquote", "pre", "center", "title", "dd", "dt", "form", "hr",
    ]
    private static let skipped: Set<String> = ["script", "style", "noscript", "iframe", "object", "head"]

    private struct Walker {
        var out: [(String, Int)] = []
        var current = ""
        var currentLine = 1
        var lastLine = 1

        mutating func flush(line: Int) {
            let t = current.trimmingSpaces()
            if !t.isEmpty { out.append((t, currentLine)) }
            current = ""
            currentLine = line
        }

        mutating func visit(_ node: xmlNodePtr) {
            var child: xmlNodePtr? = node
            while let n = child {
                let line = Int(xmlGetLineNo(n))
                if line > 0 { lastLine = line }
                switch n.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    if current.isEmpty, line > 0 { currentLine = line }
                    current += HTMLText.text(of: n).replacingNewlines()
                case XML_ELEMENT_NODE:
                    let name = HTMLText.name(of: n)
                    if HTMLText.skipped.contains(name) { break }
                    if name == "table" {
                        flush(line: line)
                        emitTable(n)
                        out.append(("", lastLine))
                    } else if name == "br" {
                        flush(line: line)
                    } else if HTMLText.blockElements.contains(name) || name == "tr" || name == "td" {
                        flush(line: line)
                        if let c = n.pointee.children { visit(c) }
                        flush(line: lastLine)
                    } else if let c = n.pointee.children {
                        visit(c)
                    }
                default:
                    break
                }
                child = n.pointee.next
            }
        }

        mutating func emitTable(_ table: xmlNodePtr) {
            var rows: [xmlNodePtr] = []
            HTMLText.collectRows(table, into: &rows)
            var spans: [Int] = []                // rows still covered, by column
            for tr in rows {
                var cells: [String] = []
                var col = 0
                func fillSpans() {
                    while col < spans.count, spans[col] > 0 {
                        spans[col] -= 1
                        cells.append("")
                        col += 1
                    }
                }
                var c = tr.pointee.children
                while let cell = c {
                    defer { c = cell.pointee.next }
                    guard cell.pointee.type == XML_ELEMENT_NODE else { continue }
                    let name = HTMLText.name(of: cell)
                    guard name == "td" || name == "th" else { continue }
                    fillSpans()
                    let text = HTMLText.cellText(cell)
                    let colspan = max(1, min(50, HTMLText.intAttribute(cell, "colspan") ?? 1))
                    let rowspan = max(1, min(500, HTMLText.intAttribute(cell, "rowspan") ?? 1))
                    for k in 0..<colspan {
                        cells.append(k == 0 ? text : "")
                        while spans.count <= col { spans.append(0) }
                        spans[col] = rowspan - 1
                        col += 1
                    }
                }
                fillSpans()
                let line = Int(xmlGetLineNo(tr))
                if line > 0 { lastLine = line }
                // A leading tab marks the line as table cells for the cell splitter.
                out.append(("\t" + cells.joined(separator: "\t"), line > 0 ? line : lastLine))
            }
        }
    }

    static func collectRows(_ node: xmlNodePtr, into rows: inout [xmlNodePtr]) {
        var c = node.pointee.children
        while let n = c {
            if n.pointee.type == XML_ELEMENT_NODE {
                let name = self.name(of: n)
                if name == "tr" { rows.append(n) }
                else if name != "table" { collectRows(n, into: &rows) }   // not nested tables' rows
            }
            c = n.pointee.next
        }
    }

    static func name(of node: xmlNodePtr) -> String {
        guard let p = node.pointee.name else { return "" }
        return String(cString: p).lowercased()
    }

    static func text(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { nb_xml_free(content) }
        return String(cString: content)
    }

    /// A cell's text with `<br>` and line breaks removed: header cells such as `本年新<br>制作数量`
    /// are one label.
    static func cellText(_ cell: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(cell) else { return "" }
        defer { nb_xml_free(content) }
        // Bytes: drop line breaks, tabs become spaces; then trim.
        var bytes: [UInt8] = []
        var p = UnsafeRawPointer(content).assumingMemoryBound(to: UInt8.self)
        while p.pointee != 0 {
            let b = p.pointee
            if b == 0x0A || b == 0x0D { } else if b == 0x09 { bytes.append(0x20) } else { bytes.append(b) }
            p += 1
        }
        return String(decoding: Bytes.trim(bytes[...]), as: UTF8.self)
    }

    static func intAttribute(_ node: xmlNodePtr, _ name: String) -> Int? {
        guard let v = xmlGetProp(node, name) else { return nil }
        defer { nb_xml_free(v) }
        return Int(String(cString: v).trimmingSpaces())
    }
}

extension String {
    func replacingNewlines() -> String {
        guard contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return self }
        return String(filter { $0 != "\n" && $0 != "\r" && $0 != "\r\n" })
    }
}
