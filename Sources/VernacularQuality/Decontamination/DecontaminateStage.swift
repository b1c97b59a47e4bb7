import VernacularCore
import VernacularText

/// Options of the `decontaminate` stage.
public struct DecontaminateConfig: Sendable, Codable, Equatable, KnownKeys {
    public enum Action: String, Sendable, Codable { case drop, flag }

    /// Evaluation sets (.jsonl, .json, .csv), relative to the working directory.
    public var benchmarks: [String]
    /// `drop` removes contaminated documents; `flag` keeps them with `meta.contamination`.
    public var action: Action
    /// Unit n-gram length: 13 (GPT-3's choice) is about six to eight Cantonese words.
    public var n: Int
    /// Fields of each item holding its text.
    public var fields: [String]
    /// Fields shorter than n units are matched whole from this many units up.
    public var minItemUnits: Int

    /// Compare documents and evaluation items after the same normalisation (the normalize
    /// stage's defaults: Unicode NFC, widths, Hong Kong Traditional forms), so that a copy
    /// differing only in script or variant forms (Simplified, 說/説, 搵/揾) still matches. The
    /// documents themselves are not changed.
    public var matchNormalized: Bool

    public init(benchmarks: [String] = [], action: Action = .drop, n: Int = 13,
                fields: [String] = ["question", "choices"], minItemUnits: Int = 8, matchNormalized: Bool = true) {
        self.benchmarks = benchmarks
        self.action = action
        self.n = n
        self.fields = fields
        self.minItemUnits = minItemUnits
        self.matchNormalized = matchNormalized
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case benchmarks, action, n, fields, minItemUnits = "min_item_units", matchNormalized = "match_normalized"
    }
    public static var knownKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let d = DecontaminateConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        benchmarks = try c.decodeIfPresent([String].self, forKey: .benchmarks) ?? d.benchmarks
        action = try c.decodeIfPresent(Action.self, forKey: .action) ?? d.action
        n = try c.decodeIfPresent(Int.self, forKey: .n) ?? d.n
        fields = try c.decodeIfPresent([String].self, forKey: .fields) ?? d.fields
        minItemUnits = try c.decodeIfPresent(Int.self, forKey: .minItemUnits) ?? d.minItemUnits
        matchNormalized = try c.decodeIfPresent(Bool.self, forKey: .matchNormalized) ?? d.matchNormalized
        guard !benchmarks.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .benchmarks, in: c, debugDescription: "must list at least one evaluation file")
        }
        guard n >= 2, (1...n).contains(minItemUnits) else {
            throw DecodingError.dataCorruptedError(forKey: .n, in: c, debugDescription: "need n >= 2 and 1 <= min_item_units <= n")
        }
        guard !fields.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .fields, in: c, debugDescription: "must name at least one field")
        }
    }
}

/// Counter names of the `decontaminate` stage.
public enum DecontaminateCounter {
    public static let contaminated = "contaminated_documents"
    /// Per benchmark: `contaminated_<benchmark>`.
    public static func benchmark(_ name: String) -> String { "contaminated_\(name)" }
}

/// Drops (or flags) documents that contain text of an evaluation item, naming the item, so that
/// scores on those benchmarks measure the model and not its memory.
public struct DecontaminateStage: Stage {
    public let name = "decontaminate"
    public let config: DecontaminateConfig
    public let index: BenchmarkIndex
    /// The normalisation documents are compared under (the index holds items normalised the
    /// same way); nil compares texts as they are.
    let matching: NormalizeStage?

    public init(config: DecontaminateConfig, index: BenchmarkIndex, matching: NormalizeStage? = nil) {
        self.config = config
        self.index = index
        self.matching = matching
    }

    /// Builds the index from the configured files.
    public init(config: DecontaminateConfig) throws {
        // Compared in one script and one set of variant forms (s2hk folds Simplified, standard
        // Traditional and Hong Kong variants alike), whatever the normalize stage's default.
        let matching = config.matchNormalized ? try NormalizeStage(config: NormalizeConfig(opencc: .s2hk)) : nil
        var index = BenchmarkIndex(n: config.n, minItemUnits: config.minItemUnits)
        for path in config.benchmarks {
            try index.load(path: path, fields: config.fields) { text in try matching?.normalize(text).0 ?? text }
        }
        self.init(config: config, index: index, matching: matching)
    }

    public func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        let text = try matching?.normalize(document.text).0 ?? document.text
        guard let item = index.firstMatch(in: text) else { return .keep }
        counters.add(DecontaminateCounter.contaminated)
        counters.add(DecontaminateCounter.benchmark(item.benchmark))
        switch config.action {
        case .drop:
            return .drop(DropReason("benchmark_overlap", detail: item.description))
        case .flag:
            document.meta["contamination"] = .string(item.description)
            return .keep
        }
    }
}
