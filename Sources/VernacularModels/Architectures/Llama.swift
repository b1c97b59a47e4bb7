// The Llama family: Llama 2/3, SmolLM2, Qwen 2 (q/k/v biases) and Qwen 3 (per-head q/k RMSNorm).
// Reference: Hugging Face transformers `models/llama/modeling_llama.py` (and the qwen2/qwen3
// variants); written here from the architecture, not ported line by line.
//
// Legend: B batch, T new positions, S attended positions, C hidden size, H query heads,
// K key/value heads, D head size, F feed-forward size, V vocabulary.
import Foundation
import VernacularEngine

/// Shape and numerics of a Llama-family model; mirrors `config.json` (and GGUF's `llama.*` keys).
public struct LlamaConfiguration: Codable, Sendable, Equatable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var attentionHeads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var vocabularySize: Int
    public var rmsNormEps: Float
    public var ropeTheta: Float
    /// Pairs adjacent features in RoPE. True for GGUF files, whose converter permutes Q and K.
    public var ropeTraditional: Bool
    public var tieWordEmbeddings: Bool
    /// Qwen 2: biases on the q, k and v projections.
    public var attentionBias: Bool
    /// Qwen 3: RMSNorm over each head of q and k before RoPE.
    public var qkNorm: Bool
    public var maxPositionEmbeddings: Int

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers", attentionHeads = "num_attention_heads"
        case kvHeads = "num_key_value_heads", headDim = "head_dim", vocabularySize = "vocab_size"
        case rmsNormEps = "rms_norm_eps", ropeTheta = "rope_theta", ropeTraditional = "rope_traditional"
        case tieWordEmbeddings = "tie_word_embeddings", attentionBias = "attention_bias", qkNorm = "qk_norm"
        case maxPositionEmbeddings = "max_position_embeddings", modelType = "model_type"
        case ropeParameters = "rope_parameters"
    }

    public init(hiddenSize: Int, intermediateSize: Int, layerCount: Int, attentionHeads: Int, kvHeads: Int,
                headDim: Int? = nil, vocabularySize: Int, rmsNormEps: Float = 1e-5, ropeTheta: Float = 10000,
                ropeTraditional: Bool = false, tieWordEmbeddings: Bool = false, attentionBias: Bool = false,
                qkNorm: Bool = false, maxPositionEmbeddings: Int = 2048) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.attentionHeads = attentionHeads
        self.kvHeads = kvHeads
        self.headDim = headDim ?? hiddenSize / attentionHeads
        self.vocabularySize = vocabularySize
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.ropeTraditional = ropeTraditional
        self.tieWordEmbeddings = tieWordEmbeddings
        self.attentionBias = attentionBias
        self.qkNorm = qkNorm
        self.maxPositionEmbeddings = maxPositionEmbeddings
    }

    /// Shape keys are required (a truncated config must not become a different model); numeric
    /// details fall back to the family's defaults. rope_theta is read from the top level or from
    /// `rope_parameters` (transformers 5 moved it there).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        layerCount = try c.decode(Int.self, forKey: .layerCount)
        attentionHeads = try c.decode(Int.self, forKey: .attentionHeads)
        kvHeads = try c.decodeIfPresent(Int.self, forKey: .kvHeads) ?? attentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? hiddenSize / attentionHeads
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-5
        struct RopeParameters: Decodable {
            let ropeTheta: Float?
            enum CodingKeys: String, CodingKey { case ropeTheta = "rope_theta" }
        }
        ropeTheta = try c.decodeIfPresent(Float.self, forKey: .ropeTheta)
            ?? c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)?.ropeTheta ?? 10000
        ropeTraditional = try c.decodeIfPresent(Bool.self, forKey: .ropeTraditional) ?? false
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        let modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "llama"
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? (modelType == "qwen2")
        qkNorm = try c.decodeIfPresent(Bool.self, forKey: .qkNorm) ?? (modelType == "qwen3")
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048
        guard attentionHeads > 0, kvHeads > 0, attentionHeads % kvHeads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .kvHeads, in: c,
                debugDescription: "num_attention_heads (\(attentionHeads)) must be a multiple of num_key_value_heads (\(kvHeads))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(layerCount, forKey: .layerCount)
        try c.encode(attentionHeads, forKey: .attentionHeads)
        try c.encode(kvHeads, forKey: .kvHeads)
        try c.encode(headDim, forKey: .headDim)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(ropeTraditional, forKey: .ropeTraditional)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encode(qkNorm, forKey: .qkNorm)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
    }
}

/// One decoder block's weights.
struct LlamaBlock {
    let attentionNorm: MLXArray   // (C)
    let qkv: Linear               // q (H·D, C), k (K·D, C) and v (K·D, C) stacked: ((H + 2K)·D, C)
    let o: Linear                 // (C, H·D)
    let qNorm: MLXArray?          // (D), Qwen 3
    let kNorm: MLXArray?          // (D), Qwen 3
    let mlpNorm: MLXArray         // (C)
    let gateUp: Linear            // gate (F, C) and up (F, C) stacked: (2F, C)
    let down: Linear              // (C, F)
}

/// A Llama-family decoder.
public final class LlamaModel: LanguageModel, @unchecked Sendable {
    // @unchecked: weights are immutable MLX arrays after loading.
    public let configuration: LlamaConfiguration
    let embedding: MLXArray       // (V, C)
    let blocks: [LlamaBlock]
    let finalNorm: MLXArray       // (C)
    let output: Linear            // (V, C); the embedding when tied

    public var vocabularySize: Int { configuration.vocabularySize }
    public var contextLength: Int { configuration.maxPositionEmbeddings }

    /// Loads every weight by its Hugging Face name, checking each shape.
    public init(configuration c: LlamaConfiguration, weights: any WeightSource,
                options: ModelLoadOptions = ModelLoadOptions(quantizeForDecoding: false)) throws {
        configuration = c
        let qWidth = c.attentionHeads * c.headDim, kvWidth = c.kvHeads * c.headDim
        embedding = try weights.require("model.embed_tokens.weight", shape: [c.vocabularySize, c.hiddenSize])
        blocks = try (0..<c.layerCount).map { index in
            let p = "model.layers.\(index)."
            func part(_ name: String, _ shape: [Int], bias: Bool = false) throws -> LinearPart {
                try LinearPart(weights, p + name, shape: shape, bias: bias)
            }
            func linear(_ parts: LinearPart...) throws -> Linear { try Linear(stacking: parts, options: options) }
            return LlamaBlock(
                attentionNorm: try weights.require(p + "input_layernorm.weight", shape: [c.hiddenSize]),
                qkv: try linear(part("self_attn.q_proj", [qWidth, c.hiddenSize], bias: c.attentionBias),
                                part("self_attn.k_proj", [kvWidth, c.hiddenSize], bias: c.attentionBias),
                                part("self_attn.v_proj", [kvWidth, c.hiddenSize], bias: c.attentionBias)),
                o: try linear(part("self_attn.o_proj", [c.hiddenSize, qWidth])),
                qNorm: c.qkNorm ? try weights.require(p + "self_attn.q_norm.weight", shape: [c.headDim]) : nil,
                kNorm: c.qkNorm ? try weights.require(p + "self_attn.k_norm.weight", shape: [c.headDim]) : nil,
                mlpNorm: try weights.require(p + "post_attention_layernorm.weight", shape: [c.hiddenSize]),
                gateUp: try linear(part("mlp.gate_proj", [c.intermediateSize, c.hiddenSize]),
                                   part("mlp.up_proj", [c.intermediateSize, c.hiddenSize])),
                down: try linear(part("mlp.down_proj", [c.hiddenSize, c.intermediateSize])))
        }
        finalNorm = try weights.require("model.norm.weight", shape: [c.hiddenSize])
        let head = c.tieWordEmbeddings ? nil : try weights.optional("lm_head.weight", shape: [c.vocabularySize, c.hiddenSize])
        let headName = head == nil ? "model.embed_tokens.weight" : "lm_head.weight"
        output = try Linear(stacking: [LinearPart(weight: head ?? embedding, rounding: weights.activationRounding(named: headName),
                                                  storedBits: weights.storedBits(named: headName))],
                            options: options)
        if options.materializeWeights { try eval([embedding, finalNorm, output.weight] + blocks.flatMap { [$0.qkv.weight, $0.gateUp.weight] }) }
    }

    public func newCache() -> KVCache { KVCache(layers: configuration.layerCount) }

    public func callAsFunction(_ tokens: MLXArray, cache: KVCache?, lastOnly: Bool) throws -> MLXArray {
        try output(finalHiddenStates(tokens, cache: cache, lastOnly: lastOnly))                    // (B, T, V)
    }

    /// What the output head multiplies: the last block's states through the final norm, (B, T, C)
    /// (training uses them to start new output rows where the model stands).
    public func finalHiddenStates(_ tokens: MLXArray, cache: KVCache? = nil, lastOnly: Bool = false) throws -> MLXArray {
        let c = configuration
        let (batch, length) = (tokens.dim(0), tokens.dim(1))
        let offset = cache?.offset ?? 0
        var h = try take(embedding, tokens, axis: 0)                                  // (B, T, C)
        for (index, block) in blocks.enumerated() {
            let x = try rmsNorm(h, weight: block.attentionNorm, eps: c.rmsNormEps)
            func heads(_ projection: MLXArray, _ count: Int) throws -> MLXArray {     // -> (B, n, T, D)
                try transposed(reshaped(projection, [batch, length, count, c.headDim]), axes: [0, 2, 1, 3])
            }
            let qkv = try splitLastAxis(block.qkv(x), [c.attentionHeads * c.headDim, c.kvHeads * c.headDim, c.kvHeads * c.headDim])
            var q = try heads(qkv[0], c.attentionHeads)
            var k = try heads(qkv[1], c.kvHeads)
            let v = try heads(qkv[2], c.kvHeads)
            if let qNorm = block.qNorm, let kNorm = block.kNorm {
                q = try rmsNorm(q, weight: qNorm, eps: c.rmsNormEps)
                k = try rmsNorm(k, weight: kNorm, eps: c.rmsNormEps)
            }
            q = try rope(q, dimensions: c.headDim, traditional: c.ropeTraditional, base: c.ropeTheta, offset: offset)
            k = try rope(k, dimensions: c.headDim, traditional: c.ropeTraditional, base: c.ropeTheta, offset: offset)
            let (keys, values) = try cache?.update(layer: index, keys: k, values: v) ?? (k, v)
            let attended = try causalAttention(queries: q, keys: keys, values: values,
                                               scale: 1 / Float(c.headDim).squareRoot())  // (B, T, H·D)
            h = try h + block.o(attended)
            let y = try rmsNorm(h, weight: block.mlpNorm, eps: c.rmsNormEps)
            h = try h + block.down(gatedActivation(stacked: block.gateUp(y), .silu))
        }
        cache?.advance(by: length)
        if lastOnly { h = try lastPosition(h) }
        return try rmsNorm(h, weight: finalNorm, eps: c.rmsNormEps)
    }

    /// Batched decoding: the projections and the MLP run on all B sequences as one (B, 1, C)
    /// input; rotary positions, the KV cache and attention are per sequence, since each sequence
    /// is at its own position. Same numbers as B separate calls, within the 8-bit kernel's rounding.
    public func decodeStep(tokens: [Int], caches: [KVCache]) throws -> MLXArray {
        let c = configuration
        let batch = tokens.count
        guard batch == caches.count, batch > 0 else {
            throw EngineError("decodeStep needs one cache per token, got \(batch) tokens and \(caches.count) caches")
        }
        let offsets = caches.map(\.offset)
        let qWidth = c.attentionHeads * c.headDim, kvWidth = c.kvHeads * c.headDim
        var h = try take(embedding, MLXArray(ints: tokens.map(Int32.init), [batch, 1]), axis: 0)   // (B, 1, C)
        for (index, block) in blocks.enumerated() {
            let x = try rmsNorm(h, weight: block.attentionNorm, eps: c.rmsNormEps)
            let qkv = try block.qkv.decode(x)                                                  // (B, 1, (H + 2K)·D)
            var rows: [MLXArray] = []
            rows.reserveCapacity(batch)
            for row in 0..<batch {
                let parts = try splitLastAxis(sliced(qkv, axis: 0, from: row, to: row + 1), [qWidth, kvWidth, kvWidth])
                func heads(_ projection: MLXArray, _ count: Int) throws -> MLXArray {       // -> (1, n, 1, D)
                    try reshaped(projection, [1, count, 1, c.headDim])
                }
                var q = try heads(parts[0], c.attentionHeads)
                var k = try heads(parts[1], c.kvHeads)
                let v = try heads(parts[2], c.kvHeads)
                if let qNorm = block.qNorm, let kNorm = block.kNorm {
                    q = try rmsNorm(q, weight: qNorm, eps: c.rmsNormEps)
                    k = try rmsNorm(k, weight: kNorm, eps: c.rmsNormEps)
                }
                q = try rope(q, dimensions: c.headDim, traditional: c.ropeTraditional, base: c.ropeTheta, offset: offsets[row])
                k = try rope(k, dimensions: c.headDim, traditional: c.ropeTraditional, base: c.ropeTheta, offset: offsets[row])
                let (keys, values) = try caches[row].update(layer: index, keys: k, values: v)
                rows.append(try causalAttention(queries: q, keys: keys, values: values,
                                                scale: 1 / Float(c.headDim).squareRoot()))     // (1, 1, H·D)
            }
            let attended = batch == 1 ? rows[0] : try concatenated(rows, axis: 0)             // (B, 1, H·D)
            h = try h + block.o.decode(attended)
            let y = try rmsNorm(h, weight: block.mlpNorm, eps: c.rmsNormEps)
            h = try h + block.down.decode(gatedActivation(stacked: block.gateUp.decode(y), .silu))
        }
        for cache in caches { cache.advance(by: 1) }
        return try reshaped(output.decode(rmsNorm(h, weight: finalNorm, eps: c.rmsNormEps)), [batch, c.vocabularySize])
    }
}
