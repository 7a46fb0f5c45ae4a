// libFuzzer harness: arbitrary text → statements → parse → evaluate, over the sample corpus.
// Commands that touch files are not reached: the session runs in safe mode with no paths.

nonisolated(unsafe) var fuzzSession: Session?

final class NullOutput: SessionOutput {
    func out(_ text: String) {}
    func err(_ text: String) {}
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanguage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    if fuzzSession == nil {
        let s = Session(output: NullOutput())
        s.load(["Data/reports"])
        s.safePaths = []
        fuzzSession = s
    }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Only query statements: load/run/export/show by path are file system, not language.
    let session = fuzzSession!
    session.execute(source: text, origin: .script("fuzz.nbs"))
    session.execute(source: "reset", origin: .prompt)
    return 0
}
