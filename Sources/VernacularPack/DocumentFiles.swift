import VernacularCore

/// The JSON Lines files that inputs name. A file named outright is always taken; from folders and
/// globs only `.jsonl`/`.ndjson` files (optionally .gz/.zst) are, so the reports that every `vern`
/// stage leaves beside its shards (ingest-report.json, stats) are not read as documents.
public enum DocumentFiles {
    public static func expand(_ inputs: [String]) throws -> [String] {
        let named = Set(inputs)
        return try ShardPlanner.expand(inputs).filter { path in
            if named.contains(path) { return true }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return name.contains(".jsonl") || name.contains(".ndjson")
        }
    }
}
