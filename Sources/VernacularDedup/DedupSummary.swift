/// Which document of a duplicate cluster stays.
public enum KeepRule: String, Sendable, Codable, CaseIterable {
    /// The first in input order (files sorted by path, then line order).
    case first
    /// The one with the most characters (Unicode scalars); ties go to the first.
    case longest
    /// The one with the highest numeric `meta` score field; missing scores lose, ties go to the first.
    case score
}

/// What a dedup run did, for the `--json` summary and for tests.
public struct DedupSummary: Sendable, Codable, Equatable {
    public var stage: String
    public var shards = 0
    public var documentsIn = 0
    public var documentsKept = 0
    public var documentsRemoved = 0
    /// Groups of two or more documents (exact, near).
    public var clusters = 0
    /// Pairs that shared a band (near).
    public var candidatePairs = 0
    /// Candidate pairs whose signatures agreed enough to merge (near); pairs already in one
    /// cluster are not checked again, so this counts merges.
    public var verifiedPairs = 0
    public var rejectedPairs = 0
    /// Distinct lines found in at least K documents, and lines removed from documents (lines).
    public var repeatedLines = 0
    public var linesRemoved = 0
    /// Wall-clock seconds per stage, in order.
    public var seconds: [String: Double] = [:]

    public init(stage: String) { self.stage = stage }

    enum CodingKeys: String, CodingKey {
        case stage, shards, clusters, seconds
        case documentsIn = "documents_in", documentsKept = "documents_kept", documentsRemoved = "documents_removed"
        case candidatePairs = "candidate_pairs", verifiedPairs = "verified_pairs", rejectedPairs = "rejected_pairs"
        case repeatedLines = "repeated_lines", linesRemoved = "lines_removed"
    }
}

/// Measures a stage's wall time into the summary.
func timed<T>(_ name: String, _ summary: inout DedupSummary, _ body: () throws -> T) rethrows -> T {
    let start = ContinuousClock.now
    let result = try body()
    let elapsed = ContinuousClock.now - start
    summary.seconds[name] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return result
}
