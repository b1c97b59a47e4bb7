import Foundation
import VernacularCore

/// `output.dir/steps/NAME.json`, written after a step's command succeeded: the step is done for
/// as long as its command line stays the same and no step before it runs again.
public struct StepMarker: Sendable, Codable, Equatable {
    public var step: String
    public var arguments: [String]
    public var finished: String

    public static func path(runFolder: String, step: String) -> String { "\(runFolder)/steps/\(step).json" }

    public static func read(runFolder: String, step: WorkflowStep) -> StepMarker? {
        guard let marker = try? AtomicJSONFile.read(StepMarker.self, from: path(runFolder: runFolder, step: step.name)),
              marker.arguments == step.arguments else { return nil }
        return marker
    }

    public static func write(runFolder: String, step: WorkflowStep) throws {
        try FileSystem.makeDirectory(runFolder + "/steps")
        let marker = StepMarker(step: step.name, arguments: step.arguments, finished: ISO8601DateFormatter().string(from: Date()))
        try AtomicJSONFile.write(marker, to: path(runFolder: runFolder, step: step.name))
    }

    public static func remove(runFolder: String, step: String) { FileSystem.remove(path(runFolder: runFolder, step: step)) }
}

/// A step's command failed.
public struct StepFailed: Error, CustomStringConvertible {
    public let step: String
    public let status: Int32
    public let log: String?
    public var description: String {
        "step '\(step)' failed (exit status \(status))" + (log.map { "; its log: \($0)" } ?? "")
    }
}
