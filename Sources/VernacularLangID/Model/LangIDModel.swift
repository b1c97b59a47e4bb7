import Foundation

/// A multinomial logistic regression over hashed character n-grams and lexicon features
/// (see `FeatureExtractor` for the feature layout), with a softmax temperature fitted on
/// held-out data so that scores are calibrated probabilities.
///
/// Shapes: C = classes (`labels.count`), D = `dimension` = B + M + X.
/// `weights` is (D, C), feature-major, so one feature's C weights share a cache line.
public struct LangIDModel: Sendable {
    /// The classes the model scores, in weight-column order.
    public let labels: [LangIDLabel]
    public let hashBits: Int
    public let maxN: Int
    public let markers: [LexiconMarker]
    /// Logits are divided by this before the softmax (fitted by `LangIDTrainer`).
    public internal(set) var temperature: Float
    /// (D, C) feature-major.
    var weights: [Float]
    let extractor: FeatureExtractor

    /// Feature-space size D.
    public var dimension: Int { extractor.dimension }

    /// A zero model: every class equally likely. Training starts here.
    public init(labels: [LangIDLabel], hashBits: Int, maxN: Int, markers: [LexiconMarker]) throws(LangIDError) {
        guard !labels.isEmpty, Set(labels).count == labels.count else {
            throw .noTrainingData(reason: "the model needs distinct labels, got \(labels.map(\.rawValue))")
        }
        guard (8...24).contains(hashBits), (1...6).contains(maxN) else {
            throw .noTrainingData(reason: "hash_bits must be 8...24 and max_n 1...6 (got \(hashBits), \(maxN))")
        }
        self.labels = labels
        self.hashBits = hashBits
        self.maxN = maxN
        self.markers = markers
        self.temperature = 1
        self.extractor = FeatureExtractor(hashBits: hashBits, maxN: maxN, markers: markers)
        self.weights = [Float](repeating: 0, count: extractor.dimension * labels.count)
    }

    /// Raw logits for an extracted feature buffer, written into `logits` (C entries).
    @inline(__always)
    func logits(_ features: FeatureBuffer, into logits: inout [Float]) {
        let c = labels.count
        for k in 0..<c { logits[k] = 0 }
        weights.withUnsafeBufferPointer { w in
            logits.withUnsafeMutableBufferPointer { out in
                let v = features.ngramValue
                for index in features.ngrams {
                    let row = Int(index) * c
                    for k in 0..<c { out[k] += w[row + k] * v }
                }
                for index in features.extras {
                    let row = Int(index) * c
                    for k in 0..<c { out[k] += w[row + k] }
                }
            }
        }
    }

    /// Softmax of logits / temperature, in place.
    @inline(__always)
    static func softmax(_ values: inout [Float], temperature: Float) {
        var top = -Float.infinity
        for v in values { top = max(top, v) }
        var sum: Float = 0
        for k in values.indices {
            values[k] = ((values[k] - top) / temperature).exp
            sum += values[k]
        }
        for k in values.indices { values[k] /= sum }
    }
}

extension Float {
    /// e^self via Foundation's `expf`, without going through Double.
    @inline(__always)
    var exp: Float { Foundation.exp(self) }
}
