import Foundation

/// A Hugging Face `config.json` for the shape (LlamaForCausalLM): NxD's checkpoint converter needs
/// one, and the folder a converted checkpoint lands in must carry one for `vern` to load it.
enum HuggingFaceConfigFile {
    static func text(shape: ModelShape, maxPositions: Int) -> String {
        let object: [(String, String)] = [
            ("architectures", "[\"LlamaForCausalLM\"]"),
            ("model_type", "\"llama\""),
            ("hidden_size", "\(shape.hidden)"),
            ("intermediate_size", "\(shape.ffn)"),
            ("num_hidden_layers", "\(shape.layers)"),
            ("num_attention_heads", "\(shape.heads)"),
            ("num_key_value_heads", "\(shape.kvHeads)"),
            ("head_dim", "\(shape.headDim)"),
            ("vocab_size", "\(shape.vocab)"),
            ("max_position_embeddings", "\(maxPositions)"),
            ("rms_norm_eps", ConfigValue.double(shape.normEps).floatText),
            ("rope_theta", ConfigValue.double(shape.ropeTheta).floatText),
            ("tie_word_embeddings", shape.tiedEmbeddings ? "true" : "false"),
            ("hidden_act", "\"silu\""),
            ("attention_bias", "false"),
            ("mlp_bias", "false"),
            ("torch_dtype", "\"bfloat16\""),
        ]
        return "{\n" + object.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }
}

/// The plan's figures as a README section, shared by both bundles.
enum PlanSummary {
    static func markdown(plan: Plan, setting: PlanRow, config: TrainingConfig) -> String {
        let b = setting.bytes
        let c = config.cluster
        return """
            ## The plan (`vern cluster plan`)

            | | |
            | --- | --- |
            | model | \(String(format: "%.3g", plan.parameterCount / 1e9))B parameters, \(config.shape.layers) layers, hidden \(config.shape.hidden), \(config.shape.heads) heads (\(config.shape.kvHeads) kv), ffn \(config.shape.ffn), vocab \(config.shape.vocab) |
            | cluster | \(c.nodes) nodes × \(c.devicesPerNode) \(c.device.rawValue) (\(c.deviceCount) devices, \(c.deviceMemoryGiB.formatted) GiB each) |
            | setting | tensor parallel \(setting.tensorParallel), data parallel \(setting.dataParallel), ZeRO stage \(setting.zeroStage), \(setting.gradientAccumulation) micro-batches accumulated per step |
            | per device | parameters \(GB(b.parameters)), gradients \(GB(b.gradients)), optimizer \(GB(b.optimizer)), activations \(GB(b.activations)) (\(setting.activationVariant.rawValue)): total \(GB(b.total)) of \(GB(plan.usableBytes)) usable |
            | speed | \(String(format: "%.0f", plan.throughput.tokensPerSecond)) tokens/s at \(Int((plan.mfu * 100).rounded()))% MFU (6·N FLOPs per token) |
            | time | \(String(format: "%.3g", plan.totalTokens)) tokens in \(String(format: "%.1f", plan.throughput.days)) days |

            How the figures are counted:

            \(plan.notes.map { "- " + $0 }.joined(separator: "\n"))

            `plan.json` beside this file holds every setting the planner tried, those that do not fit included.
            """
    }
}
