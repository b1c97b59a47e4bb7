import Foundation
import Testing
import VernacularCore
@testable import VernacularDedup

@Suite struct NearDedupTests {
    /// Pairs of distinct-character texts with exact Jaccard 0.9 (should merge) and 0.5 (should
    /// not), far enough from 0.7 that estimation noise (about 0.04) cannot flip them.
    func knownPairs() -> [Document] {
        var documents: [Document] = []
        for pair in 0..<6 {
            let base = 2000 * pair
            let original = distinctHan(start: base, length: 404)
            // 800J / (1 + J) shared shingles: 379 for J = 0.9, 267 for J = 0.5.
            let close = distinctHan(start: base, length: 383) + distinctHan(start: base + 500, length: 21)
            let far = distinctHan(start: base, length: 271) + distinctHan(start: base + 600, length: 133)
            documents.append(Document(id: "p\(pair)-original", text: original, source: "test"))
            documents.append(Document(id: "p\(pair)-close", text: close, source: "test"))
            documents.append(Document(id: "p\(pair)-far", text: far, source: "test"))
        }
        return documents
    }

    @Test func thresholdDecidesWhichKnownPairsMerge() throws {
        let folder = try TestFolder()
        let documents = knownPairs()
        let shingler = Shingler(ShingleOptions())
        let original = shingler.shingleSet(documents[0].text)
        #expect(abs(Shingler.jaccard(original, shingler.shingleSet(documents[1].text)) - 0.9) < 0.005)
        #expect(abs(Shingler.jaccard(original, shingler.shingleSet(documents[2].text)) - 0.5) < 0.005)
        try folder.writeDocuments("in.jsonl", documents)

        // At 0.35 the bands must be wider too (40 x 3), or half the J = 0.5 pairs never meet.
        let low = MinHashParameters(threshold: 0.35, hashes: 120, bands: 40, rows: 3)
        for (parameters, mergesFar) in [(MinHashParameters(), false), (low, true)] {
            let threshold = parameters.threshold
            let output = folder.file("out-\(threshold)")
            let job = try NearDedup(workspace: DedupWorkspace(inputs: [folder.file("in.jsonl")], output: output),
                                    options: NearDedupOptions(minHash: parameters))
            let summary = try job.run(workers: 2)
            let (kept, removed) = try keptAndRemoved(output)
            let removedIDs = Set(removed.map(\.id))
            for pair in 0..<6 {
                #expect(removedIDs.contains("p\(pair)-close"), "J = 0.9 merges at threshold \(threshold)")
                #expect(removedIDs.contains("p\(pair)-far") == mergesFar, "J = 0.5 at threshold \(threshold)")
                #expect(kept.contains("p\(pair)-original"))
            }
            #expect(removed.allSatisfy { $0.stage == "near" && $0.duplicateOf == $0.id.replacingOccurrences(of: "-close", with: "-original").replacingOccurrences(of: "-far", with: "-original") })
            #expect(summary.documentsKept + summary.documentsRemoved == documents.count)
            // Kept documents carry their cluster size: 2 (or 3) for originals, 1 elsewhere.
            for document in try readDocuments(output) {
                let expected = document.id.hasSuffix("original") ? (mergesFar ? 3 : 2) : 1
                #expect(document.meta["dup_cluster_size"]?.intValue == expected, "\(document.id)")
            }
        }
    }

    /// 400 documents from the fixture sentences, every fifth a lightly edited copy of an earlier one.
    func editedCorpus() -> [Document] {
        var random = SplitMix64(seed: 99)
        var documents: [Document] = []
        for index in 0..<400 {
            if index % 5 == 4 {
                var scalars = Array(documents[Int(random.next() % UInt64(documents.count))].text.unicodeScalars)
                for _ in 0..<2 { scalars[Int(random.next() % UInt64(scalars.count))] = "嘢" }
                documents.append(Document(id: "d\(index)", text: String(String.UnicodeScalarView(scalars)) + "（轉載）", source: "t",
                                          meta: ["quality_score": .number(String(index))]))
            } else {
                documents.append(Document(id: "d\(index)", text: Sentences.document(count: 8, random: &random), source: "t",
                                          meta: ["quality_score": .number(String(index))]))
            }
        }
        return documents
    }

    @Test(arguments: [(KeepRule.first, Verification.exact), (.longest, .exact), (.score, .exact), (.first, .signature)])
    func onDiskStagesMatchTheInMemoryReference(keep: KeepRule, verification: Verification) throws {
        let folder = try TestFolder()
        let documents = editedCorpus()
        for shard in 0..<4 {
            try folder.writeDocuments("part-\(shard).jsonl.zst", Array(documents[(shard * 100)..<(shard * 100 + 100)]))
        }
        let options = NearDedupOptions(verification: verification, keep: keep)
        // A 4 KiB budget forces many sorted runs per band: the external merge is exercised.
        let workspace = DedupWorkspace(inputs: (0..<4).map { folder.file("part-\($0).jsonl.zst") },
                                       output: folder.file("out"), memoryBudget: 1 << 12)
        _ = try NearDedup(workspace: workspace, options: options).run(workers: 2)
        let (kept, removed) = try keptAndRemoved(folder.file("out"))

        let reference = try InMemoryNearDedup(options: options).clusters(
            texts: documents.map(\.text), scores: documents.map { Float($0.meta["quality_score"]!.doubleValue!) })
        let expectedRemoved = documents.indices.compactMap { index in
            reference[index].duplicateOf.map { (documents[index].id, documents[$0].id) }
        }
        #expect(removed.count == expectedRemoved.count)
        #expect(removed.map { "\($0.id)>\($0.duplicateOf!)" } == expectedRemoved.map { "\($0.0)>\($0.1)" })
        #expect(kept.count + removed.count == documents.count)
        // The edited copies were found (a few pairs of random documents may also look alike).
        #expect(expectedRemoved.count >= 70)
    }

    @Test func shardOrderAndShardingDoNotChangeTheKeptSet() throws {
        let folder = try TestFolder()
        let documents = editedCorpus()
        // The same documents in the same order, cut into 2 and into 5 files.
        for (count, label) in [(2, "a"), (5, "b")] {
            let size = documents.count / count
            for shard in 0..<count {
                try folder.writeDocuments("\(label)-\(shard).jsonl", Array(documents[(shard * size)..<((shard + 1) * size)]))
            }
        }
        func keptIDs(_ inputs: [String], keep: KeepRule = .first) throws -> [String] {
            let output = folder.file("out-\(UUID().uuidString)")
            _ = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: output), options: NearDedupOptions(keep: keep)).run(workers: 2)
            return try keptAndRemoved(output).kept
        }
        let twoFiles = try keptIDs((0..<2).map { folder.file("a-\($0).jsonl") })
        let twoFilesReversed = try keptIDs((0..<2).reversed().map { folder.file("a-\($0).jsonl") })
        let fiveFiles = try keptIDs((0..<5).shuffled().map { folder.file("b-\($0).jsonl") })
        #expect(twoFiles == twoFilesReversed)
        #expect(twoFiles == fiveFiles)

        // With an order-free keep rule (distinct scores), a completely different document order
        // keeps the same set.
        var shuffled = documents
        var random = SplitMix64(seed: 5)
        for index in shuffled.indices.reversed() { shuffled.swapAt(index, Int(random.next() % UInt64(index + 1))) }
        try folder.writeDocuments("shuffled.jsonl", shuffled)
        let bestInOrder = try keptIDs([folder.file("a-0.jsonl"), folder.file("a-1.jsonl")], keep: .score)
        let bestShuffled = try keptIDs([folder.file("shuffled.jsonl")], keep: .score)
        #expect(Set(bestInOrder) == Set(bestShuffled))
    }

    @Test func aKilledRunResumesAtTheShardItStopped() throws {
        let folder = try TestFolder()
        let documents = editedCorpus()
        for shard in 0..<4 {
            try folder.writeDocuments("part-\(shard).jsonl", Array(documents[(shard * 100)..<(shard * 100 + 100)]))
        }
        let inputs = (0..<4).map { folder.file("part-\($0).jsonl") }
        let fresh = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("fresh")), options: NearDedupOptions())
        let freshSummary = try fresh.run(workers: 2)
        let expected = try keptAndRemoved(folder.file("fresh"))

        // A run killed during stage 1: shards 0 and 1 finished, shard 2 left a run file behind
        // whose records would pair documents that are not alike, shard 3 never started.
        let workspace = DedupWorkspace(inputs: inputs, output: folder.file("out"), memoryBudget: 1 << 12)
        let job = try NearDedup(workspace: workspace, options: NearDedupOptions())
        try job.prepare()
        try job.signatures(shard: 0)
        try job.signatures(shard: 1)
        let stale = workspace.work + "/bands/band-000/" + Shard.name(forIndex: 2) + "-run-0.bin"
        let writer = try RecordWriter<KeyedRecord>(path: stale)
        try writer.append(KeyedRecord(key: 1, doc: documentKey(shard: 0, position: 0)))
        try writer.append(KeyedRecord(key: 1, doc: documentKey(shard: 2, position: 1)))
        try writer.finish()
        // Shard 1 finished, but a crash lost the unflushed end of its shingle file.
        let shingles = workspace.path("shingles", shard: 1, ".bin")
        let shinglesSize = try ShardPlanner.fileInfo(shingles).size
        #expect(truncate(shingles, off_t(shinglesSize - 8)) == 0)
        let marker = workspace.path("shards", shard: 0, ".json")
        let before = try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date

        let summary = try job.run(workers: 2, resume: true)
        let after = try FileManager.default.attributesOfItem(atPath: marker)[.modificationDate] as? Date
        #expect(before == after, "finished shard 0 was not redone")
        #expect(try ShardPlanner.fileInfo(shingles).size == shinglesSize, "cut shard 1 was redone")
        let resumed = try keptAndRemoved(folder.file("out"))
        #expect(resumed.kept == expected.kept)
        #expect(resumed.removed.map { "\($0.id)>\($0.duplicateOf!)" } == expected.removed.map { "\($0.id)>\($0.duplicateOf!)" })
        #expect(summary.candidatePairs == freshSummary.candidatePairs)

        // Other settings: the work folder is not reused, whatever resume says.
        let strict = NearDedupOptions(minHash: MinHashParameters(threshold: 0.9))
        let again = try NearDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("out")), options: strict)
        _ = try again.run(workers: 2, resume: true)
        let reference = try InMemoryNearDedup(options: strict).clusters(texts: documents.map(\.text))
        #expect(try keptAndRemoved(folder.file("out")).removed.count == reference.filter { $0.duplicateOf != nil }.count)
    }

    @Test func badRecordNamesFileAndLine() throws {
        let folder = try TestFolder()
        try folder.write("bad.jsonl", "{\"id\":\"a\",\"text\":\"佢哋\"}\n{\"id\":\"b\",\"text\":\n")
        let job = try NearDedup(workspace: DedupWorkspace(inputs: [folder.file("bad.jsonl")], output: folder.file("out")),
                                options: NearDedupOptions())
        do {
            _ = try job.run(workers: 1)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("bad.jsonl"))
            #expect("\(error)".contains("2"))
        }
        try folder.write("score.jsonl", "{\"id\":\"a\",\"text\":\"佢哋\",\"meta\":{\"quality_score\":\"high\"}}\n")
        let scored = try NearDedup(workspace: DedupWorkspace(inputs: [folder.file("score.jsonl")], output: folder.file("out2")),
                                   options: NearDedupOptions(keep: .score))
        #expect(throws: DedupError.badRecord(file: folder.file("score.jsonl"), line: 1, message: "meta.quality_score is not a number")) {
            _ = try scored.run(workers: 1)
        }
    }
}

@Suite struct ExactAndLineDedupTests {
    @Test func exactDedupKeepsTheFirstOfEachNormalisedText() throws {
        let folder = try TestFolder()
        try folder.writeDocuments("b.jsonl", [
            Document(id: "b1", text: "天文台話今晚會落大雨，出街記得帶遮。", source: "t"),
            Document(id: "b2", text: "2026年10月15日：巴士改咗路線", source: "t"),
        ])
        try folder.writeDocuments("a.jsonl", [
            Document(id: "a1", text: "天文台話今晚會落大雨, 出街記得帶遮!", source: "t"),
            Document(id: "a2", text: "１９９９年１２月３１日 巴士改咗路線", source: "t"),
            Document(id: "a3", text: "天文台話今晚會落細雨，出街記得帶遮。", source: "t"),
        ])
        let inputs = [folder.file("b.jsonl"), folder.file("a.jsonl")]
        let summary = try ExactDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("out"))).run(workers: 2)
        let (kept, removed) = try keptAndRemoved(folder.file("out"))
        // a.jsonl sorts first, so its documents are the originals.
        #expect(kept == ["a1", "a2", "a3"])
        #expect(removed.map { "\($0.id)>\($0.duplicateOf ?? "-")>\($0.stage)" } == ["b1>a1>exact", "b2>a2>exact"])
        #expect(summary.clusters == 2)
        #expect(try readDocuments(folder.file("out")).first?.meta["exact_dup_count"]?.intValue == 2)

        // Counting digits, the dates differ.
        _ = try ExactDedup(workspace: DedupWorkspace(inputs: inputs, output: folder.file("out2")),
                           normalization: TextNormalization(digitsToZero: false)).run(workers: 1)
        #expect(try keptAndRemoved(folder.file("out2")).removed.map(\.id) == ["b1"])
    }

    @Test func linesInAtLeastKDocumentsAreRemovedEverywhere() throws {
        let folder = try TestFolder()
        let share = "分享到：Facebook WhatsApp"
        let documents = [
            Document(id: "1", text: "阿媽煲咗湯。\n\(share)\n記得早啲返屋企。", source: "t"),
            Document(id: "2", text: "今晚落大雨。\n\(share)", source: "t"),
            Document(id: "3", text: "  分享到:facebook   whatsapp  \n原文網址", source: "t"),
            Document(id: "4", text: "\(share)\n原文網址", source: "t"),
            Document(id: "5", text: "新開嗰間拉麵店。\n記得早啲返屋企。", source: "t"),
        ]
        try folder.writeDocuments("in.jsonl", documents)
        let summary = try LineDedup(workspace: DedupWorkspace(inputs: [folder.file("in.jsonl")], output: folder.file("out")),
                                    options: LineDedupOptions(minDocuments: 3)).run(workers: 1)
        // The share line is in four documents (one spelled differently): removed; 原文網址 and
        // 記得早啲返屋企 are in two: they stay.
        #expect(summary.repeatedLines == 1)
        #expect(summary.linesRemoved == 4)
        let kept = try readDocuments(folder.file("out"))
        #expect(kept.map(\.text) == ["阿媽煲咗湯。\n記得早啲返屋企。", "今晚落大雨。", "原文網址", "原文網址", "新開嗰間拉麵店。\n記得早啲返屋企。"])
        #expect(kept[0].meta["dup_lines_removed"]?.intValue == 1)
        #expect(kept[4].meta["dup_lines_removed"] == nil)

        // At K = 2, documents 3 and 4 are only boilerplate: removed, duplicating nothing.
        _ = try LineDedup(workspace: DedupWorkspace(inputs: [folder.file("in.jsonl")], output: folder.file("out2")),
                          options: LineDedupOptions(minDocuments: 2)).run(workers: 1)
        let (_, removed) = try keptAndRemoved(folder.file("out2"))
        #expect(removed.map { "\($0.id)>\($0.duplicateOf ?? "null")>\($0.stage)" } == ["3>null>lines", "4>null>lines"])
    }
}
