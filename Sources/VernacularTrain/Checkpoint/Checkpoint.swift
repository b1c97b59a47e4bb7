import Foundation
import VernacularCore
import VernacularEngine
import VernacularWeights

/// Where a run stands at a checkpoint: enough, with the weights and the optimizer moments, to
/// continue exactly as if it had never stopped (the data order and dropout masks are functions
/// of the seed and the step, so the step is the data position and the random state).
public struct TrainingState: Codable, Sendable, Equatable {
    public var step: Int
    public var optimizerUpdates: Int
    public var tokensSeen: Int
    public var elapsedSeconds: Double
    public var schedule: LearningRateSchedule
    /// Rows of the training (and replay) data consumed: step × rows per step.
    public var dataPosition: Int
    public var replayPosition: Int
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case step, schedule, seed
        case optimizerUpdates = "optimizer_updates", tokensSeen = "tokens_seen", elapsedSeconds = "elapsed_seconds"
        case dataPosition = "data_position", replayPosition = "replay_position"
    }
}

/// Checkpoints under `RUN_DIR/checkpoints/step-NNNNNNN/`: `trainable.safetensors` (the trained
/// arrays), `optimizer.safetensors` (Adam's moments) and `state.json`. Each is written into a
/// temporary folder that is renamed into place only when complete, then `latest` names it; a
/// kill at any moment leaves the previous checkpoint whole.
public enum Checkpoint {
    static let keep = 2

    public static func folder(_ runDirectory: String) -> String { runDirectory + "/checkpoints" }

    public static func save(runDirectory: String, state: TrainingState, names: [String], values: [MLXArray],
                            optimizer: AdamW) throws {
        let root = folder(runDirectory)
        try FileSystem.makeDirectory(root)
        let name = String(format: "step-%07d", state.step)
        let temporary = root + "/.partial-" + name
        FileSystem.remove(temporary)
        try FileSystem.makeDirectory(temporary)
        func tensors(_ arrays: [MLXArray], prefix: String) throws -> [SafetensorsWriter.Tensor] {
            try zip(names, arrays).map { SafetensorsWriter.Tensor(name: prefix + $0.0, shape: $0.1.shape, values: try $0.1.asFloats()) }
        }
        try SafetensorsWriter.write(tensors(values, prefix: ""), to: temporary + "/trainable.safetensors")
        try SafetensorsWriter.write(tensors(optimizer.firstMoments, prefix: "m.") + tensors(optimizer.secondMoments, prefix: "v."),
                                    to: temporary + "/optimizer.safetensors")
        try AtomicJSONFile.write(state, to: temporary + "/state.json")
        let final = root + "/" + name
        FileSystem.remove(final)
        try FileSystem.rename(temporary, to: final)
        try AtomicJSONFile.write(["checkpoint": name], to: root + "/latest.json")
        let older = try completed(runDirectory).dropLast(keep)
        for stale in older { FileSystem.remove(root + "/" + stale) }
    }

    /// Completed checkpoint folder names, oldest first.
    public static func completed(_ runDirectory: String) throws -> [String] {
        let root = folder(runDirectory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        return names.filter { $0.hasPrefix("step-") && FileSystem.exists(root + "/" + $0 + "/state.json") }.sorted()
    }

    /// The newest complete checkpoint's folder, or nil when there is none yet.
    public static func latest(_ runDirectory: String) throws -> String? {
        try completed(runDirectory).last.map { folder(runDirectory) + "/" + $0 }
    }

    /// The trained arrays of a checkpoint, in `names` order, each with the shape `shapes` gives.
    public static func loadTrainable(_ checkpoint: String, names: [String], shapes: [[Int]]) throws -> [MLXArray] {
        try loadArrays(checkpoint + "/trainable.safetensors", names: names, shapes: shapes)
    }

    public static func loadOptimizer(_ checkpoint: String, names: [String], shapes: [[Int]],
                                     into optimizer: inout AdamW) throws {
        let path = checkpoint + "/optimizer.safetensors"
        optimizer.firstMoments = try loadArrays(path, names: names.map { "m." + $0 }, shapes: shapes)
        optimizer.secondMoments = try loadArrays(path, names: names.map { "v." + $0 }, shapes: shapes)
    }

    public static func loadState(_ checkpoint: String) throws -> TrainingState {
        try AtomicJSONFile.read(TrainingState.self, from: checkpoint + "/state.json")
    }

    static func loadArrays(_ path: String, names: [String], shapes: [[Int]]) throws -> [MLXArray] {
        let file = try SafetensorsFile(path: path)
        return try zip(names, shapes).map { name, shape in
            let info: SafetensorsTensorInfo
            do { info = try file.tensor(name) } catch {
                throw TrainingError.run("\(path) has no tensor \(name): the checkpoint was made with other settings")
            }
            guard info.shape == shape else {
                throw TrainingError.run("\(path): \(name) has shape \(info.shape), this run needs \(shape)")
            }
            let values = try file.floats(name)
            return try values.withUnsafeBufferPointer { try MLXArray($0, shape) }
        }
    }
}
