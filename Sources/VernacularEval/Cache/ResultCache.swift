import Foundation

/// Per-item results, kept in an append-only JSON Lines file so that a rerun, or a run with one
/// more model, scores only what is new, and a killed run resumes where it stopped.
///
/// Each line is one finished item, written with a single `write` after the item is scored. A
/// line is only trusted when it ends with a newline and parses: the torn last line a kill leaves
/// is ignored, and cut off before anything new is appended.
public final class ResultCache {
    public let path: String
    private var records: [String: ItemRecord] = [:]
    private var handle: FileHandle?
    /// Lines that could not be read (torn or corrupt), for the run's summary.
    public private(set) var ignoredLines = 0

    struct Line: Codable {
        let key: String
        let record: ItemRecord
    }

    public init(path: String) throws {
        self.path = path
        let manager = FileManager.default
        try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var keepBytes = 0
        if let data = manager.contents(atPath: path) {
            var start = data.startIndex
            let decoder = JSONDecoder()
            while start < data.endIndex {
                guard let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    ignoredLines += 1  // torn: no newline after it
                    break
                }
                if let line = try? decoder.decode(Line.self, from: data[start..<newline]) {
                    records[line.key] = line.record
                } else if newline > start {
                    ignoredLines += 1
                }
                start = newline + 1
                keepBytes = start - data.startIndex
            }
        } else {
            guard manager.createFile(atPath: path, contents: nil) else { throw EvalError(file: path, "cannot create the cache") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw EvalError(file: path, "cannot open the cache for writing") }
        try handle.truncate(atOffset: UInt64(keepBytes))
        try handle.seekToEnd()
        self.handle = handle
    }

    deinit { try? handle?.close() }

    public var count: Int { records.count }

    public func record(for key: String) -> ItemRecord? { records[key] }

    /// Stores a finished item: in memory, and as one appended line on disk.
    public func store(_ record: ItemRecord, key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Line(key: key, record: record))
        data.append(UInt8(ascii: "\n"))
        do { try handle?.write(contentsOf: data) } catch { throw EvalError(file: path, "cannot append to the cache: \(error)") }
        records[key] = record
    }
}

/// A stable 64-bit FNV-1a hash, for cache keys that change whenever the prompt or settings do.
enum StableHash {
    static func hex(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            hash ^= 0x1F
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
