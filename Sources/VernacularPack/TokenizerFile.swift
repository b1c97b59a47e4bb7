import Foundation
import VernacularTokenizer
import VernacularWeights

/// Loads a tokenizer from a Hugging Face `tokenizer.json` or from the metadata of a GGUF model,
/// chosen by the file's first bytes rather than its name.
public enum TokenizerFile {
    public static func load(path: String) throws -> Tokenizer {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PackError.tokenizer(path: path, reason: "no such file")
        }
        if isGGUF(path: path) {
            let file: GGUFFile
            do { file = try GGUFFile(path: path) } catch { throw PackError.tokenizer(path: path, reason: "\(error)") }
            return try Tokenizer(gguf: try ggufTokenizerData(file))
        }
        return try Tokenizer(huggingFaceJSONAt: URL(fileURLWithPath: path))
    }

    /// Whether the file starts with GGUF's magic.
    public static func isGGUF(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }

    /// The `tokenizer.ggml.*` keys llama.cpp writes (the same reading as VernacularModels' loader,
    /// which we cannot use here without linking the tensor engine).
    static func ggufTokenizerData(_ file: GGUFFile) throws -> GGUFTokenizerData {
        let metadata = file.metadata
        guard let model = metadata["tokenizer.ggml.model"]?.string,
              let tokens = metadata["tokenizer.ggml.tokens"]?.stringArray else {
            throw PackError.tokenizer(path: file.path, reason: "no embedded tokenizer (tokenizer.ggml.tokens)")
        }
        func id(_ key: String) -> Int32? { metadata["tokenizer.ggml." + key]?.int.map(Int32.init) }
        return GGUFTokenizerData(
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
