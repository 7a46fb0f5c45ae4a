// nianbao-gen N DIR [--seed S] [--inject P] [--layout L] [--truth FILE]
//
// Writes N synthetic reports into DIR (in sub-folders of 1,000), in mixed layouts and both
// form versions, and optionally their ground truth as JSON lines. Used by Scripts/gen-corpus
// and Scripts/bench.

import NianbaoKit
import NianbaoSynth
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

@Sendable func fail(_ message: String) -> Never {
    let text = "nianbao-gen: \(message)\nusage: nianbao-gen N DIR [--seed S] [--inject FRACTION] [--layout LAYOUT] [--truth FILE]\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

@Sendable func mkdirp(_ path: String) {
    if let (folder, error) = Folders.make(path) { fail("cannot create \(folder): \(String(cString: strerror(error)))") }
}

func generate() {
    var args = Array(CommandLine.arguments.dropFirst())
    var seedValue: UInt64 = 2021
    var injectFraction = 0.0
    var layout: SynthLayout?
    var truthPath: String?
    var positional: [String] = []
    while !args.isEmpty {
        let a = args.removeFirst()
        switch a {
        case "--seed": guard let v = args.first.flatMap({ UInt64($0) }) else { fail("--seed needs a number") }; seedValue = v; args.removeFirst()
        case "--inject": guard let v = args.first.flatMap({ Double($0) }) else { fail("--inject needs a fraction") }; injectFraction = v; args.removeFirst()
        case "--layout":
            guard let v = args.first.flatMap({ SynthLayout(rawValue: $0) }) else {
                fail("--layout needs one of " + SynthLayout.allCases.map(\.rawValue).joined(separator: ", "))
            }
            layout = v; args.removeFirst()
        case "--truth": guard let v = args.first else { fail("--truth needs a file") }; truthPath = v; args.removeFirst()
        case "-h", "--help": fail("writes synthetic annual reports")
        default: positional.append(a)
        }
    }
    guard positional.count == 2, let count = Int(positional[0]), count >= 0 else { fail("expected N and DIR") }
    let dir = positional[1]
    mkdirp(dir)
    let seed = seedValue
    let injected = injectFraction
    let fixedLayout = layout
    let chunk = 1000
    let chunks = (count + chunk - 1) / chunk
    nonisolated(unsafe) var truthLines = [[String]](repeating: [], count: chunks)
    let wantTruth = truthPath != nil
    DispatchQueue.concurrentPerform(iterations: chunks) { k in
        let folder = dir + "/" + String(repeating: "0", count: max(0, 4 - String(k).count)) + String(k)
        mkdirp(folder)
        var gen = Generator(seed: seed &+ UInt64(k) &* 7919)
        var lines: [String] = []
        for i in (k * chunk)..<min(count, (k + 1) * chunk) {
            let inject = injected > 0 && Double(i % 1000) / 1000 < injected
            let r = gen.report(index: i, layout: fixedLayout, inject: inject)
            let path = folder + "/" + r.fileName
            guard let f = fopen(path, "w") else { fail("cannot write \(path)") }
            fputs(r.text, f)
            fclose(f)
            if wantTruth {
                let fields = r.truth.keys.sorted().map { JSON.string($0) + ": " + JSON.value(r.truth[$0]!) }.joined(separator: ", ")
                let injected = r.injected.map { "[\(JSON.string($0.rule)), \(JSON.string($0.column))]" }.joined(separator: ", ")
                lines.append("{\"file\": \(JSON.string(path)), \"org\": \(JSON.string(r.org)), \"year\": \(r.year), \"format\": \"\(r.version.rawValue)\", \"layout\": \"\(r.layout.rawValue)\", \"injected\": [\(injected)], \"fields\": {\(fields)}}")
            }
        }
        truthLines[k] = lines
    }
    if let truthPath {
        guard let f = fopen(truthPath, "w") else { fail("cannot write \(truthPath)") }
        for lines in truthLines { for l in lines { fputs(l + "\n", f) } }
        fclose(f)
    }
    let done = "wrote \(count) reports to \(dir)\n"
    _ = done.withCString { write(2, $0, strlen($0)) }

}
generate()
