import Foundation
import Testing
import VernacularEngine
@testable import VernacularModels

@Suite struct SamplerTests {
    let logits: [Float] = [0.1, 3.0, 2.9, -1, 0.5, 2.0]

    @Test func greedyPicksTheLargestLogit() {
        var sampler = Sampler(.greedy)
        #expect(sampler.sample(logits: logits, history: []) == 1)
    }

    @Test func topKKeepsOnlyTheKBest() {
        var sampler = Sampler(SamplingParameters(temperature: 5, topK: 2, topP: 1, minP: 0, seed: 9))
        let drawn = Set((0..<300).map { _ in sampler.sample(logits: logits, history: []) })
        #expect(drawn == [1, 2])
    }

    @Test func minPAndTopPCutTheTail() {
        var sampler = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0.5, seed: 1))
        let drawn = Set((0..<300).map { _ in sampler.sample(logits: logits, history: []) })
        #expect(drawn == [1, 2])  // exp(2.0 - 3.0) = 0.37 < 0.5
        var nucleus = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 0.3, minP: 0, seed: 1))
        #expect(Set((0..<100).map { _ in nucleus.sample(logits: logits, history: []) }) == [1])
    }

    @Test func sameSeedSameTokens() {
        var a = Sampler(SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: 77))
        var b = Sampler(SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: 77))
        #expect((0..<50).map { _ in a.sample(logits: logits, history: []) }
            == (0..<50).map { _ in b.sample(logits: logits, history: []) })
    }

    @Test func repetitionPenaltyDemotesSeenTokens() {
        var sampler = Sampler(SamplingParameters(temperature: 0, topK: 1, repetitionPenalty: 2))
        #expect(sampler.sample(logits: logits, history: [1]) == 2)
    }
}

@Suite struct PerplexityTests {
    func model() throws -> LlamaModel {
        let c = LlamaTests.tinyConfiguration()
        return try LlamaModel(configuration: c, weights: LlamaTests.weights(for: c, seed: 5))
    }

    /// Direct log-softmax over one full forward pass.
    func directLosses(_ model: LlamaModel, _ tokens: [Int]) throws -> [Double] {
        let logits = try model(MLXArray(ints: tokens.map(Int32.init), [1, tokens.count]), cache: nil).asFloats()
        let v = model.vocabularySize
        return (0..<(tokens.count - 1)).map { t in
            let row = logits[(t * v)..<((t + 1) * v)].map(Double.init)
            let top = row.max()!
            let logSum = log(row.map { exp($0 - top) }.reduce(0, +)) + top
            return logSum - row[tokens[t + 1]]
        }
    }

    /// Every token is one byte except 7, which is a two-byte character.
    func bytes(_ token: Int) -> [UInt8] { token == 7 ? [0xE5, 0x98] : [UInt8(65 + token % 26)] }

    @Test func stridedWindowScoresEveryTokenOnceAndMatchesDirectComputation() throws {
        let model = try model()
        let stream = [1, 7, 3, 9, 12, 7, 30, 2, 8]
        let evaluator = PerplexityEvaluator(model: model, context: 16, convention: .strided, bosID: 1, tokenBytes: bytes)
        let result = try evaluator.evaluate(streams: [stream])
        let direct = try directLosses(model, stream)
        #expect(result.tokens == stream.count - 1)
        #expect(Swift.abs(result.negativeLogLikelihood - direct.reduce(0, +)) < 1e-3)
        #expect(result.bytes == 10 && result.chars == 8)
        // Relative: float32 passes by different kernels (cached windows vs one pass) differ in
        // the last bits, and a random model's perplexity is near its vocabulary size.
        let directPerplexity = exp(direct.reduce(0, +) / 8)
        #expect(Swift.abs(result.tokenPerplexity - directPerplexity) / directPerplexity < 1e-5)
    }

    @Test func longStreamsAreScoredOnceAcrossWindows() throws {
        let stream = (0..<50).map { ($0 * 7 + 1) % 50 }
        let evaluator = PerplexityEvaluator(model: try model(), context: 8, convention: .strided, bosID: nil, tokenBytes: bytes)
        let result = try evaluator.evaluate(streams: [stream, Array(stream.prefix(5))])
        #expect(result.tokens == 49 + 4)
        #expect(result.windows == 12 + 1)
    }

    @Test func llamaCppConventionScoresSecondHalves() throws {
        let model = try model()
        let stream = (0..<37).map { ($0 * 3 + 2) % 50 }
        let evaluator = PerplexityEvaluator(model: model, context: 12, convention: .llamaCpp, bosID: 1, tokenBytes: bytes)
        let result = try evaluator.evaluate(streams: [stream])
        #expect(result.windows == 3)
        #expect(result.tokens == 3 * (12 - 6 - 1))
        var window = Array(stream[12..<24])
        window[0] = 1
        let direct = try directLosses(model, window)
        let second = try evaluator.evaluate(streams: [Array(stream[12..<24])])
        #expect(Swift.abs(second.negativeLogLikelihood - direct[6..<11].reduce(0, +)) < 1e-3)
    }
}
