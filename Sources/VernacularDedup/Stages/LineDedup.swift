import Synchronization
import VernacularCore

/// Settings of repeated-line removal.
public struct LineDedupOptions: Sendable, Equatable {
    /// A line found in at least this many documents is boilerplate and leaves all of them.
    public var minDocuments = 10
    /// Lines compare after this normalisation; a line that normalises to nothing (blank, only
    /// punctuation) is never counted or removed.
    public var normalization = TextNormalization()

    public init(minDocuments: Int = 10, normalization: TextNormalization = TextNormalization()) {
        self.minDocuments = minDocuments
        self.normalization = normalization
    }
}

/// Repeated-line removal (credits, share buttons, navigation) in three stages:
/// `lineHashes(shard:)` writes sorted runs of (line hash, document), one record per distinct
/// line of a document; `findRepeated()` merges them and keeps the hashes found in at least K
/// documents; `filter(shard:)` removes those lines from every document. A document left with no
/// text is removed (recorded with `duplicate_of: null`); others get `meta.dup_lines_removed`.
///
/// Memory: stage 1 holds at most `memoryBudget` bytes of records over all workers; stage 2 a
/// 64 KiB buffer per run; stage 3 the set of repeated hashes (16 bytes each, about).
public struct LineDedup: Sendable {
    public let workspace: DedupWorkspace
    public let options: LineDedupOptions
    public static let stageName = "lines"
    public static let removedField = "dup_lines_removed"
    static let seed: UInt64 = 0x11E5_0000_0000_0001

    public init(workspace: DedupWorkspace, options: LineDedupOptions = LineDedupOptions()) throws {
        guard options.minDocuments >= 2 else {
            throw DedupError.badOption("the document count for a repeated line must be at least 2, got \(options.minDocuments)")
        }
        self.workspace = workspace
        self.options = options
    }

    public func run(workers: Int, progress: DedupProgress? = nil) throws -> DedupSummary {
        var summary = DedupSummary(stage: LineDedup.stageName)
        summary.shards = workspace.shardCount
        try prepare()
        let shards = workspace.shardCount
        try timed("line_hashes", &summary) {
            let done = Atomic<Int>(0)
            try forEachInParallel(shards, workers: workers) { shard in
                try lineHashes(shard: shard, workers: workers)
                progress?("lines: hashed \(done.add(1, ordering: .relaxed).newValue)/\(shards) shards")
            }
        }
        summary.repeatedLines = try timed("count", &summary) { try findRepeated() }
        summary.documentsIn = try workspace.readShardInfos().reduce(0) { $0 + $1.documents }
        progress?("lines: \(summary.repeatedLines) lines repeated in at least \(options.minDocuments) documents")
        let counts = Mutex<(kept: Int, removed: Int, lines: Int)>((0, 0, 0))
        try timed("filter", &summary) {
            try forEachInParallel(shards, workers: workers) { shard in
                let result = try filter(shard: shard)
                counts.withLock { $0.kept += result.kept; $0.removed += result.removed; $0.lines += result.lines }
            }
            try workspace.publishRemoved()
        }
        (summary.documentsKept, summary.documentsRemoved, summary.linesRemoved) = counts.withLock { $0 }
        return summary
    }

    public func prepare() throws { try workspace.prepare(folders: ["lines"]) }

    /// Calls `body` with each line of `text` (without its newline) and its hash; nil hash for a
    /// line that normalises to nothing.
    func forEachLine(_ text: String, normalizer: TextNormalizer, bytes: inout [UInt8],
                     _ body: (Substring, UInt64?) throws -> Void) rethrows {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            normalizer.normalize(String(line), into: &bytes)
            try body(line, bytes.isEmpty ? nil : Hash64.hash(bytes, seed: LineDedup.seed))
        }
    }

    /// Stage 1 for one shard.
    public func lineHashes(shard: Int, workers: Int = 1) throws {
        let runs = SortedRunBuffer(prefix: workspace.work + "/lines/" + Shard.name(forIndex: shard),
                                   capacity: workspace.memoryBudget / max(1, workers) / MemoryLayout<KeyedRecord>.stride)
        let normalizer = TextNormalizer(options.normalization)
        var bytes: [UInt8] = []
        var seen = Set<UInt64>()
        var count = 0
        try workspace.forEachDocument(shard: shard) { document, position, _ in
            seen.removeAll(keepingCapacity: true)
            let key = documentKey(shard: shard, position: position)
            try forEachLine(document.text, normalizer: normalizer, bytes: &bytes) { _, hash in
                if let hash, seen.insert(hash).inserted { try runs.append(KeyedRecord(key: hash, doc: key)) }
            }
            count = position + 1
        }
        try runs.flush()
        try workspace.writeShardInfo(ShardInfo(documents: count, path: workspace.inputs[shard]), shard: shard)
    }

    /// Stage 2: writes the repeated hashes, sorted, to `lines/repeated.hashes`; returns their number.
    @discardableResult
    public func findRepeated() throws -> Int {
        let merger = try RunMerger(paths: try workspace.runFiles(in: "lines"))
        let writer = try RecordWriter<UInt64>(path: workspace.work + "/lines/repeated.hashes")
        var current: UInt64 = 0
        var documents = 0
        var started = false
        func close() throws { if started, documents >= options.minDocuments { try writer.append(current) } }
        while let record = try merger.next() {
            // Each document contributes one record per distinct line, so records count documents.
            if started, record.key == current {
                documents += 1
            } else {
                try close()
                current = record.key
                documents = 1
                started = true
            }
        }
        try close()
        try writer.finish()
        return writer.count
    }

    /// Stage 3 for one shard.
    @discardableResult
    public func filter(shard: Int) throws -> (kept: Int, removed: Int, lines: Int) {
        let repeated = Set(try RecordReader<UInt64>.readAll(path: workspace.work + "/lines/repeated.hashes"))
        let output = try ShardOutput(workspace: workspace, shard: shard, stage: LineDedup.stageName)
        let normalizer = TextNormalizer(options.normalization)
        var bytes: [UInt8] = []
        var removedLines = 0
        try workspace.forEachDocument(shard: shard) { document, _, _ in
            var kept: [Substring] = []
            var dropped = 0
            forEachLine(document.text, normalizer: normalizer, bytes: &bytes) { line, hash in
                if let hash, repeated.contains(hash) { dropped += 1 } else { kept.append(line) }
            }
            guard dropped > 0 else {
                try output.keep(document)
                return
            }
            removedLines += dropped
            let text = kept.joined(separator: "\n")
            if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                try output.remove(id: document.id, duplicateOf: nil)
                return
            }
            var changed = document
            changed.text = text
            changed.meta[LineDedup.removedField] = JSONValue(dropped)
            try output.keep(changed)
        }
        try output.finish()
        return (output.kept, output.removed, removedLines)
    }
}
