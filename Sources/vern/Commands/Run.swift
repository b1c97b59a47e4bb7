import ArgumentParser
import Foundation
import VernacularCore
import VernacularWorkflow

extension StepKind: ExpressibleByArgument {}

extension Vern {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a pipeline file: its sources, stages, dedup, tokenizer, LM and pack steps, here or on Slurm.",
            discussion: """
                Each input shard is written to OUTPUT/documents/ under a temporary name, renamed when \
                complete, then recorded in OUTPUT/markers/. Running the same pipeline again skips \
                finished shards, so a killed run resumes without losing or duplicating documents. \
                A file with sources:, dedup:, tokenizer:, lm: or pack: runs those as steps, each \
                writing its own folder under output.dir with a marker in OUTPUT/steps/; a rerun \
                starts at the first step without one. With --executor slurm every step becomes an \
                sbatch job (the stages as an array job of --tasks tasks) chained by afterok; vern \
                prints the job ids and exits, `vern status OUTPUT` follows them, and running the \
                same command again submits only what has no marker.
                """)

        @Argument(help: "The pipeline file (YAML). 'vern init' writes a commented example.")
        var pipeline: String

        @Option(help: "Worker threads (default: the pipeline's 'workers', else one per core).")
        var workers: Int?

        @Option(help: "Where the steps run: local (this machine, default) or slurm (sbatch jobs).")
        var executor = "local"

        @Option(help: ArgumentHelp("Start at this step: \(StepKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "step"))
        var from: StepKind?

        @Option(help: ArgumentHelp("Stop after this step.", valueName: "step"))
        var until: StepKind?

        @Flag(help: "slurm: print the sbatch scripts instead of submitting them.")
        var dryRun = false

        @Option(help: "slurm: the partition.") var partition: String?
        @Option(help: "slurm: the time limit of each job (sbatch --time).") var time: String?
        @Option(help: "slurm: CPUs per task.") var cpusPerTask: Int?
        @Option(help: "slurm: memory per node (sbatch --mem).") var mem: String?
        @Option(help: "slurm: the account to charge.") var account: String?
        @Option(name: .customLong("sbatch-arg"), help: "slurm: another sbatch option, as given (repeat).")
        var sbatchArguments: [String] = []
        @Option(help: "slurm: tasks of the stages array job.") var tasks = 4

        // Used by the steps themselves (local and Slurm): run one step, or one task of it.
        @Option(help: .hidden) var step: String?
        @Option(help: .hidden) var taskIndex: Int?
        @Option(help: .hidden) var taskCount: Int?
        @Option(help: .hidden) var markStep: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
            guard ["local", "slurm"].contains(executor) else { throw ValidationError("--executor must be local or slurm") }
            if tasks < 1 { throw ValidationError("--tasks must be at least 1") }
            if (taskIndex == nil) != (taskCount == nil) { throw ValidationError("--task-index and --task-count go together") }
            if let taskIndex, let taskCount, !(0 ..< taskCount).contains(taskIndex) {
                throw ValidationError("--task-index must be in 0..<--task-count")
            }
        }

        func run() async throws {
            let spec = try PipelineSpec.load(path: pipeline)
            if let markStep { return try mark(markStep, spec: spec) }
            if step == "stages" || (!spec.hasWorkflowSteps && executor == "local" && from == nil && until == nil) {
                return try runStages(spec)
            }
            if let step { throw ValidationError("--step takes only 'stages' (other steps are vern commands of their own), not '\(step)'") }
            let steps = try WorkflowPlanner(spec: spec, pipelinePath: pipeline).steps(from: from, until: until)
            let vern = Self.executablePath
            if executor == "local" {
                try LocalExecutor(vern: vern, runFolder: spec.output.dir).run(steps, force: from != nil)
                return
            }
            let settings = SlurmSettings(partition: partition, time: time, cpusPerTask: cpusPerTask, memory: mem, account: account,
                                         extraArguments: sbatchArguments, tasks: tasks)
            let slurm = SlurmExecutor(vern: vern, pipeline: pipeline, runFolder: spec.output.dir,
                                      workingDirectory: FileManager.default.currentDirectoryPath, settings: settings,
                                      unfinishedTasks: { unfinishedTasks($0, spec: spec, count: tasks) })
            if dryRun {
                for (step, script) in slurm.plan(steps, force: from != nil) { print("# \(step.name)\n\(script.text)") }
                return
            }
            let jobs = try slurm.submit(steps, force: from != nil)
            if jobs.isEmpty { print("every step is finished; nothing submitted") }
            for job in jobs {
                print("submitted \(job.step): job \(job.jobID)" + (job.tasks.map { " (array tasks \($0.map(String.init).joined(separator: ",")))" } ?? ""))
            }
            if !jobs.isEmpty { print("follow it with: vern status \(spec.output.dir)") }
        }

        func runStages(_ spec: PipelineSpec) throws {
            let stages = try StageCatalog.registry().makeStages(for: spec)
            let runner = ShardRunner(spec: spec, stages: stages)
            let slice = taskIndex.map { TaskSlice(index: $0, count: taskCount!) }
            let summary = try runner.run(workers: workers ?? spec.workers, progress: output.quiet ? .quiet : .automatic, slice: slice)
            if output.json {
                print(try JSONText.encode(summary))
            } else if !output.quiet {
                print(StatsTable.render(summary))
            }
        }

        /// Writes a step's marker (the last line of its Slurm script); for the stages, only once
        /// every shard has its own.
        func mark(_ name: String, spec: PipelineSpec) throws {
            let steps = try WorkflowPlanner(spec: spec, pipelinePath: pipeline).steps()
            guard let step = steps.first(where: { $0.name == name }) else { throw ValidationError("no step '\(name)' in \(pipeline)") }
            if step.splitsIntoTasks {
                guard let unfinished = unfinishedTasks(step, spec: spec, count: 1) else {
                    throw ValidationError("cannot tell whether step '\(name)' finished: its inputs are missing")
                }
                guard unfinished.isEmpty else { return }
            }
            try StepMarker.write(runFolder: spec.output.dir, step: step)
        }

        /// The array tasks of a split step that still own unfinished shards (or bands), or nil
        /// while the inputs cannot be planned. Other steps than the stages are asked through their
        /// own command, which knows what a finished item is.
        func unfinishedTasks(_ step: WorkflowStep, spec: PipelineSpec, count: Int) -> [Int]? {
            guard step.kind == .stages else {
                guard let (status, output, _) = try? SlurmExecutor.run(Self.executablePath, step.arguments + ["--unfinished-tasks", String(count)]),
                      status == 0 else { return nil }
                return try? JSONDecoder().decode([Int].self, from: Data(output.utf8))
            }
            guard let stages = try? StageCatalog.registry().makeStages(for: spec),
                  let status = try? ShardRunner(spec: spec, stages: stages).shardStatus() else { return nil }
            return Array(Set(status.unfinished.map { $0.index % count })).sorted()
        }

        /// This executable, for the steps to run (the same build everywhere).
        static var executablePath: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each step of a pipeline run: done, running, pending or ended without finishing, with shard counts.")

        @Argument(help: ArgumentHelp("The pipeline file, or the run folder of one submitted with --executor slurm.", valueName: "pipeline-or-run-dir"))
        var target: String

        func run() throws {
            var pipeline = target
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), isFolder.boolValue {
                guard let record = try? AtomicJSONFile.read(SubmissionRecord.self, from: SubmissionRecord.path(runFolder: target)) else {
                    throw ValidationError("\(target) has no slurm/jobs.json: give the pipeline file instead")
                }
                pipeline = record.pipeline
            }
            let spec = try PipelineSpec.load(path: pipeline)
            let steps = try WorkflowPlanner(spec: spec, pipelinePath: pipeline).steps()
            var shards: String?
            if let stages = try? StageCatalog.registry().makeStages(for: spec),
               let status = try? ShardRunner(spec: spec, stages: stages).shardStatus() {
                shards = "\(status.shards.count - status.unfinished.count)/\(status.shards.count) shards"
            }
            let progress = { (step: WorkflowStep) -> String? in
                if step.kind == .stages { return shards }
                // Near dedup's phases count their own items (nil before their inputs exist).
                guard let (code, output, _) = try? SlurmExecutor.run(Run.executablePath, step.arguments + ["--item-progress"]), code == 0,
                      let counted = try? JSONDecoder().decode(ItemProgress.self, from: Data(output.utf8)) else { return nil }
                return "\(counted.done)/\(counted.total) \(counted.unit)"
            }
            for line in WorkflowStatus.lines(steps: steps, runFolder: spec.output.dir, progress: progress) {
                print(line.step.padding(toLength: 22, withPad: " ", startingAt: 0) + " " + line.state.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + " " + line.detail)
            }
        }
    }
}
