import Foundation

/// What one item asks of a model.
public enum ItemRequest: Sendable, Equatable {
    case loglikelihood(LoglikelihoodRequest)
    case generation(GenerationRequest)
    case perplexity(text: String, context: Int)
}

/// An item ready to send to a model, with what scoring its answer needs.
public struct PreparedItem: Sendable {
    public var id: String
    public var subject: String?
    public var request: ItemRequest
    /// The prompt as recorded in items.jsonl.
    public var prompt: String
    public var choice: MultipleChoiceItem?
    public var text: TextItem?
    /// Everything besides the model that decides the answer (prompt, continuations, limits):
    /// part of the cache key, so a changed template is scored again.
    public var fingerprint: String
}

/// A task's items after loading, shots and `--limit`, with the problems the loader reported.
public struct PreparedTask: Sendable {
    public var spec: TaskSpec
    public var name: String { spec.name }
    public var items: [PreparedItem]
    public var problems: [ItemProblem]
    public var shots: Int
    /// Multiple choice tasks: the prompt settings.
    public var prompt: MultipleChoicePrompt?
}
