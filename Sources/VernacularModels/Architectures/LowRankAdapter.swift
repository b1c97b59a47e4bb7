import Foundation
import VernacularEngine

/// A LoRA adapter on one projection W (out, in): y = x Wᵀ + scale · (dropout(x) Aᵀ) Bᵀ, with
/// A (r, in) and B (out, r). Kept apart from W while training, so the frozen W gets no gradient
/// and the backward pass costs O(r) per projection instead of a dense weight gradient.
public struct LowRankAdapter: @unchecked Sendable {
    // @unchecked: MLX arrays are immutable once made.
    public let a: MLXArray
    public let b: MLXArray
    /// alpha / rank.
    public let scale: Float
    /// Dropout on the adapter's input: the probability of dropping and the seed of this call's
    /// mask, or nil for none (inference, or dropout 0).
    public let dropout: (probability: Float, seed: UInt64)?

    public var rank: Int { a.dim(0) }

    public init(a: MLXArray, b: MLXArray, scale: Float, dropout: (probability: Float, seed: UInt64)? = nil) {
        self.a = a
        self.b = b
        self.scale = scale
        self.dropout = dropout
    }

    /// scale · (dropout(x) Aᵀ) Bᵀ for x (..., in) -> (..., out).
    func callAsFunction(_ x: MLXArray) throws -> MLXArray {
        var input = x
        if let dropout, dropout.probability > 0 {
            // Bernoulli(1 − p) from a standard normal: P(z ≥ Φ⁻¹(p)) = 1 − p.
            let threshold = Float(Self.normalQuantile(Double(dropout.probability)))
            let keep = try astype(greaterEqual(randomNormal(x.shape, seed: dropout.seed), MLXArray(threshold)), x.dtype)
            input = try x * keep * (1 / (1 - dropout.probability))
        }
        return try matmul(matmul(input, transposedLast(a)), transposedLast(b)) * scale
    }

    /// The merged weight W + scale · B A, for inference and export.
    public func merged(into weight: MLXArray) throws -> MLXArray {
        try weight + matmul(b, a) * scale
    }

    /// Φ⁻¹(p) by bisection on erf: exact to double precision, and called once per projection.
    public static func normalQuantile(_ p: Double) -> Double {
        var low = -12.0, high = 12.0
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if 0.5 * (1 + Foundation.erf(middle / 2.0.squareRoot())) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
