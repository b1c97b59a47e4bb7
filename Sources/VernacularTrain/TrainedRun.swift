import Foundation
import VernacularEngine
import VernacularModels
import VernacularPack
import VernacularTokenizer

/// Opens a `vern train` run folder as a model: the base model, its vocabulary grown as the run
/// grew it, the newest checkpoint's trained arrays, adapters merged into their weights.
public enum TrainedRun {
    /// The base model of a run and the model being trained, before any checkpoint is applied.
    public struct Parts {
        public let base: LoadedModel
        public let tokenizer: Tokenizer
        public let extended: ExtendedTokenizer?
        public let model: TrainableModel
        public let chatTemplate: ChatTemplate?
    }

    /// Builds the trainable model for `options` over `base`, growing the vocabulary for `extended`.
    public static func prepare(base: LoadedModel, extended: ExtendedTokenizer?, options: TrainingOptions) throws -> Parts {
        var parameters = try recordParameters(base)
        var recipe = base.recipe
        var extended = extended
        if extended != nil {
            try extended!.adoptSpecialTokens(of: base.tokenizer)
        }
        if let extended {
            try extended.verifyExtends(base.tokenizer)
            let size = max(extended.tokenizer.vocabularySize, recipe.vocabularySize)
            parameters = try parameters.map { parameter in
                guard parameter.name == "model.embed_tokens.weight" || parameter.name == "lm_head.weight" else { return parameter }
                return (parameter.name, try VocabularyGrowth.grow(parameter.array, to: size, newTokens: extended.newTokens))
            }
            recipe = recipe.withVocabularySize(size)
        }
        // Training only the added rows: a tied head gets rows of its own, so the new tokens'
        // output rows can start apart from their input rows (see NewOutputRows).
        let newRowsOnly = extended != nil && options.trainEmbeddings && options.embeddingRows == .new && options.lora != nil
        if newRowsOnly, recipe.tiesEmbeddings, let untied = recipe.withUntiedOutput(),
           let embedding = parameters.first(where: { $0.name == "model.embed_tokens.weight" }) {
            recipe = untied
            parameters.append(("lm_head.weight", embedding.array))
        }
        let model = try TrainableModel(recipe: recipe, parameters: parameters, options: options,
                                       frozenRows: newRowsOnly ? extended!.baseVocabularySize : nil)
        let tokenizer = extended?.tokenizer ?? base.tokenizer
        return Parts(base: base, tokenizer: tokenizer, extended: extended, model: model,
                     chatTemplate: ChatTemplate.detect { tokenizer.tokenID(for: $0) != nil })
    }

    /// Every weight the model uses, by Hugging Face name, in the order it asks for them.
    static func recordParameters(_ base: LoadedModel) throws -> [(name: String, array: MLXArray)] {
        let recorder = RecordingWeightSource(base.weights)
        _ = try base.recipe.build(weights: recorder, options: ModelLoadOptions(quantizeForDecoding: false))
        return recorder.recorded
    }

    /// The run's trainable model with its newest checkpoint loaded.
    public static func open(_ runDirectory: String, loadBase: (String) throws -> LoadedModel) throws -> (Parts, RunManifest) {
        let manifest = try RunManifest.read(runDirectory: runDirectory)
        let base = try loadBase(manifest.baseModelPath)
        let extended = manifest.extendedTokenizer ? try ExtendedTokenizer(folder: runDirectory + "/tokenizer") : nil
        let parts = try prepare(base: base, extended: extended, options: manifest.options)
        guard let checkpoint = try Checkpoint.latest(runDirectory) else {
            throw TrainingError.run("\(runDirectory) has no finished checkpoint yet")
        }
        parts.model.trainable = try Checkpoint.loadTrainable(checkpoint, names: parts.model.trainableNames,
                                                             shapes: parts.model.trainable.map(\.shape))
        return (parts, manifest)
    }

    /// The trained model ready for inference (adapters merged).
    public static func load(_ runDirectory: String, options: ModelLoadOptions,
                            loadBase: (String) throws -> LoadedModel) throws -> LoadedModel {
        let (parts, _) = try open(runDirectory, loadBase: loadBase)
        let weights = MergedWeightSource(try parts.model.mergedWeights(), base: parts.base.weights)
        let network = try parts.model.recipe.build(weights: weights, options: options)
        return LoadedModel(model: network, tokenizer: parts.tokenizer, architecture: parts.base.architecture,
                           chatTemplate: parts.chatTemplate, name: (runDirectory as NSString).lastPathComponent,
                           recipe: parts.model.recipe, weights: weights, path: runDirectory)
    }
}

/// Weights by name from a list, with the base model's storage facts (bit widths) for the rest.
public final class MergedWeightSource: WeightSource {
    let arrays: [String: MLXArray]
    public let names: [String]

    public init(_ weights: [(name: String, array: MLXArray)], base: (any WeightSource)? = nil) {
        arrays = Dictionary(weights.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
        names = weights.map(\.name)
    }

    public func tensor(named name: String) throws -> MLXArray? { arrays[name] }
}

extension TrainedRun {
    /// A Hugging Face tokenizer.json for the base model: its own file, or one written from a
    /// GGUF's metadata (same ids).
    public static func baseTokenizerJSON(_ base: LoadedModel) throws -> Data {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: base.path, isDirectory: &isFolder), isFolder.boolValue {
            return try Data(contentsOf: URL(fileURLWithPath: base.path + "/tokenizer.json"))
        }
        return try TokenizerFile.loadWithJSON(path: base.path).json
    }
}
