import ArgumentParser
import Foundation
import VernacularEngine
import VernacularModels
import VernacularPack
import VernacularRelease

extension Vern {
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a finished run into folders for the Hugging Face Hub: dataset, model or workflow, each with its card.",
            discussion: """
                Each subcommand writes a folder that the Hugging Face tools read as it is (datasets, \
                huggingface_hub, transformers), with a README.md card whose figures come from the run's \
                own records. --push OWNER/NAME uploads it with `hf upload` when `hf` is installed and \
                HF_TOKEN is set, and otherwise prints the command to run.
                """,
            subcommands: [ReleaseDataset.self, ReleaseModel.self, ReleaseWorkflow.self]
        )
    }
}

/// `--push` and what it does, shared by the release subcommands.
struct PushOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Upload the folder to this Hub repository (OWNER/NAME).", valueName: "repo-id"))
    var push: String?

    /// Uploads, or prints the command when this machine cannot.
    func pushIfAsked(folder: String, type: HubUpload.RepoType) async throws {
        guard let push else { return }
        let upload = try HubUpload(folder: folder, repoID: push, repoType: type)
        if let reason = HubUpload.unavailableReason() {
            print("not uploading: \(reason); to upload, run:\n  \(upload.commandLine)")
            return
        }
        try await upload.perform()
        print("uploaded \(folder) to https://huggingface.co/\(type == .dataset ? "datasets/" : "")\(push)")
    }
}

struct ReleaseDataset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Release the documents a `vern run` kept as train/validation/test shards with a dataset card.",
        discussion: """
            Writes OUTPUT/data/{train,validation,test}-NNNNN-of-NNNNN.jsonl.gz (fields id, text, source, \
            license, meta) split by a hash of the id as `vern pack` splits, and OUTPUT/README.md: YAML \
            metadata (license, language, size_categories, task_categories, configs) then sources and \
            their licences, the pipeline's stages and settings, documents in and out per stage with drop \
            reasons (stats.json), deduplication, PII and decontamination. The release stops when a \
            source's licence conflicts with --license or none is recorded, unless \
            --allow-licence-conflicts is given.
            """)

    @Argument(help: "A finished `vern run` folder (stats.json, manifest.json, documents/).") var runDirectory: String
    @Option(name: .shortAndLong, help: "Folder to write (replaced if it exists).") var output: String
    @Option(help: "The dataset's name on its card (default: the output folder's name).") var name: String?
    @Option(help: "The dataset's licence, as a Hub id (cc-by-4.0, cc-by-sa-4.0, cc0-1.0, ...).") var license = "cc-by-4.0"
    @Option(help: "Shard format: jsonl.gz (datasets reads it with no extra package), jsonl or jsonl.zst (needs zstandard).")
    var format = ShardFormat.jsonlGzip.rawValue
    @Option(help: "train/validation/test weights, as `vern pack --split`.") var split = "98/1/1"
    @Option(help: ArgumentHelp("Release the documents `vern dedup` kept in this folder instead of the run's.", valueName: "dir"))
    var dedup: String?
    @Option(help: ArgumentHelp("The saved `vern dedup ... --json` summary (default: DEDUP/summary.json when present).", valueName: "file"))
    var dedupSummary: String?
    @Option(help: ArgumentHelp("A source's licence, given here (over any it recorded): SOURCE=ID, SOURCE as the card's source column names it or its last path component (repeatable).",
                               valueName: "source=id"))
    var sourceLicense: [String] = []
    @Flag(help: "Release even when sources' licences conflict with --license or are missing (the card lists them).")
    var allowLicenceConflicts = false
    @Option(help: "Documents per shard.") var documentsPerShard = 100_000
    @OptionGroup var push: PushOptions

    func validate() throws {
        guard Licence(license) != nil else {
            throw ValidationError("--license '\(license)' is not a licence id vern knows: \(Licence.known.keys.sorted().joined(separator: ", "))")
        }
        for entry in sourceLicense where !entry.contains("=") {
            throw ValidationError("--source-license '\(entry)' must be SOURCE=ID")
        }
        guard documentsPerShard > 0 else { throw ValidationError("--documents-per-shard must be at least 1") }
        do {
            _ = try ShardFormat(parsing: format)
            _ = try SplitWeights(parsing: split)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        var overrides: [String: String] = [:]
        for entry in sourceLicense {
            let (source, id) = (String(entry[..<entry.lastIndex(of: "=")!]), String(entry[entry.index(after: entry.lastIndex(of: "=")!)...]))
            overrides[source] = id
        }
        var options = DatasetReleaseOptions(
            name: name ?? (output as NSString).lastPathComponent, licence: Licence(license)!, format: try ShardFormat(parsing: format),
            splits: try SplitWeights(parsing: split), dedupFolder: dedup, dedupSummary: dedupSummary, sourceLicences: overrides,
            allowLicenceConflicts: allowLicenceConflicts, rowsPerShard: documentsPerShard)
        options.version = SourceVersion.detect()
        let facts = try DatasetRelease.write(runFolder: runDirectory, options: options, to: output)
        let splits = facts.splits.map { "\($0.name) \($0.documents)" }.joined(separator: ", ")
        print("wrote \(output): \(facts.documents) documents (\(splits)) from \(facts.sources.count) source(s), licence \(options.licence.id)")
        for problem in facts.licenceProblems { print("licence conflict (allowed): \(problem)") }
        try await push.pushIfAsked(folder: output, type: .dataset)
    }
}

struct ReleaseModel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Release a trained model as a Hugging Face folder with a model card.",
        discussion: """
            SOURCE is a `vern train` RUN_DIR (exported here with adapters merged, as `vern export \
            --format hf`) or a `vern export --format hf` folder (copied; give --train RUN_DIR). The card \
            (README.md) gives the base model and its licence, the tokenizer extension and fertility before \
            and after, the training data, settings and loss curve, and the `vern eval` table with --eval.
            """)

    @Argument(help: "A `vern train` RUN_DIR or a `vern export --format hf` folder.") var source: String
    @Option(name: .shortAndLong, help: "Folder to write (replaced if it exists).") var output: String
    @Option(help: ArgumentHelp("The `vern train` run, when SOURCE is an export folder.", valueName: "run-dir")) var train: String?
    @Option(help: ArgumentHelp("A `vern eval` output folder (results.json) for the evaluation table.", valueName: "dir")) var eval: String?
    @Option(help: ArgumentHelp("The training data's release: a `vern release dataset` folder or a Hub dataset id.", valueName: "dir-or-id"))
    var dataset: String?
    @Option(help: ArgumentHelp("A GGUF file (`vern export --format gguf`) to put beside the safetensors.", valueName: "file")) var gguf: String?
    @Option(help: ArgumentHelp("fertility.json (`vern tokenizer stats --output`) for tokens per character before and after.", valueName: "file"))
    var fertility: String?
    @Option(help: "The model's name on its card (default: the output folder's name).") var name: String?
    @Option(help: "The model's licence (default: the base model's).") var license: String?
    @Option(help: "The licence of a base model vern does not know.") var baseModelLicense: String?
    @OptionGroup var push: PushOptions

    func run() async throws {
        EngineProcess.prepare()
        var options = ModelReleaseOptions(
            name: name ?? (output as NSString).lastPathComponent, licence: license, baseModelLicence: baseModelLicense,
            trainRun: train, evalFolder: eval, dataset: dataset, gguf: gguf, fertility: fertility)
        options.version = SourceVersion.detect()
        let facts = try ModelRelease.write(source: source, options: options, to: output) {
            try ModelLoader.load(path: $0, options: ModelLoadOptions(quantizeForDecoding: false))
        }
        print("wrote \(output): \(facts.files.joined(separator: ", ")), README.md; base \(facts.base?.hubID ?? facts.manifest.baseModel), licence \(facts.licence)")
        try await push.pushIfAsked(folder: output, type: .model)
    }
}

struct ReleaseWorkflow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Release what reproduces a run: pipeline files, training config, the exact vern version and the commands.",
        discussion: """
            Writes pipeline/ (the pipeline file as the run read it and the language packs its stages \
            name), ingest/ (each source's ingest-report.json), training/run.json with --train, \
            version.json (vern's version, git commit and describe), reproduce.sh and README.md.
            """)

    @Argument(help: "A finished `vern run` folder.") var runDirectory: String
    @Option(name: .shortAndLong, help: "Folder to write (replaced if it exists).") var output: String
    @Option(help: ArgumentHelp("The `vern dedup` folder made from the run's documents.", valueName: "dir")) var dedup: String?
    @Option(help: ArgumentHelp("The `vern train` run trained on the data.", valueName: "run-dir")) var train: String?
    @Option(help: "The workflow's name on its card (default: the output folder's name).") var name: String?
    @OptionGroup var push: PushOptions

    func run() async throws {
        let options = WorkflowReleaseOptions(name: name ?? (output as NSString).lastPathComponent, dedupFolder: dedup,
                                             trainRun: train, version: SourceVersion.detect())
        let facts = try WorkflowRelease.write(runFolder: runDirectory, options: options, to: output)
        print("wrote \(output): \(facts.files.joined(separator: ", ")); vern \(options.version.describe ?? options.version.version)")
        try await push.pushIfAsked(folder: output, type: .model)
    }
}
