import Foundation
import VernacularCore
import VernacularTrain

/// What `vern release workflow` is asked to include besides the pipeline run.
public struct WorkflowReleaseOptions: Sendable {
    public var name: String
    /// The `vern dedup` folder made from the run's documents.
    public var dedupFolder: String?
    /// The `vern train` run trained on them.
    public var trainRun: String?
    public var version: SourceVersion

    public init(name: String, dedupFolder: String? = nil, trainRun: String? = nil, version: SourceVersion = SourceVersion()) {
        self.name = name
        self.dedupFolder = dedupFolder
        self.trainRun = trainRun
        self.version = version
    }
}

/// One step of the workflow: what it does and the command that does it.
public struct ReproduceStep: Sendable, Equatable {
    public let title: String
    public let command: [String]
    /// Said beside the command: where it came from, what cannot be reproduced exactly.
    public let note: String?
}

/// What the workflow folder holds, for the card and the caller.
public struct WorkflowFacts: Sendable {
    public let options: WorkflowReleaseOptions
    public let steps: [ReproduceStep]
    /// Files written, relative to the folder.
    public let files: [String]
}

/// `vern release workflow`: the pipeline file and the language packs it names, the ingest
/// reports, the training configuration, the exact vern version and a script of the commands.
public enum WorkflowRelease {
    @discardableResult
    public static func write(runFolder: String, options: WorkflowReleaseOptions, to output: String) throws -> WorkflowFacts {
        let run = try PipelineRunFolder(path: runFolder)
        return try ReleaseFolder.build(output) { temporary in
            var files: [String] = []
            func write(_ text: String, to relative: String) throws {
                let path = temporary + "/" + relative
                try FileSystem.makeDirectory((path as NSString).deletingLastPathComponent)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                files.append(relative)
            }
            func copy(_ path: String, to relative: String) throws {
                let target = temporary + "/" + relative
                try FileSystem.makeDirectory((target as NSString).deletingLastPathComponent)
                try FileManager.default.copyItem(atPath: path, toPath: target)
                files.append(relative)
            }

            var steps: [ReproduceStep] = []
            // Ingest: each source folder's report, and the command it recorded.
            var seen = Set<String>()
            for input in run.manifest.inputs {
                let folder = (input.path as NSString).deletingLastPathComponent
                let report = folder + "/ingest-report.json"
                guard FileManager.default.fileExists(atPath: report), seen.insert(folder).inserted else { continue }
                try copy(report, to: "ingest/\(relativeName(folder))/ingest-report.json")
                let recorded = try PipelineRunFolder.decode(IngestCommand.self, from: report).command
                steps.append(ReproduceStep(title: "Ingest \(folder)", command: recorded ?? ["vern", "ingest", "KIND", "INPUTS", "--output", folder],
                                          note: recorded == nil ? "ingest-report.json records no command (written before vern recorded it): fill in the kind and inputs" : nil))
            }
            // The pipeline as it was, and the language packs its stages name.
            let pipelineName = (run.manifest.pipelineFile as NSString).lastPathComponent
            try write(run.pipelineText, to: "pipeline/" + pipelineName)
            for stage in run.pipeline.stages {
                guard let pack = stage.options?["pack"]?.string, FileManager.default.fileExists(atPath: pack),
                      !files.contains("pipeline/" + relativeName(pack)) else { continue }
                try copy(pack, to: "pipeline/" + relativeName(pack))
            }
            steps.append(ReproduceStep(title: "Run the pipeline", command: ["vern", "run", run.manifest.pipelineFile],
                                      note: "pipeline/\(pipelineName) is the file as the run read it (config hash \(run.manifest.configHash)); its paths are relative to where it lies"))
            if let dedup = options.dedupFolder {
                let folder = try DedupFolder(path: dedup)
                let stage = folder.summary?.stage ?? folder.removedByStage.keys.sorted().first ?? "near"
                steps.append(ReproduceStep(title: "Deduplicate the kept documents",
                                          command: ["vern", "dedup", stage, "--input", run.path + "/" + ShardProcessor.documentsFolder, "--output", dedup],
                                          note: "with the default settings; \(folder.removed) documents removed in the recorded run"))
            }
            if let trainRun = options.trainRun {
                let manifest: VernacularTrain.RunManifest
                do { manifest = try VernacularTrain.RunManifest.read(runDirectory: trainRun) } catch {
                    throw ReleaseError(path: trainRun, message: "\(error)")
                }
                try copy(trainRun + "/" + VernacularTrain.RunManifest.fileName, to: "training/run.json")
                let steps_ = (try? MetricsLog.read(path: trainRun + "/" + MetricsLog.fileName))?.last?.step
                var note = "every setting from training/run.json"
                if manifest.options.maxMinutes != nil {
                    note += "; --max-minutes sizes the schedule from the first step's time, so the step count depends on the machine"
                    note += steps_.map { " (the recorded run took \($0) steps; --max-steps \($0) fixes the count)" } ?? ""
                }
                var tokenizer = trainRun + "/tokenizer"
                if manifest.extendedTokenizer {
                    // The run's copy of its extended tokenizer travels with the workflow: the command
                    // that learnt it is not recorded, and its merges depend on the corpus order.
                    for file in ["tokenizer.json", "new_tokens.json"] where FileManager.default.fileExists(atPath: tokenizer + "/" + file) {
                        try copy(tokenizer + "/" + file, to: "training/tokenizer/" + file)
                    }
                    tokenizer = ReproduceCommands.releaseFolder + "/training/tokenizer"
                }
                steps.append(ReproduceStep(title: "Train", command: ReproduceCommands.train(manifest, tokenizer: tokenizer, output: trainRun + "-reproduced"),
                                          note: note + "; into a new folder beside the recorded run"))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try write(String(decoding: try encoder.encode(options.version), as: UTF8.self) + "\n", to: "version.json")
            try write(script(steps: steps, version: options.version), to: "reproduce.sh")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary + "/reproduce.sh")
            let facts = WorkflowFacts(options: options, steps: steps, files: (files + ["README.md"]).sorted())
            try write(WorkflowCard.render(facts, run: run), to: "README.md")
            return facts
        }
    }

    /// A path made safe to nest inside the release: no leading `/` or `..` parts.
    static func relativeName(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != ".." && $0 != "." }.joined(separator: "/")
    }

    static func script(steps: [ReproduceStep], version: SourceVersion) -> String {
        var text = "#!/usr/bin/env bash\n"
        text += "# Redoes the run from the folder it ran in, with vern \(version.version)"
        text += version.describe.map { " (git \($0)" + (version.commit.map { ", commit \($0))" } ?? ")") } ?? ""
        text += ".\n# Set VERN to the vern binary to use.\nset -euo pipefail\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\nvern() { \"${VERN:-vern}\" \"$@\"; }\n"
        for step in steps {
            text += "\n# \(step.title)\n"
            if let note = step.note { text += "# \(note)\n" }
            text += ReproduceCommands.shellLine(step.command) + "\n"
        }
        return text
    }
}

/// The command `vern ingest` records in ingest-report.json.
struct IngestCommand: Decodable {
    var command: [String]?
}
