// swift-tools-version:6.0
// Vernacular: from raw text in a low-resource language to a trained, evaluated, served LLM.
import PackageDescription

// MLX comes from the pinned PyPI wheel, unpacked into vendor/ by scripts/bootstrap.sh.
let mlxRoot = Context.packageDirectory + "/vendor/mlx"

let package = Package(
    name: "Vernacular",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vern", targets: ["vern"]),
        .library(name: "VernacularCore", targets: ["VernacularCore"]),
        .library(name: "VernacularLangID", targets: ["VernacularLangID"]),
        .library(name: "VernacularTokenizer", targets: ["VernacularTokenizer"]),
        .library(name: "VernacularWeights", targets: ["VernacularWeights"]),
        .library(name: "VernacularDedup", targets: ["VernacularDedup"]),
        .library(name: "VernacularQuality", targets: ["VernacularQuality"]),
        .library(name: "VernacularPack", targets: ["VernacularPack"]),
        .library(name: "VernacularReport", targets: ["VernacularReport"]),
        .library(name: "VernacularTrain", targets: ["VernacularTrain"]),
        .library(name: "VernacularServe", targets: ["VernacularServe"]),
        .library(name: "VernacularEval", targets: ["VernacularEval"]),
        .library(name: "VernacularSynth", targets: ["VernacularSynth"]),
        .library(name: "VernacularWorkflow", targets: ["VernacularWorkflow"]),
        .library(name: "VernacularCluster", targets: ["VernacularCluster"]),
        .library(name: "VernacularRelease", targets: ["VernacularRelease"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System libraries from Debian's -dev packages (installed by scripts/bootstrap.sh).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd"),
        .systemLibrary(name: "CZlib"),
        .systemLibrary(name: "CBzip2"),
        .systemLibrary(name: "COpenCC", pkgConfig: "opencc"),

        // Documents, compressed streams, pipeline specs and the resumable shard runner.
        .target(
            name: "VernacularCore",
            dependencies: ["CZstd", "CZlib", "CBzip2", .product(name: "Yams", package: "Yams")]
        ),
        // The tensor engine: our C shim over MLX's C++ API, OpenBLAS for MLX's BLAS calls, and the
        // Swift array API that model code sees.
        .target(
            name: "CMLX",
            cxxSettings: [.headerSearchPath("../../vendor/mlx/include"), .unsafeFlags(["-O2"])],
            linkerSettings: [
                .linkedLibrary("mlx"),
                .linkedLibrary("openblas"),
                .unsafeFlags([
                    "-L\(mlxRoot)/lib",
                    "-Xlinker", "-rpath", "-Xlinker", "\(mlxRoot)/lib",
                    "-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/mlx/lib",
                ]),
            ]
        ),
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("openblas"), .linkedLibrary("dl")]),
        .target(name: "VernacularEngine", dependencies: ["CMLX", "COpenBLAS"]),
        // Model architectures, weight loading and inference over the engine.
        .target(name: "VernacularModels", dependencies: ["VernacularCore", "VernacularEngine", "VernacularWeights", "VernacularTokenizer"]),

        // Text normalisation stages.
        .target(name: "VernacularText", dependencies: ["VernacularCore", "COpenCC"]),
        // Readers that turn sources (corpora, dumps, subtitles, ...) into documents.
        .target(name: "VernacularIngest", dependencies: ["VernacularCore"]),
        // Language identification: Cantonese vs Standard Written Chinese, English and mixing.
        .target(
            name: "VernacularLangID",
            dependencies: ["VernacularCore", .product(name: "Yams", package: "Yams")]
        ),
        // BPE tokenizers (byte-level and SentencePiece-style) that match Hugging Face ids.
        .target(name: "VernacularTokenizer", dependencies: ["VernacularWeights"]),
        // Model weight files (GGUF, safetensors): memory-mapped readers and CPU dequantisation.
        .target(name: "VernacularWeights"),
        // Deduplication: exact, MinHash LSH near-duplicates (character n-grams for Han) and
        // repeated lines, in per-shard stages with on-disk sorted runs.
        .target(
            name: "VernacularDedup",
            dependencies: ["VernacularCore", "CMinHash", .product(name: "Yams", package: "Yams")]
        ),
        // MinHash signature kernels (AVX-512, AVX2, scalar), chosen at run time; -O2 even in debug
        // builds, so tests over many signatures stay fast.
        .target(name: "CMinHash", cSettings: [.unsafeFlags(["-O2"])]),
        // Quality: heuristic filters, PII redaction, benchmark decontamination, n-gram language
        // model and the run report.
        .target(
            name: "VernacularQuality",
            dependencies: ["VernacularCore", "VernacularText", .product(name: "Yams", package: "Yams")]
        ),
        // Packing token shards for training: Megatron indexed datasets (.bin/.idx), writer and reader.
        .target(name: "VernacularPack", dependencies: ["VernacularCore", "VernacularTokenizer", "VernacularWeights"]),

        // The run report: one self-contained HTML page (counts, SVG histograms, dropped samples)
        // for a finished `vern run` folder.
        .target(name: "VernacularReport", dependencies: ["VernacularCore"]),

        // Training on our engine: continued pretraining and SFT, LoRA and full, checkpoints, export.
        .target(
            name: "VernacularTrain",
            dependencies: ["VernacularCore", "VernacularEngine", "VernacularModels", "VernacularTokenizer",
                           "VernacularWeights", "VernacularPack"]
        ),

        // Serving: the OpenAI-compatible HTTP API, continuous-batching scheduler and the chat page.
        .target(
            name: "VernacularServe",
            dependencies: ["VernacularCore", "VernacularModels", "VernacularEngine", "VernacularTokenizer",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "NIOCore", package: "swift-nio")]
        ),

        // Evaluation: task loaders per format, log-likelihood scoring with KV reuse, generation
        // tasks, a per-item results cache, results.json / items.jsonl / report.html.
        .target(
            name: "VernacularEval",
            dependencies: ["VernacularCore", "VernacularEngine", "VernacularModels", "VernacularTokenizer",
                           "VernacularLangID", "VernacularReport"]
        ),

        // Synthetic data through any OpenAI-compatible endpoint: a retrying client, a request
        // cache that makes reruns free, translate/persona/instruct jobs, outputs held to the pack's
        // language and quality checks.
        .target(
            name: "VernacularSynth",
            dependencies: ["VernacularCore", "VernacularLangID", "VernacularQuality", "VernacularReport",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "Yams", package: "Yams")]
        ),

        // Whole pipelines: sources, stages, dedup, tokenizer, LM and pack as steps, run on this
        // machine or as chained Slurm jobs.
        .target(name: "VernacularWorkflow", dependencies: ["VernacularCore", .product(name: "Yams", package: "Yams")]),
        // Cluster training with existing engines (NeuronX Distributed Training, torchtitan): the
        // memory and speed plan, the job bundles, the HyperPod environment, and the Slurm launch.
        .target(
            name: "VernacularCluster",
            dependencies: ["VernacularCore", .product(name: "Yams", package: "Yams")]
        ),
        // Releases for the Hugging Face Hub: dataset folders with split shards, model folders,
        // workflow folders, their cards (counts from the run's own records) and the licence check.
        .target(
            name: "VernacularRelease",
            dependencies: ["VernacularCore", "VernacularPack", "VernacularDedup", "VernacularQuality", "VernacularTrain", "VernacularEval",
                           "VernacularReport", "VernacularModels", .product(name: "Yams", package: "Yams")]
        ),

        .executableTarget(
            name: "vern",
            dependencies: [
                "VernacularCore", "VernacularText", "VernacularIngest", "VernacularEngine", "VernacularModels",
                "VernacularLangID", "VernacularDedup", "VernacularQuality", "VernacularPack", "VernacularTokenizer",
                "VernacularReport", "VernacularTrain", "VernacularWeights", "VernacularServe", "VernacularEval",
                "VernacularSynth", "VernacularWorkflow", "VernacularCluster", "VernacularRelease",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "VernacularCoreTests", dependencies: ["VernacularCore"]),
        .testTarget(name: "VernacularTextTests", dependencies: ["VernacularText"]),
        .testTarget(name: "VernacularIngestTests", dependencies: ["VernacularIngest"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VernacularEngineTests", dependencies: ["VernacularEngine"]),
        .testTarget(name: "VernacularModelsTests", dependencies: ["VernacularModels", "VernacularEngine", "VernacularIngest"]),
        .testTarget(name: "VernacularLangIDTests", dependencies: ["VernacularLangID", "VernacularCore"]),
        .testTarget(name: "VernacularDedupTests", dependencies: ["VernacularDedup", "VernacularCore"]),
        .testTarget(name: "VernacularQualityTests", dependencies: ["VernacularQuality", "VernacularCore"]),
        .testTarget(
            name: "VernacularPackTests", dependencies: ["VernacularPack", "VernacularTokenizer", "VernacularCore"],
            exclude: ["Python"], resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "VernacularTrainTests", dependencies: ["VernacularTrain", "VernacularModels", "VernacularEngine", "VernacularTokenizer", "VernacularPack", "VernacularWeights"]),
        .testTarget(
            name: "VernacularServeTests",
            dependencies: ["VernacularServe", "VernacularModels", "VernacularTokenizer", "VernacularEngine",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            exclude: ["Python"]
        ),
        .testTarget(
            name: "VernacularEvalTests",
            dependencies: ["VernacularEval", "VernacularModels", "VernacularLangID", "VernacularCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "VernacularSynthTests",
            dependencies: ["VernacularSynth", "VernacularCore",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        .testTarget(
            name: "VernacularClusterTests",
            dependencies: ["VernacularCluster", "VernacularPack", "VernacularTokenizer", "VernacularCore",
                           .product(name: "Yams", package: "Yams")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "VernacularReleaseTests",
            dependencies: ["VernacularRelease", "VernacularCore", "VernacularTrain", "VernacularModels", "VernacularEngine",
                           "VernacularTokenizer", "VernacularPack"],
            exclude: ["Python"]
        ),
        .testTarget(name: "VernacularReportTests", dependencies: ["VernacularReport", "VernacularCore"]),
        .testTarget(name: "VernTests", dependencies: ["VernacularCore", "VernacularTrain", "VernacularModels", "VernacularPack", "VernacularEngine"]),
        .testTarget(
            name: "VernacularTokenizerTests", dependencies: ["VernacularTokenizer", "VernacularWeights"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "VernacularWeightsTests",
            dependencies: ["VernacularWeights"],
            resources: [.copy("Fixtures")]
        ),
    ],
    cxxLanguageStandard: .cxx20
)
