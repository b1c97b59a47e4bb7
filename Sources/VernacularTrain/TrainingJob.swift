import Foundation
import VernacularCore
import VernacularModels
import VernacularTokenizer

/// A training run as the user asked for it, before anything is loaded.
public struct TrainingRequest: Sendable {
    /// The base model as named (`smollm2`, a file, a folder, a RUN_DIR) and the path it resolved to.
    public var modelName: String
    public var modelPath: String
    public var data: [String]
    public var replay: [String]
    public var evalData: [String]
    /// A `vern tokenizer extend` folder.
    public var tokenizerFolder: String?
    public var runDirectory: String
    public var options: TrainingOptions

    public init(modelName: String, modelPath: String, data: [String], replay: [String] = [], evalData: [String] = [],
                tokenizerFolder: String? = nil, runDirectory: String, options: TrainingOptions) {
        self.modelName = modelName
        self.modelPath = modelPath
        self.data = data
        self.replay = replay
        self.evalData = evalData
        self.tokenizerFolder = tokenizerFolder
        self.runDirectory = runDirectory
        self.options = options
    }
}

/// Turns a request into a ready trainer: loads the model (a RUN_DIR's trained weights as the new
/// base), grows the vocabulary, reads and checks all data before the first step, and compares
/// with the run folder's settings when resuming.
public enum TrainingJob {
    public static func prepare(_ request: TrainingRequest, resume: Bool,
                               loadBase: (String) throws -> LoadedModel,
                               report: (String) -> Void = { _ in }) throws -> Trainer {
        var options = request.options
        try validateRunFolder(request.runDirectory, resume: resume)
        report("loading \(request.modelName)")
        let base: LoadedModel
        if RunManifest.isRunDirectory(request.modelPath) {
            base = try TrainedRun.load(request.modelPath, options: ModelLoadOptions(quantizeForDecoding: false), loadBase: loadBase)
        } else {
            base = try loadBase(request.modelPath)
        }
        let extended = try request.tokenizerFolder.map { try ExtendedTokenizer(folder: $0) }
        if extended != nil && !options.trainEmbeddingsSetExplicitly { options.trainEmbeddings = true }
        if extended == nil { options.embeddingRows = .all }
        let parts = try TrainedRun.prepare(base: base, extended: extended, options: options)
        let tokenizer = parts.tokenizer

        report("reading training data")
        let data = try load(request.data, mode: options.mode, tokenizer: tokenizer, template: parts.chatTemplate, options: options)
        let replay = request.replay.isEmpty ? nil
            : try PretrainingData.load(paths: request.replay, tokenizer: tokenizer, sequenceLength: options.sequenceLength)
        let eval = request.evalData.isEmpty ? nil
            : try PretrainingData.load(paths: request.evalData, tokenizer: tokenizer, sequenceLength: options.sequenceLength)
        if let eval, eval.examples.isEmpty {
            throw TrainingError.data("--eval-data \(request.evalData.joined(separator: ", ")) holds fewer than \(options.sequenceLength + 1) tokens")
        }
        // A resume that finds a checkpoint loads the rows from it; one killed before the first
        // checkpoint starts from the beginning, and so from the same rows.
        let restarts = try !resume || Checkpoint.latest(request.runDirectory) == nil
        if let extended, restarts, let line = try NewOutputRows.initialise(parts.model, newTokens: extended.newTokens, data: data) {
            report(line)
        }
        if options.maxSteps == nil && options.maxMinutes == nil {
            // Neither budget given: one pass over the data.
            options.maxSteps = max((data.examples.count + options.sequencesPerStep - 1) / options.sequencesPerStep, 1)
        }
        if let extended {
            try FileSystem.makeDirectory(request.runDirectory + "/tokenizer")
            try extended.tokenizerJSON.write(to: URL(fileURLWithPath: request.runDirectory + "/tokenizer/tokenizer.json"))
            try FileManager.default.removeItemIfPresent(request.runDirectory + "/tokenizer/new_tokens.json")
            try FileManager.default.copyItem(atPath: request.tokenizerFolder! + "/new_tokens.json",
                                             toPath: request.runDirectory + "/tokenizer/new_tokens.json")
        }
        let manifest = RunManifest(
            baseModel: request.modelName, baseModelPath: absolute(request.modelPath), architecture: base.architecture,
            vocabularySize: parts.model.recipe.vocabularySize, extendedTokenizer: extended != nil, options: options,
            data: request.data.map(absolute), dataFingerprint: data.fingerprint, replay: request.replay.map(absolute),
            replayFingerprint: replay?.fingerprint, evalData: request.evalData.map(absolute))
        if resume {
            let saved = try RunManifest.read(runDirectory: request.runDirectory)
            let differences = manifest.differences(from: saved)
            guard differences.isEmpty else {
                throw TrainingError.run("\(request.runDirectory) was trained with other settings (\(differences.joined(separator: "; "))): "
                    + "refusing to resume; start a new run folder")
            }
        }
        return try Trainer(runDirectory: request.runDirectory, manifest: manifest, model: parts.model, data: data, replay: replay,
                           evaluator: eval.map { HeldOutEvaluator(set: $0, tokenizer: tokenizer, batchSize: options.batchSize) },
                           padding: tokenizer.eosTokenID ?? 0)
    }

    /// The request a run folder was started with, for `vern train --resume RUN_DIR` alone.
    public static func request(resuming runDirectory: String, maxSteps: Int?, maxMinutes: Double?) throws -> TrainingRequest {
        let manifest = try RunManifest.read(runDirectory: runDirectory)
        var options = manifest.options
        if let maxSteps { options.maxSteps = maxSteps }
        if let maxMinutes { options.maxMinutes = maxMinutes }
        options.trainEmbeddingsSetExplicitly = true
        return TrainingRequest(modelName: manifest.baseModel, modelPath: manifest.baseModelPath, data: manifest.data,
                               replay: manifest.replay, evalData: manifest.evalData,
                               tokenizerFolder: manifest.extendedTokenizer ? runDirectory + "/tokenizer" : nil,
                               runDirectory: runDirectory, options: options)
    }

    static func load(_ paths: [String], mode: TrainingMode, tokenizer: Tokenizer, template: ChatTemplate?,
                     options: TrainingOptions) throws -> TrainingSet {
        switch mode {
        case .pretrain: return try PretrainingData.load(paths: paths, tokenizer: tokenizer, sequenceLength: options.sequenceLength)
        case .sft: return try ChatData.load(paths: paths, tokenizer: tokenizer, template: template, sequenceLength: options.sequenceLength)
        }
    }

    static func validateRunFolder(_ folder: String, resume: Bool) throws {
        let hasRun = RunManifest.isRunDirectory(folder)
        if resume && !hasRun { throw TrainingError.run("\(folder) holds no run to resume") }
        if !resume && hasRun {
            throw TrainingError.run("\(folder) already holds a run: resume it with `vern train --resume \(folder)`, or choose another --output")
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

extension FileManager {
    func removeItemIfPresent(_ path: String) throws {
        if fileExists(atPath: path) { try removeItem(atPath: path) }
    }
}
