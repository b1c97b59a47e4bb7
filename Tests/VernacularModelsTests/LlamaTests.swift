import Foundation
import Testing
import VernacularEngine
@testable import VernacularModels

/// A weight source over arrays held in memory.
struct MemoryWeights: WeightSource {
    var values: [String: ([Float], [Int])] = [:]
    func tensor(named name: String) throws -> MLXArray? {
        guard let (data, shape) = values[name] else { return nil }
        return try MLXArray(data, shape)
    }
}

@Suite struct LlamaTests {
    static func tinyConfiguration(qwen3: Bool = false, qwen2: Bool = false, traditional: Bool = false) -> LlamaConfiguration {
        LlamaConfiguration(hiddenSize: 16, intermediateSize: 24, layerCount: 2, attentionHeads: 4, kvHeads: 2,
                           vocabularySize: 50, rmsNormEps: 1e-5, ropeTheta: 10000, ropeTraditional: traditional,
                           tieWordEmbeddings: !qwen2, attentionBias: qwen2, qkNorm: qwen3)
    }

    static func weights(for c: LlamaConfiguration, seed: UInt64) -> MemoryWeights {
        var generator = WeightGenerator(state: seed)
        var weights = MemoryWeights()
        func add(_ name: String, _ shape: [Int], scale: Float = 0.3, offset: Float = 0) {
            weights.values[name] = (generator.values(shape.reduce(1, *), scale: scale).map { $0 + offset }, shape)
        }
        let q = c.attentionHeads * c.headDim, kv = c.kvHeads * c.headDim
        add("model.embed_tokens.weight", [c.vocabularySize, c.hiddenSize], scale: 1)
        for layer in 0..<c.layerCount {
            let p = "model.layers.\(layer)."
            add(p + "input_layernorm.weight", [c.hiddenSize], scale: 0.2, offset: 1)
            add(p + "post_attention_layernorm.weight", [c.hiddenSize], scale: 0.2, offset: 1)
            add(p + "self_attn.q_proj.weight", [q, c.hiddenSize])
            add(p + "self_attn.k_proj.weight", [kv, c.hiddenSize])
            add(p + "self_attn.v_proj.weight", [kv, c.hiddenSize])
            add(p + "self_attn.o_proj.weight", [c.hiddenSize, q])
            if c.attentionBias {
                add(p + "self_attn.q_proj.bias", [q])
                add(p + "self_attn.k_proj.bias", [kv])
                add(p + "self_attn.v_proj.bias", [kv])
            }
            if c.qkNorm {
                add(p + "self_attn.q_norm.weight", [c.headDim], scale: 0.2, offset: 1)
                add(p + "self_attn.k_norm.weight", [c.headDim], scale: 0.2, offset: 1)
            }
            add(p + "mlp.gate_proj.weight", [c.intermediateSize, c.hiddenSize])
            add(p + "mlp.up_proj.weight", [c.intermediateSize, c.hiddenSize])
            add(p + "mlp.down_proj.weight", [c.hiddenSize, c.intermediateSize])
        }
        add("model.norm.weight", [c.hiddenSize], scale: 0.2, offset: 1)
        if !c.tieWordEmbeddings { add("lm_head.weight", [c.vocabularySize, c.hiddenSize]) }
        return weights
    }

    /// The float64 forward pass of the same model: logits (T, V).
    static func referenceLogits(_ c: LlamaConfiguration, _ w: MemoryWeights, tokens: [Int]) -> [[Double]] {
        func get(_ name: String) -> [Float] { w.values[name]!.0 }
        let d = c.headDim, group = c.attentionHeads / c.kvHeads
        var h = tokens.map { t in (0..<c.hiddenSize).map { Double(get("model.embed_tokens.weight")[t * c.hiddenSize + $0]) } }
        for layer in 0..<c.layerCount {
            let p = "model.layers.\(layer)."
            let x = h.map { Reference.rmsNorm($0, get(p + "input_layernorm.weight"), eps: Double(c.rmsNormEps)) }
            func project(_ name: String, _ rows: Int) -> [[Double]] {
                x.map { Reference.linear($0, get(p + name + ".weight"), rows: rows, columns: c.hiddenSize,
                                         bias: c.attentionBias ? get(p + name + ".bias") : nil) }
            }
            let q = project("self_attn.q_proj", c.attentionHeads * d)
            let k = project("self_attn.k_proj", c.kvHeads * d)
            let v = project("self_attn.v_proj", c.kvHeads * d)
            func head(_ rows: [[Double]], _ index: Int, norm: String?) -> [[Double]] {
                rows.enumerated().map { position, row in
                    var vector = Array(row[(index * d)..<((index + 1) * d)])
                    if let norm { vector = Reference.rmsNorm(vector, get(p + norm), eps: Double(c.rmsNormEps)) }
                    return Reference.rope(vector, position: position, base: Double(c.ropeTheta), traditional: c.ropeTraditional)
                }
            }
            var merged = Array(repeating: [Double](), count: tokens.count)
            for index in 0..<c.attentionHeads {
                let kvIndex = index / group
                let values = v.map { Array($0[(kvIndex * d)..<((kvIndex + 1) * d)]) }
                let out = Reference.attention(head(q, index, norm: c.qkNorm ? "self_attn.q_norm.weight" : nil),
                                              head(k, kvIndex, norm: c.qkNorm ? "self_attn.k_norm.weight" : nil),
                                              values, scale: 1 / Double(d).squareRoot())
                for t in tokens.indices { merged[t] += out[t] }
            }
            for t in tokens.indices {
                let o = Reference.linear(merged[t], get(p + "self_attn.o_proj.weight"), rows: c.hiddenSize, columns: c.attentionHeads * d)
                h[t] = zip(h[t], o).map { $0 + $1 }
                let y = Reference.rmsNorm(h[t], get(p + "post_attention_layernorm.weight"), eps: Double(c.rmsNormEps))
                let gate = Reference.linear(y, get(p + "mlp.gate_proj.weight"), rows: c.intermediateSize, columns: c.hiddenSize)
                let up = Reference.linear(y, get(p + "mlp.up_proj.weight"), rows: c.intermediateSize, columns: c.hiddenSize)
                let hidden = zip(gate, up).map { Reference.silu($0) * $1 }
                let down = Reference.linear(hidden, get(p + "mlp.down_proj.weight"), rows: c.hiddenSize, columns: c.intermediateSize)
                h[t] = zip(h[t], down).map { $0 + $1 }
            }
        }
        let head = c.tieWordEmbeddings ? get("model.embed_tokens.weight") : get("lm_head.weight")
        return h.map {
            Reference.linear(Reference.rmsNorm($0, get("model.norm.weight"), eps: Double(c.rmsNormEps)), head,
                             rows: c.vocabularySize, columns: c.hiddenSize)
        }
    }

    static func expectClose(_ actual: [Float], _ expected: [[Double]]) {
        let flat = expected.flatMap { $0 }
        #expect(actual.count == flat.count)
        let scale = flat.map { Swift.abs($0) }.max() ?? 1
        let worst = zip(actual, flat).map { Swift.abs(Double($0) - $1) / Swift.max(scale, 1e-9) }.max() ?? 0
        #expect(worst < 1e-4, "largest relative difference \(worst)")
    }

    @Test(arguments: [("llama", false, false, false), ("llama-gguf", false, false, true),
                      ("qwen2", false, true, false), ("qwen3", true, false, false)])
    func forwardMatchesFloat64Reference(_ name: String, _ qwen3: Bool, _ qwen2: Bool, _ traditional: Bool) throws {
        let c = Self.tinyConfiguration(qwen3: qwen3, qwen2: qwen2, traditional: traditional)
        let weights = Self.weights(for: c, seed: 42)
        let model = try LlamaModel(configuration: c, weights: weights)
        let tokens = [3, 17, 42, 5, 9, 31, 0, 12]
        let logits = try model(MLXArray(ints: tokens.map(Int32.init), [1, tokens.count]), cache: nil)
        #expect(logits.shape == [1, tokens.count, c.vocabularySize])
        Self.expectClose(try logits.asFloats(), Self.referenceLogits(c, weights, tokens: tokens))
    }

    @Test func cachedDecodingMatchesFullSequence() throws {
        let c = Self.tinyConfiguration()
        let model = try LlamaModel(configuration: c, weights: Self.weights(for: c, seed: 7))
        let tokens: [Int32] = [1, 2, 3, 4, 5, 6]
        let full = try model(MLXArray(ints: tokens, [1, 6]), cache: nil).asFloats()
        let cache = model.newCache()
        // A chunk of two after a chunk of three checks the causal mask is aligned to the cache end.
        var stepped = try model(MLXArray(ints: Array(tokens[0..<3]), [1, 3]), cache: cache).asFloats()
        stepped += try model(MLXArray(ints: Array(tokens[3..<5]), [1, 2]), cache: cache).asFloats()
        stepped += try model(MLXArray(ints: [tokens[5]], [1, 1]), cache: cache).asFloats()
        #expect(cache.offset == 6)
        let worst = zip(full, stepped).map { Swift.abs($0 - $1) }.max()!
        #expect(worst < 1e-4)
    }

    @Test func missingOrMisshapedWeightNamesTheTensor() throws {
        let c = Self.tinyConfiguration()
        var weights = Self.weights(for: c, seed: 1)
        weights.values["model.layers.1.mlp.up_proj.weight"] = nil
        #expect { try LlamaModel(configuration: c, weights: weights) } throws: { error in
            "\(error)".contains("model.layers.1.mlp.up_proj.weight") && "\(error)".contains("missing")
        }
        weights = Self.weights(for: c, seed: 1)
        weights.values["model.norm.weight"] = ([1, 2, 3], [3])
        #expect { try LlamaModel(configuration: c, weights: weights) } throws: { error in
            "\(error)".contains("model.norm.weight") && "\(error)".contains("[3]")
        }
    }

    @Test func configRequiresShapeKeysAndReadsNestedRopeTheta() throws {
        let json = #"{"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"#
            + #""num_key_value_heads":2,"vocab_size":100,"rope_parameters":{"rope_theta":100000}}"#
        let c = try JSONDecoder().decode(LlamaConfiguration.self, from: Data(json.utf8))
        #expect(c.ropeTheta == 100000 && c.headDim == 16)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LlamaConfiguration.self, from: Data(#"{"hidden_size":64}"#.utf8))
        }
    }
}
