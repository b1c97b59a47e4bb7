import Foundation
import VernacularCore

/// Renders run statistics for people: one line per stage, then drop reasons and counters.
enum StatsTable {
    static func render(_ summary: RunSummary) -> String {
        let stats = summary.stats
        var lines: [String] = []
        lines.append("Run folder: \(summary.runFolder)")
        lines.append(String(format: "Shards: %d (%d run, %d resumed) in %.1f s", summary.shards, summary.shardsRun,
                            summary.shardsResumed, summary.seconds))
        lines.append("Read \(stats.documentsRead) documents (\(megabytes(stats.bytesRead))), "
            + "wrote \(stats.documentsWritten), dropped \(stats.documentsDropped), bad records \(stats.badRecords)")
        lines.append("")
        lines.append(pad("stage", 22) + pad("docs in", 12, right: true) + pad("docs out", 12, right: true)
            + pad("MB in", 10, right: true) + pad("MB out", 10, right: true))
        for stage in stats.stages {
            lines.append(pad(stage.name, 22) + pad("\(stage.documentsIn)", 12, right: true)
                + pad("\(stage.documentsOut)", 12, right: true)
                + pad(String(format: "%.2f", Double(stage.bytesIn) / 1e6), 10, right: true)
                + pad(String(format: "%.2f", Double(stage.bytesOut) / 1e6), 10, right: true))
            for (reason, count) in stage.dropped.sorted(by: { $0.key < $1.key }) {
                lines.append("    dropped \(reason): \(count)")
            }
            for (name, count) in stage.counters.sorted(by: { $0.key < $1.key }) {
                lines.append("    \(name): \(count)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1e6) }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

/// Encodes results as compact, key-sorted JSON for scripts.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
