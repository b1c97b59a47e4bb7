/// A problem found before or during training, with what to do about it.
public enum TrainingError: Error, Sendable, CustomStringConvertible {
    case invalidOption(String)
    /// Bad training data: the file (and record) and what was wrong.
    case data(String)
    case tokenizerMismatch(String)
    /// A RUN_DIR that cannot be resumed or loaded.
    case run(String)

    public var description: String {
        switch self {
        case .invalidOption(let message): return message
        case .data(let message): return "training data: \(message)"
        case .tokenizerMismatch(let message): return "tokenizer: \(message)"
        case .run(let message): return "run folder: \(message)"
        }
    }
}
