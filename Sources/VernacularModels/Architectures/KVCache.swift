import VernacularEngine

/// Keys and values of past positions, one slot per layer, so generation processes only the new
/// token. Arrays are (B, Hkv, S, D).
public final class KVCache: @unchecked Sendable {
    // @unchecked: a cache belongs to one generation at a time; it is never shared between threads.
    private var keys: [MLXArray?]
    private var values: [MLXArray?]
    /// Positions held (the same in every layer once a forward pass completes).
    public private(set) var offset = 0
    /// For sliding-window layers: keep only the last `window` positions (nil: keep all).
    let windows: [Int?]

    public init(layers: Int, windows: [Int?]? = nil) {
        keys = Array(repeating: nil, count: layers)
        values = Array(repeating: nil, count: layers)
        self.windows = windows ?? Array(repeating: nil, count: layers)
    }

    /// Positions stored for `layer` (differs from `offset` for windowed layers).
    func storedLength(layer: Int) -> Int { keys[layer]?.dim(2) ?? 0 }

    /// Appends this step's keys and values for `layer`; returns everything the layer attends to.
    func update(layer: Int, keys newKeys: MLXArray, values newValues: MLXArray) throws -> (MLXArray, MLXArray) {
        var allKeys = try keys[layer].map { try concatenated([$0, newKeys], axis: 2) } ?? newKeys
        var allValues = try values[layer].map { try concatenated([$0, newValues], axis: 2) } ?? newValues
        let attended = (allKeys, allValues)
        if let window = windows[layer], allKeys.dim(2) > window {
            // Older positions can never be attended again by later tokens.
            let length = allKeys.dim(2)
            allKeys = try sliced(allKeys, axis: 2, from: length - window, to: length)
            allValues = try sliced(allValues, axis: 2, from: length - window, to: length)
        }
        keys[layer] = allKeys
        values[layer] = allValues
        return attended
    }

    /// Called by the model after all layers have seen `count` new positions.
    func advance(by count: Int) { offset += count }

    /// The arrays, for evaluation together with the logits.
    var arrays: [MLXArray] { (keys + values).compactMap { $0 } }
}
