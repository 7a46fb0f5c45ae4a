// The line editor: libedit's wide-character API behind a small LineReader protocol.
//
// libedit decides at el_init whether input is UTF-8, so the locale is set before (see
// main.swift). Tab calls back into the session's completion; history persists in
// $XDG_STATE_HOME/nianbao/history (or ~/.nianbao_history), whose folder libedit will not
// create for us. The C callbacks cannot capture context, so they reach the one editor through
// a global, as libedit's own clients do.

import CLibedit
import NianbaoKit
#if canImport(Glibc)
import Glibc
#endif

enum LineInput {
    case line(String)
    case endOfInput
    case interrupted
}

/// Where the REPL gets lines: the real terminal, or a script in tests.
protocol LineReader: AnyObject {
    func read(prompt: String) -> LineInput
    func remember(_ entry: String)
}

/// The editor reachable from libedit's C callbacks.
nonisolated(unsafe) private var activeEditor: LineEditor?

final class LineEditor: LineReader {
    private let el: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private var prompt: [wchar_t] = [0]
    private let complete: (String) -> CompletionResult
    private var warnedHistory = false

    init?(programName: String, complete: @escaping (String) -> CompletionResult) {
        guard let el = el_init(programName, nb_stdin(), nb_stdout(), nb_stderr()) else { return nil }
        self.el = el
        self.history = history_winit()
        self.complete = complete
        historyPath = LineEditor.historyFile()
        nb_history_setsize(history, 2000)
        nb_history_setunique(history, 1)
        activeEditor = self

        _ = "emacs".withWideCString { nb_el_set_editor(el, $0) }
        nb_el_set_getc(el, LineEditor.readCharacter)
        nb_el_set_history(el, history)
        nb_el_set_prompt(el) { _ in
            activeEditor?.prompt.withUnsafeMutableBufferPointer { $0.baseAddress }
        }
        "nb-complete".withWideCString { name in
            "complete a command, field, report or path".withWideCString { help in
                _ = nb_el_add_function(el, name, help) { _, _ in activeEditor?.completeCurrentWord() ?? UInt8(CC_ERROR) }
            }
        }
        "^I".withWideCString { key in "nb-complete".withWideCString { fn in _ = nb_el_bind(el, key, fn) } }
        nb_el_source(el)                     // ~/.editrc, after our defaults so it can override them
        if let path = historyPath { nb_history_load(history, path) }
    }

    deinit {
        history_wend(history)
        el_end(el)
    }

    static func historyFile() -> String? {
        let env = ProcessInfoLite.environment
        if let state = env["XDG_STATE_HOME"], !state.isEmpty {
            let dir = state + "/nianbao"
            if Folders.make(dir) == nil { return dir + "/history" }
        }
        if let home = env["HOME"], !home.isEmpty { return home + "/.nianbao_history" }
        return nil
    }

    /// libedit's character reader: UTF-8 from standard input, a byte at a time through
    /// nb_read_byte so that a pending Ctrl-C ends the line (-1) instead of waiting for input.
    /// An invalid sequence is dropped, as libedit drops it. Decoded here rather than by the
    /// standard library's UTF-8 parser, which reads ahead to fill four bytes: after a Chinese
    /// character (three) it would wait for the next key.
    private static let readCharacter: el_rfunc_t = { _, out in
        let fd = fileno(nb_stdin())
        var scalar: UInt32 = 0
        var needed = 0, length = 0
        var byte: UInt8 = 0
        while true {
            let n = nb_read_byte(fd, &byte) { interruptFlag.isSet ? 1 : 0 }
            if n <= 0 { return n }
            if needed > 0 && byte & 0xC0 == 0x80 {
                scalar = scalar << 6 | UInt32(byte & 0x3F)
                needed -= 1
                guard needed == 0 else { continue }
                // Overlong forms and surrogates are not characters.
                let least: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
                if scalar >= least && scalar <= 0x10FFFF && !(0xD800...0xDFFF).contains(scalar) {
                    out?.pointee = wchar_t(bitPattern: scalar)
                    return 1
                }
                continue
            }
            // A lead byte (an unfinished sequence before it is dropped).
            switch byte {
            case 0x00...0x7F:
                out?.pointee = wchar_t(byte)
                return 1
            case 0xC2...0xDF: scalar = UInt32(byte & 0x1F); needed = 1
            case 0xE0...0xEF: scalar = UInt32(byte & 0x0F); needed = 2
            case 0xF0...0xF4: scalar = UInt32(byte & 0x07); needed = 3
            default: needed = 0
            }
            length = needed + 1
        }
    }

    func read(prompt text: String) -> LineInput {
        prompt = Array(text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }) + [0]
        var count: Int32 = 0
        errno = 0
        guard let line = el_wgets(el, &count) else {
            if count < 0 || errno == EINTR || interruptFlag.isSet { return .interrupted }
            return .endOfInput
        }
        var scalars = String.UnicodeScalarView()
        var p = line
        while p.pointee != 0 {
            if let s = Unicode.Scalar(UInt32(bitPattern: p.pointee)) { scalars.append(s) }
            p += 1
        }
        var s = String(scalars)
        if s.hasSuffix("\n") { s.removeLast() }
        return .line(s)
    }

    func remember(_ entry: String) {
        entry.withWideCString { _ = nb_history_enter(history, $0) }
        if let path = historyPath, nb_history_save(history, path) < 0, !warnedHistory {
            warnedHistory = true
            fputs("warning: cannot save history to \(path)\n", nb_stderr())
        }
    }

    /// Tab: insert the common prefix of the candidates; list them when several remain.
    private func completeCurrentWord() -> UInt8 {
        guard let info = el_wline(el) else { return UInt8(CC_ERROR) }
        var scalars = String.UnicodeScalarView()
        var p = info.pointee.buffer!
        while p < info.pointee.cursor {
            if let s = Unicode.Scalar(UInt32(bitPattern: p.pointee)) { scalars.append(s) }
            p += 1
        }
        let result = complete(String(scalars))
        guard !result.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let typed = String(String(scalars).suffix(result.replacing))
        let common = Completion.commonPrefix(result.candidates)
        if common.count > typed.count, common.hasPrefix(typed) {
            var insert = String(common.dropFirst(typed.count))
            if result.candidates.count == 1 && !common.hasSuffix("/") { insert += " " }
            insert.withWideCString { _ = el_winsertstr(el, $0) }
            return UInt8(CC_REFRESH)
        }
        if result.candidates.count == 1 {
            if !typed.hasSuffix(" ") { " ".withWideCString { _ = el_winsertstr(el, $0) } }
            return UInt8(CC_REFRESH)
        }
        // Several candidates: list them in columns under the line.
        let width = max(20, TerminalInfo.width())
        let cell = min(width, (result.candidates.map { DisplayWidth.of($0) }.max() ?? 10) + 2)
        let perLine = max(1, width / cell)
        var out = "\n"
        for (i, c) in result.candidates.prefix(200).enumerated() {
            out += DisplayWidth.pad(TerminalSafe.escape(c), to: cell)
            if (i + 1) % perLine == 0 { out += "\n" }
        }
        if result.candidates.count > 200 { out += "\n… \(result.candidates.count - 200) more" }
        if !out.hasSuffix("\n") { out += "\n" }
        fputs(out, nb_stdout())
        fflush(nb_stdout())
        return UInt8(CC_REDISPLAY)
    }
}

extension String {
    /// Calls `body` with this string as a NUL-terminated wchar_t (UTF-32) string.
    func withWideCString<R>(_ body: (UnsafePointer<wchar_t>) -> R) -> R {
        var wide = unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        return wide.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
