import Foundation
import VernacularCore

/// One submitted job, as `RUN_DIR/slurm/jobs.json` records it for `vern status`.
public struct SubmittedJob: Sendable, Codable, Equatable {
    public var step: String
    public var jobID: String
    /// Array indices, for the stages step.
    public var tasks: [Int]?
    public var script: String
    public var log: String

    enum CodingKeys: String, CodingKey {
        case step, tasks, script, log
        case jobID = "job_id"
    }
}

/// `RUN_DIR/slurm/jobs.json`: the last submission.
public struct SubmissionRecord: Sendable, Codable, Equatable {
    public var pipeline: String
    public var submitted: String
    public var jobs: [SubmittedJob]

    public static func path(runFolder: String) -> String { runFolder + "/slurm/jobs.json" }
}

/// A Slurm problem, with Slurm's own message.
public struct SlurmError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Turns the steps into `sbatch` jobs chained with `--dependency=afterok`: the stages step and
/// near dedup's per-shard and per-band phases as array jobs (only the tasks that still have unfinished shards, when that is known), the others
/// as single jobs. Steps with a valid marker and nothing submitted before them are left out.
public struct SlurmExecutor {
    public let vern: String
    public let pipeline: String
    public let runFolder: String
    public let workingDirectory: String
    public let settings: SlurmSettings
    /// For a step split into tasks: the array indices with unfinished shards (or bands), or nil
    /// when they cannot be known yet (the step's inputs have not been written).
    public let unfinishedTasks: (WorkflowStep) -> [Int]?

    public init(vern: String, pipeline: String, runFolder: String, workingDirectory: String, settings: SlurmSettings,
                unfinishedTasks: @escaping (WorkflowStep) -> [Int]?) {
        self.vern = vern
        self.pipeline = pipeline
        self.runFolder = runFolder
        self.workingDirectory = workingDirectory
        self.settings = settings
        self.unfinishedTasks = unfinishedTasks
    }

    var logFolder: String { runFolder + "/slurm" }

    /// The scripts that would be submitted, in order (what `--dry-run` prints).
    public func plan(_ steps: [WorkflowStep], force: Bool = false) -> [(step: WorkflowStep, script: SbatchScript)] {
        var planned: [(WorkflowStep, SbatchScript)] = []
        var upstream = force
        for step in steps {
            if !upstream, StepMarker.read(runFolder: runFolder, step: step) != nil { continue }
            var tasks: [Int]?
            if step.splitsIntoTasks {
                let all = Array(0 ..< settings.tasks)
                tasks = upstream ? all : (unfinishedTasks(step) ?? all)
                if tasks!.isEmpty {
                    // Every shard is finished: only the marker is missing.
                    try? StepMarker.write(runFolder: runFolder, step: step)
                    continue
                }
            }
            planned.append((step, SbatchScript(step: step, vern: vern, pipeline: pipeline, workingDirectory: workingDirectory,
                                               logFolder: logFolder, settings: settings, arrayTasks: tasks)))
            upstream = true
        }
        return planned
    }

    /// Submits the plan; returns the jobs (also written to jobs.json).
    public func submit(_ steps: [WorkflowStep], force: Bool = false) throws -> [SubmittedJob] {
        guard let sbatch = Self.find("sbatch") else {
            throw SlurmError(message: "sbatch is not on PATH: run on a Slurm login node (or `make test-slurm` starts a one-node Slurm here)")
        }
        try FileSystem.makeDirectory(logFolder)
        var jobs: [SubmittedJob] = []
        var previous: String?
        for (step, script) in plan(steps, force: force) {
            let path = "\(logFolder)/\(step.name).sbatch"
            try script.text.write(toFile: path, atomically: true, encoding: .utf8)
            StepMarker.remove(runFolder: runFolder, step: step.name)
            var arguments = ["--parsable"]
            if let previous { arguments.append("--dependency=afterok:\(previous)") }
            arguments.append(path)
            let (status, output, error) = try Self.run(sbatch, arguments)
            guard status == 0 else {
                throw SlurmError(message: "sbatch refused step '\(step.name)' (\(path)): \(error.isEmpty ? output : error)".trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let id = String(output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "")
            previous = id
            jobs.append(SubmittedJob(step: step.name, jobID: id, tasks: script.arrayTasks, script: path, log: script.logPattern))
        }
        let record = SubmissionRecord(pipeline: pipeline, submitted: ISO8601DateFormatter().string(from: Date()), jobs: jobs)
        try AtomicJSONFile.write(record, to: SubmissionRecord.path(runFolder: runFolder))
        return jobs
    }

    static func find(_ program: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program to its end: its exit status, standard output and standard error (for Slurm's
    /// commands, and for the questions the executor asks a step's own command).
    public static func run(_ program: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}
