import Foundation

/// results.json: every figure, the settings that produced it and the tool's version.
public struct EvalResults: Sendable, Codable {
    public var tool = "vern eval"
    public var version: String
    public var created: String
    public var settings: EvalSettings
    public var models: [ModelEntry]
    public var tasks: [TaskResult]

    public struct ModelEntry: Sendable, Codable, Equatable {
        public var name: String
        /// Path and file identity: what the cache keys on.
        public var key: String
    }
}

/// The run's settings as given.
public struct EvalSettings: Sendable, Codable, Equatable {
    public var tasks: [TaskSpec]
    public var limit: Int?
    public var shots: Int

    public init(tasks: [TaskSpec], limit: Int? = nil, shots: Int = 0) {
        self.tasks = tasks
        self.limit = limit
        self.shots = shots
    }
}

/// One model's figures on one task.
public struct TaskResult: Sendable, Codable {
    public var task: String
    public var kind: TaskKind
    public var path: String
    public var options: [String: String]
    public var model: String
    /// How the figures were computed, in words (multiple choice: log-likelihood, not generation).
    public var method: String
    public var shots: Int
    public var prompt: MultipleChoicePrompt?
    /// Items scored.
    public var items: Int
    /// Of those, answered now rather than read from the cache.
    public var scoredNow: Int
    public var seconds: Double
    /// Items refused by the loader, by file and item.
    public var problems: [ItemProblem]
    /// Figures by name: acc, acc_norm (multiple choice), exact_match, chrf, bleu, share_yue...
    public var metrics: [String: Double]
    public var subjects: [SubjectResult]

    enum CodingKeys: String, CodingKey {
        case task, kind, path, options, model, method, shots, prompt, items, seconds, problems, metrics, subjects
        case scoredNow = "scored_now"
    }
}

/// Multiple choice figures of one subject.
public struct SubjectResult: Sendable, Codable, Equatable {
    public var subject: String
    public var items: Int
    public var acc: Double
    public var accNorm: Double

    enum CodingKeys: String, CodingKey {
        case subject, items, acc
        case accNorm = "acc_norm"
    }
}
