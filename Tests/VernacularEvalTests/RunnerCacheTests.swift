import Foundation
import Testing
import VernacularModels
@testable import VernacularEval

/// A model whose answers follow from the request text, counting what it is asked.
final class ScriptedModel: EvalModel {
    var loglikelihoodRequests = 0
    var generationRequests = 0

    func loglikelihoods(_ requests: [LoglikelihoodRequest]) throws -> [[Double]] {
        loglikelihoodRequests += requests.count
        // Prefers the choice whose letter comes earliest after the question's length: varied, reproducible.
        return requests.map { request in
            request.continuations.indices.map { index in -Double((index + request.context.count) % request.continuations.count) - 0.5 }
        }
    }

    func generate(_ requests: [GenerationRequest]) throws -> [String] {
        generationRequests += requests.count
        return requests.map { $0.prompt.contains("3個蘋果") ? "3加5，即係8個。" : "我唔知，可能係42。" }
    }

    func perplexity(of text: String, context: Int) throws -> PerplexityResult {
        throw EvalError(file: "scripted", "no perplexity")
    }
}

struct RunnerCacheTests {
    let tasks = [
        TaskSpec(kind: .mcYueBenchmark, path: FixtureFiles.path("yue-mmlu")),
        TaskSpec(kind: .mcJSONL, path: FixtureFiles.path("multiple-choice.jsonl")),
        TaskSpec(kind: .generateMath, path: FixtureFiles.path("math.json")),
    ]

    func run(_ folder: String, models: [String], scripted: [String: ScriptedModel], loads: inout [String]) throws -> EvalResults {
        let runner = EvalRunner(settings: EvalSettings(tasks: tasks), output: folder)
        runner.batchSize = 3
        var loaded: [String] = []
        defer { loads += loaded }
        let sources = models.map { name in
            EvalModelSource(name: name, key: "key-\(name)") {
                loaded.append(name)
                return scripted[name]!
            }
        }
        return try runner.run(models: sources)
    }

    @Test func aSecondRunScoresNothingAndAnAddedModelOnlyItsOwnItems() throws {
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = ScriptedModel(), second = ScriptedModel()
        var loads: [String] = []
        let results = try run(folder, models: ["one"], scripted: ["one": first], loads: &loads)
        #expect(first.loglikelihoodRequests == 8 && first.generationRequests == 3)
        #expect(results.tasks.map(\.scoredNow) == [6, 2, 3])

        let again = ScriptedModel()
        let rerun = try run(folder, models: ["one"], scripted: ["one": again], loads: &loads)
        #expect(again.loglikelihoodRequests == 0 && again.generationRequests == 0)
        #expect(loads == ["one"], "a run with everything cached loads no model")
        #expect(rerun.tasks.map(\.scoredNow) == [0, 0, 0])
        #expect(rerun.tasks.map(\.metrics) == results.tasks.map(\.metrics))

        let both = try run(folder, models: ["one", "two"], scripted: ["one": again, "two": second], loads: &loads)
        #expect(again.loglikelihoodRequests == 0 && second.loglikelihoodRequests == 8)
        #expect(both.tasks.count == 6)
    }

    @Test func aTornLastLineIsIgnoredAndOnlyThatItemScoredAgain() throws {
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var loads: [String] = []
        _ = try run(folder, models: ["one"], scripted: ["one": ScriptedModel()], loads: &loads)
        // A kill in the middle of a write: the last line loses its end.
        let cachePath = folder + "/cache.jsonl"
        var data = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        let lines = data.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 11)
        data.removeLast(lines.last!.count / 2 + 1)
        try data.write(to: URL(fileURLWithPath: cachePath))

        let resumed = ScriptedModel()
        let results = try run(folder, models: ["one"], scripted: ["one": resumed], loads: &loads)
        #expect(resumed.loglikelihoodRequests + resumed.generationRequests == 1)
        #expect(results.tasks.map(\.scoredNow).reduce(0, +) == 1)
        let cacheLines = try String(contentsOfFile: cachePath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(cacheLines.count == 12 && cacheLines.last == "", "the torn line was cut off before appending")
        #expect(cacheLines.dropLast().allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test func resultsAndItemsFilesHoldEveryFieldAndTheReportEscapesText() throws {
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var loads: [String] = []
        _ = try run(folder, models: ["<one>"], scripted: ["<one>": ScriptedModel()], loads: &loads)

        let results = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/results.json"))) as? [String: Any])
        #expect(results["version"] is String && results["settings"] is [String: Any] && results["models"] is [Any])
        let tasks = try #require(results["tasks"] as? [[String: Any]])
        let mc = tasks[0]
        #expect(mc["task"] as? String == "mc-yue-benchmark:yue-mmlu")
        #expect((mc["metrics"] as? [String: Double])?.keys.sorted() == ["acc", "acc_macro", "acc_norm"])
        #expect((mc["subjects"] as? [Any])?.count == 2)
        #expect((mc["problems"] as? [[String: Any]])?.count == 5)
        #expect((mc["prompt"] as? [String: Any])?["answer_prefix"] as? String == "Answer:")
        #expect((tasks[2]["metrics"] as? [String: Double])?["exact_match"] == 1.0 / 3)

        let items = try String(contentsOfFile: folder + "/items.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(items.count == 11)
        let first = items[0]
        for field in ["model", "task", "id", "prompt", "choices", "loglikelihoods", "prediction", "gold", "correct"] {
            #expect(first[field] != nil, "items.jsonl lacks \(field)")
        }
        #expect((first["loglikelihoods"] as? [Double])?.count == 4)
        let prediction = try #require(first["prediction"] as? Int)
        let loglikelihoods = try #require(first["loglikelihoods"] as? [Double])
        #expect(loglikelihoods[prediction] == loglikelihoods.max())
        #expect((first["correct"] as? Bool) == (prediction == first["gold"] as? Int))
        let math = items.filter { ($0["task"] as? String)?.hasPrefix("gen-math") == true }
        #expect(math.count == 3 && math.allSatisfy { $0["output"] is String && $0["choices"] == nil })

        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.contains("&lt;one&gt;") && !html.contains("<one>"))
        #expect(html.contains("<svg") && html.contains("hong_kong_culture"))
    }
}
