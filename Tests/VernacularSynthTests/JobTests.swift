import Foundation
import Testing
import VernacularCore
@testable import VernacularSynth

/// Whole jobs against the fault server: what is kept, what is rejected and why, what is counted,
/// and that a rerun pays for nothing it already has.
@Suite(.serialized) struct JobTests {
    func job(_ task: SynthTask, server: FaultServer, inputs: [String], output: String, topics: String? = nil,
             itemsPerShard: Int = 2) -> SynthJob {
        SynthJob(task: task, endpoint: EndpointSettings(url: server.baseURL, timeout: 20), model: "fault", inputs: inputs,
                 topics: topics, packPath: Repository.pack, retry: RetryPolicy(maxRetries: 3, baseDelay: 0.02),
                 run: SynthRunSettings(outputFolder: output, endpointDescription: server.baseURL, concurrency: 4,
                                       itemsPerShard: itemsPerShard, compression: .zstd, prices: TokenPrices(promptPerMillion: 1, completionPerMillion: 2),
                                       progress: .quiet))
    }

    @Test func translateKeepsRejectsAndResumes() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/swc.jsonl"
        try writeDocuments([
            ("a", "今天天氣很好。\n我們去公園吧。"), ("b", "[swc] 他們說明天會下雨。"), ("c", "[refuse] 請翻譯這句。"),
            ("d", "[long] 這家餐廳很好吃。"), ("e", "[repeat] 你好嗎？"), ("f", "[429] 地鐵站在哪裡？"),
            ("g", "[400] 這一句會失敗。"), ("h", "[cut] 電影很感動。"),
        ], to: input)
        let output = folder + "/job"
        let first = try await job(.translate, server: server, inputs: [input], output: output).execute()
        #expect(first.items == 8)
        #expect(first.shards == 4)
        // g's shard (g, h) waits for the next run; the others are written.
        #expect(first.shardsFinished == 3)
        #expect(first.itemsUnfinished == 1)
        #expect(first.failures.map(\.id) == ["g"])
        #expect(first.failures[0].error.contains("max_tokens is too large"))
        #expect(first.kept == 2)
        #expect(first.rejected == ["not_cantonese": 1, "refused": 1, "truncated": 1, "repeated_text": 1])
        #expect(first.lastRun.errors["http_429"] == 1)
        #expect(first.lastRun.errors["http_400"] == 1)
        // a has two lines: two requests; 429 and cut add one retry each; g is sent once.
        #expect(first.lastRun.requests == 9 + 1 + 1)
        #expect(first.estimatedCostUSD != nil)

        let kept = try records(in: output + "/documents")
        #expect(kept.map { $0["id"] as! String } == ["a", "f"])
        let a = kept[0]
        #expect((a["text"] as! String).split(separator: "\n").count == 2)
        let synth = (a["meta"] as! [String: Any])["synth"] as! [String: Any]
        #expect(synth["source_id"] as? String == "a")
        #expect(synth["model"] as? String == "fault")
        #expect(synth["template"] as? String == "translate")
        #expect(synth["requests"] as? Int == 2)
        #expect((synth["request_hash"] as? String)?.count == 64)
        let rejected = try records(in: output + "/rejected")
        let reasons = Dictionary(uniqueKeysWithValues: rejected.map {
            ($0["id"] as! String, (($0["meta"] as! [String: Any])["rejected"] as! [String: Any])["reason"] as! String)
        })
        #expect(reasons == ["b": "not_cantonese", "c": "refused", "d": "truncated", "e": "repeated_text"])

        // Run again: only g is asked (and fails again); h's cached answer is reused.
        let sentBefore = server.received.count
        let second = try await job(.translate, server: server, inputs: [input], output: output).execute()
        #expect(server.received.count - sentBefore == 1)
        #expect(server.received.last?.userText.contains("[400]") == true)
        #expect(second.lastRun.requests == 1)
        #expect(second.kept == 2)
        #expect(second.shardsFinished == 3)

        // Every answer in the cache is one the server was asked for exactly once.
        let hashes = server.received.map(\.bodyHash)
        let cache = try ResponseCache(folder: output + "/cache")
        #expect(cache.count() == Set(hashes).count - 1)
        let stats = try #require(SynthStats.read(folder: output))
        #expect(stats == second)

        // The report page shows the counts of stats.json and an example per reason.
        let page = try SynthReport(folder: output).html()
        for reason in ["not_cantonese", "refused", "truncated", "repeated_text"] { #expect(page.contains(reason)) }
        #expect(page.contains("<div class=\"value\">8</div><div class=\"label\">items</div>"))
        #expect(page.contains("他們說明天會下雨"), "the source text beside the rejected translation")
    }

    @Test func streamedAnswersGiveTheSameOutputs() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/swc.jsonl"
        try writeDocuments([("a", "今天天氣很好。"), ("b", "[cut] 電影很感動。")], to: input)
        var plain = job(.translate, server: server, inputs: [input], output: folder + "/plain")
        _ = try await plain.execute()
        plain.endpoint.stream = true
        plain.run.outputFolder = folder + "/streamed"
        let streamed = try await plain.execute()
        #expect(streamed.lastRun.errors == ["connection": 1])
        let one = try records(in: folder + "/plain/documents").map { $0["text"] as! String }
        let two = try records(in: folder + "/streamed/documents").map { $0["text"] as! String }
        #expect(one == two)
        #expect(one.count == 2)
    }

    @Test func personaAndInstructJobs() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let personas = Repository.root + "/demo/samples/synth/personas.txt"
        let topics = Repository.root + "/demo/samples/synth/topics.txt"
        let persona = try await job(.persona, server: server, inputs: [personas], output: folder + "/persona", topics: topics,
                                    itemsPerShard: 5).execute()
        #expect(persona.items == 16)
        #expect(persona.kept == 16)
        let texts = try records(in: folder + "/persona/documents")
        let kinds = Set(texts.map { ((($0["meta"] as! [String: Any])["synth"] as! [String: Any])["kind"] as! String) })
        #expect(kinds.count >= 3, "kinds spread over the pairs: \(kinds)")
        #expect(Set(texts.map { $0["id"] as! String }).count == 16)

        let seeds = folder + "/seeds.jsonl"
        try writeDocuments([("s1", "香港有十八區，人口大約七百萬。")], to: seeds)
        let instruct = try await job(.instruct, server: server, inputs: [seeds], output: folder + "/instruct").execute()
        // The fault server's answer has no 問題/答案 labels.
        #expect(instruct.rejected == ["unparseable": 1])
    }

    @Test func duplicateIdsAndBadInputsStopBeforeAnyRequest() async throws {
        let server = FaultServer()
        try await server.start()
        defer { server.stop() }
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/dup.jsonl"
        try writeDocuments([("x", "一。"), ("x", "二。")], to: input)
        await #expect(throws: SynthError.self) { _ = try await job(.translate, server: server, inputs: [input], output: folder + "/o").execute() }
        let broken = folder + "/broken.jsonl"
        try "{\"id\": \"1\", \"text\": \"好\"}\n{not json\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let error = await #expect(throws: (any Error).self) {
            _ = try await job(.translate, server: server, inputs: [broken], output: folder + "/o2").execute()
        }
        #expect("\(error!)".contains("broken.jsonl"))
        #expect("\(error!)".contains("2"))
        #expect(server.received.isEmpty)
    }
}
