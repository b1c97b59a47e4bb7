import Foundation

/// A failure that stops an evaluation, naming the file and, where there is one, the item.
public struct EvalError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let item: String?
    public let message: String

    public init(file: String, item: String? = nil, _ message: String) {
        self.file = file
        self.item = item
        self.message = message
    }

    public var description: String {
        item.map { "\(file): item \($0): \(message)" } ?? "\(file): \(message)"
    }
}

/// An item a loader could not use (a missing option, an answer it cannot read, a repeated id).
/// It is reported in results.json and never scored.
public struct ItemProblem: Sendable, Codable, Equatable, CustomStringConvertible {
    public var file: String
    /// The item's id where it has one, else its position in the file ("#12", counted from 1).
    public var item: String
    public var reason: String

    public init(file: String, item: String, reason: String) {
        self.file = file
        self.item = item
        self.reason = reason
    }

    public var description: String { "\(file): item \(item): \(reason)" }
}
