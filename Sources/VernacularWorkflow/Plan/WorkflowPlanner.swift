import Foundation
import VernacularCore
import Yams

/// Reads a pipeline's steps into `vern` command lines, in order: each source's ingest, the
/// per-shard stages, each dedup method over the previous step's output, the optional tokenizer
/// extension and n-gram LM, and packing. Every step writes its own folder under `output.dir`.
public struct WorkflowPlanner {
    public let spec: PipelineSpec
    /// The pipeline file as given on the command line (workers read it again).
    public let pipelinePath: String

    public init(spec: PipelineSpec, pipelinePath: String) {
        self.spec = spec
        self.pipelinePath = pipelinePath
    }

    /// `vern ingest` options per kind, as pipeline keys (the command's flags with underscores).
    static let ingestOptions: [String: [String]] = {
        let common = ["encoding", "on_error", "documents_per_shard", "compression"]
        return [
            "wiki": common + ["variant", "index", "workers", "include_flagged"],
            "subtitles": common + ["gap_seconds"],
            "html": common,
            "csv": common + ["text_columns", "id_column", "delimiter"],
            "jsonl": common + ["text_fields", "id_field"],
            "text": common + ["unit"],
            "dictionary": common + ["examples_only"],
            "hkcancor": common,
        ]
    }()

    static let dedupCommon = ["workers", "memory_mb"]
    static let dedupNormalization = ["no_nfkc", "keep_case", "keep_whitespace", "keep_punctuation", "keep_digits"]
    static let dedupOptions: [String: [String]] = [
        "exact": dedupCommon + dedupNormalization,
        "near": dedupCommon + ["pack", "threshold", "ngram", "word_ngram", "hashes", "bands", "rows", "seed", "verify", "keep", "score_field"],
        "lines": dedupCommon + dedupNormalization + ["pack", "min_documents"],
    ]
    static let packOptions = ["tokenizer", "split", "workers", "upsample_duplicates", "max_copies", "eod_token", "bos", "text_field", "id_field"]
    static let tokenizerOptions = ["base", "add", "min_count", "all_scripts"]
    static let lmOptions = ["order", "pack"]

    public func steps() throws -> [WorkflowStep] {
        let file = spec.file
        let folder = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
        let out = spec.output.dir
        var steps: [WorkflowStep] = []

        for (index, source) in spec.sources.enumerated() {
            guard let allowed = Self.ingestOptions[source.name] else {
                let kinds = Self.ingestOptions.keys.sorted().joined(separator: ", ")
                throw PipelineFileError(file: file, line: source.line, message: "unknown source kind '\(source.name)' (known: \(kinds))")
            }
            let options = StepOptions(file: file, section: "sources: \(source.name)")
            let inputs = try options.paths(from: source.options, folder: folder)
            let flags = try options.flags(from: source.options, allowed: allowed, skipping: ["path", "paths"])
            let output = spec.sourceFolder(index)
            steps.append(WorkflowStep(name: "source-\(String(format: "%02d", index))-\(source.name)", kind: .sources,
                                      arguments: ["ingest", source.name] + inputs + ["--output", output, "--quiet"] + flags,
                                      output: output, clearsOutput: true))
        }

        steps.append(WorkflowStep(name: "stages", kind: .stages, arguments: ["run", pipelinePath, "--step", "stages"],
                                  output: out, clearsOutput: false, splitsIntoTasks: true))
        // Shard globs, not folders: a dedup folder also holds removed.jsonl.
        var previous = out + "/documents"

        for method in spec.dedup {
            guard let allowed = Self.dedupOptions[method.name] else {
                throw PipelineFileError(file: file, line: method.line, message: "unknown dedup method '\(method.name)' (known: exact, near, lines)")
            }
            let flags = try StepOptions(file: file, section: "dedup: \(method.name)").flags(from: method.options, allowed: allowed)
            let output = out + "/dedup-" + method.name
            guard !steps.contains(where: { $0.output == output }) else {
                throw PipelineFileError(file: file, line: method.line, message: "dedup method '\(method.name)' is listed twice")
            }
            let command = ["dedup", method.name, "--input", previous + "/shard-*.jsonl*", "--output", output, "--quiet"] + flags
            if method.name == "near" {
                steps += Self.nearDedupPhases(command: command, output: output)
            } else {
                steps.append(WorkflowStep(name: "dedup-" + method.name, kind: .dedup, arguments: command, output: output, clearsOutput: true))
            }
            previous = output
        }
        let corpus = previous + "/shard-*.jsonl*"

        var extendedTokenizer: String?
        if let tokenizer = spec.tokenizer {
            let options = StepOptions(file: file, section: "tokenizer")
            guard let extend = tokenizer.options?["extend"] else {
                throw PipelineFileError(file: file, line: tokenizer.line, message: "'tokenizer' takes 'extend: {base: ..., add: N}'")
            }
            try StrictYAML.checkKeys(of: tokenizer.options!, allowed: ["extend"], file: file, section: "tokenizer")
            let flags = try options.flags(from: extend, allowed: Self.tokenizerOptions)
            let output = out + "/tokenizer"
            steps.append(WorkflowStep(name: "tokenizer", kind: .tokenizer,
                                      arguments: ["tokenizer", "extend", "--input", corpus, "--output", output] + flags,
                                      output: output, clearsOutput: true))
            extendedTokenizer = output + "/tokenizer.json"
        }
        if let lm = spec.lm {
            guard let train = lm.options?["train"] else {
                throw PipelineFileError(file: file, line: lm.line, message: "'lm' takes 'train: {order: 5}'")
            }
            try StrictYAML.checkKeys(of: lm.options!, allowed: ["train"], file: file, section: "lm")
            let flags = try StepOptions(file: file, section: "lm").flags(from: train, allowed: Self.lmOptions)
            let output = out + "/lm"
            steps.append(WorkflowStep(name: "lm", kind: .lm,
                                      arguments: ["lm", "train", "--input", corpus, "--output", output + "/model.arpa"] + flags,
                                      output: output, clearsOutput: true))
        }
        if let pack = spec.pack {
            var flags = try StepOptions(file: file, section: "pack").flags(from: pack.options, allowed: Self.packOptions)
            // `tokenizer: extended` is the one the tokenizer step wrote.
            if let index = flags.firstIndex(of: "--tokenizer"), flags[index + 1] == "extended" {
                guard let extendedTokenizer else {
                    throw PipelineFileError(file: file, line: pack.line, message: "pack: 'tokenizer: extended' needs a 'tokenizer: {extend: ...}' step")
                }
                flags[index + 1] = extendedTokenizer
            }
            guard flags.contains("--tokenizer") else {
                throw PipelineFileError(file: file, line: pack.line, message: "'pack' needs 'tokenizer' (smollm2, gemma3, a tokenizer.json, or extended)")
            }
            let output = out + "/pack"
            steps.append(WorkflowStep(name: "pack", kind: .pack,
                                      arguments: ["pack", "--input", corpus, "--output", output, "--quiet"] + flags,
                                      output: output, clearsOutput: true))
        }
        return steps
    }

    /// Near dedup as one step per phase (prepare, signatures, buckets, cluster, filter, publish),
    /// so a cluster runs the per-shard and per-band phases as array jobs. Only prepare starts
    /// from an empty folder: the later phases add to the work folder it made.
    static func nearDedupPhases(command: [String], output: String) -> [WorkflowStep] {
        let phases: [(name: String, splits: Bool)] = [("prepare", false), ("signatures", true), ("buckets", true),
                                                       ("cluster", false), ("filter", true), ("publish", false)]
        return phases.map { phase in
            WorkflowStep(name: "dedup-near-" + phase.name, kind: .dedup, arguments: command + ["--phase", phase.name],
                         output: output, clearsOutput: phase.name == "prepare", splitsIntoTasks: phase.splits)
        }
    }

    /// The steps from `from` to `until` (kinds, inclusive).
    public func steps(from: StepKind?, until: StepKind?) throws -> [WorkflowStep] {
        try steps().filter { step in
            (from.map { step.kind >= $0 } ?? true) && (until.map { step.kind <= $0 } ?? true)
        }
    }
}
