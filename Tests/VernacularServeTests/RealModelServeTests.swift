import Foundation
import Testing
import VernacularEngine
@testable import VernacularModels
import VernacularTokenizer
@testable import VernacularServe

/// The installed SmolLM2 (vendor/models, or $VERNACULAR_MODELS).
enum ServeTestModel {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var folder: String {
        ProcessInfo.processInfo.environment["VERNACULAR_MODELS"] ?? packageRoot.appendingPathComponent("vendor/models").path
    }
    static var smolLM2: String { folder + "/SmolLM2-135M-Instruct.Q4_1.gguf" }
    static var available: Bool { FileManager.default.fileExists(atPath: smolLM2) }
    nonisolated(unsafe) static var cached: LoadedModel?
    static let lock = NSLock()
    static func load() throws -> LoadedModel {
        try lock.withLock {
            if let cached { return cached }
            EngineProcess.prepare()
            let loaded = try ModelLoader.load(path: smolLM2)
            cached = loaded
            return loaded
        }
    }
}

@Suite(.serialized, .enabled(if: ServeTestModel.available, "run make bootstrap to install SmolLM2"))
struct RealModelServeTests {
    @Test func utf8HoldBackSendsOnlyWholeCharacters() throws {
        let loaded = try ServeTestModel.load()
        let text = "廣東話 mixed with English 😀，係咪？"
        let ids = loaded.tokenizer.encode(text, addSpecialTokens: false).map(Int.init)
        var stream = CompletionText(tokenizer: loaded.tokenizer, stops: [])
        var pieces: [String] = []
        var heldBack = 0
        for id in ids {
            let output = stream.append(id)
            if output.ready.isEmpty { heldBack += 1 } else { pieces.append(output.ready) }
        }
        pieces.append(stream.finish())
        #expect(heldBack > 0, "SmolLM2 splits some of these characters across tokens, so something was held back")
        #expect(pieces.allSatisfy { !$0.contains("\u{FFFD}") }, "no piece carries half a character: \(pieces)")
        #expect(pieces.joined() == text)
        // Cut inside a character: the unfinished bytes are dropped, not sent as U+FFFD.
        let han = loaded.tokenizer.encode("廣", addSpecialTokens: false).map(Int.init)
        try #require(han.count > 1, "廣 takes several byte-level tokens in SmolLM2")
        var cut = CompletionText(tokenizer: loaded.tokenizer, stops: [])
        #expect(cut.append(han[0]).ready.isEmpty)
        #expect(cut.finish().isEmpty)
    }

    @Test func batchedDecodeStepMatchesOneSequenceAtATime() throws {
        let loaded = try ServeTestModel.load()
        let model = loaded.model
        let prompts = ["The capital of France is", "早晨，今日天氣", "def fibonacci(n):"].map {
            loaded.tokenizer.encode($0, addSpecialTokens: true).map(Int.init)
        }
        func prefill(_ prompt: [Int]) throws -> (KVCache, Int) {
            let cache = model.newCache()
            let logits = try model(MLXArray(ints: prompt.map(Int32.init), [1, prompt.count]), cache: cache, lastOnly: true)
            return (cache, Sampler.argmax(try logits.asFloats()))
        }
        var batched = try prompts.map(prefill), single = try prompts.map(prefill)
        let vocabulary = model.vocabularySize
        var largest: Float = 0
        for _ in 0..<12 {
            let together = try model.decodeStep(tokens: batched.map(\.1), caches: batched.map(\.0)).asFloats()
            for row in 0..<prompts.count {
                let alone = try model(MLXArray(ints: [Int32(single[row].1)], [1, 1]), cache: single[row].0, lastOnly: true).asFloats()
                let mine = Array(together[row * vocabulary..<(row + 1) * vocabulary])
                largest = max(largest, zip(mine, alone).map { abs($0 - $1) }.max() ?? 0)
                batched[row].1 = Sampler.argmax(mine)
                single[row].1 = Sampler.argmax(alone)
                #expect(batched[row].1 == single[row].1)
            }
        }
        #expect(largest < 1e-3, "batched and single logits differ by \(largest)")
        #expect(batched.map(\.0.offset) == single.map(\.0.offset))
    }

    @Test func schedulerDecodesSeveralRequestsTogetherWithTheSameAnswers() async throws {
        let loaded = try ServeTestModel.load()
        let scheduler = BatchScheduler(model: loaded, configuration: .init(slots: 3, maxQueue: 8))
        defer { scheduler.shutdown() }
        let generator = Generator(loaded)
        let questions = ["What is the capital of France?", "Name a colour.", "講一句廣東話。", "What is 2 + 2?"]
        func request(_ question: String) -> GenerationRequest {
            GenerationRequest(prompt: generator.chatPrompt([ChatMessage(role: .user, content: question)]), maxTokens: 20,
                              sampling: .greedy)
        }
        // The reference: the plain generator, one request at a time (an unfinished last
        // character, which it shows as U+FFFD, the server drops).
        let expected = try questions.map { question in
            let request = request(question)
            let text = try generator.generate(prompt: request.prompt, parameters: GenerationParameters(maxTokens: 20, sampling: .greedy)).text
            return String(text.reversed().drop { $0 == "\u{FFFD}" }.reversed())
        }
        let streams = try questions.map { try scheduler.submit(request($0)) }
        var answers: [String] = []
        for stream in streams {
            var text = ""
            for try await case .text(let piece) in stream { text += piece }
            answers.append(text)
        }
        #expect(answers == expected)
        #expect(scheduler.meanBatchSize > 1.5, "requests shared decoding steps (mean batch \(scheduler.meanBatchSize))")
    }

    /// A prompt read in chunks gives the logits of the prompt read at once (up to the rounding
    /// of other matrix shapes), and the cache ends at the same position.
    @Test func promptInChunksMatchesThePromptAtOnce() throws {
        let loaded = try ServeTestModel.load()
        let model = loaded.model
        let prompt = Generator(loaded).chatPrompt([ChatMessage(role: .user, content: "講一句廣東話，再用English解釋。")])
        let whole = model.newCache()
        let once = try model(MLXArray(ints: prompt.map(Int32.init), [1, prompt.count]), cache: whole, lastOnly: true).asFloats()
        let chunked = model.newCache()
        var last: [Float] = []
        for start in stride(from: 0, to: prompt.count, by: 7) {
            let piece = prompt[start..<min(start + 7, prompt.count)].map(Int32.init)
            last = try model(MLXArray(ints: piece, [1, piece.count]), cache: chunked, lastOnly: true).asFloats()
        }
        let largest = zip(once, last).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest < 0.05, "chunked and whole-prompt logits differ by \(largest)")
        #expect(Sampler.argmax(once) == Sampler.argmax(last))
        #expect(whole.offset == chunked.offset && whole.offset == prompt.count)
    }

    /// Prompts longer than the prefill chunk are read over several turns while the other slots
    /// keep decoding: every request still finishes, and they share decoding steps.
    @Test func longPromptsAreReadInChunksBetweenDecodingSteps() async throws {
        let loaded = try ServeTestModel.load()
        let scheduler = BatchScheduler(model: loaded, configuration: .init(slots: 3, maxQueue: 8, prefillChunk: 7))
        defer { scheduler.shutdown() }
        let generator = Generator(loaded)
        let questions = ["What is the capital of France?", "Name a colour.", "講一句廣東話。", "What is 2 + 2?"]
        let streams = try questions.map {
            try scheduler.submit(GenerationRequest(prompt: generator.chatPrompt([ChatMessage(role: .user, content: $0)]),
                                                   maxTokens: 16, sampling: .greedy))
        }
        for stream in streams {
            var text = ""
            var summary: GenerationSummary?
            for try await event in stream {
                switch event {
                case .text(let piece): text += piece
                case .finished(let end): summary = end
                }
            }
            #expect(!text.isEmpty)
            #expect(summary?.finishReason == .stop || summary?.finishReason == .length)
        }
        #expect(scheduler.meanBatchSize > 1.5, "requests shared decoding steps (mean batch \(scheduler.meanBatchSize))")
    }

    @Test func cancellingStopsGenerationWithinAStep() async throws {
        let loaded = try ServeTestModel.load()
        let finished = FinishedLog()
        let scheduler = BatchScheduler(model: loaded, configuration: .init(slots: 2, maxQueue: 2)) { finished.add($0) }
        defer { scheduler.shutdown() }
        let prompt = Generator(loaded).chatPrompt([ChatMessage(role: .user, content: "Write a very long story about a dragon.")])
        let stream = try scheduler.submit(GenerationRequest(prompt: prompt, maxTokens: 1000, sampling: SamplingParameters(seed: 1)))
        var pieces = 0
        for try await event in stream {
            if case .text = event { pieces += 1 }
            if pieces == 3 { break }
        }
        stream.cancel()
        let deadline = Date().addingTimeInterval(10)
        while finished.all.isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let summary = try #require(finished.all.first)
        #expect(summary.finishReason == .cancelled)
        #expect(summary.completionTokens < 20, "stopped soon after the client left: \(summary.completionTokens) tokens")
        // The summary is reported as the slot is released, from the scheduler's own thread: wait for both.
        while scheduler.busySlots != 0, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(scheduler.busySlots == 0)
    }

    @Test func ignoreEOSGeneratesExactlyMaxTokens() async throws {
        let loaded = try ServeTestModel.load()
        let scheduler = BatchScheduler(model: loaded, configuration: .init(slots: 1, maxQueue: 1))
        defer { scheduler.shutdown() }
        let prompt = Generator(loaded).chatPrompt([ChatMessage(role: .user, content: "Say yes.")])
        for ignore in [false, true] {
            var summary: GenerationSummary?
            for try await case .finished(let end) in try scheduler.submit(
                GenerationRequest(prompt: prompt, maxTokens: 60, sampling: .greedy, ignoreEOS: ignore)) { summary = end }
            if ignore {
                #expect(summary?.completionTokens == 60 && summary?.finishReason == .length)
            } else {
                #expect(summary?.finishReason == .stop, "a short greedy answer ends by itself")
            }
        }
    }

    @Test func queueBeyondSlotsIsBoundedAndRefusesWith429() throws {
        let loaded = try ServeTestModel.load()
        let scheduler = BatchScheduler(model: loaded, configuration: .init(slots: 1, maxQueue: 2))
        defer { scheduler.shutdown() }
        let prompt = loaded.tokenizer.encode("Once upon a time", addSpecialTokens: true).map(Int.init)
        let long = GenerationRequest(prompt: prompt, maxTokens: 400, sampling: SamplingParameters(seed: 2))
        let held = try (0..<3).map { _ in try scheduler.submit(long) }
        #expect(throws: OpenAIError.self) { try scheduler.submit(long) }
        do {
            _ = try scheduler.submit(long)
        } catch let error as OpenAIError {
            #expect(error.status == .tooManyRequests && error.retryAfter == 1)
        }
        #expect(scheduler.busySlots + scheduler.queueDepth == 3)
        held.forEach { $0.cancel() }
    }
}

final class FinishedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var summaries: [GenerationSummary] = []
    func add(_ summary: GenerationSummary) { lock.withLock { summaries.append(summary) } }
    var all: [GenerationSummary] { lock.withLock { summaries } }
}
