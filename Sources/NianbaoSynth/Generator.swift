// Synthetic annual reports with their ground truth, for round-trip tests and benchmarks.
//
// Each report draws consistent numbers (row totals, outcomes and the balance all hold),
// optionally breaks one of them on purpose, and prints itself in one of the layouts seen in
// the wild, with the label variants real reports use: half- and full-width brackets, spaces
// inside labels, 规范性文件 for 行政规范性文件, traditional characters, injected pinyin, "/"
// and "—" for empty cells, thousands separators and full-width digits. Deterministic for a
// given seed, so a failing case can be regenerated.

import NianbaoKit

public enum SynthLayout: String, CaseIterable, Sendable {
    case tabCells = "tab-cells", pipeCells = "pipe-cells", tabRows = "tab-rows", markdown
    case spaceAligned = "space-aligned", html
    /// A page as Word saves it: every cell, row and paragraph with its attributes and style,
    /// values inside styled spans, headings as bold paragraphs.
    case wordHTML = "word-html"
    /// Text copied out of a PDF (a viewer's copy, `pdftotext` without `-layout`): the cells of
    /// a row one space apart, a header's words too, and a blank cell printed as nothing, so
    /// that, as in space-aligned text, every zero is printed.
    case pdfText = "pdf-text"

    /// The layouts a corpus is drawn from when none is asked for: the benchmark corpus has
    /// been these six since it was first measured, so its figures stay comparable.
    public static let mixed: [SynthLayout] = [.tabCells, .pipeCells, .tabRows, .markdown, .spaceAligned, .html]

    public var isHTML: Bool { self == .html || self == .wordHTML }

    /// The layout the reader names for a report printed in this one: pages are `html`, and
    /// text one space apart is read as space-aligned text is.
    public var readAs: String { isHTML ? "html" : self == .pdfText ? "space-aligned" : rawValue }
}

public struct SyntheticReport: Sendable {
    public var fileName: String
    public var text: String
    public var org: String
    public var year: Int
    public var version: FormVersion
    public var layout: SynthLayout
    /// Every printed field of the version: its value, nil where the cell is empty.
    public var truth: [String: Value]
    /// Rules the injected inconsistency must trigger (rule id, column), empty when clean.
    public var injected: [(rule: String, column: String)]
    /// Reader findings expected from the way it was printed (e.g. read.unknown-label).
    public var expectedFindings: [String]
}

/// SplitMix64: small, fast and reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public struct Generator {
    private var rng: SeededRandom
    private let form = Form.standard

    public init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    static let places = ["方正县", "连山区", "民权县", "清河县", "向阳区", "东城区", "西湖区", "南山区", "北塔区", "金水区",
                         "武侯区", "雨花区", "鼓楼区", "天河区", "思明区", "城关镇", "红旗街道", "新华区", "长安区", "和平县"]
    static let provinces = ["黑龙江省", "辽宁省", "河南省", "河北省", "浙江省", "广东省", "四川省", "湖南省", "福建省", "江苏省"]
    static let bodies = ["人民政府", "人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局",
                         "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
                         "卫生健康委员会", "市场监督管理局", "应急管理局", "统计局", "医疗保障局", "城市管理局"]

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
    private mutating func small(_ max: Int64) -> Int64 { chance(0.6) ? 0 : Int64.random(in: 1...max, using: &rng) }

    /// The report numbered `index`. Layout and version are drawn when not given.
    public mutating func report(index: Int, layout: SynthLayout? = nil, version: FormVersion? = nil,
                                inject: Bool = false) -> SyntheticReport {
        let layout = layout ?? pick(SynthLayout.mixed)
        let version = version ?? (chance(0.7) ? .v2021 : .v2019)
        let year = version == .v2021 ? Int.random(in: 2021...2024, using: &rng) : Int.random(in: 2019...2020, using: &rng)
        let org = pick(Generator.provinces) + pick(Generator.places) + pick(Generator.bodies) + String(index)   // one body per report index
        var truth: [String: Value] = [:]
        var zeroCells: [String] = []                 // printed as 0; may be printed blank instead

        // Section 2.
        for f in form.fields where f.section == 2 && f.versions.contains(version) {
            let v: Value
            switch f.kind {
            case .amount: v = chance(0.5) ? .double(Double(Int.random(in: 0...99999, using: &rng)) / 100) : .int(Int64.random(in: 0...2000, using: &rng))
            case .signedCount: v = .int(Int64.random(in: -20...20, using: &rng))
            case .count: v = .int(f.column.id == "decisions" ? Int64.random(in: 0...25000, using: &rng) : small(40))
            }
            truth[f.id] = v
        }
        if version == .v2021 {
            for row in ["rules", "normative"] {
                // Stock holds: in force ≥ issued.
                if case .int(let issued) = truth["s2.\(row).issued"]!, case .int(let inForce) = truth["s2.\(row).in_force"]!, inForce < issued {
                    truth["s2.\(row).in_force"] = .int(issued + inForce)
                }
            }
        }

        // Section 3: leaf outcomes per applicant column, then totals and the balance.
        let leafRows = form.s3Rows.filter { $0.versions.contains(version) && !["new", "carried_in", "total", "carried_out"].contains($0.id) }.map(\.id)
        let outcomeRows = version == .v2019 ? leafRows + ["other"] : leafRows
        let applicantColumns = form.s3Columns.dropLast().map(\.id)
        for c in applicantColumns {
            var total: Int64 = 0
            for r in outcomeRows {
                let v = c == "person" ? small(30) : small(3)
                truth["s3.\(r).\(c)"] = .int(v)
                total += v
            }
            truth["s3.total.\(c)"] = .int(total)
            let carriedOut = small(3), carriedIn = min(small(3), total + carriedOut)
            truth["s3.carried_out.\(c)"] = .int(carriedOut)
            truth["s3.carried_in.\(c)"] = .int(carriedIn)
            truth["s3.new.\(c)"] = .int(total + carriedOut - carriedIn)
        }
        for r in outcomeRows + ["new", "carried_in", "total", "carried_out"] {
            var sum: Int64 = 0
            for c in applicantColumns { if case .int(let v) = truth["s3.\(r).\(c)"]! { sum += v } }
            truth["s3.\(r).total"] = .int(sum)
        }
        // Section 4: each group's total is the sum of its four results.
        for g in form.s4Groups {
            var sum: Int64 = 0
            for c in ["upheld", "corrected", "other", "pending"] {
                let v = small(4)
                truth["s4.\(g.id).\(c)"] = .int(v)
                sum += v
            }
            truth["s4.\(g.id).total"] = .int(sum)
        }
        for (id, v) in truth where v == .int(0) && (id.hasPrefix("s3.") || id.hasPrefix("s2.")) { zeroCells.append(id) }

        // Inconsistencies, on request: a broken leaf cell or a broken section-4 total.
        var injected: [(String, String)] = []
        if inject {
            if chance(0.5) {
                let r = pick(["granted", "partial", "withheld_third_party", "unavailable_not_held"])
                let c = pick(applicantColumns)
                if case .int(let v) = truth["s3.\(r).\(c)"]! { truth["s3.\(r).\(c)"] = .int(v + 1 + small(5)) }
                injected = [("s3.row-total", r), ("s3.outcomes", c)]
            } else {
                let g = pick(form.s4Groups.map(\.id))
                if case .int(let v) = truth["s4.\(g).total"]! { truth["s4.\(g).total"] = .int(v + 1) }
                injected = [("s4.totals", g)]
            }
        }

        // Blank cells: some zeros are printed as nothing ("/" or "—" declare them empty).
        // Space-aligned and PDF text lose blank cells' positions, so they keep every zero.
        var blankMark: [String: String] = [:]
        if layout != .spaceAligned && layout != .pdfText && chance(0.3) {
            let marks = ["", "", "/", "—"]
            for id in zeroCells.sorted() where chance(0.25) && !injected.contains(where: { id.contains($0.1) }) {
                blankMark[id] = pick(marks)
                truth[id] = .null
            }
        }

        var writer = ReportWriter(version: version, layout: layout, rng: rng, truth: truth, blankMark: blankMark)
        let text = writer.write(org: org, year: year, injectedNarrative: false)
        let expectedFindings = writer.expectedFindings
        rng = writer.rng
        let name = String(format6(index)) + "-" + layout.rawValue + "-" + version.rawValue + (layout.isHTML ? ".html" : ".txt")
        return SyntheticReport(fileName: name, text: text, org: org, year: year, version: version, layout: layout,
                               truth: truth, injected: injected.map { (rule: $0.0, column: $0.1) },
                               expectedFindings: expectedFindings)
    }

    private func format6(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }
}
