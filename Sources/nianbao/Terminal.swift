// The process's own terminal: standard streams, width, environment, Ctrl-C, progress bar.

import CLibedit
import NianbaoKit
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT; the loader, the evaluator and the REPL poll it. The handler only sets it.
let interruptFlag = CancellationFlag()

enum Signals {
    static func install() {
        nb_install_sigint { signo in
            interruptFlag.set()
            nb_forward_signal_to_main_thread(signo)
        }
    }
}

enum ProcessInfoLite {
    static var environment: [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }
}

enum TerminalInfo {
    static var stdinIsTerminal: Bool { isatty(0) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    static func width() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let cols = ProcessInfoLite.environment["COLUMNS"], let n = Int(cols), n > 0 { return n }
        return 120
    }

    /// libedit decides at el_init whether input is UTF-8: the locale must say so first.
    static func setUTF8Locale() {
        setlocale(LC_ALL, "")
        let ctype = String(cString: setlocale(LC_CTYPE, nil))
        if !ctype.uppercased().contains("UTF-8") && !ctype.uppercased().contains("UTF8") {
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
    }
}

/// Writes session output to the process's standard streams. Standard output is flushed
/// before anything goes to standard error, so a transcript of both keeps its order.
final class StandardOutput: SessionOutput {
    func out(_ text: String) {
        fputs(text + "\n", nb_stdout())
    }
    func err(_ text: String) {
        fflush(nb_stdout())
        fputs(text + "\n", nb_stderr())
    }
}

/// A one-line progress bar on standard error, drawn only when a load takes a moment.
final class ProgressBar {
    private var start = Clock.now()
    private var drawn = false

    /// A new load: time and rate count from now.
    func reset() {
        start = Clock.now()
        drawn = false
    }

    func update(done: Int, total: Int) {
        let elapsed = Clock.now() - start
        guard elapsed > 0.3, total > 0 else { return }
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let rate = Int(Double(done) / max(elapsed, 0.001))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        fputs("\r\u{1B}[K\(bar) \(done)/\(total) reports, \(rate)/s", nb_stderr())
        drawn = true
        if done >= total { finish() }
    }

    func finish() {
        if drawn { fputs("\r\u{1B}[K", nb_stderr()); drawn = false }
    }
}
