import Foundation

/// The shape of a Llama-style decoder (RMSNorm, rotary positions, SwiGLU, grouped-query attention):
/// what the planner counts and what the engines' model configs need.
public struct ModelShape: Sendable, Equatable, Codable {
    public var layers: Int
    public var hidden: Int
    public var heads: Int
    public var kvHeads: Int
    /// SwiGLU inner width (the gate and up projections' outputs).
    public var ffn: Int
    public var vocab: Int
    /// Input embedding and output head share one matrix (SmolLM2 does, Llama 3 8B does not).
    public var tiedEmbeddings: Bool
    public var ropeTheta: Double
    public var normEps: Double

    public init(layers: Int, hidden: Int, heads: Int, kvHeads: Int, ffn: Int, vocab: Int,
                tiedEmbeddings: Bool = false, ropeTheta: Double = 500_000, normEps: Double = 1e-5) {
        self.layers = layers
        self.hidden = hidden
        self.heads = heads
        self.kvHeads = kvHeads
        self.ffn = ffn
        self.vocab = vocab
        self.tiedEmbeddings = tiedEmbeddings
        self.ropeTheta = ropeTheta
        self.normEps = normEps
    }

    public var headDim: Int { hidden / heads }

    /// Parameters counted from the shape: embeddings (twice when untied), per layer the Q/K/V/O
    /// projections, the three SwiGLU matrices and two norm vectors, and the final norm.
    public var parameterCount: Double {
        let h = Double(hidden), f = Double(ffn), v = Double(vocab)
        let kv = Double(kvHeads * headDim)
        let attention = 2 * h * h + 2 * h * kv
        let perLayer = attention + 3 * h * f + 2 * h
        let embeddings = v * h * (tiedEmbeddings ? 1 : 2)
        return Double(layers) * perLayer + embeddings + h
    }

    /// Checks what the formulas divide by.
    public func validate(file: String) throws {
        func fail(_ message: String) -> ClusterError { .config(file: file, line: nil, message: "model: " + message) }
        for (name, value) in [("layers", layers), ("hidden", hidden), ("heads", heads), ("kv_heads", kvHeads),
                              ("ffn", ffn), ("vocab", vocab)] where value <= 0 {
            throw fail("'\(name)' must be positive, not \(value)")
        }
        guard hidden % heads == 0 else { throw fail("hidden \(hidden) is not a multiple of heads \(heads)") }
        guard heads % kvHeads == 0 else { throw fail("heads \(heads) is not a multiple of kv_heads \(kvHeads)") }
    }

    /// Reads the shape from a Hugging Face `config.json` (Llama, Mistral, Qwen2 and SmolLM2 name the
    /// keys alike).
    public static func load(huggingFaceFolder folder: String) throws -> ModelShape {
        let path = folder + "/config.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterError.modelFolder(path: folder, reason: "no config.json")
        }
        struct HFConfig: Decodable {
            var num_hidden_layers: Int
            var hidden_size: Int
            var num_attention_heads: Int
            var num_key_value_heads: Int?
            var intermediate_size: Int
            var vocab_size: Int
            var tie_word_embeddings: Bool?
            var rope_theta: Double?
            var rms_norm_eps: Double?
            var head_dim: Int?
        }
        let config: HFConfig
        do { config = try JSONDecoder().decode(HFConfig.self, from: data) } catch {
            throw ClusterError.modelFolder(path: folder, reason: "config.json: \(error)")
        }
        // The planner and both engines' Llama models take the head size to be hidden / heads.
        if let headDim = config.head_dim, headDim * config.num_attention_heads != config.hidden_size {
            throw ClusterError.modelFolder(
                path: folder, reason: "head_dim \(headDim) × \(config.num_attention_heads) heads is not hidden_size \(config.hidden_size): not a Llama-style shape")
        }
        return ModelShape(
            layers: config.num_hidden_layers, hidden: config.hidden_size, heads: config.num_attention_heads,
            kvHeads: config.num_key_value_heads ?? config.num_attention_heads, ffn: config.intermediate_size,
            vocab: config.vocab_size, tiedEmbeddings: config.tie_word_embeddings ?? false,
            ropeTheta: config.rope_theta ?? 10_000, normEps: config.rms_norm_eps ?? 1e-5)
    }
}
