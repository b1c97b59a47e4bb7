import Foundation
import VernacularModels

/// What a client asked the engine to generate: prompt tokens and options, already validated.
public struct GenerationRequest: Sendable {
    public var prompt: [Int]
    public var maxTokens: Int
    public var sampling: SamplingParameters
    public var stop: [String]
    /// Keep going past end-of-sequence tokens (fixed-length benchmarks).
    public var ignoreEOS: Bool

    public init(prompt: [Int], maxTokens: Int, sampling: SamplingParameters, stop: [String] = [], ignoreEOS: Bool = false) {
        self.ignoreEOS = ignoreEOS
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stop = stop
    }
}

/// How a generation ended, with its counts.
public struct GenerationSummary: Sendable, Equatable {
    public var finishReason: FinishReason
    public var promptTokens: Int
    public var completionTokens: Int
    /// From submission to the first generated token (queueing and prompt processing included).
    public var timeToFirstToken: Double?
}

/// What the engine sends back while it generates.
public enum GenerationEvent: Sendable, Equatable {
    /// Text safe to send (whole characters, nothing of a stop sequence).
    case text(String)
    case finished(GenerationSummary)
}

/// A flag the HTTP side raises when its client goes away; the scheduler reads it every step.
public final class CancellationFlag: @unchecked Sendable {
    // @unchecked: the one mutable field is behind the lock.
    private let lock = NSLock()
    private var cancelled = false
    public init() {}
    public func cancel() { lock.withLock { cancelled = true } }
    public var isCancelled: Bool { lock.withLock { cancelled } }
}

/// The events of one submitted generation. Dropping the stream, or calling `cancel`, stops the
/// generation at the scheduler's next step.
public struct GenerationStream: AsyncSequence, Sendable {
    public typealias Element = GenerationEvent
    let events: AsyncThrowingStream<GenerationEvent, any Error>
    public let flag: CancellationFlag

    public init(events: AsyncThrowingStream<GenerationEvent, any Error>, flag: CancellationFlag) {
        self.events = events
        self.flag = flag
    }

    public func cancel() { flag.cancel() }
    public func makeAsyncIterator() -> AsyncThrowingStream<GenerationEvent, any Error>.AsyncIterator {
        events.makeAsyncIterator()
    }
}

/// A request inside the scheduler: its options, where its events go, and whether it is wanted.
final class GenerationJob: @unchecked Sendable {
    // @unchecked: only the scheduler thread touches the job after submission; the continuation
    // and the flag are thread-safe.
    let request: GenerationRequest
    let continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation
    let flag: CancellationFlag
    let submitted = DispatchTime.now().uptimeNanoseconds

    init(request: GenerationRequest, continuation: AsyncThrowingStream<GenerationEvent, any Error>.Continuation,
         flag: CancellationFlag) {
        self.request = request
        self.continuation = continuation
        self.flag = flag
    }

    var secondsSinceSubmission: Double { Double(DispatchTime.now().uptimeNanoseconds - submitted) / 1e9 }
}
