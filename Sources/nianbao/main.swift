import NianbaoKit
import Foundation
for path in CommandLine.arguments.dropFirst() {
    let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
    do {
        let r = try ReportReader.read(bytes: bytes, file: path)
        print("== \(path) org=\(r.org ?? "-") year=\(r.year.map(String.init) ?? "-") format=\(r.format?.rawValue ?? "-") layout=\(r.layout)")
        for f in Form.standard.fields {
            let c = r.cells[f.index]
            if c.kind == .absent { continue }
            print("  \(f.id) = \(c.kind) \(c.number.map { String($0.double) } ?? "") line \(c.line)")
        }
        for w in r.warnings { print("  W \(w.line.map(String.init) ?? "-") \(w.code): \(w.message)") }
        print("  stated: \(r.statedNumbers)  period: \(String(describing: r.period)) signed: \(String(describing: r.signed)) fee:\(r.mentionsProcessingFee)")
    } catch { print("ERR \(error)") }
}
