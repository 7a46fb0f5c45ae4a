// How many terminal columns text takes: the one width function for tables, lists and carets.
//
// East Asian Wide and Fullwidth characters take two columns, combining marks and zero-width
// characters none, emoji presentation sequences two. Ambiguous-width characters (“ ” ·) are
// counted as one, as terminals in a UTF-8 locale outside CJK legacy modes draw them.

public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        var width = 0
        for ch in text {
            width += of(ch)
        }
        return width
    }

    public static func of(_ ch: Character) -> Int {
        let scalars = ch.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if ch == "\t" { return 1 }
        // An emoji presentation sequence (base + VS16, ZWJ sequences, flags) is two wide.
        if scalars.count > 1 && (scalars.contains { $0.value == 0xFE0F || $0.value == 0x200D } || isRegionalIndicator(first)) {
            return 2
        }
        return scalarWidth(first)
    }

    static func isRegionalIndicator(_ s: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(s.value) }

    static func scalarWidth(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v == 0 { return 0 }
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        // Combining marks and zero-width characters.
        if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0x20D0...0x20FF).contains(v)
            || (0xFE00...0xFE0F).contains(v) || (0xFE20...0xFE2F).contains(v) || v == 0x2060 || v == 0xFEFF {
            return 0
        }
        if s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .enclosingMark { return 0 }
        if isWide(v) { return 2 }
        if s.properties.isEmojiPresentation { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` padded with spaces to `width` columns (left-aligned unless `right`).
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let w = of(text)
        guard w < width else { return text }
        let spaces = String(repeating: " ", count: width - w)
        return right ? spaces + text : text + spaces
    }

    /// `text` cut to at most `width` columns, with an ellipsis when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width, width > 1 else { return text }
        var out = ""
        var w = 0
        for ch in text {
            let cw = of(ch)
            if w + cw > width - 1 { break }
            out.append(ch)
            w += cw
        }
        return out + "…"
    }
}

/// Terminal safety: text from reports may carry escape sequences; printed text never does.
public enum TerminalSafe {
    /// Replaces C0/C1 control characters (except newline where allowed) with visible escapes.
    public static func escape(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if s == "\n" && keepNewlines { out.unicodeScalars.append(s); continue }
            if s == "\t" { out += " "; continue }
            if isControl(s) {
                out += s.value < 0x100 ? "\\x" + hex(s.value, 2) : "\\u{" + hex(s.value, 4) + "}"
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
            || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
    }

    static func hex(_ v: UInt32, _ digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
