import Foundation
import VernacularCore

/// One row of a released dataset. The columns are the same type in every row (strings), so the
/// `datasets` library infers one schema across shards; the document's `meta`, whose keys differ
/// from source to source, travels as one JSON string.
public struct DatasetRow: Sendable, Equatable {
    public var id: String
    public var text: String
    public var source: String
    /// The licence of the source the document came from, as recorded.
    public var license: String?
    public var meta: JSONObject

    /// The columns, in file order, as the card's `features` lists them.
    public static let columns = ["id", "text", "source", "license", "meta"]

    /// Bytes of this row in an Arrow table of the five string columns: the values' UTF-8 bytes
    /// and a 4-byte offset per value. `datasets` measures a split this way (its `num_bytes`) and,
    /// with `verification_mode="all_checks"`, compares it with the card's.
    public var arrowBytes: Int {
        let metaText = JSONWriter.string(.object(meta))
        return id.utf8.count + text.utf8.count + source.utf8.count + (license?.utf8.count ?? 0) + metaText.utf8.count
            + 4 * Self.columns.count
    }

    public func jsonLine() -> [UInt8] {
        var object = JSONObject()
        object["id"] = .string(id)
        object["text"] = .string(text)
        object["source"] = .string(source)
        object["license"] = license.map { .string($0) } ?? .null
        object["meta"] = .string(JSONWriter.string(.object(meta)))
        var line: [UInt8] = []
        JSONWriter.append(object, to: &line)
        line.append(UInt8(ascii: "\n"))
        return line
    }
}

/// Writes one split's rows into numbered shards (`data/train-00000-of-00002.jsonl.gz`), the
/// layout the Hub's own converters use, starting a new shard every `rowsPerShard` rows.
final class SplitShardWriter {
    let split: String
    let folder: String
    let format: ShardFormat
    let rowsPerShard: Int
    private(set) var rows = 0
    private(set) var characters = 0
    private(set) var arrowBytes = 0
    private var sink: (any ByteSink)?
    private var rowsInShard = 0
    private var temporaryFiles: [String] = []

    init(split: String, folder: String, format: ShardFormat, rowsPerShard: Int) {
        self.split = split
        self.folder = folder
        self.format = format
        self.rowsPerShard = rowsPerShard
    }

    func write(_ row: DatasetRow) throws {
        if sink == nil || rowsInShard == rowsPerShard {
            try sink?.finish()
            let path = folder + "/\(split)-\(temporaryFiles.count).part"
            sink = try FileByteSink.create(path: path, compression: format.compression, durable: false).sink
            temporaryFiles.append(path)
            rowsInShard = 0
        }
        try sink!.write(row.jsonLine())
        rowsInShard += 1
        rows += 1
        characters += row.text.unicodeScalars.count
        arrowBytes += row.arrowBytes
    }

    /// Closes the last shard and gives the shards their final names; returns them relative to
    /// the release folder's `data/`.
    func finish() throws -> [String] {
        try sink?.finish()
        sink = nil
        let total = temporaryFiles.count
        return try temporaryFiles.enumerated().map { index, path in
            let name = "\(split)-\(Self.padded(index))-of-\(Self.padded(total)).\(format.fileExtension)"
            try FileSystem.rename(path, to: folder + "/" + name)
            return name
        }
    }

    static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
