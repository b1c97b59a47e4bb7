/// Counts for one stage over one or more shards. Every field sums, so shard stats merge into
/// run stats by addition in any order.
public struct StageStats: Sendable, Codable, Equatable {
    public var name: String
    public var documentsIn = 0
    public var documentsOut = 0
    public var bytesIn = 0
    public var bytesOut = 0
    /// Dropped documents per reason code.
    public var dropped: [String: Int] = [:]
    /// The stage's own counters (characters changed, and so on).
    public var counters: [String: Int] = [:]

    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey {
        case name, dropped, counters
        case documentsIn = "documents_in", documentsOut = "documents_out"
        case bytesIn = "bytes_in", bytesOut = "bytes_out"
    }

    public mutating func merge(_ other: StageStats) {
        documentsIn += other.documentsIn
        documentsOut += other.documentsOut
        bytesIn += other.bytesIn
        bytesOut += other.bytesOut
        for (reason, count) in other.dropped { dropped[reason, default: 0] += count }
        for (name, count) in other.counters { counters[name, default: 0] += count }
    }
}

/// Counts for a shard, or for a whole run after merging.
public struct RunStats: Sendable, Codable, Equatable {
    public var documentsRead = 0
    /// Bytes of input text read (decompressed).
    public var bytesRead = 0
    public var badRecords = 0
    public var documentsWritten = 0
    public var documentsDropped = 0
    public var stages: [StageStats]

    public init(stageNames: [String]) {
        stages = stageNames.map(StageStats.init(name:))
    }

    enum CodingKeys: String, CodingKey {
        case stages
        case documentsRead = "documents_read", bytesRead = "bytes_read", badRecords = "bad_records"
        case documentsWritten = "documents_written", documentsDropped = "documents_dropped"
    }

    public mutating func merge(_ other: RunStats) {
        documentsRead += other.documentsRead
        bytesRead += other.bytesRead
        badRecords += other.badRecords
        documentsWritten += other.documentsWritten
        documentsDropped += other.documentsDropped
        for (index, stage) in other.stages.enumerated() where index < stages.count {
            stages[index].merge(stage)
        }
    }
}
