import Foundation
import VernacularCore

/// Writes an evaluation's files, each atomically (a temporary file renamed into place), so a
/// reader never sees half a file.
public enum EvalFiles {
    public static func write(_ results: EvalResults, records: [ItemRecord], to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try atomically(folder + "/results.json", encoder.encode(results) + Data("\n".utf8))
        let lines = JSONEncoder()
        lines.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for record in records {
            data += try lines.encode(record)
            data.append(UInt8(ascii: "\n"))
        }
        try atomically(folder + "/items.jsonl", data)
        try atomically(folder + "/report.html", Data(EvalReportPage(results: results, records: records).html().utf8))
    }

    static func atomically(_ path: String, _ data: Data) throws {
        let temporary = path + ".tmp"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            try FileSystem.rename(temporary, to: path)
        } catch {
            throw EvalError(file: path, "cannot write: \(error)")
        }
    }
}
