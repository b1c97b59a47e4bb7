import Foundation
import VernacularEngine
import VernacularModels

/// Continuous batching over a fixed set of slots. One thread owns the model: each turn it drops
/// cancelled requests, moves waiting requests into free slots, processes one chunk of each new
/// slot's prompt, then runs one decoding step for every slot past its prompt together (`LanguageModel.decodeStep`: the weights
/// are read once for all of them). A request joins at the next step and leaves as soon as it
/// ends; each slot has its own KV cache, sampler and text state. Requests past the slots wait in
/// a bounded queue; past that, `submit` refuses them.
public final class BatchScheduler: @unchecked Sendable {
    // @unchecked: `queue`, `busy` and `state` are guarded by `condition`; `active` and the model are
    // touched only by the scheduler thread.

    public struct Configuration: Sendable {
        /// Sequences decoded together.
        public var slots: Int
        /// Requests allowed to wait for a slot.
        public var maxQueue: Int
        /// Prompt tokens per forward pass (bounds memory and how long one prompt holds the others).
        public var prefillChunk: Int

        public init(slots: Int = 4, maxQueue: Int = 64, prefillChunk: Int = 256) {
            self.slots = max(1, slots)
            self.maxQueue = max(0, maxQueue)
            self.prefillChunk = max(1, prefillChunk)
        }
    }

    public let configuration: Configuration
    let loaded: LoadedModel
    private let stopTokens: Set<Int>
    private let onFinish: @Sendable (GenerationSummary) -> Void

    private let condition = NSCondition()
    private var queue: BoundedQueue<GenerationJob>
    private var busy = 0
    private enum State { case running, draining, stopped }
    private var state = State.running
    private var active: [Slot] = []
    private let finished = DispatchSemaphore(value: 0)
    /// Decoding steps run, and sequences decoded in them (their ratio is the mean batch size).
    private var steps = 0, stepRows = 0

    /// Starts the scheduler thread. `onFinish` is called (on that thread) for every request that ends.
    public init(model: LoadedModel, configuration: Configuration = Configuration(),
                onFinish: @escaping @Sendable (GenerationSummary) -> Void = { _ in }) {
        loaded = model
        self.configuration = configuration
        self.onFinish = onFinish
        stopTokens = model.stopTokenIDs
        queue = BoundedQueue(capacity: configuration.maxQueue + configuration.slots)
        let thread = Thread { [self] in run() }
        thread.name = "vern-scheduler"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Requests waiting for a slot.
    public var queueDepth: Int { condition.withLock { queue.count } }
    /// Slots decoding a request.
    public var busySlots: Int { condition.withLock { busy } }
    /// Mean sequences per decoding step so far.
    public var meanBatchSize: Double { condition.withLock { steps == 0 ? 0 : Double(stepRows) / Double(steps) } }

    /// Queues a generation. Throws `OpenAIError.overloaded` when every slot is busy and the queue
    /// is full, and `.unavailable` once shutdown has begun.
    public func submit(_ request: GenerationRequest) throws -> GenerationStream {
        let flag = CancellationFlag()
        let (events, continuation) = AsyncThrowingStream.makeStream(of: GenerationEvent.self, throwing: (any Error).self)
        let job = GenerationJob(request: request, continuation: continuation, flag: flag)
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination { flag.cancel() }
            self?.condition.withLock { self?.condition.signal() }
        }
        try condition.withLock {
            guard state == .running else { throw OpenAIError.unavailable("The server is shutting down.") }
            guard busy + queue.count < configuration.slots + configuration.maxQueue, queue.push(job) else {
                throw OpenAIError.overloaded(queue: queue.count)
            }
            condition.signal()
        }
        return GenerationStream(events: events, flag: flag)
    }

    /// Stops taking requests, lets those running and waiting finish, then ends the thread.
    public func shutdown() {
        condition.withLock {
            if state == .running { state = .draining }
            condition.signal()
        }
        finished.wait()
        finished.signal()   // a second caller returns at once
    }

    // MARK: the scheduler thread

    private final class Slot {
        let job: GenerationJob
        let cache: KVCache
        var sampler: Sampler
        var history: [Int]
        var text: CompletionText
        var generated = 0
        /// Prompt tokens processed so far; decoding starts when all are.
        var prefilled = 0
        var decoding = false
        var nextToken = 0
        var timeToFirstToken: Double?

        init(job: GenerationJob, loaded: LoadedModel) {
            self.job = job
            cache = loaded.model.newCache()
            sampler = Sampler(job.request.sampling)
            history = job.request.prompt
            text = CompletionText(tokenizer: loaded.tokenizer, stops: job.request.stop)
        }
    }

    private func run() {
        while true {
            condition.lock()
            while active.isEmpty, queue.isEmpty, state == .running { condition.wait() }
            if state != .running, active.isEmpty, queue.isEmpty {
                state = .stopped
                condition.unlock()
                break
            }
            let dropped = queue.removeAll { $0.flag.isCancelled }
            var admitted: [GenerationJob] = []
            while active.count + admitted.count < configuration.slots, let job = queue.pop() { admitted.append(job) }
            busy = active.count + admitted.count
            condition.unlock()

            for job in dropped { end(job, GenerationSummary(finishReason: .cancelled, promptTokens: job.request.prompt.count, completionTokens: 0)) }
            for job in admitted {
                if job.flag.isCancelled {
                    end(job, GenerationSummary(finishReason: .cancelled, promptTokens: job.request.prompt.count, completionTokens: 0))
                } else {
                    active.append(Slot(job: job, loaded: loaded))
                }
            }
            active.removeAll { slot in
                guard slot.job.flag.isCancelled else { return false }
                finish(slot, .cancelled)
                return true
            }
            // One prompt chunk for each slot still reading its prompt, so that a long prompt
            // delays the others' next token by one chunk, not by the whole prompt.
            active.removeAll { slot in !slot.decoding && !prefillChunk(slot) }
            if active.contains(where: \.decoding) { step() }
            condition.withLock { busy = active.count }
        }
        finished.signal()
    }

    /// Processes the next chunk of a slot's prompt; after the last, samples the first token.
    /// False when the request has ended (failed, or finished at its first token).
    private func prefillChunk(_ slot: Slot) -> Bool {
        let prompt = slot.job.request.prompt
        do {
            guard !prompt.isEmpty else { throw EngineError("the prompt has no tokens") }
            let end = min(slot.prefilled + configuration.prefillChunk, prompt.count)
            let chunk = try MLXArray(ints: prompt[slot.prefilled..<end].map(Int32.init), [1, end - slot.prefilled])
            let logits = try loaded.model(chunk, cache: slot.cache, lastOnly: true)
            try logits.eval()
            slot.prefilled = end
            guard end == prompt.count else { return true }
            slot.decoding = true
            return accept(slot, token: slot.sampler.sample(logits: try logits.asFloats(), history: slot.history))
        } catch {
            fail(slot.job, error)
            return false
        }
    }

    /// One decoding step for every active slot, batched; a failure falls back to one slot at a
    /// time so that only the slot at fault ends.
    private func step() {
        let waiting = active.filter { !$0.decoding }
        active = active.filter(\.decoding)
        defer { active += waiting }
        let vocabulary = loaded.model.vocabularySize
        var rows: [[Float]?]
        do {
            let logits = try loaded.model.decodeStep(tokens: active.map(\.nextToken), caches: active.map(\.cache)).asFloats()
            rows = (0..<active.count).map { Array(logits[$0 * vocabulary..<($0 + 1) * vocabulary]) }
        } catch {
            rows = active.map { slot in
                do {
                    return try loaded.model.decodeStep(tokens: [slot.nextToken], caches: [slot.cache]).asFloats()
                } catch {
                    fail(slot.job, error)
                    return nil
                }
            }
        }
        condition.withLock {
            steps += 1
            stepRows += active.count
        }
        var keep: [Slot] = []
        for (slot, row) in zip(active, rows) {
            guard let row else { continue }
            if accept(slot, token: slot.sampler.sample(logits: row, history: slot.history)) { keep.append(slot) }
        }
        active = keep
    }

    /// Takes a sampled token: sends the text it completes; false when the request has ended.
    private func accept(_ slot: Slot, token: Int) -> Bool {
        slot.generated += 1
        if slot.timeToFirstToken == nil { slot.timeToFirstToken = slot.job.secondsSinceSubmission }
        if !slot.job.request.ignoreEOS, stopTokens.contains(token) {
            finish(slot, .stop)
            return false
        }
        slot.history.append(token)
        let output = slot.text.append(token)
        if !output.ready.isEmpty { slot.job.continuation.yield(.text(output.ready)) }
        if output.stopped {
            finish(slot, .stop, flush: false)
            return false
        }
        if slot.generated >= slot.job.request.maxTokens {
            finish(slot, .length)
            return false
        }
        slot.nextToken = token
        return true
    }

    private func finish(_ slot: Slot, _ reason: FinishReason, flush: Bool = true) {
        if flush, reason != .cancelled {
            let rest = slot.text.finish()
            if !rest.isEmpty { slot.job.continuation.yield(.text(rest)) }
        }
        end(slot.job, GenerationSummary(finishReason: reason, promptTokens: slot.job.request.prompt.count,
                                        completionTokens: slot.generated, timeToFirstToken: slot.timeToFirstToken))
    }

    private func end(_ job: GenerationJob, _ summary: GenerationSummary) {
        job.continuation.yield(.finished(summary))
        job.continuation.finish()
        onFinish(summary)
    }

    private func fail(_ job: GenerationJob, _ error: any Error) {
        job.continuation.finish(throwing: OpenAIError.internalError("generation failed: \(error)"))
        onFinish(GenerationSummary(finishReason: .cancelled, promptTokens: job.request.prompt.count, completionTokens: 0))
    }
}
