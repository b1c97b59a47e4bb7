import Foundation
import VernacularCore

/// How the next token is chosen. The defaults are llama.cpp's: temperature 0.8, top-k 40,
/// top-p 0.95, min-p 0.05; temperature 0 means greedy.
public struct SamplingParameters: Sendable, Equatable, Codable {
    public var temperature: Float
    /// Keep the k most likely tokens (0: no limit).
    public var topK: Int
    /// Keep the smallest set of tokens whose probability reaches p (1: no limit).
    public var topP: Float
    /// Drop tokens less likely than min-p times the most likely one (0: off).
    public var minP: Float
    /// Divide positive logits (multiply negative ones) of recently seen tokens by this (1: off).
    public var repetitionPenalty: Float
    /// How many recent tokens the repetition penalty looks at.
    public var repetitionWindow: Int
    public var seed: UInt64

    public init(temperature: Float = 0.8, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
                repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
    }

    public static let greedy = SamplingParameters(temperature: 0, topK: 1, topP: 1, minP: 0)
}

/// Picks tokens from logits on the CPU. Holds its random state, so one sampler serves one
/// generation.
public struct Sampler {
    public let parameters: SamplingParameters
    private var random: SplitMix64

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = SplitMix64(seed: parameters.seed)
    }

    /// The next token given the last position's logits (V) and the tokens so far.
    public mutating func sample(logits input: [Float], history: [Int]) -> Int {
        var logits = input
        let p = parameters
        if p.repetitionPenalty != 1 {
            for token in Set(history.suffix(p.repetitionWindow)) where token < logits.count {
                logits[token] = logits[token] > 0 ? logits[token] / p.repetitionPenalty : logits[token] * p.repetitionPenalty
            }
        }
        if p.temperature <= 0 || p.topK == 1 { return Self.argmax(logits) }

        // Candidates: the top-k (or all) tokens, most likely first.
        var candidates: [(token: Int, logit: Float)]
        if p.topK > 0, p.topK < logits.count {
            candidates = Self.topK(logits, k: p.topK)
        } else {
            candidates = logits.enumerated().map { (token: $0.offset, logit: $0.element) }
            candidates.sort { $0.logit > $1.logit }
        }
        let top = candidates[0].logit
        var weights = candidates.map { exp(Double(($0.logit - top) / p.temperature)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        var keep = weights.count
        if p.minP > 0 {
            let floor = Double(p.minP) * weights[0]
            keep = min(keep, max(1, weights.firstIndex(where: { $0 < floor }) ?? keep))
        }
        if p.topP < 1 {
            var mass = 0.0
            for index in 0..<keep {
                mass += weights[index]
                if mass >= Double(p.topP) { keep = index + 1; break }
            }
        }
        let kept = weights[0..<keep]
        var draw = random.nextUnit() * kept.reduce(0, +)
        for (index, weight) in kept.enumerated() {
            draw -= weight
            if draw <= 0 { return candidates[index].token }
        }
        return candidates[keep - 1].token
    }

    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }

    /// The k largest values, largest first, with a bounded min-heap-free selection: one pass
    /// keeping a sorted buffer, cheap for the small k used in sampling.
    static func topK(_ values: [Float], k: Int) -> [(token: Int, logit: Float)] {
        var buffer: [(token: Int, logit: Float)] = []
        buffer.reserveCapacity(k + 1)
        var threshold = -Float.infinity
        for (token, logit) in values.enumerated() where buffer.count < k || logit > threshold {
            let position = buffer.firstIndex(where: { $0.logit < logit }) ?? buffer.count
            buffer.insert((token, logit), at: position)
            if buffer.count > k { buffer.removeLast() }
            if buffer.count == k { threshold = buffer[k - 1].logit }
        }
        return buffer
    }
}
