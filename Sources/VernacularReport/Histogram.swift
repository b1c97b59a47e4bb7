import Foundation

/// Counts of values in bins. Bin i holds edges[i] <= v < edges[i+1], except the last, which also
/// holds its upper edge, so a share of exactly 1.0 is counted. Values outside the edges are
/// counted apart, never dropped silently.
public struct Histogram: Sendable, Equatable {
    public let edges: [Double]
    public private(set) var counts: [Int]
    public private(set) var below = 0
    public private(set) var above = 0
    /// NaN and infinite values.
    public private(set) var nonFinite = 0

    /// Edges must be finite and strictly increasing, at least two of them.
    public init(edges: [Double]) {
        precondition(edges.count >= 2 && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 },
                     "histogram edges must increase")
        self.edges = edges
        counts = Array(repeating: 0, count: edges.count - 1)
    }

    public init(edges: [Double], values: [Double]) {
        self.init(edges: edges)
        for value in values { add(value) }
    }

    public var total: Int { counts.reduce(0, +) }

    public mutating func add(_ value: Double) {
        guard value.isFinite else { nonFinite += 1; return }
        if let bin = bin(of: value) { counts[bin] += 1 } else if value < edges[0] { below += 1 } else { above += 1 }
    }

    /// The bin a value falls in, or nil outside the edges.
    public func bin(of value: Double) -> Int? {
        guard value >= edges[0], value <= edges[edges.count - 1] else { return nil }
        // The last edge closes the last bin.
        if value == edges[edges.count - 1] { return counts.count - 1 }
        // Binary search: the first edge greater than the value, minus one.
        var low = 0, high = edges.count - 1
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }

    /// `bins` equal bins from `lower` to `upper`: for shares, which live in [0, 1].
    public static func linearEdges(from lower: Double, to upper: Double, bins: Int) -> [Double] {
        precondition(bins >= 1 && lower < upper)
        // Each edge computed from its index, so 0.05 * 20 lands on 1.0 and not 0.9999999.
        return (0...bins).map { lower + (upper - lower) * Double($0) / Double(bins) }
    }

    /// Edges on the 1-2-5 sequence (..., 10, 20, 50, 100, ...) around the values: for lengths and
    /// perplexities, whose spread covers orders of magnitude. Values at or below zero are left to
    /// `below`; with no positive value the edges are [1, 2].
    public static func logEdges(covering values: [Double]) -> [Double] {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else { return [1, 2] }
        var exponent = Int(floor(log10(low)))
        var edges: [Double] = []
        func value(_ mantissa: Double, _ exponent: Int) -> Double {
            // Negative powers divide, so 2e-1 is exactly the double nearest 0.2.
            exponent >= 0 ? mantissa * pow(10, Double(exponent)) : mantissa / pow(10, Double(-exponent))
        }
        outer: while true {
            for mantissa in [1.0, 2.0, 5.0] {
                let edge = value(mantissa, exponent)
                if edges.isEmpty {
                    // The first edge is the largest sequence value at or below the smallest value.
                    let next = mantissa == 5 ? value(1, exponent + 1) : value(mantissa == 1 ? 2 : 5, exponent)
                    if next <= low { continue }
                }
                edges.append(edge)
                if edge > high || (edges.count >= 2 && edge == high) { break outer }
            }
            exponent += 1
        }
        return edges
    }
}
