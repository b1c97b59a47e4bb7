import Foundation
import VernacularCore

/// How a job runs: where it writes, how many requests at once, how outputs are sharded.
public struct SynthRunSettings: Sendable {
    public var outputFolder: String
    public var endpointDescription: String
    public var concurrency: Int
    public var itemsPerShard: Int
    public var compression: Compression
    public var prices: TokenPrices?
    public var progress: ProgressStyle

    public init(outputFolder: String, endpointDescription: String, concurrency: Int = 8, itemsPerShard: Int = 100,
                compression: Compression = .zstd, prices: TokenPrices? = nil, progress: ProgressStyle = .automatic) {
        self.outputFolder = outputFolder
        self.endpointDescription = endpointDescription
        self.concurrency = concurrency
        self.itemsPerShard = itemsPerShard
        self.compression = compression
        self.prices = prices
        self.progress = progress
    }
}

/// Runs the items of a job shard by shard: finished shards are skipped, every other item gets
/// its answers (cache first), is judged, and each shard whose items all have answers is written
/// atomically (kept and rejected files, then its marker). Items that got no answer leave their
/// shard unfinished for the next run; nothing already answered is asked again.
public struct SynthRunner: Sendable {
    public let settings: SynthRunSettings
    public let assembler: ItemAssembler
    public let answers: AnswerSource
    public let accounting: RequestAccounting

    public init(settings: SynthRunSettings, assembler: ItemAssembler, answers: AnswerSource, accounting: RequestAccounting) {
        self.settings = settings
        self.assembler = assembler
        self.answers = answers
        self.accounting = accounting
    }

    private enum ItemResult: Sendable {
        case done(outputs: [ItemOutput], answers: [ChatAnswer], fresh: Bool)
        case failed(String)
    }

    public func run(items: [SynthItem], model: String) async throws -> SynthStats {
        let started = Date()
        let folder = settings.outputFolder
        for sub in ["documents", "rejected", "markers"] { try FileSystem.makeDirectory(folder + "/" + sub) }
        let shardCount = max(1, (items.count + settings.itemsPerShard - 1) / settings.itemsPerShard)
        var markers: [Int: SynthShardMarker] = [:]
        var pending: [Int] = []
        var keys: [String] = []
        for shard in 0 ..< shardCount {
            let key = shardKey(items: slice(ofShard: shard, in: items))
            keys.append(key)
            if let marker = try? AtomicJSONFile.read(SynthShardMarker.self, from: markerPath(shard)),
               marker.isValid(key: key, folder: folder) {
                markers[shard] = marker
            } else {
                pending.append(shard)
            }
        }

        let progress = SynthProgress(total: items.count, style: settings.progress)
        var done = items.count - pending.reduce(0) { $0 + slice(ofShard: $1, in: items).count }
        var fresh = 0
        var results: [Int: [ItemResult?]] = [:]
        var failures: [SynthStats.FailureSample] = []
        var unfinished = 0
        let limiter = AsyncLimiter(limit: settings.concurrency)
        let work = pending.flatMap { shard in (0 ..< slice(ofShard: shard, in: items).count).map { (shard, $0) } }
        for shard in pending { results[shard] = Array(repeating: nil, count: slice(ofShard: shard, in: items).count) }

        try await withThrowingTaskGroup(of: (Int, Int, ItemResult).self) { group in
            var next = 0
            // Enough items in flight to keep every request slot busy, few enough to bound memory.
            let window = settings.concurrency * 2
            func startNext() {
                guard next < work.count else { return }
                let (shard, offset) = work[next]
                next += 1
                let item = items[shard * settings.itemsPerShard + offset]
                group.addTask { (shard, offset, await self.resolve(item, limiter: limiter)) }
            }
            for _ in 0 ..< min(window, work.count) { startNext() }
            while let (shard, offset, result) = try await group.next() {
                results[shard]![offset] = result
                done += 1
                switch result {
                case .done(_, _, let wasFresh): if wasFresh { fresh += 1 }
                case .failed(let error):
                    unfinished += 1
                    if failures.count < 20 { failures.append(.init(id: items[shard * settings.itemsPerShard + offset].id, error: error)) }
                }
                if results[shard]!.allSatisfy({ $0 != nil }) {
                    if let marker = try write(shard: shard, key: keys[shard], results: results[shard]!.map { $0! }) {
                        markers[shard] = marker
                    }
                    results[shard] = nil
                }
                progress.update(done: done, fresh: fresh, accounting: accounting.snapshot, cacheHits: await answers.cacheHits)
                startNext()
            }
        }
        progress.update(done: done, fresh: fresh, accounting: accounting.snapshot, cacheHits: await answers.cacheHits, force: true)
        progress.finish()

        let finished = markers.values
        var rejected: [String: Int] = [:]
        for marker in finished { for (reason, count) in marker.rejected { rejected[reason, default: 0] += count } }
        let run = accounting.snapshot
        let promptTokens = finished.reduce(0) { $0 + $1.promptTokens }
        let completionTokens = finished.reduce(0) { $0 + $1.completionTokens }
        let stats = SynthStats(
            task: assembler.task.rawValue, model: model, endpoint: settings.endpointDescription, template: assembler.template.name,
            items: items.count, shards: shardCount, shardsFinished: finished.count, itemsUnfinished: unfinished,
            kept: finished.reduce(0) { $0 + $1.kept }, rejected: rejected, promptTokens: promptTokens, completionTokens: completionTokens,
            estimatedCostUSD: settings.prices?.cost(prompt: promptTokens, completion: completionTokens),
            lastRun: SynthStats.RunAccounting(
                requests: run.requests, retries: run.retries, cacheHits: await answers.cacheHits, errors: run.errors,
                promptTokens: run.promptTokens, completionTokens: run.completionTokens, seconds: Date().timeIntervalSince(started),
                estimatedCostUSD: settings.prices?.cost(prompt: run.promptTokens, completion: run.completionTokens)),
            failures: failures)
        try AtomicJSONFile.write(stats, to: folder + "/stats.json")
        return stats
    }

    private func resolve(_ item: SynthItem, limiter: AsyncLimiter) async -> ItemResult {
        do {
            let outcomes = try await withThrowingTaskGroup(of: (Int, AnswerSource.Outcome).self) { group in
                for (index, request) in item.requests.enumerated() {
                    group.addTask { (index, try await limiter.withSlot { try await answers.answer(request) }) }
                }
                var outcomes = [AnswerSource.Outcome?](repeating: nil, count: item.requests.count)
                for try await (index, outcome) in group { outcomes[index] = outcome }
                return outcomes.map { $0! }
            }
            let received = outcomes.map { $0.answer }
            return .done(outputs: assembler.outputs(for: item, answers: received), answers: received,
                         fresh: outcomes.contains { !$0.fromCache })
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// Writes one shard whose items all have answers; nil (and nothing written) if any failed.
    private func write(shard: Int, key: String, results: [ItemResult]) throws -> SynthShardMarker? {
        var kept: [UInt8] = [], rejectedBytes: [UInt8] = []
        var keptCount = 0, rejectedCount = 0
        var reasons: [String: Int] = [:]
        var promptTokens = 0, completionTokens = 0
        for result in results {
            guard case .done(let outputs, let answers, _) = result else { return nil }
            for answer in answers {
                promptTokens += answer.promptTokens
                completionTokens += answer.completionTokens
            }
            for output in outputs {
                if let rejection = output.rejection {
                    rejectedBytes += output.line
                    rejectedCount += 1
                    reasons[rejection.reason.rawValue, default: 0] += 1
                } else {
                    kept += output.line
                    keptCount += 1
                }
            }
        }
        let name = String(format: "shard-%05d.jsonl", shard) + (settings.compression == .none ? "" : "." + settings.compression.rawValue)
        var outputs: [SynthShardMarker.OutputFile] = []
        for (sub, bytes, count) in [("documents", kept, keptCount), ("rejected", rejectedBytes, rejectedCount)] {
            let relative = "\(sub)/\(name)"
            let path = settings.outputFolder + "/" + relative
            let temporary = path + ".tmp"
            let (sink, file) = try FileByteSink.create(path: temporary, compression: settings.compression)
            try sink.write(bytes)
            try sink.finish()
            let size = file.bytesWritten
            try FileSystem.rename(temporary, to: path)
            outputs.append(.init(file: relative, bytes: size, records: count))
        }
        let marker = SynthShardMarker(shard: shard, key: key, items: results.count, kept: keptCount, rejected: reasons,
                                      outputs: outputs, promptTokens: promptTokens, completionTokens: completionTokens)
        try AtomicJSONFile.write(marker, to: markerPath(shard))
        return marker
    }

    private func slice(ofShard shard: Int, in items: [SynthItem]) -> ArraySlice<SynthItem> {
        let start = shard * settings.itemsPerShard
        return items[min(start, items.count) ..< min(start + settings.itemsPerShard, items.count)]
    }

    private func markerPath(_ shard: Int) -> String { settings.outputFolder + String(format: "/markers/shard-%05d.json", shard) }

    private func shardKey(items: ArraySlice<SynthItem>) -> String {
        var text = assembler.checker.fingerprint + "\n" + assembler.template.contentHash + "\n" + settings.compression.rawValue
        for item in items { text += "\n" + item.id + " " + item.requestHash }
        return SHA256.hex(text)
    }
}
