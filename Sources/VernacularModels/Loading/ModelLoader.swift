import Foundation
import VernacularEngine
import VernacularTokenizer
import VernacularWeights

/// A model ready to use: the network, its tokenizer and its prompt format.
public struct LoadedModel: @unchecked Sendable {
    public init(model: any LanguageModel, tokenizer: Tokenizer, architecture: String, chatTemplate: ChatTemplate?,
                name: String, recipe: ModelRecipe, weights: any WeightSource, path: String) {
        self.model = model
        self.tokenizer = tokenizer
        self.architecture = architecture
        self.chatTemplate = chatTemplate
        self.name = name
        self.recipe = recipe
        self.weights = weights
        self.path = path
    }

    // @unchecked: the model and tokenizer are immutable after loading.
    public let model: any LanguageModel
    public let tokenizer: Tokenizer
    /// `general.architecture` or `model_type`: llama, qwen2, qwen3, gemma3.
    public let architecture: String
    public let chatTemplate: ChatTemplate?
    public let name: String
    /// The architecture and shape, to rebuild the network over other weights (training).
    public let recipe: ModelRecipe
    /// Where the weights came from, by Hugging Face names.
    public let weights: any WeightSource
    /// The file or folder it was loaded from.
    public let path: String

    /// Token ids that end generation: EOS and the end-of-turn marker of the chat format.
    public var stopTokenIDs: Set<Int> {
        var ids = Set<Int>()
        if let eos = tokenizer.eosTokenID { ids.insert(Int(eos)) }
        if let marker = chatTemplate?.endOfTurn, let id = tokenizer.tokenID(for: marker) { ids.insert(Int(id)) }
        return ids
    }
}

/// A model file we cannot use, with the reason.
public struct ModelLoadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// Opens GGUF files and Hugging Face folders (config.json, *.safetensors, tokenizer.json).
public enum ModelLoader {
    public static let supportedArchitectures = ["llama", "qwen2", "qwen3", "gemma3"]

    public static func load(path: String, options: ModelLoadOptions = ModelLoadOptions()) throws -> LoadedModel {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ModelLoadError(path: path, message: "no such file or folder")
        }
        return isFolder.boolValue ? try loadFolder(path, options: options) : try loadGGUF(path, options: options)
    }

    static func loadGGUF(_ path: String, options: ModelLoadOptions) throws -> LoadedModel {
        let file = try GGUFFile(path: path)
        guard let architecture = file.architecture else {
            throw ModelLoadError(path: path, message: "no general.architecture in the metadata")
        }
        let weights = GGUFWeightSource(file: file, architecture: architecture)
        let recipe = try makeRecipe(architecture: architecture, path: path,
                                    llama: { try LlamaConfiguration(gguf: file, architecture: architecture) },
                                    gemma: { try Gemma3Configuration(gguf: file) })
        let model = try recipe.build(weights: weights, options: options)
        let tokenizer = try Tokenizer(gguf: GGUFTokenizerData(gguf: file))
        return LoadedModel(model: model, tokenizer: tokenizer, architecture: architecture,
                           chatTemplate: ChatTemplate.detect { tokenizer.tokenID(for: $0) != nil },
                           name: file.metadata["general.name"]?.string ?? (path as NSString).lastPathComponent,
                           recipe: recipe, weights: weights, path: path)
    }

    static func loadFolder(_ path: String, options: ModelLoadOptions) throws -> LoadedModel {
        let configData = try Data(contentsOf: URL(fileURLWithPath: path + "/config.json"))
        struct ModelType: Decodable {
            let modelType: String
            enum CodingKeys: String, CodingKey { case modelType = "model_type" }
        }
        var architecture = try JSONDecoder().decode(ModelType.self, from: configData).modelType
        if architecture == "gemma3_text" { architecture = "gemma3" }
        let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".safetensors") }.sorted()
        guard !files.isEmpty else { throw ModelLoadError(path: path, message: "no .safetensors files") }
        let weights = try SafetensorsWeightSource(files: files.map { path + "/" + $0 })
        let recipe = try makeRecipe(architecture: architecture, path: path,
                                    llama: { try JSONDecoder().decode(LlamaConfiguration.self, from: configData) },
                                    gemma: { try JSONDecoder().decode(Gemma3Configuration.self, from: configData) })
        let model = try recipe.build(weights: weights, options: options)
        let special = SpecialTokenNames(folder: path)
        let tokenizerJSON: Data
        do { tokenizerJSON = try Data(contentsOf: URL(fileURLWithPath: path + "/tokenizer.json")) } catch {
            throw ModelLoadError(path: path, message: "cannot read tokenizer.json: \(error.localizedDescription)")
        }
        let tokenizer = try Tokenizer(huggingFaceJSON: tokenizerJSON, bosToken: special.bos, eosToken: special.eos)
        return LoadedModel(model: model, tokenizer: tokenizer, architecture: architecture,
                           chatTemplate: ChatTemplate.detect { tokenizer.tokenID(for: $0) != nil },
                           name: (path as NSString).lastPathComponent, recipe: recipe, weights: weights, path: path)
    }

    static func makeRecipe(architecture: String, path: String, llama: () throws -> LlamaConfiguration,
                           gemma: () throws -> Gemma3Configuration) throws -> ModelRecipe {
        switch architecture {
        case "llama", "qwen2", "qwen3":
            return ModelRecipe(architecture: architecture, shape: .llama(try llama()))
        case "gemma3":
            return ModelRecipe(architecture: architecture, shape: .gemma3(try gemma()))
        default:
            throw ModelLoadError(path: path, message: "unsupported architecture '\(architecture)' "
                + "(supported: \(supportedArchitectures.joined(separator: ", ")))")
        }
    }
}

/// Serves tensors from one or more safetensors files under their own (Hugging Face) names.
final class SafetensorsWeightSource: WeightSource {
    let files: [SafetensorsFile]
    let owner: [String: Int]

    init(files paths: [String]) throws {
        files = try paths.map { try SafetensorsFile(path: $0) }
        var owner: [String: Int] = [:]
        for (index, file) in files.enumerated() { for tensor in file.tensors { owner[tensor.name] = index } }
        self.owner = owner
    }

    func tensor(named name: String) throws -> MLXArray? {
        guard let index = owner[name] else { return nil }
        let info = try files[index].tensor(name)
        let values = try files[index].floats(name)
        return try values.withUnsafeBufferPointer { try MLXArray($0, info.shape) }
    }
}

/// The BOS and EOS token texts that transformers keeps in `tokenizer_config.json` (a string, or
/// an object with `content`).
struct SpecialTokenNames {
    var bos: String?
    var eos: String?

    init(folder: String) {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: folder + "/tokenizer_config.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        func text(_ value: Any?) -> String? {
            (value as? String) ?? ((value as? [String: Any])?["content"] as? String)
        }
        bos = text(object["bos_token"])
        eos = text(object["eos_token"])
    }
}
