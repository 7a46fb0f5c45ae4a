// Ablation: a load that skips one stage of reading, so that the stage's share of the load's
// time can be measured (`Scripts/ablate`, which times such a build against itself not
// skipping). Compiled only with `-D NIANBAO_ABLATION`: a normal build has none of it.
//
// Why: instructions (callgrind, `Scripts/profile`) are not time here. Bounds checks taken
// out by the thousand left the time unchanged; a stage's time is what skipping it saves.

#if NIANBAO_ABLATION
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stage that `NIANBAO_ABLATE` names (read once): after it, or instead of it, the reader
/// returns a report with no readings, appended as usual.
enum Ablation: String {
    /// Return after decoding the bytes; after splitting them into lines (an HTML page: after
    /// its text); after finding the title and the headings.
    case decoded, lines, headings
    /// Skip one section's table, or the narrative sections' facts and fingerprints.
    case section2, section3, section4, narrative

    nonisolated(unsafe) static let skipped: Ablation? = getenv("NIANBAO_ABLATE").flatMap { Ablation(rawValue: String(cString: $0)) }

    /// A report of `file` with nothing read from it.
    static func emptyReport(_ file: String, _ decoded: DecodedText) -> Report {
        Report(file: file, org: nil, year: nil, format: nil, layout: TableLayout.none.rawValue, encoding: decoded.encoding,
               cells: FieldCells(count: Form.standard.fields.count), warnings: [], sectionLines: SectionLines(), period: nil,
               signed: nil, statedNumbers: [], mentionsProcessingFee: false, narrativeFingerprints: [])
    }

    /// Whether the section numbered `section` is skipped.
    static func skips(section: Int) -> Bool {
        switch skipped {
        case .section2?: return section == 2
        case .section3?: return section == 3
        case .section4?: return section == 4
        case .narrative?: return !(2...4).contains(section)
        default: return false
        }
    }
}
#endif
