import Foundation
import Testing
@testable import VernacularCore

/// Drops documents shorter than a length, and upper-cases nothing: a tiny stage for runner tests.
struct MinimumLengthStage: Stage {
    let name = "min_length"
    let characters: Int
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict {
        counters.add("seen")
        return document.text.count >= characters ? .keep : .drop(DropReason("too_short", detail: "\(document.text.count) chars"))
    }
}

@Suite struct ShardRunnerTests {
    func spec(_ folder: TestFolder, inputs: [String], onError: ErrorPolicy = .fail, keepDropped: Bool = false,
              shardMB: Int = 64) -> PipelineSpec {
        PipelineSpec(input: InputSpec(paths: inputs.map(folder.file), shardSizeMB: shardMB),
                     output: OutputSpec(dir: folder.file("run"), keepDropped: keepDropped), onError: onError)
    }

    @Test func keepsDropsAndCountsPerReason() throws {
        let folder = try TestFolder()
        let documents = (0..<400).map(SampleText.document)
        try folder.writeDocuments("a.jsonl.zst", Array(documents[0..<200]))
        try folder.writeDocuments("b.jsonl.gz", Array(documents[200...]))
        let runner = ShardRunner(spec: spec(folder, inputs: ["*.jsonl.*"], keepDropped: true),
                                 stages: [MinimumLengthStage(characters: 12)])
        let summary = try runner.run(workers: 2, progress: .quiet)
        let kept = documents.filter { $0.text.count >= 12 }
        #expect(summary.stats.documentsRead == 400)
        #expect(summary.stats.documentsWritten == kept.count)
        #expect(summary.stats.stages[0].dropped["too_short"] == 400 - kept.count)
        #expect(summary.stats.stages[0].counters["seen"] == 400)
        let written = try folder.readDocuments("run/documents/shard-00000.jsonl.zst")
            + folder.readDocuments("run/documents/shard-00001.jsonl.zst")
        #expect(written == kept)
        let dropped = try folder.readDocuments("run/dropped/shard-00000.jsonl.zst")
        #expect(dropped.allSatisfy { $0.meta["drop_reason"] == .string("too_short") })
        #expect(FileSystem.exists(folder.file("run/manifest.json")))
        #expect(FileSystem.exists(folder.file("run/stats.json")))
    }

    @Test func badRecordFailsNamingFileAndLine() throws {
        let folder = try TestFolder()
        try folder.write("bad.jsonl", "{\"text\":\"好\"}\n{\"text\":\"壞\"\n{\"text\":\"好\"}\n")
        let runner = ShardRunner(spec: spec(folder, inputs: ["bad.jsonl"]), stages: [])
        do {
            _ = try runner.run(progress: .quiet)
            Issue.record("a bad record did not stop the run")
        } catch {
            #expect("\(error)".contains("bad.jsonl:2:"))
        }
    }

    @Test func skipPolicyQuarantinesBadRecordsAndKeepsTheRest() throws {
        let folder = try TestFolder()
        let invalidUTF8: [UInt8] = Array("{\"text\":\"".utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8)
        try folder.write("mixed.jsonl", bytes: Array("{\"text\":\"一\"}\nnot json\n".utf8) + invalidUTF8
            + Array("\n{\"text\":\"二\"}\n[1]\n{\"text\":\"三\"}".utf8))
        let runner = ShardRunner(spec: spec(folder, inputs: ["mixed.jsonl"], onError: .skip), stages: [])
        let summary = try runner.run(progress: .quiet)
        #expect(summary.stats.badRecords == 3)
        #expect(try folder.readDocuments("run/documents/shard-00000.jsonl.zst").map(\.text) == ["一", "二", "三"])
        let quarantine = try String(contentsOfFile: folder.file("run/quarantine/shard-00000.jsonl"), encoding: .utf8)
        let lines = quarantine.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains("\"line\":2"))
        #expect(lines[1].contains("\"line\":3") && lines[1].contains("UTF-8"))
    }

    @Test func truncatedCompressedFileKeepsWhatWasReadUnderSkip() throws {
        let folder = try TestFolder()
        try folder.writeDocuments("whole.jsonl.zst", (0..<5000).map(SampleText.document))
        let bytes = try readWholeFile(folder.file("whole.jsonl.zst"))
        try FileManager.default.removeItem(atPath: folder.file("whole.jsonl.zst"))
        try folder.write("cut.jsonl.zst", bytes: Array(bytes.prefix(bytes.count * 2 / 3)))
        try folder.writeDocuments("fine.jsonl.zst", (0..<10).map(SampleText.document))
        let summary = try ShardRunner(spec: spec(folder, inputs: ["*.zst"], onError: .skip), stages: [])
            .run(progress: .quiet)
        #expect(summary.stats.badRecords == 1)
        #expect(summary.stats.documentsWritten > 10)
        #expect(try folder.readDocuments("run/documents/shard-00001.jsonl.zst").count == 10)
    }

    @Test func rerunSkipsFinishedShardsAndRefusesAnotherPipeline() throws {
        let folder = try TestFolder()
        for index in 0..<4 {
            try folder.writeDocuments("part\(index).jsonl.zst", (0..<50).map { SampleText.document(index * 50 + $0) })
        }
        let first = try ShardRunner(spec: spec(folder, inputs: ["part*"]), stages: []).run(progress: .quiet)
        #expect(first.shardsRun == 4)
        let second = try ShardRunner(spec: spec(folder, inputs: ["part*"]), stages: []).run(progress: .quiet)
        #expect(second.shardsRun == 0 && second.shardsResumed == 4)
        #expect(second.stats == first.stats)
        #expect(throws: RunFolderConflict.self) {
            try ShardRunner(spec: spec(folder, inputs: ["part*"]), stages: [MinimumLengthStage(characters: 3)])
                .run(progress: .quiet)
        }
    }

    @Test func largePlainFileIsSplitIntoByteRangeShardsWithStableIds() throws {
        let folder = try TestFolder()
        let text = (0..<30_000).map { "{\"text\":\"第\($0)句：\(SampleText.sentences[$0 % 8])\"}" }.joined(separator: "\n")
        try folder.write("big.jsonl", text)
        let summary = try ShardRunner(spec: spec(folder, inputs: ["big.jsonl"], shardMB: 1), stages: [])
            .run(workers: 2, progress: .quiet)
        #expect(summary.shards > 1)
        var ids: [String] = []
        for shard in 0..<summary.shards {
            ids += try folder.readDocuments("run/documents/\(Shard.name(forIndex: shard)).jsonl.zst").map(\.id)
        }
        #expect(ids == (1...30_000).map { "\(folder.file("big.jsonl")):\($0)" })
    }
}
