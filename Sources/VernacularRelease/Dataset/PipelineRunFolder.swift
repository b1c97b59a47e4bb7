import Foundation
import VernacularCore

/// A finished `vern run` folder as a release reads it: stats.json, manifest.json, the pipeline
/// file the manifest names, and the kept document shards under documents/.
public struct PipelineRunFolder {
    public let path: String
    public let stats: RunStats
    public let manifest: VernacularCore.RunManifest
    /// The pipeline as the run read it (stages and their options).
    public let pipeline: PipelineSpec
    /// The pipeline file's text, copied into workflow releases.
    public let pipelineText: String
    /// Kept document shards, in shard order.
    public let documentFiles: [String]

    public init(path: String) throws {
        self.path = path
        let statsPath = path + "/stats.json"
        let manifestPath = path + "/manifest.json"
        for file in [statsPath, manifestPath] where !FileManager.default.fileExists(atPath: file) {
            throw ReleaseError(path: path, message: "not a finished `vern run` folder: \((file as NSString).lastPathComponent) is missing")
        }
        stats = try Self.decode(RunStats.self, from: statsPath)
        manifest = try Self.decode(VernacularCore.RunManifest.self, from: manifestPath)
        guard !manifest.finished.isEmpty else {
            throw ReleaseError(path: manifestPath, message: "the run has not finished (no 'finished' time): run it to the end first")
        }
        let pipelineFile = manifest.pipelineFile
        guard let bytes = try? readWholeFile(pipelineFile), let text = String(validating: bytes, as: UTF8.self) else {
            throw ReleaseError(path: manifestPath, message: "the pipeline file it names, \(pipelineFile), cannot be read (run the release from the folder the run ran in)")
        }
        pipelineText = text
        pipeline = try PipelineSpec.parse(yaml: text, file: pipelineFile)
        let folder = path + "/" + ShardProcessor.documentsFolder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        documentFiles = names.filter { $0.hasPrefix("shard-") && $0.contains(".jsonl") && !$0.hasSuffix(".partial") }
            .sorted().map { folder + "/" + $0 }
        guard !documentFiles.isEmpty || stats.documentsWritten == 0 else {
            throw ReleaseError(path: folder, message: "stats.json counts \(stats.documentsWritten) kept documents but there are no shards here")
        }
    }

    /// Reads a JSON file into `type`; an error names the file and the field.
    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReleaseError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(type, from: data) } catch let DecodingError.keyNotFound(key, context) {
            throw ReleaseError(path: path, message: "\(Self.place(context)) has no '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ReleaseError(path: path, message: "\(Self.place(context)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ReleaseError(path: path, message: "\(Self.place(context)): \(context.debugDescription)")
        } catch {
            throw ReleaseError(path: path, message: "not the JSON expected: \(error)")
        }
    }

    static func place(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "the file" : "'\(path)'"
    }
}
