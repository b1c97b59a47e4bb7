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

    /// The tokenizer and a Hugging Face `tokenizer.json` text for it: the file itself, or for a
    /// GGUF model one written from its metadata (same ids, same encoding), so a vocabulary
    /// extension has a file to append to.
    public static func loadWithJSON(path: String) throws -> (tokenizer: Tokenizer, json: Data) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PackError.tokenizer(path: path, reason: "no such file")
        }
        if isGGUF(path: path) {
            do {
                let data = try GGUFTokenizerData(gguf: try GGUFFile(path: path))
                return (try Tokenizer(gguf: data), try data.huggingFaceJSON())
            } catch {
                throw PackError.tokenizer(path: path, reason: "\(error)")
            }
        }
        let json = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return (try Tokenizer(huggingFaceJSON: json), json)
        } catch {
            throw PackError.tokenizer(path: path, reason: "\(error)")
        }
    }

    /// Whether the file starts with GGUF's magic.
    public static func isGGUF(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }
}
