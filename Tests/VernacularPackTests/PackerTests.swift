import Foundation
import Testing
import VernacularCore
import VernacularTokenizer
@testable import VernacularPack

@Suite struct PackerTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    static let tokenizerPath = fixtures.appendingPathComponent("tiny-bytelevel.tokenizer.json").path
    static let documentsPath = fixtures.appendingPathComponent("documents.jsonl").path

    /// Everything in one split so the expected order is the input order.
    static func configuration(_ splits: SplitWeights = SplitWeights(train: 1, valid: 0, test: 0)) -> PackConfiguration {
        var configuration = PackConfiguration()
        configuration.splits = splits
        configuration.endOfDocumentID = 0  // <|endoftext|>
        configuration.batchSize = 3  // several batches from a small file
        return configuration
    }

    @Test func packsEveryDocumentWithItsEndToken() throws {
        let folder = try IndexedDatasetTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tokenizer = try TokenizerFile.load(path: Self.tokenizerPath)
        let summary = try Packer(tokenizer: tokenizer, tokenizerName: "tiny", configuration: Self.configuration())
            .pack(files: [Self.documentsPath], output: folder)

        let documents = try DocumentReading.readAll(path: Self.documentsPath).filter { !$0.text.isEmpty }
        let expected = documents.map { tokenizer.encode($0.text, addSpecialTokens: false) + [0] }
        let reader = try IndexedDatasetReader(prefix: folder + "/train")
        #expect(reader.documentCount == 6)
        #expect((0..<reader.documentCount).map { reader.tokens(document: $0) } == expected)
        #expect(reader.dtype == 8)
        #expect(summary.documentsRead == 7)
        #expect(summary.documentsEmpty == 1)
        #expect(summary.train.tokens == expected.map(\.count).reduce(0, +))
        #expect(summary.valid.documents == 0)
        #expect(try IndexedDatasetReader(prefix: folder + "/valid").documentCount == 0)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/pack.json"))) as! [String: Any]
        #expect(json["dtype"] as? String == "uint16")
        #expect(json["end_of_document_id"] as? Int == 0)
        #expect((json["train"] as? [String: Any])?["documents"] as? Int == 6)
    }

    @Test func workersDoNotChangeTheOutput() throws {
        let tokenizer = try TokenizerFile.load(path: Self.tokenizerPath)
        var bins: [Data] = []
        for workers in [1, 2, 3] {
            let folder = try IndexedDatasetTests.temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var configuration = Self.configuration()
            configuration.workers = workers
            _ = try Packer(tokenizer: tokenizer, tokenizerName: "tiny", configuration: configuration)
                .pack(files: [Self.documentsPath], output: folder)
            bins.append(try Data(contentsOf: URL(fileURLWithPath: folder + "/train.bin")))
        }
        #expect(bins[0] == bins[1] && bins[1] == bins[2])
    }

    @Test func upsamplingRepeatsClusteredTrainingDocuments() throws {
        let folder = try IndexedDatasetTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tokenizer = try TokenizerFile.load(path: Self.tokenizerPath)
        var configuration = Self.configuration()
        configuration.upsampleDuplicates = true
        configuration.maxCopies = 3
        let summary = try Packer(tokenizer: tokenizer, tokenizerName: "tiny", configuration: configuration)
            .pack(files: [Self.documentsPath], output: folder)
        // hk-0002 has dup_cluster_size 4, capped at 3 copies.
        #expect(summary.upsampledCopies == 2)
        let reader = try IndexedDatasetReader(prefix: folder + "/train")
        #expect(reader.documentCount == 8)
        #expect(reader.tokens(document: 1) == reader.tokens(document: 2))
        #expect(reader.tokens(document: 2) == reader.tokens(document: 3))
    }

    @Test func splitDependsOnlyOnTheIdAndFollowsTheWeights() throws {
        let weights = SplitWeights()
        var counts: [DatasetSplit: Int] = [:]
        for i in 0..<20_000 { counts[weights.split(forDocumentID: "doc-\(i)"), default: 0] += 1 }
        #expect((19_400...19_800).contains(counts[.train] ?? 0))
        #expect((120...280).contains(counts[.valid] ?? 0))
        #expect((120...280).contains(counts[.test] ?? 0))
        #expect(weights.split(forDocumentID: "hk-0001") == weights.split(forDocumentID: "hk-0001"))
        #expect(try SplitWeights(parsing: "90/5/5") == SplitWeights(train: 90, valid: 5, test: 5))
        #expect(throws: PackError.self) { try SplitWeights(parsing: "90/10") }
        #expect(throws: PackError.self) { try SplitWeights(parsing: "0/0/0") }
    }

    @Test func missingEndTokenIsAnError() throws {
        let folder = try IndexedDatasetTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tokenizer = try TokenizerFile.load(path: Self.tokenizerPath)
        var configuration = Self.configuration()
        configuration.endOfDocumentID = nil  // the tiny tokenizer has no EOS of its own
        #expect(throws: PackError.self) {
            try Packer(tokenizer: tokenizer, tokenizerName: "tiny", configuration: configuration)
                .pack(files: [Self.documentsPath], output: folder)
        }
    }
}
