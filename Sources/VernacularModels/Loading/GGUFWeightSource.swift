import Foundation
import VernacularEngine
import VernacularWeights

/// Serves a GGUF file's tensors under Hugging Face names, dequantised to float32 on the CPU
/// (MLX's CPU quantised and half-precision matmuls are slow; f32 with OpenBLAS is not).
public final class GGUFWeightSource: WeightSource {
    let file: GGUFFile
    let architecture: String

    init(file: GGUFFile, architecture: String) {
        self.file = file
        self.architecture = architecture
    }

    public func tensor(named name: String) throws -> MLXArray? {
        guard let ggufName = Self.ggufName(for: name, architecture: architecture),
              let info = try? file.tensor(ggufName) else { return nil }
        var values = try file.dequantize(ggufName)
        return try values.withUnsafeMutableBufferPointer { try MLXArray(UnsafeBufferPointer($0), info.shape) }
    }

    /// llama.cpp quantises a matmul's input to its weight type's "vec_dot" type: Q8_0/Q8_1
    /// (blocks of 32) for the legacy types, Q8_K (blocks of 256) for the k-quants; float types
    /// multiply floats.
    public func activationRounding(named name: String) -> ActivationRounding? {
        guard let ggufName = Self.ggufName(for: name, architecture: architecture),
              let info = try? file.tensor(ggufName) else { return nil }
        switch info.type {
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: return .q8Blocks32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K: return .q8KBlocks256
        default: return nil
        }
    }

    public func storedBits(named name: String) -> Int? {
        guard let ggufName = Self.ggufName(for: name, architecture: architecture),
              let info = try? file.tensor(ggufName) else { return nil }
        switch info.type {
        case .q4_0, .q4_1, .q4_K: return 4
        case .q5_0, .q5_1, .q5_K: return 5
        case .q6_K: return 6
        case .q8_0: return 8
        default: return nil
        }
    }

    /// llama.cpp's tensor names for a Hugging Face name (nil when GGUF has no counterpart).
    public static func ggufName(for name: String, architecture: String) -> String? {
        switch name {
        case "model.embed_tokens.weight": return "token_embd.weight"
        case "model.norm.weight": return "output_norm.weight"
        case "lm_head.weight": return "output.weight"
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)
        guard parts.count == 4, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]) else { return nil }
        let rest = parts[3]
        let table: [String: String] = [
            "input_layernorm.weight": "attn_norm.weight",
            "self_attn.q_proj.weight": "attn_q.weight", "self_attn.q_proj.bias": "attn_q.bias",
            "self_attn.k_proj.weight": "attn_k.weight", "self_attn.k_proj.bias": "attn_k.bias",
            "self_attn.v_proj.weight": "attn_v.weight", "self_attn.v_proj.bias": "attn_v.bias",
            "self_attn.o_proj.weight": "attn_output.weight",
            "self_attn.q_norm.weight": "attn_q_norm.weight", "self_attn.k_norm.weight": "attn_k_norm.weight",
            "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight",
            "mlp.down_proj.weight": "ffn_down.weight",
            // Gemma's four norms; in Llama post_attention_layernorm is the norm before the MLP.
            "post_attention_layernorm.weight": architecture == "gemma3" ? "post_attention_norm.weight" : "ffn_norm.weight",
            "pre_feedforward_layernorm.weight": "ffn_norm.weight",
            "post_feedforward_layernorm.weight": "post_ffw_norm.weight",
        ]
        return table[rest].map { "blk.\(layer).\($0)" }
    }
}

/// A GGUF metadata value that must be present, named in the error when it is not.
struct GGUFMetadata {
    let file: GGUFFile
    let prefix: String

    func int(_ key: String) throws -> Int {
        guard let value = file.metadata[prefix + key]?.int else {
            throw WeightError(tensor: prefix + key, message: "metadata key missing in \(file.path)")
        }
        return value
    }

    func optionalInt(_ key: String) -> Int? { file.metadata[prefix + key]?.int }
    func optionalFloat(_ key: String) -> Float? { file.metadata[prefix + key]?.float }
}
