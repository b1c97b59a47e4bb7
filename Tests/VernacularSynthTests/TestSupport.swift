import Foundation
import VernacularCore
import VernacularLangID
import VernacularQuality
@testable import VernacularSynth

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let pack = root + "/langs/yue.yaml"
    static var vern: String { ProcessInfo.processInfo.environment["VERN_BINARY"] ?? root + "/.build/debug/vern" }
    static let smolLM2 = root + "/vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf"
}

/// A folder under the system's temporary directory, removed by the caller.
func scratchFolder() throws -> String {
    let path = NSTemporaryDirectory() + "vern-synth-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The checker `vern synth` builds from the repository's pack.
func packChecker() throws -> OutputChecker {
    let pack = try LanguagePack.load(from: URL(fileURLWithPath: Repository.pack))
    return OutputChecker(classifier: try pack.makeClassifier(), languageModelHash: "test",
                         thresholds: try QualityThresholds.load(packPath: Repository.pack),
                         settings: try SynthPackSettings.load(packPath: Repository.pack))
}

/// Writes documents as a JSON Lines file.
func writeDocuments(_ documents: [(id: String, text: String)], to path: String) throws {
    var bytes: [UInt8] = []
    for (id, text) in documents { Document(id: id, text: text, source: "test").appendJSONLine(to: &bytes) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// The records of every shard in a job's `documents/` or `rejected/` folder, in shard order.
func records(in folder: String) throws -> [[String: Any]] {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasSuffix(".tmp") }.sorted()
    var all: [[String: Any]] = []
    for name in names {
        let text = String(decoding: try readWholeFileDecompressed(folder + "/" + name), as: UTF8.self)
        for line in text.split(separator: "\n") {
            all.append(try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])
        }
    }
    return all
}

func readWholeFileDecompressed(_ path: String) throws -> [UInt8] {
    let source = try FileByteSource.open(path: path)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { break }
        bytes += buffer[..<count]
    }
    return bytes
}
