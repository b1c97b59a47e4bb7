import Foundation
import VernacularCore
import VernacularEngine
import VernacularModels
import VernacularTokenizer
import VernacularWeights

/// Writes a trained model as a Hugging Face folder: `config.json`, `model.safetensors` (float32,
/// adapters merged), `tokenizer.json`, `tokenizer_config.json` and `generation_config.json`,
/// in the layout transformers and mlx-lm load. Written into a temporary folder, then renamed.
public enum HuggingFaceExport {
    public static func write(weights: [(name: String, array: MLXArray)], recipe: ModelRecipe, tokenizer: Tokenizer,
                             tokenizerJSON: Data, chatTemplate: ChatTemplate?, to folder: String) throws {
        guard case .llama(var configuration) = recipe.shape else {
            throw TrainingError.invalidOption("export to a Hugging Face folder supports the Llama family (llama, qwen2, qwen3) so far, not \(recipe.architecture)")
        }
        let temporary = folder + ".partial"
        FileSystem.remove(temporary)
        try FileSystem.makeDirectory(temporary)
        // GGUF files hold Q and K permuted for llama.cpp's interleaved RoPE; Hugging Face pairs
        // the two halves of each head. Undo the permutation so the folder means the same model.
        let unpermute = configuration.ropeTraditional
        var tensors: [SafetensorsWriter.Tensor] = []
        for (name, array) in weights {
            var value = array
            if unpermute, name.hasSuffix("self_attn.q_proj.weight") {
                value = try halvesLayout(array, heads: configuration.attentionHeads)
            } else if unpermute, name.hasSuffix("self_attn.k_proj.weight") {
                value = try halvesLayout(array, heads: configuration.kvHeads)
            }
            tensors.append(SafetensorsWriter.Tensor(name: name, shape: value.shape, values: try value.asFloats()))
        }
        configuration.ropeTraditional = false
        try SafetensorsWriter.write(tensors, to: temporary + "/model.safetensors")
        try writeJSON(config(configuration, architecture: recipe.architecture, tokenizer: tokenizer), to: temporary + "/config.json")
        try tokenizerJSON.write(to: URL(fileURLWithPath: temporary + "/tokenizer.json"))
        try writeJSON(tokenizerConfig(tokenizer, chatTemplate: chatTemplate, context: configuration.maxPositionEmbeddings),
                      to: temporary + "/tokenizer_config.json")
        var generation: [String: Any] = ["_from_model_config": true]
        if let bos = tokenizer.bosTokenID { generation["bos_token_id"] = Int(bos) }
        if let eos = tokenizer.eosTokenID { generation["eos_token_id"] = Int(eos) }
        try writeJSON(generation, to: temporary + "/generation_config.json")
        FileSystem.remove(folder)
        try FileSystem.rename(temporary, to: folder)
    }

    /// Rows of each head from [pair0, pair1, ...] interleaving to [first halves | second halves].
    static func halvesLayout(_ weight: MLXArray, heads: Int) throws -> MLXArray {
        let (rows, columns) = (weight.dim(0), weight.dim(1))
        let headDim = rows / heads
        let split = try reshaped(weight, [heads, headDim / 2, 2, columns])
        return try reshaped(transposed(split, axes: [0, 2, 1, 3]), [rows, columns])
    }

    static func config(_ c: LlamaConfiguration, architecture: String, tokenizer: Tokenizer) throws -> [String: Any] {
        let encoded = try JSONEncoder().encode(c)
        var config = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] ?? [:]
        config.removeValue(forKey: "rope_traditional")
        let className = ["qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM"][architecture] ?? "LlamaForCausalLM"
        config["architectures"] = [className]
        config["model_type"] = architecture
        config["hidden_act"] = "silu"
        config["torch_dtype"] = "float32"
        config["initializer_range"] = 0.02
        config["rope_scaling"] = NSNull()
        config["use_cache"] = true
        if let bos = tokenizer.bosTokenID { config["bos_token_id"] = Int(bos) }
        if let eos = tokenizer.eosTokenID { config["eos_token_id"] = Int(eos) }
        return config
    }

    static func tokenizerConfig(_ tokenizer: Tokenizer, chatTemplate: ChatTemplate?, context: Int) -> [String: Any] {
        var config: [String: Any] = [
            "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": context,
            "add_bos_token": tokenizer.addsBOS, "add_eos_token": tokenizer.addsEOS, "clean_up_tokenization_spaces": false,
        ]
        if let bos = tokenizer.bosTokenID, let text = tokenizer.tokenText(for: bos) { config["bos_token"] = text }
        if let eos = tokenizer.eosTokenID, let text = tokenizer.tokenText(for: eos) { config["eos_token"] = text }
        if chatTemplate == .chatML {
            // The ChatML format our ChatTemplate renders, as a Jinja template for transformers.
            config["chat_template"] = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
        }
        return config
    }

    static func writeJSON(_ object: [String: Any], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try (data + Data([0x0A])).write(to: URL(fileURLWithPath: path))
    }
}
