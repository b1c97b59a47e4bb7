import VernacularEngine

/// A causal language model: token ids in, next-token logits out.
public protocol LanguageModel: AnyObject, Sendable {
    /// Vocabulary size: the last axis of the logits.
    var vocabularySize: Int { get }
    /// Longest context the model was trained for.
    var contextLength: Int { get }
    /// tokens: (B, T) int32 -> logits (B, T, V), or (B, 1, V) for the last position only when
    /// `lastOnly` (generation needs no more, and the vocabulary projection is the costliest
    /// matmul for large vocabularies). With a cache, positions continue after what the cache
    /// holds, and the cache is extended with this call's keys and values.
    func callAsFunction(_ tokens: MLXArray, cache: KVCache?, lastOnly: Bool) throws -> MLXArray
    /// An empty cache with one slot per layer.
    func newCache() -> KVCache
    /// One decoding step for several independent sequences: `tokens[i]` continues the sequence
    /// held by `caches[i]` (each at its own position) -> logits (B, V). Serving calls this so that
    /// the weights are read once per step for all the sequences it is decoding.
    func decodeStep(tokens: [Int], caches: [KVCache]) throws -> MLXArray
}

extension LanguageModel {
    /// The reference: one forward pass per sequence, logits stacked. Architectures without a
    /// batched step use it.
    public func decodeStep(tokens: [Int], caches: [KVCache]) throws -> MLXArray {
        guard tokens.count == caches.count, !tokens.isEmpty else {
            throw EngineError("decodeStep needs one cache per token, got \(tokens.count) tokens and \(caches.count) caches")
        }
        let rows = try zip(tokens, caches).map { token, cache in
            try reshaped(self(MLXArray(ints: [Int32(token)], [1, 1]), cache: cache, lastOnly: true), [1, vocabularySize])
        }
        return rows.count == 1 ? rows[0] : try concatenated(rows, axis: 0)
    }

    /// Logits for every position.
    public func callAsFunction(_ tokens: MLXArray, cache: KVCache?) throws -> MLXArray {
        try self(tokens, cache: cache, lastOnly: false)
    }
}

/// Keeps only the last position of hidden states (B, T, C) -> (B, 1, C).
func lastPosition(_ h: MLXArray) throws -> MLXArray {
    let length = h.dim(1)
    return length == 1 ? h : try sliced(h, axis: 1, from: length - 1, to: length)
}

/// Where a model's weights come from, by their Hugging Face names
/// (`model.layers.0.self_attn.q_proj.weight`). Loaders for GGUF and safetensors translate.
public protocol WeightSource {
    /// The tensor, dequantised to float32, or nil when the file has no such tensor.
    func tensor(named name: String) throws -> MLXArray?
    /// How llama.cpp rounds the input of a matmul with this weight (nil: not at all, or unknown).
    func activationRounding(named name: String) -> ActivationRounding?
    /// Bits per weight of the tensor as stored, for quantised files (nil: unknown or float).
    func storedBits(named name: String) -> Int?
    /// A low-rank adapter to add to the projection `name` (without ".weight"), when training or
    /// running a LoRA model unmerged.
    func adapter(named name: String) -> LowRankAdapter?
}

extension WeightSource {
    public func activationRounding(named name: String) -> ActivationRounding? { nil }
    public func storedBits(named name: String) -> Int? { nil }
    public func adapter(named name: String) -> LowRankAdapter? { nil }
}

/// A weight that is missing or misshaped, naming it.
public struct WeightError: Error, Sendable, CustomStringConvertible {
    public let tensor: String
    public let message: String
    public init(tensor: String, message: String) {
        self.tensor = tensor
        self.message = message
    }
    public var description: String { "weight '\(tensor)': \(message)" }
}

extension WeightSource {
    /// The tensor, which must exist with exactly `shape`.
    func require(_ name: String, shape: [Int]) throws -> MLXArray {
        guard let array = try tensor(named: name) else { throw WeightError(tensor: name, message: "missing") }
        guard array.shape == shape else {
            throw WeightError(tensor: name, message: "has shape \(array.shape), expected \(shape)")
        }
        return array
    }

    /// The tensor if present (then with exactly `shape`), else nil.
    func optional(_ name: String, shape: [Int]) throws -> MLXArray? {
        guard let array = try tensor(named: name) else { return nil }
        guard array.shape == shape else {
            throw WeightError(tensor: name, message: "has shape \(array.shape), expected \(shape)")
        }
        return array
    }
}

/// y = x Wᵀ (+ b): the projection every architecture uses. W: (out, in), as checkpoints store it.
/// With a block-quantised copy of W (8 or 4 bits), single-row inputs (decoding one token) use our
/// quantised kernel, which reads a quarter (or a sixth) of the bytes; longer inputs use float32 BLAS.
struct Linear {
    let weight: MLXArray
    let bias: MLXArray?
    let decodeWeight: BlockQuantizedWeight?
    /// llama.cpp's input rounding for each stacked part (its output width), when emulating it.
    let inputRounding: [(width: Int, rounding: ActivationRounding?)]?
    /// Low-rank adapters of the stacked parts (each part's output width), when any part has one.
    var adapters: [(width: Int, adapter: LowRankAdapter?)]? = nil

    /// `decodeBits`: 4 for weights that were stored in 4 bits (their values lie on 16 levels per
    /// block, so 4-bit blocks hold them and halve what decoding reads), else 8.
    init(weight: MLXArray, bias: MLXArray?, quantizeForDecoding: Bool = false,
         inputRounding: [(width: Int, rounding: ActivationRounding?)]? = nil, decodeBits: Int = 8) throws {
        self.weight = weight
        self.bias = bias
        self.inputRounding = inputRounding
        decodeWeight = quantizeForDecoding && inputRounding == nil && BlockQuantizedWeight.supports(weight)
            ? try BlockQuantizedWeight(weight, bits: decodeBits) : nil
    }

    /// Several projections of the same input as one (q, k and v; gate and up): their weights
    /// stacked on the output axis, so one matmul or kernel call does the work of several.
    init(stacking parts: [LinearPart], options: ModelLoadOptions) throws {
        let biases = parts.compactMap(\.bias)
        try self.init(weight: parts.count == 1 ? parts[0].weight : concatenated(parts.map(\.weight), axis: 0),
                      bias: biases.isEmpty ? nil : try concatenated(biases, axis: 0),
                      quantizeForDecoding: options.quantizeForDecoding,
                      inputRounding: options.roundActivationsLikeLlamaCpp ? parts.map { ($0.weight.dim(0), $0.rounding) } : nil,
                      decodeBits: parts.allSatisfy { $0.storedBits == 4 } ? 4 : 8)
        guard biases.isEmpty || biases.count == parts.count else {
            throw EngineError("stacked projections must all have biases or none")
        }
        if parts.contains(where: { $0.adapter != nil }) {
            adapters = parts.map { ($0.weight.dim(0), $0.adapter) }
        }
    }

    /// Decoding several sequences at once: every row goes through the quantised kernel (it reads
    /// each block of W once per chunk of outputs for all rows), not float32 BLAS.
    func decode(_ x: MLXArray) throws -> MLXArray {
        guard let decodeWeight, adapters == nil else { return try self(x) }
        let y = try quantizedMatmul(x, decodeWeight)
        return try bias.map { try y + $0 } ?? y
    }

    func callAsFunction(_ x: MLXArray) throws -> MLXArray {
        var y: MLXArray
        if let decodeWeight, x.size == x.dim(-1) {
            y = try quantizedMatmul(x, decodeWeight)
        } else if let inputRounding {
            y = try matmulRoundingInputs(x, inputRounding)
        } else {
            y = try matmul(x, transposedLast(weight))
        }
        if let adapters { y = try y + adapterDelta(x, adapters) }
        return try bias.map { try y + $0 } ?? y
    }

    /// The adapters' contribution, part by part on the output axis (zeros for parts without one).
    private func adapterDelta(_ x: MLXArray, _ parts: [(width: Int, adapter: LowRankAdapter?)]) throws -> MLXArray {
        let deltas = try parts.map { part -> MLXArray in
            guard let adapter = part.adapter else {
                return try zeros(Array(x.shape.dropLast()) + [part.width], dtype: x.dtype)
            }
            return try adapter(x)
        }
        return deltas.count == 1 ? deltas[0] : try concatenated(deltas, axis: -1)
    }
}

extension Linear {
    /// x Wᵀ with x rounded as llama.cpp rounds it for each stacked part's weight type.
    private func matmulRoundingInputs(_ x: MLXArray, _ parts: [(width: Int, rounding: ActivationRounding?)]) throws -> MLXArray {
        func rounded(_ rounding: ActivationRounding?) throws -> MLXArray {
            try rounding.map { try roundedLikeLlamaCpp(x, $0) } ?? x
        }
        if parts.allSatisfy({ $0.rounding == parts[0].rounding }) {
            return try matmul(rounded(parts[0].rounding), transposedLast(weight))
        }
        var start = 0
        return try concatenated(parts.map { part in
            defer { start += part.width }
            return try matmul(rounded(part.rounding), transposedLast(sliced(weight, axis: 0, from: start, to: start + part.width)))
        }, axis: -1)
    }
}

/// One projection's weights as loaded, before stacking (see `Linear.init(stacking:options:)`).
struct LinearPart {
    let weight: MLXArray
    let bias: MLXArray?
    /// llama.cpp's input rounding for this weight's stored type.
    let rounding: ActivationRounding?
    /// Bits per weight as stored (4 for Q4 files), when known.
    let storedBits: Int?
    let adapter: LowRankAdapter?

    /// The weight `name` + ".weight" (and ".bias" when `bias`), which must have `shape`.
    init(_ weights: any WeightSource, _ name: String, shape: [Int], bias: Bool = false) throws {
        weight = try weights.require(name + ".weight", shape: shape)
        self.bias = bias ? try weights.require(name + ".bias", shape: [shape[0]]) : nil
        rounding = weights.activationRounding(named: name + ".weight")
        storedBits = weights.storedBits(named: name + ".weight")
        adapter = weights.adapter(named: name)
        if let adapter {
            guard adapter.a.shape == [adapter.rank, shape[1]], adapter.b.shape == [shape[0], adapter.rank] else {
                throw WeightError(tensor: name, message: "adapter shapes \(adapter.a.shape) and \(adapter.b.shape) do not fit \(shape)")
            }
        }
    }

    init(weight: MLXArray, rounding: ActivationRounding?, storedBits: Int? = nil) {
        self.weight = weight
        bias = nil
        self.rounding = rounding
        self.storedBits = storedBits
        adapter = nil
    }
}

/// How a model keeps its weights for inference.
public struct ModelLoadOptions: Sendable {
    /// Keep an 8-bit copy of every projection for single-token decoding (faster generation,
    /// output within 8-bit rounding of float32). Perplexity and prompts use float32 either way.
    public var quantizeForDecoding: Bool
    /// Round every quantised weight's input as llama.cpp does (8-bit blocks), to compare
    /// perplexities with llama.cpp on equal terms. Off for normal use: it only loses precision.
    public var roundActivationsLikeLlamaCpp: Bool
    /// Compute the weights at load. Off when a model is rebuilt inside a gradient trace, where
    /// its weights are tracer arrays that the trace itself evaluates.
    public var materializeWeights: Bool

    public init(quantizeForDecoding: Bool = true, roundActivationsLikeLlamaCpp: Bool = false,
                materializeWeights: Bool = true) {
        self.quantizeForDecoding = quantizeForDecoding
        self.roundActivationsLikeLlamaCpp = roundActivationsLikeLlamaCpp
        self.materializeWeights = materializeWeights
    }
}

/// Splits the last axis of `x` into consecutive parts of the given widths (views).
func splitLastAxis(_ x: MLXArray, _ widths: [Int]) throws -> [MLXArray] {
    var start = 0
    return try widths.map { width in
        defer { start += width }
        return try sliced(x, axis: -1, from: start, to: start + width)
    }
}
