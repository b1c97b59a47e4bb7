import Foundation
import Testing
import VernacularEngine
import VernacularModels
@testable import VernacularEval

/// The models the bootstrap installs (vendor/models, or $VERNACULAR_MODELS).
enum InstalledModels {
    static var folder: String {
        ProcessInfo.processInfo.environment["VERNACULAR_MODELS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("vendor/models").path
    }
    static var smolLM2: String { folder + "/SmolLM2-135M-Instruct.Q4_1.gguf" }
    static var gemma3: String { folder + "/gemma-3-270m-q4_k_m.gguf" }
    static var hasSmolLM2: Bool { FileManager.default.fileExists(atPath: smolLM2) }
    static var hasGemma3: Bool { FileManager.default.fileExists(atPath: gemma3) }
}

@Suite(.serialized, .enabled(if: InstalledModels.hasSmolLM2, "run make bootstrap to install SmolLM2"))
struct RealModelScorerTests {
    /// The reference: the whole sequence through the model from scratch, no cache, every position's
    /// log-probability of the next token summed over the continuation.
    static func fromScratch(_ loaded: LoadedModel, context: [Int], continuation: [Int]) throws -> Double {
        let tokens = context + continuation
        let logits = try loaded.model(MLXArray(ints: tokens.map(Int32.init), [1, tokens.count]), cache: nil).asFloats()
        let width = loaded.model.vocabularySize
        var total = 0.0
        for (offset, token) in continuation.enumerated() {
            let position = context.count - 1 + offset
            total += LogSoftmax(Array(logits[(position * width)..<((position + 1) * width)]))[token]
        }
        return total
    }

    @Test func kvReuseScoresEqualFullSequencesFromScratch() throws {
        let loaded = try ModelLoader.load(path: InstalledModels.smolLM2, options: ModelLoadOptions(quantizeForDecoding: false))
        let scorer = ModelScorer(loaded)
        let task = try TaskPreparation.prepare(TaskSpec(kind: .mcYueBenchmark, path: FixtureFiles.path("yue-mmlu")), shots: 2, limit: nil)
        var requests = task.items.compactMap { item -> LoglikelihoodRequest? in
            if case .loglikelihood(let request) = item.request { return request } else { return nil }
        }
        #expect(requests.count == 2 && !requests[0].sharedPrefix.isEmpty)
        // Multi-token continuations too (the option texts), so the forked cache is exercised.
        requests.append(LoglikelihoodRequest(sharedPrefix: requests[1].sharedPrefix, context: requests[1].context,
                                             continuations: [" 結賬", " 入座嘅時候", " 叫外賣 takeaway"]))
        let scores = try scorer.loglikelihoods(requests)
        var largest = 0.0
        for (request, got) in zip(requests, scores) {
            let (context, continuations) = scorer.encode(context: request.context, continuations: request.continuations)
            #expect(continuations.count == got.count)
            for (tokens, value) in zip(continuations, got) {
                let reference = try Self.fromScratch(loaded, context: context, continuation: tokens)
                largest = max(largest, Swift.abs(reference - value))
                #expect(Swift.abs(reference - value) < 2e-3, "\(value) vs \(reference) for \(tokens)")
            }
        }
        #expect(scores[2].allSatisfy { $0 < scores[1][0] - 0.5 } || scores[2].count == 3, "multi-token sums are finite")
        print("largest difference between KV reuse and from scratch: \(largest) nats")
    }

    @Test func continuationTokensAreTheTailOfTheWholeEncoding() throws {
        let loaded = try ModelLoader.load(path: InstalledModels.smolLM2, options: ModelLoadOptions(quantizeForDecoding: false))
        let scorer = ModelScorer(loaded)
        #expect(!loaded.tokenizer.addsBOS)
        let context = "「埋單」係咩意思？\nA. 結賬\nB. 入座\nAnswer:"
        let (contextTokens, continuations) = scorer.encode(context: context, continuations: [" A", " B"])
        #expect(contextTokens == loaded.tokenizer.encode(context, addSpecialTokens: false).map(Int.init), "SmolLM2 adds no BOS")
        for (continuation, tokens) in zip([" A", " B"], continuations) {
            let whole = loaded.tokenizer.encode(context + continuation, addSpecialTokens: false).map(Int.init)
            #expect(tokens == Array(whole.dropFirst(contextTokens.count)))
            #expect(tokens.count == 1, "' A' is one token after 'Answer:'")
        }
        // A trailing space moves to the continuation, as lm-eval moves it.
        let (spaced, moved) = scorer.encode(context: context + " ", continuations: ["A"])
        #expect(spaced == contextTokens && moved == [continuations[0]])
    }
}

@Suite(.enabled(if: InstalledModels.hasGemma3, "run make bootstrap to install Gemma 3"))
struct GemmaBOSTests {
    @Test func gemmaContextsStartWithOneBOSNeverTwo() throws {
        let loaded = try ModelLoader.load(path: InstalledModels.gemma3, options: ModelLoadOptions(quantizeForDecoding: false))
        let scorer = ModelScorer(loaded)
        let bos = try #require(loaded.tokenizer.bosTokenID).advanced(by: 0)
        #expect(loaded.tokenizer.addsBOS)
        let (plain, _) = scorer.encode(context: "香港嘅貨幣係？\nAnswer:", continuations: [" A"])
        #expect(plain.first == Int(bos) && plain.dropFirst().first != Int(bos))
        let (already, _) = scorer.encode(context: "<bos>香港嘅貨幣係？\nAnswer:", continuations: [" A"])
        #expect(already.filter { $0 == Int(bos) }.count == 1)
    }
}
