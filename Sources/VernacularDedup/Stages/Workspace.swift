import Foundation
import Synchronization
import VernacularCore

/// The files a dedup run reads and the folders it writes, shared by its stages. Inputs are
/// sorted by path, so "first" means first in that order whatever order the caller gave them in;
/// input file number s is shard s, and a document is named by (shard, position in shard).
///
/// Work folder layout (scratch, removed after a successful run unless kept):
///
///     shards/shard-SSSSS.json        documents in the shard (written last by stage 1)
///     ids/shard-SSSSS.ids, .off      document ids, concatenated, and their byte offsets
///     ...                            stage-specific files (see each job)
///     decisions/shard-SSSSS.jsonl    per shard: documents that are kept with copies or removed
///     removed/shard-SSSSS.jsonl      per shard: its part of removed.jsonl
public struct DedupWorkspace: Sendable {
    public let inputs: [String]
    public let output: String
    public let work: String
    /// Bytes that buffers of sorted runs may use, in total over all workers.
    public let memoryBudget: Int
    public let mapping: DocumentFieldMapping

    public init(inputs: [String], output: String, work: String? = nil, memoryBudget: Int = 512 << 20,
                mapping: DocumentFieldMapping = DocumentFieldMapping()) {
        self.inputs = inputs.sorted()
        self.output = output
        self.work = work ?? output + "/.dedup-work"
        // A few KiB is absurd for real runs but lets tests force many sorted runs.
        self.memoryBudget = max(1 << 12, memoryBudget)
        self.mapping = mapping
    }

    /// Expands globs and folders (as `vern run` does) into a workspace.
    public static func expanding(_ patterns: [String], output: String, work: String? = nil,
                                 memoryBudget: Int = 512 << 20) throws -> DedupWorkspace {
        // A folder stands for the files in it. (ShardPlanner.expand means to do this too, but its
        // glob of a folder's own name matches the folder, which it then filters out.)
        let expanded = patterns.map { pattern -> String in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: pattern, isDirectory: &isFolder), isFolder.boolValue else { return pattern }
            return pattern.hasSuffix("/") ? pattern + "*" : pattern + "/*"
        }
        let files = try ShardPlanner.expand(expanded)
        guard !files.isEmpty else { throw DedupError.badOption("no input files in \(patterns.joined(separator: " "))") }
        return DedupWorkspace(inputs: files, output: output, work: work, memoryBudget: memoryBudget)
    }

    public var shardCount: Int { inputs.count }

    func path(_ folder: String, shard: Int, _ suffix: String) -> String {
        work + "/" + folder + "/" + Shard.name(forIndex: shard) + suffix
    }

    /// Empties the work folder and makes the folders stages write into.
    func prepare(folders: [String]) throws {
        FileSystem.remove(work)
        for folder in folders + ["shards", "ids", "decisions", "removed"] { try FileSystem.makeDirectory(work + "/" + folder) }
        try FileSystem.makeDirectory(output)
    }

    /// Calls `body` with each document of shard `shard`, its position in the shard (0-based,
    /// blank lines not counted) and its line number; a bad record throws naming file and line.
    func forEachDocument(shard: Int, _ body: (Document, Int, Int) throws -> Void) throws {
        let path = inputs[shard]
        let reader = LineReader(source: try FileByteSource.open(path: path), path: path)
        var position = 0
        while let document = try reader.nextLine({ bytes -> Document? in
            if bytes.isEmpty { return nil }
            do {
                return try Document.decode(jsonLine: bytes, mapping: mapping, fallbackSource: path, lineNumber: reader.lineNumber)
            } catch {
                throw InputProblem(file: path, line: reader.lineNumber, message: "\(error)")
            }
        }) {
            guard let document else { continue }
            try body(document, position, reader.lineNumber)
            position += 1
        }
    }

    func writeShardInfo(_ info: ShardInfo, shard: Int) throws {
        try AtomicJSONFile.write(info, to: path("shards", shard: shard, ".json"))
    }

    /// Reads what stage 1 recorded for every shard; a missing file means stage 1 did not finish.
    func readShardInfos() throws -> [ShardInfo] {
        try (0..<shardCount).map { shard in
            let file = path("shards", shard: shard, ".json")
            guard FileSystem.exists(file) else {
                throw DedupError.badWorkFolder(path: file, message: "missing: the first stage has not finished for this shard")
            }
            return try AtomicJSONFile.read(ShardInfo.self, from: file)
        }
    }

    /// Sorted `.bin` files directly in a work subfolder (the runs an earlier stage wrote).
    func runFiles(in folder: String) throws -> [String] {
        let full = work + "/" + folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else { return [] }
        return names.filter { $0.hasSuffix(".bin") }.sorted().map { full + "/" + $0 }
    }
}

/// What stage 1 records about a shard.
struct ShardInfo: Codable, Sendable {
    var documents: Int
    var path: String
    /// Sizes of the stage's files for this shard, by path under the work folder (near dedup), so
    /// a resumed run can tell a finished shard from one whose unflushed files a crash cut short.
    var files: [String: Int]? = nil

    /// Whether every recorded file is still there with its recorded size.
    func filesAreIntact(work: String) -> Bool {
        (files ?? [:]).allSatisfy { (try? ShardPlanner.fileInfo(work + "/" + $0.key).size) == $0.value }
    }
}

/// A document's name across the whole run: shard in the high 32 bits, position in the low 32,
/// so numeric order is input order.
@inline(__always) func documentKey(shard: Int, position: Int) -> UInt64 {
    UInt64(shard) << 32 | UInt64(position)
}

@inline(__always) func splitKey(_ key: UInt64) -> (shard: Int, position: Int) {
    (Int(key >> 32), Int(key & 0xFFFF_FFFF))
}

/// Document ids by (shard, position): stage 1 writes each shard's ids back to back with an
/// offsets file, and later stages look up only the ids they print.
final class IDStore {
    private let workspace: DedupWorkspace
    private var files: [Int: (ids: RandomAccessFile, offsets: RandomAccessFile)] = [:]

    init(workspace: DedupWorkspace) { self.workspace = workspace }

    /// Writes one shard's ids as stage 1 reads them.
    final class Writer {
        private let ids: RecordWriter<UInt8>
        private let offsets: RecordWriter<UInt64>
        private var end: UInt64 = 0

        init(workspace: DedupWorkspace, shard: Int) throws {
            ids = try RecordWriter(path: workspace.path("ids", shard: shard, ".ids"))
            offsets = try RecordWriter(path: workspace.path("ids", shard: shard, ".off"))
            try offsets.append(0)
        }

        func append(_ id: String) throws {
            for byte in id.utf8 { try ids.append(byte) }
            end += UInt64(id.utf8.count)
            try offsets.append(end)
        }

        func finish() throws {
            try ids.finish()
            try offsets.finish()
        }
    }

    func id(of key: UInt64) throws -> String {
        let (shard, position) = splitKey(key)
        if files[shard] == nil {
            files[shard] = (try RandomAccessFile(path: workspace.path("ids", shard: shard, ".ids")),
                            try RandomAccessFile(path: workspace.path("ids", shard: shard, ".off")))
        }
        let (ids, offsets) = files[shard]!
        var range: (UInt64, UInt64) = (0, 0)
        try withUnsafeMutableBytes(of: &range) { try offsets.read(into: $0, at: position * 8) }
        guard range.1 >= range.0 else { throw DedupError.badWorkFolder(path: offsets.path, message: "offsets out of order") }
        var bytes = [UInt8](repeating: 0, count: Int(range.1 - range.0))
        if !bytes.isEmpty { try bytes.withUnsafeMutableBytes { try ids.read(into: $0, at: Int(range.0)) } }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One shard's decisions: documents that stay and had copies (with the cluster size) and
/// documents that go (with the id of the document they duplicate).
struct Decision: Sendable, Equatable {
    var position: Int
    var clusterSize: Int
    /// nil: kept. Otherwise the id of the kept document this one duplicates.
    var duplicateOf: String?
}

enum DecisionFile {
    /// Writes decisions as JSON Lines (`{"p":position,"n":size,"r":"id"}`): ids can hold any
    /// character, and JSON already escapes them.
    final class Writer {
        private let sink: any ByteSink
        private var buffer: [UInt8] = []

        init(path: String) throws {
            // Scratch: the cluster stage that writes decisions reruns whole on resume.
            sink = try FileByteSink.create(path: path, compression: Compression.none, durable: false).sink
        }

        func append(_ decision: Decision) throws {
            buffer.append(contentsOf: #"{"p":"#.utf8)
            buffer.append(contentsOf: String(decision.position).utf8)
            buffer.append(contentsOf: #","n":"#.utf8)
            buffer.append(contentsOf: String(decision.clusterSize).utf8)
            if let duplicateOf = decision.duplicateOf {
                buffer.append(contentsOf: #","r":"#.utf8)
                JSONWriter.appendString(duplicateOf, to: &buffer)
            }
            buffer.append(contentsOf: "}\n".utf8)
            if buffer.count > 1 << 16 { try flush() }
        }

        private func flush() throws {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        func finish() throws {
            try flush()
            try sink.finish()
        }
    }

    /// Reads one shard's decisions by position; no file means no decisions.
    static func read(path: String) throws -> [Int: Decision] {
        guard FileSystem.exists(path) else { return [:] }
        var decisions: [Int: Decision] = [:]
        let reader = LineReader(source: try FileByteSource.open(path: path), path: path)
        while try reader.nextLine({ bytes in
            if bytes.isEmpty { return }
            guard case .object(let object)? = try? JSONParser.parse(bytes),
                  let position = object["p"]?.intValue, let size = object["n"]?.intValue else {
                throw DedupError.badWorkFolder(path: path, message: "line \(reader.lineNumber) is not a decision")
            }
            decisions[position] = Decision(position: position, clusterSize: size, duplicateOf: object["r"]?.stringValue)
        }) != nil {}
        return decisions
    }
}

/// Writes one shard's kept documents to `OUTPUT/shard-SSSSS.jsonl.zst` (under a temporary name
/// until complete) and its removed records to the work folder.
final class ShardOutput {
    private let finalPath: String
    private let temporaryPath: String
    private let sink: any ByteSink
    private let removedSink: any ByteSink
    private var buffer: [UInt8] = []
    private var removedBuffer: [UInt8] = []
    private(set) var kept = 0
    private(set) var removed = 0
    let stage: String

    init(workspace: DedupWorkspace, shard: Int, stage: String) throws {
        finalPath = workspace.output + "/" + Shard.name(forIndex: shard) + ".jsonl.zst"
        temporaryPath = finalPath + ".tmp"
        sink = try FileByteSink.create(path: temporaryPath, compression: .zstd).sink
        // Scratch, joined into the durable removed.jsonl by publishRemoved.
        removedSink = try FileByteSink.create(path: workspace.path("removed", shard: shard, ".jsonl"),
                                              compression: Compression.none, durable: false).sink
        self.stage = stage
    }

    func keep(_ document: Document) throws {
        document.appendJSONLine(to: &buffer)
        kept += 1
        if buffer.count > 1 << 20 {
            try sink.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Records a removed document; `duplicateOf` is nil when the document was not a copy of
    /// another one (repeated-line removal left it empty).
    func remove(id: String, duplicateOf: String?) throws {
        removedBuffer.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.appendString(id, to: &removedBuffer)
        removedBuffer.append(contentsOf: #","duplicate_of":"#.utf8)
        if let duplicateOf { JSONWriter.appendString(duplicateOf, to: &removedBuffer) } else { removedBuffer.append(contentsOf: "null".utf8) }
        removedBuffer.append(contentsOf: #","stage":"#.utf8)
        JSONWriter.appendString(stage, to: &removedBuffer)
        removedBuffer.append(contentsOf: "}\n".utf8)
        removed += 1
        if removedBuffer.count > 1 << 16 {
            try removedSink.write(removedBuffer)
            removedBuffer.removeAll(keepingCapacity: true)
        }
    }

    func finish() throws {
        try sink.write(buffer)
        try sink.finish()
        try removedSink.write(removedBuffer)
        try removedSink.finish()
        try FileSystem.rename(temporaryPath, to: finalPath)
    }
}

extension DedupWorkspace {
    /// The last stage both exact and near dedup share: filter every shard in parallel, publish
    /// removed.jsonl, and record the kept and removed counts in `summary`.
    func runFilterStage(shards: Int, workers: Int, summary: inout DedupSummary,
                        filter: @Sendable (Int) throws -> (kept: Int, removed: Int)) throws {
        let counts = Mutex<(kept: Int, removed: Int)>((0, 0))
        try timed("filter", &summary) {
            try forEachInParallel(shards, workers: workers) { shard in
                let (kept, removed) = try filter(shard)
                counts.withLock { $0.kept += kept; $0.removed += removed }
            }
            try publishRemoved()
        }
        (summary.documentsKept, summary.documentsRemoved) = counts.withLock { $0 }
    }

    /// Joins the shards' removed records, in shard order, into `OUTPUT/removed.jsonl`.
    func publishRemoved() throws {
        let finalPath = output + "/removed.jsonl"
        let (sink, _) = try FileByteSink.create(path: finalPath + ".tmp", compression: Compression.none)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        for shard in 0..<shardCount {
            let source = try FileByteSource(path: path("removed", shard: shard, ".jsonl"))
            while true {
                let count = try source.read(into: chunk)
                if count == 0 { break }
                try sink.write(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            }
        }
        try sink.finish()
        try FileSystem.rename(finalPath + ".tmp", to: finalPath)
    }
}

/// Runs `body` for items 0..<count on a fixed number of worker threads, each taking the next
/// item when it is free; the first error stops new items from starting and is rethrown.
func forEachInParallel(_ count: Int, workers: Int, _ body: @Sendable (Int) throws -> Void) throws {
    let next = Atomic<Int>(0)
    let failure = Mutex<(any Error)?>(nil)
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
        while true {
            if failure.withLock({ $0 != nil }) { return }
            let item = next.add(1, ordering: .relaxed).oldValue
            guard item < count else { return }
            do { try body(item) } catch {
                failure.withLock { if $0 == nil { $0 = error } }
                return
            }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
}

/// Progress messages for standard error ("near: signatures 3/8 shards"); nil for silence.
public typealias DedupProgress = @Sendable (String) -> Void
