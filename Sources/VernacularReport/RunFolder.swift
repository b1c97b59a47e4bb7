import Foundation
import VernacularCore

/// A run folder that cannot be reported on.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// The per-document numbers the histograms draw, for one side of the run (kept or dropped).
public struct DocumentValues: Sendable, Equatable {
    /// Text length in characters (Unicode scalars).
    public var lengths: [Double] = []
    /// `meta.yue_share` from the langid stage: the share of Han characters in Cantonese sentences.
    public var yueShares: [Double] = []
    /// `meta.lm_perplexity` from the perplexity stage.
    public var perplexities: [Double] = []

    public init() {}

    mutating func add(_ document: Document) {
        lengths.append(Double(document.text.unicodeScalars.count))
        if let share = document.meta["yue_share"]?.doubleValue { yueShares.append(share) }
        if let perplexity = document.meta["lm_perplexity"]?.doubleValue { perplexities.append(perplexity) }
    }
}

/// A dropped document as the report shows it: where it was dropped, why, and its start.
public struct DroppedSample: Sendable, Equatable {
    public var id: String
    public var source: String
    public var detail: String?
    /// The text, cut to the report's limit.
    public var text: String
    /// Characters cut from the end (0 when the whole text is shown).
    public var truncatedCharacters: Int
}

/// All documents one stage dropped for one reason, with a few of them.
public struct DropGroup: Sendable, Equatable {
    public var stage: String
    public var reason: String
    /// Documents in the dropped files with this stage and reason.
    public var count: Int
    public var samples: [DroppedSample]
}

/// What the report needs from a finished `vern run` folder: stats.json, manifest.json, the
/// documents/ and dropped/ files (written with `keep_dropped: true`) and, if present,
/// fertility.json from `vern tokenizer stats --json`.
public struct RunFolder: Sendable {
    public var path: String
    public var stats: RunStats
    public var manifest: RunManifest?
    public var kept = DocumentValues()
    public var dropped = DocumentValues()
    /// Drop groups in pipeline order, then by count.
    public var dropGroups: [DropGroup] = []
    /// False when the run did not keep its dropped documents (no samples, no dropped values).
    public var hasDroppedFiles = false
    public var fertility: [FertilityRow]?
    /// Records or files that could not be read; the rest of the report stands without them.
    public var problems: [String] = []

    /// Options for reading: how many dropped documents to show per reason and how much of each.
    public struct Options: Sendable {
        public var samplesPerReason: Int
        public var sampleCharacters: Int
        public var seed: UInt64

        public init(samplesPerReason: Int = 3, sampleCharacters: Int = 600, seed: UInt64 = 20_250_101) {
            self.samplesPerReason = samplesPerReason
            self.sampleCharacters = sampleCharacters
            self.seed = seed
        }
    }

    public static let statsFile = "stats.json"
    public static let manifestFile = "manifest.json"
    public static let fertilityFile = "fertility.json"

    /// Reads the folder. Throws only when stats.json is missing or unreadable; a bad record or
    /// file elsewhere becomes a line in `problems`.
    public static func load(_ path: String, options: Options = Options()) throws -> RunFolder {
        let statsPath = path + "/" + statsFile
        guard FileSystem.exists(statsPath) else {
            throw ReportError(path: statsPath, message: "no stats file: not the output folder of a finished `vern run`")
        }
        let stats: RunStats
        do { stats = try AtomicJSONFile.read(RunStats.self, from: statsPath) } catch {
            throw ReportError(path: statsPath, message: "cannot read run stats: \(error)")
        }
        var folder = RunFolder(path: path, stats: stats)
        let manifestPath = path + "/" + manifestFile
        if FileSystem.exists(manifestPath) {
            do { folder.manifest = try AtomicJSONFile.read(RunManifest.self, from: manifestPath) } catch {
                folder.note("\(manifestPath): cannot read the manifest: \(error)")
            }
        }

        var kept = DocumentValues()
        for file in documentFiles(in: path + "/" + ShardProcessor.documentsFolder) {
            read(file, problems: &folder.problems) { kept.add($0) }
        }
        folder.kept = kept

        let droppedFolder = path + "/" + ShardProcessor.droppedFolder
        folder.hasDroppedFiles = FileSystem.exists(droppedFolder)
        var dropped = DocumentValues()
        var sampler = DropSampler(options: options)
        for file in documentFiles(in: droppedFolder) {
            read(file, problems: &folder.problems) { document in
                dropped.add(document)
                sampler.add(document)
            }
        }
        folder.dropped = dropped
        let order = Dictionary(stats.stages.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        folder.dropGroups = sampler.groups.sorted {
            let (a, b) = (order[$0.stage] ?? .max, order[$1.stage] ?? .max)
            return a != b ? a < b : $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason
        }

        let fertilityPath = path + "/" + fertilityFile
        if FileSystem.exists(fertilityPath) {
            do { folder.fertility = try FertilityRow.read(path: fertilityPath) } catch {
                folder.note("\(error)")
            }
        }
        return folder
    }

    /// JSON Lines files of one output folder, in name order (unfinished `.tmp` files skipped).
    static func documentFiles(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { !$0.hasPrefix(".") && $0.contains(".jsonl") }.sorted().map { folder + "/" + $0 }
    }

    private mutating func note(_ problem: String) {
        problems.append(problem)
    }

    /// Reads every record of a file; a bad record is noted with its file and line and skipped.
    private static func read(_ path: String, problems: inout [String], _ body: (Document) -> Void) {
        func note(_ problem: String) { problems.append(problem) }
        let reader: LineReader
        do { reader = LineReader(source: try FileByteSource.open(path: path), path: path) } catch {
            note("\(path): cannot open: \(error)")
            return
        }
        do {
            while let outcome = try reader.nextLine({ bytes -> Result<Document, InputProblem>? in
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
                do {
                    return .success(try Document.decode(jsonLine: bytes, mapping: DocumentFieldMapping(),
                                                        fallbackSource: path, lineNumber: reader.lineNumber))
                } catch {
                    return .failure(InputProblem(file: path, line: reader.lineNumber, message: "\(error)"))
                }
            }) {
                switch outcome {
                case .success(let document)?: body(document)
                case .failure(let problem)?: note(problem.description)
                case nil: continue
                }
            }
        } catch {
            note("\(path): stopped reading after line \(reader.lineNumber): \(error)")
        }
    }
}

/// Keeps a uniform random sample of each drop group (reservoir sampling with a fixed seed, so a
/// report of the same folder always shows the same documents).
struct DropSampler {
    let options: RunFolder.Options
    private var random: SplitMix64
    private var index: [String: Int] = [:]
    private(set) var groups: [DropGroup] = []

    init(options: RunFolder.Options) {
        self.options = options
        random = SplitMix64(seed: options.seed)
    }

    mutating func add(_ document: Document) {
        let stage = document.meta["drop_stage"]?.stringValue ?? "unknown stage"
        let reason = document.meta["drop_reason"]?.stringValue ?? "unknown reason"
        let key = stage + "\u{1F}" + reason
        let position: Int
        if let existing = index[key] {
            position = existing
        } else {
            position = groups.count
            index[key] = position
            groups.append(DropGroup(stage: stage, reason: reason, count: 0, samples: []))
        }
        groups[position].count += 1
        let seen = groups[position].count
        let limit = options.samplesPerReason
        guard limit > 0 else { return }
        if groups[position].samples.count < limit {
            groups[position].samples.append(sample(document))
        } else {
            let slot = Int(random.next() % UInt64(seen))
            if slot < limit { groups[position].samples[slot] = sample(document) }
        }
    }

    private func sample(_ document: Document) -> DroppedSample {
        let scalars = document.text.unicodeScalars
        let shown = String(String.UnicodeScalarView(scalars.prefix(options.sampleCharacters)))
        return DroppedSample(id: document.id, source: document.source, detail: document.meta["drop_detail"]?.stringValue,
                             text: shown, truncatedCharacters: max(0, scalars.count - options.sampleCharacters))
    }
}
