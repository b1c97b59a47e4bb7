import Foundation

/// Trains an interpolated modified Kneser-Ney model (Chen & Goodman 1998, as kenlm's lmplz does)
/// over character tokens, and returns it in backoff (ARPA) form.
///
/// Counts: the highest order and n-grams starting with `<s>` keep raw counts (nothing can stand
/// to their left); every other n-gram counts its distinct left extensions. Each order has three
/// discounts D1, D2, D3+ from its counts of counts; the mass they free, gamma(h), goes to the
/// next lower order, and the unigrams' share to a uniform distribution over the vocabulary plus
/// `<unk>`.
public struct KneserNeyTrainer: Sendable {
    public let order: Int
    var words: [String] = []
    var ids: [String: UInt32] = [:]
    /// counts[n - 1]: raw counts of order-n n-grams (order n < order only for `<s>`-led ones).
    var counts: [[NGram: Int]]
    let unknownID: UInt32, startID: UInt32, endID: UInt32

    public init(order: Int = 5) throws {
        guard (1...NGram.maxOrder).contains(order) else { throw LanguageModelError.badOrder(order) }
        self.order = order
        counts = Array(repeating: [:], count: order)
        unknownID = 0; startID = 1; endID = 2
        for w in [CharacterTokens.unknown, CharacterTokens.sentenceStart, CharacterTokens.sentenceEnd] { _ = intern(w) }
    }

    private mutating func intern(_ w: String) -> UInt32 {
        if let id = ids[w] { return id }
        words.append(w)
        ids[w] = UInt32(words.count - 1)
        return UInt32(words.count - 1)
    }

    /// Counts the sentences of one document.
    public mutating func add(_ text: String) {
        var seq: [UInt32] = []
        for sentence in CharacterTokens.sentences(text) {
            seq.removeAll(keepingCapacity: true)
            seq.append(startID)
            for token in sentence { seq.append(intern(String(token))) }
            seq.append(endID)
            for i in 1..<seq.count {
                let lo = max(0, i - order + 1)
                counts[i - lo][NGram(seq[lo...i]), default: 0] += 1
            }
        }
    }

    /// Discounts D1, D2, D3+ from counts of counts t1...t4. Tiny corpora can leave a t at zero or
    /// a discount outside (0, k]; lmplz stops there, we fall back to 0.5/1.0/1.5 so a small
    /// language pack sample still trains (and say so in `Model.fallbackOrders`).
    static func discounts(_ values: Dictionary<NGram, Int>.Values) -> (d: [Double], fallback: Bool) {
        var t = [Double](repeating: 0, count: 5)
        for v in values where v <= 4 { t[v] += 1 }
        let fallback = [0.5, 1.0, 1.5]
        guard t[1] > 0, t[2] > 0, t[3] > 0, t[4] > 0 else { return (fallback, true) }
        let y = t[1] / (t[1] + 2 * t[2])
        let d = [1 - 2 * y * t[2] / t[1], 2 - 3 * y * t[3] / t[2], 3 - 4 * y * t[4] / t[3]]
        for (k, dk) in d.enumerated() where !(dk > 0 && dk <= Double(k + 1)) { return (fallback, true) }
        return (d, false)
    }

    /// The trained model and the orders whose discounts fell back to defaults.
    public struct Result: Sendable {
        public let model: ARPAModel
        public let fallbackOrders: [Int]
    }

    public func train() throws -> Result {
        guard counts.contains(where: { !$0.isEmpty }) else { throw LanguageModelError.noText }
        // Adjusted counts, top down: each distinct n-gram adds one left extension to its suffix.
        var adjusted = counts
        if order > 1 {
            for n in stride(from: order, through: 2, by: -1) {
                for key in adjusted[n - 1].keys { adjusted[n - 2][key.suffix, default: 0] += 1 }
            }
        }
        var logProb = [NGram: Double](), probability = [NGram: Double]()
        var gammas = [NGram: Double]()
        var fallbackOrders: [Int] = []
        let vocabularySize = Double(adjusted[0].count + 1)   // + <unk>; <s> is never predicted
        for n in 1...order {
            let (d, fellBack) = Self.discounts(adjusted[n - 1].values)
            if fellBack { fallbackOrders.append(n) }
            func discount(_ c: Int) -> Double { d[min(c, 3) - 1] }
            // Per context: total count and the mass freed by discounting.
            var total = [NGram: Double](), freed = [NGram: Double]()
            for (key, c) in adjusted[n - 1] {
                let h = key.context
                total[h, default: 0] += Double(c)
                freed[h, default: 0] += discount(c)
            }
            for (h, t) in total { gammas[h] = freed[h]! / t }
            for (key, c) in adjusted[n - 1] {
                let h = key.context
                let lower: Double
                if n == 1 {
                    lower = 1 / vocabularySize
                } else {
                    guard let p = probability[key.suffix] else {
                        throw LanguageModelError.malformed(path: "<training>", line: 0, reason: "internal: missing lower-order n-gram")
                    }
                    lower = p
                }
                let p = (Double(c) - discount(c)) / total[h]! + gammas[h]! * lower
                probability[key] = p
                logProb[key] = log10(p)
            }
        }
        var entries = [NGram: ARPAModel.Entry]()
        for (key, lp) in logProb {
            let g = key.count < order ? gammas[key] : nil
            entries[key] = .init(logProb: lp, backoff: g.map { log10($0) } ?? 0)
        }
        // <s> is context only: lmplz writes it with log10 p = -99 and its backoff.
        entries[NGram([startID])] = .init(logProb: -99, backoff: order > 1 ? (gammas[NGram([startID])].map { log10($0) } ?? 0) : 0)
        let empty = NGram([UInt32]())
        entries[NGram([unknownID])] = .init(logProb: log10((gammas[empty] ?? 0) / vocabularySize), backoff: 0)
        return Result(model: try ARPAModel(order: order, words: words, entries: entries), fallbackOrders: fallbackOrders)
    }
}
