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

/// Causal attention by our own CPU kernel, heads merged: q (B, H, T, D), k and v (B, Hkv, S, D)
/// with H a multiple of Hkv -> (B, T, H·D). Query t sits at key position S − T + t (keys are the
/// cache followed by the new positions) and sees keys up to it; with a `window`, only the last
/// `window` of those (its own included). `reference` computes the same with MLX operations.
public func causalAttention(queries: MLXArray, keys: MLXArray, values: MLXArray, scale: Float,
                            window: Int? = nil, reference: Bool = false) throws -> MLXArray {
    let windowSize = Int32(window ?? 0)
    if reference {
        return try produce { vx_attention_reference(queries.handle, keys.handle, values.handle, scale, 1, windowSize, $0) }
    }
    return try produce { vx_attention(queries.handle, keys.handle, values.handle, scale, 1, windowSize, $0) }
}

/// The activation of a gated MLP.
public enum GateActivation: Sendable {
    /// silu(gate) · up: Llama, Qwen.
    case silu
    /// gelu_tanh(gate) · up: Gemma.
    case geluTanh
}

/// activation(gate) · up elementwise by our own CPU kernel (`reference`: MLX operations).
public func gatedActivation(_ gate: MLXArray, _ up: MLXArray, _ activation: GateActivation,
                            reference: Bool = false) throws -> MLXArray {
    let kind = activation == .silu ? Int32(VX_GATE_SILU) : Int32(VX_GATE_GELU_TANH)
    return try produce { vx_gated_activation(gate.handle, up.handle, kind, reference ? 1 : 0, $0) }
}

/// activation(gate) · up with gate and up side by side on the last axis: (..., 2F) -> (..., F),
/// the output of one stacked gate/up projection.
public func gatedActivation(stacked: MLXArray, _ activation: GateActivation, reference: Bool = false) throws -> MLXArray {
    let kind = activation == .silu ? Int32(VX_GATE_SILU) : Int32(VX_GATE_GELU_TANH)
    return try produce { vx_gated_activation_fused(stacked.handle, kind, reference ? 1 : 0, $0) }
}
