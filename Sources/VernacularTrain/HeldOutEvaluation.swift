import Foundation
import VernacularEngine
import VernacularModels
import VernacularTokenizer

/// Validation figures on held-out text: mean token loss and bits per character, which compares
/// models whose tokenizers differ (an extended tokenizer has fewer, longer tokens).
public struct HeldOutResult: Codable, Sendable, Equatable {
    public var loss: Double
    public var bitsPerChar: Double
    public var tokens: Int
    public var chars: Int

    enum CodingKeys: String, CodingKey {
        case loss, tokens, chars
        case bitsPerChar = "bits_per_char"
    }
}

/// Scores held-out rows with the model as it stands (no dropout), in batches.
public struct HeldOutEvaluator: Sendable {
    public let set: TrainingSet
    public let batchSize: Int
    let padding: Int32
    /// Characters of the targets: a character counts at its UTF-8 lead byte.
    let chars: Int
    let tokens: Int

    public init(set: TrainingSet, tokenizer: Tokenizer, batchSize: Int) {
        self.set = set
        self.batchSize = max(batchSize, 1)
        padding = tokenizer.eosTokenID ?? 0
        var chars = 0, tokens = 0
        for example in set.examples {
            for (index, token) in example.tokens.dropFirst().enumerated() where example.trained?[index] ?? true {
                chars += tokenizer.tokenBytes(token).reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                tokens += 1
            }
        }
        self.chars = chars
        self.tokens = tokens
    }

    /// For rows whose target characters are already counted.
    public init(set: TrainingSet, chars: Int, batchSize: Int, padding: Int32 = 0) {
        self.set = set
        self.batchSize = max(batchSize, 1)
        self.padding = padding
        self.chars = chars
        tokens = set.examples.reduce(0) { $0 + $1.trainedTargets }
    }

    public func evaluate(_ network: any LanguageModel) throws -> HeldOutResult {
        var total = 0.0
        for start in stride(from: 0, to: set.examples.count, by: batchSize) {
            let batch = MicroBatch(Array(set.examples[start..<min(start + batchSize, set.examples.count)]), padding: padding)
            let inputs = try MLXArray(ints: batch.inputs, [batch.rows, batch.length])
            let targets = try MLXArray(ints: batch.targets, [batch.rows, batch.length])
            let weights = try MLXArray(batch.weights, [batch.rows, batch.length])
            let losses = try crossEntropy(logits: network(inputs, cache: nil), targets: targets)
            total += Double(try sum(losses * weights).item())
        }
        return HeldOutResult(loss: total / Double(max(tokens, 1)), bitsPerChar: total / Foundation.log(2) / Double(max(chars, 1)),
                             tokens: tokens, chars: chars)
    }
}
