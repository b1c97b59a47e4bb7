import Foundation
import VernacularCore

/// `RUN_DIR/run.json`: what a run was started with. A resume must match it; loading a RUN_DIR
/// as a model reads the base model, tokenizer and adapter settings from it.
public struct RunManifest: Codable, Sendable, Equatable {
    public static let fileName = "run.json"
    public var formatVersion = 1
    /// The base model as the user named it, and the file or folder it resolved to.
    public var baseModel: String
    public var baseModelPath: String
    public var architecture: String
    /// The embedding rows after any vocabulary growth.
    public var vocabularySize: Int
    /// Whether RUN_DIR/tokenizer holds an extended tokenizer (tokenizer.json, new_tokens.json).
    public var extendedTokenizer: Bool
    public var options: TrainingOptions
    public var data: [String]
    public var dataFingerprint: String
    public var replay: [String]
    public var replayFingerprint: String?
    public var evalData: [String]

    enum CodingKeys: String, CodingKey {
        case architecture, options, data, replay
        case formatVersion = "format_version", baseModel = "base_model", baseModelPath = "base_model_path"
        case vocabularySize = "vocabulary_size", extendedTokenizer = "extended_tokenizer"
        case dataFingerprint = "data_fingerprint", replayFingerprint = "replay_fingerprint", evalData = "eval_data"
    }

    public static func read(runDirectory: String) throws -> RunManifest {
        let path = runDirectory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.run("\(runDirectory) has no \(fileName): it is not a `vern train` run folder")
        }
        do { return try AtomicJSONFile.read(RunManifest.self, from: path) } catch {
            throw TrainingError.run("\(path): \(error)")
        }
    }

    /// Whether `path` is a folder that `vern train` wrote.
    public static func isRunDirectory(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/" + fileName)
    }

    /// The settings that differ from `other`, by name, for refusing a resume.
    public func differences(from other: RunManifest) -> [String] {
        var names: [String] = []
        if baseModelPath != other.baseModelPath { names.append("model (\(other.baseModelPath) vs \(baseModelPath))") }
        if vocabularySize != other.vocabularySize || extendedTokenizer != other.extendedTokenizer { names.append("tokenizer") }
        var mine = options, theirs = other.options
        // The step budget may be raised on resume: training goes on where it stopped.
        mine.maxSteps = nil; theirs.maxSteps = nil
        mine.maxMinutes = nil; theirs.maxMinutes = nil
        if mine != theirs { names.append("training options") }
        if dataFingerprint != other.dataFingerprint { names.append("data (its tokens differ)") }
        if replayFingerprint != other.replayFingerprint { names.append("replay data") }
        return names
    }
}
