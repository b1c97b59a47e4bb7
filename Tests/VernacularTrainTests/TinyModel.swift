import Foundation
import VernacularEngine
import VernacularModels
@testable import VernacularTrain

/// A small random Llama-family model (2 layers, hidden 32, untied head) for fast training tests.
enum TinyModel {
    static let configuration = shape(vocabulary: 64)
    static var recipe: ModelRecipe { ModelRecipe(architecture: "llama", shape: .llama(configuration)) }

    /// `ropeTraditional`: laid out as GGUF files are (Q and K rows permuted for llama.cpp).
    static func shape(vocabulary: Int, ropeTraditional: Bool = false) -> LlamaConfiguration {
        LlamaConfiguration(hiddenSize: 32, intermediateSize: 48, layerCount: 2, attentionHeads: 4, kvHeads: 2,
                           vocabularySize: vocabulary, ropeTraditional: ropeTraditional, tieWordEmbeddings: false,
                           maxPositionEmbeddings: 256)
    }

    static func parameters(seed: UInt64 = 1, configuration c: LlamaConfiguration = configuration) throws -> [(name: String, array: MLXArray)] {
        var list: [(String, [Int])] = [("model.embed_tokens.weight", [c.vocabularySize, c.hiddenSize])]
        for layer in 0..<c.layerCount {
            let p = "model.layers.\(layer)."
            list += [(p + "input_layernorm.weight", [c.hiddenSize]),
                     (p + "self_attn.q_proj.weight", [c.attentionHeads * c.headDim, c.hiddenSize]),
                     (p + "self_attn.k_proj.weight", [c.kvHeads * c.headDim, c.hiddenSize]),
                     (p + "self_attn.v_proj.weight", [c.kvHeads * c.headDim, c.hiddenSize]),
                     (p + "self_attn.o_proj.weight", [c.hiddenSize, c.attentionHeads * c.headDim]),
                     (p + "post_attention_layernorm.weight", [c.hiddenSize]),
                     (p + "mlp.gate_proj.weight", [c.intermediateSize, c.hiddenSize]),
                     (p + "mlp.up_proj.weight", [c.intermediateSize, c.hiddenSize]),
                     (p + "mlp.down_proj.weight", [c.hiddenSize, c.intermediateSize])]
        }
        list += [("model.norm.weight", [c.hiddenSize]), ("lm_head.weight", [c.vocabularySize, c.hiddenSize])]
        return try list.enumerated().map { index, entry in
            let (name, shape) = entry
            if shape.count == 1 { return (name, try full(shape, value: 1)) }
            return (name, try randomNormal(shape, seed: seed &* 1000 &+ UInt64(index)) * (1 / Float(shape[1]).squareRoot()))
        }
    }

    /// Rows of a repeating token pattern: easy to learn, so a few steps lower the loss clearly.
    static func patternSet(rows: Int, length: Int) -> TrainingSet {
        let stream: [Int32] = (0..<(rows * length + 1)).map { (index: Int) -> Int32 in
            let value = (index * 7 + index / 5) % 50
            return Int32(value + 1)
        }
        return TrainingSet(examples: PretrainingData.rows(of: stream, sequenceLength: length))
    }

    static func manifest(_ options: TrainingOptions, data: TrainingSet) -> RunManifest {
        RunManifest(baseModel: "tiny", baseModelPath: "/tiny", architecture: "llama", vocabularySize: configuration.vocabularySize,
                    extendedTokenizer: false, options: options, data: ["pattern"], dataFingerprint: data.fingerprint,
                    replay: [], replayFingerprint: nil, evalData: [])
    }

    static func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
