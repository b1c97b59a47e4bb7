import CMLX

/// A (N, K) weight stored in blocks of 32 for decoding, where reading the weights is the whole
/// cost of a matrix-vector product: 8 bits (a float scale per block, 1.125 bytes per weight) or
/// 4 bits (scale and minimum per block, 0.75 bytes per weight; exact for weights that were
/// stored in 4 bits, whose values lie on 16 levels per block).
public struct BlockQuantizedWeight: @unchecked Sendable {
    // @unchecked: the blocks are an immutable MLX array.
    public let blocks: MLXArray
    public let outputs: Int
    public let inputs: Int
    public let bits: Int

    /// Quantises a float weight (N, K); K must be a multiple of 32, `bits` 8 or 4.
    public init(_ weight: MLXArray, bits: Int = 8) throws {
        guard weight.ndim == 2 else { throw EngineError("quantised weights must be 2-D, got \(weight.shape)") }
        guard bits == 8 || bits == 4 else { throw EngineError("block quantisation takes 8 or 4 bits, not \(bits)") }
        outputs = weight.dim(0)
        inputs = weight.dim(1)
        self.bits = bits
        blocks = try produce { vx_quantize_blocks(weight.handle, Int32(bits), $0) }
    }

    /// Whether a (N, K) weight can be quantised this way.
    public static func supports(_ weight: MLXArray) -> Bool { weight.ndim == 2 && weight.dim(1) % 32 == 0 }
}

/// x (..., K) · Wᵀ with W block-quantised: (..., N). Our AVX2 kernel (x is quantised to 8-bit
/// blocks on the way); no gradient.
public func quantizedMatmul(_ x: MLXArray, _ weight: BlockQuantizedWeight) throws -> MLXArray {
    try produce {
        vx_quantized_matmul(x.handle, weight.blocks.handle, Int32(weight.outputs), Int32(weight.inputs), Int32(weight.bits), $0)
    }
}

/// Largest relative difference between the AVX2 dot products (8- and 4-bit) and the plain
/// references for K inputs, and between 4-bit blocks and the 16-level values they store.
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
