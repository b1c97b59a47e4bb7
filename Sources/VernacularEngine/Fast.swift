import CMLX

// Fused kernels (mlx-swift's MLXFast): fewer graph nodes, which matters most on CPU where
// per-operation overhead dominates small-batch decoding.

/// Root-mean-square normalisation over the last axis. x: (..., C), weight: (C).
public func rmsNorm(_ x: MLXArray, weight: MLXArray?, eps: Float) throws -> MLXArray {
    try produce { vx_rms_norm(x.handle, weight?.handle, eps, $0) }
}

/// Rotary position embedding. x: (B, H, T, D); rotates the first `dimensions` features of each
/// head, positions counting from `offset`. `traditional` pairs adjacent features (the layout of
/// llama.cpp's permuted GGUF Q/K weights); otherwise the two halves pair up (Hugging Face).
public func rope(_ x: MLXArray, dimensions: Int, traditional: Bool, base: Float, scale: Float = 1,
                 offset: Int) throws -> MLXArray {
    try produce { vx_rope(x.handle, Int32(dimensions), traditional ? 1 : 0, base, scale, Int32(offset), $0) }
}

/// Attention mask choices for `scaledDotProductAttention`.
public enum AttentionMask {
    case none
    /// Query i sees keys up to i (aligned to the end when keys are longer than queries).
    case causal
    /// An additive float mask or boolean mask broadcastable to (B, H, T, S).
    case array(MLXArray)
}

/// softmax(q kᵀ · scale + mask) v. q: (B, H, T, D); k, v: (B, Hkv, S, D) with H a multiple of Hkv
/// (grouped-query attention needs no repeat).
public func scaledDotProductAttention(queries: MLXArray, keys: MLXArray, values: MLXArray, scale: Float,
                                      mask: AttentionMask) throws -> MLXArray {
    switch mask {
    case .none:
        return try produce { vx_sdpa(queries.handle, keys.handle, values.handle, scale, "", nil, $0) }
    case .causal:
        return try produce { vx_sdpa(queries.handle, keys.handle, values.handle, scale, "causal", nil, $0) }
    case .array(let array):
        return try produce { vx_sdpa(queries.handle, keys.handle, values.handle, scale, "", array.handle, $0) }
    }
}
