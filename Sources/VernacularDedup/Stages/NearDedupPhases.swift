import Foundation
import Synchronization
import VernacularCore

/// Near dedup's stages as separate commands, for a cluster executor that runs each as its own
/// job (`vern dedup near --phase P`): the per-shard and per-band ones split over array tasks.
public enum NearDedupPhase: String, Sendable, Codable, CaseIterable {
    /// Empties the work folder and records the settings (one job, before the others).
    case prepare
    /// Stage 1, per shard.
    case signatures
    /// Stage 2, per band.
    case buckets
    /// Stage 3, one job over the whole corpus.
    case cluster
    /// Stage 4, per shard.
    case filter
    /// Joins the removed records into `removed.jsonl` and reports the summary.
    case publish

    /// Whether the phase's work comes in items (shards or bands) that tasks can share.
    public var splitsIntoTasks: Bool { self == .signatures || self == .buckets || self == .filter }
}

/// What stage 3 found, kept in the work folder for the publish phase's summary.
struct ClusterRecord: Codable, Equatable {
    var stats: NearDedup.ClusterStats
    var candidatePairs: Int
}

/// Runs one phase (or one task's part of it). Each item's output is its own completion record, so
/// a rerun does only the items without one; an item redone invalidates what later phases built
/// from it (redone signatures drop the bands' pairs, re-merged bands drop the cluster's result),
/// so a later phase never reads stale work.
extension NearDedup {
    /// Shards for the per-shard phases, bands for the buckets, one item for the others.
    public func itemCount(of phase: NearDedupPhase) -> Int {
        switch phase {
        case .signatures, .filter: return workspace.shardCount
        case .buckets: return options.minHash.bands
        case .prepare, .cluster, .publish: return 1
        }
    }

    var clusterRecordPath: String { workspace.work + "/cluster.json" }
    var publishedPath: String { workspace.output + "/removed.jsonl" }

    func outputShardPath(_ shard: Int) -> String { workspace.output + "/" + Shard.name(forIndex: shard) + ".jsonl.zst" }

    /// Whether an item of a phase has finished output that is still valid.
    public func isFinished(_ phase: NearDedupPhase, item: Int) -> Bool {
        switch phase {
        case .prepare:
            return (try? AtomicJSONFile.read(NearDedupRecord.self, from: recordPath)) == record
        case .signatures:
            guard let info = try? AtomicJSONFile.read(ShardInfo.self, from: workspace.path("shards", shard: item, ".json")) else { return false }
            return info.path == workspace.inputs[item] && info.filesAreIntact(work: workspace.work)
        case .buckets:
            return FileSystem.exists(pairsPath(item))
        case .cluster:
            return FileSystem.exists(clusterRecordPath)
        case .filter:
            return FileSystem.exists(outputShardPath(item)) && FileSystem.exists(workspace.path("removed", shard: item, ".jsonl"))
        case .publish:
            return false
        }
    }

    /// The tasks (of `taskCount`, item i going to task i mod taskCount) that still own unfinished items.
    public func unfinishedTasks(_ phase: NearDedupPhase, taskCount: Int) -> [Int] {
        let items = (0..<itemCount(of: phase)).filter { !isFinished(phase, item: $0) }
        return Array(Set(items.map { $0 % taskCount })).sorted()
    }

    /// Runs `phase` for the items `slice` owns (all without one) on `workers` threads. The
    /// publish phase returns the run's summary; the others return nil.
    @discardableResult
    public func run(phase: NearDedupPhase, slice: TaskSlice? = nil, workers: Int, progress: DedupProgress? = nil) throws -> DedupSummary? {
        if phase != .prepare { try checkPrepared() }
        let owned = (0..<itemCount(of: phase)).filter { slice == nil || $0 % slice!.count == slice!.index }
        let pending = owned.filter { !isFinished(phase, item: $0) }
        let done = Atomic<Int>(owned.count - pending.count)
        let total = owned.count
        let report: @Sendable (String) -> Void = { noun in
            progress?("near \(phase.rawValue): \(done.add(1, ordering: .relaxed).newValue)/\(total) \(noun)")
        }
        switch phase {
        case .prepare:
            try prepare()
        case .signatures:
            try forEachInParallel(pending.count, workers: workers) { item in
                try signatures(shard: pending[item], workers: workers)
                report("shards")
            }
            // Pairs merged from the old band records are stale.
            if !pending.isEmpty { for band in 0..<options.minHash.bands { FileSystem.remove(pairsPath(band)) } }
        case .buckets:
            _ = try workspace.readShardInfos()
            try forEachInParallel(pending.count, workers: workers) { item in
                try mergeBand(pending[item])
                report("bands")
            }
            if !pending.isEmpty { FileSystem.remove(clusterRecordPath) }
        case .cluster:
            try runCluster(progress: progress)
        case .filter:
            guard isFinished(.cluster, item: 0) else {
                throw DedupError.badWorkFolder(path: clusterRecordPath, message: "missing: run --phase cluster first")
            }
            try forEachInParallel(pending.count, workers: workers) { item in
                try filter(shard: pending[item])
                report("shards")
            }
        case .publish:
            return try publish()
        }
        return nil
    }

    func checkPrepared() throws {
        guard isFinished(.prepare, item: 0) else {
            throw DedupError.badWorkFolder(path: recordPath, message: FileSystem.exists(recordPath)
                ? "made for other inputs or settings: run --phase prepare again (it empties the work folder)"
                : "missing: run --phase prepare first")
        }
    }

    /// Stage 3 over every band's pairs; the kept documents of an earlier filter are stale after it.
    func runCluster(progress: DedupProgress?) throws {
        let missing = (0..<options.minHash.bands).filter { !isFinished(.buckets, item: $0) }
        guard missing.isEmpty else {
            throw DedupError.badWorkFolder(path: pairsPath(missing[0]), message: "missing (\(missing.count) bands): run --phase buckets first")
        }
        FileSystem.remove(clusterRecordPath)
        for shard in 0..<workspace.shardCount { FileSystem.remove(outputShardPath(shard)) }
        FileSystem.remove(publishedPath)
        let candidates = try (0..<options.minHash.bands).reduce(0) { total, band in
            total + (try ShardPlanner.fileInfo(pairsPath(band)).size) / MemoryLayout<KeyedRecord>.stride
        }
        let stats = try cluster()
        progress?("near cluster: \(candidates) candidate pairs, \(stats.clusters) clusters, \(stats.removed) documents to remove")
        try AtomicJSONFile.write(ClusterRecord(stats: stats, candidatePairs: candidates), to: clusterRecordPath)
    }

    /// Joins the shards' removed records and sums up the run from the cluster's record.
    func publish() throws -> DedupSummary {
        let missing = (0..<workspace.shardCount).filter { !isFinished(.filter, item: $0) }
        guard missing.isEmpty else {
            throw DedupError.badWorkFolder(path: outputShardPath(missing[0]), message: "missing (\(missing.count) shards): run --phase filter first")
        }
        let record = try AtomicJSONFile.read(ClusterRecord.self, from: clusterRecordPath)
        let found = record.stats
        try workspace.publishRemoved()
        var summary = DedupSummary(stage: NearDedup.stageName)
        summary.shards = workspace.shardCount
        summary.documentsIn = found.documents
        summary.documentsRemoved = found.removed
        summary.documentsKept = found.documents - found.removed
        summary.clusters = found.clusters
        summary.candidatePairs = record.candidatePairs
        summary.verifiedPairs = found.verified
        summary.rejectedPairs = found.rejected
        return summary
    }
}
