import Foundation

/// Corpus-level chrF and BLEU, as sacrebleu defines them, with Han text split into characters.
public enum TranslationScores {
    /// chrF (sacrebleu's defaults: character n-grams 1-6, beta 2, whitespace removed): for each
    /// order the n-gram matches, hypothesis and reference counts are summed over the corpus; the
    /// score is 100 times the mean over orders of F-beta of that order's precision and recall.
    public static func chrF(hypotheses: [String], references: [String], order: Int = 6, beta: Double = 2) -> Double {
        var matches = [Int](repeating: 0, count: order)
        var hypothesisCounts = [Int](repeating: 0, count: order)
        var referenceCounts = [Int](repeating: 0, count: order)
        for (hypothesis, reference) in zip(hypotheses, references) {
            let h = Array(hypothesis.filter { !$0.isWhitespace })
            let r = Array(reference.filter { !$0.isWhitespace })
            for n in 1...order {
                let hGrams = ngrams(h, n), rGrams = ngrams(r, n)
                hypothesisCounts[n - 1] += hGrams.values.reduce(0, +)
                referenceCounts[n - 1] += rGrams.values.reduce(0, +)
                matches[n - 1] += hGrams.reduce(0) { $0 + Swift.min($1.value, rGrams[$1.key] ?? 0) }
            }
        }
        let factor = beta * beta
        var total = 0.0
        var orders = 0
        for n in 0..<order where hypothesisCounts[n] > 0 && referenceCounts[n] > 0 {
            let precision = Double(matches[n]) / Double(hypothesisCounts[n])
            let recall = Double(matches[n]) / Double(referenceCounts[n])
            let denominator = factor * precision + recall
            total += denominator > 0 ? (1 + factor) * precision * recall / denominator : 0
            orders += 1
        }
        return orders == 0 ? 0 : 100 * total / Double(orders)
    }

    /// Corpus BLEU (4-grams, uniform weights, brevity penalty, no smoothing) over `tokens`.
    public static func bleu(hypotheses: [String], references: [String], order: Int = 4) -> Double {
        var matches = [Int](repeating: 0, count: order)
        var totals = [Int](repeating: 0, count: order)
        var hypothesisLength = 0, referenceLength = 0
        for (hypothesis, reference) in zip(hypotheses, references) {
            let h = tokens(hypothesis), r = tokens(reference)
            hypothesisLength += h.count
            referenceLength += r.count
            for n in 1...order {
                let hGrams = ngrams(h, n), rGrams = ngrams(r, n)
                totals[n - 1] += Swift.max(h.count - n + 1, 0)
                matches[n - 1] += hGrams.reduce(0) { $0 + Swift.min($1.value, rGrams[$1.key] ?? 0) }
            }
        }
        guard hypothesisLength > 0, !matches.contains(0) else { return 0 }
        let logPrecision = zip(matches, totals).map { Foundation.log(Double($0) / Double($1)) }.reduce(0, +) / Double(order)
        let brevity = hypothesisLength < referenceLength ? Foundation.exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 1
        return 100 * brevity * Foundation.exp(logPrecision)
    }

    /// BLEU's tokens: every Han character (and CJK punctuation) alone, other text split at spaces
    /// with punctuation apart, as sacrebleu's `zh` tokenizer does.
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var word = ""
        func flush() { if !word.isEmpty { out.append(word); word = "" } }
        for character in text {
            if character.isWhitespace {
                flush()
            } else if isHanOrCJKPunctuation(character) || (character.isPunctuation && character.isASCII) {
                flush()
                out.append(String(character))
            } else {
                word.append(character)
            }
        }
        flush()
        return out
    }

    static func isHanOrCJKPunctuation(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    static func ngrams<T: Hashable>(_ units: [T], _ n: Int) -> [[T]: Int] {
        var counts: [[T]: Int] = [:]
        guard units.count >= n else { return counts }
        for start in 0...(units.count - n) { counts[Array(units[start..<(start + n)]), default: 0] += 1 }
        return counts
    }
}
