// Gemma 3 text models (270M, 1B, ...). Reference: Hugging Face transformers
// `models/gemma3/modeling_gemma3.py`; written here from the architecture.
// What differs from Llama: embeddings scaled by sqrt(C); four norms per block (before and after
// attention and MLP); RMSNorm weights used as (1 + w); per-head q/k RMSNorm; GELU(tanh) MLP;
// local sliding-window layers (RoPE base 10k) interleaved with global layers (RoPE base 1M);
// attention scaled by query_pre_attn_scalar^-1/2.
//
// Legend: B batch, T new positions, S attended positions, C hidden size, H query heads,
// K key/value heads, D head size, F feed-forward size, V vocabulary.
import Foundation
import VernacularEngine

/// Shape and numerics of a Gemma 3 text model; mirrors `config.json` (GGUF's `gemma3.*` keys).
public struct Gemma3Configuration: Codable, Sendable, Equatable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var attentionHeads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var vocabularySize: Int
    public var rmsNormEps: Float
    /// RoPE base of the global layers.
    public var ropeTheta: Float
    /// RoPE base of the sliding-window layers.
    public var ropeLocalBase: Float
    /// A local layer attends to this many positions, itself included.
    public var slidingWindow: Int
    /// Every `slidingWindowPattern`-th layer is global; the others are local.
    public var slidingWindowPattern: Int
    public var queryPreAttentionScalar: Float
    public var maxPositionEmbeddings: Int
    /// True when norm weights are stored as offsets from 1 (Hugging Face); GGUF files store
    /// 1 + w already.
    public var normWeightsAreOffsets: Bool

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers", attentionHeads = "num_attention_heads"
        case kvHeads = "num_key_value_heads", headDim = "head_dim", vocabularySize = "vocab_size"
        case rmsNormEps = "rms_norm_eps", ropeTheta = "rope_theta", ropeLocalBase = "rope_local_base_freq"
        case slidingWindow = "sliding_window", slidingWindowPattern = "sliding_window_pattern"
        case queryPreAttentionScalar = "query_pre_attn_scalar", maxPositionEmbeddings = "max_position_embeddings"
        case normWeightsAreOffsets = "norm_weights_are_offsets"
    }

    public init(hiddenSize: Int, intermediateSize: Int, layerCount: Int, attentionHeads: Int, kvHeads: Int,
                headDim: Int, vocabularySize: Int, rmsNormEps: Float = 1e-6, ropeTheta: Float = 1_000_000,
                ropeLocalBase: Float = 10000, slidingWindow: Int = 512, slidingWindowPattern: Int = 6,
                queryPreAttentionScalar: Float? = nil, maxPositionEmbeddings: Int = 32768,
                normWeightsAreOffsets: Bool = true) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.attentionHeads = attentionHeads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.vocabularySize = vocabularySize
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.ropeLocalBase = ropeLocalBase
        self.slidingWindow = slidingWindow
        self.slidingWindowPattern = slidingWindowPattern
        self.queryPreAttentionScalar = queryPreAttentionScalar ?? Float(headDim)
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.normWeightsAreOffsets = normWeightsAreOffsets
    }

    /// Shape keys are required: a truncated config must fail, not become a different model.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let headDim = try c.decode(Int.self, forKey: .headDim)
        self.init(
            hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
            intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
            layerCount: try c.decode(Int.self, forKey: .layerCount),
            attentionHeads: try c.decode(Int.self, forKey: .attentionHeads),
            kvHeads: try c.decode(Int.self, forKey: .kvHeads),
            headDim: headDim,
            vocabularySize: try c.decode(Int.self, forKey: .vocabularySize),
            rmsNormEps: try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-6,
            ropeTheta: try c.decodeIfPresent(Float.self, forKey: .ropeTheta) ?? 1_000_000,
            ropeLocalBase: try c.decodeIfPresent(Float.self, forKey: .ropeLocalBase) ?? 10000,
            slidingWindow: try c.decodeIfPresent(Int.self, forKey: .slidingWindow) ?? 512,
            slidingWindowPattern: try c.decodeIfPresent(Int.self, forKey: .slidingWindowPattern) ?? 6,
            queryPreAttentionScalar: try c.decodeIfPresent(Float.self, forKey: .queryPreAttentionScalar),
            maxPositionEmbeddings: try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 32768,
            normWeightsAreOffsets: try c.decodeIfPresent(Bool.self, forKey: .normWeightsAreOffsets) ?? true)
        guard attentionHeads % kvHeads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .kvHeads, in: c,
                debugDescription: "num_attention_heads must be a multiple of num_key_value_heads")
        }
    }

    /// Local (sliding-window) or global attention for layer `index`.
    public func isLocal(layer index: Int) -> Bool { (index + 1) % slidingWindowPattern != 0 }
}

struct Gemma3Block {
    let inputNorm, postAttentionNorm, preFeedForwardNorm, postFeedForwardNorm: MLXArray  // (C), 1 + w
    let qkv, o: Linear                                   // q, k and v stacked on the output axis
    let qNorm, kNorm: MLXArray                                                          // (D), 1 + w
    let gateUp, down: Linear                             // gate and up stacked
    let isLocal: Bool
}

/// A Gemma 3 text decoder.
public final class Gemma3Model: LanguageModel, @unchecked Sendable {
    // @unchecked: weights are immutable MLX arrays after loading.
    public let configuration: Gemma3Configuration
    let embedding: MLXArray   // (V, C), also the output projection
    let blocks: [Gemma3Block]
    let finalNorm: MLXArray
    let output: Linear        // the embedding, tied

    public var vocabularySize: Int { configuration.vocabularySize }
    public var contextLength: Int { configuration.maxPositionEmbeddings }

    public init(configuration c: Gemma3Configuration, weights: any WeightSource,
                options: ModelLoadOptions = ModelLoadOptions(quantizeForDecoding: false)) throws {
        configuration = c
        func norm(_ name: String, _ size: Int) throws -> MLXArray {
            let weight = try weights.require(name, shape: [size])
            return c.normWeightsAreOffsets ? try weight + 1 : weight
        }
        let qWidth = c.attentionHeads * c.headDim, kvWidth = c.kvHeads * c.headDim
        embedding = try weights.require("model.embed_tokens.weight", shape: [c.vocabularySize, c.hiddenSize])
        blocks = try (0..<c.layerCount).map { index in
            let p = "model.layers.\(index)."
            func linear(_ parts: (String, [Int])...) throws -> Linear {
                try Linear(stacking: parts.map { try LinearPart(weights, p + $0.0, shape: $0.1) }, options: options)
            }
            return Gemma3Block(
                inputNorm: try norm(p + "input_layernorm.weight", c.hiddenSize),
                postAttentionNorm: try norm(p + "post_attention_layernorm.weight", c.hiddenSize),
                preFeedForwardNorm: try norm(p + "pre_feedforward_layernorm.weight", c.hiddenSize),
                postFeedForwardNorm: try norm(p + "post_feedforward_layernorm.weight", c.hiddenSize),
                qkv: try linear(("self_attn.q_proj", [qWidth, c.hiddenSize]), ("self_attn.k_proj", [kvWidth, c.hiddenSize]),
                                ("self_attn.v_proj", [kvWidth, c.hiddenSize])),
                o: try linear(("self_attn.o_proj", [c.hiddenSize, qWidth])),
                qNorm: try norm(p + "self_attn.q_norm.weight", c.headDim),
                kNorm: try norm(p + "self_attn.k_norm.weight", c.headDim),
                gateUp: try linear(("mlp.gate_proj", [c.intermediateSize, c.hiddenSize]),
                                   ("mlp.up_proj", [c.intermediateSize, c.hiddenSize])),
                down: try linear(("mlp.down_proj", [c.hiddenSize, c.intermediateSize])),
                isLocal: c.isLocal(layer: index))
        }
        finalNorm = try norm("model.norm.weight", c.hiddenSize)
        output = try Linear(stacking: [LinearPart(weight: embedding, rounding: weights.activationRounding(named: "model.embed_tokens.weight"),
                                                  storedBits: weights.storedBits(named: "model.embed_tokens.weight"))],
                            options: options)
        if options.materializeWeights { try eval([embedding, finalNorm] + blocks.flatMap { [$0.inputNorm, $0.qNorm, $0.kNorm, $0.qkv.weight] }) }
    }

    /// Local layers keep the last window − 1 positions: with the new token that is the window.
    public func newCache() -> KVCache {
        KVCache(layers: configuration.layerCount,
                windows: blocks.map { $0.isLocal ? configuration.slidingWindow - 1 : nil })
    }

    public func callAsFunction(_ tokens: MLXArray, cache: KVCache?, lastOnly: Bool) throws -> MLXArray {
        let c = configuration
        let (batch, length) = (tokens.dim(0), tokens.dim(1))
        let offset = cache?.offset ?? 0
        var h = try take(embedding, tokens, axis: 0) * Float(c.hiddenSize).squareRoot()   // (B, T, C)
        let scale = 1 / c.queryPreAttentionScalar.squareRoot()
        for (index, block) in blocks.enumerated() {
            let x = try rmsNorm(h, weight: block.inputNorm, eps: c.rmsNormEps)
            func heads(_ projection: MLXArray, _ count: Int) throws -> MLXArray {     // -> (B, n, T, D)
                try transposed(reshaped(projection, [batch, length, count, c.headDim]), axes: [0, 2, 1, 3])
            }
            let base = block.isLocal ? c.ropeLocalBase : c.ropeTheta
            let qkv = try splitLastAxis(block.qkv(x), [c.attentionHeads * c.headDim, c.kvHeads * c.headDim, c.kvHeads * c.headDim])
            let q = try rope(rmsNorm(heads(qkv[0], c.attentionHeads), weight: block.qNorm, eps: c.rmsNormEps),
                             dimensions: c.headDim, traditional: false, base: base, offset: offset)
            let k = try rope(rmsNorm(heads(qkv[1], c.kvHeads), weight: block.kNorm, eps: c.rmsNormEps),
                             dimensions: c.headDim, traditional: false, base: base, offset: offset)
            let v = try heads(qkv[2], c.kvHeads)
            let (keys, values) = try cache?.update(layer: index, keys: k, values: v) ?? (k, v)
            // Local layers see the last `slidingWindow` positions, the query's own included.
            let attended = try causalAttention(queries: q, keys: keys, values: values, scale: scale,
                                               window: block.isLocal ? c.slidingWindow : nil)  // (B, T, H·D)
            h = try h + rmsNorm(block.o(attended), weight: block.postAttentionNorm, eps: c.rmsNormEps)
            let y = try rmsNorm(h, weight: block.preFeedForwardNorm, eps: c.rmsNormEps)
            let mlp = try block.down(gatedActivation(stacked: block.gateUp(y), .geluTanh))
            h = try h + rmsNorm(mlp, weight: block.postFeedForwardNorm, eps: c.rmsNormEps)
        }
        cache?.advance(by: length)
        if lastOnly { h = try lastPosition(h) }
        return try output(rmsNorm(h, weight: finalNorm, eps: c.rmsNormEps))                             // (B, T, V)
    }
}
