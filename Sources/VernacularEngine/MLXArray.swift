import CMLX

/// A failure inside MLX (a shape mismatch, an unsupported operation), with MLX's message.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "MLX: \(message)" }

    /// The message the shim stored for this thread's last failed call.
    static func last() -> EngineError { EngineError(String(cString: vx_last_error())) }
}

/// Element types the engine handles.
public enum DType: Sendable, Equatable {
    case float32, int32, float16, bfloat16, bool, uint32, int64, uint8

    var vx: vx_dtype {
        switch self {
        case .float32: return VX_FLOAT32
        case .int32: return VX_INT32
        case .float16: return VX_FLOAT16
        case .bfloat16: return VX_BFLOAT16
        case .bool: return VX_BOOL
        case .uint32: return VX_UINT32
        case .int64: return VX_INT64
        case .uint8: return VX_UINT8
        }
    }

    init(_ dtype: vx_dtype) {
        switch dtype {
        case VX_INT32: self = .int32
        case VX_FLOAT16: self = .float16
        case VX_BFLOAT16: self = .bfloat16
        case VX_BOOL: self = .bool
        case VX_UINT32: self = .uint32
        case VX_INT64: self = .int64
        case VX_UINT8: self = .uint8
        default: self = .float32
        }
    }

    public var byteSize: Int {
        switch self {
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16: return 2
        case .bool, .uint8: return 1
        case .int64: return 8
        }
    }
}

/// An n-dimensional array in MLX: a node of a lazy graph, computed by `eval`.
/// Named after mlx-swift's type so model code reads the same.
///
/// Sendable: an MLX array is immutable once made; the handle is only freed in deinit.
public final class MLXArray: @unchecked Sendable {
    let handle: OpaquePointer
    private let owned: Bool

    init(owning handle: OpaquePointer) {
        self.handle = handle
        owned = true
    }

    /// Wraps a handle that MLX owns for the length of a callback (value-and-grad tracing).
    init(borrowing handle: OpaquePointer) {
        self.handle = handle
        owned = false
    }

    deinit { if owned { vx_array_free(handle) } }

    /// A float32 array holding `values` in row-major order.
    public convenience init(_ values: [Float], _ shape: [Int]) throws {
        try self.init(copying: values, shape: shape, dtype: .float32)
    }

    /// An int32 array (token ids, indices).
    public convenience init(ints values: [Int32], _ shape: [Int]) throws {
        try self.init(copying: values, shape: shape, dtype: .int32)
    }

    /// A float32 array from a buffer of floats, for weights dequantised elsewhere.
    public convenience init(_ buffer: UnsafeBufferPointer<Float>, _ shape: [Int]) throws {
        guard shape.reduce(1, *) == buffer.count else {
            throw EngineError("shape \(shape) needs \(shape.reduce(1, *)) values, got \(buffer.count)")
        }
        let dims = shape.map(Int32.init)
        var out: OpaquePointer?
        guard vx_array_from_data(buffer.baseAddress, VX_FLOAT32, dims, Int32(dims.count), &out) == 0, let out else {
            throw EngineError.last()
        }
        self.init(owning: out)
    }

    private convenience init<T>(copying values: [T], shape: [Int], dtype: DType) throws {
        guard shape.reduce(1, *) == values.count else {
            throw EngineError("shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
        let dims = shape.map(Int32.init)
        var out: OpaquePointer?
        let status = values.withUnsafeBytes { bytes in
            vx_array_from_data(bytes.baseAddress, dtype.vx, dims, Int32(dims.count), &out)
        }
        guard status == 0, let out else { throw EngineError.last() }
        self.init(owning: out)
    }

    /// A float32 scalar.
    public convenience init(_ value: Float) {
        var out: OpaquePointer?
        // Making a scalar cannot fail short of running out of memory.
        _ = vx_array_scalar_f32(value, &out)
        self.init(owning: out!)
    }

    public var ndim: Int { Int(vx_array_ndim(handle)) }

    public var shape: [Int] {
        var dims = [Int32](repeating: 0, count: ndim)
        vx_array_shape(handle, &dims)
        return dims.map(Int.init)
    }

    public var dtype: DType { DType(vx_array_dtype(handle)) }
    public var size: Int { vx_array_size(handle) }

    /// Size of one axis; negative counts from the end.
    public func dim(_ axis: Int) -> Int {
        let dims = shape
        return dims[axis < 0 ? axis + dims.count : axis]
    }

    /// Computes the array now.
    public func eval() throws { try VernacularEngine.eval([self]) }

    /// The elements as floats (converting from the array's type).
    public func asFloats() throws -> [Float] {
        let source = dtype == .float32 ? self : try astype(self, .float32)
        return try source.copyOut(count: size)
    }

    /// The elements as 32-bit integers (converting from the array's type).
    public func asInt32s() throws -> [Int32] {
        let source = dtype == .int32 ? self : try astype(self, .int32)
        return try source.copyOut(count: size)
    }

    /// The single element of a one-element array.
    public func item() throws -> Float {
        guard size == 1 else { throw EngineError("item() needs one element, the array has \(size)") }
        return try asFloats()[0]
    }

    private func copyOut<T>(count: Int) throws -> [T] {
        var result = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let status = result.withUnsafeMutableBytes { bytes in
            vx_array_copy_to(handle, bytes.baseAddress, bytes.count)
        }
        guard status == 0 else { throw EngineError.last() }
        return result
    }

    /// A second owning reference to the same array.
    func cloneHandle() throws -> OpaquePointer {
        var out: OpaquePointer?
        guard vx_array_clone(handle, &out) == 0, let out else { throw EngineError.last() }
        return out
    }
}

/// Computes all the arrays together (shared subgraphs once).
public func eval(_ arrays: [MLXArray]) throws {
    let handles: [OpaquePointer?] = arrays.map { $0.handle }
    let status = handles.withUnsafeBufferPointer { vx_eval($0.baseAddress, Int32($0.count)) }
    guard status == 0 else { throw EngineError.last() }
    withExtendedLifetime(arrays) {}
}

public func eval(_ arrays: MLXArray...) throws { try eval(arrays) }

/// Runs a shim call that produces one array.
@inline(__always)
func produce(_ call: (UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> MLXArray {
    var out: OpaquePointer?
    guard call(&out) == 0, let out else { throw EngineError.last() }
    return MLXArray(owning: out)
}

extension Array where Element == Int {
    var int32s: [Int32] { map(Int32.init) }
}
