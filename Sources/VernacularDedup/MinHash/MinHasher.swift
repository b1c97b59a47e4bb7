import CMinHash
import VernacularCore

/// MinHash LSH settings. Signatures have `hashes` values; LSH cuts the first `bands * rows` of
/// them into `bands` bands of `rows`, and two documents become a candidate pair when any band
/// matches exactly: P(candidate | Jaccard J) = 1 - (1 - J^rows)^bands, the S-curve.
///
/// The defaults (24 bands x 4 rows, 96 hashes) put the curve's steep part well below the 0.7
/// threshold, so pairs at the threshold are almost never missed; every candidate is then checked
/// by the exact Jaccard of the two shingle sets (`Verification.exact`), which removes the extra
/// candidates the low rows let through, so precision does not depend on the curve:
///
///     J             0.30   0.40   0.50   0.60   0.65   0.68   0.70   0.75   0.80
///     P(candidate)  0.177  0.463  0.788  0.964  0.991  0.997  0.9986 0.9999 1.000
///
/// The earlier 25 x 5 (125 hashes) gave 0.990 at J = 0.7 and 0.954 at 0.65 from more hashes;
/// FineWeb-2's 14 x 8 (datatrove) gives 0.565 at J = 0.7 and 0.924 at 0.8, with no verification.
public struct MinHashParameters: Sendable, Equatable, Codable {
    /// Jaccard similarity at or above which two documents are duplicates.
    public var threshold: Double = 0.7
    /// Signature length; `bands * rows` by default. More only helps `Verification.signature`.
    public var hashes: Int = 96
    /// 24 x 4: P(candidate) >= 0.998 at J = 0.7 (the table above).
    public var bands: Int = 24
    public var rows: Int = 4
    /// Seeds the hash coefficients: signatures from runs with different seeds do not compare.
    public var seed: UInt64 = 20_261_127

    public init(threshold: Double = 0.7, hashes: Int = 96, bands: Int = 24, rows: Int = 4, seed: UInt64 = 20_261_127) {
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
/// shingles independently enough; one multiply-add per shingle and hash. The signature loop runs
/// in a vector kernel (`Sources/CMinHash`: AVX-512, AVX2 or scalar, picked for the CPU at run
/// time), which gives exactly the values of the Swift reference loop below. Immutable: share one
/// between workers.
public struct MinHasher: Sendable {
    public let parameters: MinHashParameters
    private let multipliers: [UInt64]
    private let addends: [UInt64]
    /// The kernel `signature(of:into:)` uses.
    public let kernel: SignatureKernel

    public init(_ parameters: MinHashParameters, kernel: SignatureKernel = .best) {
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
        self.kernel = kernel.isSupported ? kernel : .scalar
    }

    /// Writes the signature of `shingles` (count: S, any) into `signature` (count: hashes).
    /// With no shingles every value stays UInt64.max.
    public func signature(of shingles: UnsafeBufferPointer<UInt64>, into signature: UnsafeMutableBufferPointer<UInt64>) {
        let k = parameters.hashes
        precondition(signature.count >= k, "signature buffer too small")
        guard let out = signature.baseAddress else { return }
        multipliers.withUnsafeBufferPointer { a in
            addends.withUnsafeBufferPointer { b in
                // An empty buffer may have no address; the kernel reads nothing when S = 0.
                vern_minhash_signature(kernel.rawValue, shingles.baseAddress ?? UnsafePointer(out), shingles.count,
                                       a.baseAddress!, b.baseAddress!, k, out)
            }
        }
    }

    /// The reference the kernels are tested against, and what they compute: the plain Swift loop.
    public func referenceSignature(of shingles: UnsafeBufferPointer<UInt64>, into signature: UnsafeMutableBufferPointer<UInt64>) {
        let k = parameters.hashes
        precondition(signature.count >= k, "signature buffer too small")
        for index in 0..<k {
            let multiplier = multipliers[index], addend = addends[index]
            var minimum = UInt64.max
            for x in shingles {
                let value = multiplier &* x &+ addend
                minimum = value < minimum ? value : minimum
            }
            signature[index] = minimum
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

/// Which signature loop runs: the vector kernels give exactly the scalar values, only faster.
public enum SignatureKernel: Int32, Sendable, CaseIterable {
    case scalar = 0
    /// x86-64 AVX2 (four 64-bit lanes, the multiply built from 32-bit ones).
    case avx2 = 1
    /// x86-64 AVX-512 F+DQ (eight lanes, native 64-bit multiply and unsigned min).
    case avx512 = 2

    /// The fastest kernel this CPU runs.
    public static var best: SignatureKernel { SignatureKernel(rawValue: vern_minhash_best_kernel()) ?? .scalar }

    public var isSupported: Bool { vern_minhash_kernel_supported(rawValue) != 0 }

    public var name: String { String(cString: vern_minhash_kernel_name(rawValue)) }
}
