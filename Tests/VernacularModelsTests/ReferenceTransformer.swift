import Foundation

/// A straightforward float64 transformer written for the tests, independent of the engine:
/// plain loops over arrays, used to check model forward passes.
enum Reference {
    typealias Matrix = [[Double]]

    static func linear(_ x: [Double], _ w: [Float], rows: Int, columns: Int, bias: [Float]? = nil) -> [Double] {
        (0..<rows).map { r in
            var total = bias.map { Double($0[r]) } ?? 0
            for c in 0..<columns { total += Double(w[r * columns + c]) * x[c] }
            return total
        }
    }

    static func rmsNorm(_ x: [Double], _ w: [Float], eps: Double, offset: Double = 0) -> [Double] {
        let meanSquare = x.map { $0 * $0 }.reduce(0, +) / Double(x.count)
        let scale = 1 / (meanSquare + eps).squareRoot()
        return x.indices.map { x[$0] * scale * (Double(w[$0]) + offset) }
    }

    /// Rotates one head vector for `position`. Traditional pairs (2i, 2i+1); otherwise (i, i+D/2).
    static func rope(_ x: [Double], position: Int, base: Double, traditional: Bool) -> [Double] {
        let d = x.count
        var out = x
        for i in 0..<(d / 2) {
            let frequency = pow(base, -2 * Double(i) / Double(d))
            let angle = Double(position) * frequency
            let (a, b) = traditional ? (2 * i, 2 * i + 1) : (i, i + d / 2)
            out[a] = x[a] * cos(angle) - x[b] * sin(angle)
            out[b] = x[a] * sin(angle) + x[b] * cos(angle)
        }
        return out
    }

    /// Causal attention for one head: queries (T, D), keys/values (T, D); `window` limits how far
    /// back a query looks.
    static func attention(_ q: Matrix, _ k: Matrix, _ v: Matrix, scale: Double, window: Int? = nil) -> Matrix {
        q.indices.map { t in
            let first = window.map { max(0, t - $0 + 1) } ?? 0
            let scores = (first...t).map { s in zip(q[t], k[s]).map { $0 * $1 }.reduce(0, +) * scale }
            let top = scores.max()!
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            var out = [Double](repeating: 0, count: v[0].count)
            for (offset, s) in (first...t).enumerated() {
                for j in out.indices { out[j] += weights[offset] / total * v[s][j] }
            }
            return out
        }
    }

    static func silu(_ x: Double) -> Double { x / (1 + exp(-x)) }

    static func geluTanh(_ x: Double) -> Double {
        0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
    }
}

/// Deterministic random weights for tiny test models.
struct WeightGenerator {
    var state: UInt64

    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
    }

    mutating func values(_ count: Int, scale: Float) -> [Float] { (0..<count).map { _ in next() * scale } }
}
