import VernacularCore

/// Which rows each step trains on: every epoch a seeded shuffle of all rows, consumed in order.
/// The rows of step s depend only on the seed and s, so a resumed run needs no saved data
/// position beyond its step, and reads the same rows an uninterrupted run would.
public struct BatchPlan: Sendable {
    public let rowCount: Int
    public let seed: UInt64

    public init(rowCount: Int, seed: UInt64) {
        self.rowCount = rowCount
        self.seed = seed
    }

    /// Row indices for positions `start ..< start + count` of the endless shuffled sequence.
    public func rows(from start: Int, count: Int) -> [Int] {
        guard rowCount > 0 else { return [] }
        var result: [Int] = []
        result.reserveCapacity(count)
        var cachedEpoch = -1
        var permutation: [Int] = []
        for position in start..<(start + count) {
            let epoch = position / rowCount
            if epoch != cachedEpoch {
                permutation = Self.permutation(rowCount, seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
                cachedEpoch = epoch
            }
            result.append(permutation[position % rowCount])
        }
        return result
    }

    /// Fisher-Yates with SplitMix64.
    static func permutation(_ count: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<count)
        guard count > 1 else { return order }
        for index in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(generator.next() % UInt64(index + 1))
            order.swapAt(index, other)
        }
        return order
    }
}

/// A micro-batch as arrays: inputs and targets (B, L) and the loss weights of the targets.
public struct MicroBatch: Sendable {
    public let inputs: [Int32]
    public let targets: [Int32]
    public let weights: [Float]
    public let rows: Int
    public let length: Int

    /// Rows padded to the longest (targets beyond a row's end weigh 0).
    public init(_ examples: [TrainingExample], padding: Int32) {
        rows = examples.count
        length = max(examples.map { $0.tokens.count - 1 }.max() ?? 1, 1)
        var inputs = [Int32](repeating: padding, count: rows * length)
        var targets = [Int32](repeating: padding, count: rows * length)
        var weights = [Float](repeating: 0, count: rows * length)
        for (row, example) in examples.enumerated() {
            let count = example.tokens.count - 1
            for position in 0..<max(count, 0) {
                inputs[row * length + position] = example.tokens[position]
                targets[row * length + position] = example.tokens[position + 1]
                weights[row * length + position] = (example.trained?[position] ?? true) ? 1 : 0
            }
        }
        self.inputs = inputs
        self.targets = targets
        self.weights = weights
    }

    public var trainedTargets: Int { weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
}
