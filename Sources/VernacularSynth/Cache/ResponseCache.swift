import Foundation
import VernacularCore

/// One answer as the cache keeps it: the request it answers (so a cache file explains itself) and
/// when it came.
public struct CachedAnswer: Sendable, Codable, Equatable {
    public var requestHash: String
    public var model: String
    public var messages: [ChatMessage]
    public var answer: ChatAnswer
    public var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case model, messages, answer
        case requestHash = "request_hash", receivedAt = "received_at"
    }
}

/// Answers on disk, one JSON file per request under `cache/<first two hex digits>/<hash>.json`,
/// each written to a temporary name, flushed and renamed, so a killed run leaves either the whole
/// answer or none. A file that does not decode (a disk fault, a hand edit) counts as absent and is
/// asked again, never as an answer.
public struct ResponseCache: Sendable {
    public let folder: String

    public init(folder: String) throws {
        self.folder = folder
        try FileSystem.makeDirectory(folder)
    }

    func path(for hash: String) -> String { "\(folder)/\(hash.prefix(2))/\(hash).json" }

    public func answer(for hash: String) -> CachedAnswer? {
        let path = path(for: hash)
        guard FileSystem.exists(path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = FileManager.default.contents(atPath: path),
              let cached = try? decoder.decode(CachedAnswer.self, from: data), cached.requestHash == hash else { return nil }
        return cached
    }

    public func store(_ cached: CachedAnswer) throws {
        let path = path(for: cached.requestHash)
        try FileSystem.makeDirectory((path as NSString).deletingLastPathComponent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(cached)
        // A name of its own per writer: two runs on one folder never share a temporary file.
        let temporary = path + ".\(getpid()).tmp"
        let sink = try FileByteSink(path: temporary)
        try sink.write(Array(data) + [0x0A])
        try sink.finish()
        try FileSystem.rename(temporary, to: path)
    }

    /// How many answers the cache holds.
    public func count() -> Int {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var total = 0
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".json") { total += 1 }
        }
        return total
    }
}
