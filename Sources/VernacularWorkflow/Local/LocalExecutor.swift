import Foundation
import VernacularCore

/// Runs the steps one after another on this machine, each as a `vern` process (the same
/// command a Slurm task runs). A step with a valid marker is skipped unless a step before it
/// ran in this invocation (its input changed). A step killed midway has no marker and runs
/// again: from scratch for most, shard by shard for the stages (their own markers), and
/// near-dedup resumes its phases.
public struct LocalExecutor {
    public let vern: String
    public let runFolder: String
    public var log: (String) -> Void

    public init(vern: String, runFolder: String, log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.vern = vern
        self.runFolder = runFolder
        self.log = log
    }

    /// Returns the names of the steps that ran.
    @discardableResult
    /// `force`: run the first step even with a marker (`--from`), and so all after it.
    public func run(_ steps: [WorkflowStep], force: Bool = false) throws -> [String] {
        var ran: [String] = []
        var upstreamChanged = force
        for step in steps {
            if !upstreamChanged, StepMarker.read(runFolder: runFolder, step: step) != nil {
                log("step \(step.name): done earlier")
                continue
            }
            log("step \(step.name): vern \(step.arguments.joined(separator: " "))")
            if step.clearsOutput { FileSystem.remove(step.output) }
            StepMarker.remove(runFolder: runFolder, step: step.name)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: vern)
            process.arguments = step.arguments
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw StepFailed(step: step.name, status: process.terminationStatus, log: nil) }
            try StepMarker.write(runFolder: runFolder, step: step)
            ran.append(step.name)
            upstreamChanged = true
        }
        return ran
    }
}
