import Foundation
import Testing
import VernacularCore
@testable import VernacularDedup

/// A random Han text and a copy with characters substituted at random places until the exact
/// character-5-gram Jaccard of the two lies in `range`: the edit a repost with typos makes.
/// Random characters from the 20,992 basic CJK ideographs make chance 5-gram matches negligible.
func pairNear(_ range: ClosedRange<Double>, length: Int, random: inout SplitMix64) -> (String, String, Double)? {
    let han = { (random: inout SplitMix64) in Unicode.Scalar(UInt32(0x4E00 + random.next() % 20_992))! }
    let original = (0..<length).map { _ in han(&random) }
    // One fixed order of edits, so Jaccard only falls as more of them apply: a binary search on
    // their count finds one inside the range when the range is not too narrow.
    let edits = (0..<length).map { _ in (Int(random.next() % UInt64(length)), han(&random)) }
    let shingler = Shingler(ShingleOptions())
    let originalSet = shingler.shingleSet(String(String.UnicodeScalarView(original)))
    func copy(_ count: Int) -> (String, Double) {
        var scalars = original
        for (position, scalar) in edits.prefix(count) { scalars[position] = scalar }
        let text = String(String.UnicodeScalarView(scalars))
        return (text, Shingler.jaccard(originalSet, shingler.shingleSet(text)))
    }
    var low = 0, high = length
    while low <= high {
        let middle = (low + high) / 2
        let (text, jaccard) = copy(middle)
        if range.contains(jaccard) { return (String(String.UnicodeScalarView(original)), text, jaccard) }
        if jaccard > range.upperBound { low = middle + 1 } else { high = middle - 1 }
    }
    return nil
}

@Suite struct SignatureKernelTests {
    @Test func everyKernelGivesTheReferenceSignature() {
        var random = SplitMix64(seed: 42)
        let kernels = SignatureKernel.allCases.filter(\.isSupported)
        #expect(kernels.contains(.scalar))
        // Hash counts around the kernels' block widths (4, 8, 32) and the defaults; shingle
        // counts from none to a long document.
        for hashes in [1, 3, 4, 7, 8, 9, 31, 32, 33, 40, 64, 96, 125, 200] {
            let parameters = MinHashParameters(hashes: hashes, bands: 1, rows: 1, seed: random.next())
            let reference = MinHasher(parameters, kernel: .scalar)
            for count in [0, 1, 2, 5, 77, 1500] {
                // Values near 0 and 2^64 - 1 as well as random ones: the AVX2 kernel's signed
                // compare and split multiply must not care.
                let shingles = (0..<count).map { index -> UInt64 in
                    switch index % 7 {
                    case 0: return random.next() >> 40
                    case 1: return UInt64.max - (random.next() >> 40)
                    default: return random.next()
                    }
                }
                var expected = [UInt64](repeating: 0, count: hashes)
                shingles.withUnsafeBufferPointer { s in expected.withUnsafeMutableBufferPointer { reference.referenceSignature(of: s, into: $0) } }
                if count == 0 { #expect(expected.allSatisfy { $0 == .max }) }
                for kernel in kernels {
                    let hasher = MinHasher(parameters, kernel: kernel)
                    var signature = [UInt64](repeating: 0, count: hashes)
                    shingles.withUnsafeBufferPointer { s in signature.withUnsafeMutableBufferPointer { hasher.signature(of: s, into: $0) } }
                    #expect(signature == expected, "\(kernel.name), \(hashes) hashes, \(count) shingles")
                }
            }
        }
    }

    @Test func theBestKernelIsTheDefault() {
        #expect(MinHasher(MinHashParameters()).kernel == SignatureKernel.best)
        #expect(SignatureKernel.best.isSupported)
    }
}

@Suite struct ThresholdTests {
    /// Pairs at J 0.70-0.72 (just above the default threshold) and 0.48-0.52, each pair its own
    /// random characters. Seeded, so the outcome is fixed; the bounds leave room for any seed.
    func pairs(_ count: Int, in range: ClosedRange<Double>, seed: UInt64) -> [(String, String, Double)] {
        var random = SplitMix64(seed: seed)
        var result: [(String, String, Double)] = []
        while result.count < count {
            if let pair = pairNear(range, length: 150 + Int(random.next() % 350), random: &random) { result.append(pair) }
        }
        return result
    }

    @Test func defaultsCatchPairsAtTheThresholdAndVerificationRejectsPairsAtOneHalf() throws {
        let close = pairs(300, in: 0.70...0.72, seed: 7)
        let far = pairs(100, in: 0.48...0.52, seed: 8)
        var documents: [Document] = []
        for (index, (original, copy, _)) in (close + far).enumerated() {
            let label = index < close.count ? "close" : "far"
            documents.append(Document(id: "\(label)\(index)-a", text: original, source: "t"))
            documents.append(Document(id: "\(label)\(index)-b", text: copy, source: "t"))
        }
        let folder = try TestFolder()
        try folder.writeDocuments("in.jsonl", documents)
        let summary = try NearDedup(workspace: DedupWorkspace(inputs: [folder.file("in.jsonl")], output: folder.file("out")),
                                    options: NearDedupOptions()).run(workers: 2)
        let removed = try keptAndRemoved(folder.file("out")).removed
        let caught = removed.filter { $0.id.hasPrefix("close") }
        // 24 x 4 makes a pair at J = 0.70 a candidate with probability 0.9986, so about 0.4 of
        // 300 are expected to be missed; 6 would be far outside chance (and 25 x 5 misses ~3,
        // 14 x 8 about 130).
        #expect(caught.count >= 294, "\(caught.count) of 300 pairs at J 0.70-0.72 caught")
        #expect(caught.allSatisfy { $0.duplicateOf == $0.id.replacingOccurrences(of: "-b", with: "-a") })
        // Most pairs at 0.5 do become candidates (P = 0.79): exact Jaccard rejects every one.
        #expect(!removed.contains { $0.id.hasPrefix("far") })
        #expect(summary.rejectedPairs >= 60, "\(summary.rejectedPairs) candidate pairs rejected")
    }

    @Test func exactJaccardRejectsACandidatePairBelowTheThreshold() throws {
        // A pair at J ~0.6 that shares a band: an LSH candidate the threshold must not merge.
        let options = NearDedupOptions()
        let hasher = MinHasher(options.minHash)
        let shingler = Shingler(options.shingles)
        func bands(_ text: String) -> [UInt64] {
            shingler.shingle(text)
            var signature = [UInt64](repeating: 0, count: options.minHash.hashes)
            var bands = [UInt64](repeating: 0, count: options.minHash.bands)
            shingler.shingles.withUnsafeBufferPointer { s in signature.withUnsafeMutableBufferPointer { hasher.signature(of: s, into: $0) } }
            signature.withUnsafeBufferPointer { s in bands.withUnsafeMutableBufferPointer { hasher.bandHashes(of: s, into: $0) } }
            return bands
        }
        let (original, copy, jaccard) = try #require(pairs(20, in: 0.58...0.62, seed: 9).first { zip(bands($0.0), bands($0.1)).contains { $0 == $1 } })
        #expect(jaccard < options.minHash.threshold)
        let folder = try TestFolder()
        try folder.writeDocuments("in.jsonl", [Document(id: "a", text: original, source: "t"), Document(id: "b", text: copy, source: "t")])
        for verification in Verification.allCases {
            let output = folder.file("out-\(verification.rawValue)")
            let summary = try NearDedup(workspace: DedupWorkspace(inputs: [folder.file("in.jsonl")], output: output),
                                        options: NearDedupOptions(verification: verification)).run(workers: 1)
            #expect(summary.candidatePairs >= 1)
            #expect(summary.rejectedPairs >= 1, "\(verification)")
            #expect(try keptAndRemoved(output).removed.isEmpty, "\(verification)")
        }
        // With the threshold at 0.55 the same pair merges: it was the check that said no.
        let low = NearDedupOptions(minHash: MinHashParameters(threshold: 0.55))
        let summary = try NearDedup(workspace: DedupWorkspace(inputs: [folder.file("in.jsonl")], output: folder.file("low")),
                                    options: low).run(workers: 1)
        #expect(summary.verifiedPairs == 1)
    }
}
