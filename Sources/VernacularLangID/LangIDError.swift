import Foundation

/// What can go wrong reading models, packs and training files, with enough context to fix it.
public enum LangIDError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case badModelFile(path: String, reason: String)
    case badTrainingLine(file: String, line: Int, reason: String)
    case noTrainingData(reason: String)
    case invalidMarker(String, reason: String)
    case badPack(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "\(path): cannot read: \(reason)"
        case .badModelFile(let path, let reason): return "\(path): not a usable language-ID model: \(reason)"
        case .badTrainingLine(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .noTrainingData(let reason): return "cannot train: \(reason)"
        case .invalidMarker(let marker, let reason): return "lexicon marker '\(marker)': \(reason)"
        case .badPack(let path, let reason): return "\(path): \(reason)"
        }
    }
}
