import ArgumentParser
import Foundation
import VernacularCore
import VernacularDedup

extension Vern {
    struct Dedup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dedup",
            abstract: "Remove exact duplicates, near-duplicates or repeated lines from document shards.",
            discussion: """
                Each subcommand reads JSON Lines inputs (plain, .gz or .zst; files sorted by path give \
                the input order that "first" refers to) and writes OUTPUT/shard-NNNNN.jsonl.zst, one per \
                input file, plus OUTPUT/removed.jsonl with {"id", "duplicate_of", "stage"} per removed \
                document. Intermediate files go to a work folder that is removed afterwards.
                """,
            subcommands: [Exact.self, Near.self, Lines.self]
        )
    }
}

extension KeepRule: ExpressibleByArgument {}
extension Verification: ExpressibleByArgument {}
extension NearDedupPhase: ExpressibleByArgument {}

/// Inputs, output and resources shared by the dedup subcommands.
struct DedupRunOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: "Input JSON Lines files, folders or globs.")
    var input: [String]

    @Option(help: "Folder for the kept documents and removed.jsonl.")
    var output: String

    @Option(help: ArgumentHelp("Folder for intermediate files (default: OUTPUT/.dedup-work).", valueName: "dir"))
    var work: String?

    @Flag(help: "Keep the work folder after a successful run (to inspect or rerun single stages).")
    var keepWork = false

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    @Option(help: "Memory for sorting buffers in MiB, over all workers; more spills to sorted runs on disk.")
    var memoryMb = 512

    @OptionGroup var report: OutputOptions

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if memoryMb < 1 { throw ValidationError("--memory-mb must be at least 1") }
    }

    func workspace() throws -> DedupWorkspace {
        try DedupWorkspace.expanding(input, output: output, work: work, memoryBudget: memoryMb << 20)
    }

    var workerCount: Int { workers ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Progress lines on standard error, unless asked for quiet or JSON.
    var progress: DedupProgress? {
        guard !report.quiet, !report.json else { return nil }
        return { message in FileHandle.standardError.write(Data((message + "\n").utf8)) }
    }

    /// Prints the summary and removes the work folder.
    func finish(_ summary: DedupSummary, workspace: DedupWorkspace) throws {
        if !keepWork { FileSystem.remove(workspace.work) }
        if report.json {
            print(try JSONText.encode(summary))
        } else if !report.quiet {
            print("\(summary.stage): \(summary.documentsIn) documents in, \(summary.documentsKept) kept, "
                + "\(summary.documentsRemoved) removed; output in \(workspace.output)")
        }
    }
}

/// Which differences exact and line dedup ignore (each on by default).
struct NormalizationFlags: ParsableArguments {
    @Flag(help: "Compare without Unicode NFKC (full-width and compatibility forms then differ).")
    var noNfkc = false
    @Flag(help: "Upper and lower case differ.")
    var keepCase = false
    @Flag(help: "Whitespace differences count.")
    var keepWhitespace = false
    @Flag(help: "Punctuation differences count.")
    var keepPunctuation = false
    @Flag(help: "Digits differ (by default every digit compares as 0).")
    var keepDigits = false

    var normalization: TextNormalization {
        TextNormalization(nfkc: !noNfkc, lowercase: !keepCase, foldWhitespace: !keepWhitespace,
                          stripPunctuation: !keepPunctuation, digitsToZero: !keepDigits)
    }
}

extension Vern.Dedup {
    struct Exact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove documents whose normalised text equals an earlier document's.")

        @OptionGroup var common: DedupRunOptions
        @OptionGroup var normalize: NormalizationFlags

        func run() throws {
            let workspace = try common.workspace()
            let summary = try ExactDedup(workspace: workspace, normalization: normalize.normalization)
                .run(workers: common.workerCount, progress: common.progress)
            try common.finish(summary, workspace: workspace)
        }
    }

    struct Near: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove near-duplicates found by MinHash LSH (character n-grams for Han text).",
            discussion: """
                Settings come from the language pack's dedup section when --pack is given, else from \
                the built-in defaults (Cantonese's: character 5-grams, Jaccard 0.7, 24 bands x 4 rows, 96 hashes); \
                options below override either. Kept documents get meta.dup_cluster_size.
                """)

        @OptionGroup var common: DedupRunOptions

        @Option(help: ArgumentHelp("Language pack whose 'dedup:' section gives the defaults.", valueName: "yaml"))
        var pack: String?
        @Option(help: "Jaccard similarity at or above which documents are duplicates.")
        var threshold: Double?
        @Option(help: "Character n-gram size for Han and other unspaced scripts.")
        var ngram: Int?
        @Option(help: "Word n-gram size for space-separated scripts.")
        var wordNgram: Int?
        @Option(help: "MinHash values per document.")
        var hashes: Int?
        @Option(help: "LSH bands.")
        var bands: Int?
        @Option(help: "Rows (hash values) per band.")
        var rows: Int?
        @Option(help: "Seed of the hash functions.")
        var seed: UInt64?
        @Option(help: "How candidate pairs are checked: exact (shingle-set Jaccard) or signature (agreement).")
        var verify: Verification = .exact
        @Option(help: "Which document of a cluster stays: \(KeepRule.allCases.map(\.rawValue).joined(separator: ", ")).")
        var keep: KeepRule = .first
        @Option(help: "The numeric meta field '--keep score' compares.")
        var scoreField = "quality_score"
        @Flag(help: "Reuse the work folder of a killed run with the same inputs and settings: finished shards are not signed again.")
        var resume = false
        @Option(help: ArgumentHelp("Run one phase only, as a cluster job: \(NearDedupPhase.allCases.map(\.rawValue).joined(separator: ", ")) (in that order; the work folder stays between them, publish removes it).", valueName: "phase"))
        var phase: NearDedupPhase?
        @Option(help: "With --phase signatures, buckets or filter: this task's share (items i with i mod --task-count = index).")
        var taskIndex: Int?
        @Option(help: "The number of tasks the phase is split into.")
        var taskCount: Int?
        // For the pipeline's Slurm executor: prints the tasks of N that still have unfinished items.
        @Option(help: .hidden) var unfinishedTasks: Int?
        // For `vern status`: prints the phase's finished and total items.
        @Flag(help: .hidden) var itemProgress = false

        func validate() throws {
            if (taskIndex == nil) != (taskCount == nil) { throw ValidationError("--task-index and --task-count go together") }
            if let taskIndex, let taskCount, !(0 ..< taskCount).contains(taskIndex) {
                throw ValidationError("--task-index must be in 0..<--task-count")
            }
            if taskIndex != nil, !(phase?.splitsIntoTasks ?? false) {
                throw ValidationError("--task-index needs --phase signatures, buckets or filter")
            }
            if unfinishedTasks != nil || itemProgress, phase == nil { throw ValidationError("--unfinished-tasks and --item-progress need --phase") }
        }

        func options() throws -> NearDedupOptions {
            var options = try pack.map { try DedupPackSettings.load(packPath: $0) }?.nearOptions ?? NearDedupOptions()
            if let threshold { options.minHash.threshold = threshold }
            if let ngram { options.shingles.characterNgram = ngram }
            if let wordNgram { options.shingles.wordNgram = wordNgram }
            if let hashes { options.minHash.hashes = hashes }
            if let bands { options.minHash.bands = bands }
            if let rows { options.minHash.rows = rows }
            if let seed { options.minHash.seed = seed }
            options.verification = verify
            options.keep = keep
            options.scoreField = scoreField
            return options
        }

        func run() throws {
            let workspace = try common.workspace()
            let job = try NearDedup(workspace: workspace, options: try options())
            guard let phase else {
                return try common.finish(try job.run(workers: common.workerCount, progress: common.progress, resume: resume),
                                         workspace: workspace)
            }
            if itemProgress {
                let total = job.itemCount(of: phase)
                let done = (0..<total).filter { job.isFinished(phase, item: $0) }.count
                return print(try JSONText.encode(ItemProgress(done: done, total: total, unit: phase == .buckets ? "bands" : "shards")))
            }
            if let count = unfinishedTasks {
                return print(try JSONText.encode(job.unfinishedTasks(phase, taskCount: max(1, count))))
            }
            let slice = taskIndex.map { TaskSlice(index: $0, count: taskCount!) }
            if let summary = try job.run(phase: phase, slice: slice, workers: common.workerCount, progress: common.progress) {
                try common.finish(summary, workspace: workspace)
            }
        }
    }

    struct Lines: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove lines found in at least K documents (boilerplate) from every document.")

        @OptionGroup var common: DedupRunOptions
        @OptionGroup var normalize: NormalizationFlags

        @Option(help: ArgumentHelp("Language pack whose 'dedup:' section gives K.", valueName: "yaml"))
        var pack: String?
        @Option(name: [.customShort("k"), .long], help: "Documents a line must appear in to be removed (default 10).")
        var minDocuments: Int?

        func run() throws {
            let workspace = try common.workspace()
            let k = try minDocuments ?? pack.map { try DedupPackSettings.load(packPath: $0).lineMinDocuments } ?? 10
            let job = try LineDedup(workspace: workspace,
                                    options: LineDedupOptions(minDocuments: k, normalization: normalize.normalization))
            try common.finish(try job.run(workers: common.workerCount, progress: common.progress), workspace: workspace)
        }
    }
}

/// Finished and total items of a phase, as `vern status` reads them.
struct ItemProgress: Codable {
    var done: Int
    var total: Int
    var unit: String
}
