// Golden transcripts: each Transcripts/NAME.nbs runs through the same Session as the shell,
// and its output (stdout and stderr interleaved, then `exit: N`) must equal NAME.out.
//
// To record after an intended change: NIANBAO_RECORD=1 Scripts/test --filter Transcript.
// A recording run always fails, so a recording can never pass silently.

import XCTest
import NianbaoKit

final class TranscriptTests: XCTestCase {
    static let folder = TestPaths.root + "/Tests/NianbaoKitTests/Transcripts"

    static func run(script path: String) -> String {
        let output = BufferOutput()
        let session = Session(output: output)
        session.terminalWidth = 120
        let result = session.runScript(path)
        let code: ExitCode = result == .failed ? .failure : (session.foundViolations ? .violations : .success)
        // Load times differ from run to run.
        let text = output.text.replacing(try! Regex(" in [0-9.]+ s"), with: " in <time> s")
        return text + "exit: \(code.rawValue)\n"
    }

    func testTranscripts() throws {
        // Scripts name files relative to the package root, as a user at its top would.
        XCTAssertEqual(chdir(TestPaths.root), 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".nbs") }.sorted()
        XCTAssertGreaterThan(names.count, 5)
        let recording = ProcessInfo.processInfo.environment["NIANBAO_RECORD"] == "1"
        for name in names {
            let script = "Tests/NianbaoKitTests/Transcripts/" + name
            let actual = Self.run(script: script)
            let expectedPath = Self.folder + "/" + name.dropLast(4) + ".out"
            if recording {
                try actual.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
            if actual != expected {
                let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
                let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
                XCTFail("\(name): output differs from \(name.dropLast(4)).out at line \(first + 1):\n" +
                        "expected: \(first < e.count ? String(e[first]) : "<end>")\n" +
                        "actual:   \(first < a.count ? String(a[first]) : "<end>")")
            }
        }
        if recording { XCTFail("recorded \(names.count) transcripts; run again without NIANBAO_RECORD to check them") }
    }

    /// Every help example runs on the sample corpus without an error.
    func testEveryHelpExampleRuns() throws {
        XCTAssertEqual(chdir(TestPaths.root), 0)
        for command in Commands.all where !command.example.isEmpty {
            let output = BufferOutput()
            let session = Session(output: output)
            session.execute(source: "load Data/reports", origin: .commandLine)
            if command.name == "unfilter" { session.execute(source: "filter year = 2021", origin: .commandLine) }
            let result = session.execute(source: command.example, origin: .commandLine)
            XCTAssertEqual(result, .ok, "help example of \(command.name): \(command.example)\n\(output.text)")
        }
    }
}
