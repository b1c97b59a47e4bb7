/// The kinds of task `vern eval` runs: each names a file format and how items are scored.
public enum TaskKind: String, Sendable, Codable, CaseIterable {
    /// Yue-Benchmark JSON (`question, A, B, C, D, answer`), scored by log-likelihood.
    case mcYueBenchmark = "mc-yue-benchmark"
    /// HKCanto-Eval CSV without header (`question, A, B, C, D[, E], answer`), dev rows as shots.
    case mcHKCanto = "mc-hkcanto"
    /// JSON Lines `{"question", "choices": [...], "answer": index}`.
    case mcJSONL = "mc-jsonl"
    /// Perplexity, bits per byte and bits per character of text files or document shards.
    case perplexity = "ppl"
    /// Questions whose answer is a number after `####`: greedy generation, last number compared.
    case generateMath = "gen-math"
    /// Parallel text: greedy translation scored by chrF and BLEU on characters for Han text.
    case generateTranslate = "gen-translate"
    /// Prompts answered in the chat format; each answer labelled yue / zh / en / mixed.
    case answerLanguage = "answer-language"
    /// Cantonese prompts with English terms: the share of answers that keep the terms as written.
    case codeSwitch = "code-switch"

    /// Multiple choice kinds, scored by comparing the log-likelihoods of the choices.
    public var isMultipleChoice: Bool {
        switch self {
        case .mcYueBenchmark, .mcHKCanto, .mcJSONL: return true
        default: return false
        }
    }
}
