import Foundation
import VernacularCore
import VernacularDedup

/// A `vern dedup` output folder: the kept shards, removed.jsonl (one `{"id", "duplicate_of",
/// "stage"}` per removed document) and, when saved, the `--json` summary.
public struct DedupFolder: Sendable {
    public let path: String
    public let documentFiles: [String]
    /// Removed documents per dedup stage (exact, near, lines).
    public let removedByStage: [String: Int]
    public let removed: Int
    /// Distinct documents that others were found to duplicate.
    public let clusters: Int
    public let summary: DedupSummary?

    /// `summaryPath`: the saved `vern dedup ... --json` output; `DIR/summary.json` is read when
    /// it exists and no path is given.
    public init(path: String, summaryPath: String? = nil) throws {
        self.path = path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        documentFiles = names.filter { $0.hasPrefix("shard-") && $0.contains(".jsonl") }.sorted().map { path + "/" + $0 }
        guard !documentFiles.isEmpty else {
            throw ReleaseError(path: path, message: "not a `vern dedup` output folder: no shard-*.jsonl* files")
        }
        let removedPath = path + "/removed.jsonl"
        guard FileManager.default.fileExists(atPath: removedPath) else {
            throw ReleaseError(path: path, message: "not a `vern dedup` output folder: removed.jsonl is missing")
        }
        var byStage: [String: Int] = [:]
        var originals = Set<String>()
        var count = 0
        let reader = LineReader(source: try FileByteSource.open(path: removedPath), path: removedPath)
        while let entry = try reader.nextLine({ bytes -> JSONObject? in
            if bytes.isEmpty { return nil }
            guard case .object(let object)? = try? JSONParser.parse(bytes) else {
                throw ReleaseError(path: removedPath, record: reader.lineNumber, message: "not a JSON object")
            }
            return object
        }) {
            guard let entry else { continue }
            guard entry["id"]?.stringValue != nil, let original = entry["duplicate_of"]?.stringValue else {
                throw ReleaseError(path: removedPath, record: reader.lineNumber, message: "expected string fields 'id' and 'duplicate_of'")
            }
            byStage[entry["stage"]?.stringValue ?? "dedup", default: 0] += 1
            originals.insert(original)
            count += 1
        }
        removedByStage = byStage
        removed = count
        clusters = originals.count
        let summaryFile = summaryPath ?? (FileManager.default.fileExists(atPath: path + "/summary.json") ? path + "/summary.json" : nil)
        summary = try summaryFile.map { try PipelineRunFolder.decode(DedupSummary.self, from: $0) }
    }
}
