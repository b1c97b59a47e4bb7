// Where one tensor lives in a GGUF file and how it is shaped, already checked against the file.

/// One tensor's name, shape, type and byte range (validated to lie inside the file).
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. "blk.0.attn_q.weight".
    public let name: String
    /// ggml dimensions, fastest-varying first: `dimensions[0]` is ne[0], the row length.
    public let dimensions: [Int]
    /// Element type as stored.
    public let type: GGMLType
    /// Offset as written in the file: relative to the start of the data section.
    public let relativeOffset: UInt64
    /// Absolute byte offset of the tensor's data in the file.
    public let offset: Int
    /// Bytes of data the tensor occupies.
    public let byteCount: Int
    /// Number of elements (product of the dimensions).
    public let elementCount: Int

    /// Row-major shape, outermost first (the ggml dimensions reversed), as numpy and MLX write it.
    public var shape: [Int] { dimensions.reversed() }
    /// Elements per row: ne[0], the contiguous dimension.
    public var rowLength: Int { dimensions.first ?? 1 }
    /// Number of rows: all elements divided by the row length (0 for an empty tensor).
    public var rowCount: Int { rowLength == 0 ? 0 : elementCount / rowLength }
}
