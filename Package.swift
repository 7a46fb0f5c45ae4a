// swift-tools-version:6.0
// Nianbao: a shell for Chinese government information-disclosure annual reports.
//
// Layers, bottom to top: the form (schema and rules) ← ingestion ← corpus ← language ←
// session (all in NianbaoKit, no terminal code) ← the `nianbao` executable with libedit.
import PackageDescription
import Foundation

/// The ingestion library's hot loops (decoding, splitting lines and cells, reading pages) are
/// compiled for Haswell's instructions — AVX2, BMI, POPCNT, LZCNT — when the machine that
/// builds has them: Swift's default x86-64 target is the 2003 one, with no population count
/// and sixteen-byte vectors only: with Haswell's, a load runs 3% fewer instructions and takes
/// 2% less time (sixteen alternating pairs of 100,000-report loads). (A `native` build, with
/// AVX-512 here, ran slower, and valgrind cannot run it.) Other machines, and a build meant
/// for another machine (`NIANBAO_PORTABLE=1`), get the default target.
let fastCPU: [SwiftSetting] = {
    #if arch(x86_64) && os(Linux)
    let haswell = ["avx2", "bmi1", "bmi2", "fma", "movbe", "f16c", "abm", "popcnt", "sse4_2"]
    guard ProcessInfo.processInfo.environment["NIANBAO_PORTABLE"] == nil,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
          Set(haswell).isSubset(of: Set(flags.split(separator: " ").map(String.init)))
    else { return [] }
    return [.unsafeFlags(["-target-cpu", "haswell"])]
    #else
    return []
    #endif
}()

/// The library is compiled with a profile of its own running (LLVM's profile-guided
/// optimisation): which branches go which way and which functions run most, so that the hot
/// paths are laid out straight and the cold ones moved aside. `Scripts/pgo` makes the profile,
/// `Sources/NianbaoKit/PGO/NianbaoKit.profdata`, from an instrumented build loading, querying,
/// checking and exporting a generated corpus (not the benchmark's) and running the golden
/// transcripts; with it a load of the 100,000 benchmark reports takes 7% less time (0.932 of
/// it, sixteen alternating pairs). Release builds only. A function changed since the profile was made is
/// compiled as without it (Scripts/bench says when the sources differ from the profile's).
/// Not with `NIANBAO_NO_PGO=1` (Scripts/pgo's instrumented build), nor with a toolchain
/// before the one the profile was made with: its format is that LLVM's.
let profileGuided: [SwiftSetting] = {
    #if os(Linux) && compiler(>=6.3)
    let profile = Context.packageDirectory + "/Sources/NianbaoKit/PGO/NianbaoKit.profdata"
    guard ProcessInfo.processInfo.environment["NIANBAO_NO_PGO"] == nil,
          FileManager.default.fileExists(atPath: profile)
    else { return [] }
    return [.unsafeFlags(["-Xfrontend", "-ir-profile-use=" + profile], .when(configuration: .release))]
    #else
    return []
    #endif
}()

let package = Package(
    name: "Nianbao",
    products: [
        .executable(name: "nianbao", targets: ["nianbao"]),
        .library(name: "NianbaoKit", targets: ["NianbaoKit"]),
        .executable(name: "nianbao-gen", targets: ["nianbao-gen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibedit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The build id of the running code, which keys the report cache (a header, no library).
        .systemLibrary(name: "CBuildID"),
        // TCMalloc, the executable's memory allocator in place of the C library's: a load
        // makes and frees some fifty blocks a report on each core (its text, lines, cells,
        // findings), and with TCMalloc's per-thread caches a load of the 100,000 bench
        // reports takes 8% less time (0.917 of it, sixteen alternating pairs; preloaded, 0.954
        // and 0.918; the C library's malloc with a larger thread cache or without trimming:
        // 0.99–1.01; jemalloc 1.04, mimalloc 1.02). Peak memory the same (265 MB). Linux only.
        .systemLibrary(
            name: "CTCMalloc",
            pkgConfig: "libtcmalloc_minimal",
            providers: [.apt(["libgoogle-perftools-dev"])]
        ),
        .target(name: "NianbaoKit", dependencies: ["CBuildID"], exclude: ["PGO"], swiftSettings: fastCPU + profileGuided),
        .executableTarget(
            name: "nianbao",
            dependencies: [
                "NianbaoKit",
                "CLibedit",
                .target(name: "CTCMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Synthetic reports with ground truth, for tests, Scripts/gen-corpus and Scripts/bench.
        .target(
            name: "NianbaoSynth",
            dependencies: ["NianbaoKit"]
        ),
        .executableTarget(
            name: "nianbao-gen",
            dependencies: ["NianbaoSynth", "NianbaoKit"]
        ),
        .testTarget(
            name: "NianbaoKitTests",
            dependencies: ["NianbaoKit", "NianbaoSynth"],
            exclude: ["FuzzRegressions"],
            resources: [.copy("Transcripts")]
        ),
    ]
)
