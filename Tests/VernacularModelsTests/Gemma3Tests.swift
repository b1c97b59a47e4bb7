import Foundation
import Testing
import VernacularEngine
@testable import VernacularModels

@Suite struct Gemma3Tests {
    /// Window 3 and pattern 2 so an 8-token input exercises local masks and global layers.
    static let configuration = Gemma3Configuration(
        hiddenSize: 16, intermediateSize: 32, layerCount: 4, attentionHeads: 2, kvHeads: 1, headDim: 8,
        vocabularySize: 40, rmsNormEps: 1e-6, ropeTheta: 1_000_000, ropeLocalBase: 10000, slidingWindow: 3,
        slidingWindowPattern: 2, queryPreAttentionScalar: 8)

    static func weights(seed: UInt64) -> MemoryWeights {
        let c = configuration
        var generator = WeightGenerator(state: seed)
        var weights = MemoryWeights()
        func add(_ name: String, _ shape: [Int], scale: Float = 0.3) {
            weights.values[name] = (generator.values(shape.reduce(1, *), scale: scale), shape)
        }
        add("model.embed_tokens.weight", [c.vocabularySize, c.hiddenSize], scale: 0.5)
        for layer in 0..<c.layerCount {
            let p = "model.layers.\(layer)."
            for norm in ["input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"] {
                add(p + norm + ".weight", [c.hiddenSize], scale: 0.2)
            }
            add(p + "self_attn.q_norm.weight", [c.headDim], scale: 0.2)
            add(p + "self_attn.k_norm.weight", [c.headDim], scale: 0.2)
            add(p + "self_attn.q_proj.weight", [c.attentionHeads * c.headDim, c.hiddenSize])
            add(p + "self_attn.k_proj.weight", [c.kvHeads * c.headDim, c.hiddenSize])
            add(p + "self_attn.v_proj.weight", [c.kvHeads * c.headDim, c.hiddenSize])
            add(p + "self_attn.o_proj.weight", [c.hiddenSize, c.attentionHeads * c.headDim])
            add(p + "mlp.gate_proj.weight", [c.intermediateSize, c.hiddenSize])
            add(p + "mlp.up_proj.weight", [c.intermediateSize, c.hiddenSize])
            add(p + "mlp.down_proj.weight", [c.hiddenSize, c.intermediateSize])
        }
        add("model.norm.weight", [c.hiddenSize], scale: 0.2)
        return weights
    }

    static func referenceLogits(_ w: MemoryWeights, tokens: [Int]) -> [[Double]] {
        let c = configuration
        func get(_ name: String) -> [Float] { w.values[name]!.0 }
        func norm(_ x: [Double], _ name: String) -> [Double] {
            Reference.rmsNorm(x, get(name), eps: Double(c.rmsNormEps), offset: 1)
        }
        let d = c.headDim
        let embed = get("model.embed_tokens.weight")
        var h = tokens.map { t in (0..<c.hiddenSize).map { Double(embed[t * c.hiddenSize + $0]) * Double(c.hiddenSize).squareRoot() } }
        for layer in 0..<c.layerCount {
            let p = "model.layers.\(layer)."
            let local = c.isLocal(layer: layer)
            let base = Double(local ? c.ropeLocalBase : c.ropeTheta)
            let x = h.map { norm($0, p + "input_layernorm.weight") }
            func project(_ name: String, _ rows: Int) -> [[Double]] {
                x.map { Reference.linear($0, get(p + name + ".weight"), rows: rows, columns: c.hiddenSize) }
            }
            let q = project("self_attn.q_proj", c.attentionHeads * d)
            let k = project("self_attn.k_proj", c.kvHeads * d)
            let v = project("self_attn.v_proj", c.kvHeads * d)
            func head(_ rows: [[Double]], _ index: Int, norm name: String?) -> [[Double]] {
                rows.enumerated().map { position, row in
                    var vector = Array(row[(index * d)..<((index + 1) * d)])
                    if let name { vector = norm(vector, p + name) }
                    return Reference.rope(vector, position: position, base: base, traditional: false)
                }
            }
            var merged = Array(repeating: [Double](), count: tokens.count)
            for index in 0..<c.attentionHeads {
                let kvIndex = index * c.kvHeads / c.attentionHeads
                let out = Reference.attention(head(q, index, norm: "self_attn.q_norm.weight"),
                                              head(k, kvIndex, norm: "self_attn.k_norm.weight"),
                                              v.map { Array($0[(kvIndex * d)..<((kvIndex + 1) * d)]) },
                                              scale: 1 / Double(c.queryPreAttentionScalar).squareRoot(),
                                              window: local ? c.slidingWindow : nil)
                for t in tokens.indices { merged[t] += out[t] }
            }
            for t in tokens.indices {
                let o = Reference.linear(merged[t], get(p + "self_attn.o_proj.weight"), rows: c.hiddenSize, columns: c.attentionHeads * d)
                h[t] = zip(h[t], norm(o, p + "post_attention_layernorm.weight")).map { $0 + $1 }
                let y = norm(h[t], p + "pre_feedforward_layernorm.weight")
                let gate = Reference.linear(y, get(p + "mlp.gate_proj.weight"), rows: c.intermediateSize, columns: c.hiddenSize)
                let up = Reference.linear(y, get(p + "mlp.up_proj.weight"), rows: c.intermediateSize, columns: c.hiddenSize)
                let down = Reference.linear(zip(gate, up).map { Reference.geluTanh($0) * $1 }, get(p + "mlp.down_proj.weight"),
                                            rows: c.hiddenSize, columns: c.intermediateSize)
                h[t] = zip(h[t], norm(down, p + "post_feedforward_layernorm.weight")).map { $0 + $1 }
            }
        }
        return h.map { Reference.linear(norm($0, "model.norm.weight"), embed, rows: c.vocabularySize, columns: c.hiddenSize) }
    }

    @Test func forwardMatchesFloat64ReferenceWithSlidingWindows() throws {
        let weights = Self.weights(seed: 11)
        let model = try Gemma3Model(configuration: Self.configuration, weights: weights)
        let tokens = [1, 5, 9, 2, 33, 17, 8, 4]
        let logits = try model(MLXArray(ints: tokens.map(Int32.init), [1, tokens.count]), cache: nil)
        #expect(logits.shape == [1, 8, 40])
        LlamaTests.expectClose(try logits.asFloats(), Self.referenceLogits(weights, tokens: tokens))
    }

    @Test func cachedDecodingMatchesFullSequencePastTheWindow() throws {
        let model = try Gemma3Model(configuration: Self.configuration, weights: Self.weights(seed: 3))
        let tokens: [Int32] = [1, 2, 3, 4, 5, 6, 7, 8]
        let full = try model(MLXArray(ints: tokens, [1, 8]), cache: nil).asFloats()
        let cache = model.newCache()
        var stepped = try model(MLXArray(ints: Array(tokens[0..<2]), [1, 2]), cache: cache).asFloats()
        stepped += try model(MLXArray(ints: Array(tokens[2..<5]), [1, 3]), cache: cache).asFloats()
        for token in tokens[5...] { stepped += try model(MLXArray(ints: [token], [1, 1]), cache: cache).asFloats() }
        let worst = zip(full, stepped).map { Swift.abs($0 - $1) }.max()!
        #expect(worst < 1e-4)
    }
}
