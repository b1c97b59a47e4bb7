/// One training row: tokens t₀…tₙ, predicting t₁…tₙ from what precedes each. `trained[i]` says
/// whether predicting tᵢ₊₁ counts in the loss (SFT trains on assistant tokens only); nil: all do.
public struct TrainingExample: Sendable, Equatable {
    public var tokens: [Int32]
    public var trained: [Bool]?

    public init(tokens: [Int32], trained: [Bool]? = nil) {
        self.tokens = tokens
        self.trained = trained
    }

    /// Targets that count in the loss.
    public var trainedTargets: Int { trained.map { $0.filter { $0 }.count } ?? max(tokens.count - 1, 0) }
}

/// A training set: its rows and a fingerprint of their tokens, so a resume can tell that the
/// data it sees is the data the run started with.
public struct TrainingSet: Sendable {
    public var examples: [TrainingExample]
    public var fingerprint: String
    /// Records skipped while reading (for example SFT rows longer than the sequence), by reason.
    public var skipped: [String: Int]

    public init(examples: [TrainingExample], skipped: [String: Int] = [:]) {
        self.examples = examples
        self.skipped = skipped
        var hash = FNV1a64()
        for example in examples {
            hash.add(UInt32(truncatingIfNeeded: example.tokens.count))
            for token in example.tokens { hash.add(UInt32(bitPattern: token)) }
            if let trained = example.trained { for flag in trained { hash.add(flag ? 1 : 0) } }
        }
        fingerprint = "\(examples.count)-\(String(hash.value, radix: 16))"
    }

    public var tokenCount: Int { examples.reduce(0) { $0 + $1.tokens.count } }
}

/// FNV-1a over 32-bit words: a fingerprint, not a security hash.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ word: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) {
            value ^= UInt64((word >> UInt32(shift)) & 0xFF)
            value &*= 0x0000_0100_0000_01B3
        }
    }
}
