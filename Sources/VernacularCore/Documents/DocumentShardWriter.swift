/// Writes documents into numbered JSON Lines shards (`shard-00000.jsonl.zst`, ...), starting a
/// new shard every `documentsPerShard` documents. Each shard appears under its final name only
/// when complete.
public final class DocumentShardWriter {
    public let folder: String
    public let compression: Compression
    public let documentsPerShard: Int
    private var current: OutputFile?
    private var shardIndex = 0
    public private(set) var documentsWritten = 0
    public private(set) var files: [String] = []

    public init(folder: String, compression: Compression = .zstd, documentsPerShard: Int = 10_000) throws {
        self.folder = folder
        self.compression = compression
        self.documentsPerShard = max(1, documentsPerShard)
        try FileSystem.makeDirectory(folder)
    }

    public func write(_ document: Document) throws {
        if current == nil {
            let name = Shard.name(forIndex: shardIndex)
            current = try OutputFile(runFolder: folder, folder: ".", name: name + ".jsonl" + compression.fileExtension,
                                     compression: compression)
        }
        try current!.append(document)
        documentsWritten += 1
        if current!.documents >= documentsPerShard { try closeShard() }
    }

    /// Publishes the last, partly filled shard.
    public func finish() throws {
        try closeShard()
    }

    private func closeShard() throws {
        guard let file = current else { return }
        let published = try file.publish()
        files.append(folder + "/" + published.file.dropFirst(2))
        current = nil
        shardIndex += 1
    }
}
