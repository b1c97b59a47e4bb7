import VernacularEngine

/// Keys and values of past positions, one slot per layer, so generation processes only the new
/// token. Arrays are (B, Hkv, S, D).
///
/// Full-attention layers write into a buffer that grows 256 positions at a time, in place (MLX
/// reuses the buffer when nothing else holds it), and attend to a view of its filled part:
/// appending by concatenation copied the whole cache for every token. Sliding-window layers keep
/// only their window, so their arrays stay small and are concatenated and trimmed.
public final class KVCache: @unchecked Sendable {
    // @unchecked: a cache belongs to one generation at a time; it is never shared between threads.
    private var keys: [MLXArray?]
    private var values: [MLXArray?]
    /// Positions stored per layer (the filled part of a growing buffer).
    private var stored: [Int]
    /// Positions held (the same in every layer once a forward pass completes).
    public private(set) var offset = 0
    /// For sliding-window layers: keep only the last `window` positions (nil: keep all).
    let windows: [Int?]
    static let growth = 256

    public init(layers: Int, windows: [Int?]? = nil) {
        keys = Array(repeating: nil, count: layers)
        values = Array(repeating: nil, count: layers)
        stored = Array(repeating: 0, count: layers)
        self.windows = windows ?? Array(repeating: nil, count: layers)
    }

    /// Positions stored for `layer` (differs from `offset` for windowed layers).
    func storedLength(layer: Int) -> Int { stored[layer] }

    /// Appends this step's keys and values for `layer`; returns everything the layer attends to.
    func update(layer: Int, keys newKeys: MLXArray, values newValues: MLXArray) throws -> (MLXArray, MLXArray) {
        if let window = windows[layer] { return try updateWindowed(layer: layer, window: window, newKeys, newValues) }
        let count = newKeys.dim(2)
        let length = stored[layer] + count
        if let buffer = keys[layer], buffer.dim(2) >= length, let valueBuffer = values[layer] {
            keys[layer] = try sliceUpdated(buffer, newKeys, start: [0, 0, stored[layer], 0])
            values[layer] = try sliceUpdated(valueBuffer, newValues, start: [0, 0, stored[layer], 0])
        } else {
            // Grow: a new buffer rounded up to the growth step, the old content copied once.
            let capacity = (length + Self.growth - 1) / Self.growth * Self.growth
            func grown(_ old: MLXArray?, _ new: MLXArray) throws -> MLXArray {
                var shape = new.shape
                shape[2] = capacity
                var buffer = try zeros(shape, dtype: new.dtype)
                if let old, stored[layer] > 0 {
                    buffer = try sliceUpdated(buffer, sliced(old, axis: 2, from: 0, to: stored[layer]), start: [0, 0, 0, 0])
                }
                return try sliceUpdated(buffer, new, start: [0, 0, stored[layer], 0])
            }
            keys[layer] = try grown(keys[layer], newKeys)
            values[layer] = try grown(values[layer], newValues)
        }
        stored[layer] = length
        return (try sliced(keys[layer]!, axis: 2, from: 0, to: length), try sliced(values[layer]!, axis: 2, from: 0, to: length))
    }

    private func updateWindowed(layer: Int, window: Int, _ newKeys: MLXArray, _ newValues: MLXArray) throws -> (MLXArray, MLXArray) {
        var allKeys = try keys[layer].map { try concatenated([$0, newKeys], axis: 2) } ?? newKeys
        var allValues = try values[layer].map { try concatenated([$0, newValues], axis: 2) } ?? newValues
        let attended = (allKeys, allValues)
        if allKeys.dim(2) > window {
            // Older positions can never be attended again by later tokens.
            let length = allKeys.dim(2)
            allKeys = try sliced(allKeys, axis: 2, from: length - window, to: length)
            allValues = try sliced(allValues, axis: 2, from: length - window, to: length)
        }
        keys[layer] = allKeys
        values[layer] = allValues
        stored[layer] = allKeys.dim(2)
        return attended
    }

    /// A second cache that starts from what this one holds, so several continuations of one prompt
    /// are scored without processing the prompt again. The arrays are shared, not copied: MLX
    /// arrays are immutable, and a fork only ever writes past the positions both hold, so neither
    /// sees the other's later positions.
    public func fork() -> KVCache {
        let copy = KVCache(layers: keys.count, windows: windows)
        copy.keys = keys
        copy.values = values
        copy.stored = stored
        copy.offset = offset
        return copy
    }

    /// Called by the model after all layers have seen `count` new positions.
    func advance(by count: Int) { offset += count }

    /// The arrays, for evaluation together with the logits.
    var arrays: [MLXArray] { (keys + values).compactMap { $0 } }
}
