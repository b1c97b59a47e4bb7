import VernacularModels

/// Log-likelihoods of continuations after one context.
public struct LoglikelihoodRequest: Sendable, Equatable {
    /// Text every item of a group starts with (description and shots): its KV cache is computed
    /// once and reused. Empty: none. `context` must start with it.
    public var sharedPrefix: String
    /// The whole context: the shared prefix and the item's own text.
    public var context: String
    public var continuations: [String]

    public init(sharedPrefix: String = "", context: String, continuations: [String]) {
        self.sharedPrefix = sharedPrefix
        self.context = context
        self.continuations = continuations
    }
}

/// Greedy generation after a prompt, until a stop text or the token limit.
public struct GenerationRequest: Sendable, Equatable {
    public var prompt: String
    /// Wrap the prompt as a user turn in the model's chat format.
    public var chat: Bool
    public var maxTokens: Int
    public var stopSequences: [String]

    public init(prompt: String, chat: Bool = false, maxTokens: Int = 256, stopSequences: [String] = []) {
        self.prompt = prompt
        self.chat = chat
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
    }
}

/// What the evaluation asks of a model. The model answers requests and never sees tasks, so a
/// task is scored the same way whatever answers it (tests use a scripted model for the runner).
public protocol EvalModel: AnyObject {
    /// Sum of log-probabilities (nats) of each continuation's tokens, per request, in order.
    func loglikelihoods(_ requests: [LoglikelihoodRequest]) throws -> [[Double]]
    /// The generated text for each request, stop text excluded.
    func generate(_ requests: [GenerationRequest]) throws -> [String]
    /// Perplexity figures of one document, scored in windows of `context` tokens.
    func perplexity(of text: String, context: Int) throws -> PerplexityResult
}
