/// The families of steps, in the order a pipeline runs them (`--from`/`--until` take these names).
public enum StepKind: String, Sendable, Codable, CaseIterable, Comparable {
    case sources, stages, dedup, tokenizer, lm, pack

    public static func < (lhs: StepKind, rhs: StepKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One step of a pipeline as a `vern` command line: the same command runs it on this machine
/// and inside a Slurm job, so the executor only decides where and when.
public struct WorkflowStep: Sendable, Equatable {
    /// Unique within the pipeline: `source-00-hkcancor`, `stages`, `dedup-exact`, `dedup-near-cluster`, `pack`.
    public var name: String
    public var kind: StepKind
    /// The arguments after `vern`.
    public var arguments: [String]
    /// The folder the step writes.
    public var output: String
    /// Steps whose command cannot resume start from an empty output folder.
    public var clearsOutput: Bool
    /// The step runs as a Slurm array, each task with `--task-index`/`--task-count` (the stages,
    /// and near dedup's per-shard and per-band phases, whose command also answers
    /// `--unfinished-tasks N` with the tasks that still have work).
    public var splitsIntoTasks: Bool

    public init(name: String, kind: StepKind, arguments: [String], output: String, clearsOutput: Bool, splitsIntoTasks: Bool = false) {
        self.name = name
        self.kind = kind
        self.arguments = arguments
        self.output = output
        self.clearsOutput = clearsOutput
        self.splitsIntoTasks = splitsIntoTasks
    }
}
