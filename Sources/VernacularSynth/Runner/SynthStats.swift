import Foundation
import VernacularCore

/// `DIR/stats.json` of a synthesis job: what is finished, what it cost, what this run did.
public struct SynthStats: Sendable, Codable, Equatable {
    public var kind = "synth"
    public var task: String
    public var model: String
    public var endpoint: String
    public var template: String
    public var items: Int
    public var shards: Int
    public var shardsFinished: Int
    /// Items with no answer yet (failed requests, spent budget): the next run asks them again.
    public var itemsUnfinished: Int
    public var kept: Int
    public var rejected: [String: Int]
    /// Tokens of all answers behind the finished shards.
    public var promptTokens: Int
    public var completionTokens: Int
    public var estimatedCostUSD: Double?
    public var lastRun: RunAccounting
    public var failures: [FailureSample]

    /// What the last invocation sent and received.
    public struct RunAccounting: Sendable, Codable, Equatable {
        public var requests: Int
        public var retries: Int
        public var cacheHits: Int
        public var errors: [String: Int]
        public var promptTokens: Int
        public var completionTokens: Int
        public var seconds: Double
        public var estimatedCostUSD: Double?

        enum CodingKeys: String, CodingKey {
            case requests, retries, errors, seconds
            case cacheHits = "cache_hits", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
            case estimatedCostUSD = "estimated_cost_usd"
        }
    }

    /// One item that got no answer, with why (the first few).
    public struct FailureSample: Sendable, Codable, Equatable {
        public var id: String
        public var error: String
    }

    enum CodingKeys: String, CodingKey {
        case kind, task, model, endpoint, template, items, shards, kept, rejected, failures
        case shardsFinished = "shards_finished", itemsUnfinished = "items_unfinished"
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case estimatedCostUSD = "estimated_cost_usd", lastRun = "last_run"
    }

    public var isComplete: Bool { shardsFinished == shards }

    /// Reads DIR/stats.json if it is a synthesis job's.
    public static func read(folder: String) -> SynthStats? {
        guard let stats = try? AtomicJSONFile.read(SynthStats.self, from: folder + "/stats.json"), stats.kind == "synth" else { return nil }
        return stats
    }
}

/// Per-million-token prices, for the cost estimate.
public struct TokenPrices: Sendable, Equatable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }

    public func cost(prompt: Int, completion: Int) -> Double {
        (Double(prompt) * promptPerMillion + Double(completion) * completionPerMillion) / 1_000_000
    }
}
