import CMLX

// Array operations, named after mlx-swift's free functions. All are lazy: they add to the graph
// and fail at once (throwing MLX's message) only for invalid shapes or types.

func unary(_ op: vx_unary_op, _ a: MLXArray) throws -> MLXArray {
    try produce { vx_unary(op, a.handle, $0) }
}

func binary(_ op: vx_binary_op, _ a: MLXArray, _ b: MLXArray) throws -> MLXArray {
    try produce { vx_binary(op, a.handle, b.handle, $0) }
}

public func + (a: MLXArray, b: MLXArray) throws -> MLXArray { try binary(VX_ADD, a, b) }
public func - (a: MLXArray, b: MLXArray) throws -> MLXArray { try binary(VX_SUBTRACT, a, b) }
public func * (a: MLXArray, b: MLXArray) throws -> MLXArray { try binary(VX_MULTIPLY, a, b) }
public func / (a: MLXArray, b: MLXArray) throws -> MLXArray { try binary(VX_DIVIDE, a, b) }
public func + (a: MLXArray, b: Float) throws -> MLXArray { try binary(VX_ADD, a, MLXArray(b)) }
public func - (a: MLXArray, b: Float) throws -> MLXArray { try binary(VX_SUBTRACT, a, MLXArray(b)) }
public func * (a: MLXArray, b: Float) throws -> MLXArray { try binary(VX_MULTIPLY, a, MLXArray(b)) }
public func / (a: MLXArray, b: Float) throws -> MLXArray { try binary(VX_DIVIDE, a, MLXArray(b)) }
public prefix func - (a: MLXArray) throws -> MLXArray { try unary(VX_NEGATE, a) }

public func maximum(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_MAXIMUM, a, b) }
public func minimum(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_MINIMUM, a, b) }
public func pow(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_POWER, a, b) }
public func equal(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_EQUAL, a, b) }
public func less(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_LESS, a, b) }
public func greater(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_GREATER, a, b) }
public func greaterEqual(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_GREATER_EQUAL, a, b) }
public func lessEqual(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray { try binary(VX_LESS_EQUAL, a, b) }

public func exp(_ a: MLXArray) throws -> MLXArray { try unary(VX_EXP, a) }
public func log(_ a: MLXArray) throws -> MLXArray { try unary(VX_LOG, a) }
public func sqrt(_ a: MLXArray) throws -> MLXArray { try unary(VX_SQRT, a) }
public func rsqrt(_ a: MLXArray) throws -> MLXArray { try unary(VX_RSQRT, a) }
public func tanh(_ a: MLXArray) throws -> MLXArray { try unary(VX_TANH, a) }
public func sigmoid(_ a: MLXArray) throws -> MLXArray { try unary(VX_SIGMOID, a) }
public func square(_ a: MLXArray) throws -> MLXArray { try unary(VX_SQUARE, a) }
public func abs(_ a: MLXArray) throws -> MLXArray { try unary(VX_ABS, a) }
public func sin(_ a: MLXArray) throws -> MLXArray { try unary(VX_SIN, a) }
public func cos(_ a: MLXArray) throws -> MLXArray { try unary(VX_COS, a) }
public func erf(_ a: MLXArray) throws -> MLXArray { try unary(VX_ERF, a) }

/// x * sigmoid(x), the activation of Llama's MLP.
public func silu(_ x: MLXArray) throws -> MLXArray { try x * sigmoid(x) }

/// GELU with the tanh approximation, as Gemma uses (`gelu_pytorch_tanh`).
public func geluApproximate(_ x: MLXArray) throws -> MLXArray {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    let inner = try (x + (x * x * x) * 0.044715) * 0.7978845608028654
    return try x * 0.5 * (tanh(inner) + 1)
}

/// a: (..., M, K) @ b: (..., K, N) -> (..., M, N)
public func matmul(_ a: MLXArray, _ b: MLXArray) throws -> MLXArray {
    try produce { vx_matmul(a.handle, b.handle, $0) }
}

public func reshaped(_ a: MLXArray, _ shape: [Int]) throws -> MLXArray {
    let dims = shape.int32s
    return try produce { vx_reshape(a.handle, dims, Int32(dims.count), $0) }
}

public func transposed(_ a: MLXArray, axes: [Int]) throws -> MLXArray {
    let list = axes.int32s
    return try produce { vx_transpose(a.handle, list, Int32(list.count), $0) }
}

/// Swaps the last two axes (the transpose of a weight matrix).
public func transposedLast(_ a: MLXArray) throws -> MLXArray {
    var axes = Array(0..<a.ndim)
    axes.swapAt(axes.count - 1, axes.count - 2)
    return try transposed(a, axes: axes)
}

public func broadcast(_ a: MLXArray, to shape: [Int]) throws -> MLXArray {
    let dims = shape.int32s
    return try produce { vx_broadcast_to(a.handle, dims, Int32(dims.count), $0) }
}

func reduce(_ op: vx_reduce_op, _ a: MLXArray, axes: [Int], keepDims: Bool) throws -> MLXArray {
    let list = axes.int32s
    return try produce { vx_reduce(op, a.handle, list, Int32(list.count), keepDims ? 1 : 0, $0) }
}

public func sum(_ a: MLXArray, axes: [Int], keepDims: Bool = false) throws -> MLXArray {
    try reduce(VX_SUM, a, axes: axes, keepDims: keepDims)
}

/// Sum of every element.
public func sum(_ a: MLXArray) throws -> MLXArray { try reduce(VX_SUM, a, axes: Array(0..<a.ndim), keepDims: false) }

public func mean(_ a: MLXArray, axes: [Int], keepDims: Bool = false) throws -> MLXArray {
    try reduce(VX_MEAN, a, axes: axes, keepDims: keepDims)
}

/// Mean of every element.
public func mean(_ a: MLXArray) throws -> MLXArray { try reduce(VX_MEAN, a, axes: Array(0..<a.ndim), keepDims: false) }

public func max(_ a: MLXArray, axes: [Int], keepDims: Bool = false) throws -> MLXArray {
    try reduce(VX_MAX, a, axes: axes, keepDims: keepDims)
}

public func logSumExp(_ a: MLXArray, axes: [Int], keepDims: Bool = false) throws -> MLXArray {
    try reduce(VX_LOGSUMEXP, a, axes: axes, keepDims: keepDims)
}

public func argMax(_ a: MLXArray, axis: Int, keepDims: Bool = false) throws -> MLXArray {
    try reduce(VX_ARGMAX, a, axes: [axis], keepDims: keepDims)
}

/// Softmax computed in float32 precision.
public func softmax(_ a: MLXArray, axis: Int = -1) throws -> MLXArray {
    var axes: [Int32] = [Int32(axis)]
    return try produce { vx_softmax(a.handle, &axes, 1, $0) }
}

public func astype(_ a: MLXArray, _ dtype: DType) throws -> MLXArray {
    try produce { vx_astype(a.handle, dtype.vx, $0) }
}

/// Strided slice: `start`, `stop`, `strides` give one value per axis.
public func sliced(_ a: MLXArray, start: [Int], stop: [Int], strides: [Int]? = nil) throws -> MLXArray {
    let begin = start.int32s, end = stop.int32s
    let step = (strides ?? Array(repeating: 1, count: start.count)).int32s
    return try produce { vx_slice(a.handle, begin, end, step, Int32(begin.count), $0) }
}

/// Slice of one axis, all others whole.
public func sliced(_ a: MLXArray, axis: Int, from lower: Int, to upper: Int) throws -> MLXArray {
    var stop = a.shape
    var start = Array(repeating: 0, count: stop.count)
    let resolved = axis < 0 ? axis + stop.count : axis
    start[resolved] = lower
    stop[resolved] = upper
    return try sliced(a, start: start, stop: stop)
}

/// `a` with `update` written from `start` on (one value per axis). MLX writes in place when
/// nothing else holds `a`'s buffer, which makes a growing cache cost O(new) instead of O(all).
public func sliceUpdated(_ a: MLXArray, _ update: MLXArray, start: [Int]) throws -> MLXArray {
    let begin = start.int32s
    return try produce { vx_slice_update(a.handle, update.handle, begin, Int32(begin.count), $0) }
}

public func concatenated(_ arrays: [MLXArray], axis: Int = 0) throws -> MLXArray {
    let handles: [OpaquePointer?] = arrays.map { $0.handle }
    let result = try produce { out in
        handles.withUnsafeBufferPointer { vx_concatenate($0.baseAddress, Int32($0.count), Int32(axis), out) }
    }
    withExtendedLifetime(arrays) {}
    return result
}

/// Rows of `a` at `indices` along `axis` (an embedding lookup with axis 0).
public func take(_ a: MLXArray, _ indices: MLXArray, axis: Int) throws -> MLXArray {
    try produce { vx_take(a.handle, indices.handle, Int32(axis), $0) }
}

public func takeAlong(_ a: MLXArray, _ indices: MLXArray, axis: Int) throws -> MLXArray {
    try produce { vx_take_along_axis(a.handle, indices.handle, Int32(axis), $0) }
}

/// Elements of `a` where `condition` holds, else of `b` (mlx-swift's `which`).
public func which(_ condition: MLXArray, _ a: MLXArray, _ b: MLXArray) throws -> MLXArray {
    try produce { vx_where(condition.handle, a.handle, b.handle, $0) }
}

public func stopGradient(_ a: MLXArray) throws -> MLXArray {
    try produce { vx_stop_gradient(a.handle, $0) }
}

public func arange(_ start: Int, _ stop: Int, dtype: DType = .int32) throws -> MLXArray {
    try produce { vx_arange(Double(start), Double(stop), 1, dtype.vx, $0) }
}

public func full(_ shape: [Int], value: Float, dtype: DType = .float32) throws -> MLXArray {
    let dims = shape.int32s
    return try produce { vx_full(dims, Int32(dims.count), value, dtype.vx, $0) }
}

public func zeros(_ shape: [Int], dtype: DType = .float32) throws -> MLXArray { try full(shape, value: 0, dtype: dtype) }

/// Standard normal samples from a seed, so an initialisation repeats exactly.
public func randomNormal(_ shape: [Int], seed: UInt64) throws -> MLXArray {
    let dims = shape.int32s
    return try produce { vx_random_normal(dims, Int32(dims.count), seed, $0) }
}

/// Per-position cross-entropy: logits (..., V), targets (...) -> (...), in float32. A target outside
/// the vocabulary gives NaN. `reference` computes the same with MLX operations (for checks).
public func crossEntropy(logits: MLXArray, targets: MLXArray, reference: Bool = false) throws -> MLXArray {
    try produce { vx_cross_entropy(logits.handle, targets.handle, reference ? 1 : 0, $0) }
}
