import Foundation
import Testing

/// `vern tokenizer extend` from a GGUF model and `vern tokenizer stats` before and after.
@Suite struct TokenizerCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let smollm2 = root.appendingPathComponent("vendor/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let hasModel = FileManager.default.fileExists(atPath: smollm2)

    /// Conversation turns written for this test, each used several times so merges reach count 2.
    static let lines = [
        "我哋今晚去邊度食飯呀？", "唔知呀，你話事啦。", "不如去旺角食火鍋啦，好耐冇食過喇。",
        "佢話佢唔嚟喎，噉點算好？", "冇所謂啦，我哋自己去都得㗎。", "係咪真係咁平㗎？",
        "你琴日有冇睇到個新聞呀？", "有呀，佢哋話聽日會落大雨喎。", "噉我哋改第日先去啦。",
    ]

    static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "vern-tokenizer-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var jsonl = ""
        for round in 0..<6 {
            for (i, line) in lines.enumerated() {
                let record = try JSONSerialization.data(withJSONObject: ["id": "d\(round)-\(i)", "text": line])
                jsonl += String(decoding: record, as: UTF8.self) + "\n"
            }
        }
        try jsonl.write(toFile: folder + "/corpus.jsonl", atomically: true, encoding: .utf8)
        try "The weather will be wet tomorrow, so we will go another day.".write(toFile: folder + "/en.txt", atomically: true, encoding: .utf8)
        return folder
    }

    @Test(.enabled(if: hasModel, "needs vendor/models"))
    func extendsAGGUFBaseAndReportsTheChange() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let extend = try VernBinary.run(["tokenizer", "extend", "--base", Self.smollm2, "--add", "40",
                                         "--input", folder + "/corpus.jsonl", "--output", folder + "/ext"])
        #expect(extend.status == 0, "\(extend.error)")
        #expect(extend.output.contains("added 40 tokens"), "\(extend.output)")
        let mapping = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/ext/new_tokens.json"))) as? [String: Any]
        #expect(mapping?["base_vocabulary_size"] as? Int == 49152)
        #expect((mapping?["new_tokens"] as? [Any])?.count == 40)

        let stats = try VernBinary.run([
            "tokenizer", "stats", "--tokenizer", Self.smollm2, "--tokenizer", folder + "/ext/tokenizer.json",
            "--input", "yue=" + folder + "/corpus.jsonl", "--input", "en=" + folder + "/en.txt", "--output", folder + "/run/fertility.json",
        ])
        #expect(stats.status == 0, "\(stats.error)")
        #expect(stats.output.contains("Δ vs [1]"), "\(stats.output)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/run/fertility.json"))) as? [[String: Any]])
        #expect(rows.count == 4)
        let yue = try #require(rows.first { ($0["tokenizer"] as? String)?.hasSuffix("ext/tokenizer.json") == true && $0["set"] as? String == "yue" })
        #expect((yue["tokens_per_character_change_percent"] as? Double ?? 0) < -30)
        let en = try #require(rows.first { ($0["tokenizer"] as? String)?.hasSuffix("ext/tokenizer.json") == true && $0["set"] as? String == "en" })
        #expect(en["tokens_per_character_change_percent"] as? Double == 0)
    }

    @Test func missingBaseIsNamed() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try VernBinary.run(["tokenizer", "extend", "--base", folder + "/missing.gguf", "--add", "5",
                                         "--input", folder + "/corpus.jsonl", "--output", folder + "/ext"])
        #expect(result.status != 0)
        #expect(result.error.contains("missing.gguf"), "\(result.error)")
    }
}
