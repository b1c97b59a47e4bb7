import Foundation
import VernacularEngine
import VernacularModels

/// A model split into frozen weights and the arrays being trained (LoRA adapters, embeddings,
/// or every weight), able to rebuild the network around any values of the trained arrays, as
/// a gradient trace needs.
public final class TrainableModel: @unchecked Sendable {
    // @unchecked: replaced only by the training loop that owns it, between steps.
    public let recipe: ModelRecipe
    let frozen: [String: MLXArray]
    /// Names of the trained arrays: weight names, or `<projection>.lora_a` / `.lora_b`.
    public let trainableNames: [String]
    /// The trained arrays' current values, in `trainableNames` order.
    public var trainable: [MLXArray]
    public let lora: LoRAOptions?
    /// Projection name -> positions of its A and B in `trainable`.
    let adapterPositions: [String: (a: Int, b: Int)]
    /// The order the model asked for its weights, for export.
    public let weightNames: [String]

    /// Embedding-family weights whose first rows stay frozen: name -> the frozen row count. The
    /// trained array `<name>.new_rows` holds the rest, and the weight is the two stacked.
    let splitRows: [String: Int]

    /// `parameters`: every weight by Hugging Face name (vocabulary already grown). `frozenRows`:
    /// train only the embedding rows from this one on (the rows a tokenizer extension added).
    public init(recipe: ModelRecipe, parameters: [(name: String, array: MLXArray)], options: TrainingOptions,
                frozenRows: Int? = nil) throws {
        self.recipe = recipe
        lora = options.lora
        weightNames = parameters.map(\.name)
        var frozen: [String: MLXArray] = [:]
        var names: [String] = []
        var arrays: [MLXArray] = []
        var positions: [String: (a: Int, b: Int)] = [:]
        var split: [String: Int] = [:]
        for (index, parameter) in parameters.enumerated() {
            let isEmbedding = TrainableModel.embeddingNames.contains(parameter.name)
            if isEmbedding, options.trainEmbeddings, let frozenRows, frozenRows < parameter.array.dim(0) {
                let rows = parameter.array.dim(0)
                frozen[parameter.name] = try sliced(parameter.array, axis: 0, from: 0, to: frozenRows)
                names.append(parameter.name + TrainableModel.newRowsSuffix)
                arrays.append(try sliced(parameter.array, axis: 0, from: frozenRows, to: rows))
                split[parameter.name] = frozenRows
                continue
            }
            let trainWhole = options.lora == nil || (options.trainEmbeddings && isEmbedding)
            if trainWhole {
                names.append(parameter.name)
                arrays.append(parameter.array)
                continue
            }
            frozen[parameter.name] = parameter.array
            guard let lora = options.lora, parameter.name.hasSuffix(".weight"), parameter.array.ndim == 2 else { continue }
            let projection = String(parameter.name.dropLast(".weight".count))
            guard lora.targets.contains(where: { projection.hasSuffix("." + $0) }) else { continue }
            let (outputs, inputs) = (parameter.array.dim(0), parameter.array.dim(1))
            // A small and random, B zero: the adapted model starts exactly as the base model.
            let a = try randomNormal([lora.rank, inputs], seed: options.seed &+ UInt64(index) &* 0x1000_0001)
                * (1 / Float(inputs).squareRoot())
            positions[projection] = (arrays.count, arrays.count + 1)
            names += [projection + ".lora_a", projection + ".lora_b"]
            arrays += [a, try zeros([outputs, lora.rank])]
        }
        if let lora = options.lora, positions.isEmpty {
            throw TrainingError.invalidOption("--lora-targets \(lora.targets.joined(separator: ",")) names no projection of this model")
        }
        self.frozen = frozen
        splitRows = split
        trainableNames = names
        trainable = arrays
        adapterPositions = positions
        // The frozen slices are evaluated too, so the grown matrices they came from are freed.
        try eval(arrays + split.keys.compactMap { frozen[$0] })
    }

    static let embeddingNames: Set = ["model.embed_tokens.weight", "lm_head.weight"]
    static let newRowsSuffix = ".new_rows"

    /// A weight whose new rows train: its frozen rows with `newRows` stacked under them.
    func stacked(_ name: String, newRows: MLXArray) throws -> MLXArray? {
        guard splitRows[name] != nil, let base = frozen[name] else { return nil }
        return try concatenated([base, newRows], axis: 0)
    }

    /// Elements being trained.
    public var trainableParameterCount: Int { trainable.reduce(0) { $0 + $1.size } }
    public var totalParameterCount: Int { frozen.values.reduce(0) { $0 + $1.size } + trainableParameterCount
        - adapterPositions.values.reduce(0) { $0 + trainable[$1.a].size + trainable[$1.b].size } }

    /// The network over `values` (the trained arrays, or tracers of them). `dropoutSeed`: the
    /// seed of this call's LoRA dropout masks (nil: no dropout, as in evaluation).
    public func network(_ values: [MLXArray], dropoutSeed: UInt64?) throws -> any LanguageModel {
        let source = TrainingWeightSource(model: self, values: values, dropoutSeed: dropoutSeed)
        return try recipe.build(weights: source, options: ModelLoadOptions(quantizeForDecoding: false, materializeWeights: false))
    }

    /// Every weight with the adapters merged in (W + scale · B A), by Hugging Face name.
    public func mergedWeights() throws -> [(name: String, array: MLXArray)] {
        let byName = Dictionary(uniqueKeysWithValues: zip(trainableNames, trainable))
        return try weightNames.map { name in
            if let value = byName[name] { return (name, value) }
            if let newRows = byName[name + TrainableModel.newRowsSuffix], let whole = try stacked(name, newRows: newRows) {
                return (name, whole)
            }
            guard let weight = frozen[name] else { throw TrainingError.run("weight \(name) is missing") }
            let projection = name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
            if let lora, let position = adapterPositions[projection] {
                let adapter = LowRankAdapter(a: trainable[position.a], b: trainable[position.b], scale: lora.scale)
                return (name, try adapter.merged(into: weight))
            }
            return (name, weight)
        }
    }
}

/// Serves the frozen weights, the trained values and the adapters to a model being built.
struct TrainingWeightSource: WeightSource {
    let model: TrainableModel
    let values: [String: MLXArray]
    let adapterValues: [String: (a: MLXArray, b: MLXArray, seed: UInt64?)]

    init(model: TrainableModel, values: [MLXArray], dropoutSeed: UInt64?) {
        self.model = model
        self.values = Dictionary(uniqueKeysWithValues: zip(model.trainableNames, values))
        var adapters: [String: (a: MLXArray, b: MLXArray, seed: UInt64?)] = [:]
        for (projection, position) in model.adapterPositions {
            adapters[projection] = (values[position.a], values[position.b],
                                    dropoutSeed.map { $0 &+ UInt64(position.a) &* 0x5851_F42D_4C95_7F2D })
        }
        adapterValues = adapters
    }

    func tensor(named name: String) throws -> MLXArray? {
        if let newRows = values[name + TrainableModel.newRowsSuffix] { return try model.stacked(name, newRows: newRows) }
        return values[name] ?? model.frozen[name]
    }

    func adapter(named name: String) -> LowRankAdapter? {
        guard let lora = model.lora, let adapter = adapterValues[name] else { return nil }
        let dropout = adapter.seed.flatMap { seed in lora.dropout > 0 ? (lora.dropout, seed) : nil }
        return LowRankAdapter(a: adapter.a, b: adapter.b, scale: lora.scale, dropout: dropout)
    }
}
