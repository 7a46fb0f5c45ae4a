// libFuzzer harness: arbitrary bytes → the report reader. Any crash, trap or sanitizer
// report is a bug; decoding errors are the expected answer for most inputs.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let report = try? ReportReader.read(bytes: bytes, file: "fuzz.txt") {
        let corpus = Corpus()
        corpus.append(report)
        _ = Audit(corpus: corpus).run([0])
        _ = ReportExport.render(corpus, rows: [0], format: .json)
    }
    return 0
}
