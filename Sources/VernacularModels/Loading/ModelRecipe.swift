import Foundation
import VernacularEngine

/// How to build a model of one architecture and shape from any weight source: what training
/// needs to rebuild the network around tracer arrays, and export to write `config.json`.
public struct ModelRecipe: Sendable {
    public enum Shape: Sendable {
        case llama(LlamaConfiguration)
        case gemma3(Gemma3Configuration)
    }

    /// `general.architecture` or `model_type`: llama, qwen2, qwen3, gemma3.
    public let architecture: String
    public var shape: Shape

    public init(architecture: String, shape: Shape) {
        self.architecture = architecture
        self.shape = shape
    }

    public var vocabularySize: Int {
        switch shape {
        case .llama(let c): return c.vocabularySize
        case .gemma3(let c): return c.vocabularySize
        }
    }

    public var contextLength: Int {
        switch shape {
        case .llama(let c): return c.maxPositionEmbeddings
        case .gemma3(let c): return c.maxPositionEmbeddings
        }
    }

    /// Whether the output projection is the embedding (no `lm_head.weight` of its own).
    public var tiesEmbeddings: Bool {
        switch shape {
        case .llama(let c): return c.tieWordEmbeddings
        case .gemma3: return true
        }
    }

    /// The same model with an output head of its own (`lm_head.weight`) where the embedding
    /// doubled as it; nil for architectures that always tie them (Gemma).
    public func withUntiedOutput() -> ModelRecipe? {
        guard case .llama(var c) = shape else { return nil }
        c.tieWordEmbeddings = false
        var copy = self
        copy.shape = .llama(c)
        return copy
    }

    /// The same model with `size` rows of embedding (and output head).
    public func withVocabularySize(_ size: Int) -> ModelRecipe {
        var copy = self
        switch shape {
        case .llama(var c):
            c.vocabularySize = size
            copy.shape = .llama(c)
        case .gemma3(var c):
            c.vocabularySize = size
            copy.shape = .gemma3(c)
        }
        return copy
    }

    public func build(weights: any WeightSource, options: ModelLoadOptions) throws -> any LanguageModel {
        switch shape {
        case .llama(let c): return try LlamaModel(configuration: c, weights: weights, options: options)
        case .gemma3(let c): return try Gemma3Model(configuration: c, weights: weights, options: options)
        }
    }
}

/// Passes tensors through from another source and remembers each one the model asked for: the
/// model's parameters by their Hugging Face names, in the order the model uses them.
public final class RecordingWeightSource: WeightSource {
    let base: any WeightSource
    public private(set) var recorded: [(name: String, array: MLXArray)] = []

    public init(_ base: any WeightSource) { self.base = base }

    public func tensor(named name: String) throws -> MLXArray? {
        if let known = recorded.first(where: { $0.name == name }) { return known.array }
        guard let array = try base.tensor(named: name) else { return nil }
        recorded.append((name, array))
        return array
    }

    public func activationRounding(named name: String) -> ActivationRounding? { base.activationRounding(named: name) }
    public func storedBits(named name: String) -> Int? { base.storedBits(named: name) }
}
