// swift-tools-version:6.0
// Nianbao: a shell for Chinese government information-disclosure annual reports.
//
// Layers, bottom to top: the form (schema and rules) ← ingestion ← corpus ← language ←
// session (all in NianbaoKit, no terminal code) ← the `nianbao` executable with libedit.
import PackageDescription

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
        .target(name: "NianbaoKit", dependencies: ["CBuildID"]),
        .executableTarget(
            name: "nianbao",
            dependencies: [
                "NianbaoKit",
                "CLibedit",
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
