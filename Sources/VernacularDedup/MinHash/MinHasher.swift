import VernacularCore

/// MinHash LSH settings. Signatures have `hashes` values; LSH cuts the first `bands * rows` of
/// them into `bands` bands of `rows`, and two documents become a candidate pair when any band
/// matches exactly: P(candidate | Jaccard J) = 1 - (1 - J^rows)^bands, the S-curve.
///
/// The defaults (25 bands x 5 rows, 125 hashes) put the curve's steep part below the 0.7
/// threshold, so true pairs are rarely missed and verification removes the extra candidates:
///
///     J             0.30   0.50   0.60   0.65   0.70   0.75   0.80
///     P(candidate)  0.059  0.548  0.868  0.954  0.990  0.999  1.000
///
/// For comparison, FineWeb-2's 14 x 8 (datatrove) gives 0.565 at J = 0.7 and 0.924 at 0.8,
/// with no verification step.
public struct MinHashParameters: Sendable, Equatable, Codable {
    /// Jaccard similarity at or above which two documents are duplicates.
    public var threshold: Double = 0.7
    public var hashes: Int = 125
    public var bands: Int = 25
    public var rows: Int = 5
    /// Seeds the hash coefficients: signatures from runs with different seeds do not compare.
    public var seed: UInt64 = 20_261_127

    public init(threshold: Double = 0.7, hashes: Int = 125, bands: Int = 25, rows: Int = 5, seed: UInt64 = 20_261_127) {
        self.threshold = threshold
        self.hashes = hashes
        self.bands = bands
        self.rows = rows
        self.seed = seed
    }

    /// Probability that a pair with Jaccard `j` shares at least one band.
    public func candidateProbability(jaccard j: Double) -> Double {
        1 - pow1(1 - pow1(j, rows), bands)
    }

    /// Where the S-curve crosses one half, roughly (1/bands)^(1/rows).
    public var curveMidpoint: Double {
        var low = 0.0, high = 1.0
        for _ in 0..<50 {
            let mid = (low + high) / 2
            if candidateProbability(jaccard: mid) < 0.5 { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// Signature positions that must agree for a pair to pass verification.
    public var requiredAgreements: Int {
        Int((threshold * Double(hashes) - 1e-9).rounded(.up))
    }

    /// Throws on settings that cannot work, naming the field.
    public func validate() throws(DedupError) {
        guard hashes >= 1 else { throw .badOption("hashes must be at least 1, got \(hashes)") }
        guard bands >= 1, rows >= 1 else { throw .badOption("bands and rows must be at least 1") }
        guard bands * rows <= hashes else {
            throw .badOption("bands x rows (\(bands) x \(rows)) is more than hashes (\(hashes))")
        }
        guard threshold > 0, threshold <= 1 else { throw .badOption("threshold must be in (0, 1], got \(threshold)") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case threshold, hashes, bands, rows, seed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MinHashParameters()
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? d.threshold
        hashes = try c.decodeIfPresent(Int.self, forKey: .hashes) ?? d.hashes
        bands = try c.decodeIfPresent(Int.self, forKey: .bands) ?? d.bands
        rows = try c.decodeIfPresent(Int.self, forKey: .rows) ?? d.rows
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }
}

private func pow1(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= base }
    return result
}

/// Computes MinHash signatures and band hashes. Permutation k is x -> a_k * x + b_k (mod 2^64)
/// with a_k odd, applied to shingle hashes that are already well mixed, so each k orders the
/// shingles independently enough; one multiply-add per shingle and hash keeps the hot loop
/// at about a nanosecond per value. Immutable: share one between workers.
public struct MinHasher: Sendable {
    public let parameters: MinHashParameters
    private let multipliers: [UInt64]
    private let addends: [UInt64]

    public init(_ parameters: MinHashParameters) {
        self.parameters = parameters
        var random = SplitMix64(seed: parameters.seed)
        var multipliers: [UInt64] = []
        var addends: [UInt64] = []
        for _ in 0..<parameters.hashes {
            multipliers.append(random.next() | 1)
            addends.append(random.next())
        }
        self.multipliers = multipliers
        self.addends = addends
    }

    /// Writes the signature of `shingles` (count: any) into `signature` (count: hashes).
    /// With no shingles every value stays UInt64.max.
    public func signature(of shingles: UnsafeBufferPointer<UInt64>, into signature: UnsafeMutableBufferPointer<UInt64>) {
        let k = parameters.hashes
        precondition(signature.count >= k, "signature buffer too small")
        // Hash-major order: each minimum stays in a register while the shingles (a few KB, in
        // L1 cache) stream past; shingle-major order loads and stores the signature per value.
        // Four hashes per pass give four independent compare chains, so the CPU overlaps them
        // instead of waiting on one chain's latency.
        multipliers.withUnsafeBufferPointer { a in
            addends.withUnsafeBufferPointer { b in
                var index = 0
                while index + 4 <= k {
                    let a0 = a[index], a1 = a[index + 1], a2 = a[index + 2], a3 = a[index + 3]
                    let b0 = b[index], b1 = b[index + 1], b2 = b[index + 2], b3 = b[index + 3]
                    var m0 = UInt64.max, m1 = UInt64.max, m2 = UInt64.max, m3 = UInt64.max
                    for x in shingles {
                        let v0 = a0 &* x &+ b0, v1 = a1 &* x &+ b1, v2 = a2 &* x &+ b2, v3 = a3 &* x &+ b3
                        m0 = v0 < m0 ? v0 : m0
                        m1 = v1 < m1 ? v1 : m1
                        m2 = v2 < m2 ? v2 : m2
                        m3 = v3 < m3 ? v3 : m3
                    }
                    signature[index] = m0
                    signature[index + 1] = m1
                    signature[index + 2] = m2
                    signature[index + 3] = m3
                    index += 4
                }
                while index < k {
                    let multiplier = a[index], addend = b[index]
                    var minimum = UInt64.max
                    for x in shingles {
                        let value = multiplier &* x &+ addend
                        minimum = value < minimum ? value : minimum
                    }
                    signature[index] = minimum
                    index += 1
                }
            }
        }
    }

    /// Writes one hash per band (count: bands) of a signature; band index is part of the hash so
    /// equal values in different bands never collide.
    public func bandHashes(of signature: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableBufferPointer<UInt64>) {
        let rows = parameters.rows
        for band in 0..<parameters.bands {
            var hash = Hash64.mix(UInt64(band), seed: parameters.seed)
            for row in 0..<rows { hash = Hash64.mix(hash ^ signature[band * rows + row], seed: UInt64(row)) }
            out[band] = hash
        }
    }

    /// The stored form of one signature value: its high 32 bits. Two different minima agree in
    /// them with probability 2^-32, which does not move an estimate; it halves the signature files.
    @inline(__always)
    public static func compact(_ value: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: value >> 32) }

    /// Number of positions where two stored signatures agree.
    public static func agreements(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
        var count = 0
        for index in 0..<min(a.count, b.count) where a[index] == b[index] { count += 1 }
        return count
    }
}
