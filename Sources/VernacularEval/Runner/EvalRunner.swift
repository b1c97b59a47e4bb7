import Foundation
import VernacularCore
import VernacularLangID

/// A model the run may need. It is loaded only when one of its items is not in the cache, so a
/// rerun with everything cached loads nothing.
public struct EvalModelSource {
    /// The name results use: as given on the command line.
    public var name: String
    /// What the cache keys on: the resolved path and the files' size and modification time.
    public var key: String
    public var load: () throws -> any EvalModel

    public init(name: String, key: String, load: @escaping () throws -> any EvalModel) {
        self.name = name
        self.key = key
        self.load = load
    }
}

/// Runs every task for every model: items already in the cache are read back, the rest are sent
/// to the model in batches, each answer stored as it comes; then results.json, items.jsonl and
/// report.html are written. The runner schedules; loaders, the model and metrics do the work.
public final class EvalRunner {
    public let settings: EvalSettings
    public let output: String
    /// Labels answers for answer-language and code-switch.
    public var classifier: LangIDClassifier?
    /// Requests sent to the model at once.
    public var batchSize = 8
    /// Progress lines (stderr in the CLI).
    public var progress: (String) -> Void = { _ in }
    /// Seconds between progress lines.
    public var progressInterval = 2.0

    public init(settings: EvalSettings, output: String) {
        self.settings = settings
        self.output = output
    }

    public var cachePath: String { output + "/cache.jsonl" }

    public func run(models: [EvalModelSource]) throws -> EvalResults {
        guard !models.isEmpty else { throw EvalError(file: output, "no model to evaluate") }
        let tasks = try settings.tasks.map { try TaskPreparation.prepare($0, shots: settings.shots, limit: settings.limit) }
        var names = Set<String>()
        for task in tasks where !names.insert(task.name).inserted {
            throw EvalError(file: task.spec.path, "two tasks are named '\(task.name)': give one of them name=...")
        }
        for task in tasks {
            for problem in task.problems { progress("warning: \(problem) (not scored)") }
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let cache = try ResultCache(path: cachePath)
        if cache.ignoredLines > 0 { progress("cache: ignored \(cache.ignoredLines) unfinished line(s) in \(cachePath)") }

        var results: [TaskResult] = []
        var allRecords: [ItemRecord] = []
        for source in models {
            var model: (any EvalModel)?
            for task in tasks {
                let start = Date()
                let scoring = AnswerScoring(kind: task.spec.kind, classifier: classifier)
                var records = [ItemRecord?](repeating: nil, count: task.items.count)
                var pending: [Int] = []
                let keys = task.items.map { StableHash.hex([source.key, task.name, task.spec.kind.rawValue, $0.id, $0.fingerprint]) }
                for (index, key) in keys.enumerated() {
                    if var cached = cache.record(for: key) {
                        cached.model = source.name
                        records[index] = cached
                    } else {
                        pending.append(index)
                    }
                }
                if !pending.isEmpty {
                    if model == nil { model = try source.load() }
                    try answer(pending, of: task, model: model!, source: source, scoring: scoring, cache: cache, keys: keys,
                               cachedCount: task.items.count - pending.count, into: &records)
                }
                let done = records.compactMap { $0 }
                let (metrics, subjects) = TaskMetrics.compute(kind: task.spec.kind, records: done)
                results.append(TaskResult(
                    task: task.name, kind: task.spec.kind, path: task.spec.path, options: task.spec.options, model: source.name,
                    method: TaskMetrics.method(task.spec.kind), shots: task.shots, prompt: task.prompt, items: done.count,
                    scoredNow: pending.count, seconds: Date().timeIntervalSince(start), problems: task.problems,
                    metrics: metrics, subjects: subjects))
                allRecords += done
            }
        }
        let evalResults = EvalResults(
            version: VernacularVersion.current, created: ISO8601DateFormatter().string(from: Date()), settings: settings,
            models: models.map { .init(name: $0.name, key: $0.key) }, tasks: results)
        try EvalFiles.write(evalResults, records: allRecords, to: output)
        return evalResults
    }

    private func answer(_ pending: [Int], of task: PreparedTask, model: any EvalModel, source: EvalModelSource,
                        scoring: AnswerScoring, cache: ResultCache, keys: [String], cachedCount: Int,
                        into records: inout [ItemRecord?]) throws {
        let start = Date()
        var lastReport = start
        var done = 0
        for batchStart in stride(from: 0, to: pending.count, by: batchSize) {
            let batch = Array(pending[batchStart..<min(batchStart + batchSize, pending.count)])
            let items = batch.map { task.items[$0] }
            let answered: [ItemRecord]
            do {
                answered = try answerBatch(items, model: model, modelName: source.name, task: task, scoring: scoring)
            } catch {
                throw EvalError(file: task.spec.path, item: items.first?.id, "\(source.name) failed: \(error)")
            }
            for (index, record) in zip(batch, answered) {
                try cache.store(record, key: keys[index])
                records[index] = record
            }
            done += batch.count
            let now = Date()
            if now.timeIntervalSince(lastReport) >= progressInterval || done == pending.count {
                lastReport = now
                let rate = Double(done) / max(now.timeIntervalSince(start), 1e-9)
                progress(String(format: "eval %@ %@: %d/%d items (%d from cache), %.2f items/s",
                                source.name, task.name, cachedCount + done, task.items.count, cachedCount, rate))
            }
        }
    }

    private func answerBatch(_ items: [PreparedItem], model: any EvalModel, modelName: String, task: PreparedTask,
                             scoring: AnswerScoring) throws -> [ItemRecord] {
        switch items[0].request {
        case .loglikelihood:
            let requests = items.compactMap { item -> LoglikelihoodRequest? in
                if case .loglikelihood(let request) = item.request { return request } else { return nil }
            }
            return zip(items, try model.loglikelihoods(requests)).map {
                scoring.multipleChoice($1, model: modelName, task: task.name, item: $0)
            }
        case .generation:
            let requests = items.compactMap { item -> GenerationRequest? in
                if case .generation(let request) = item.request { return request } else { return nil }
            }
            return zip(items, try model.generate(requests)).map {
                scoring.generation($1, model: modelName, task: task.name, item: $0)
            }
        case .perplexity:
            return try items.map { item in
                guard case .perplexity(let text, let context) = item.request else { throw EvalError(file: task.spec.path, item: item.id, "not a text") }
                return scoring.perplexity(try model.perplexity(of: text, context: context), model: modelName, task: task.name, item: item)
            }
        }
    }
}
