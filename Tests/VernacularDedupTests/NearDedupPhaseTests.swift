import Foundation
import Testing
import VernacularCore
@testable import VernacularDedup

/// Near dedup run phase by phase, split over tasks as a Slurm array runs it, against one run.
@Suite struct NearDedupPhaseTests {
    func corpus(in folder: TestFolder, shards: Int) throws -> [String] {
        var random = SplitMix64(seed: 17)
        var documents: [Document] = []
        for index in 0..<(shards * 60) {
            if index % 4 == 3 {
                // A near copy of an earlier document: one character changed, a tag added.
                var scalars = Array(documents[Int(random.next() % UInt64(documents.count))].text.unicodeScalars)
                scalars[Int(random.next() % UInt64(scalars.count))] = "嘢"
                documents.append(Document(id: "d\(index)", text: String(String.UnicodeScalarView(scalars)) + "（轉載）", source: "t"))
            } else {
                documents.append(Document(id: "d\(index)", text: Sentences.document(count: 8, random: &random), source: "t"))
            }
        }
        for shard in 0..<shards {
            try folder.writeDocuments("part-\(shard).jsonl.zst", Array(documents[(shard * 60)..<(shard * 60 + 60)]))
        }
        return (0..<shards).map { folder.file("part-\($0).jsonl.zst") }
    }

    func files(_ folder: String) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !name.hasPrefix(".") {
            found[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return found
    }

    @Test func phasesSplitOverTasksEqualOneRun() throws {
        let folder = try TestFolder()
        let inputs = try corpus(in: folder, shards: 5)
        let whole = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("whole")), options: NearDedupOptions())
        let expected = try whole.run(workers: 2)
        #expect(expected.documentsRemoved > 20)

        let job = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("phased")), options: NearDedupOptions())
        // Out of order: a clear error naming what to run first.
        #expect(throws: DedupError.self) { try job.run(phase: .signatures, workers: 1) }
        try job.run(phase: .prepare, workers: 1)
        #expect(job.unfinishedTasks(.signatures, taskCount: 3) == [0, 1, 2])
        try job.run(phase: .signatures, slice: TaskSlice(index: 1, count: 3), workers: 1)
        // Task 1 of 3 owned shards 1 and 4: tasks 0 and 2 are left.
        #expect(job.unfinishedTasks(.signatures, taskCount: 3) == [0, 2])
        do {
            try job.run(phase: .buckets, workers: 1)
            Issue.record("buckets ran before every shard was signed")
        } catch let error as DedupError {
            #expect("\(error)".contains("first stage has not finished"))
        }
        for task in [2, 0] { try job.run(phase: .signatures, slice: TaskSlice(index: task, count: 3), workers: 2) }
        #expect(job.unfinishedTasks(.signatures, taskCount: 3).isEmpty)
        for task in 0..<3 { try job.run(phase: .buckets, slice: TaskSlice(index: task, count: 3), workers: 1) }
        #expect(job.unfinishedTasks(.buckets, taskCount: 3).isEmpty)
        try job.run(phase: .cluster, workers: 1)
        try job.run(phase: .filter, slice: TaskSlice(index: 0, count: 2), workers: 1)
        #expect(job.unfinishedTasks(.filter, taskCount: 2) == [1])
        #expect(throws: DedupError.self) { try job.run(phase: .publish, workers: 1) }
        try job.run(phase: .filter, slice: TaskSlice(index: 1, count: 2), workers: 1)
        var summary = try #require(try job.run(phase: .publish, workers: 1))
        summary.seconds = expected.seconds
        #expect(summary == expected)
        #expect(try files(folder.file("phased")) == files(folder.file("whole")))
    }

    @Test func aRedoneShardInvalidatesTheLaterPhases() throws {
        let folder = try TestFolder()
        let inputs = try corpus(in: folder, shards: 3)
        let job = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("out")), options: NearDedupOptions())
        for phase in [NearDedupPhase.prepare, .signatures, .buckets, .cluster, .filter, .publish] { try job.run(phase: phase, workers: 2) }
        let first = try files(folder.file("out"))

        // A shard's stage-1 marker lost (a task killed as it wrote it): the shard is signed again,
        // and the bands merged from the old records must be merged again too.
        FileSystem.remove(job.workspace.path("shards", shard: 1, ".json"))
        #expect(job.unfinishedTasks(.signatures, taskCount: 2) == [1])
        try job.run(phase: .signatures, workers: 2)
        #expect(job.unfinishedTasks(.buckets, taskCount: 4) == [0, 1, 2, 3])
        #expect(throws: DedupError.self) { try job.run(phase: .cluster, workers: 1) }
        for phase in [NearDedupPhase.buckets, .cluster] { try job.run(phase: phase, workers: 2) }
        // The cluster's new decisions make every earlier filtered shard stale.
        #expect(job.unfinishedTasks(.filter, taskCount: 3) == [0, 1, 2])
        for phase in [NearDedupPhase.filter, .publish] { try job.run(phase: phase, workers: 2) }
        #expect(try files(folder.file("out")) == first)

        // Other settings: the work folder is refused until prepared again.
        let other = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("out")),
                                  options: NearDedupOptions(minHash: MinHashParameters(threshold: 0.9)))
        do {
            try other.run(phase: .signatures, workers: 1)
            Issue.record("a work folder made for other settings was used")
        } catch let error as DedupError {
            #expect("\(error)".contains("other inputs or settings"))
        }
    }
}
