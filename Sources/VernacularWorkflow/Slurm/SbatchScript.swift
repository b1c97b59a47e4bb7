/// The batch script of one step: the step's own `vern` command, then the marker. The array
/// job of the stages step runs one task's shards per array index.
public struct SbatchScript: Sendable {
    public let step: WorkflowStep
    let vern: String
    let pipeline: String
    let workingDirectory: String
    let logFolder: String
    let settings: SlurmSettings
    /// Array indices to run (the stages step); nil for a single job.
    public let arrayTasks: [Int]?

    static func quote(_ text: String) -> String {
        let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public var logPattern: String { logFolder + "/" + step.name + (arrayTasks == nil ? "-%j.log" : "-%A_%a.log") }

    public var text: String {
        var lines = ["#!/bin/bash", "#SBATCH --job-name=vern-\(step.name)", "#SBATCH --output=\(logPattern)"]
        if let arrayTasks { lines.append("#SBATCH --array=" + arrayTasks.map(String.init).joined(separator: ",")) }
        lines += settings.directives.map { "#SBATCH \($0)" }
        lines += [
            "# Written by vern run --executor slurm: step '\(step.name)'. The work is the same command a local run runs.",
            "set -euo pipefail",
            "cd \(Self.quote(workingDirectory))",
        ]
        let command = ([vern] + step.arguments).map(Self.quote).joined(separator: " ")
        if arrayTasks != nil {
            lines.append(command + " --task-index \"$SLURM_ARRAY_TASK_ID\" --task-count \(settings.tasks)")
        } else {
            // These commands start from an empty folder; a task that died midway left a partial one.
            if step.clearsOutput { lines.append("rm -rf \(Self.quote(step.output))") }
            lines.append(command)
        }
        // The marker: for the array, only once every shard has its own (whichever task is last).
        lines.append(([vern, "run", pipeline, "--mark-step", step.name]).map(Self.quote).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }
}
