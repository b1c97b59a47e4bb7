import VernacularWeights

extension LlamaConfiguration {
    /// Reads `<arch>.*` metadata (llama, qwen2, qwen3). llama.cpp's converter permutes the Q and K
    /// weights of the Llama architecture only, so RoPE is "traditional" for those files.
    init(gguf file: GGUFFile, architecture: String) throws {
        let m = GGUFMetadata(file: file, prefix: architecture + ".")
        let hidden = try m.int("embedding_length")
        let heads = try m.int("attention.head_count")
        let vocabulary = try m.optionalInt("vocab_size")
            ?? file.metadata["tokenizer.ggml.tokens"]?.array?.count
            ?? file.tensor("token_embd.weight").shape[0]
        let hasOutput = (try? file.tensor("output.weight")) != nil
        self.init(
            hiddenSize: hidden, intermediateSize: try m.int("feed_forward_length"), layerCount: try m.int("block_count"),
            attentionHeads: heads, kvHeads: m.optionalInt("attention.head_count_kv") ?? heads,
            headDim: m.optionalInt("attention.key_length") ?? hidden / heads, vocabularySize: vocabulary,
            rmsNormEps: m.optionalFloat("attention.layer_norm_rms_epsilon") ?? 1e-5,
            ropeTheta: m.optionalFloat("rope.freq_base") ?? 10000, ropeTraditional: architecture == "llama",
            tieWordEmbeddings: !hasOutput, attentionBias: architecture == "qwen2", qkNorm: architecture == "qwen3",
            maxPositionEmbeddings: m.optionalInt("context_length") ?? 2048)
    }
}

extension Gemma3Configuration {
    /// Reads `gemma3.*` metadata. GGUF stores norm weights as 1 + w already.
    init(gguf file: GGUFFile) throws {
        let m = GGUFMetadata(file: file, prefix: "gemma3.")
        let heads = try m.int("attention.head_count")
        let headDim = try m.int("attention.key_length")
        self.init(
            hiddenSize: try m.int("embedding_length"), intermediateSize: try m.int("feed_forward_length"),
            layerCount: try m.int("block_count"), attentionHeads: heads,
            kvHeads: m.optionalInt("attention.head_count_kv") ?? heads, headDim: headDim,
            vocabularySize: try file.metadata["tokenizer.ggml.tokens"]?.array?.count ?? file.tensor("token_embd.weight").shape[0],
            rmsNormEps: m.optionalFloat("attention.layer_norm_rms_epsilon") ?? 1e-6,
            ropeTheta: m.optionalFloat("rope.freq_base") ?? 1_000_000, ropeLocalBase: 10000,
            slidingWindow: m.optionalInt("attention.sliding_window") ?? 512, slidingWindowPattern: 6,
            queryPreAttentionScalar: Float(headDim), maxPositionEmbeddings: m.optionalInt("context_length") ?? 32768,
            normWeightsAreOffsets: false)
    }
}
