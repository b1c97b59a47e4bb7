/// The whole near-duplicate computation on documents held in memory, for small inputs and as
/// the reference the on-disk stages are tested against: same shingles, signatures, candidate
/// pairs (each band bucket's first document with each later one), verification and keep rule.
public struct InMemoryNearDedup: Sendable {
    public let options: NearDedupOptions
    public let hasher: MinHasher

    public init(options: NearDedupOptions) throws {
        try options.minHash.validate()
        self.options = options
        hasher = MinHasher(options.minHash)
    }

    /// One result per input text: the index of the document it duplicates (nil when kept) and
    /// the size of its cluster. `lengths` and `scores` feed the `longest` and `score` keep rules.
    public func clusters(texts: [String], scores: [Float]? = nil) -> [(duplicateOf: Int?, clusterSize: Int)] {
        let parameters = options.minHash
        let shingler = Shingler(options.shingles)
        // Per document: the sorted shingle set (exact verification) or the compact signature.
        var signatures: [[UInt32]] = []
        var buckets = [[UInt64: Int]](repeating: [:], count: parameters.bands)
        var pairs: [(Int, Int)] = []
        var signature = [UInt64](repeating: 0, count: parameters.hashes)
        var bandHashes = [UInt64](repeating: 0, count: parameters.bands)
        for (index, text) in texts.enumerated() {
            let count = shingler.shingle(text)
            signature.withUnsafeMutableBufferPointer { out in
                shingler.shingles.withUnsafeBufferPointer { hasher.signature(of: $0, into: out) }
            }
            if options.verification == .exact {
                var set: [UInt32] = [], scratch: [UInt32] = []
                NearDedup.shingleSet(shingler.shingles, into: &set, scratch: &scratch)
                signatures.append(set)
            } else {
                signatures.append(signature.map(MinHasher.compact))
            }
            guard count > 0 else { continue }
            bandHashes.withUnsafeMutableBufferPointer { out in
                signature.withUnsafeBufferPointer { hasher.bandHashes(of: $0, into: out) }
            }
            for band in 0..<parameters.bands {
                if let anchor = buckets[band][bandHashes[band]] {
                    pairs.append((anchor, index))
                } else {
                    buckets[band][bandHashes[band]] = index
                }
            }
        }
        var sets = UnionFind(count: texts.count)
        for (a, b) in pairs where sets.find(a) != sets.find(b) {
            let accepted = signatures[a].withUnsafeBufferPointer { x in
                signatures[b].withUnsafeBufferPointer { y in
                    options.verification == .exact ? NearDedup.jaccard(x, y) >= parameters.threshold
                        : MinHasher.agreements(x, y) >= parameters.requiredAgreements
                }
            }
            if accepted { sets.union(a, b) }
        }
        var keeper: [Int: Int] = [:]
        var size: [Int: Int] = [:]
        for index in texts.indices {
            let root = sets.find(index)
            size[root, default: 0] += 1
            guard let current = keeper[root] else {
                keeper[root] = index
                continue
            }
            let better: Bool
            switch options.keep {
            case .first: better = false
            case .longest: better = texts[index].unicodeScalars.count > texts[current].unicodeScalars.count
            case .score: better = (scores?[index] ?? -.infinity) > (scores?[current] ?? -.infinity)
            }
            if better { keeper[root] = index }
        }
        return texts.indices.map { index in
            let root = sets.find(index)
            let kept = keeper[root]!
            return (kept == index ? nil : kept, size[root]!)
        }
    }
}
