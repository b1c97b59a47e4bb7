import Foundation
import VernacularEngine
import VernacularModels
import VernacularPack
import VernacularTokenizer
import VernacularWeights

/// Writes a trained model as one GGUF file (F32, F16 or Q8_0) that our engine and llama.cpp
/// load. The base model's GGUF metadata (architecture keys, tokenizer, chat template) is carried
/// over in its order; an extended byte-level tokenizer's new tokens and merges are appended to
/// the base's lists. Weights keep the GGUF layout they were loaded in (Q and K permuted for
/// llama.cpp's RoPE), so nothing is re-permuted.
public enum GGUFExport {
    public static func write(weights: [(name: String, array: MLXArray)], base: LoadedModel, extended: ExtendedTokenizer?,
                             vocabularySize: Int, type: GGMLType, to path: String) throws {
        guard TokenizerFile.isGGUF(path: base.path) else {
            throw TrainingError.invalidOption("--format gguf needs a GGUF base model (this run's base is \(base.path)); use --format hf")
        }
        let file = try GGUFFile(path: base.path)
        var metadata: [(key: String, value: GGUFValue)] = []
        let tokenizerAdditions = try extended.map { try additions(extended: $0, base: file) }
        for key in file.metadataKeys {
            guard var value = file.metadata[key] else { continue }
            switch key {
            case "general.file_type":
                value = .uint32(fileType(type))
            case "general.alignment":
                continue
            case "tokenizer.ggml.tokens":
                if let add = tokenizerAdditions, case .array(let items) = value { value = .array(items + add.tokens.map { .string($0) }) }
            case "tokenizer.ggml.token_type":
                if let add = tokenizerAdditions, case .array(let items) = value {
                    value = .array(items + Array(repeating: .int32(GGUFTokenType.normal.rawValue), count: add.tokens.count))
                }
            case "tokenizer.ggml.merges":
                if let add = tokenizerAdditions, case .array(let items) = value { value = .array(items + add.merges.map { .string($0) }) }
            case "tokenizer.ggml.scores":
                if let add = tokenizerAdditions, case .array(let items) = value {
                    value = .array(items + Array(repeating: .float32(0), count: add.tokens.count))
                }
            default:
                if key.hasSuffix(".vocab_size") { value = .uint32(UInt32(vocabularySize)) }
            }
            metadata.append((key, value))
        }
        if file.metadata["general.file_type"] == nil { metadata.append(("general.file_type", .uint32(fileType(type)))) }
        let architecture = file.architecture ?? base.architecture
        var tensors: [GGUFWriter.Tensor] = []
        for (name, array) in weights {
            guard let ggufName = GGUFWeightSource.ggufName(for: name, architecture: architecture) else {
                throw TrainingError.run("no GGUF name for weight \(name)")
            }
            // Norms and biases stay F32, as llama.cpp's converter keeps them; rows that do not
            // fill Q8_0 blocks fall back to F16.
            var tensorType = array.ndim == 1 ? GGMLType.f32 : type
            if tensorType == .q8_0 && array.dim(-1) % 32 != 0 { tensorType = .f16 }
            tensors.append(GGUFWriter.Tensor(name: ggufName, shape: array.shape, values: try array.asFloats(), type: tensorType))
        }
        let temporary = path + ".partial"
        try GGUFWriter.write(metadata: metadata, tensors: tensors, to: temporary)
        guard Foundation.rename(temporary, path) == 0 else { throw TrainingError.run("cannot rename \(temporary) to \(path)") }
    }

    /// llama.cpp's `general.file_type` codes (LLAMA_FTYPE_*).
    static func fileType(_ type: GGMLType) -> UInt32 {
        switch type {
        case .f16: return 1
        case .q8_0: return 7
        default: return 0
        }
    }

    /// The extension's tokens (vocabulary entries) and merges ("left right"), from its tokenizer.json.
    static func additions(extended: ExtendedTokenizer, base: GGUFFile) throws -> (tokens: [String], merges: [String]) {
        guard base.metadata["tokenizer.ggml.model"]?.string == "gpt2" else {
            throw TrainingError.invalidOption("--format gguf with an extended tokenizer supports byte-level (gpt2) tokenizers; use --format hf")
        }
        let baseMerges = base.metadata["tokenizer.ggml.merges"]?.array?.count ?? 0
        guard let root = try JSONSerialization.jsonObject(with: extended.tokenizerJSON) as? [String: Any],
              let model = root["model"] as? [String: Any], let merges = model["merges"] as? [Any] else {
            throw TrainingError.tokenizerMismatch("the extended tokenizer.json has no model.merges")
        }
        let lines = merges.dropFirst(baseMerges).compactMap { entry -> String? in
            if let text = entry as? String { return text }
            if let pair = entry as? [String], pair.count == 2 { return pair[0] + " " + pair[1] }
            return nil
        }
        return (extended.newTokens.sorted { $0.id < $1.id }.map(\.token), lines)
    }
}
