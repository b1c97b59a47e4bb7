/// Activation bytes per transformer layer saved for the backward pass, after Korthikanti et al.
/// 2022, "Reducing Activation Recomputation in Large Transformer Models" (§4, Table 2), and the same
/// count redone for the Llama-style layer we train.
///
/// Letters: s sequence length, b micro-batch, h hidden, a attention heads, k key/value heads,
/// d = h/a head size, f SwiGLU width, t tensor-parallel degree, V vocabulary. 16-bit activations.
public enum ActivationVariant: String, Sendable, CaseIterable, Codable {
    /// No tensor parallelism.
    case none
    /// Tensor parallelism alone: norms and the inputs of the first projections stay replicated.
    case tensorParallel = "tp"
    /// Tensor and sequence parallelism: the replicated parts are split along the sequence.
    case sequenceParallel = "tp+sp"
    /// Sequence parallelism with selective recomputation of the attention core.
    case selectiveRecompute = "tp+sp+selective"
    /// Each layer's input only; the layer is recomputed in the backward pass.
    case fullRecompute = "full"
}

public struct ActivationMemory: Sendable {
    public let s: Double, b: Double, h: Double, a: Double, k: Double, f: Double, vocab: Double

    public init(shape: ModelShape, seqLen: Int, microBatch: Int) {
        s = Double(seqLen); b = Double(microBatch)
        h = Double(shape.hidden); a = Double(shape.heads); k = Double(shape.kvHeads)
        f = Double(shape.ffn); vocab = Double(shape.vocab)
    }

    /// The paper's formulas (GPT layer: 4h GeLU MLP, multi-head attention, dropout, attention
    /// scores stored): 34 = 11 (attention) + 19 (MLP) + 4 (layer norms) bytes per s·b·h, and
    /// 5as/h for the score matrix, its softmax and the dropout mask.
    public func paper(_ variant: ActivationVariant, tensorParallel t: Int) -> Double {
        let t = Double(t), sbh = s * b * h, scores = 5 * a * s / h
        switch variant {
        case .none: return sbh * (34 + scores)
        case .tensorParallel: return sbh * (10 + 24 / t + scores / t)
        case .sequenceParallel: return sbh * (34 / t + scores / t)
        case .selectiveRecompute: return sbh * 34 / t
        case .fullRecompute: return 2 * sbh / t
        }
    }

    /// The same count for a Llama layer as our engines run it; the adjustments, in bytes:
    /// - no dropout: the paper's 2sbh of masks (attention and MLP) and the as²b softmax mask go;
    /// - flash attention: scores are recomputed in the backward pass, so the 5as²b term goes and
    ///   only the output (2sbh) and the fp32 log-sum-exp per head and position (4·a·s·b) stay;
    /// - GQA: K and V are k·d wide, 2·2·s·b·k·d, split at most k ways (heads are replicated past k);
    /// - SwiGLU: the block keeps its input (2sbh) and gate, up, SiLU(gate) and their product
    ///   (4 · 2sbf) instead of GeLU's 19sbh;
    /// - RMSNorm: each of the two keeps its input (2 · 2sbh), as layer norm does.
    /// Selective recomputation targets the attention core, which flash attention already
    /// recomputes, so it saves nothing more here.
    public func adjusted(_ variant: ActivationVariant, tensorParallel: Int) -> Double {
        let t = Double(tensorParallel)
        let sbh = s * b * h
        let kvWidth = k * (h / a)
        // Split by sequence parallelism (replicated under tensor parallelism alone): norm inputs
        // 4sbh, the QKV input 2sbh, the MLP input 2sbh.
        let sequenceSplittable = 8 * sbh
        // Split by heads or columns under tensor parallelism: Q 2sbh, attention output 2sbh,
        // log-sum-exp 4asb, SwiGLU 8sbf.
        let tensorSplit = 4 * sbh + 4 * a * s * b + 8 * s * b * f
        let keysValues = 4 * s * b * kvWidth / min(t, k)
        switch variant {
        case .none:
            return sequenceSplittable + tensorSplit + 4 * s * b * kvWidth
        case .tensorParallel:
            return sequenceSplittable + tensorSplit / t + keysValues
        case .sequenceParallel, .selectiveRecompute:
            return sequenceSplittable / t + tensorSplit / t + keysValues
        case .fullRecompute:
            return 2 * sbh / t
        }
    }

    /// Logits kept for the loss: 16-bit logits and their fp32 copy, split over the vocabulary by
    /// tensor parallelism (both engines compute the loss vocabulary-parallel): 6·s·b·V/t.
    public func outputLayer(tensorParallel t: Int) -> Double {
        6 * s * b * vocab / Double(t)
    }

    /// Bytes for the whole model: every layer's saved activations plus the output layer. With full
    /// recomputation the backward pass also rebuilds one layer's activations at a time.
    public func total(_ variant: ActivationVariant, layers: Int, tensorParallel t: Int) -> Double {
        var bytes = Double(layers) * adjusted(variant, tensorParallel: t) + outputLayer(tensorParallel: t)
        if variant == .fullRecompute { bytes += adjusted(t > 1 ? .sequenceParallel : .none, tensorParallel: t) }
        return bytes
    }

    /// The adjustments, said once for the plan's output.
    public static let adjustmentNote = """
        activations per layer: Korthikanti et al. 2022 (sbh(34 + 5as/h), TP sbh(10 + 24/t + 5as/(ht)), \
        TP+SP sbh(34/t + 5as/(ht)), selective sbh·34/t) redone for a Llama layer: no dropout (masks gone), \
        flash attention (no s² scores; output 2sbh and fp32 log-sum-exp 4asb kept), GQA (K and V 4sbkd, split \
        at most k ways), SwiGLU (input 2sbh, gate, up, SiLU and product 8sbf), two RMSNorm inputs 4sbh: \
        12sbh + 4sbkd + 8sbf + 4asb unsplit; selective recompute saves nothing beyond flash attention; \
        plus the output layer's logits 6sbV/t
        """
}
