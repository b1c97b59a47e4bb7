import Foundation
import VernacularLangID

/// A task's figures from its item records.
enum TaskMetrics {
    static func compute(kind: TaskKind, records: [ItemRecord]) -> (metrics: [String: Double], subjects: [SubjectResult]) {
        guard !records.isEmpty else { return ([:], []) }
        let n = Double(records.count)
        switch kind {
        case .mcYueBenchmark, .mcHKCanto, .mcJSONL:
            var bySubject: [String: [ItemRecord]] = [:]
            for record in records { bySubject[record.subject ?? "", default: []].append(record) }
            let subjects = bySubject.keys.sorted().map { subject -> SubjectResult in
                let items = bySubject[subject]!
                return SubjectResult(subject: subject, items: items.count, acc: accuracy(items), accNorm: normalisedAccuracy(items))
            }
            // acc and acc_norm over all items are the size-weighted means of the subjects'; the
            // macro mean weighs every subject the same.
            return (["acc": accuracy(records), "acc_norm": normalisedAccuracy(records),
                     "acc_macro": subjects.map(\.acc).reduce(0, +) / Double(subjects.count)], subjects)
        case .perplexity:
            let nll = records.compactMap(\.negativeLogLikelihood).reduce(0, +)
            let tokens = Double(records.compactMap(\.tokens).reduce(0, +))
            let bytes = Double(records.compactMap(\.bytes).reduce(0, +))
            let chars = Double(records.compactMap(\.chars).reduce(0, +))
            return (["token_perplexity": exp(nll / max(tokens, 1)), "bits_per_byte": nll / log(2) / max(bytes, 1),
                     "bits_per_char": nll / log(2) / max(chars, 1), "tokens": tokens, "chars": chars], [])
        case .generateMath:
            return (["exact_match": accuracy(records)], [])
        case .generateTranslate:
            let hypotheses = records.map { $0.output ?? "" }
            let references = records.map { $0.reference ?? "" }
            return (["chrf": TranslationScores.chrF(hypotheses: hypotheses, references: references),
                     "bleu": TranslationScores.bleu(hypotheses: hypotheses, references: references)], [])
        case .answerLanguage:
            var metrics: [String: Double] = [:]
            for label in LangIDLabel.allCases {
                metrics["share_\(label.rawValue)"] = Double(records.filter { $0.language == label.rawValue }.count) / n
            }
            return (metrics, [])
        case .codeSwitch:
            let asked = records.map { $0.terms?.count ?? 0 }.reduce(0, +)
            let kept = records.map { $0.keptTerms?.count ?? 0 }.reduce(0, +)
            return (["kept_all_share": accuracy(records), "term_kept_rate": Double(kept) / Double(max(asked, 1))], [])
        }
    }

    static func accuracy(_ records: [ItemRecord]) -> Double {
        Double(records.filter { $0.correct == true }.count) / Double(max(records.count, 1))
    }

    static func normalisedAccuracy(_ records: [ItemRecord]) -> Double {
        Double(records.filter { $0.predictionNorm != nil && $0.predictionNorm == $0.gold }.count) / Double(max(records.count, 1))
    }

    static func method(_ kind: TaskKind) -> String {
        switch kind {
        case .mcYueBenchmark, .mcHKCanto, .mcJSONL:
            return "log-likelihood of each choice letter after the prompt (lm-evaluation-harness MMLU convention), not generation"
        case .perplexity: return "strided windows, every token scored once (vern perplexity)"
        case .generateMath: return "greedy generation; the last number compared with the one after #### within 1e-5"
        case .generateTranslate: return "greedy generation; corpus chrF (char 6-grams, beta 2) and BLEU on characters for Han text"
        case .answerLanguage: return "greedy answer in the chat format, labelled by vern's langID"
        case .codeSwitch: return "greedy answer in the chat format; English terms kept exactly as written"
        }
    }
}
