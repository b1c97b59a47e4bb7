import Foundation
import VernacularCore

/// What `vern status RUN_DIR` shows: each step done or not, the stages' shards, and the state
/// Slurm reports for the submitted jobs.
public struct WorkflowStatus {
    public struct StepLine: Sendable, Equatable {
        public var step: String
        public var state: String
        public var detail: String
    }

    /// `progress`: a split step's finished and total items ("3/8 shards"), where they can be counted.
    public static func lines(steps: [WorkflowStep], runFolder: String, progress: (WorkflowStep) -> String?) -> [StepLine] {
        let record = try? AtomicJSONFile.read(SubmissionRecord.self, from: SubmissionRecord.path(runFolder: runFolder))
        let states = record.map { slurmStates(jobs: $0.jobs) } ?? [:]
        return steps.map { step in
            let job = record?.jobs.first { $0.step == step.name }
            var detail = ""
            if step.splitsIntoTasks, let counted = progress(step) { detail = counted }
            if StepMarker.read(runFolder: runFolder, step: step) != nil {
                return StepLine(step: step.name, state: "done", detail: detail)
            }
            guard let job else { return StepLine(step: step.name, state: "not started", detail: detail) }
            let tasks = states.filter { $0.key == job.jobID || $0.key.hasPrefix(job.jobID + "_") }
            if tasks.isEmpty {
                return StepLine(step: step.name, state: "ended without finishing",
                                detail: [detail, "job \(job.jobID), log \(job.log)"].filter { !$0.isEmpty }.joined(separator: "; "))
            }
            let summary = Dictionary(grouping: tasks.values, by: { $0 }).map { "\($0.value.count) \($0.key.lowercased())" }.sorted()
            return StepLine(step: step.name, state: tasks.values.contains("RUNNING") ? "running" : "pending",
                            detail: [detail, "job \(job.jobID): " + summary.joined(separator: ", ")].filter { !$0.isEmpty }.joined(separator: "; "))
        }
    }

    /// Job (or array task) id to state, from `squeue`, for the jobs still known to it.
    static func slurmStates(jobs: [SubmittedJob]) -> [String: String] {
        guard !jobs.isEmpty, let squeue = SlurmExecutor.find("squeue") else { return [:] }
        let ids = jobs.map(\.jobID).joined(separator: ",")
        guard let (status, output, _) = try? SlurmExecutor.run(squeue, ["-h", "-r", "-j", ids, "-o", "%i|%T"]), status == 0 else { return [:] }
        var states: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "|")
            if parts.count == 2 { states[String(parts[0])] = String(parts[1]) }
        }
        return states
    }
}
