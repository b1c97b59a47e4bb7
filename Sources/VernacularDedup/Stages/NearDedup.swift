import Foundation
import Synchronization
import VernacularCore

/// How a candidate pair is checked before it merges.
public enum Verification: String, Sendable, Codable, CaseIterable {
    /// Jaccard of the two documents' shingle sets (stored by stage 1 as sorted 32-bit hashes):
    /// the threshold means what it says, at about 4 bytes per shingle of disk.
    case exact
    /// Share of agreeing signature positions: no extra disk, but with 96 hashes the estimate's
    /// standard error is 0.05 at J = 0.7, so pairs just above the threshold are often rejected.
    case signature
}

/// Settings of near-duplicate removal; defaults are Cantonese's (`langs/yue.yaml`, `dedup:`).
public struct NearDedupOptions: Sendable, Equatable {
    public var shingles = ShingleOptions()
    public var minHash = MinHashParameters()
    public var verification = Verification.exact
    public var keep = KeepRule.first
    /// The `meta` field `KeepRule.score` reads.
    public var scoreField = "quality_score"

    public init(shingles: ShingleOptions = ShingleOptions(), minHash: MinHashParameters = MinHashParameters(),
                verification: Verification = .exact, keep: KeepRule = .first, scoreField: String = "quality_score") {
        self.shingles = shingles
        self.minHash = minHash
        self.verification = verification
        self.keep = keep
        self.scoreField = scoreField
    }
}

/// The settings and inputs a near-dedup work folder was made for (`near.json`).
struct NearDedupRecord: Codable, Equatable {
    var inputs: [String]
    var characterNgram: Int
    var wordNgram: Int
    var normalization: TextNormalization
    var minHash: MinHashParameters
    var verification: Verification
    var keep: KeepRule
    var scoreField: String
}

/// Per-document facts the keep rule needs, stored by stage 1.
struct DocumentFacts: BitwiseCopyable {
    var length: UInt32
    var score: Float32
}

/// MinHash LSH near-duplicate removal in four stages, each a separate call so a cluster
/// executor can run them as separate jobs (the first and last per shard, the second per band):
///
/// 1. `signatures(shard:)`: shingles and signs every document; writes the compact signatures
///    (hashes x 4 bytes per document) or, for exact verification, the sorted shingle sets (4 bytes
///    per distinct shingle), ids, lengths/scores, and per band sorted runs of (band hash,
///    document) records.
/// 2. `mergeBand(_:)`: merges the runs of one band; documents sharing a band hash become
///    candidate pairs with the bucket's first document.
/// 3. `cluster()`: verifies candidate pairs (shingle-set Jaccard, or signature agreement,
///    >= threshold), joins
///    them by union-find, picks each cluster's keeper and writes per-shard decisions.
/// 4. `filter(shard:)`: writes the shard's kept documents with `meta.dup_cluster_size` and its
///    removed records.
///
/// Where verification gets the shingles: stage 1, which has each document's shingles in hand,
/// writes the sorted 32-bit shingle set per shard (`shingles/*.bin`, with byte offsets per
/// document in `.off`), and stage 3 reads the two sets of each candidate pair by offset. The other
/// way, re-reading candidate documents from the inputs, would mean random access into compressed
/// JSON Lines (decompressing a whole shard per lookup, or an index of it) and shingling every
/// candidate again; the stored sets cost about the text's UTF-8 size (Han) in disk, are written
/// per shard in parallel (so a killed run resumes at the shard), and make each check a merge of
/// two sorted arrays. Candidate pairs come per band bucket, so a bucket's first document is read
/// once for all of its pairs.
///
/// Memory bound: stage 1 buffers at most `memoryBudget` bytes of band records over all workers
/// (16 bytes per document and band; a full buffer becomes a sorted run on disk); stage 2 holds a
/// 64 KiB buffer per run; stage 3 holds 16 bytes per document (union-find parent and size,
/// length and score) plus one signature pair, about 160 MB for 10 million documents; stage 4
/// holds one shard's decisions. Disk: 16 x bands + 16 bytes per document, plus 4 bytes per
/// distinct shingle (exact verification; about the text's UTF-8 size for Han text) or 4 x hashes
/// (signature verification), plus 16 bytes per candidate pair.
public struct NearDedup: Sendable {
    public let workspace: DedupWorkspace
    public let options: NearDedupOptions
    public let hasher: MinHasher
    public static let stageName = "near"
    /// The `meta` field a kept document's cluster size goes in (1 for a document without copies).
    public static let clusterSizeField = "dup_cluster_size"

    public init(workspace: DedupWorkspace, options: NearDedupOptions) throws {
        try options.minHash.validate()
        guard options.shingles.characterNgram >= 1, options.shingles.wordNgram >= 1 else {
            throw DedupError.badOption("n-gram sizes must be at least 1")
        }
        self.workspace = workspace
        self.options = options
        hasher = MinHasher(options.minHash)
    }

    /// Runs the four stages in order with `workers` threads and publishes the output.
    ///
    /// With `resume`, a work folder left by an earlier run with the same inputs and settings is
    /// reused: shards whose stage 1 finished (its `shards/` file, written last with the sizes of
    /// the shard's files, is the marker; a file of another size means the shard is redone) and bands whose pairs file was renamed into place are not done again; the cluster and
    /// filter stages, cheap next to stage 1, always run. Any other work folder starts afresh.
    public func run(workers: Int, progress: DedupProgress? = nil, resume: Bool = false) throws -> DedupSummary {
        var summary = DedupSummary(stage: NearDedup.stageName)
        summary.shards = workspace.shardCount
        let shards = workspace.shardCount
        let reuse = resume && (try? AtomicJSONFile.read(NearDedupRecord.self, from: recordPath)) == record
        if reuse {
            progress?("near: resuming in \(workspace.work)")
        } else {
            try prepare()
        }
        let pending = (0..<shards).filter { shard in
            guard reuse, let info = try? AtomicJSONFile.read(ShardInfo.self, from: workspace.path("shards", shard: shard, ".json")) else { return true }
            return !info.filesAreIntact(work: workspace.work)
        }
        try timed("signatures", &summary) {
            let done = Atomic<Int>(shards - pending.count)
            try forEachInParallel(pending.count, workers: workers) { item in
                try signatures(shard: pending[item], workers: workers)
                progress?("near: signatures \(done.add(1, ordering: .relaxed).newValue)/\(shards) shards")
            }
        }
        // Band records of a redone shard are new: pairs merged before it are stale.
        if reuse, !pending.isEmpty {
            for band in 0..<options.minHash.bands { FileSystem.remove(pairsPath(band)) }
        }
        let pairs = Atomic<Int>(0)
        try timed("buckets", &summary) {
            try forEachInParallel(options.minHash.bands, workers: workers) { band in
                if reuse, let size = try? ShardPlanner.fileInfo(pairsPath(band)).size {
                    pairs.add(size / MemoryLayout<KeyedRecord>.stride, ordering: .relaxed)
                } else {
                    pairs.add(try mergeBand(band), ordering: .relaxed)
                }
            }
        }
        summary.candidatePairs = pairs.load(ordering: .relaxed)
        progress?("near: \(summary.candidatePairs) candidate pairs from \(options.minHash.bands) bands")
        let clusterStats = try timed("cluster", &summary) { try cluster() }
        summary.documentsIn = clusterStats.documents
        summary.clusters = clusterStats.clusters
        summary.verifiedPairs = clusterStats.verified
        summary.rejectedPairs = clusterStats.rejected
        progress?("near: \(clusterStats.clusters) clusters, \(clusterStats.removed) documents to remove")
        try workspace.runFilterStage(shards: shards, workers: workers, summary: &summary) { shard in
            try filter(shard: shard)
        }
        return summary
    }

    /// Empties the work folder, creates the stages' folders and records the settings they are for.
    public func prepare() throws {
        try workspace.prepare(folders: ["signatures", "shingles", "facts", "pairs"] +
            (0..<options.minHash.bands).map { "bands/" + bandName($0) })
        try AtomicJSONFile.write(record, to: recordPath)
    }

    /// What the work folder's files depend on: a resumed run must match it.
    var record: NearDedupRecord {
        NearDedupRecord(inputs: workspace.inputs, characterNgram: options.shingles.characterNgram,
                        wordNgram: options.shingles.wordNgram, normalization: options.shingles.normalization,
                        minHash: options.minHash, verification: options.verification, keep: options.keep,
                        scoreField: options.scoreField)
    }

    var recordPath: String { workspace.work + "/near.json" }

    func pairsPath(_ band: Int) -> String { workspace.work + "/pairs/" + bandName(band) + ".bin" }

    func bandName(_ band: Int) -> String {
        let digits = String(band)
        return "band-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    // MARK: Stage 1

    /// Stage 1 for one shard. `workers` is how many shards run at once, to split the memory budget.
    public func signatures(shard: Int, workers: Int = 1) throws {
        let parameters = options.minHash
        let bands = parameters.bands
        let hashes = parameters.hashes
        let perBand = workspace.memoryBudget / max(1, workers) / bands / MemoryLayout<KeyedRecord>.stride
        let runs = (0..<bands).map {
            SortedRunBuffer(prefix: workspace.work + "/bands/" + bandName($0) + "/" + Shard.name(forIndex: shard), capacity: perBand)
        }
        // Runs an interrupted attempt at this shard left behind (their number can differ) go first.
        for band in 0..<bands {
            let folder = workspace.work + "/bands/" + bandName(band)
            let stale = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in stale where name.hasPrefix(Shard.name(forIndex: shard) + "-run-") { FileSystem.remove(folder + "/" + name) }
        }
        let exact = options.verification == .exact
        // Exact verification needs the shingle sets, signature verification the signatures.
        let signatureFile = exact ? nil : try RecordWriter<UInt32>(path: workspace.path("signatures", shard: shard, ".sig"))
        let shingleFile = exact ? try RecordWriter<UInt32>(path: workspace.path("shingles", shard: shard, ".bin")) : nil
        let shingleOffsets = exact ? try RecordWriter<UInt64>(path: workspace.path("shingles", shard: shard, ".off")) : nil
        try shingleOffsets?.append(0)
        var shingleSet: [UInt32] = [], scratch: [UInt32] = []
        let factsFile = try RecordWriter<DocumentFacts>(path: workspace.path("facts", shard: shard, ".bin"))
        let ids = try IDStore.Writer(workspace: workspace, shard: shard)
        let shingler = Shingler(options.shingles)
        let signature = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: hashes)
        let compact = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: hashes)
        let bandHashes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: bands)
        defer {
            signature.deallocate()
            compact.deallocate()
            bandHashes.deallocate()
        }
        var count = 0
        try workspace.forEachDocument(shard: shard) { document, position, line in
            let shingleCount = shingler.shingle(document.text)
            shingler.shingles.withUnsafeBufferPointer { hasher.signature(of: $0, into: signature) }
            if let signatureFile {
                for index in 0..<hashes { compact[index] = MinHasher.compact(signature[index]) }
                try signatureFile.append(contentsOf: UnsafeBufferPointer(compact))
            }
            if let shingleFile, let shingleOffsets {
                // Sorted here, where shards run in parallel, not in the single-threaded cluster stage.
                NearDedup.shingleSet(shingler.shingles, into: &shingleSet, scratch: &scratch)
                try shingleSet.withUnsafeBufferPointer { try shingleFile.append(contentsOf: $0) }
                try shingleOffsets.append(UInt64(shingleFile.count))
            }
            // A text without letters has no shingles and is nobody's near-duplicate (exact
            // dedup handles empty and punctuation-only texts).
            if shingleCount > 0 {
                hasher.bandHashes(of: UnsafeBufferPointer(signature), into: bandHashes)
                let key = documentKey(shard: shard, position: position)
                for band in 0..<bands { try runs[band].append(KeyedRecord(key: bandHashes[band], doc: key)) }
            }
            try factsFile.append(DocumentFacts(
                // Counting scalars walks the whole text: only the longest rule needs it.
                length: options.keep == .longest ? UInt32(clamping: document.text.unicodeScalars.count) : 0,
                score: try score(of: document, file: workspace.inputs[shard], line: line)))
            try ids.append(document.id)
            count = position + 1
        }
        for run in runs { try run.flush() }
        try signatureFile?.finish()
        try shingleFile?.finish()
        try shingleOffsets?.finish()
        try factsFile.finish()
        try ids.finish()
        // The files are not flushed to disk (scratch); their sizes go in the shard's marker.
        var written = [signatureFile?.path, shingleFile?.path, shingleOffsets?.path, factsFile.path,
                       workspace.path("ids", shard: shard, ".ids"), workspace.path("ids", shard: shard, ".off")].compactMap { $0 }
        written += runs.flatMap(\.runs)
        var sizes: [String: Int] = [:]
        for path in written { sizes[String(path.dropFirst(workspace.work.count + 1))] = try ShardPlanner.fileInfo(path).size }
        try workspace.writeShardInfo(ShardInfo(documents: count, path: workspace.inputs[shard], files: sizes), shard: shard)
    }

    /// The compared form of a shingle set: the high 32 bits of each shingle hash, sorted, without
    /// repeats. Two different shingles of a pair collide with probability 2^-32 each.
    static func shingleSet(_ shingles: [UInt64], into set: inout [UInt32], scratch: inout [UInt32]) {
        set.removeAll(keepingCapacity: true)
        for shingle in shingles { set.append(UInt32(truncatingIfNeeded: shingle >> 32)) }
        radixSort(&set, scratch: &scratch)
        sortedUnique(&set, alreadySorted: true)
    }

    /// Least-significant-digit radix sort, 8 bits a pass: shingle hashes are uniform, and four
    /// linear passes beat the standard library's comparison sort by several times here.
    static func radixSort(_ values: inout [UInt32], scratch: inout [UInt32]) {
        let count = values.count
        guard count > 32 else {
            values.sort()
            return
        }
        if scratch.count < count { scratch = [UInt32](repeating: 0, count: count) }
        // Counts on the stack and raw pointers throughout: an array here costs a uniqueness
        // check per increment, which was most of this function's time.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            values.withUnsafeMutableBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    var from = source.baseAddress!, to = target.baseAddress!
                    for shift in stride(from: UInt32(0), to: 32, by: 8) {
                        counts.initialize(repeating: 0)
                        for index in 0..<count { counts[Int((from[index] >> shift) & 0xFF)] += 1 }
                        var total = 0
                        for index in 0..<256 {
                            let bucket = counts[index]
                            counts[index] = total
                            total += bucket
                        }
                        for index in 0..<count {
                            let value = from[index]
                            let digit = Int((value >> shift) & 0xFF)
                            to[counts[digit]] = value
                            counts[digit] += 1
                        }
                        swap(&from, &to)
                    }
                    // Four passes: the sorted data is back in `values`.
                }
            }
        }
    }

    /// Sorts in place (unless told it is sorted) and drops repeats.
    static func sortedUnique(_ set: inout [UInt32], alreadySorted: Bool = false) {
        if !alreadySorted { set.sort() }
        var write = 0
        for read in set.indices where read == 0 || set[read] != set[write - 1] {
            set[write] = set[read]
            write += 1
        }
        set.removeLast(set.count - write)
    }

    /// |A ∩ B| / |A ∪ B| of two sorted sets without repeats.
    static func jaccard(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        var i = 0, j = 0, common = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                common += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        let union = a.count + b.count - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// The keep-rule score: the `meta` number, -infinity when absent, an error when not a number.
    func score(of document: Document, file: String, line: Int) throws -> Float32 {
        guard options.keep == .score else { return 0 }
        guard let value = document.meta[options.scoreField], value != .null else { return -.infinity }
        guard let number = value.doubleValue else {
            throw DedupError.badRecord(file: file, line: line, message: "meta.\(options.scoreField) is not a number")
        }
        return Float32(number)
    }

    // MARK: Stage 2

    /// Stage 2 for one band; returns the number of candidate pairs written.
    @discardableResult
    public func mergeBand(_ band: Int) throws -> Int {
        let merger = try RunMerger(paths: try workspace.runFiles(in: "bands/" + bandName(band)))
        // Written under a temporary name and flushed: a pairs file in place is a finished band.
        let pairs = try RecordWriter<KeyedRecord>(path: pairsPath(band) + ".tmp", durable: true)
        var bucket: UInt64 = 0
        var anchor: UInt64? = nil
        while let record = try merger.next() {
            if let first = anchor, record.key == bucket {
                try pairs.append(KeyedRecord(key: first, doc: record.doc))
            } else {
                bucket = record.key
                anchor = record.doc
            }
        }
        try pairs.finish()
        try FileSystem.rename(pairsPath(band) + ".tmp", to: pairsPath(band))
        return pairs.count
    }

    // MARK: Stage 3

    struct ClusterStats: Codable, Equatable {
        var documents = 0, clusters = 0, removed = 0, verified = 0, rejected = 0
    }

    /// Stage 3: needs every shard's stage 1 and every band's stage 2.
    func cluster() throws -> ClusterStats {
        let infos = try workspace.readShardInfos()
        var offsets: [Int] = [0]
        for info in infos { offsets.append(offsets.last! + info.documents) }
        let total = offsets.last!
        guard total < Int(UInt32.max) else { throw DedupError.badOption("more than 4 billion documents in one run") }
        let dense = { (key: UInt64) -> Int in let (s, p) = splitKey(key); return offsets[s] + p }
        var stats = ClusterStats(documents: total)

        var sets = UnionFind(count: total)
        let hashes = options.minHash.hashes
        let required = options.minHash.requiredAgreements
        let exact = options.verification == .exact
        let folder = exact ? "shingles" : "signatures"
        let dataFiles = try (0..<infos.count).map { try RandomAccessFile(path: workspace.path(folder, shard: $0, exact ? ".bin" : ".sig")) }
        let offsetFiles = exact ? try (0..<infos.count).map { try RandomAccessFile(path: workspace.path("shingles", shard: $0, ".off")) } : []
        var a: [UInt32] = [], b: [UInt32] = []
        var loadedFirst = UInt64.max
        /// Reads a document's shingle set or signature.
        func load(_ key: UInt64, into buffer: inout [UInt32]) throws {
            let (shard, position) = splitKey(key)
            var range: (UInt64, UInt64) = (UInt64(position * hashes), UInt64((position + 1) * hashes))
            if exact { try withUnsafeMutableBytes(of: &range) { try offsetFiles[shard].read(into: $0, at: position * 8) } }
            guard range.1 >= range.0 else { throw DedupError.badWorkFolder(path: dataFiles[shard].path, message: "offsets out of order") }
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: repeatElement(0, count: Int(range.1 - range.0)))
            if !buffer.isEmpty {
                try buffer.withUnsafeMutableBytes { try dataFiles[shard].read(into: $0, at: Int(range.0) * 4) }
            }
        }
        for band in 0..<options.minHash.bands {
            let reader = try RecordReader<KeyedRecord>(path: pairsPath(band))
            while let pair = try reader.next() {
                let first = dense(pair.key), second = dense(pair.doc)
                if sets.find(first) == sets.find(second) { continue }
                // Pairs of a bucket share their first document: load it once.
                if pair.key != loadedFirst {
                    try load(pair.key, into: &a)
                    loadedFirst = pair.key
                }
                try load(pair.doc, into: &b)
                let accepted = a.withUnsafeBufferPointer { x in
                    b.withUnsafeBufferPointer { y in
                        exact ? NearDedup.jaccard(x, y) >= options.minHash.threshold : MinHasher.agreements(x, y) >= required
                    }
                }
                if accepted {
                    sets.union(first, second)
                    stats.verified += 1
                } else {
                    stats.rejected += 1
                }
            }
        }

        // Facts for the keep rule, then each cluster's size and keeper, indexed by root.
        var facts: [DocumentFacts] = []
        facts.reserveCapacity(total)
        for shard in 0..<infos.count {
            facts += try RecordReader<DocumentFacts>.readAll(path: workspace.path("facts", shard: shard, ".bin"))
        }
        guard facts.count == total else {
            throw DedupError.badWorkFolder(path: workspace.work + "/facts", message: "\(facts.count) records for \(total) documents")
        }
        var size = [UInt32](repeating: 0, count: total)
        var keeper = [UInt32](repeating: 0, count: total)
        for index in 0..<total {
            let root = sets.find(index)
            if size[root] == 0 || isBetter(index, than: Int(keeper[root]), facts) { keeper[root] = UInt32(index) }
            size[root] += 1
        }

        // Decisions, shard by shard in document order.
        let ids = IDStore(workspace: workspace)
        let keyOf = { (index: Int) -> UInt64 in
            var shard = 0
            while offsets[shard + 1] <= index { shard += 1 }
            return documentKey(shard: shard, position: index - offsets[shard])
        }
        for shard in 0..<infos.count {
            let writer = try DecisionFile.Writer(path: workspace.path("decisions", shard: shard, ".jsonl"))
            for index in offsets[shard]..<offsets[shard + 1] {
                let root = sets.find(index)
                let clusterSize = Int(size[root])
                guard clusterSize > 1 else { continue }
                let position = index - offsets[shard]
                if Int(keeper[root]) == index {
                    stats.clusters += 1
                    try writer.append(Decision(position: position, clusterSize: clusterSize, duplicateOf: nil))
                } else {
                    stats.removed += 1
                    try writer.append(Decision(position: position, clusterSize: clusterSize,
                                               duplicateOf: try ids.id(of: keyOf(Int(keeper[root])))))
                }
            }
            try writer.finish()
        }
        return stats
    }

    /// The keep rule: true when `candidate` should replace `current` as its cluster's keeper.
    /// Documents arrive in input order, so "ties go to the first" means "strictly better".
    func isBetter(_ candidate: Int, than current: Int, _ facts: [DocumentFacts]) -> Bool {
        switch options.keep {
        case .first: return false
        case .longest: return facts[candidate].length > facts[current].length
        case .score: return facts[candidate].score > facts[current].score
        }
    }

    // MARK: Stage 4

    /// Stage 4 for one shard; returns (kept, removed).
    @discardableResult
    public func filter(shard: Int) throws -> (Int, Int) {
        try workspace.applyDecisions(shard: shard, stage: NearDedup.stageName,
                                     sizeField: NearDedup.clusterSizeField, onlyWithCopies: false)
    }
}
