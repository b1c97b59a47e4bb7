import VernacularWeights

extension GGUFTokenizerData {
    /// The tokenizer llama.cpp stores in a GGUF file's `tokenizer.ggml.*` metadata: one reading
    /// shared by model loading and packing.
    public init(gguf file: GGUFFile) throws {
        let metadata = file.metadata
        guard let model = metadata["tokenizer.ggml.model"]?.string,
              let tokens = metadata["tokenizer.ggml.tokens"]?.stringArray else {
            throw TokenizerError.malformed("\(file.path) has no embedded tokenizer (tokenizer.ggml.tokens)")
        }
        func id(_ key: String) -> Int32? { metadata["tokenizer.ggml." + key]?.int.map(Int32.init) }
        self.init(
            model: model, pre: metadata["tokenizer.ggml.pre"]?.string, tokens: tokens,
            scores: metadata["tokenizer.ggml.scores"]?.floatArray,
            tokenTypes: metadata["tokenizer.ggml.token_type"]?.intArray?.map(Int32.init),
            merges: metadata["tokenizer.ggml.merges"]?.stringArray,
            bosID: id("bos_token_id"), eosID: id("eos_token_id"), unknownID: id("unknown_token_id"),
            paddingID: id("padding_token_id"), addBOS: metadata["tokenizer.ggml.add_bos_token"]?.bool,
            addEOS: metadata["tokenizer.ggml.add_eos_token"]?.bool,
            addSpacePrefix: metadata["tokenizer.ggml.add_space_prefix"]?.bool)
    }
}
