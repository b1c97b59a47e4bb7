import VernacularCore

/// What can go wrong in deduplication, with the file and record where there is one.
public enum DedupError: Error, Sendable, CustomStringConvertible, Equatable {
    case badOption(String)
    /// A record that cannot be deduplicated as asked (for example a non-numeric score field).
    case badRecord(file: String, line: Int, message: String)
    /// The work folder is missing a file an earlier stage should have written, or holds one of
    /// the wrong size: a stage ran out of order or a previous run was cut short.
    case badWorkFolder(path: String, message: String)

    public var description: String {
        switch self {
        case .badOption(let message): return "bad option: \(message)"
        case .badRecord(let file, let line, let message): return "\(file):\(line): \(message)"
        case .badWorkFolder(let path, let message): return "\(path): \(message)"
        }
    }
}
