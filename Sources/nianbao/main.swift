// nianbao: the command line and the shell.
//
// Parses arguments, loads the reports named (or the sample corpus), then runs `-c`, `-f`,
// piped standard input or the interactive REPL — all through Session.execute.

import ArgumentParser
import CLibedit
import NianbaoKit
#if canImport(Glibc)
import Glibc
#endif
#if canImport(CTCMalloc)
import CTCMalloc
#endif

/// The memory allocator the executable runs with, for `--version`. Naming a TCMalloc function
/// also keeps the library linked where the linker drops libraries nothing calls by name
/// (`--as-needed`): its `malloc` replaces the C library's only if it is loaded.
let memoryAllocator: String = {
    #if canImport(CTCMalloc)
    return String(cString: tc_version(nil, nil, nil))
    #else
    return "the C library's malloc"
    #endif
}()

struct NianbaoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nianbao",
        abstract: "A shell for exploring and checking government information-disclosure annual reports (政府信息公开工作年度报告).",
        discussion: """
        With no PATH and no -c/-f, the shell starts on the sample corpus in Data/reports.
        With standard input not a terminal and no -c/-f, commands are read from standard input.
        Type 'help' in the shell for its commands and 'help expressions' for the query language.

        Exit status:
          0  success
          1  a command or script failed (scripts stop at the first error)
          2  bad usage
          3  --strict (or check --strict) and check found violations or reading findings
        """,
        version: "nianbao 0.1.0 (memory: \(memoryAllocator))"
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run COMMANDS (separated by ; or newlines), print their output, exit.", valueName: "COMMANDS"))
    var commands: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("Run a script file, then exit. Repeatable; '-' reads standard input.", valueName: "SCRIPT"))
    var scripts: [String] = []

    @Option(help: ArgumentHelp("Output format: table, csv, tsv, json, jsonl or markdown.", valueName: "FORMAT"))
    var format: String?

    @Flag(help: "Refuse commands that write files, and loading or running paths not named on the command line.")
    var safe = false

    @Flag(name: .customLong("no-cache"), help: "Read every report file, neither taking reports from the cache of reports already read nor writing to it.")
    var noCache = false

    @Flag(name: .customLong("no-color"), help: "No colour (also when NO_COLOR is set or output is not a terminal).")
    var noColor = false

    @Flag(help: "Exit with status 3 when check finds violations or reading findings.")
    var strict = false

    @Argument(help: ArgumentHelp("Report files, folders (searched recursively) or globs to load first.", valueName: "PATH"))
    var paths: [String] = []

    func validate() throws {
        if let format, OutputFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)' (one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}

/// The sample corpus: Data/reports here, or beside the package the binary was built in.
func sampleCorpus() -> String? {
    var candidates = ["Data/reports"]
    let exe = CommandLine.arguments[0]
    if let slash = exe.lastIndex(of: "/") {
        let dir = String(exe[..<slash])
        candidates += [dir + "/../../Data/reports", dir + "/../../../Data/reports", dir + "/../Data/reports"]
    }
    for c in candidates {
        var st = stat()
        if stat(c, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return c }
    }
    return nil
}

func readAllStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return bytes
}

func runMain() -> Int32 {
    let options: NianbaoCommand
    do {
        options = try NianbaoCommand.parse(Array(CommandLine.arguments.dropFirst()))
    } catch {
        let code = NianbaoCommand.exitCode(for: error)
        if code == .success {
            print(NianbaoCommand.fullMessage(for: error))
            return 0
        }
        fputs(NianbaoCommand.fullMessage(for: error) + "\n", nb_stderr())
        return NianbaoKit.ExitCode.usage.rawValue
    }

    TerminalInfo.setUTF8Locale()
    Signals.install()
    let output = StandardOutput()
    let session = Session(output: output, cancel: interruptFlag)
    session.terminalWidth = TerminalInfo.stdoutIsTerminal ? TerminalInfo.width() : 120
    if let f = options.format { session.settings.format = OutputFormat(rawValue: f)! }
    let env = ProcessInfoLite.environment
    session.settings.color = TerminalInfo.stdoutIsTerminal && TerminalInfo.stderrIsTerminal && !options.noColor && env["NO_COLOR"] == nil
    session.settings.strict = options.strict
    let batch = options.commands != nil || !options.scripts.isEmpty
    var paths = options.paths
    if paths.isEmpty && !batch, let sample = sampleCorpus() { paths = [sample] }
    if options.safe { session.safePaths = paths + options.scripts.filter { $0 != "-" } }
    // The cache reads and writes beyond the paths named: not in safe mode.
    if !options.noCache && !options.safe, let dir = ReportCache.standardDirectory(environment: env) {
        session.cache = ReportCache(directory: dir)
    }

    let bar = ProgressBar()
    if TerminalInfo.stderrIsTerminal {
        session.progress = { bar.update(done: $0, total: $1) }
        session.loadStarted = { bar.reset() }
        session.loadFinished = { bar.finish() }
    }
    if !paths.isEmpty {
        bar.reset()
        let summary = Loader.load(paths, into: session.corpus, cancel: interruptFlag, cache: session.cache, progress: session.progress)
        bar.finish()
        session.warnAbout(summary)
        if !batch && TerminalInfo.stdinIsTerminal {
            output.out("loaded \(summary.reports) reports (\(summary.warnings) warnings) from \(paths.joined(separator: " ")) in \(Renderer.formatNumber((summary.seconds * 1000).rounded() / 1000)) s"
                       + summary.fromCacheNote)
        }
        if summary.cancelled { interruptFlag.clear() }
    }

    /// Exits here rather than returning: returning would release the session, and freeing a
    /// large corpus one report at a time takes longer than the system takes to drop it all.
    func finish(_ result: ExecutionResult) -> Never {
        fflush(nb_stdout())
        if result == .failed { exit(NianbaoKit.ExitCode.failure.rawValue) }
        if session.foundViolations { exit(NianbaoKit.ExitCode.violations.rawValue) }
        exit(NianbaoKit.ExitCode.success.rawValue)
    }

    if let commands = options.commands {
        let r = session.execute(source: commands, origin: .commandLine)
        if r != .ok { finish(r) }
    }
    for script in options.scripts {
        let r = script == "-" ? session.runScript(bytes: readAllStandardInput(), origin: .standardInput) : session.runScript(script)
        if r != .ok { finish(r) }
    }
    if batch { finish(.ok) }
    if !TerminalInfo.stdinIsTerminal {
        finish(session.runScript(bytes: readAllStandardInput(), origin: .standardInput))
    }
    let shell = Shell(session: session)
    finish(shell.run())
}

exit(runMain())
