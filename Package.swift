// swift-tools-version:6.0
// Vernacular: from raw text in a low-resource language to a trained, evaluated, served LLM.
import PackageDescription

let package = Package(
    name: "Vernacular",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vern", targets: ["vern"]),
        .library(name: "VernacularCore", targets: ["VernacularCore"]),
        .library(name: "VernacularWeights", targets: ["VernacularWeights"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries from Debian's -dev packages (installed by scripts/bootstrap.sh).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd"),
        .systemLibrary(name: "CZlib"),

        // Documents, compressed streams, pipeline specs and the resumable shard runner.
        .target(
            name: "VernacularCore",
            dependencies: ["CZstd", "CZlib", .product(name: "Yams", package: "Yams")]
        ),
        // Text normalisation stages.
        .target(name: "VernacularText", dependencies: ["VernacularCore"]),
        // Readers that turn sources (corpora, dumps, subtitles, ...) into documents.
        .target(name: "VernacularIngest", dependencies: ["VernacularCore"]),
        // Model weight files (GGUF, safetensors): memory-mapped readers and CPU dequantisation.
        .target(name: "VernacularWeights"),

        .executableTarget(
            name: "vern",
            dependencies: [
                "VernacularCore", "VernacularText", "VernacularIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "VernacularCoreTests", dependencies: ["VernacularCore"]),
        .testTarget(name: "VernacularTextTests", dependencies: ["VernacularText"]),
        .testTarget(name: "VernacularIngestTests", dependencies: ["VernacularIngest"]),
        .testTarget(name: "VernTests", dependencies: ["VernacularCore"]),
        .testTarget(
            name: "VernacularWeightsTests",
            dependencies: ["VernacularWeights"],
            resources: [.copy("Fixtures")]
        ),
    ],
    cxxLanguageStandard: .cxx20
)
