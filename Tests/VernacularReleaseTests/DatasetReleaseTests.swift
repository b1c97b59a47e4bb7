import Foundation
import Testing
import VernacularCore
import VernacularPack
@testable import VernacularRelease

@Suite struct DatasetReleaseTests {
    /// The options the fixture's sources allow: BY-SA (the wiki articles), the posts given a licence.
    static func options(_ licence: String = "cc-by-sa-4.0") -> DatasetReleaseOptions {
        DatasetReleaseOptions(name: "Test Cantonese", licence: Licence(licence)!, splits: SplitWeights(train: 80, valid: 10, test: 10),
                              sourceLicences: ["posts.jsonl": "cc0-1.0"], rowsPerShard: 16)
    }

    /// Rows of every shard of a split, decompressed as `datasets` would.
    static func rows(_ release: String, _ split: ReleasedSplit) throws -> [JSONObject] {
        var rows: [JSONObject] = []
        for file in split.files {
            let reader = LineReader(source: try FileByteSource.open(path: release + "/" + file), path: file)
            while let row = try reader.nextLine({ bytes -> JSONObject? in
                guard case .object(let object)? = try? JSONParser.parse(bytes) else { return nil }
                return object
            }) { if let row { rows.append(row) } }
        }
        return rows
    }

    @Test func releasesEveryKeptDocumentOnceInItsHashSplit() throws {
        let fixture = try ReleaseFixture()
        let stats = try fixture.stats
        #expect(stats.documentsRead == 50)
        #expect(stats.documentsWritten == 45)
        let output = fixture.folder.file("release")
        let facts = try DatasetRelease.write(runFolder: fixture.runFolder, options: Self.options(), to: output)

        #expect(facts.splits.map(\.name) == ["train", "validation", "test"])
        #expect(facts.documents == stats.documentsWritten)
        var seen = Set<String>()
        let weights = SplitWeights(train: 80, valid: 10, test: 10)
        for split in facts.splits {
            let rows = try Self.rows(output, split)
            #expect(rows.count == split.documents)
            // 16 rows per shard: the train split needs more than one, named -of- the total.
            #expect(split.files.count == (split.documents + 15) / 16)
            #expect(split.files.allSatisfy { $0.hasPrefix("data/\(split.name)-") && $0.hasSuffix("-of-0000\(split.files.count).jsonl.gz") })
            for row in rows {
                let id = try #require(row["id"]?.stringValue)
                #expect(seen.insert(id).inserted, "\(id) released twice")
                let expected = ["train": DatasetSplit.train, "validation": .valid, "test": .test][split.name]
                #expect(weights.split(forDocumentID: id) == expected, "\(id) is in \(split.name)")
                let licence = row["license"]?.stringValue
                if id.hasPrefix("hkcancor/") { #expect(licence == "cc-by-4.0") }
                if id.hasPrefix("zh_yuewiki/") { #expect(licence == "cc-by-sa-4.0") }
                if id.hasPrefix("forum/") { #expect(licence == "cc0-1.0") }
                // meta is one JSON string holding what the source and the stages wrote.
                let meta = try #require(row["meta"]?.stringValue)
                #expect(meta.contains("\"yue_share\""))
            }
        }
        #expect(seen.count == 45)
        #expect(!seen.contains("zh_yuewiki/103"), "the contaminated article was released")
        #expect(!seen.contains("forum/post-0"), "an English post was released")

        let sources = Dictionary(uniqueKeysWithValues: facts.sources.map { (($0.name as NSString).lastPathComponent, $0) })
        #expect(sources["corpus"]?.documentsRead == 36 && sources["corpus"]?.documentsReleased == 36)
        #expect(sources["wiki"]?.documentsRead == 6 && sources["wiki"]?.documentsReleased == 5)
        #expect(sources["posts.jsonl"]?.documentsRead == 8 && sources["posts.jsonl"]?.documentsReleased == 4)
        #expect(sources["posts.jsonl"]?.licenceOrigin == .commandLine)
        #expect(sources["wiki"]?.licenceOrigin == .ingestReport)
    }

    /// Every figure of the per-stage table is stats.json's.
    @Test func cardCountsAreTheRunsStats() throws {
        let fixture = try ReleaseFixture()
        let output = fixture.folder.file("release")
        let facts = try DatasetRelease.write(runFolder: fixture.runFolder, options: Self.options(), to: output)
        let card = try String(contentsOfFile: output + "/README.md", encoding: .utf8)
        let stats = try fixture.stats
        #expect(stats.stages.map(\.name) == ["langid", "quality", "pii", "decontaminate"])
        for stage in stats.stages {
            let reasons = stage.dropped.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            let row = "| \(stage.name) | \(stage.documentsIn) | \(stage.documentsOut) | \(stage.documentsIn - stage.documentsOut) | \(reasons.isEmpty ? "-" : reasons) |"
            #expect(card.contains(row), "no row \(row)")
        }
        #expect(card.contains("\(stats.documentsRead) documents read, \(stats.documentsWritten) kept, \(stats.documentsDropped) dropped"))
        #expect(stats.stages[0].dropped == ["lang_not_kept": 2])
        #expect(stats.stages[1].dropped == ["quality_too_short": 2])
        #expect(stats.stages[2].counters == ["email": 1])
        #expect(stats.stages[3].dropped == ["benchmark_overlap": 1])
        #expect(card.contains("The `pii` stage replaced e-mail addresses with `<EMAIL>`, phone numbers (Hong Kong and international) with `<PHONE>`. Replacements in this run: email 1.\n"))
        for split in facts.splits {
            #expect(card.contains("  - name: \(split.name)\n    num_bytes: \(split.arrowBytes)\n    num_examples: \(split.documents)\n"))
            #expect(card.contains("| \(split.name) | \(split.documents) |"))
        }
        #expect(card.hasPrefix("---\nlicense: cc-by-sa-4.0\nlanguage:\n- yue\n"))
        #expect(card.contains("size_categories:\n- n<1K\n"))
        #expect(card.contains("    path: data/train-*.jsonl.gz\n"))
        #expect(card.contains("| \(fixture.folder.file("wiki")) | cc-by-sa-4.0 | ingest-report.json | 6 | 6 | 5 |"))
        #expect(card.contains("`eval-sample.jsonl`. 1 document(s) dropped for overlap."))
        #expect(card.contains("No deduplication ran"))
        #expect(card.contains("- \(fixture.folder.file("wiki")): `vern ingest jsonl in.jsonl --output \(fixture.folder.file("wiki")) --license cc-by-sa-4.0`\n"))
        #expect(card.contains("Written by `vern release dataset` (vern 0.1.0) from the run folder"))
    }

    @Test func licenceConflictsStopTheReleaseNamingEachSource() throws {
        let fixture = try ReleaseFixture()
        let output = fixture.folder.file("release")
        var options = Self.options("cc-by-4.0")
        options.sourceLicences = [:]
        do {
            try DatasetRelease.write(runFolder: fixture.runFolder, options: options, to: output)
            Issue.record("released under cc-by-4.0 despite a BY-SA source and one with no licence")
        } catch let error as ReleaseError {
            #expect(error.description.contains("\(fixture.folder.file("wiki")) (cc-by-sa-4.0): cc-by-sa-4.0 requires derivatives under cc-by-sa"))
            #expect(error.description.contains("\(fixture.folder.file("posts.jsonl")) (no licence recorded)"))
            #expect(error.description.contains("--allow-licence-conflicts"))
        }
        #expect(!FileManager.default.fileExists(atPath: output), "a refused release left a folder")

        options.allowLicenceConflicts = true
        let facts = try DatasetRelease.write(runFolder: fixture.runFolder, options: options, to: output)
        #expect(facts.licenceProblems.count == 2)
        let card = try String(contentsOfFile: output + "/README.md", encoding: .utf8)
        #expect(card.contains("**Licence conflicts were overridden**"))
        #expect(card.contains("- \(fixture.folder.file("posts.jsonl")) (no licence recorded): no licence recorded"))
    }

    @Test func dedupFolderReleasesWhatDedupKept() throws {
        let fixture = try ReleaseFixture()
        // A dedup folder as `vern dedup near` writes it: one conversation removed as a copy of another.
        let dedup = fixture.folder.file("dedup")
        let writer = try DocumentShardWriter(folder: dedup, compression: .zstd, documentsPerShard: 100)
        var removed: [String] = []
        for file in try PipelineRunFolder(path: fixture.runFolder).documentFiles {
            try DocumentReading.forEach(path: file) { document in
                if document.id == "hkcancor/conv-24" { removed.append(document.id); return }
                try writer.write(document)
            }
        }
        try writer.finish()
        #expect(removed.count == 1)
        try fixture.folder.write("dedup/removed.jsonl", "{\"id\":\"hkcancor/conv-24\",\"duplicate_of\":\"hkcancor/conv-0\",\"stage\":\"near\"}\n")
        var options = Self.options()
        options.dedupFolder = dedup
        let output = fixture.folder.file("release")
        let facts = try DatasetRelease.write(runFolder: fixture.runFolder, options: options, to: output)
        #expect(facts.documents == 44)
        let card = try String(contentsOfFile: output + "/README.md", encoding: .utf8)
        #expect(card.contains("removed 1 of the run's 45 documents as duplicates of 1 kept ones (by stage: near 1)"))

        // A removed.jsonl line that is not a removal names the file and the line.
        try fixture.folder.write("dedup/removed.jsonl", "{\"id\":\"hkcancor/conv-24\",\"duplicate_of\":\"hkcancor/conv-0\"}\n{\"id\":7}\n")
        #expect(throws: ReleaseError.self) { try DatasetRelease.write(runFolder: fixture.runFolder, options: options, to: output) }
        do { try DatasetRelease.write(runFolder: fixture.runFolder, options: options, to: output) } catch {
            #expect("\(error)".hasPrefix(dedup + "/removed.jsonl:2: expected string fields 'id' and 'duplicate_of'"))
        }
        // A dedup folder of some other run does not add up, and says so.
        try fixture.folder.write("dedup/removed.jsonl", "")
        do {
            try DatasetRelease.write(runFolder: fixture.runFolder, options: options, to: output)
            Issue.record("released a dedup folder that is missing a document")
        } catch {
            #expect("\(error)".contains("found 44 documents, expected 45 kept by the run less 0 removed by dedup"))
        }
    }

    @Test func badRunFilesAreNamed() throws {
        let fixture = try ReleaseFixture()
        let output = fixture.folder.file("release")
        let stats = fixture.runFolder + "/stats.json"
        let good = try String(contentsOfFile: stats, encoding: .utf8)
        try good.replacingOccurrences(of: "\"documents_written\"", with: "\"written\"").write(toFile: stats, atomically: true, encoding: .utf8)
        do {
            try DatasetRelease.write(runFolder: fixture.runFolder, options: Self.options(), to: output)
            Issue.record("read a stats.json without documents_written")
        } catch {
            #expect("\(error)" == "\(stats): the file has no 'documents_written'")
        }
        try good.write(toFile: stats, atomically: true, encoding: .utf8)
        // A bad line in a kept shard names the shard and its line.
        let shard = try PipelineRunFolder(path: fixture.runFolder).documentFiles[0]
        try FileManager.default.removeItem(atPath: shard)
        try Data("{\"id\":\"hkcancor/conv-0\",\"text\":\"你好\"}\nnot json\n".utf8).write(to: URL(fileURLWithPath: shard.replacingOccurrences(of: ".zst", with: "")))
        do {
            try DatasetRelease.write(runFolder: fixture.runFolder, options: Self.options(), to: output)
            Issue.record("released a shard with a broken line")
        } catch {
            #expect("\(error)".contains(shard.replacingOccurrences(of: ".zst", with: "") + ":2"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: output + ".partial"), "a failed release left its temporary folder")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(throws: ReleaseError.self) { try ShardFormat(parsing: "parquet") }
        #expect(try ShardFormat(parsing: "jsonl.zst") == .jsonlZstd)
    }
}
