/// Why a stage removed a document: a short stable code for counting (`too_short`,
/// `not_cantonese`) and an optional detail for people reading the dropped side output.
public struct DropReason: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let code: String
    public let detail: String?

    public init(_ code: String, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail.map { "\(code): \($0)" } ?? code }
}

/// What a stage decided about one document.
public enum Verdict: Sendable, Equatable {
    case keep
    case drop(DropReason)
}

/// Counts a stage keeps beside keep/drop, such as how many characters a normaliser changed.
/// Names are the keys of the stats file, so they are strings.
public struct StageCounters: Sendable, Equatable {
    public private(set) var values: [String: Int] = [:]
    public init() {}
    public mutating func add(_ name: String, _ amount: Int = 1) {
        if amount != 0 { values[name, default: 0] += amount }
    }
    public mutating func merge(_ other: StageCounters) {
        for (name, amount) in other.values { values[name, default: 0] += amount }
    }
}

/// One step of a pipeline. A stage sees each document of a shard in order, may rewrite it in
/// place, and keeps or drops it. Stages are values shared by all workers, so they hold no
/// mutable state; per-shard tallies go into `counters`.
///
/// Stages that need the whole corpus (deduplication, n-gram models) run as their own commands
/// over the shards this runner writes, not as per-document stages.
public protocol Stage: Sendable {
    /// The name used in pipeline files and stats (`normalize`, `langid`).
    var name: String { get }
    func process(_ document: inout Document, counters: inout StageCounters) throws -> Verdict
}
