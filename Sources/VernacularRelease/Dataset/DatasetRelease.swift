import Foundation
import VernacularCore
import VernacularPack

/// What `vern release dataset` is asked to do.
public struct DatasetReleaseOptions: Sendable {
    /// The dataset's name on its card (`pretty_name`).
    public var name: String
    public var licence: Licence
    /// The card's `language:` code (ISO 639-3 `yue` for Cantonese, as the Hub lists it).
    public var language = "yue"
    public var format: ShardFormat
    /// The same weights and hash as `vern pack`, so a document is in the same split in both.
    public var splits: SplitWeights
    /// Documents after `vern dedup` (its folder); nil releases the run's documents/.
    public var dedupFolder: String?
    public var dedupSummary: String?
    /// Source name (or its last path component) to licence, for sources that recorded none.
    public var sourceLicences: [String: String]
    /// Release even when sources' licences conflict or are missing (the card lists them).
    public var allowLicenceConflicts: Bool
    public var rowsPerShard: Int
    /// The vern writing the release, named on the card.
    public var version = SourceVersion()

    public init(name: String, licence: Licence, format: ShardFormat = .jsonlGzip, splits: SplitWeights = SplitWeights(),
                dedupFolder: String? = nil, dedupSummary: String? = nil, sourceLicences: [String: String] = [:],
                allowLicenceConflicts: Bool = false, rowsPerShard: Int = 100_000) {
        self.name = name
        self.licence = licence
        self.format = format
        self.splits = splits
        self.dedupFolder = dedupFolder
        self.dedupSummary = dedupSummary
        self.sourceLicences = sourceLicences
        self.allowLicenceConflicts = allowLicenceConflicts
        self.rowsPerShard = rowsPerShard
    }
}

/// One split as released.
public struct ReleasedSplit: Sendable, Equatable {
    /// The Hub's split name: train, validation, test.
    public let name: String
    public let documents: Int
    public let characters: Int
    /// The split's size as `datasets` counts it (see `DatasetRow.arrowBytes`).
    public let arrowBytes: Int
    /// Shard files, relative to the release folder.
    public let files: [String]
}

/// Everything a dataset card says, gathered from the run.
public struct DatasetFacts {
    public let options: DatasetReleaseOptions
    public let run: PipelineRunFolder
    public let dedup: DedupFolder?
    public let sources: [DatasetSource]
    public let licenceProblems: [LicenceProblem]
    /// Splits with at least one document, in train, validation, test order.
    public let splits: [ReleasedSplit]
    public var documents: Int { splits.reduce(0) { $0 + $1.documents } }
}

/// `vern release dataset`: the kept documents as split shards and a dataset card, in a folder
/// `datasets.load_dataset` reads as it is.
public enum DatasetRelease {
    /// The Hub's names for pack's splits.
    static let hubSplitNames: [DatasetSplit: String] = [.train: "train", .valid: "validation", .test: "test"]

    /// Checks licences, writes `output/data/*` and `output/README.md` (through a temporary
    /// folder, renamed at the end) and returns what the card was made from.
    @discardableResult
    public static func write(runFolder: String, options: DatasetReleaseOptions, to output: String) throws -> DatasetFacts {
        let run = try PipelineRunFolder(path: runFolder)
        var catalog = try SourceCatalog(run: run, overrides: options.sourceLicences)
        let problems = try LicenceCheck.enforce(sources: catalog.sources, releasingUnder: options.licence,
                                                allowConflicts: options.allowLicenceConflicts, runFolder: runFolder)
        let dedup = try options.dedupFolder.map { try DedupFolder(path: $0, summaryPath: options.dedupSummary) }
        let inputFiles = dedup?.documentFiles ?? run.documentFiles

        return try ReleaseFolder.build(output) { temporary in
            try FileSystem.makeDirectory(temporary + "/data")
            let writers = DatasetSplit.allCases.map {
                SplitShardWriter(split: hubSplitNames[$0]!, folder: temporary + "/data", format: options.format,
                                 rowsPerShard: options.rowsPerShard)
            }
            for file in inputFiles {
                try DocumentReading.forEach(path: file) { document in
                    guard let index = catalog.sourceIndex(ofDocument: document.id) else {
                        throw ReleaseError(path: file, message: "document '\(document.id)' is in none of the run's input files: is this folder the output of this run?")
                    }
                    catalog.countReleased(sourceIndex: index)
                    // The Hub's id when vern knows the licence ("CC BY 4.0" becomes cc-by-4.0), as written otherwise.
                    let licence = catalog.sources[index].licence.map { Licence($0)?.id ?? $0 }
                    let row = DatasetRow(id: document.id, text: document.text, source: document.source, license: licence,
                                         meta: document.meta)
                    let split = options.splits.split(forDocumentID: document.id)
                    try writers[DatasetSplit.allCases.firstIndex(of: split)!].write(row)
                }
            }
            var splits: [ReleasedSplit] = []
            for writer in writers {
                let files = try writer.finish()
                if writer.rows > 0 {
                    splits.append(ReleasedSplit(name: writer.split, documents: writer.rows, characters: writer.characters, arrowBytes: writer.arrowBytes,
                                                files: files.map { "data/" + $0 }))
                }
            }
            let released = splits.reduce(0) { $0 + $1.documents }
            let expected = run.stats.documentsWritten - (dedup?.removed ?? 0)
            guard released == expected else {
                let what = dedup.map { "\(run.stats.documentsWritten) kept by the run less \($0.removed) removed by dedup (\($0.path)/removed.jsonl)" }
                    ?? "the run's \(run.stats.documentsWritten) (stats.json documents_written)"
                throw ReleaseError(path: dedup?.path ?? runFolder, message: "found \(released) documents, expected \(what)")
            }
            let facts = DatasetFacts(options: options, run: run, dedup: dedup, sources: catalog.sources,
                                     licenceProblems: problems, splits: splits)
            try Data(DatasetCard.render(facts).utf8).write(to: URL(fileURLWithPath: temporary + "/README.md"))
            return facts
        }
    }
}
