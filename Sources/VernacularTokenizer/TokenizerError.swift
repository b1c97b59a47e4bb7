import Foundation

/// Why a tokenizer could not be built; every case names the file part or value at fault.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The tokenizer description is not valid JSON or lacks a required field.
    case malformed(String)
    /// A component (model, normalizer, pre-tokenizer, decoder, ...) of a kind this library does not implement.
    case unsupported(component: String, kind: String)
    /// A merge names a token that is not in the vocabulary.
    case unknownMergeToken(merge: String, index: Int)
    /// A token id (BOS, EOS, added token, ...) outside the vocabulary.
    case tokenIDOutOfRange(name: String, id: Int)

    public var description: String {
        switch self {
        case .malformed(let what): return "malformed tokenizer: \(what)"
        case .unsupported(let component, let kind): return "unsupported \(component): \(kind)"
        case .unknownMergeToken(let merge, let index): return "merge #\(index) '\(merge)' names a token missing from the vocabulary"
        case .tokenIDOutOfRange(let name, let id): return "\(name) id \(id) is outside the vocabulary"
        }
    }
}
