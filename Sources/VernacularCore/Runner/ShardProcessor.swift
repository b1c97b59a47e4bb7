/// A bad record or file, as reported to the user and kept in the quarantine file.
public struct InputProblem: Error, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based line, when the problem is one record.
    public let line: Int?
    public let message: String
    /// The start of the offending record, when there is one.
    public let record: String?

    public init(file: String, line: Int?, message: String, record: String? = nil) {
        self.file = file
        self.line = line
        self.message = message
        self.record = record
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// What the processor tells the runner as it goes, for progress.
public protocol ShardProgressSink: Sendable {
    func advance(documents: Int, rawBytes: Int)
    /// True once the run is stopping; a processor then abandons its shard.
    var isCancelled: Bool { get }
}

/// A shard was abandoned because the run is stopping.
struct ShardCancelled: Error {}

/// Runs one shard through the stages and writes its outputs and marker. Holds no state between
/// shards; all workers share one processor.
public struct ShardProcessor: Sendable {
    public let stages: [any Stage]
    public let mapping: DocumentFieldMapping
    public let compression: Compression
    public let keepDropped: Bool
    public let onError: ErrorPolicy
    public let runFolder: String
    public let configHash: String

    /// Bytes buffered before a write to the compressor.
    private let flushThreshold = 1 << 20

    public init(stages: [any Stage], mapping: DocumentFieldMapping, compression: Compression, keepDropped: Bool,
                onError: ErrorPolicy, runFolder: String, configHash: String) {
        self.stages = stages
        self.mapping = mapping
        self.compression = compression
        self.keepDropped = keepDropped
        self.onError = onError
        self.runFolder = runFolder
        self.configHash = configHash
    }

    public static let documentsFolder = "documents"
    public static let droppedFolder = "dropped"
    public static let quarantineFolder = "quarantine"
    public static let markersFolder = "markers"

    public func markerPath(_ shard: Shard) -> String { "\(runFolder)/\(Self.markersFolder)/\(shard.name).json" }

    /// Processes the shard and publishes it: outputs renamed into place, then the marker.
    public func process(_ shard: Shard, progress: any ShardProgressSink) throws -> CompletionMarker {
        let documents = try OutputFile(runFolder: runFolder, folder: Self.documentsFolder,
                                       name: shard.name + ".jsonl" + compression.fileExtension, compression: compression)
        let dropped = keepDropped
            ? try OutputFile(runFolder: runFolder, folder: Self.droppedFolder,
                             name: shard.name + ".jsonl" + compression.fileExtension, compression: compression)
            : nil
        let quarantine = try OutputFile(runFolder: runFolder, folder: Self.quarantineFolder,
                                        name: shard.name + ".jsonl", compression: Compression.none)

        var stats = RunStats(stageNames: stages.map(\.name))
        let source = try openInput(shard)
        let lines = LineReader(source: source, path: shard.path, firstLineNumber: shard.firstLine)
        var lastRawBytes = 0
        var pendingDocuments = 0

        func reportProgress(force: Bool) {
            guard force || pendingDocuments >= 2048 else { return }
            let raw = lines.rawBytesConsumed
            progress.advance(documents: pendingDocuments, rawBytes: raw - lastRawBytes)
            lastRawBytes = raw
            pendingDocuments = 0
        }

        readLoop: while true {
            // nil: end of input; .success(nil): a blank line, skipped.
            let outcome: Result<Document?, InputProblem>?
            do {
                outcome = try lines.nextLine { bytes -> Result<Document?, InputProblem> in
                    stats.bytesRead += bytes.count + 1
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .success(nil) }
                    do {
                        return .success(try Document.decode(jsonLine: bytes, mapping: mapping,
                                                            fallbackSource: shard.path, lineNumber: lines.lineNumber))
                    } catch {
                        // Keep the start of the bad record so it can be mended by hand.
                        let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes.prefix(65536)), as: UTF8.self)
                        return .failure(InputProblem(file: shard.path, line: lines.lineNumber,
                                                     message: "\(error)", record: raw))
                    }
                }
            } catch {
                // The stream itself broke (truncated or corrupt file): what was read stays.
                let problem = InputProblem(file: shard.path, line: nil,
                                           message: "\(error) (after line \(lines.lineNumber))")
                guard onError == .skip else { throw problem }
                stats.badRecords += 1
                try quarantine.append(problem)
                break readLoop
            }

            switch outcome {
            case nil:
                break readLoop
            case .success(nil)?:
                continue
            case .failure(let problem)?:
                guard onError == .skip else { throw problem }
                stats.badRecords += 1
                try quarantine.append(problem)
                continue
            case .success(.some(var document))?:
                stats.documentsRead += 1
                pendingDocuments += 1
                if let (stageIndex, reason) = try runStages(&document, stats: &stats) {
                    stats.documentsDropped += 1
                    if let dropped {
                        document.meta["drop_stage"] = .string(stages[stageIndex].name)
                        document.meta["drop_reason"] = .string(reason.code)
                        if let detail = reason.detail { document.meta["drop_detail"] = .string(detail) }
                        try dropped.append(document)
                    }
                } else {
                    stats.documentsWritten += 1
                    try documents.append(document)
                }
                if pendingDocuments >= 2048 {
                    if progress.isCancelled { throw ShardCancelled() }
                    reportProgress(force: false)
                }
            }
        }
        reportProgress(force: true)

        var outputs = [try documents.publish()]
        if let dropped { outputs.append(try dropped.publish()) }
        if quarantine.documents > 0 { outputs.append(try quarantine.publish()) } else { quarantine.discard() }

        let marker = CompletionMarker(shard: shard, configHash: configHash, outputs: outputs, stats: stats)
        try AtomicJSONFile.write(marker, to: markerPath(shard))
        return marker
    }

    private func openInput(_ shard: Shard) throws -> any ByteSource {
        if shard.offset > 0 || shard.length != nil {
            return try FileByteSource(path: shard.path, offset: shard.offset, length: shard.length)
        }
        return try FileByteSource.open(path: shard.path)
    }

    /// Returns the first stage that dropped the document, or nil if all kept it.
    private func runStages(_ document: inout Document, stats: inout RunStats) throws -> (Int, DropReason)? {
        for (index, stage) in stages.enumerated() {
            let bytesIn = document.text.utf8.count
            stats.stages[index].documentsIn += 1
            stats.stages[index].bytesIn += bytesIn
            var counters = StageCounters()
            let verdict: Verdict
            do {
                verdict = try stage.process(&document, counters: &counters)
            } catch {
                throw InputProblem(file: document.source, line: nil,
                                   message: "stage '\(stage.name)' failed on document '\(document.id)': \(error)")
            }
            for (name, amount) in counters.values { stats.stages[index].counters[name, default: 0] += amount }
            switch verdict {
            case .keep:
                stats.stages[index].documentsOut += 1
                stats.stages[index].bytesOut += document.text.utf8.count
            case .drop(let reason):
                stats.stages[index].dropped[reason.code, default: 0] += 1
                return (index, reason)
            }
        }
        return nil
    }
}

/// One output file of a shard, written under a temporary name until published.
final class OutputFile {
    let relativePath: String
    let finalPath: String
    let temporaryPath: String
    private let sink: any ByteSink
    private let file: FileByteSink
    private var buffer: [UInt8] = []
    private(set) var documents = 0

    init(runFolder: String, folder: String, name: String, compression: Compression) throws {
        try FileSystem.makeDirectory("\(runFolder)/\(folder)")
        relativePath = "\(folder)/\(name)"
        finalPath = "\(runFolder)/\(relativePath)"
        temporaryPath = "\(runFolder)/\(folder)/.\(name).tmp"
        (sink, file) = try FileByteSink.create(path: temporaryPath, compression: compression)
        buffer.reserveCapacity(1 << 20 + 65536)
    }

    func append(_ document: Document) throws {
        document.appendJSONLine(to: &buffer)
        documents += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    func append(_ problem: InputProblem) throws {
        var record = JSONObject()
        record["file"] = .string(problem.file)
        record["line"] = problem.line.map { JSONValue($0) } ?? .null
        record["error"] = .string(problem.message)
        if let raw = problem.record { record["record"] = .string(raw) }
        JSONWriter.append(record, to: &buffer)
        buffer.append(0x0A)
        documents += 1
    }

    private func flush() throws {
        try sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Finishes the file and renames it to its final name.
    func publish() throws -> ShardOutputFile {
        try flush()
        try sink.finish()
        try FileSystem.rename(temporaryPath, to: finalPath)
        return ShardOutputFile(file: relativePath, bytes: file.bytesWritten,
                               crc32: String(file.crc32Value, radix: 16), documents: documents)
    }

    func discard() {
        try? sink.finish()
        FileSystem.remove(temporaryPath)
    }
}
