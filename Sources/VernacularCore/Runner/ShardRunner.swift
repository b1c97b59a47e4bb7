import Foundation
import Synchronization

/// The tool's version, recorded in every manifest.
public enum VernacularVersion {
    public static let current = "0.1.0"
}

/// Per-shard line of the manifest.
public struct ShardRecord: Sendable, Codable {
    public enum Status: String, Sendable, Codable { case ran, resumed }
    public let shard: Shard
    public let status: Status
    public let outputs: [ShardOutputFile]
}

/// `manifest.json`: what ran, on what, with which configuration.
public struct RunManifest: Sendable, Codable {
    public var tool = "vern"
    public var version = VernacularVersion.current
    public var configHash: String
    public var pipelineFile: String
    public var started: String
    public var finished: String
    public var inputs: [InputFileInfo]
    public var shards: [ShardRecord]

    enum CodingKeys: String, CodingKey {
        case tool, version, started, finished, inputs, shards
        case configHash = "config_hash", pipelineFile = "pipeline_file"
    }
}

/// What a run did, for the CLI to print.
public struct RunSummary: Sendable, Codable {
    public let runFolder: String
    public let shards: Int
    public let shardsRun: Int
    public let shardsResumed: Int
    public let seconds: Double
    public let stats: RunStats

    enum CodingKeys: String, CodingKey {
        case shards, seconds, stats
        case runFolder = "run_folder", shardsRun = "shards_run", shardsResumed = "shards_resumed"
    }
}

/// One task's share of the shards when a scheduler (a Slurm array job) splits a run: shard `i`
/// belongs to task `i % count`. Every task plans the same shards from the same inputs.
public struct TaskSlice: Sendable, Equatable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public func owns(_ shard: Shard) -> Bool { shard.index % count == index }
}

/// The run folder belongs to a different pipeline.
public struct RunFolderConflict: Error, CustomStringConvertible {
    public let folder: String
    public var description: String {
        "\(folder) holds the output of a different pipeline configuration; choose another output folder or delete it"
    }
}

/// Schedules shards over a fixed pool of worker threads, skips shards whose completion marker
/// is valid, and writes merged stats and the manifest. It knows nothing of what stages do.
public struct ShardRunner: Sendable {
    public let processor: ShardProcessor
    public let inputPatterns: [String]
    public let shardSizeBytes: Int
    public let pipelineFile: String
    public let label: String

    public init(spec: PipelineSpec, stages: [any Stage]) {
        processor = ShardProcessor(
            stages: stages, mapping: spec.input.fieldMapping, compression: spec.output.compression,
            keepDropped: spec.output.keepDropped, onError: spec.onError, runFolder: spec.output.dir,
            configHash: ShardRunner.configurationHash(spec: spec, stages: stages))
        inputPatterns = spec.input.paths
        shardSizeBytes = spec.input.shardSizeMB << 20
        pipelineFile = spec.file
        label = "run"
    }

    /// The pipeline file's hash (stage options included) combined with the built stages' names,
    /// so stages given in code rather than in the file also tell one run folder from another.
    /// Not the stages' values: those may hold hash tables whose order differs between processes.
    static func configurationHash(spec: PipelineSpec, stages: [any Stage]) -> String {
        FNV1a64.hex(spec.configurationHash + stages.map(\.name).joined(separator: "\u{1F}"))
    }

    public var manifestPath: String { processor.runFolder + "/manifest.json" }
    public var statsPath: String { processor.runFolder + "/stats.json" }

    /// The shards the inputs give now, and which of them have no valid marker yet (for a
    /// scheduler deciding which tasks to submit again).
    public func shardStatus() throws -> (shards: [Shard], unfinished: [Shard]) {
        let files = try ShardPlanner.expand(inputPatterns)
        let (shards, _) = try ShardPlanner.plan(files: files, shardSizeBytes: shardSizeBytes)
        return (shards, shards.filter { validMarker(for: $0) == nil })
    }

    /// The shard's completion marker when it is there and still holds (same configuration, same
    /// input, outputs intact); nil when the shard has to run.
    private func validMarker(for shard: Shard) -> CompletionMarker? {
        let path = processor.markerPath(shard)
        guard FileSystem.exists(path), let marker = try? AtomicJSONFile.read(CompletionMarker.self, from: path),
              marker.isValid(for: shard, configHash: processor.configHash, runFolder: processor.runFolder) else { return nil }
        return marker
    }

    /// Runs the shards without a valid marker (only `slice`'s, when given). Stats and the manifest
    /// are written once every shard has its marker: by a whole run, or by whichever task of a
    /// split run finishes last.
    public func run(workers requested: Int = 0, progress style: ProgressStyle = .automatic, slice: TaskSlice? = nil) throws -> RunSummary {
        let started = Date()
        let files = try ShardPlanner.expand(inputPatterns)
        let (shards, inputs) = try ShardPlanner.plan(files: files, shardSizeBytes: shardSizeBytes)
        let folder = processor.runFolder
        try FileSystem.makeDirectory(folder + "/" + ShardProcessor.markersFolder)
        if FileSystem.exists(manifestPath),
           let previous = try? AtomicJSONFile.read(RunManifest.self, from: manifestPath),
           previous.configHash != processor.configHash {
            throw RunFolderConflict(folder: folder)
        }

        // Shards finished by an earlier run (same configuration, same input) are kept as they are.
        var finished: [Int: CompletionMarker] = [:]
        for shard in shards {
            if let marker = validMarker(for: shard) { finished[shard.index] = marker }
        }
        let formatter = ISO8601DateFormatter()
        // Claim the folder before any shard runs, so a killed run still marks whose folder it is.
        if !FileSystem.exists(manifestPath) {
            try AtomicJSONFile.write(RunManifest(
                configHash: processor.configHash, pipelineFile: pipelineFile,
                started: formatter.string(from: started), finished: "", inputs: inputs, shards: []), to: manifestPath)
        }
        let pending = shards.filter { finished[$0.index] == nil && (slice?.owns($0) ?? true) }
        let pendingBytes = pending.reduce(0) { $0 + ($1.length ?? $1.fileSize) }

        let reporter = ProgressReporter(label: label, totalShards: pending.count, totalBytes: pendingBytes, style: style)
        let results = Mutex<[Int: CompletionMarker]>([:])
        let failures = Mutex<[any Error]>([])
        let nextShard = Atomic<Int>(0)
        let workerCount = max(1, min(requested > 0 ? requested : ProcessInfo.processInfo.activeProcessorCount,
                                     pending.count))
        let processor = self.processor

        reporter.startReporting()
        let group = DispatchGroup()
        for _ in 0..<(pending.isEmpty ? 0 : workerCount) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while !reporter.isCancelled {
                    let position = nextShard.add(1, ordering: .relaxed).oldValue
                    guard position < pending.count else { return }
                    do {
                        let marker = try processor.process(pending[position], progress: reporter)
                        results.withLock { $0[marker.shard.index] = marker }
                        reporter.shardFinished()
                    } catch is ShardCancelled {
                        return
                    } catch {
                        failures.withLock { $0.append(error) }
                        reporter.cancel()
                        return
                    }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        reporter.stopReporting()

        if let failure = failures.withLock({ $0.first }) { throw failure }

        let ran = results.withLock { $0 }
        if slice != nil {
            // Other tasks' shards: whatever markers they have written by now.
            for shard in shards where finished[shard.index] == nil && ran[shard.index] == nil {
                if let marker = validMarker(for: shard) { finished[shard.index] = marker }
            }
        }
        let complete = shards.allSatisfy { finished[$0.index] != nil || ran[$0.index] != nil }
        var stats = RunStats(stageNames: processor.stages.map(\.name))
        var records: [ShardRecord] = []
        for shard in shards {
            if let marker = finished[shard.index] {
                stats.merge(marker.stats)
                records.append(ShardRecord(shard: shard, status: .resumed, outputs: marker.outputs))
            } else if let marker = ran[shard.index] {
                stats.merge(marker.stats)
                records.append(ShardRecord(shard: shard, status: .ran, outputs: marker.outputs))
            }
        }
        let manifest = RunManifest(
            configHash: processor.configHash, pipelineFile: pipelineFile,
            started: formatter.string(from: started), finished: formatter.string(from: Date()),
            inputs: inputs, shards: records)
        if complete {
            try AtomicJSONFile.write(stats, to: statsPath)
            try AtomicJSONFile.write(manifest, to: manifestPath)
        }
        return RunSummary(runFolder: folder, shards: shards.count, shardsRun: ran.count, shardsResumed: finished.count,
                          seconds: Date().timeIntervalSince(started), stats: stats)
    }
}
