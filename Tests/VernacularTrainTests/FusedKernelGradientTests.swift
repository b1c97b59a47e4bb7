import Foundation
import Testing
import VernacularEngine

/// The backward passes of our fused CPU kernels (attention, cross-entropy, gated activation) against central
/// finite differences of the forward kernels themselves: what training relies on.
@Suite struct FusedKernelGradientTests {
    /// Gradient of sum(f(x) · r) at x by valueAndGrad, and by (f(x + h e) − f(x − h e)) / 2h for a
    /// few coordinates e.
    func check(_ shape: [Int], seed: UInt64, tolerance: Float = 2e-2, _ f: @escaping (MLXArray) throws -> MLXArray) throws {
        let x = try randomNormal(shape, seed: seed)
        let probe = try randomNormal(try f(x).shape, seed: seed + 1)
        func objective(_ input: MLXArray) throws -> MLXArray { try sum(f(input) * probe) }
        let analytic = try valueAndGrad([x], argnums: [0]) { [try objective($0[0])] }.gradients[0].asFloats()
        var values = try x.asFloats()
        let h: Float = 1e-2
        for coordinate in stride(from: 0, to: values.count, by: max(values.count / 23, 1)) {
            let original = values[coordinate]
            values[coordinate] = original + h
            let plus = try objective(MLXArray(values, shape)).item()
            values[coordinate] = original - h
            let minus = try objective(MLXArray(values, shape)).item()
            values[coordinate] = original
            let numeric = (plus - minus) / (2 * h)
            #expect(Swift.abs(numeric - analytic[coordinate]) <= tolerance * max(1, Swift.abs(numeric)),
                    "coordinate \(coordinate): numeric \(numeric), analytic \(analytic[coordinate])")
        }
    }

    @Test func attentionQueryKeyValueGradients() throws {
        let k = try randomNormal([1, 2, 6, 8], seed: 11), v = try randomNormal([1, 2, 6, 8], seed: 12)
        let q = try randomNormal([1, 4, 6, 8], seed: 13)
        try check([1, 4, 6, 8], seed: 3) { try causalAttention(queries: $0, keys: k, values: v, scale: 0.35) }
        try check([1, 2, 6, 8], seed: 4) { try causalAttention(queries: q, keys: $0, values: v, scale: 0.35) }
        try check([1, 2, 6, 8], seed: 5) { try causalAttention(queries: q, keys: k, values: $0, scale: 0.35, window: 3) }
    }

    @Test func crossEntropyGradient() throws {
        let targets = try MLXArray(ints: [3, 0, 6, 2, 2, 5], [2, 3])
        try check([2, 3, 7], seed: 9) { try crossEntropy(logits: $0 * 3, targets: targets) }
    }

    @Test func gatedActivationGradients() throws {
        try check([3, 2 * 10], seed: 7) { try gatedActivation(stacked: $0, .silu) }
        try check([3, 2 * 10], seed: 8) { try gatedActivation(stacked: $0, .geluTanh) }
    }
}
