/// What `sbatch` is told besides the script: where and how big each job is.
public struct SlurmSettings: Sendable, Equatable {
    public var partition: String?
    public var time: String?
    public var cpusPerTask: Int?
    public var memory: String?
    public var account: String?
    /// More `#SBATCH` lines, as given (`--qos=high`).
    public var extraArguments: [String]
    /// Tasks of the stages array job; each runs the shards whose index modulo this is its own.
    public var tasks: Int

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil, memory: String? = nil,
                account: String? = nil, extraArguments: [String] = [], tasks: Int = 4) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.account = account
        self.extraArguments = extraArguments
        self.tasks = tasks
    }

    var directives: [String] {
        var lines: [String] = []
        if let partition { lines.append("--partition=\(partition)") }
        if let time { lines.append("--time=\(time)") }
        if let cpusPerTask { lines.append("--cpus-per-task=\(cpusPerTask)") }
        if let memory { lines.append("--mem=\(memory)") }
        if let account { lines.append("--account=\(account)") }
        return lines + extraArguments
    }
}
