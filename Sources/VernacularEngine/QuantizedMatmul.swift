import CMLX

/// A (N, K) weight stored as 8-bit blocks (32 weights share a float scale) for decoding, where
/// reading the weights is the whole cost of a matrix-vector product.
public struct Q8Weight: @unchecked Sendable {
    // @unchecked: the blocks are an immutable MLX array.
    public let blocks: MLXArray
    public let outputs: Int
    public let inputs: Int

    /// Quantises a float weight (N, K); K must be a multiple of 32.
    public init(_ weight: MLXArray) throws {
        guard weight.ndim == 2 else { throw EngineError("q8 weights must be 2-D, got \(weight.shape)") }
        outputs = weight.dim(0)
        inputs = weight.dim(1)
        blocks = try produce { vx_q8_quantize(weight.handle, $0) }
    }

    /// Whether a (N, K) weight can be quantised this way.
    public static func supports(_ weight: MLXArray) -> Bool { weight.ndim == 2 && weight.dim(1) % 32 == 0 }
}

/// x (..., K) · Wᵀ with W quantised: (..., N). Our AVX2 kernel; no gradient.
public func q8Matmul(_ x: MLXArray, _ weight: Q8Weight) throws -> MLXArray {
    try produce { vx_q8_matmul(x.handle, weight.blocks.handle, Int32(weight.outputs), Int32(weight.inputs), $0) }
}

/// Relative difference between the AVX2 dot product and the plain reference for K inputs.
public func q8KernelSelfTest(inputs: Int) throws -> Float {
    var difference: Float = 0
    guard vx_q8_selftest(Int32(inputs), &difference) == 0 else { throw EngineError.last() }
    return difference
}

/// How llama.cpp rounds a matmul's input for a quantised weight (see `roundedLikeLlamaCpp`).
public enum ActivationRounding: Sendable, Equatable {
    /// 8-bit blocks of 32: the legacy types (Q4_0, Q4_1, Q5_x, Q8_0).
    case q8Blocks32
    /// 8-bit blocks of 256: the k-quants (Q2_K ... Q6_K).
    case q8KBlocks256

    /// Elements per block; the input's last axis must be a multiple.
    public var blockSize: Int { self == .q8Blocks32 ? 32 : 256 }
}

/// x (..., K) quantised to 8 bits and back the way llama.cpp does before a quantised matmul, so
/// that perplexities can be compared with llama.cpp without its rounding in the difference.
public func roundedLikeLlamaCpp(_ x: MLXArray, _ rounding: ActivationRounding) throws -> MLXArray {
    let kind = rounding == .q8Blocks32 ? Int32(VX_ROUND_Q8_0) : Int32(VX_ROUND_Q8_K)
    return try produce { vx_round_activations(x.handle, kind, $0) }
}
