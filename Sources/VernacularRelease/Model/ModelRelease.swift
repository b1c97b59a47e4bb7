import Foundation
import VernacularCore
import VernacularEval
import VernacularModels
import VernacularReport
import VernacularTokenizer
import VernacularTrain

/// What `vern release model` is asked to do.
public struct ModelReleaseOptions: Sendable {
    public var name: String
    /// The model's licence; nil takes the base model's (a fine-tune is bound by it).
    public var licence: String?
    /// The licence of a base model the catalog does not know.
    public var baseModelLicence: String?
    /// The `vern train` run, when the source is an export folder.
    public var trainRun: String?
    /// A `vern eval` output folder (results.json).
    public var evalFolder: String?
    /// The dataset the model was trained on: a released dataset folder or a Hub dataset id.
    public var dataset: String?
    /// A GGUF file (`vern export --format gguf`) to put beside the safetensors.
    public var gguf: String?
    /// `vern tokenizer stats --output` rows (fertility.json) for the before/after table.
    public var fertility: String?
    public var language = "yue"
    /// The vern writing the release, named on the card.
    public var version = SourceVersion()
    /// The folder the release was made from (set by `write`), to find its own evaluation rows.
    public var sourceFolder: String?

    public init(name: String, licence: String? = nil, baseModelLicence: String? = nil, trainRun: String? = nil,
                evalFolder: String? = nil, dataset: String? = nil, gguf: String? = nil, fertility: String? = nil) {
        self.name = name
        self.licence = licence
        self.baseModelLicence = baseModelLicence
        self.trainRun = trainRun
        self.evalFolder = evalFolder
        self.dataset = dataset
        self.gguf = gguf
        self.fertility = fertility
    }
}

/// The new tokens of an extended tokenizer, from `RUN_DIR/tokenizer/new_tokens.json`.
public struct TokenizerExtensionFacts: Sendable, Equatable {
    public let baseVocabularySize: Int
    public let vocabularySize: Int
    public let tokens: [String]

    struct File: Decodable {
        struct Token: Decodable { var text: String }
        var base_vocabulary_size: Int
        var vocabulary_size: Int
        var new_tokens: [Token]
    }
}

/// Where the training data is described.
public enum DatasetReference: Sendable, Equatable {
    /// A released dataset folder: its card's name and document count.
    case folder(path: String, name: String?, documents: Int?)
    case hub(id: String)
}

/// Everything a model card says, gathered from the training run, the export and the evaluation.
public struct ModelFacts: Sendable {
    public let options: ModelReleaseOptions
    public let trainRun: String
    public let manifest: VernacularTrain.RunManifest
    public let base: BaseModelInfo?
    public let licence: String
    public let curve: TrainingCurve?
    public let tokenizerExtension: TokenizerExtensionFacts?
    public let fertility: [VernacularReport.FertilityRow]
    public let eval: EvalResults?
    public let dataset: DatasetReference?
    /// Files in the released folder, README.md aside.
    public let files: [String]
}

/// `vern release model`: the Hugging Face model folder (`vern export --format hf`), an optional
/// GGUF beside it, and a model card.
public enum ModelRelease {
    /// The files `vern export --format hf` writes; the release copies them.
    static let exportFiles = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json"]

    /// `source` is a `vern train` RUN_DIR (exported here, adapters merged) or a `vern export`
    /// folder (copied; `options.trainRun` names its run).
    @discardableResult
    public static func write(source: String, options: ModelReleaseOptions, to output: String,
                             loadBase: (String) throws -> LoadedModel) throws -> ModelFacts {
        let isRun = VernacularTrain.RunManifest.isRunDirectory(source)
        guard let trainRun = isRun ? source : options.trainRun else {
            throw ReleaseError(path: source, message: "an export folder needs --train RUN_DIR: the card's base model, settings and loss come from the run")
        }
        let manifest: VernacularTrain.RunManifest
        do { manifest = try VernacularTrain.RunManifest.read(runDirectory: trainRun) } catch {
            throw ReleaseError(path: trainRun, message: "\(error)")
        }
        return try ReleaseFolder.build(output) { temporary in
            if isRun {
                let (parts, _) = try TrainedRun.open(trainRun, loadBase: loadBase)
                let tokenizerJSON = try parts.extended?.tokenizerJSON ?? TrainedRun.baseTokenizerJSON(parts.base)
                try HuggingFaceExport.write(weights: parts.model.mergedWeights(), recipe: parts.model.recipe, tokenizer: parts.tokenizer,
                                            tokenizerJSON: tokenizerJSON, chatTemplate: parts.chatTemplate, to: temporary)
            } else {
                for file in exportFiles {
                    let from = source + "/" + file
                    guard FileManager.default.fileExists(atPath: from) else {
                        throw ReleaseError(path: source, message: "not a `vern export --format hf` folder: \(file) is missing")
                    }
                    try FileManager.default.copyItem(atPath: from, toPath: temporary + "/" + file)
                }
            }
            if let gguf = options.gguf {
                guard FileManager.default.fileExists(atPath: gguf) else { throw ReleaseError(path: gguf, message: "no such GGUF file") }
                // The magic number, so a mistyped path does not ship some other file as the model.
                let magic = FileHandle(forReadingAtPath: gguf).flatMap { handle in defer { try? handle.close() }; return try? handle.read(upToCount: 4) }
                guard magic == Data("GGUF".utf8) else {
                    throw ReleaseError(path: gguf, message: "not a GGUF file (it does not start with the GGUF magic number)")
                }
                try FileManager.default.copyItem(atPath: gguf, toPath: temporary + "/" + (gguf as NSString).lastPathComponent)
            }
            var options = options
            options.sourceFolder = source
            let facts = try gather(options: options, trainRun: trainRun, manifest: manifest,
                                   files: (try FileManager.default.contentsOfDirectory(atPath: temporary)).sorted())
            try Data(ModelCard.render(facts).utf8).write(to: URL(fileURLWithPath: temporary + "/README.md"))
            return facts
        }
    }

    static func gather(options: ModelReleaseOptions, trainRun: String, manifest: VernacularTrain.RunManifest,
                       files: [String]) throws -> ModelFacts {
        let base = BaseModelCatalog.info(name: manifest.baseModel, path: manifest.baseModelPath)
        guard let licence = options.licence ?? base?.licence ?? options.baseModelLicence else {
            throw ReleaseError(path: trainRun + "/run.json", message: "the base model '\(manifest.baseModel)' is not one vern knows the licence of: give --base-model-license ID (or --license for the release)")
        }
        let metricsPath = trainRun + "/" + MetricsLog.fileName
        var metrics: [StepMetrics] = []
        if FileManager.default.fileExists(atPath: metricsPath) {
            do { metrics = try MetricsLog.read(path: metricsPath) } catch {
                throw ReleaseError(path: metricsPath, message: "not the metrics `vern train` writes: \(error)")
            }
        }
        var tokenizerExtension: TokenizerExtensionFacts?
        if manifest.extendedTokenizer {
            let path = trainRun + "/tokenizer/new_tokens.json"
            let file = try PipelineRunFolder.decode(TokenizerExtensionFacts.File.self, from: path)
            tokenizerExtension = TokenizerExtensionFacts(baseVocabularySize: file.base_vocabulary_size, vocabularySize: file.vocabulary_size,
                                                         tokens: file.new_tokens.map(\.text))
        }
        var fertility: [VernacularReport.FertilityRow] = []
        if let path = options.fertility {
            do { fertility = try VernacularReport.FertilityRow.read(path: path) } catch { throw ReleaseError(path: path, message: "\(error)") }
        }
        let eval = try options.evalFolder.map { folder -> EvalResults in
            let path = folder + "/results.json"
            guard FileManager.default.fileExists(atPath: path) else {
                throw ReleaseError(path: folder, message: "not a `vern eval` output folder: results.json is missing")
            }
            return try PipelineRunFolder.decode(EvalResults.self, from: path)
        }
        return ModelFacts(options: options, trainRun: trainRun, manifest: manifest, base: base, licence: licence,
                          curve: TrainingCurve(metrics: metrics), tokenizerExtension: tokenizerExtension, fertility: fertility,
                          eval: eval, dataset: try options.dataset.map(datasetReference), files: files)
    }

    /// A folder is read for its card's name and split sizes; anything else must look like a Hub id.
    static func datasetReference(_ given: String) throws -> DatasetReference {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: given, isDirectory: &isFolder), isFolder.boolValue {
            let card = (try? String(contentsOfFile: given + "/README.md", encoding: .utf8)) ?? ""
            guard !card.isEmpty else { throw ReleaseError(path: given, message: "not a released dataset folder: README.md is missing") }
            let metadata = CardFrontMatter.fields(of: card)
            return .folder(path: given, name: metadata.prettyName, documents: metadata.examples)
        }
        guard given.split(separator: "/").count == 2 else {
            throw ReleaseError(path: given, message: "--dataset must be a released dataset folder or a Hub dataset id (OWNER/NAME)")
        }
        return .hub(id: given)
    }
}
