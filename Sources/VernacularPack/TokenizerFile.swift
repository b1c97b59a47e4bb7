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
            do {
                return try Tokenizer(gguf: try GGUFTokenizerData(gguf: file))
            } catch let error as TokenizerError {
                throw PackError.tokenizer(path: path, reason: "\(error)")
            }
        }
        return try Tokenizer(huggingFaceJSONAt: URL(fileURLWithPath: path))
    }

    /// Whether the file starts with GGUF's magic.
    public static func isGGUF(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }
}
