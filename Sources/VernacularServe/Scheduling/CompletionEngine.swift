import Foundation
import VernacularModels

/// What the HTTP side needs from a model: prompts in its format and a place to submit work.
/// The server's routes are written against this, so tests of the HTTP layer can use a small fake.
public protocol CompletionEngine: Sendable {
    /// The id `/v1/models` lists and requests name in `model`.
    var modelID: String { get }
    /// Tokens of a chat in the model's chat format, ending where the assistant's turn begins.
    func promptTokens(chat: [ChatMessage]) -> [Int]
    /// Tokens of a plain prompt (with BOS when the tokenizer adds one).
    func promptTokens(text: String) -> [Int]
    /// Queues a generation; throws `OpenAIError` when overloaded or shutting down.
    func submit(_ request: GenerationRequest) throws -> GenerationStream
    var queueDepth: Int { get }
    var busySlots: Int { get }
    var slots: Int { get }
    /// Stops taking requests and waits for those running and queued.
    func shutdown()
}

/// A loaded model behind the continuous-batching scheduler.
public final class ModelEngine: CompletionEngine, @unchecked Sendable {
    // @unchecked: the loaded model is immutable, the scheduler is thread-safe.
    public let loaded: LoadedModel
    public let scheduler: BatchScheduler
    public let modelID: String

    public init(loaded: LoadedModel, modelID: String, configuration: BatchScheduler.Configuration,
                onFinish: @escaping @Sendable (GenerationSummary) -> Void = { _ in }) {
        self.loaded = loaded
        self.modelID = modelID
        scheduler = BatchScheduler(model: loaded, configuration: configuration, onFinish: onFinish)
    }

    public func promptTokens(chat: [ChatMessage]) -> [Int] { Generator(loaded).chatPrompt(chat) }

    public func promptTokens(text: String) -> [Int] {
        loaded.tokenizer.encode(text, addSpecialTokens: true).map(Int.init)
    }

    public func submit(_ request: GenerationRequest) throws -> GenerationStream { try scheduler.submit(request) }
    public var queueDepth: Int { scheduler.queueDepth }
    public var busySlots: Int { scheduler.busySlots }
    public var slots: Int { scheduler.configuration.slots }
    public func shutdown() { scheduler.shutdown() }
}

/// Holds the engine once the model has loaded; until then the API answers 503 and `/health`
/// reports loading, as llama-server does.
public final class ModelHost: @unchecked Sendable {
    // @unchecked: the one mutable field is behind the lock.
    private let lock = NSLock()
    private var current: (any CompletionEngine)?

    public init(engine: (any CompletionEngine)? = nil) { current = engine }

    public func setEngine(_ engine: any CompletionEngine) { lock.withLock { current = engine } }
    public var engine: (any CompletionEngine)? { lock.withLock { current } }

    /// The engine, or 503 while the model is loading.
    public func requireEngine() throws -> any CompletionEngine {
        guard let engine else { throw OpenAIError.unavailable("The model is still loading.") }
        return engine
    }
}
