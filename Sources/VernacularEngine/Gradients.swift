import CMLX

/// The Swift closure being differentiated, and the error it threw, if any.
private final class TracedFunction {
    let body: ([MLXArray]) throws -> [MLXArray]
    var error: (any Error)?
    init(_ body: @escaping ([MLXArray]) throws -> [MLXArray]) { self.body = body }
}

/// Called by MLX while tracing: wraps the borrowed tracer arrays, runs the Swift closure, and
/// hands back new owning handles of its outputs.
private let tracedTrampoline: vx_function = { context, inputs, count, outputs, capacity, produced in
    let traced = Unmanaged<TracedFunction>.fromOpaque(context!).takeUnretainedValue()
    let arguments = (0..<Int(count)).map { MLXArray(borrowing: inputs![$0]!) }
    do {
        let results = try traced.body(arguments)
        guard results.count <= Int(capacity) else {
            throw EngineError("the function returned \(results.count) arrays, more than \(capacity)")
        }
        for (index, result) in results.enumerated() { outputs![index] = try result.cloneHandle() }
        produced!.pointee = Int32(results.count)
        return 0
    } catch {
        traced.error = error
        vx_set_error("\(error)")
        produced!.pointee = 0
        return 1
    }
}

/// Evaluates `function` on `inputs` and the gradient of its first output (a scalar loss) with
/// respect to the inputs at `argnums`. Returns all outputs and one gradient per argnum.
public func valueAndGrad(
    _ inputs: [MLXArray], argnums: [Int], maxOutputs: Int = 8,
    _ function: @escaping ([MLXArray]) throws -> [MLXArray]
) throws -> (values: [MLXArray], gradients: [MLXArray]) {
    let traced = TracedFunction(function)
    let context = Unmanaged.passRetained(traced)
    defer { context.release() }
    let handles: [OpaquePointer?] = inputs.map { $0.handle }
    let positions = argnums.int32s
    var values = [OpaquePointer?](repeating: nil, count: maxOutputs)
    var gradients = [OpaquePointer?](repeating: nil, count: argnums.count)
    var valueCount: Int32 = 0
    let status = handles.withUnsafeBufferPointer { inputBuffer in
        vx_value_and_grad(tracedTrampoline, context.toOpaque(), inputBuffer.baseAddress, Int32(inputBuffer.count),
                          positions, Int32(positions.count), &values, Int32(maxOutputs), &valueCount, &gradients)
    }
    withExtendedLifetime(inputs) {}
    if let error = traced.error { throw error }
    guard status == 0 else { throw EngineError.last() }
    let outputs = values.prefix(Int(valueCount)).compactMap { $0 }.map(MLXArray.init(owning:))
    let grads = try gradients.map { handle -> MLXArray in
        guard let handle else { throw EngineError("MLX returned no gradient") }
        return MLXArray(owning: handle)
    }
    return (outputs, grads)
}
