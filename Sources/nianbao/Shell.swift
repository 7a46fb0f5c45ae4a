// The interactive loop: read a statement (continuing while a quote or bracket is open),
// remember it, execute it. Ctrl-C clears the line or cancels the running command; Ctrl-D on
// an empty line leaves.

import CLibedit
import NianbaoKit
#if canImport(Glibc)
import Glibc
#endif

final class Shell {
    let session: Session

    init(session: Session) { self.session = session }

    func run() -> ExecutionResult {
        guard let editor = LineEditor(programName: "nianbao", complete: { [session] in Completion.complete($0, session: session) }) else {
            session.output.err("error: cannot start the line editor")
            return .failed
        }
        session.output.out("Nianbao 0.1 — \(session.corpus.count) reports loaded. Type 'help' for commands, Ctrl-D to leave.")
        var buffer = ""
        while true {
            interruptFlag.clear()
            let prompt = buffer.isEmpty ? "nianbao> " : "   ...> "
            switch editor.read(prompt: prompt) {
            case .endOfInput:
                if buffer.isEmpty {
                    fputs("\n", nb_stdout())
                    return .ok
                }
                buffer = ""
                fputs("\n", nb_stdout())
            case .interrupted:
                // Ctrl-C at the prompt discards the line being typed, never exits.
                buffer = ""
                fputs("^C\n", nb_stdout())
            case .line(let line):
                buffer += buffer.isEmpty ? line : "\n" + line
                if buffer.trimmingSpaces().isEmpty { buffer = ""; continue }
                if !StatementSplitter.isComplete(buffer) { continue }
                editor.remember(buffer)
                session.terminalWidth = TerminalInfo.width()
                let result = session.execute(source: buffer, origin: .prompt)
                fflush(nb_stdout())
                buffer = ""
                if result == .quit { return .ok }
                if interruptFlag.isSet {
                    fputs("interrupted\n", nb_stderr())
                    interruptFlag.clear()
                }
            }
        }
    }
}
