import Foundation

/// One file a shard produced, with what is needed to check it later.
public struct ShardOutputFile: Sendable, Codable, Equatable {
    /// Path relative to the run folder.
    public let file: String
    public let bytes: Int
    /// CRC-32 of the file's bytes, hex.
    public let crc32: String
    public let documents: Int
}

/// Written (atomically) after all of a shard's outputs are renamed into place: its presence is
/// the only thing that makes a shard count as finished.
public struct CompletionMarker: Sendable, Codable, Equatable {
    public let shard: Shard
    public let configHash: String
    public let outputs: [ShardOutputFile]
    public let stats: RunStats

    enum CodingKeys: String, CodingKey {
        case shard, outputs, stats
        case configHash = "config_hash"
    }

    /// True when this marker was left by the same pipeline over the same, unchanged input, and
    /// every output it lists is still there with its recorded size.
    public func isValid(for shard: Shard, configHash: String, runFolder: String) -> Bool {
        guard self.configHash == configHash, self.shard == shard else { return false }
        return outputs.allSatisfy { output in
            (try? ShardPlanner.fileInfo(runFolder + "/" + output.file).size) == output.bytes
        }
    }
}

/// Writes JSON files atomically (temporary name, then rename) with sorted keys, so markers and
/// manifests are never seen half-written and diff cleanly.
public enum AtomicJSONFile {
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        let temporary = path + ".tmp"
        let (sink, _) = try FileByteSink.create(path: temporary, compression: Compression.none)
        try sink.write(Array(data) + [0x0A])
        try sink.finish()
        try FileSystem.rename(temporary, to: path)
    }

    public static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let bytes = try readWholeFile(path)
        return try JSONDecoder().decode(type, from: Data(bytes))
    }
}

/// Small POSIX file-system helpers with errors that name the path.
public enum FileSystem {
    public static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw IOError(path: to, message: "cannot rename from \(from): \(String(cString: strerror(errno)))")
        }
    }

    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw IOError(path: path, message: "cannot create folder: \(error.localizedDescription)")
        }
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    public static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}
