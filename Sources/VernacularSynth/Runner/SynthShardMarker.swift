import Foundation
import VernacularCore

/// Written after a shard's kept and rejected files are in place: the shard is finished. `key`
/// covers every request of the shard and every check, so a changed template, model, input or
/// check redoes the shard (from the cache, so without paying again).
public struct SynthShardMarker: Sendable, Codable, Equatable {
    public var shard: Int
    public var key: String
    public var items: Int
    public var kept: Int
    public var rejected: [String: Int]
    public var outputs: [OutputFile]
    /// Tokens of the answers behind this shard, whenever they were paid for.
    public var promptTokens: Int
    public var completionTokens: Int

    /// A file the shard wrote, relative to the job folder, with its size to check it by.
    public struct OutputFile: Sendable, Codable, Equatable {
        public var file: String
        public var bytes: Int
        public var records: Int
    }

    enum CodingKeys: String, CodingKey {
        case shard, key, items, kept, rejected, outputs
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
    }

    /// Valid when the key matches and each output file is there with its recorded size.
    func isValid(key: String, folder: String) -> Bool {
        guard key == self.key else { return false }
        return outputs.allSatisfy { output in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + output.file)
            return (attributes?[.size] as? Int) == output.bytes
        }
    }
}
