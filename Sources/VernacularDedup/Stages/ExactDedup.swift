import Synchronization
import VernacularCore

/// Exact-duplicate removal on normalised text, in three stages a cluster executor can run as
/// separate jobs: `hashes(shard:)` writes sorted runs of (text hash, document) per shard;
/// `merge()` merges them, keeps the first document (input order) of each hash and writes the
/// per-shard decisions; `filter(shard:)` writes the kept documents and removed records.
///
/// Hashes are 64-bit: two different texts collide with probability about n^2 / 2^65, 3 in a
/// million for 10 million documents. Memory: stage 1 holds at most `memoryBudget` bytes of
/// records over all workers, stage 2 a 64 KiB buffer per run and per shard.
public struct ExactDedup: Sendable {
    public let workspace: DedupWorkspace
    public let normalization: TextNormalization
    public static let stageName = "exact"
    /// Set on kept documents that had exact copies: how many copies the group had, itself included.
    public static let countField = "exact_dup_count"
    static let seed: UInt64 = 0xE8AC_7000_0000_0001

    public init(workspace: DedupWorkspace, normalization: TextNormalization = TextNormalization()) {
        self.workspace = workspace
        self.normalization = normalization
    }

    public func run(workers: Int, progress: DedupProgress? = nil) throws -> DedupSummary {
        var summary = DedupSummary(stage: ExactDedup.stageName)
        summary.shards = workspace.shardCount
        try prepare()
        let shards = workspace.shardCount
        try timed("hashes", &summary) {
            let done = Atomic<Int>(0)
            try forEachInParallel(shards, workers: workers) { shard in
                try hashes(shard: shard, workers: workers)
                progress?("exact: hashed \(done.add(1, ordering: .relaxed).newValue)/\(shards) shards")
            }
        }
        let merged = try timed("merge", &summary) { try merge() }
        summary.documentsIn = merged.documents
        summary.clusters = merged.groups
        progress?("exact: \(merged.groups) groups of copies, \(merged.removed) documents to remove")
        try workspace.runFilterStage(shards: shards, workers: workers, summary: &summary) { shard in
            try filter(shard: shard)
        }
        return summary
    }

    public func prepare() throws { try workspace.prepare(folders: ["exact"]) }

    /// Stage 1 for one shard.
    public func hashes(shard: Int, workers: Int = 1) throws {
        let runs = SortedRunBuffer(prefix: workspace.work + "/exact/" + Shard.name(forIndex: shard),
                                   capacity: workspace.memoryBudget / max(1, workers) / MemoryLayout<KeyedRecord>.stride)
        let ids = try IDStore.Writer(workspace: workspace, shard: shard)
        let normalizer = TextNormalizer(normalization)
        var bytes: [UInt8] = []
        var count = 0
        try workspace.forEachDocument(shard: shard) { document, position, _ in
            normalizer.normalize(document.text, into: &bytes)
            try runs.append(KeyedRecord(key: Hash64.hash(bytes, seed: ExactDedup.seed), doc: documentKey(shard: shard, position: position)))
            try ids.append(document.id)
            count = position + 1
        }
        try runs.flush()
        try ids.finish()
        try workspace.writeShardInfo(ShardInfo(documents: count, path: workspace.inputs[shard]), shard: shard)
    }

    /// Stage 2: needs every shard's stage 1.
    public func merge() throws -> (documents: Int, groups: Int, removed: Int) {
        let infos = try workspace.readShardInfos()
        let merger = try RunMerger(paths: try workspace.runFiles(in: "exact"))
        let ids = IDStore(workspace: workspace)
        var writers: [Int: DecisionFile.Writer] = [:]
        func writer(_ shard: Int) throws -> DecisionFile.Writer {
            if let existing = writers[shard] { return existing }
            let created = try DecisionFile.Writer(path: workspace.path("decisions", shard: shard, ".jsonl"))
            writers[shard] = created
            return created
        }
        var groups = 0, removed = 0
        // One group at a time: the first record of a hash is its keeper (records sort by
        // document within a hash, and document keys sort in input order).
        var group: [UInt64] = []
        var groupHash: UInt64 = 0
        func closeGroup() throws {
            defer { group.removeAll(keepingCapacity: true) }
            guard group.count > 1 else { return }
            groups += 1
            let keeperID = try ids.id(of: group[0])
            for (rank, key) in group.enumerated() {
                let (shard, position) = splitKey(key)
                try writer(shard).append(Decision(position: position, clusterSize: group.count,
                                                  duplicateOf: rank == 0 ? nil : keeperID))
                if rank > 0 { removed += 1 }
            }
        }
        while let record = try merger.next() {
            if !group.isEmpty, record.key != groupHash { try closeGroup() }
            groupHash = record.key
            group.append(record.doc)
        }
        try closeGroup()
        for (_, writer) in writers { try writer.finish() }
        return (infos.reduce(0) { $0 + $1.documents }, groups, removed)
    }

    /// Stage 3 for one shard; returns (kept, removed).
    @discardableResult
    public func filter(shard: Int) throws -> (Int, Int) {
        try workspace.applyDecisions(shard: shard, stage: ExactDedup.stageName, sizeField: ExactDedup.countField, onlyWithCopies: true)
    }
}
