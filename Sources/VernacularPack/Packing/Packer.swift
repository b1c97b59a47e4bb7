import Dispatch
import Foundation
import VernacularCore
import VernacularTokenizer

/// Tokenises JSON Lines documents and writes `OUTPUT/{train,valid,test}.{bin,idx}` (Megatron
/// indexed datasets) and `OUTPUT/pack.json`. Documents keep their input order within each split,
/// whatever the number of workers, so a pack is reproducible byte for byte.
public struct Packer {
    public let tokenizer: Tokenizer
    /// How the tokenizer was named, for pack.json.
    public let tokenizerName: String
    public let configuration: PackConfiguration

    public init(tokenizer: Tokenizer, tokenizerName: String, configuration: PackConfiguration = PackConfiguration()) {
        self.tokenizer = tokenizer
        self.tokenizerName = tokenizerName
        self.configuration = configuration
    }

    /// Packs every document of `files` (JSON Lines, plain, .gz or .zst) into `output`.
    public func pack(files: [String], output: String, progress: ((PackSummary) -> Void)? = nil) throws -> PackSummary {
        try configuration.validate()
        guard let eod = configuration.endOfDocumentID ?? tokenizer.eosTokenID else {
            throw PackError.configuration("the tokenizer has no EOS token: name the end-of-document token")
        }
        guard eod >= 0 && Int(eod) < tokenizer.vocabularySize else {
            throw PackError.configuration("end-of-document id \(eod) is outside the vocabulary")
        }
        let bos: Int32? = (configuration.addBOS ?? tokenizer.addsBOS) ? tokenizer.bosTokenID : nil
        if configuration.addBOS == true && bos == nil {
            throw PackError.configuration("BOS asked for, but the tokenizer has no BOS token")
        }
        let dtype = MegatronDType.smallest(forVocabularySize: tokenizer.vocabularySize)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)

        var writers: [DatasetSplit: IndexedDatasetWriter] = [:]
        for split in DatasetSplit.allCases {
            writers[split] = try IndexedDatasetWriter(prefix: output + "/" + split.rawValue, dtype: dtype)
        }
        var summary = PackSummary(
            tokenizer: tokenizerName, vocabularySize: tokenizer.vocabularySize, dtype: dtype.name,
            dtypeCode: Int(dtype.rawValue), endOfDocumentID: Int(eod), bosID: bos.map(Int.init),
            splitWeights: configuration.splits, inputs: files)

        var batch: [Document] = []
        batch.reserveCapacity(configuration.batchSize)
        func flush() throws {
            let encoded = encodeBatch(batch, bos: bos, eod: eod)
            for (document, tokens) in zip(batch, encoded) {
                let split = configuration.splits.split(forDocumentID: document.id)
                let copies = split == .train ? copyCount(document) : 1
                for _ in 0..<copies { try writers[split]!.append(document: tokens) }
                summary.upsampledCopies += copies - 1
                summary[split].documents += copies
                summary[split].tokens += copies * tokens.count
            }
            batch.removeAll(keepingCapacity: true)
            progress?(summary)
        }
        for file in files {
            try DocumentReading.forEach(path: file, mapping: configuration.fieldMapping) { document in
                summary.documentsRead += 1
                guard !document.text.isEmpty else {
                    summary.documentsEmpty += 1
                    return
                }
                summary.characters += document.text.count
                batch.append(document)
                if batch.count >= configuration.batchSize { try flush() }
            }
        }
        try flush()
        for split in DatasetSplit.allCases {
            try writers[split]!.finish()
            summary[split].bin = split.rawValue + ".bin"
            summary[split].idx = split.rawValue + ".idx"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let sink = try FileByteSink(path: output + "/pack.json")
        try sink.write(Array(try encoder.encode(summary)) + [0x0A])
        try sink.finish()
        return summary
    }

    /// Copies of a training document: its cluster size, capped; 1 when not upsampling or unknown.
    func copyCount(_ document: Document) -> Int {
        guard configuration.upsampleDuplicates,
              let size = document.meta["dup_cluster_size"]?.intValue, size > 1 else { return 1 }
        return min(size, configuration.maxCopies)
    }

    /// Token ids of each document (BOS?, text, EOD), tokenised by `workers` threads, each taking
    /// every workers-th document so long and short documents spread evenly.
    func encodeBatch(_ documents: [Document], bos: Int32?, eod: Int32) -> [[Int32]] {
        let results = ResultSlots(count: documents.count)
        let workers = min(configuration.workers, max(documents.count, 1))
        let tokenizer = self.tokenizer
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < documents.count {
                var ids: [Int32] = []
                if let bos { ids.append(bos) }
                ids += tokenizer.encode(documents[index].text, addSpecialTokens: false)
                ids.append(eod)
                results.store(ids, at: index)
                index += workers
            }
        }
        return results.values
    }
}

/// One slot per document, each written by exactly one worker (disjoint indices) and read after
/// all workers have finished: no two threads ever touch the same slot, hence no lock.
private final class ResultSlots: @unchecked Sendable {
    private let base: UnsafeMutablePointer<[Int32]>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: [], count: max(count, 1))
    }

    func store(_ ids: [Int32], at index: Int) { base[index] = ids }

    var values: [[Int32]] { Array(UnsafeBufferPointer(start: base, count: count)) }

    deinit {
        base.deinitialize(count: max(count, 1))
        base.deallocate()
    }
}
